"""The top-level package: a small public API, and an import that does no needless work."""

from __future__ import annotations

import json
import subprocess
import sys

import csperf

OPTIONAL = ("pandas", "yaml", "openpyxl", "duckdb", "pyarrow", "jsonschema", "click")


def test_the_top_level_api_is_the_model_files_errors_and_plugins():
    assert set(csperf.__all__) == {
        # the model
        "Dimension",
        "Direction",
        "GradeBand",
        "GradeScale",
        "Indicator",
        "MissingPolicy",
        "Piecewise",
        "RatioToTarget",
        "Scorecard",
        "ScoringRule",
        "Steps",
        "TargetTolerance",
        "Weighting",
        # veto and bonus/deduction items
        "Veto",
        "VetoEffect",
        "Adjustment",
        "AdjustmentKind",
        # results
        "BatchResult",
        "DimensionResult",
        "IndicatorResult",
        "ScorecardResult",
        "VetoResult",
        "AdjustmentResult",
        # scorecard files
        "dump_scorecard",
        "dumps_scorecard",
        "load_scorecard",
        "loads_scorecard",
        # the error root and the main errors (every other one is in csperf.errors)
        "CsperfError",
        "ConfigError",
        "MeasurementError",
        "PluginError",
        "ValidationError",
        # the periodic review (issue 12): history, health review, period comparison
        "History",
        "Review",
        "review",
        "Comparison",
        "compare",
        # plugins
        "Appraisal",
        "PluginManager",
        "get_plugin_manager",
        "hookimpl",
        "__version__",
        # the periodic review: calibration to a distribution, what-if and sensitivity
        "Calibration",
        "CalibrationMove",
        "Quota",
        "calibrate",
        "quota_sizes",
        "GradeChange",
        "Perturbation",
        "RankAgreement",
        "Scenario",
        "Sensitivity",
        "WhatIf",
        "kendall_tau",
        "shift_dimension",
        "spearman",
        "weight_sensitivity",
        "whatif",
    }
    for name in csperf.__all__:
        assert getattr(csperf, name) is not None


def test_every_error_class_is_importable_from_csperf_errors():
    import csperf.errors

    removed_from_the_top = {
        "GradeError",
        "InconsistentJudgementsError",
        "MissingMeasurementError",
        "UnknownNameError",
        "WeightingError",
    }
    assert removed_from_the_top <= set(csperf.errors.__all__)
    for name in csperf.errors.__all__:
        obj = getattr(csperf.errors, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, csperf.errors.CsperfError), name


def _loaded_after(statement: str) -> list[str]:
    code = (
        f"import json, sys; {statement}; "
        f"print(json.dumps(sorted(m for m in {OPTIONAL!r} if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded: list[str] = json.loads(out)
    return loaded


def test_importing_csperf_loads_no_optional_dependency():
    assert _loaded_after("import csperf") == []


def test_importing_the_public_subpackages_loads_no_optional_dependency():
    statement = (
        "import csperf.weights, csperf.metrics, csperf.sources, csperf.report, "
        "csperf.templates, csperf.datasets, csperf.text, csperf.errors"
    )
    assert _loaded_after(statement) == []
