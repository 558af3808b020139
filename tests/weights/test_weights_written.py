"""Weights as files show them: percentages rounded by largest remainder, summing to 100."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import given
from hypothesis import strategies as st

from csperf import Weighting
from csperf.config import dumps_scorecard, loads_scorecard
from csperf.templates import customer_service_manager
from csperf.weights import ahp, largest_remainder, rounded_weighting

raw_weights = st.lists(st.floats(min_value=0, max_value=1e3), min_size=1, max_size=8).filter(
    lambda ws: sum(ws) > 1e-6
)


def _normalised(ws: list[float]) -> dict[str, float]:
    total = math.fsum(ws)
    return {f"k{i}": w / total for i, w in enumerate(ws)}


@given(raw_weights, st.integers(min_value=0, max_value=3))
def test_the_percentages_sum_to_100_and_stay_within_one_unit(ws, decimals):
    weights = _normalised(ws)
    found = largest_remainder(weights, decimals=decimals)
    assert list(found) == list(weights)
    assert sum(found.values()) == 100
    unit = Fraction(1, 10**decimals)
    for key, value in found.items():
        quota = Fraction(weights[key]) * 100
        assert Fraction(value) - unit < quota < Fraction(value) + unit or Fraction(value) == quota
        assert value.as_tuple().exponent >= -decimals


@given(raw_weights)
def test_equal_weights_differ_by_at_most_one_unit(ws):
    weights = _normalised([*ws, ws[0]])  # the first and the last are equal
    found = largest_remainder(weights)
    assert abs(found["k0"] - found[f"k{len(ws)}"]) <= Decimal("0.01")


@given(st.floats(min_value=0.001, max_value=0.33))
def test_a_pair_of_equal_weights_and_the_rest_stay_equal(w):
    # 2 equal remainders and 1 other: the units left are 0, 1 or 2; with 2 the pair takes them.
    found = largest_remainder({"a": w, "b": w, "rest": 1 - 2 * w})
    quotas = [Fraction(w) * 10000] * 2 + [Fraction(1 - 2 * w) * 10000]
    left = 10000 - sum(math.floor(q) for q in quotas)
    if left == 2 or left == 0:
        assert found["a"] == found["b"]


def test_by_hand():
    # 3/7, 3/7, 1/7 with float noise: 42.857142...%, 42.857142...%, 14.285714...%; at 0.01 %,
    # 4285 + 4285 + 1428 = 9998 units, 2 left: the two equal remainders (0.714...) take them.
    noisy = {"a": 0.4285714285714287, "b": 0.4285714285714285, "c": 0.1428571428571428}
    assert largest_remainder(noisy) == {
        "a": Decimal("42.86"),
        "b": Decimal("42.86"),
        "c": Decimal("14.28"),
    }
    # Thirds at whole percent: 33 + 33 + 33, 1 left for three equal remainders: the first key.
    thirds = {"x": 1 / 3, "y": 1 / 3, "z": 1 / 3}
    assert largest_remainder(thirds, decimals=0) == {
        "x": Decimal(34),
        "y": Decimal(33),
        "z": Decimal(33),
    }
    # Exact weights are kept: 24 % stays 24 % (no unit goes to a zero remainder).
    assert largest_remainder({"p": 0.24, "q": 0.76}) == {"p": Decimal("24"), "q": Decimal("76")}


def test_an_ahp_card_written_rounded_reads_back_the_same():
    card = customer_service_manager()
    result = ahp({"a/b": 3, "a/c": 3, "b/c": 1})
    noisy = Weighting(dict(result.weights), {"a": {"x": 1.0}, "b": {"y": 1.0}, "c": {"z": 1.0}})
    assert noisy.dimensions["b"] != noisy.dimensions["c"]  # 0.2000000000000001, 0.19999...
    rounded = rounded_weighting(noisy)
    assert dict(rounded.dimensions) == {"a": 0.6, "b": 0.2, "c": 0.2}
    written = rounded_weighting(card.weighting)
    assert written == card.weighting  # the template's 40/30/20/10 are already exact
    text = dumps_scorecard(attrs.evolve(card, weighting=written))
    again = loads_scorecard(text, "toml")
    assert again.fingerprint == card.fingerprint
