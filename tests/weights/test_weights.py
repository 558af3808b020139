"""Fixed, equal and rank-order weights, combinations, and the strategy objects."""

from __future__ import annotations

import datetime
import json
import math
import re
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import ConfigError, PluginError, ValidationError, Weighting
from csperf.errors import InconsistentJudgementsError, UnknownNameError, WeightingError
from csperf.templates import customer_service_manager
from csperf.weights import (
    SwotFactor,
    WeightResult,
    WeightStrategy,
    ahp,
    combine,
    entropy,
    equal,
    fixed,
    rank_order,
    swot,
)
from csperf.weights._basic import exact_rank_order
from csperf.weights._strategy import BUILTIN_STRATEGIES
from strategies import core_scorecards, examples, weights
from support import ROOT

STRATEGIES = {s.name: s for s in BUILTIN_STRATEGIES}
DIMS = ["service_quality", "efficiency", "capability", "teamwork"]
JUDGEMENTS = {
    "service_quality/efficiency": 2,
    "service_quality/capability": 3,
    "service_quality/teamwork": 4,
    "efficiency/capability": 2,
    "efficiency/teamwork": 3,
    "capability/teamwork": 2,
}


@pytest.fixture(scope="module")
def card():
    return customer_service_manager()


@pytest.fixture(scope="module")
def population(card):
    """Ten subjects' values on every indicator of the manager card, made up for the tests."""
    rows = {
        "customer_satisfaction": [0.91, 0.85, 0.88, 0.93, 0.79, 0.90, 0.86, 0.95, 0.82, 0.89],
        "complaint_rate": [0.004, 0.010, 0.006, 0.003, 0.015, 0.005, 0.008, 0.002, 0.012, 0.006],
        "first_response_time": [45, 80, 60, 40, 150, 55, 70, 35, 120, 65],
        "resolution_time": [20000, 30000, 25000, 18000, 50000, 22000, 28000, 15000, 40000, 26000],
        "product_knowledge": [88, 75, 82, 92, 70, 85, 80, 95, 72, 84],
        "script_compliance": [0.93, 0.90, 0.92, 0.96, 0.85, 0.94, 0.91, 0.97, 0.88, 0.92],
        "collaboration_rating": [4.2, 3.8, 4.0, 4.5, 3.5, 4.1, 3.9, 4.6, 3.6, 4.0],
        "information_sharing_rate": [0.97, 0.90, 0.95, 0.98, 0.88, 0.96, 0.92, 0.99, 0.89, 0.94],
    }
    assert set(rows) == {i.key for i in card.indicators}
    return rows


# -- rank order, equal, fixed -------------------------------------------------------------------


def test_rank_order_centroid_for_four():
    # Barron & Barrett (1996): w_i = (1/n) sum_{k=i..n} 1/k. For n = 4, by hand:
    # 25/48, 13/48, 7/48, 3/48 = 0.5208, 0.2708, 0.1458, 0.0625.
    result = rank_order(["a", "b", "c", "d"])
    assert result == {
        "a": float(Fraction(25, 48)),
        "b": float(Fraction(13, 48)),
        "c": float(Fraction(7, 48)),
        "d": float(Fraction(3, 48)),
    }
    assert [round(w, 4) for w in result.values()] == [0.5208, 0.2708, 0.1458, 0.0625]


@settings(max_examples=examples(30))
@given(st.integers(1, 30))
def test_rank_order_is_a_decreasing_distribution(n):
    result = list(rank_order([f"k{i}" for i in range(n)]).values())
    assert sum(result) == pytest.approx(1, abs=1e-12)
    assert all(a > b for a, b in zip(result, result[1:]))


@pytest.mark.parametrize(
    ("keys", "message"), [([], "empty"), (["a", "a"], "repeats"), ("ab", "sequence")]
)
def test_rank_order_bad_keys(keys, message):
    with pytest.raises(WeightingError, match=message):
        rank_order(keys)


