"""csperf: performance-appraisal scorecards for customer-service teams and their managers.

The public API is re-exported here; see the API reference in the documentation. The
subpackages :mod:`csperf.weights`, :mod:`csperf.metrics`, :mod:`csperf.sources`,
:mod:`csperf.report`, :mod:`csperf.templates`, the modules :mod:`csperf.datasets`,
:mod:`csperf.text`, :mod:`csperf.ratings` and :mod:`csperf.errors` (every error class) are
public too; every other module is an implementation detail.
"""

from __future__ import annotations

from typing import Any

from csperf.appraisal import Appraisal
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
from csperf.hooks import PluginManager, get_plugin_manager, hookimpl
from csperf.indicators import Indicator
from csperf.results import (
    BatchResult,
    DimensionResult,
    IndicatorResult,
    ScorecardResult,
)
from csperf.rules import Piecewise, RatioToTarget, ScoringRule, Steps, TargetTolerance
from csperf.scorecard import MissingPolicy, Scorecard
from csperf.units import Direction
from csperf.weighting import Weighting

__all__ = [
    "Appraisal",
    "BatchResult",
    "ConfigError",
    "CsperfError",
    "Dimension",
    "DimensionResult",
    "Direction",
    "GradeBand",
    "GradeScale",
    "Indicator",
    "IndicatorResult",
    "MeasurementError",
    "MissingPolicy",
    "Piecewise",
    "PluginError",
    "PluginManager",
    "RatioToTarget",
    "Scorecard",
    "ScorecardResult",
    "ScoringRule",
    "Steps",
    "TargetTolerance",
    "ValidationError",
    "Weighting",
    "__version__",
    "dump_scorecard",
    "dumps_scorecard",
    "get_plugin_manager",
    "hookimpl",
    "load_scorecard",
    "loads_scorecard",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from csperf._version import __version__

        return __version__
    raise AttributeError(f"module 'csperf' has no attribute {name!r}")
