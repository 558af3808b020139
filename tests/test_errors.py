from __future__ import annotations

import json
import pickle

import pytest

from csperf import errors
from csperf.errors import (
    ConfigError,
    CsperfError,
    GradeError,
    InconsistentJudgementsError,
    MeasurementError,
    MissingMeasurementError,
    PluginError,
    Reason,
    UnknownNameError,
    ValidationError,
    WeightingError,
    WriteError,
    format_key_path,
    key_path,
)

BUILTINS = [
    (CsperfError, Exception),
    (ValidationError, ValueError),
    (WeightingError, ValueError),
    (InconsistentJudgementsError, ValueError),
    (ConfigError, ValueError),
    (WriteError, OSError),
    (GradeError, ValueError),
    (MeasurementError, ValueError),
    (MissingMeasurementError, KeyError),
    (UnknownNameError, LookupError),
    (PluginError, RuntimeError),
]

# One error of every class, with every field of the class set to something other than its default.
SAMPLES = [
    CsperfError("boom", obj="Thing", field="f", subject="s", value=3, outer=("card",)),
    ValidationError(
        "field 'id' must not be empty",
        obj="Ticket",
        field="id",
        value="",
        position=4,
        reason="invalid_field",
    ),
    WeightingError("weights sum to 0.9", obj="Weighting", field=("dimensions",), value=0.9),
    InconsistentJudgementsError(
        "consistency ratio 0.2000 exceeds the accepted 0.1",
        obj="AHP",
        field="matrix",
        consistency_ratio=0.2,
        max_cr=0.1,
        pair=("a", "b"),
        lambda_max=3.4,
        keys=("a", "b", "c"),
    ),
    ConfigError(
        "must be a number",
        obj="scorecard file card.toml",
        field=("indicators", 3, "weight"),
        value="x",
        path="/cards/card.toml",
        line=12,
        source="card.toml",
    ),
    WriteError(
        "cannot write the file: No space left on device",
        obj="report",
        field="path",
        value="/out/report.csv",
        path="/out/report.csv",
        source="/out/report.csv",
        errno=28,
    ),
    GradeError("value 101 lies outside the scale", obj="GradeScale", subject="ann", value=101),
    MeasurementError(
        "column 'csat' must be a number",
        obj="Measurements",
        field="csat",
        subject="ann",
        value="x",
        path="/data/m.csv",
        line=3,
        source="m.csv",
        position=1,
        reason=Reason.OFF_SCALE,
    ),
    MissingMeasurementError(
        "no measurement 'csat' for subject 'ann'",
        obj="Indicator 'csat'",
        field="csat",
        subject="ann",
        missing=("csat", "frt"),
    ),
    UnknownNameError("scoring rule", "linear", ("piecewise", "steps"), field="kind"),
    UnknownNameError(
        "subject", "west", ["north"], msg="no subject 'west'", obj="Measurements", subject="west"
    ),
    PluginError("raised ValueError: boom", obj="plugin 'broken'", plugin="broken", hook="h"),
]


def _state(error: CsperfError) -> tuple[object, ...]:
    return (type(error), str(error), error.arguments(), error.args)


@pytest.mark.parametrize(("cls", "builtin"), BUILTINS, ids=[c.__name__ for c, _ in BUILTINS])
def test_every_error_is_a_csperf_error_and_its_builtin(cls, builtin):
    exc = cls("thing", "name") if cls is UnknownNameError else cls("boom", obj="Thing")
    assert isinstance(exc, CsperfError)
    assert isinstance(exc, builtin)


def test_every_public_error_class_has_a_sample():
    classes = {
        getattr(errors, name)
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), CsperfError)
    }
    assert classes == {type(sample) for sample in SAMPLES}
    assert classes == {cls for cls, _ in BUILTINS}


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_pickles_equal_in_type_message_and_fields(error):
    copy = pickle.loads(pickle.dumps(error))
    assert copy is not error
    assert _state(copy) == _state(error)
    for name in error.arguments():
        assert getattr(copy, name) == getattr(error, name)


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_evolve_without_changes_is_an_equal_copy(error):
    assert _state(error.evolve()) == _state(error)


def test_the_message_is_the_object_then_the_reason():
    error = ValidationError(
        "points[0] must be a pair", obj="Piecewise", field=("points", 0), value=3
    )
    assert str(error) == "Piecewise: points[0] must be a pair"
    assert error.message == str(error)
    assert error.msg == "points[0] must be a pair"
    assert error.args == ("points[0] must be a pair",)
    assert str(ValidationError("no object")) == "no object"


def test_enclosing_objects_prefix_the_message():
    inner = WeightingError("consistency ratio 0.2", obj="AHP")
    outer = inner.inside("ahp").inside("card")
    assert str(outer) == "card: ahp: AHP: consistency ratio 0.2"
    assert outer.outer == ("card", "ahp")
    assert (outer.obj, outer.msg) == ("AHP", "consistency ratio 0.2")
    assert str(inner) == "AHP: consistency ratio 0.2"


