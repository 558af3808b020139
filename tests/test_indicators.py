from __future__ import annotations

import math
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    MeasurementError,
    Piecewise,
    RatioToTarget,
    ScoringRule,
    Steps,
    TargetTolerance,
    ValidationError,
)
from strategies import examples, indicator_specs, raw_values

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER
TARGET = Direction.TARGET_IS_BEST


# -- Piecewise ---------------------------------------------------------------------------------


def test_piecewise_interpolates_and_clamps():
    # 95 % or more: full marks; 2 points off per percentage point below.
    rule = Piecewise([(0.45, 0), (0.95, 100)])
    assert rule.score(0.95) == 100
    assert rule.score(0.99) == 100  # clamped above
    assert rule.score(0.9234) == 94.68  # 100 - 2 * 2.66
    assert rule.score(0.80) == 70
    assert rule.score(0.10) == 0  # clamped below


def test_piecewise_is_exact_on_decimal_inputs():
    rule = Piecewise([(0, 0), (3, 1)])
    # 1/3 of the way: exact thirds, no float noise.
    assert rule.exact_points(Fraction(1)) == Fraction(1, 3)
    rule = Piecewise([(0.1, 0), (0.3, 100)])
    assert rule.exact_points(Fraction("0.2")) == 50  # floats would give 49.99999999999999


def test_piecewise_array_matches_scalar():
    rule = Piecewise([(30, 100), (60, 90), (120, 80), (300, 60), (600, 0)])
    raw = np.array([0, 30, 45, 61.5, 200, 600, 1000, np.nan])
    expected = [rule.score(x) for x in raw[:-1]]
    got = rule.points_array(raw)
    assert got[:-1] == pytest.approx(expected, abs=1e-9)
    assert math.isnan(got[-1])


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(1, 100)], "at least two breakpoints"),
        ([(1, 0), (1, 100)], "strictly increasing"),
        ([(2, 0), (1, 100)], "strictly increasing"),
        ([(0, -1), (1, 100)], "must not be negative"),
        ([(0, math.nan), (1, 100)], "finite"),
        ([(0, 0), (math.inf, 100)], "finite"),
        ([(0, 0), ("1", 100)], "real number"),
        ([(0, 0, 0), (1, 100)], "pair"),
        ("abc", "pairs"),
    ],
)
def test_piecewise_rejects_bad_breakpoints(points, message):
    with pytest.raises(ValidationError, match=message):
        Piecewise(points)


def test_piecewise_must_agree_with_direction():
    rising = Piecewise([(0, 0), (1, 100)])
    falling = Piecewise([(0, 100), (1, 0)])
    peaked = Piecewise([(0, 0), (1, 100), (2, 0)])
    Indicator("a", "a", "d", HIGHER, rising)
    Indicator("a", "a", "d", LOWER, falling)
    Indicator("a", "a", "d", TARGET, peaked)
    with pytest.raises(ValidationError, match="disagrees with direction lower_is_better") as info:
        Indicator("frt", "First response", "d", LOWER, rising)
    assert info.value.obj == "Indicator 'frt'"
    assert info.value.key_path == "scoring"
    with pytest.raises(ValidationError, match="higher_is_better"):
        Indicator("a", "a", "d", HIGHER, peaked)
    with pytest.raises(ValidationError, match="target_is_best"):
        Indicator("a", "a", "d", TARGET, Piecewise([(0, 100), (1, 0), (2, 100)]))


# -- Steps -------------------------------------------------------------------------------------


def test_steps_standards_table():
    # 90 % or more -> 100, 80-90 % -> 85, 70-80 % -> 70, below 70 % -> 0
    rule = Steps([(0.9, None, 100), (0.8, 0.9, 85), (0.7, 0.8, 70), (None, 0.7, 0)])
    assert [rule.score(x) for x in (1.0, 0.9, 0.8999, 0.8, 0.75, 0.7, 0.6999, 0)] == [
        100,
        100,
        85,
        85,
        70,
        70,
        0,
        0,
    ]


