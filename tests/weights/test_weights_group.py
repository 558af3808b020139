"""Group AHP: AIJ and AIP aggregation, stakeholders' consistency and distance from the group."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.errors import InconsistentJudgementsError, WeightingError
from csperf.weights import GroupAhpResult, Stakeholder, ahp, group_ahp
from strategies import examples

SCALE = [1, 2, 3, 4, 5, 6, 7, 8, 9, "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9"]
KEYS = ["quality", "speed", "skill", "teamwork"]


@st.composite
def judgement_sets(draw: st.DrawFn) -> dict[tuple[str, str], object]:
    n = draw(st.integers(min_value=2, max_value=4))
    keys = KEYS[:n]
    return {
        (keys[i], keys[j]): draw(st.sampled_from(SCALE)) for i in range(n) for j in range(i + 1, n)
    }


@settings(max_examples=examples(40))
@given(
    judgements=judgement_sets(),
    weights=st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=4),
    aggregation=st.sampled_from(["aij", "aip"]),
    method=st.sampled_from(["eigenvector", "geometric_mean"]),
)
def test_identical_stakeholders_give_exactly_the_single_result(
    judgements, weights, aggregation, method
):
    single = ahp(judgements, max_cr=None, method=method)
    group = group_ahp(
        {f"s{i}": (w, judgements) for i, w in enumerate(weights)},
        aggregation=aggregation,
        method=method,
        max_cr=None,
    )
    assert group.weights == single.weights
    assert group.keys == single.keys
    assert all(d == 0 for d in group.distances.values())
    assert group.most_departing is None
    if aggregation == "aij":
        assert group.aggregate == single


@settings(max_examples=examples(40))
@given(
    first=judgement_sets(),
    second=judgement_sets(),
    w1=st.integers(min_value=1, max_value=5),
    w2=st.integers(min_value=1, max_value=5),
    aggregation=st.sampled_from(["aij", "aip"]),
    data=st.data(),
)
def test_weights_do_not_depend_on_the_order_of_stakeholders_or_keys(
    first, second, w1, w2, aggregation, data
):
    keys = sorted({k for pair in [*first, *second] for k in pair})
    if not all(any(k in pair for pair in first) for k in keys):
        first = {**first, **{(keys[0], k): 1 for k in keys if not any(k in p for p in first)}}
    if not all(any(k in pair for pair in second) for k in keys):
        second = {**second, **{(keys[0], k): 1 for k in keys if not any(k in p for p in second)}}
    shuffled = data.draw(st.permutations(keys))
    one = group_ahp({"a": (w1, first), "b": (w2, second)}, aggregation=aggregation, max_cr=None)
    other = group_ahp(
        {"b": (w2, dict(reversed(list(second.items())))), "a": (w1, first)},
        shuffled,
        aggregation=aggregation,
        max_cr=None,
    )
    for key in keys:
        assert other.weights[key] == pytest.approx(one.weights[key], rel=1e-9, abs=1e-12)
    for name in ("a", "b"):
        assert other.distances[name] == pytest.approx(one.distances[name], rel=1e-7, abs=1e-9)


def test_aij_and_aip_worked_by_hand_on_three_keys():
    # A judges x 4 times y and y as important as z, leaving x/z out (Harker fills x/z = 4,
    # A is consistent): A's weights (2/3, 1/6, 1/6). B finds all three equal: (1/3, 1/3, 1/3).
    # Equal stakeholder weights. With the geometric-mean method:
    # AIJ: x/y = sqrt(4 * 1) = 2, y/z = sqrt(1 * 1) = 1, x/z = 1 (B alone gave it, B's weight
    #   renormalised to 1). Row geometric means 2^(1/3), (1/2)^(1/3), 1, so
    #   w = (2^(1/3), 2^(-1/3), 1) / (2^(1/3) + 2^(-1/3) + 1) = (0.41260, 0.25992, 0.32748).
    # AIP: sqrt(2/3 * 1/3), sqrt(1/6 * 1/3), sqrt(1/6 * 1/3) ∝ (sqrt 2, 1, 1) / sqrt 18,
    #   normalised (1/2, 1/4, 1/4).
    a = {("x", "y"): 4, ("y", "z"): 1}
    b = {("x", "y"): 1, ("y", "z"): 1, ("x", "z"): 1}
    people = {"A": (1, a), "B": (1, b)}
    aij = group_ahp(people, aggregation="aij", method="geometric_mean")
    c = 2 ** (1 / 3)
    total = c + 1 / c + 1
    assert dict(aij.weights) == pytest.approx({"x": c / total, "y": 1 / c / total, "z": 1 / total})
    assert aij.aggregate is not None
    assert aij.aggregate.matrix[0] == pytest.approx((1, 2, 1))
    assert aij.aggregate.filled == ()
    aip = group_ahp(people, aggregation="aip", method="geometric_mean")
    assert dict(aip.weights) == pytest.approx({"x": 0.5, "y": 0.25, "z": 0.25})
    assert aip.aggregate is None
    assert dict(aip.individual["A"].weights) == pytest.approx({"x": 2 / 3, "y": 1 / 6, "z": 1 / 6})
    # Distances from the AIP group (1/2, 1/4, 1/4): A's log ratios ln 4, ln 4, 0 against the
    # group's ln 2, ln 2, 0: d_A = sqrt((ln2^2 + ln2^2 + 0) / 3); B's 0, 0, 0: the same.
    expected = math.sqrt(2 * math.log(2) ** 2 / 3)
    assert aip.distances["A"] == pytest.approx(expected)
    assert aip.distances["B"] == pytest.approx(expected)
    assert aip.most_departing == "A"  # a tie goes to the first name


def test_the_apple_and_orange_of_aczel_and_saaty():
    # Aczél & Saaty (1983), "Procedures for synthesizing ratio judgements", Journal of
    # Mathematical Psychology 27(1):93-102, as Saaty tells it: three people judge an apple 2, 3
    # and 4 times larger than an orange. The arithmetic mean (3) is not reciprocal
    # ((1/2 + 1/3 + 1/4) / 3 = 13/36, not 1/3); the geometric mean 24^(1/3) is, and it is the
    # group judgement. Two keys: weights g / (1 + g) and 1 / (1 + g).
    people = {name: (1, {("apple", "orange"): j}) for name, j in (("a", 2), ("b", 3), ("c", 4))}
    g = 24 ** (1 / 3)
    result = group_ahp(people, aggregation="aij")
    assert result.aggregate is not None
    assert result.aggregate.matrix[0][1] == pytest.approx(g, rel=1e-12)
    assert result.aggregate.matrix[1][0] == pytest.approx(1 / g, rel=1e-12)
    assert dict(result.weights) == pytest.approx(
        {"apple": g / (1 + g), "orange": 1 / (1 + g)}, rel=1e-12
    )
    assert result.weights["apple"] == pytest.approx(0.7425666, abs=1e-6)  # 2.884499 / 3.884499
    # Asked the other way round (orange against apple), the group judgement is 1/g.
    reversed_people = {
        name: (1, {("orange", "apple"): f"1/{j}"}) for name, j in (("a", 2), ("b", 3), ("c", 4))
    }
    again = group_ahp(reversed_people, keys=["apple", "orange"], aggregation="aij")
    assert dict(again.weights) == pytest.approx(dict(result.weights), rel=1e-12)


def test_consistent_stakeholders_agree_under_both_aggregations():
    # A: x = 2y, y = 2z: (4/7, 2/7, 1/7); B: y = 2x = 2z: (1/4, 1/2, 1/4). Equal weights.
    # AIJ: x/y = 1, y/z = 2, x/z = 2: (0.4, 0.4, 0.2). AIP: sqrt(1/7), sqrt(1/7), sqrt(1/28)
    # ∝ (2, 2, 1): the same (0.4, 0.4, 0.2).
    people = {
        "A": (1, {"x/y": 2, "y/z": 2, "x/z": 4}),
        "B": (1, {"x/y": "1/2", "y/z": 2, "x/z": 1}),
    }
    for aggregation in ("aij", "aip"):
        result = group_ahp(people, aggregation=aggregation)
        assert dict(result.weights) == pytest.approx({"x": 0.4, "y": 0.4, "z": 0.2})


def test_stakeholder_weights_pull_the_group_towards_their_view():
    # Two keys, team lead (weight 2) says quality 3 times speed, sales (weight 1) says 1/3:
    # AIJ gives quality/speed = 3^(2/3) * (1/3)^(1/3) = 3^(1/3).
    people = {"team lead": (2, {"quality/speed": 3}), "sales": (1, {"quality/speed": "1/3"})}
    result = group_ahp(people)
    ratio = 3 ** (1 / 3)
    assert result.weights["quality"] == pytest.approx(ratio / (1 + ratio))
    assert dict(result.stakeholder_weights) == pytest.approx({"team lead": 2 / 3, "sales": 1 / 3})
    assert result.most_departing == "sales"
    assert result.distances["sales"] > result.distances["team lead"] > 0
    assert "sales departs most" in result.summary()
    lines = result.stakeholder_lines()
    assert lines[0].startswith("team lead (66.67%): quality 75%, speed 25%")


def test_the_result_is_json_ready_and_reports_each_stakeholder():
    people = {
        "lead": (3, {"a/b": 3, "b/c": 2, "a/c": 5}),
        "qa": (1, {"a/b": 1, "b/c": 3}),
    }
    result = group_ahp(people)
    assert isinstance(result, GroupAhpResult)
    document = json.loads(json.dumps(result.to_dict()))
    assert document["aggregation"] == "aij"
    assert set(document["individual"]) == {"lead", "qa"}
    assert document["individual"]["qa"]["filled"] == [["a", "c"]]
    assert document["individual"]["lead"]["consistency_ratio"] == pytest.approx(
        ahp(people["lead"][1]).consistency_ratio
    )
    assert document["stakeholder_weights"] == {"lead": 0.75, "qa": 0.25}


def test_an_inconsistent_stakeholder_is_named():
    people = {
        "lead": (1, {"a/b": 2, "b/c": 2, "a/c": 4}),
        "sales": (1, {"a/b": 9, "b/c": 9, "a/c": "1/9"}),
    }
    with pytest.raises(InconsistentJudgementsError) as info:
        group_ahp(people)
    assert info.value.field[:2] == ("stakeholders", "sales")
    assert "stakeholder 'sales'" in str(info.value)
    assert group_ahp(people, max_cr=None).individual["sales"].consistency_ratio > 1


@pytest.mark.parametrize(
    ("people", "text"),
    [
        ({}, "non-empty mapping"),
        ({"lead": (0, {"a/b": 2})}, "weights must be positive"),
        ({"lead": (-1, {"a/b": 2})}, "weights must be positive"),
        ({"lead": (True, {"a/b": 2})}, "not a number"),
        ({"lead": (float("nan"), {"a/b": 2})}, "not a finite number"),
        ({"lead": {"a/b": 2}}, "(weight, judgements)"),
        ({"lead": (1, [("a", "b")])}, "judgements must be a mapping"),
        ({"lead": (1, {"a/b": 20})}, "off Saaty's scale"),
        ({"lead": (1, {"a/b": 2}), "qa": (1, {"c/d": 2})}, "no judgement links"),
    ],
)
def test_bad_stakeholders_are_refused(people, text):
    with pytest.raises(WeightingError) as info:
        group_ahp(people)
    assert text in str(info.value)
    assert str(info.value).startswith("group AHP")


def test_unknown_aggregation_and_method_are_refused():
    people = {"lead": (1, {"a/b": 2})}
    with pytest.raises(WeightingError, match="aggregation must be one of aij, aip"):
        group_ahp(people, aggregation="mean")
    with pytest.raises(WeightingError, match="method must be one of"):
        group_ahp(people, method="power")


# -- the ahp weight strategy with several stakeholders ---------------------------------------

LEAD = {
    "service_quality/efficiency": 2,
    "service_quality/capability": 3,
    "service_quality/teamwork": 4,
    "efficiency/capability": 2,
    "efficiency/teamwork": 3,
    "capability/teamwork": 2,
}
SALES = {"service_quality/efficiency": "1/2", "efficiency/capability": 2, "capability/teamwork": 2}


def _strategy():
    from csperf.weights._strategy import BUILTIN_STRATEGIES

    return next(s for s in BUILTIN_STRATEGIES if s.name == "ahp")


def test_the_strategy_weights_a_card_from_several_stakeholders():
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    people = [
        {"name": "team lead", "weight": 2, "dimensions": {"judgements": LEAD}},
        {
            "name": "sales",
            "dimensions": {"judgements": SALES},
            "indicators": {
                "efficiency": {"judgements": {"first_response_time/resolution_time": 3}}
            },
        },
    ]
    result = _strategy().compute(card, stakeholders=people, aggregation="aip")
    direct = group_ahp(
        {"team lead": (2, LEAD), "sales": (1, SALES)},
        list(result.weighting.dimensions),
        aggregation="aip",
    )
    assert dict(result.weighting.dimensions) == pytest.approx(dict(direct.weights))
    # only sales judged within efficiency: their weights alone
    assert result.weighting.indicators["efficiency"] == pytest.approx(
        {"first_response_time": 0.75, "resolution_time": 0.25}
    )
    assert result.weighting.indicators["teamwork"] == card.weighting.indicators["teamwork"]
    assert result.lines[0] == "group AHP (AIP) of team lead, sales"
    assert "sales departs most" in result.lines[1]
    assert result.lines[2].startswith("  team lead (66.67%): service_quality 46.73%")
    assert "CR = 0.0115" in result.lines[2]
    details = result.details
    assert details["aggregation"] == "aip"
    assert details["stakeholders"] == [
        {"name": "team lead", "weight": 2},
        {"name": "sales", "weight": 1},
    ]
    assert details["dimensions"]["most_departing"] == "sales"
    assert set(details["indicators"]) == {"efficiency"}
    json.dumps(result.to_dict())


def test_a_scorecard_file_takes_several_stakeholders():
    from csperf.config import loads_scorecard

    text = """