def test_evolve_changes_fields_and_keeps_the_type():
    error = InconsistentJudgementsError("too inconsistent", obj="AHP", pair=("a", "b"))
    moved = error.evolve(obj="ahp within speed")
    assert type(moved) is InconsistentJudgementsError
    assert str(moved) == "ahp within speed: too inconsistent"
    assert moved.pair == ("a", "b")


def test_a_config_error_with_a_source_names_file_line_and_key_path():
    error = ConfigError(
        "must be a number", obj="scorecard", source="card.toml", line=20, field=("a", 0, "b")
    )
    assert str(error) == "card.toml:20: a[0].b: must be a number"
    assert str(error.evolve(line=None)) == "card.toml: a[0].b: must be a number"
    assert str(error.evolve(field=None)) == "card.toml:20: must be a number"
    assert str(error.evolve(source=None)) == "scorecard: must be a number"
    assert error.key_path == "a[0].b"
    assert error.path is None


def test_a_measurement_error_with_a_source_names_file_and_line_only():
    error = MeasurementError("column 'csat' is empty", obj="Measurements", source="m.csv", line=3)
    assert str(error) == "m.csv:3: column 'csat' is empty"
    assert str(error.evolve(source=None)) == "Measurements: column 'csat' is empty"


def test_unknown_name_error_composes_its_message_from_its_fields():
    error = UnknownNameError("scoring rule", "linear", ("piecewise", "steps"))
    assert str(error) == "unknown scoring rule 'linear'; available: piecewise, steps"
    assert (error.what, error.name, error.value) == ("scoring rule", "linear", "linear")
    assert str(UnknownNameError("template", "x")) == "unknown template 'x'; available: (none)"
    worded = UnknownNameError("metric", "mood", ("csat",), msg="unknown metric 'mood'")
    assert str(worded) == "unknown metric 'mood'"
    assert str(worded.evolve(available=("nps",))) == "unknown metric 'mood'"
    assert "nps" in str(error.evolve(available=("nps",)))


def test_missing_measurement_error_prints_its_message_not_a_repr():
    exc = MissingMeasurementError("plain message", missing=["csat"])
    assert str(exc) == "plain message"
    assert exc.missing == ("csat",)


def test_unset_fields_have_their_defaults():
    exc = CsperfError("x")
    assert (exc.obj, exc.field, exc.subject, exc.value, exc.outer) == (None, (), None, None, ())
    assert exc.key_path is None


@pytest.mark.parametrize(
    ("field", "path", "text"),
    [
        (None, (), ""),
        ("", (), ""),
        ("weight", ("weight",), "weight"),
        (3, (3,), "[3]"),
        (("indicators", 3, "weight"), ("indicators", 3, "weight"), "indicators[3].weight"),
        (["points", 1, 0], ("points", 1, 0), "points[1][0]"),
        (
            ("weighting", ("indicators", "x y")),
            ("weighting", "indicators", "x y"),
            'weighting.indicators["x y"]',
        ),
        # a text is one key, never parsed
        ("points[0]", ("points[0]",), '["points[0]"]'),
        ((0, "a"), (0, "a"), "[0].a"),
    ],
)
def test_fields_are_key_paths(field, path, text):
    assert key_path(field) == path
    assert format_key_path(field) == text
    assert CsperfError("x", field=field).field == path
    assert CsperfError("x", field=field).key_path == (text or None)


def test_a_non_ascii_key_is_written_as_it_is():
    assert format_key_path(("name", "质量")) == 'name["质量"]'


def test_reason_members_equal_their_codes():
    assert Reason.DUPLICATE == "duplicate"
    assert Reason("off_scale") is Reason.OFF_SCALE
    assert {Reason.DUPLICATE: 1}["duplicate"] == 1
    assert f"{Reason.NOT_ON_ROSTER}" == str(Reason.NOT_ON_ROSTER) == "not_on_roster"
    assert json.dumps({"reason": Reason.INCONSISTENT}) == '{"reason": "inconsistent"}'
    assert len({r.value for r in Reason}) == len(Reason)


def test_record_check_errors_carry_a_reason():
    error = ValidationError("bad", obj="Ticket", reason="negative_duration", position=2)
    assert error.reason is Reason.NEGATIVE_DURATION
    assert error.position == 2
    assert ValidationError("bad").reason is None
    with pytest.raises(ValueError, match="not_a_reason"):
        ValidationError("bad", reason="not_a_reason")


def test_record_issues_and_reports_hold_reasons():
    from csperf.metrics import RecordIssue, RejectReport

    issue = RecordIssue(0, "duplicate", "id", 1, "Ticket: duplicate id 1")
    assert issue.reason is Reason.DUPLICATE
    report = RejectReport("tickets", 3, 1, {"duplicate": 1}, (issue,))
    assert list(report.by_reason) == [Reason.DUPLICATE]
    data = report.to_dict()
    assert data["by_reason"] == {"duplicate": 1}
    assert type(data["examples"][0]["reason"]) is str
    assert RejectReport.from_dict(json.loads(json.dumps(data))) == report
    assert report.summary() == "tickets: 1 of 3 rows rejected (duplicate 1)"