def test_steps_right_closed_for_lower_is_better():
    # within 60 s -> 100, within 120 s -> 80, more -> 0
    rule = Steps([(0, 60, 100), (60, 120, 80), (120, None, 0)], closed="right")
    assert [rule.score(x) for x in (0, 60, 60.5, 120, 121)] == [100, 100, 80, 80, 0]
    Indicator("frt", "frt", "d", LOWER, rule)


def test_steps_top_band_includes_finite_upper_bound_and_outside_is_an_error():
    rule = Steps([(0, 0.5, 0), (0.5, 1, 100)])
    assert rule.score(1) == 100
    with pytest.raises(MeasurementError, match="outside every step"):
        rule.score(1.01)
    ind = Indicator("x", "x", "d", HIGHER, rule)
    with pytest.raises(MeasurementError, match=r"'x'.*subject 'ann'") as info:
        ind.score(-0.5, subject="ann")
    assert info.value.subject == "ann"


def test_steps_array_matches_scalar_and_raises_outside():
    rule = Steps([(0.9, None, 100), (0.8, 0.9, 85), (None, 0.8, 0)])
    raw = np.array([0.95, 0.9, 0.85, 0.8, 0.1, np.nan])
    got = rule.points_array(raw)
    assert list(got[:-1]) == [rule.score(x) for x in raw[:-1]]
    assert math.isnan(got[-1])
    bounded = Steps([(0, 1, 50)])
    with pytest.raises(MeasurementError):
        bounded.points_array(np.array([0.5, 2.0]))


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([(0, 0.5, 0), (0.4, 1, 100)], "overlap"),
        ([(0, 0.5, 0), (0.6, 1, 100)], "gap"),
        ([(0, 1, -5)], "negative"),
        ([(0, 1)], "triple"),
        ([], "at least one"),
    ],
)
def test_steps_rejects_bad_tables(steps, message):
    with pytest.raises(ValidationError, match=message):
        Steps(steps)


def test_steps_must_agree_with_direction():
    rule = Steps([(0.9, None, 100), (None, 0.9, 0)])
    with pytest.raises(ValidationError, match="lower_is_better"):
        Indicator("a", "a", "d", LOWER, rule)


# -- RatioToTarget -----------------------------------------------------------------------------


def test_ratio_to_target_higher_is_better():
    ind = Indicator("kt", "kt", "d", HIGHER, RatioToTarget(80))
    assert ind.score(60) == 75  # 60 / 80 * 100
    assert ind.score(100) == 100  # capped
    over = Indicator("kt", "kt", "d", HIGHER, RatioToTarget(80, cap=120))
    assert over.score(100) == 120  # 125 capped at 120
    assert over.score(88) == 110


def test_ratio_to_target_lower_is_better():
    ind = Indicator("frt", "frt", "d", LOWER, RatioToTarget(60))
    assert ind.score(80) == 75  # 60 / 80 * 100
    assert ind.score(30) == 100  # 200 capped
    assert ind.score(0) == 100  # nothing to wait for: the cap
    assert ind.scoring.to_dict() == {"kind": "ratio_to_target", "target": 60.0, "cap": 100.0}


def test_ratio_to_target_rejects_negative_raw_and_bad_fields():
    ind = Indicator("frt", "frt", "d", LOWER, RatioToTarget(60))
    with pytest.raises(MeasurementError, match="negative"):
        ind.score(-1)
    with pytest.raises(MeasurementError):
        ind.scoring.points_array(np.array([1.0, -1.0]))
    with pytest.raises(ValidationError, match="positive"):
        RatioToTarget(0)
    with pytest.raises(ValidationError, match="positive"):
        RatioToTarget(10, cap=-1)
    with pytest.raises(ValidationError, match="target_is_best"):
        Indicator("x", "x", "d", TARGET, RatioToTarget(1))
    with pytest.raises(ValidationError, match="no direction"):
        RatioToTarget(10).score(5)


