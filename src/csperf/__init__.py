"""csperf: performance-appraisal scorecards for customer-service teams and their managers.

The public API is re-exported here; see the API reference in the documentation. The
subpackages :mod:`csperf.weights`, :mod:`csperf.metrics`, :mod:`csperf.sources`,
:mod:`csperf.report`, :mod:`csperf.templates`, the modules :mod:`csperf.agreement`,
:mod:`csperf.datasets`, :mod:`csperf.history`, :mod:`csperf.health`, :mod:`csperf.trends`,
:mod:`csperf.ratings`, :mod:`csperf.text` and :mod:`csperf.errors` (every error class) are public
too; every other module is an implementation detail.
"""

from __future__ import annotations

from typing import Any

from csperf.adjustments import Adjustment, AdjustmentKind, Veto, VetoEffect
from csperf.appraisal import Appraisal
from csperf.calibration import Calibration, CalibrationMove, Quota, calibrate, quota_sizes
from csperf.config import dump_scorecard, dumps_scorecard, load_scorecard, loads_scorecard
from csperf.dimensions import Dimension
from csperf.errors import (
    ConfigError,
    CsperfError,
    MeasurementError,
    PluginError,
    ValidationError,
)
from csperf.grading import GradeBand, GradeScale
from csperf.health import Review, review
from csperf.history import History
from csperf.hooks import PluginManager, get_plugin_manager, hookimpl
from csperf.indicators import Indicator
from csperf.results import (
    AdjustmentResult,
    BatchResult,
    DimensionResult,
    IndicatorResult,
    ScorecardResult,
    VetoResult,
)
from csperf.rules import Piecewise, RatioToTarget, ScoringRule, Steps, TargetTolerance
from csperf.scorecard import MissingPolicy, Scorecard
from csperf.sensitivity import (
    GradeChange,
    Perturbation,
    RankAgreement,
    Scenario,
    Sensitivity,
    WhatIf,
    kendall_tau,
    shift_dimension,
    spearman,
    weight_sensitivity,
    whatif,
)
from csperf.trends import Comparison, compare
from csperf.units import Direction
from csperf.weighting import Weighting

__all__ = [
    "Adjustment",
    "AdjustmentKind",
    "AdjustmentResult",
    "Appraisal",
    "BatchResult",
    "Calibration",
    "CalibrationMove",
    "Comparison",
    "ConfigError",
    "CsperfError",
    "Dimension",
    "DimensionResult",
    "Direction",
    "GradeBand",
    "GradeChange",
    "GradeScale",
    "History",
    "Indicator",
    "IndicatorResult",
    "MeasurementError",
    "MissingPolicy",
    "Perturbation",
    "Piecewise",
    "PluginError",
    "PluginManager",
    "Quota",
    "RankAgreement",
    "RatioToTarget",
    "Review",
    "Scenario",
    "Scorecard",
    "ScorecardResult",
    "ScoringRule",
    "Sensitivity",
    "Steps",
    "TargetTolerance",
    "ValidationError",
    "Veto",
    "VetoEffect",
    "VetoResult",
    "Weighting",
    "WhatIf",
    "__version__",
    "calibrate",
    "compare",
    "dump_scorecard",
    "dumps_scorecard",
    "get_plugin_manager",
    "hookimpl",
    "kendall_tau",
    "load_scorecard",
    "loads_scorecard",
    "quota_sizes",
    "review",
    "shift_dimension",
    "spearman",
    "weight_sensitivity",
    "whatif",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from csperf._version import __version__

        return __version__
    raise AttributeError(f"module 'csperf' has no attribute {name!r}")
