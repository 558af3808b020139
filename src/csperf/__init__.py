"""csperf: performance-appraisal scorecards for customer-service teams and their managers.

The public API is re-exported here; see the API reference in the documentation.
"""

from __future__ import annotations

from typing import Any

from csperf.appraisal import Appraisal
from csperf.config import dump_scorecard, dumps_scorecard, load_scorecard, loads_scorecard
from csperf.dimensions import Dimension
from csperf.errors import (
    ConfigError,
    CsperfError,
    GradeError,
    InconsistentJudgementsError,
    MeasurementError,
    MissingMeasurementError,
    PluginError,
    UnknownNameError,
    ValidationError,
    WeightingError,
)
from csperf.grading import GradeBand, GradeScale
from csperf.hooks import PluginManager, get_plugin_manager, hookimpl
from csperf.indicators import (
    Direction,
    Indicator,
    Piecewise,
    RatioToTarget,
    ScoringRule,
    Steps,
    TargetTolerance,
)
from csperf.results import (
    BatchResult,
    DimensionResult,
    IndicatorResult,
    Redistribution,
    ScorecardResult,
)
from csperf.scorecard import MissingPolicy, Scorecard
from csperf.text import LocalizedText, Text, localize
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
    "GradeError",
    "GradeScale",
    "InconsistentJudgementsError",
    "Indicator",
    "IndicatorResult",
    "LocalizedText",
    "MeasurementError",
    "MissingMeasurementError",
    "MissingPolicy",
    "Piecewise",
    "PluginError",
    "PluginManager",
    "RatioToTarget",
    "Redistribution",
    "Scorecard",
    "ScorecardResult",
    "ScoringRule",
    "Steps",
    "TargetTolerance",
    "Text",
    "UnknownNameError",
    "ValidationError",
    "Weighting",
    "WeightingError",
    "__version__",
    "dump_scorecard",
    "dumps_scorecard",
    "get_plugin_manager",
    "hookimpl",
    "load_scorecard",
    "loads_scorecard",
    "localize",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from csperf._version import __version__

        return __version__
    raise AttributeError(f"module 'csperf' has no attribute {name!r}")