def test_ratio_array_matches_scalar():
    for direction in (HIGHER, LOWER):
        ind = Indicator("x", "x", "d", direction, RatioToTarget(7, cap=110))
        raw = np.array([0.0, 1.0, 6.9, 7.0, 7.7, 50.0])
        assert ind.scoring.points_array(raw) == pytest.approx([ind.score(x) for x in raw])


# -- TargetTolerance ---------------------------------------------------------------------------


def test_target_tolerance():
    rule = TargetTolerance(target=1.0, tolerance=0.05, slope=400)
    Indicator("adherence", "Adherence", "d", TARGET, rule)
    assert rule.score(0.97) == 100
    assert rule.score(1.05) == 100
    assert rule.score(0.90) == 80  # 0.05 beyond the tolerance, 4 points per point
    assert rule.score(1.2) == 40
    assert rule.score(2.0) == 0
    with pytest.raises(ValidationError, match="target-is-best"):
        Indicator("x", "x", "d", HIGHER, rule)
    with pytest.raises(ValidationError, match="negative"):
        TargetTolerance(1, -0.1, 1)
    with pytest.raises(ValidationError, match="positive"):
        TargetTolerance(1, 0.1, 0)


# -- Indicator ---------------------------------------------------------------------------------


def test_indicator_defaults_metric_to_key_and_validates_fields():
    ind = Indicator(
        "csat",
        {"zh": "满意度", "en": "CSAT"},
        "quality",
        "higher_is_better",
        Piecewise([(0, 0), (1, 100)]),
    )
    assert ind.metric == "csat"
    assert attrs.evolve(ind, metric="customer_satisfaction").metric == "customer_satisfaction"
    assert ind.direction is HIGHER
    assert ind.text("zh") == "满意度"
    assert ind.text() == "CSAT"
    with pytest.raises(ValidationError, match="key"):
        Indicator("CSAT", "x", "q", HIGHER, Piecewise([(0, 0), (1, 100)]))
    with pytest.raises(ValidationError, match="direction"):
        Indicator("csat", "x", "q", "up", Piecewise([(0, 0), (1, 100)]))
    with pytest.raises(ValidationError, match="scoring"):
        Indicator("csat", "x", "q", HIGHER, lambda x: x)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="standards"):
        Indicator("csat", "x", "q", HIGHER, Piecewise([(0, 0), (1, 100)]), standards="90%")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="dimension"):
        Indicator("csat", "x", "Quality", HIGHER, Piecewise([(0, 0), (1, 100)]))


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf, "0.9", None, True])
def test_indicator_never_scores_bad_raw_values(raw):
    ind = Indicator("csat", "CSAT", "q", HIGHER, Piecewise([(0, 0), (1, 100)]))
    with pytest.raises(MeasurementError) as info:
        ind.score(raw, subject="ann")
    assert info.value.subject == "ann"
    assert info.value.key_path == "csat"
    assert "ann" in str(info.value)


def test_indicator_standard_band():
    standards = GradeScale(
        [
            GradeBand("excellent", "优秀", 0.9, 1),
            GradeBand("good", "良好", 0.8, 0.9),
            GradeBand("fail", "不合格", 0, 0.8),
        ]
    )
    ind = Indicator("csat", "CSAT", "q", HIGHER, Piecewise([(0, 0), (1, 100)]), standards=standards)
    assert ind.standard(0.9).key == "excellent"
    assert ind.standard(0.85).key == "good"
    assert ind.standard(1.5) is None  # outside the standards: no band, not an error
    plain = Indicator("x", "x", "q", HIGHER, Piecewise([(0, 0), (1, 100)]))
    assert plain.standard(0.5) is None