template = "customer-service-manager"
key = "cs_manager_2026"
title = "Customer-service manager 2026"

[weighting]
strategy = "ahp"

[[weighting.stakeholders]]
name = "team lead"
weight = 3
[weighting.stakeholders.dimensions.judgements]
"service_quality/efficiency" = 2
"service_quality/capability" = 3
"service_quality/teamwork" = 4
"efficiency/capability" = 2
"efficiency/teamwork" = 3
"capability/teamwork" = 2

[[weighting.stakeholders]]
name = "sales"
weight = 1
[weighting.stakeholders.dimensions.judgements]
"service_quality/efficiency" = "1/2"
"efficiency/capability" = 2
"capability/teamwork" = 2
"""
    card = loads_scorecard(text, "toml")
    expected = group_ahp({"team lead": (3, LEAD), "sales": (1, SALES)}).weights
    assert dict(card.weighting.dimensions) == pytest.approx(dict(expected))


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"stakeholders": []}, "non-empty list"),
        ({"stakeholders": [{"name": "a"}], "dimensions": {"judgements": LEAD}}, "not both"),
        ({"stakeholders": [{"name": "a", "weight": 2}]}, "'a' gives no judgements"),
        ({"stakeholders": [{"weight": 1}]}, "stakeholders[0].name: must be a non-empty text"),
        (
            {"stakeholders": [{"name": "a", "dimensions": {}}, {"name": "a"}]},
            "repeats the stakeholder 'a'",
        ),
        ({"stakeholders": [{"name": "a", "label": "x"}]}, "unknown key(s) label"),
        ({"stakeholders": [{"name": "a", "role": 3, "dimensions": {}}]}, "role: must be a"),
        (
            {"stakeholders": [{"name": "a", "dimensions": {"matrix": [[1]], "judgements": {}}}]},
            "give either 'judgements' or 'matrix'",
        ),
        (
            {"stakeholders": [{"name": "a", "dimensions": {"judgements": LEAD, "keys": []}}]},
            "'keys' goes with 'matrix' only",
        ),
        (
            {"stakeholders": [{"name": "a", "dimensions": {"matrix": [[1]], "rows": []}}]},
            "unknown key(s) rows",
        ),
        (
            {
                "stakeholders": [{"name": "a", "dimensions": {"judgements": LEAD}}],
                "aggregation": "mean",
            },
            "must be one of aij, aip",
        ),
    ],
)
def test_the_strategy_refuses_bad_stakeholders(params, text):
    from csperf.errors import ConfigError
    from csperf.templates import customer_service_manager

    with pytest.raises(ConfigError) as info:
        _strategy().compute(customer_service_manager(), **params)
    assert text in str(info.value)


def test_the_strategy_names_the_stakeholder_behind_a_bad_judgement():
    from csperf.templates import customer_service_manager

    people = [
        {"name": "lead", "dimensions": {"judgements": LEAD}},
        {"name": "qa", "weight": 0, "dimensions": {"judgements": SALES}},
    ]
    with pytest.raises(WeightingError) as info:
        _strategy().compute(customer_service_manager(), stakeholders=people)
    assert str(info.value).startswith("ahp: dimensions: group AHP")
    assert "stakeholder 'qa'" in str(info.value)


@st.composite
def partial_sets(draw: st.DrawFn) -> dict[tuple[str, str], object]:
    """Judgements on 3 or 4 keys that keep the chain k0-k1-k2... and drop some other pairs."""
    n = draw(st.integers(min_value=3, max_value=4))
    keys = KEYS[:n]
    return {
        (keys[i], keys[j]): draw(st.sampled_from(SCALE))
        for i in range(n)
        for j in range(i + 1, n)
        if j == i + 1 or draw(st.booleans())
    }


@settings(max_examples=examples(40))
@given(judgements=partial_sets(), method=st.sampled_from(["eigenvector", "geometric_mean"]))
def test_identical_incomplete_stakeholders_give_exactly_the_single_result(judgements, method):
    single = ahp(judgements, max_cr=None, method=method)
    people = {"a": (1, judgements), "b": (3, judgements)}
    for aggregation in ("aij", "aip"):
        group = group_ahp(people, aggregation=aggregation, method=method, max_cr=None)
        assert group.weights == single.weights


@settings(max_examples=examples(40))
@given(first=judgement_sets(), second=judgement_sets(), w=st.integers(min_value=1, max_value=9))
def test_aij_keeps_the_reciprocal_property(first, second, w):
    # Giving a stakeholder's pairs the other way round (b/a = 1/v) changes nothing: the
    # geometric mean of reciprocals is the reciprocal of the geometric mean (Forman & Peniwati).
    first, second = {**dict.fromkeys(second, 1), **first}, {**dict.fromkeys(first, 1), **second}
    flipped = {(b, a): f"1/{v}" if isinstance(v, int) else v[2:] for (a, b), v in second.items()}
    keys = sorted({k for pair in second for k in pair})
    one = group_ahp({"a": (w, first), "b": (1, second)}, keys, max_cr=None)
    other = group_ahp({"a": (w, first), "b": (1, flipped)}, keys, max_cr=None)
    for key in keys:
        assert other.weights[key] == pytest.approx(one.weights[key], rel=1e-9)


@settings(max_examples=examples(40))
@given(
    first=judgement_sets(),
    second=judgement_sets(),
    w1=st.integers(min_value=1, max_value=9),
    w2=st.integers(min_value=1, max_value=9),
)
def test_aij_and_aip_agree_on_complete_judgements_with_the_geometric_mean(first, second, w1, w2):
    # Barzilai & Golany (1994): with row geometric means, aggregating judgements and aggregating
    # priorities by the weighted geometric mean give the same weights (complete judgements).
    keys = KEYS[: max(len({k for p in first for k in p}), len({k for p in second for k in p}))]
    complete = [
        {
            (keys[i], keys[j]): given.get((keys[i], keys[j]), 1)
            for i in range(len(keys))
            for j in range(i + 1, len(keys))
        }
        for given in (first, second)
    ]
    people = {"a": (w1, complete[0]), "b": (w2, complete[1])}
    aij = group_ahp(people, aggregation="aij", method="geometric_mean", max_cr=None)
    aip = group_ahp(people, aggregation="aip", method="geometric_mean", max_cr=None)
    for key in keys:
        assert aip.weights[key] == pytest.approx(aij.weights[key], rel=1e-9)


# -- Stakeholder: judgements or a matrix per person ------------------------------------------


def _matrix(judgements, keys):
    """The full reciprocal matrix, in the order of ``keys``, that ``judgements`` describe."""
    cells = {(a, b): Fraction(v) for (a, b), v in judgements.items()}
    cells.update({(b, a): 1 / v for (a, b), v in list(cells.items())})
    return [[1 if a == b else str(cells[(a, b)]) for b in keys] for a in keys]


@settings(max_examples=examples(40))
@given(
    first=judgement_sets(),
    w=st.integers(min_value=1, max_value=9),
    aggregation=st.sampled_from(["aij", "aip"]),
    method=st.sampled_from(["eigenvector", "geometric_mean"]),
    data=st.data(),
)
def test_a_stakeholder_given_as_a_matrix_is_the_same_as_by_judgements(
    first, w, aggregation, method, data
):
    # The matrix in any order of its keys, its cells texts such as "1/3": the group's result
    # is the same, bit for bit, as with the judgements it holds.
    keys = sorted({k for pair in first for k in pair})
    order = data.draw(st.permutations(keys))
    second = {pair: data.draw(st.sampled_from(SCALE)) for pair in first}
    other = Stakeholder("b", judgements=second)
    options = {"aggregation": aggregation, "method": method, "max_cr": None}
    by_judgements = group_ahp([Stakeholder("a", w, judgements=first), other], keys, **options)
    as_matrix = Stakeholder("a", w, matrix=_matrix(first, order), keys=order)
    by_matrix = group_ahp([as_matrix, other], keys, **options)
    assert by_matrix == by_judgements


@settings(max_examples=examples(40))
@given(
    judgements=judgement_sets(),
    weights=st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=4),
    aggregation=st.sampled_from(["aij", "aip"]),
    method=st.sampled_from(["eigenvector", "geometric_mean"]),
    data=st.data(),
)
def test_identical_stakeholders_as_objects_give_exactly_the_single_result(
    judgements, weights, aggregation, method, data
):
    keys = list(dict.fromkeys(k for pair in judgements for k in pair))
    single = ahp(judgements, keys, max_cr=None, method=method)
    people = []
    for i, w in enumerate(weights):
        if data.draw(st.booleans()):
            order = data.draw(st.permutations(keys))
            people.append(Stakeholder(f"s{i}", w, matrix=_matrix(judgements, order), keys=order))
        else:
            people.append(Stakeholder(f"s{i}", w, judgements=judgements))
    group = group_ahp(people, keys, aggregation=aggregation, method=method, max_cr=None)
    assert group.weights == single.weights
    assert all(d == 0 for d in group.distances.values())
    assert group.most_departing is None


@settings(max_examples=examples(40))
@given(
    sets=st.lists(judgement_sets(), min_size=2, max_size=4),
    aggregation=st.sampled_from(["aij", "aip"]),
    data=st.data(),
)
def test_stakeholder_objects_in_any_order_give_the_same_weights(sets, aggregation, data):
    keys = sorted({k for given in sets for pair in given for k in pair})
    # every stakeholder must link every key: tie the keys they leave out to the first key
    sets = [
        {**given, **{(keys[0], k): 1 for k in keys if not any(k in p for p in given)}}
        for given in sets
    ]
    people = [Stakeholder(f"s{i}", i + 1, judgements=given) for i, given in enumerate(sets)]
    shuffled = data.draw(st.permutations(people))
    one = group_ahp(people, keys, aggregation=aggregation, max_cr=None)
    other = group_ahp(shuffled, keys, aggregation=aggregation, max_cr=None)
    for key in keys:
        assert other.weights[key] == pytest.approx(one.weights[key], rel=1e-9, abs=1e-12)
    assert dict(other.stakeholder_weights) == dict(one.stakeholder_weights)
    assert other.most_departing == one.most_departing or (
        other.distances[other.most_departing]
        == pytest.approx(one.distances[one.most_departing], rel=1e-9)
    )


def test_the_mapping_form_and_stakeholder_objects_agree():
    people = {
        "lead": (3, {"a/b": 3, "b/c": 2, "a/c": 5}),
        "qa": (1, {"a/b": 1, "b/c": 3}),
    }
    objects = [Stakeholder(name, w, judgements=j) for name, (w, j) in people.items()]
    assert group_ahp(objects) == group_ahp(people)
    # a Stakeholder may also stand in the mapping, under its own name
    assert group_ahp({"lead": objects[0], "qa": people["qa"]}) == group_ahp(people)


def test_roles_show_in_the_report():
    people = [
        Stakeholder("Ann", 2, judgements={"quality/speed": 3}, role="team lead"),
        Stakeholder("Bob", matrix=[[1, "1/3"], [3, 1]], keys=["quality", "speed"]),
    ]
    result = group_ahp(people)
    assert dict(result.roles) == {"Ann": "team lead"}
    lines = result.stakeholder_lines()
    assert lines[0].startswith("Ann, team lead (66.67%): quality 75%, speed 25%")
    assert lines[1].startswith("Bob (33.33%): quality 25%, speed 75%")
    assert json.loads(json.dumps(result.to_dict()))["roles"] == {"Ann": "team lead"}


def test_a_matrix_counts_by_its_upper_triangle():
    qa = Stakeholder("qa", matrix=[[1, 2, 4], ["1/2", 1, 2], [0.25, 0.5, 1]], keys=["x", "y", "z"])
    assert qa.pairs() == {("x", "y"): 2, ("x", "z"): 4, ("y", "z"): 2}
    assert qa.keys == ("x", "y", "z")
    assert qa.matrix == ((1, 2, 4), ("1/2", 1, 2), (0.25, 0.5, 1))
    assert hash(qa) == hash(Stakeholder("qa", matrix=qa.matrix, keys=["x", "y", "z"]))


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ({"name": ""}, "must be a non-empty text"),
        ({"name": "a", "judgements": {"x/y": 2}, "weight": 0}, "weights must be positive"),
        ({"name": "a", "judgements": {"x/y": 2}, "weight": "2"}, "not a number"),
        ({"name": "a"}, "either judgements or a matrix"),
        (
            {"name": "a", "judgements": {"x/y": 2}, "matrix": [[1, 2], ["1/2", 1]]},
            "either judgements or a matrix",
        ),
        ({"name": "a", "judgements": [("x", "y")]}, "judgements must be a mapping"),
        ({"name": "a", "judgements": {"x/y": 2}, "keys": ["x", "y"]}, "keys go with a matrix"),
        ({"name": "a", "judgements": {"x/y": 20}}, "off Saaty's scale"),
        ({"name": "a", "judgements": {"x/y": 2}, "role": ""}, "a role is a non-empty text"),
        ({"name": "a", "matrix": [[1, 2], ["1/2", 1]]}, "needs its keys"),
        ({"name": "a", "matrix": [[1, 2], [2, 1]], "keys": ["x", "y"]}, "not reciprocal"),
        ({"name": "a", "matrix": [[1, 20], ["1/20", 1]], "keys": ["x", "y"]}, "off Saaty's scale"),
        ({"name": "a", "matrix": [[1, 2]], "keys": ["x", "y"]}, "must be square"),
        ({"name": "a", "matrix": "12", "keys": ["x", "y"]}, "sequence of rows"),
    ],
)
def test_bad_stakeholder_objects_are_refused(arguments, text):
    with pytest.raises(WeightingError) as info:
        Stakeholder(**arguments)
    assert text in str(info.value)
    assert str(info.value).startswith("group AHP")


def test_a_group_refuses_two_stakeholders_of_one_name_and_other_things():
    lead = Stakeholder("lead", judgements={"a/b": 2})
    with pytest.raises(WeightingError, match="two stakeholders are named 'lead'"):
        group_ahp([lead, lead])
    with pytest.raises(WeightingError, match="not a Stakeholder"):
        group_ahp([lead, ("qa", {"a/b": 2})])
    with pytest.raises(WeightingError, match="non-empty mapping"):
        group_ahp([])
    with pytest.raises(WeightingError, match="is named 'lead'"):
        group_ahp({"qa": lead})


def test_the_strategy_takes_a_matrix_and_a_role_per_stakeholder():
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    dims = list(card.weighting.dimensions)
    lead_matrix = _matrix({tuple(k.split("/")): v for k, v in LEAD.items()}, dims[::-1])
    people = [
        {
            "name": "Ann",
            "role": "team lead",
            "weight": 2,
            "dimensions": {"matrix": lead_matrix, "keys": dims[::-1]},
        },
        {"name": "sales", "dimensions": {"judgements": SALES}},
        {
            "name": "QA",
            "indicators": {
                "efficiency": {"matrix": [[1, 3], ["1/3", 1]]},  # in the card's order
            },
        },
    ]
    result = _strategy().compute(card, stakeholders=people)
    direct = group_ahp({"Ann": (2, LEAD), "sales": (1, SALES)}, dims)
    assert dict(result.weighting.dimensions) == dict(direct.weights)
    assert result.weighting.indicators["efficiency"] == pytest.approx(
        {"first_response_time": 0.75, "resolution_time": 0.25}
    )
    assert result.lines[2].startswith("  Ann, team lead (66.67%): service_quality 46.73%")
    assert result.details["stakeholders"][0] == {"name": "Ann", "weight": 2, "role": "team lead"}
    assert result.details["stakeholders"][1] == {"name": "sales", "weight": 1}
    json.dumps(result.to_dict())


def test_the_strategy_names_the_stakeholder_behind_a_bad_matrix():
    from csperf.templates import customer_service_manager

    people = [{"name": "qa", "dimensions": {"matrix": [[1, 2], [2, 1]]}}]
    with pytest.raises(WeightingError) as info:
        _strategy().compute(customer_service_manager(), stakeholders=people)
    assert str(info.value).startswith("ahp: dimensions: group AHP: stakeholder 'qa'")
    assert "must be square" in str(info.value)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_scorecard_file_takes_stakeholder_matrices(fmt):
    from csperf.config import loads_scorecard

    dims = ["service_quality", "efficiency", "capability", "teamwork"]
    lead = _matrix({tuple(k.split("/")): v for k, v in LEAD.items()}, dims)
    document = {
        "template": "customer-service-manager",
        "key": "cs_manager_2026",
        "title": "Customer-service manager 2026",
        "weighting": {
            "strategy": "ahp",
            "stakeholders": [
                {"name": "team lead", "role": "lead", "weight": 3, "dimensions": {"matrix": lead}},
                {"name": "sales", "weight": 1, "dimensions": {"judgements": SALES}},
            ],
        },
    }
    if fmt == "json":
        text = json.dumps(document)
    else:
        yaml = pytest.importorskip("yaml")
        text = yaml.safe_dump(document)
    card = loads_scorecard(text, fmt)
    expected = group_ahp({"team lead": (3, LEAD), "sales": (1, SALES)}, dims).weights
    assert dict(card.weighting.dimensions) == pytest.approx(dict(expected), rel=1e-12)


def test_the_command_line_takes_stakeholders_with_matrices_and_roles(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    dims = ["service_quality", "efficiency", "capability", "teamwork"]
    lead = _matrix({tuple(k.split("/")): v for k, v in LEAD.items()}, dims)
    params = tmp_path / "group.json"
    params.write_text(
        json.dumps(
            {
                "stakeholders": [
                    {
                        "name": "Ann",
                        "role": "team lead",
                        "weight": 2,
                        "dimensions": {"matrix": lead},
                    },
                    {"name": "sales", "dimensions": {"judgements": SALES}},
                ]
            }
        )
    )
    result = CliRunner().invoke(cli, ["weights", "ahp", "--input", str(params)])
    assert result.exit_code == 0, result.output
    assert "group AHP (AIJ) of Ann, sales" in result.output
    assert "  Ann, team lead (66.67%): service_quality 46.73%" in result.output
    expected = group_ahp({"Ann": (2, LEAD), "sales": (1, SALES)}, dims).weights
    assert f"service_quality: {expected['service_quality'] * 100:.4g}%" in result.output


# -- a worked example from the literature: Srdjevic (2007) -----------------------------------

PLANS = ["balance", "urban_supply", "irrigation", "payment", "other_users"]
# Srdjevic, B. (2007). Linking analytic hierarchy process and social choice methods to support
# group decision-making in water management. Decision Support Systems 42(4), 2261-2273,
# doi:10.1016/j.dss.2006.08.001. Six interest groups of the water committee of the San
# Francisco river basin (Brazil) each weigh five management plans by AHP; Table 3a gives their
# priorities by standard AHP, Table 3b by multiplicative AHP, to three decimals.
SRDJEVIC_3A = {
    "public authorities": ["0.312", "0.379", "0.099", "0.143", "0.066"],
    "civil society": ["0.389", "0.248", "0.166", "0.098", "0.100"],
    "small users": ["0.089", "0.121", "0.071", "0.240", "0.479"],
    "large users": ["0.080", "0.233", "0.439", "0.090", "0.157"],
    "environmentalists": ["0.433", "0.246", "0.045", "0.097", "0.179"],
    "producers": ["0.388", "0.087", "0.303", "0.065", "0.157"],
}
SRDJEVIC_3B = {
    "public authorities": ["0.352", "0.464", "0.054", "0.108", "0.022"],
    "civil society": ["0.505", "0.264", "0.135", "0.025", "0.071"],
    "small users": ["0.025", "0.043", "0.016", "0.141", "0.774"],
    "large users": ["0.032", "0.202", "0.599", "0.049", "0.119"],
    "environmentalists": ["0.558", "0.215", "0.013", "0.057", "0.157"],
    "producers": ["0.501", "0.043", "0.309", "0.028", "0.120"],
}


def _reported(priorities: list[str]) -> dict[tuple[str, str], Fraction]:
    """A subgroup that reports priorities: the consistent judgements w_i / w_j along a chain.

    The chain runs through the plans in order of priority, so every ratio stays on Saaty's
    scale; consistent judgements on a chain give back exactly those priorities (Harker's
    fill of the other pairs is w_i / w_j).
    """
    w = dict(zip(PLANS, map(Fraction, priorities)))
    chain = sorted(PLANS, key=w.__getitem__)
    return {(a, b): w[a] / w[b] for a, b in zip(chain, chain[1:])}


@pytest.mark.parametrize("method", ["eigenvector", "geometric_mean"])
def test_srdjevic_2007_aggregation_of_interest_groups_priorities(method):
    # With equal interest groups the water committee's priorities are the normalised geometric
    # means of the groups' (AIP, Srdjevic's "GMM"); Table 4 prints them. From Table 3b (MAHP):
    # 0.315, 0.250, 0.138, 0.095, 0.202 - every figure reproduced. From Table 3a (SAHP):
    # 0.276, 0.236, 0.166, 0.134, 0.187; from the rounded Table 3a csperf gets 0.16657 for
    # irrigation (the paper aggregated unrounded priorities), the other four to the digit.
    for table, printed in (
        (SRDJEVIC_3B, [0.315, 0.250, 0.138, 0.095, 0.202]),
        (SRDJEVIC_3A, [0.276, 0.236, 0.166, 0.134, 0.187]),
    ):
        people = [
            Stakeholder(name, judgements=_reported(p), role="interest group")
            for name, p in table.items()
        ]
        result = group_ahp(people, PLANS, aggregation="aip", method=method)
        for name, p in table.items():  # each subgroup's own priorities come back
            total = sum(map(float, p))
            expected = [float(x) / total for x in p]
            assert [result.individual[name].weights[k] for k in PLANS] == pytest.approx(expected)
        got = [round(result.weights[k], 3) for k in PLANS]
        if table is SRDJEVIC_3B:
            assert got == printed
        else:
            assert got[:2] + got[3:] == printed[:2] + printed[3:]
            assert result.weights["irrigation"] == pytest.approx(0.166, abs=6e-4)  # 0.16657
        # the committee's order of the plans, Srdjevic's A1 > A2 > A5 > A3 > A4
        assert sorted(PLANS, key=result.weights.__getitem__, reverse=True) == [
            "balance", "urban_supply", "other_users", "irrigation", "payment",
        ]  # fmt: skip


def test_the_strategy_takes_stakeholder_objects_one_level_each():
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    dims = list(card.weighting.dimensions)
    efficiency = ["first_response_time", "resolution_time"]
    people = [
        Stakeholder("Ann", 2, judgements=LEAD, role="team lead"),
        Stakeholder("sales", matrix=_matrix(
            {tuple(k.split("/")): v for k, v in SALES.items()} | {
                ("service_quality", "capability"): 1, ("service_quality", "teamwork"): 2,
                ("efficiency", "teamwork"): 4,
            }, dims), keys=dims),
        Stakeholder("Ann", 2, judgements={tuple(efficiency): 3}, role="team lead"),
    ]  # fmt: skip
    result = _strategy().compute(card, stakeholders=people)
    as_mappings = [
        {
            "name": "Ann",
            "weight": 2,
            "role": "team lead",
            "dimensions": {"judgements": LEAD},
            "indicators": {"efficiency": {"judgements": {tuple(efficiency): 3}}},
        },
        {"name": "sales", "dimensions": {"matrix": people[1].matrix, "keys": dims}},
    ]
    assert result.weighting == _strategy().compute(card, stakeholders=as_mappings).weighting
    assert result.weighting.indicators["efficiency"] == pytest.approx(
        {"first_response_time": 0.75, "resolution_time": 0.25}
    )
    assert result.lines[0] == "group AHP (AIJ) of Ann, sales"


@pytest.mark.parametrize(
    ("people", "text"),
    [
        ([Stakeholder("a", judgements={"x/y": 2})], "must compare the card's dimensions"),
        (
            [Stakeholder("a", judgements=LEAD), Stakeholder("a", judgements=LEAD)],
            "'a' judges the dimensions twice",
        ),
        (
            [Stakeholder("a", judgements=LEAD), Stakeholder("a", 2, judgements=SALES)],
            "another weight or role",
        ),
        (
            [Stakeholder("a", judgements=LEAD), {"name": "a", "dimensions": {"judgements": LEAD}}],
            "repeats the stakeholder 'a'",
        ),
    ],
)
def test_the_strategy_refuses_bad_stakeholder_objects(people, text):
    from csperf.errors import ConfigError
    from csperf.templates import customer_service_manager

    with pytest.raises(ConfigError) as info:
        _strategy().compute(customer_service_manager(), stakeholders=people)
    assert text in str(info.value)


# -- a worked example from the literature: Dong, Zhang, Hong & Xu (2010) ---------------------

# Dong, Y., Zhang, G., Hong, W.-C. & Xu, Y. (2010). Consensus models for AHP group decision
# making under row geometric mean prioritization method. Decision Support Systems 49(3),
# 281-289, doi:10.1016/j.dss.2010.03.003, section 5 (numerical example): five decision makers,
# weights 0.1, 0.3, 0.1, 0.2, 0.3, judge four alternatives (A1-A4 first given in Xu 2000).
# The paper prints A5's third row as 1, 1/2, 1, 4; its a32 must be 2, the reciprocal of
# a23 = 1/2, as the paper's own w5 (0.3780 for x3) shows.
DONG_KEYS = ["x1", "x2", "x3", "x4"]
DONG = {
    "DM1": ("0.1", [[1, 4, 6, 7], ["1/4", 1, 3, 4], ["1/6", "1/3", 1, 2], ["1/7", "1/4", "1/2", 1]]),
    "DM2": ("0.3", [[1, 5, 7, 9], ["1/5", 1, 4, 6], ["1/7", "1/4", 1, 2], ["1/9", "1/6", "1/2", 1]]),
    "DM3": ("0.1", [[1, 3, 5, 8], ["1/3", 1, 4, 5], ["1/5", "1/4", 1, 2], ["1/8", "1/5", "1/2", 1]]),
    "DM4": ("0.2", [[1, 4, 5, 6], ["1/4", 1, 3, 3], ["1/5", "1/3", 1, 2], ["1/6", "1/3", "1/2", 1]]),
    "DM5": ("0.3", [[1, "1/2", 1, 2], [2, 1, "1/2", 3], [1, 2, 1, 4], ["1/2", "1/3", "1/4", 1]]),
}  # fmt: skip


def test_dong_2010_aggregation_of_individual_judgements():
    people = [
        Stakeholder(name, Fraction(weight), matrix=matrix, keys=DONG_KEYS)
        for name, (weight, matrix) in DONG.items()
    ]
    result = group_ahp(people, aggregation="aij", method="geometric_mean", max_cr=None)
    # each decision maker's priorities by the row geometric mean (RGMM), as printed
    printed = {
        "DM1": [0.6145, 0.2246, 0.0985, 0.0624],
        "DM2": [0.6461, 0.2270, 0.0793, 0.0476],
        "DM3": [0.5693, 0.2764, 0.0967, 0.0575],
        "DM4": [0.5967, 0.2208, 0.1089, 0.0736],
        "DM5": [0.2247, 0.2958, 0.3780, 0.1015],
    }
    for name, weights in printed.items():
        assert [round(w, 4) for w in result.individual[name].weights.values()] == weights
    # the collective judgement matrix A(c), the weighted geometric mean of the judgements
    assert result.aggregate is not None
    assert [[round(a, 4) for a in row] for row in result.aggregate.matrix] == [
        [1, 2.2270, 3.4756, 5.0937],
        [0.4490, 1, 1.9663, 4.0005],
        [0.2877, 0.5086, 1, 2.4623],
        [0.1963, 0.2500, 0.4061, 1],
    ]
    # and the collective priorities w(c) = RGMM of A(c)
    assert [round(w, 4) for w in result.weights.values()] == [0.4984, 0.2727, 0.1541, 0.0747]

    # Table 3: the geometric consistency index (Aguarón & Moreno-Jiménez 2003) of each matrix
    # and of A(c), from csperf's matrices and weights
    def gci(outcome):
        n, m, w = len(outcome.keys), outcome.matrix, list(outcome.weights.values())
        total = sum(
            (math.log(m[i][j]) - math.log(w[i]) + math.log(w[j])) ** 2
            for i in range(n)
            for j in range(i + 1, n)
        )
        return 2 * total / ((n - 1) * (n - 2))

    table_3 = {"DM1": 0.1349, "DM2": 0.2358, "DM3": 0.1194, "DM4": 0.1657, "DM5": 0.2208}
    for name, value in table_3.items():
        assert round(gci(result.individual[name]), 4) == value
    assert round(gci(result.aggregate), 3) == 0.056
    # with the row geometric mean on complete judgements, AIP gives the same priorities
    aip = group_ahp(people, aggregation="aip", method="geometric_mean", max_cr=None)
    assert [round(w, 4) for w in aip.weights.values()] == [0.4984, 0.2727, 0.1541, 0.0747]
    # DM5, the only one to rank x3 first, departs most from the group
    assert result.most_departing == "DM5"