def test_rank_sum_and_reciprocal_for_four():
    # Rank sum (Stillwell, Seaver & Edwards 1981): w_i = 2(n + 1 - i) / (n(n + 1)); n = 4 by
    # hand: 8/20, 6/20, 4/20, 2/20. Rank reciprocal: (1/i) / (1 + 1/2 + 1/3 + 1/4) = (1/i) /
    # (25/12): 12/25, 6/25, 4/25, 3/25.
    keys = ["a", "b", "c", "d"]
    assert rank_order(keys, method="rs") == {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
    assert rank_order(keys, method="rr") == {
        "a": float(Fraction(12, 25)),
        "b": float(Fraction(6, 25)),
        "c": float(Fraction(4, 25)),
        "d": float(Fraction(3, 25)),
    }
    assert rank_order(keys, method="roc") == rank_order(keys)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # positions' weights by hand (n = 4), the two keys ranked 2 sharing positions 2 and 3
        ("roc", [Fraction(25, 48), Fraction(10, 48), Fraction(10, 48), Fraction(3, 48)]),
        ("rs", [Fraction(8, 20), Fraction(5, 20), Fraction(5, 20), Fraction(2, 20)]),
        ("rr", [Fraction(12, 25), Fraction(5, 25), Fraction(5, 25), Fraction(3, 25)]),
    ],
)
def test_rank_order_ties_share_their_positions(method, expected):
    ranking = {"a": 1, "b": 2, "c": 2, "d": 4}
    exact = exact_rank_order(ranking, method=method)
    assert list(exact.values()) == expected
    assert sum(exact.values()) == 1
    assert rank_order(ranking, method=method) == {k: float(w) for k, w in zip(ranking, expected)}
    # the order of the mapping does not matter, and no ties is the same as a list
    assert rank_order(dict(reversed(ranking.items())), method=method) == rank_order(
        ranking, method=method
    )
    assert rank_order({"a": 1, "b": 2, "c": 3}, method=method) == rank_order(
        ["a", "b", "c"], method=method
    )


def test_rank_order_all_tied_is_equal():
    for method in ("roc", "rs", "rr"):
        assert exact_rank_order({"a": 1, "b": 1, "c": 1}, method=method) == {
            k: Fraction(1, 3) for k in "abc"
        }


@settings(max_examples=examples(30))
@given(st.integers(1, 12), st.sampled_from(["roc", "rs", "rr"]), st.data())
def test_rank_order_exact_with_ties(n, method, data):
    # competition ranks from random tie groups: the weights sum to exactly 1, never increase
    # with the rank, and tied keys weigh the same
    cuts = sorted(data.draw(st.sets(st.integers(1, n - 1), max_size=n - 1)) if n > 1 else [])
    bounds = [0, *cuts, n]
    ranking = {}
    for lo, hi in zip(bounds, bounds[1:]):
        for p in range(lo, hi):
            ranking[f"k{p}"] = lo + 1
    exact = exact_rank_order(ranking, method=method)
    assert sum(exact.values()) == 1
    values = list(exact.values())
    assert all(a >= b for a, b in zip(values, values[1:]))
    for a in ranking:
        for b in ranking:
            assert (exact[a] == exact[b]) == (ranking[a] == ranking[b])


@pytest.mark.parametrize(
    ("ranking", "method", "message"),
    [
        ({"a": 1, "b": 2, "c": 2, "d": 3}, "roc", r"rank of 'd' is 3, but 3 key\(s\)"),
        ({"a": 2, "b": 3}, "roc", "rank of 'a' is 2"),
        ({"a": 1, "b": 0}, "roc", "whole number from 1"),
        ({"a": 1, "b": 1.5}, "roc", "whole number from 1"),
        ({"a": 1, "b": True}, "roc", "whole number from 1"),
        (["a", "b"], "centroid", "method must be one of roc, rs, rr"),
    ],
)
def test_rank_order_bad_ranks(ranking, method, message):
    with pytest.raises(WeightingError, match=message) as info:
        rank_order(ranking, method=method)
    assert info.value.obj == "rank_order"


def test_rank_order_strategy_methods_and_ties(card):
    result = STRATEGIES["rank_order"].compute(
        card,
        dimensions={"service_quality": 1, "efficiency": 2, "capability": 2, "teamwork": 4},
        indicators={"efficiency": ["resolution_time", "first_response_time"]},
        method="rs",
    )
    assert result.weighting.dimensions == {
        "service_quality": 0.4,
        "efficiency": 0.25,
        "capability": 0.25,
        "teamwork": 0.1,
    }
    assert result.weighting.indicators["efficiency"] == {
        "first_response_time": float(Fraction(1, 3)),
        "resolution_time": float(Fraction(2, 3)),
    }
    assert result.lines[0] == (
        "dimensions ranked service_quality > efficiency = capability > teamwork (rs): "
        "service_quality 40%, efficiency 25%, capability 25%, teamwork 10%"
    )
    assert result.details["method"] == "rs"
    with pytest.raises(ConfigError, match="method: must be one of roc, rs, rr"):
        STRATEGIES["rank_order"].compute(card, dimensions=DIMS, method="sum")
    with pytest.raises(
        WeightingError, match=r"^rank_order: dimensions: the rank of .teamwork. is 3"
    ):
        STRATEGIES["rank_order"].compute(
            card,
            dimensions={"service_quality": 1, "efficiency": 2, "capability": 2, "teamwork": 3},
        )
    with pytest.raises(ConfigError, match="missing teamwork"):
        STRATEGIES["rank_order"].compute(
            card, dimensions={"service_quality": 1, "efficiency": 2, "capability": 3}
        )