def test_rule_round_trips_through_dict():
    rules = [
        Piecewise([(0, 0), (1, 100)]),
        Steps([(0.9, None, 100), (None, 0.9, 0)], closed="right"),
        RatioToTarget(5, cap=120),
        TargetTolerance(1, 0.1, 100, full=90),
    ]
    for rule in rules:
        assert type(rule).from_dict(rule.to_dict()) == rule
    with pytest.raises(ValidationError, match="unknown field"):
        Piecewise.from_dict({"kind": "piecewise", "points": [[0, 0], [1, 1]], "slope": 3})


def test_custom_rule_subclass_works_with_default_array():
    class Half(ScoringRule):
        kind = "half"

        def exact_points(self, raw: Fraction) -> Fraction:
            return min(Fraction(100), raw / 2)

        @property
        def max_points(self) -> float:
            return 100.0

        def check_direction(self, direction: Direction, *, obj: str) -> None:
            if direction is not HIGHER:
                raise ValidationError(f"{obj}: half is for higher-is-better", obj=obj)

        def to_dict(self) -> dict[str, object]:
            return {"kind": self.kind}

    ind = Indicator("x", "x", "d", HIGHER, Half())
    assert ind.score(50) == 25
    assert list(Half().points_array(np.array([10.0, np.nan]))[:1]) == [5.0]
    with pytest.raises(ValidationError):
        Indicator("x", "x", "d", LOWER, Half())


# -- properties --------------------------------------------------------------------------------


@settings(max_examples=examples(100))
@given(indicator_specs(), raw_values(), raw_values())
def test_better_raw_value_never_lowers_points(spec, a, b):
    direction, rule = spec
    ind = Indicator("x", "x", "d", direction, rule)
    lo, hi = sorted((a, b))
    if direction is HIGHER:
        assert ind.score(lo) <= ind.score(hi)
    else:
        assert ind.score(lo) >= ind.score(hi)


@settings(max_examples=examples(100))
@given(indicator_specs(), raw_values())
def test_points_are_bounded_by_zero_and_the_cap(spec, raw):
    direction, rule = spec
    ind = Indicator("x", "x", "d", direction, rule)
    assert 0 <= ind.score(raw) <= rule.max_points


@settings(max_examples=examples(100))
@given(indicator_specs(), st.lists(raw_values(), min_size=1, max_size=30))
def test_vectorised_points_equal_scalar_points(spec, raws):
    direction, rule = spec
    ind = Indicator("x", "x", "d", direction, rule)
    got = ind.scoring.points_array(np.array(raws))
    assert got == pytest.approx([ind.score(r) for r in raws], rel=1e-12, abs=1e-9)


def test_evolve_checks_and_binds_again():
    ind = Indicator("aht", "AHT", "speed", LOWER, RatioToTarget(300))
    assert ind.scoring.direction is LOWER
    assert attrs.evolve(ind, scoring=RatioToTarget(200)).scoring.direction is LOWER
    with pytest.raises(ValidationError, match="disagrees with direction target_is_best"):
        attrs.evolve(ind, direction=TARGET)
    with pytest.raises(ValidationError, match=r"Indicator 'aht': field 'unit' must be a string"):
        attrs.evolve(ind, unit=5)
    with pytest.raises(ValidationError, match=r"Indicator 'aht': field 'dimension' must match"):
        attrs.evolve(ind, dimension="speed\n")


@pytest.mark.parametrize("key", ["csat\n", "csat ", "Csat"])
def test_indicator_keys_are_matched_whole(key):
    with pytest.raises(ValidationError, match=r"Indicator: field 'key' must match"):
        Indicator(key, "CSAT", "q", HIGHER, Piecewise([(0, 0), (1, 100)]))


def test_an_indicator_names_itself_in_a_bad_name_message():
    with pytest.raises(ValidationError, match=r"^Indicator 'csat': field 'name' must not be empty"):
        Indicator("csat", " ", "q", HIGHER, Piecewise([(0, 0), (1, 100)]))
