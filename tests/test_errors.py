from __future__ import annotations

import pickle

import pytest

from csperf import errors


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.ValidationError, ValueError),
        (errors.WeightingError, ValueError),
        (errors.InconsistentJudgementsError, ValueError),
        (errors.ConfigError, ValueError),
        (errors.GradeError, ValueError),
        (errors.MeasurementError, ValueError),
        (errors.MissingMeasurementError, KeyError),
        (errors.UnknownNameError, LookupError),
        (errors.PluginError, RuntimeError),
    ],
)
def test_every_error_is_a_csperf_error_and_its_builtin(cls, builtin):
    exc = cls("boom", obj="Thing", field="f", subject="s", value=3)
    assert isinstance(exc, errors.CsperfError)
    assert isinstance(exc, builtin)


def test_error_carries_context_and_pickles():
    exc = errors.MissingMeasurementError(
        "no measurement 'csat' for subject 'ann'",
        obj="Indicator 'csat'",
        field="csat",
        subject="ann",
        value=None,
        missing=["csat"],
    )
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is errors.MissingMeasurementError
    assert str(copy) == "no measurement 'csat' for subject 'ann'"
    assert (copy.obj, copy.field, copy.subject, copy.value) == (
        "Indicator 'csat'",
        "csat",
        "ann",
        None,
    )
    assert copy.missing == ["csat"]


def test_key_error_subclass_prints_its_message_not_a_repr():
    exc = errors.MissingMeasurementError("plain message")
    assert str(exc) == "plain message"


def test_unset_context_defaults_to_none():
    exc = errors.CsperfError("x")
    assert (exc.obj, exc.field, exc.subject, exc.value) == (None, None, None, None)
    assert exc.context == {}