def test_equal_by_level_and_by_indicator():
    groups = {"q": ["a", "b", "c"], "s": ["d"]}
    by_level = equal(groups)
    assert by_level.dimensions == {"q": 0.5, "s": 0.5}
    assert by_level.indicators["q"] == {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    by_indicator = equal(groups, mode="indicators")
    assert by_indicator.dimensions == {"q": 0.75, "s": 0.25}
    assert list(by_indicator.effective().values()) == pytest.approx([0.25] * 4, abs=1e-15)
    with pytest.raises(WeightingError, match="mode"):
        equal(groups, mode="both")  # type: ignore[arg-type]
    with pytest.raises(WeightingError, match="non-empty mapping"):
        equal({})
    with pytest.raises(WeightingError, match="empty"):
        equal({"q": []})


def test_fixed_in_percent_and_fractions():
    in_percent = fixed({"q": 60, "s": 40}, {"q": {"a": 50, "b": 50}, "s": {"c": 100}})
    in_fractions = fixed(
        {"q": 0.6, "s": 0.4}, {"q": {"a": 0.5, "b": 0.5}, "s": {"c": 1}}, unit="fraction"
    )
    assert in_percent == in_fractions
    with pytest.raises(WeightingError, match="sums to 1, expected 100"):
        fixed({"q": 0.6, "s": 0.4}, {"q": {"a": 50, "b": 50}, "s": {"c": 100}})
    with pytest.raises(WeightingError, match="unit"):
        fixed({"q": 1}, {"q": {"a": 1}}, unit="per mille")  # type: ignore[arg-type]


# -- combine --------------------------------------------------------------------------------------


def test_combine_by_hand():
    # Effective weights: a = (csat .3, frt .2, aht .5), b = (csat .5, frt .25, aht .25).
    # 0.6 a + 0.4 b = csat .38, frt .22, aht .40: quality .38, speed .62, frt .22/.62, aht .40/.62.
    a = Weighting({"q": 0.3, "s": 0.7}, {"q": {"csat": 1.0}, "s": {"frt": 2 / 7, "aht": 5 / 7}})
    b = Weighting({"q": 0.5, "s": 0.5}, {"q": {"csat": 1.0}, "s": {"frt": 0.5, "aht": 0.5}})
    result = combine([a, b], [0.6, 0.4])
    assert result.dimensions == pytest.approx({"q": 0.38, "s": 0.62})
    assert result.indicators["s"] == pytest.approx({"frt": 0.22 / 0.62, "aht": 0.40 / 0.62})
    # The coefficients are renormalised: 3 and 2 are 0.6 and 0.4.
    assert combine([a, b], [3, 2]) == result


def test_combine_a_dimension_everyone_weighs_zero():
    a = Weighting({"q": 1.0, "s": 0.0}, {"q": {"csat": 1.0}, "s": {"frt": 1.0, "aht": 0.0}})
    b = Weighting({"q": 1.0, "s": 0.0}, {"q": {"csat": 1.0}, "s": {"frt": 0.0, "aht": 1.0}})
    result = combine([a, b], [1, 1])
    assert result.dimensions == {"q": 1.0, "s": 0.0}
    assert result.indicators["s"] == {"frt": 0.5, "aht": 0.5}


def test_combine_errors():
    a = Weighting({"q": 1.0}, {"q": {"csat": 1.0}})
    other = Weighting({"q": 1.0}, {"q": {"nps": 1.0}})
    with pytest.raises(WeightingError, match="one coefficient per weighting"):
        combine([a, a], [1])
    with pytest.raises(WeightingError, match="all 0"):
        combine([a, a], [0, 0])
    with pytest.raises(WeightingError, match="non-negative"):
        combine([a, a], [1, -1])
    with pytest.raises(WeightingError, match="finite"):
        combine([a, a], [1, float("inf")])
    with pytest.raises(WeightingError, match="differently"):
        combine([a, other], [1, 1])
    with pytest.raises(WeightingError, match="a Weighting or a WeightResult"):
        combine([a, {"q": 1}], [1, 1])  # type: ignore[list-item]
    with pytest.raises(WeightingError, match="sequence of weightings"):
        combine(a, [1])  # type: ignore[arg-type]
    with pytest.raises(WeightingError, match="sequence of numbers"):
        combine([a], "1")  # type: ignore[arg-type]


def test_combine_effective_weights_print_cleanly():
    # Issue 15: 0.6 a + 0.4 b gives nps 0.6 * 0.1 * 0.7 + 0.4 * 0.4 * 0.8 = 0.042 + 0.128 =
    # 0.17 exactly, but q's within-dimension weight 0.17 / 0.22 = 0.77272... has no float
    # whose product with 0.22 rounds to 0.17: the plain float gave 0.16999999999999998.
    a = Weighting({"q": 0.1, "s": 0.9}, {"q": {"csat": 0.3, "nps": 0.7}, "s": {"frt": 1.0}})
    b = Weighting({"q": 0.4, "s": 0.6}, {"q": {"csat": 0.2, "nps": 0.8}, "s": {"frt": 1.0}})
    result = combine([a, b], [0.6, 0.4])
    assert result.effective() == {"csat": 0.05, "nps": 0.17, "frt": 0.78}
    assert repr(result.effective()["nps"]) == "0.17"
    assert result.dimensions == {"q": 0.22, "s": 0.78}
    # the within-dimension weights stay within a few ulps of the exact shares
    for key, share in {"csat": Fraction(5, 22), "nps": Fraction(17, 22)}.items():
        assert abs(Fraction(result.indicators["q"][key]) - share) < Fraction(1, 10**15)
    assert combine([b, a], [0.4, 0.6]) == result


@settings(max_examples=examples(60))
@given(
    st.lists(st.integers(1, 9), min_size=4, max_size=4),
    st.lists(st.integers(1, 9), min_size=2, max_size=2),
)
def test_combine_effective_is_the_rounded_exact_combination(tenths, coefficients):
    # When a float exists whose product with the dimension weight rounds to the exact
    # combined effective weight, effective() gives that rounded value; otherwise the nearest
    # product the two levels' shortest decimals can give, never 3 ulps away (the shortest
    # decimals of neighbouring floats can step by more than one unit in the last digit:
    # 0.5186046511627906 is followed by 0.5186046511627908, so with the dimension weight
    # 0.4777777777777778 the products skip 0.2477777777777778; 2.48 ulps is the worst case
    # over every input of this test's domain).
    qa, qb, ia, ib = (Fraction(t, 10) for t in tenths)
    a = Weighting(
        {"q": float(qa), "s": float(1 - qa)},
        {"q": {"csat": float(ia), "nps": float(1 - ia)}, "s": {"frt": 1.0}},
    )
    b = Weighting(
        {"q": float(qb), "s": float(1 - qb)},
        {"q": {"csat": float(ib), "nps": float(1 - ib)}, "s": {"frt": 1.0}},
    )
    ca, cb = (Fraction(c) / sum(coefficients) for c in coefficients)
    exact_effective = {
        "csat": ca * qa * ia + cb * qb * ib,
        "nps": ca * qa * (1 - ia) + cb * qb * (1 - ib),
        "frt": ca * (1 - qa) + cb * (1 - qb),
    }
    result = combine([a, b], coefficients)
    for key, value in result.effective().items():
        assert abs(Fraction(value) - exact_effective[key]) < 3 * Fraction(
            math.ulp(float(exact_effective[key]))
        )
    assert result.dimensions["q"] == float(exact_effective["csat"] + exact_effective["nps"])


@given(core_scorecards(), st.data())
def test_combine_is_order_free_and_idempotent(card, data):
    groups = {d: list(ws) for d, ws in card.weighting.indicators.items()}
    other = Weighting(
        dict(zip(groups, data.draw(weights(len(groups))))),
        {d: dict(zip(ks, data.draw(weights(len(ks))))) for d, ks in groups.items()},
    )
    c = data.draw(st.lists(st.integers(0, 10), min_size=2, max_size=2).filter(any))
    forward = combine([card.weighting, other], c)
    backward = combine([other, card.weighting], c[::-1])
    assert forward == backward
    assert all(w >= 0 for w in forward.effective().values())
    alone = combine([card.weighting], [1])
    assert alone.effective() == pytest.approx(card.weighting.effective(), abs=1e-12)


# -- the strategy objects -------------------------------------------------------------------------


def test_builtin_strategies():
    assert [s.name for s in BUILTIN_STRATEGIES] == [
        "fixed",
        "equal",
        "rank_order",
        "ahp",
        "entropy",
        "critic",
        "combine",
        "swot",
    ]
    for strategy in BUILTIN_STRATEGIES:
        assert strategy.summary
        assert set(strategy.required) <= set(strategy.params)
    assert STRATEGIES["entropy"].required == ("data",)
    assert STRATEGIES["swot"].required == ("factors",)


def test_unknown_and_missing_parameters(card):
    with pytest.raises(
        ConfigError, match=r"unknown parameter.*dimension.*parameters: dimensions"
    ) as e:
        STRATEGIES["rank_order"].compute(card, dimension=DIMS)
    assert e.value.key_path == "dimension"
    with pytest.raises(ConfigError, match=r"missing parameter.*data"):
        STRATEGIES["entropy"].compute(card)
    with pytest.raises(ConfigError, match="needs a Scorecard"):
        STRATEGIES["equal"].compute(card.weighting)  # type: ignore[arg-type]


def test_fixed_strategy(card):
    result = STRATEGIES["fixed"].compute(
        card,
        dimensions={"service_quality": 35, "efficiency": 35, "capability": 20, "teamwork": 10},
        indicators={"efficiency": {"first_response_time": 50, "resolution_time": 50}},
    )
    assert result.strategy == "fixed"
    assert result.weighting.dimensions["efficiency"] == 0.35
    assert result.weighting.indicators["efficiency"] == {
        "first_response_time": 0.5,
        "resolution_time": 0.5,
    }
    assert (
        result.weighting.indicators["service_quality"]
        == card.weighting.indicators["service_quality"]
    )
    assert result.lines[0].endswith("(given)")
    assert result.lines[1].endswith("(kept from the card)")
    fractions = STRATEGIES["fixed"].compute(
        card, dimensions={d: 0.25 for d in DIMS}, unit="fraction"
    )
    assert fractions.weighting.dimensions["teamwork"] == 0.25
    with pytest.raises(ConfigError, match=r"dimensions: missing efficiency, capability, teamwork"):
        STRATEGIES["fixed"].compute(card, dimensions={"service_quality": 100})
    with pytest.raises(ConfigError, match="unknown dimension"):
        STRATEGIES["fixed"].compute(card, indicators={"speed": {}})
    with pytest.raises(ConfigError, match="unit"):
        STRATEGIES["fixed"].compute(card, unit="permille")
    with pytest.raises(WeightingError, match="sums to 90"):
        STRATEGIES["fixed"].compute(card, dimensions=dict(zip(DIMS, [40, 30, 10, 10])))


def test_equal_strategy(card):
    result = STRATEGIES["equal"].compute(card)
    assert set(result.weighting.dimensions.values()) == {0.25}
    assert result.details == {"mode": "levels"}
    indicators = STRATEGIES["equal"].compute(card, mode="indicators")
    assert indicators.lines[0] == "every indicator: 12.5% effective weight"


def test_rank_order_strategy(card):
    result = STRATEGIES["rank_order"].compute(
        card,
        dimensions=DIMS,
        indicators={"efficiency": ["resolution_time", "first_response_time"]},
    )
    assert result.weighting.dimensions == rank_order(DIMS)
    assert result.weighting.indicators["efficiency"] == {
        "first_response_time": 0.25,
        "resolution_time": 0.75,
    }
    assert result.lines[0].startswith(
        "dimensions ranked service_quality > efficiency > capability > teamwork: "
        "service_quality 52.08%"
    )
    assert result.details["dimensions"] == DIMS
    with pytest.raises(ConfigError, match="repeats"):
        STRATEGIES["rank_order"].compute(card, dimensions=[*DIMS, "teamwork"])
    with pytest.raises(ConfigError, match="missing teamwork"):
        STRATEGIES["rank_order"].compute(card, dimensions=DIMS[:3])
    with pytest.raises(ConfigError, match="most important first"):
        STRATEGIES["rank_order"].compute(card, dimensions="service_quality")


def test_ahp_strategy_per_level(card):
    result = STRATEGIES["ahp"].compute(
        card,
        dimensions={"judgements": JUDGEMENTS},
        indicators={
            "efficiency": {"matrix": [[1, "1/2"], [2, 1]]},
            "capability": {
                "matrix": [[1, 3], ["1/3", 1]],
                "keys": ["script_compliance", "product_knowledge"],
            },
        },
    )
    plain = ahp({tuple(k.split("/")): v for k, v in JUDGEMENTS.items()}, keys=DIMS)
    assert result.weighting.dimensions == pytest.approx(dict(plain.weights), abs=1e-15)
    assert result.weighting.indicators["efficiency"] == pytest.approx(
        {"first_response_time": 1 / 3, "resolution_time": 2 / 3}
    )
    assert result.weighting.indicators["capability"] == pytest.approx(
        {"product_knowledge": 0.25, "script_compliance": 0.75}
    )
    assert result.weighting.indicators["teamwork"] == card.weighting.indicators["teamwork"]
    details = result.details
    assert details["dimensions"]["consistency_ratio"] == pytest.approx(plain.consistency_ratio)
    assert details["ri"] == "saaty1980"
    assert set(details["indicators"]) == {"efficiency", "capability"}
    json.dumps(result.to_dict())
    assert "CR = " in result.lines[0]


def test_ahp_strategy_errors_name_the_level(card):
    bad = {**JUDGEMENTS, "capability/teamwork": "1/9", "service_quality/teamwork": "1/9"}
    with pytest.raises(
        InconsistentJudgementsError, match=r"^ahp: dimensions: AHP: consistency"
    ) as e:
        STRATEGIES["ahp"].compute(card, dimensions={"judgements": bad})
    assert e.value.consistency_ratio > 0.1
    assert e.value.pair is not None
    with pytest.raises(WeightingError, match=r"ahp: indicators.efficiency: AHP: no judgement"):
        STRATEGIES["ahp"].compute(card, indicators={"efficiency": {"judgements": {}}})
    for spec, message in [
        ({"judgements": {}, "matrix": []}, "either 'judgements' or 'matrix'"),
        ({"weights": {}}, "unknown key"),
        ({"judgements": {}, "keys": DIMS}, "'keys' goes with 'matrix'"),
        ({"judgements": [1]}, "must be a mapping"),
        ([[1]], "must be"),
    ]:
        with pytest.raises(ConfigError, match=message):
            STRATEGIES["ahp"].compute(card, dimensions=spec)
    with pytest.raises(ConfigError, match="not a whole number"):
        STRATEGIES["ahp"].compute(card, dimensions={"judgements": JUDGEMENTS}, ri={"x": 1})
    accepted = STRATEGIES["ahp"].compute(
        card, dimensions={"judgements": bad}, max_cr=None, ri={"4": 0.9}
    )
    assert accepted.details["ri"] == "custom"


def test_entropy_and_critic_strategies(card, population):
    directions = {i.key: i.direction for i in card.indicators}
    whole = STRATEGIES["entropy"].compute(card, data=population)
    plain = entropy(population, directions)
    assert whole.weighting.effective() == pytest.approx(dict(plain.weights), abs=1e-12)
    assert whole.details["scope"] == "card"
    assert whole.details["normalization"] == "minmax"
    assert whole.lines[0] == (
        "entropy weight method (min–max normalisation), 10 subjects, all indicators together"
    )
    within = STRATEGIES["critic"].compute(card, data=population, scope="within")
    assert within.weighting.dimensions == card.weighting.dimensions
    assert set(within.details["results"]) == set(DIMS)
    json.dumps(whole.to_dict())
    json.dumps(within.to_dict())
    with pytest.raises(ConfigError, match="data: missing"):
        STRATEGIES["critic"].compute(card, data={"customer_satisfaction": [1, 2]})
    with pytest.raises(ConfigError, match="scope"):
        STRATEGIES["critic"].compute(card, data=population, scope="all")
    flat = {**population, "complaint_rate": [0.01] * 10, "customer_satisfaction": [0.9] * 10}
    with pytest.raises(WeightingError, match=r"^entropy within service_quality: every indicator"):
        STRATEGIES["entropy"].compute(card, data=flat, scope="within")


def test_objective_strategies_reject_target_is_best_indicators(card, population):
    from csperf import Direction, TargetTolerance

    changed = attrs.evolve(
        card,
        indicators=[
            attrs.evolve(
                i, direction=Direction.TARGET_IS_BEST, scoring=TargetTolerance(0.9, 0.05, 100)
            )
            if i.key == "script_compliance"
            else i
            for i in card.indicators
        ],
    )
    with pytest.raises(WeightingError, match="'script_compliance' is target_is_best"):
        STRATEGIES["entropy"].compute(changed, data=population)


def test_combine_strategy_matches_combine(card, population):
    ahp_params = {"dimensions": {"judgements": JUDGEMENTS}}
    result = STRATEGIES["combine"].compute(
        card,
        parts=[
            {"strategy": "ahp", "params": ahp_params, "coefficient": 0.6},
            {"strategy": "entropy", "params": {"data": population}, "coefficient": 0.4},
        ],
    )
    expected = combine(
        [
            STRATEGIES["ahp"].compute(card, **ahp_params),
            STRATEGIES["entropy"].compute(card, data=population),
        ],
        [0.6, 0.4],
    )
    assert result.weighting == expected
    assert result.lines[0] == (
        "combined 60% ahp + 40% entropy (effective weights, coefficients renormalised)"
    )
    assert result.details["coefficients"] == [0.6, 0.4]
    json.dumps(result.to_dict())
    given = STRATEGIES["combine"].compute(
        card,
        parts=[
            {"weighting": card.weighting.to_dict(), "coefficient": 1},
            {"weighting": expected, "coefficient": 1},
        ],
    )
    assert given.details["parts"][0] == {"strategy": "given", "details": None}
    for parts, error, message in [
        ([], ConfigError, "non-empty list"),
        ([{"strategy": "ahp"}], ConfigError, "coefficient"),
        ([{"coefficient": 1}], ConfigError, "either 'weighting' or 'strategy'"),
        ([{"coefficient": 1, "weighting": {}, "params": {}}], ConfigError, "'params' goes with"),
        (
            [{"coefficient": 1, "strategy": "magic"}],
            UnknownNameError,
            "no weight strategy named 'magic'",
        ),
        ([{"coefficient": 1, "weighting": {"dimensions": {}}}], ConfigError, "must be a Weighting"),
        ([{"coefficient": 1, "weighting": 3}], ConfigError, "cannot be read"),
        (
            [{"coefficient": 1, "strategy": "equal", "params": []}],
            ConfigError,
            "params: must be a mapping",
        ),
        ([{"coefficient": 1, "strategy": "equal", "extra": 1}], ConfigError, "unknown key"),
        ([{"coefficient": -1, "strategy": "equal"}], WeightingError, "non-negative"),
    ]:
        with pytest.raises(error, match=message):
            STRATEGIES["combine"].compute(card, parts=parts)
    with pytest.raises(ConfigError, match="strategies: must be a mapping or a list"):
        STRATEGIES["combine"].compute(
            card, parts=[{"strategy": "equal", "coefficient": 1}], strategies=5
        )
    only_equal = STRATEGIES["combine"].compute(
        card, parts=[{"strategy": "equal", "coefficient": 1}], strategies=[STRATEGIES["equal"]]
    )
    assert only_equal.weighting == STRATEGIES["equal"].compute(card).weighting
    with pytest.raises(UnknownNameError, match=r"strategies: equal\)"):
        STRATEGIES["combine"].compute(
            card,
            parts=[{"strategy": "ahp", "coefficient": 1}],
            strategies={"equal": STRATEGIES["equal"]},
        )


def test_swot_strategy_composes_with_ahp(card):
    factors = [
        {"kind": "weakness", "target": "efficiency", "reason": "slow responses"},
        {
            "kind": "opportunity",
            "target": "product_knowledge",
            "reason": "new product",
            "intensity": 0.5,
            "expires": "2026-12-31",
        },
    ]
    base = STRATEGIES["ahp"].compute(card, dimensions={"judgements": JUDGEMENTS})
    result = STRATEGIES["swot"].compute(
        card,
        factors=factors,
        base={"strategy": "ahp", "params": {"dimensions": {"judgements": JUDGEMENTS}}},
        as_of="2026-12-01",
    )
    expected = swot(base.weighting, [SwotFactor.from_dict(f) for f in factors], as_of="2026-12-01")
    assert result.weighting == expected.weighting
    assert result.details["expires"] == "2026-12-31"
    assert result.details["base"]["strategy"] == "ahp"
    assert result.lines[0].startswith("base (ahp): dimensions by AHP")
    assert "efficiency 27.72% → 40%: weakness, slow responses" in result.lines
    json.dumps(result.to_dict())
    # The same from a WeightResult, and from the card the result was applied to.
    assert (
        STRATEGIES["swot"].compute(card, factors=factors, base=base, as_of="2026-12-01").weighting
        == expected.weighting
    )
    assert (
        STRATEGIES["swot"].compute(base.apply(card), factors=factors, as_of="2026-12-01").weighting
        == expected.weighting
    )


def test_swot_strategy_leaves_out_expired_factors_as_of_a_day(card):
    factors = [
        {"kind": "weakness", "target": "efficiency", "reason": "slow responses"},
        {
            "kind": "opportunity",
            "target": "product_knowledge",
            "reason": "new product",
            "expires": datetime.date(2026, 6, 30),
        },
    ]
    after = STRATEGIES["swot"].compute(card, factors=factors, as_of=datetime.date(2026, 7, 1))
    alone = STRATEGIES["swot"].compute(card, factors=factors[:1], as_of="2026-07-01")
    assert after.weighting == alone.weighting
    assert after.details["expired"] == [
        {
            "kind": "opportunity",
            "target": "product_knowledge",
            "reason": "new product",
            "intensity": 1.0,
            "expires": "2026-06-30",
        }
    ]
    assert after.details["as_of"] == "2026-07-01"
    assert after.details["expires"] is None
    assert (
        after.lines[-1]
        == "left out, expired 2026-06-30: product_knowledge (opportunity, new product)"
    )
    assert (
        after.text("zh")[-1]
        == "已于 2026-06-30 到期，未计入：product_knowledge（机会，new product）"
    )
    json.dumps(after.to_dict())
    with pytest.raises(ConfigError, match=r"swot: as_of: .*ISO date") as caught:
        STRATEGIES["swot"].compute(card, factors=factors, as_of="mid-year")
    assert caught.value.field == ("as_of",)


def test_a_scorecard_file_pins_the_swot_day(card):
    from csperf.config import loads_scorecard

    text = """
template = "customer-service-manager"
key = "cs"
title = "CS"

[weighting]
strategy = "swot"
as_of = 2026-07-01
factors = [
  {kind = "weakness", target = "efficiency", reason = "slow"},
  {kind = "opportunity", target = "product_knowledge", reason = "launch", expires = 2026-06-30},
]
"""
    later = loads_scorecard(text, "toml")
    on_the_day = loads_scorecard(text.replace("2026-07-01", "2026-06-30"), "toml")
    assert later.weighting.dimensions["efficiency"] == pytest.approx(0.40)
    assert later.weighting.dimensions["capability"] == pytest.approx(0.20 * 60 / 70)
    assert on_the_day.weighting.dimensions["capability"] > later.weighting.dimensions["capability"]


def test_swot_strategy_policy_in_percent(card):
    result = STRATEGIES["swot"].compute(
        card,
        factors=[{"kind": "weakness", "target": "teamwork", "reason": "silos"}],
        policy={"teamwork": [10, 15]},
    )
    assert result.weighting.dimensions["teamwork"] == pytest.approx(0.15)
    assert result.details["policy"]["teamwork"] == [10.0, 15.0]
    assert result.details["policy"]["efficiency"] == [30.0, 40.0]  # the defaults stay
    for params, message in [
        ({"factors": "weakness"}, "must be a list"),
        ({"factors": [{"kind": "weakness"}]}, r"factors\[0\]: SwotFactor: missing key"),
        ({"factors": [], "policy": [1]}, "in percent"),
        ({"factors": [], "policy": {"x": [50, 40]}}, "lo ≤ hi"),
        ({"factors": [], "base": {"dimensions": {"a": 1}, "indicators": {"a": {"b": 1}}}}, "base"),
    ]:
        with pytest.raises((ConfigError, WeightingError), match=message):
            STRATEGIES["swot"].compute(card, **params)


def test_strategy_results_fit_the_card_and_are_json(card, population):
    params = {
        "fixed": {},
        "equal": {},
        "rank_order": {"dimensions": DIMS},
        "ahp": {"dimensions": {"judgements": JUDGEMENTS}},
        "entropy": {"data": population},
        "critic": {"data": population},
        "combine": {"parts": [{"strategy": "equal", "coefficient": 1}]},
        "swot": {"factors": []},
    }
    for strategy in BUILTIN_STRATEGIES:
        result = strategy.compute(card, **params[strategy.name])
        assert isinstance(result, WeightResult)
        assert result.strategy == strategy.name
        assert result.lines
        applied = result.apply(card)
        assert applied.weighting == result.weighting
        assert list(result.weighting.dimensions) == DIMS
        json.loads(json.dumps(result.to_dict()))


def test_weight_strategy_checks(card):
    def good(card, *, x=1):
        return WeightResult(card.weighting, ["kept"], "good")

    strategy = WeightStrategy("good", "Keeps the card's weights.", good)
    assert strategy.params == ("x",)
    assert strategy.compute(card, x=2).lines == ("kept",)
    with pytest.raises(ValidationError, match="name"):
        WeightStrategy("Good", "x", good)
    with pytest.raises(ValidationError, match="summary"):
        WeightStrategy("good", "two\nlines", good)
    with pytest.raises(ValidationError, match="callable"):
        WeightStrategy("good", "x", 3)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="only positional"):
        WeightStrategy("good", "x", lambda card, other: None)

    broken = WeightStrategy("broken", "Returns a weighting.", lambda card: card.weighting)
    with pytest.raises(PluginError, match="returned Weighting, not a WeightResult"):
        broken.compute(card)
    wrong = Weighting({"q": 1.0}, {"q": {"a": 1.0}})
    misfit = WeightStrategy(
        "misfit", "Weighs other keys.", lambda card: WeightResult(wrong, [], "misfit")
    )
    with pytest.raises(PluginError, match="misfit"):
        misfit.compute(card)


def test_weight_result_checks(card):
    with pytest.raises(ValidationError, match="lines"):
        WeightResult(card.weighting, "one line", "x")
    with pytest.raises(ValidationError, match="details"):
        WeightResult(card.weighting, [], "x", details=[1])  # type: ignore[arg-type]
    result = WeightResult(card.weighting, ["a"], "x", {"k": 1})
    assert hash(result) == hash(WeightResult(card.weighting, ["a"], "x", {"k": 2}))


# -- documentation --------------------------------------------------------------------------------


def test_every_strategy_parameter_is_documented():
    """docs/reference/weights.rst lists each strategy's parameters in a table of its own."""
    text = (ROOT / "docs" / "reference" / "weights.rst").read_text(encoding="utf-8")
    for strategy in BUILTIN_STRATEGIES:
        heading = re.search(
            rf"^``{strategy.name}``\n~+\n(.*?)(?=^``\w+``\n~+|^\S[^\n]*\n[-=]+\n|\Z)",
            text,
            re.S | re.M,
        )
        assert heading, f"no section for strategy {strategy.name!r}"
        documented = re.findall(r"^   \* - ``(\w+)``", heading.group(1), flags=re.M)
        assert documented == list(strategy.params), strategy.name
