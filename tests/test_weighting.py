from __future__ import annotations

import math
import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import Weighting
from csperf.errors import WeightingError
from strategies import examples, weights


def test_effective_weight_is_the_product_of_levels():
    w = Weighting.from_percentages(
        {"service_quality": 40, "efficiency": 30, "capability": 20, "teamwork": 10},
        {
            "service_quality": {"csat": 60, "complaints": 40},
            "efficiency": {"frt": 40, "rt": 60},
            "capability": {"pk": 50, "sc": 50},
            "teamwork": {"collab": 50, "sharing": 50},
        },
    )
    eff = w.effective()
    # 0.4 * 0.6 = 0.24, 0.4 * 0.4 = 0.16, 0.3 * 0.4 = 0.12, 0.3 * 0.6 = 0.18, ...
    assert eff == {
        "csat": 0.24,
        "complaints": 0.16,
        "frt": 0.12,
        "rt": 0.18,
        "pk": 0.1,
        "sc": 0.1,
        "collab": 0.05,
        "sharing": 0.05,
    }
    assert math.fsum(eff.values()) == pytest.approx(1, abs=1e-12)
    assert w.dimension_of("rt") == "efficiency"
    assert w.as_percentages()["dimensions"]["service_quality"] == 40


def test_a_level_off_by_one_percent_names_level_sum_and_entries():
    with pytest.raises(WeightingError) as info:
        Weighting(
            {"efficiency": 1.0},
            {"efficiency": {"first_response_time": 0.6, "resolution_time": 0.35}},
        )
    message = str(info.value)
    assert "dimension 'efficiency' sums to 0.95, expected 1" in message
    assert "first_response_time=0.6, resolution_time=0.35" in message
    assert info.value.value == pytest.approx(0.95)


def test_percentages_must_sum_to_100():
    with pytest.raises(WeightingError, match="sums to 99, expected 100"):
        Weighting.from_percentages({"a": 40, "b": 59}, {"a": {"x": 100}, "b": {"y": 100}})


@pytest.mark.parametrize(
    ("dimensions", "indicators", "message"),
    [
        ({"a": -0.5, "b": 1.5}, {"a": {"x": 1}, "b": {"y": 1}}, "negative"),
        ({"a": math.nan}, {"a": {"x": 1}}, "finite"),
        ({"a": math.inf}, {"a": {"x": 1}}, "finite"),
        ({"a": "1"}, {"a": {"x": 1}}, "real number"),
        ({"a": True}, {"a": {"x": 1}}, "real number"),
        ({}, {}, "no weights"),
        ({"a": 1}, {}, "no indicator weights for dimension"),
        ({"a": 1}, {"a": {"x": 1}, "b": {"y": 1}}, "unknown dimension"),
        ({"a": 0.5, "b": 0.5}, {"a": {"x": 1}, "b": {"x": 1}}, "both dimension"),
        ([("a", 1)], {"a": {"x": 1}}, "mapping"),
        ({"a": 1}, {"a": {}}, "no weights"),
    ],
)
def test_invalid_weightings_raise_weighting_error(dimensions, indicators, message):
    with pytest.raises(WeightingError, match=message):
        Weighting(dimensions, indicators)


def test_within_tolerance_is_accepted():
    third = 1 / 3
    w = Weighting({"a": 1}, {"a": {"x": third, "y": third, "z": third}})
    assert sum(w.effective().values()) == pytest.approx(1)


def test_from_effective_rebuilds_both_levels():
    w = Weighting.from_effective(
        {"csat": 0.3, "complaints": 0.1, "frt": 0.6},
        {"quality": ["csat", "complaints"], "speed": ["frt"]},
    )
    assert w.dimensions == {"quality": 0.4, "speed": 0.6}
    assert w.indicators["quality"]["csat"] == pytest.approx(0.75)
    zero = Weighting.from_effective({"a": 1.0, "b": 0.0, "c": 0.0}, {"d1": ["a"], "d2": ["b", "c"]})
    assert zero.indicators["d2"] == {"b": 0.5, "c": 0.5}
    with pytest.raises(WeightingError, match="groups"):
        Weighting.from_effective({"a": 1.0}, {"d": ["a", "b"]})


def test_weighting_is_immutable_hashable_and_picklable():
    w = Weighting({"a": 1}, {"a": {"x": 1}})
    assert hash(w) == hash(Weighting({"a": 1.0}, {"a": {"x": 1.0}}))
    assert pickle.loads(pickle.dumps(w)) == w
    with pytest.raises(TypeError):
        w.dimensions["a"] = 2  # type: ignore[index]


def test_unknown_indicator_lookup():
    with pytest.raises(WeightingError, match="no weight for indicator 'zz'"):
        Weighting({"a": 1}, {"a": {"x": 1}}).dimension_of("zz")


@settings(max_examples=examples(100))
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(weights(n), st.just(n))), st.data())
def test_effective_weights_are_non_negative_and_sum_to_one(dim_spec, data):
    dim_weights, n = dim_spec
    inner = {}
    for i in range(n):
        k = data.draw(st.integers(1, 4))
        inner[f"d{i}"] = dict(zip([f"d{i}_{j}" for j in range(k)], data.draw(weights(k))))
    w = Weighting({f"d{i}": dim_weights[i] for i in range(n)}, inner)
    eff = w.effective()
    assert all(v >= 0 for v in eff.values())
    assert math.fsum(eff.values()) == pytest.approx(1, abs=1e-9)


def test_evolve_checks_both_levels_again():
    w = Weighting({"a": 0.5, "b": 0.5}, {"a": {"x": 1.0}, "b": {"y": 1.0}})
    with pytest.raises(WeightingError, match=r"Weighting for dimensions sums to 0\.9"):
        attrs.evolve(w, dimensions={"a": 0.5, "b": 0.4})
    with pytest.raises(WeightingError, match="no indicator weights for dimension"):
        attrs.evolve(w, indicators={"a": {"x": 1.0}})
