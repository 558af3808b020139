from __future__ import annotations

import math
import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import CsperfError, GradeBand, GradeScale, ValidationError
from csperf.errors import GradeError
from strategies import examples


def test_default_scale_bands_and_labels():
    scale = GradeScale.default()
    assert scale.keys == ("excellent", "good", "pass", "fail")
    assert [scale.band(k).text("zh") for k in scale.keys] == ["优秀", "良好", "合格", "不合格"]
    assert (scale.lower, scale.upper) == (0, 100)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (0, "fail"),
        (59.99, "fail"),
        (60, "pass"),
        (79.999, "pass"),
        (80, "good"),
        (89.99, "good"),
        (90, "excellent"),
        (100, "excellent"),
    ],
)
def test_default_scale_is_half_open_with_closed_top(value, key):
    assert GradeScale.default().grade(value).key == key


@pytest.mark.parametrize("value", [-0.01, 100.01, math.nan])
def test_value_outside_the_scale_is_a_grade_error(value):
    with pytest.raises(GradeError, match="outside the scale"):
        GradeScale.default().grade(value, subject="ann")


def test_grade_error_names_the_subject():
    with pytest.raises(GradeError) as info:
        GradeScale.default().grade(101, subject="ann")
    assert info.value.subject == "ann"
    assert info.value.value == 101
    assert "ann" in str(info.value)


def test_right_closed_scale_for_lower_is_better_standards():
    # "first response within 60 s is excellent; within 120 s good; otherwise fail"
    scale = GradeScale(
        [
            GradeBand("excellent", "excellent", 0, 60),
            GradeBand("good", "good", 60, 120),
            GradeBand("fail", "fail", 120, math.inf),
        ],
        closed="right",
    )
    assert scale.grade(0).key == "excellent"
    assert scale.grade(60).key == "excellent"
    assert scale.grade(60.001).key == "good"
    assert scale.grade(120).key == "good"
    assert scale.grade(1e9).key == "fail"


def test_overlapping_bands_are_rejected_naming_both():
    with pytest.raises(ValidationError, match=r"'good'.*'excellent'.*overlap"):
        GradeScale([GradeBand("excellent", "e", 85, 100), GradeBand("good", "g", 80, 90)])


def test_gap_between_bands_is_rejected():
    with pytest.raises(ValidationError, match="gap between band 'fail'"):
        GradeScale([GradeBand("pass", "p", 60, 100), GradeBand("fail", "f", 0, 59)])


def test_duplicate_band_keys_are_rejected():
    with pytest.raises(ValidationError, match="appears twice"):
        GradeScale([GradeBand("a", "a", 0, 50), GradeBand("a", "b", 50, 100)])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key": "Bad Key"}, "key"),
        ({"label": ""}, "label"),
        ({"label": {}}, "label"),
        ({"lower": math.nan}, "lower"),
        ({"upper": "90"}, "upper"),
        ({"lower": 90, "upper": 80}, "upper"),
        ({"lower": True}, "lower"),
    ],
)
def test_invalid_band_raises_validation_error_naming_the_field(kwargs, field):
    args = {"key": "good", "label": "good", "lower": 80, "upper": 90, **kwargs}
    with pytest.raises(ValidationError) as info:
        GradeBand(**args)
    assert info.value.key_path == field


def test_empty_scale_and_bad_closed_are_rejected():
    with pytest.raises(ValidationError):
        GradeScale([])
    with pytest.raises(ValidationError, match="closed"):
        GradeScale([GradeBand("a", "a", 0, 1)], closed="both")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        GradeScale("abc")  # type: ignore[arg-type]


def test_scale_is_hashable_equal_and_picklable():
    a, b = GradeScale.default(), GradeScale.default()
    assert a == b
    assert hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a


@settings(max_examples=examples(100))
@given(st.floats(0, 100), st.floats(0, 100))
def test_grade_is_monotone_in_the_value(x, y):
    scale = GradeScale.default()
    rank = {b.key: i for i, b in enumerate(scale.ordered)}
    lo, hi = sorted((x, y))
    assert rank[scale.grade(lo).key] <= rank[scale.grade(hi).key]


@settings(max_examples=examples(100))
@given(st.lists(st.floats(0, 100), min_size=1, max_size=20))
def test_vectorised_grading_equals_scalar_grading(values):
    scale = GradeScale.default()
    ordered = scale.ordered
    assert [ordered[i].key for i in scale.indices(values)] == [scale.grade(v).key for v in values]


def test_errors_are_csperf_errors():
    with pytest.raises(CsperfError):
        GradeBand("x", "x", 1, 1)


def test_band_fields_are_converted_and_checked_on_evolve():
    band = GradeBand("good", {"zh": "良好", "en": "good"}, 80, 90)
    assert isinstance(band.lower, float) and band.label["zh"] == "良好"
    assert attrs.evolve(band, upper=95).upper == 95.0
    with pytest.raises(ValidationError, match=r"^GradeBand 'good': lower bound 80 must be below"):
        attrs.evolve(band, upper=70)
    with pytest.raises(ValidationError, match=r"^GradeBand 'good': field 'lower' must be a real"):
        attrs.evolve(band, lower="80")
    with pytest.raises(ValidationError, match=r"^GradeBand: field 'key' must match"):
        GradeBand("good\n", "good", 80, 90)


def test_scale_order_is_derived_from_the_checked_bands():
    scale = GradeScale.default()
    assert [b.key for b in scale.ordered] == ["fail", "pass", "good", "excellent"]
    assert scale.ordered is scale.ordered  # computed once
    with pytest.raises(ValidationError, match="gap between band"):
        attrs.evolve(scale, bands=scale.bands[:1] + scale.bands[2:])
