"""Period comparison: deltas, trends, ranks, team roll-ups and forms that differ."""

from __future__ import annotations

import random

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import History, ValidationError, compare
from csperf.templates import customer_service_manager
from csperf.trends import SeriesTrend, _form_changes
from strategies import examples

BASE = {
    "customer_satisfaction": 0.92,
    "complaint_rate": 0.008,
    "first_response_time": 45,
    "resolution_time": 14400,
    "product_knowledge": 88,
    "script_compliance": 0.95,
    "collaboration_rating": 4.2,
    "information_sharing_rate": 0.9,
}
TEAMS = {"ann": "T1", "bo": "T1", "cy": "T2"}


@pytest.fixture(scope="module")
def card():
    return customer_service_manager()


def add(history, period, card, knowledge, teams=TEAMS, reason=""):
    results = [card.evaluate({**BASE, "product_knowledge": k}, s) for s, k in knowledge.items()]
    return history.add(period, results, card, teams=teams, reason=reason)


def test_three_periods_by_hand(card):
    # product_knowledge is 10 % of the total (dimension 20 % × 50 %) and scores its raw value:
    # the total moves by 0.1 per point of knowledge; ann 88 → 90.3 total at 95, ...
    with History.open(":memory:") as history:
        add(history, "Q1", card, {"ann": 88, "bo": 60, "cy": 95})
        add(history, "Q2", card, {"ann": 60, "bo": 88, "cy": 95})
        add(history, "Q3", card, {"ann": 70, "bo": 95}, teams={"ann": "T1", "bo": "T2"})
        result = compare(history)
    assert result.periods == ("Q1", "Q2", "Q3")
    assert result.form_changes == ()
    ann = result.subjects["ann"]
    assert ann["total"].values == (89.6, 86.8, 87.8)
    assert ann["total"].change == pytest.approx(-1.8)
    # slope over t = 0, 1, 2: sum (t - 1)(y - mean) / 2 = (87.8 - 89.6) / 2
    assert ann["total"].slope == pytest.approx(-0.9)
    assert ann["product_knowledge"].values == (88.0, 60.0, 70.0)
    assert ann["rank"].values == (2, 3, 2)
    assert ann["rank.product_knowledge"].values == (2, 3, 2)
    assert result.subjects["bo"]["rank.product_knowledge"].values == (3, 2, 1)
    assert ann["rank.customer_satisfaction"].values == (1, 1, 1)  # ties share rank 1
    assert result.rank_change("ann") == 0
    assert result.rank_change("bo") == 2  # 3 → 1
    cy = result.subjects["cy"]
    assert cy["total"].values == (90.3, 90.3, None)
    assert (cy["total"].change, cy["total"].slope) == (0.0, 0.0)
    assert result.grades["cy"] == ("excellent", "excellent", None)
    t1 = result.teams["T1"]
    assert t1["total"].values == (88.2, 88.2, 87.8)  # (89.6 + 86.8) / 2 exactly
    assert t1["size"].values == (2, 2, 1)
    assert t1["product_knowledge"].values == (74.0, 74.0, 70.0)
    assert result.teams["T2"]["total"].values == (90.3, 90.3, 90.3)
    text = "\n".join(result.lines())
    assert "ann: 89.6 → 86.8 → 87.8 (Δ -1.80); rank 2 → 3 → 2" in text
    assert "team T1: mean total 88.20 → 88.20 → 87.80 (Δ -0.40)" in text
    assert result.to_dict()["subjects"]["cy"]["total"]["values"] == [90.3, 90.3, None]
    chinese = "\n".join(result.lines("zh"))
    assert chinese.startswith("对比 ")
    assert "ann：89.6 → 86.8 → 87.8 (Δ -1.80)；排名 2 → 3 → 2" in chinese
    assert "优秀 → 优秀 → -" in chinese  # cy's grades, labelled, absent in the last period
    assert "团队 T1：平均总分 88.20 → 88.20 → 87.80 (Δ -0.40)" in chinese
    assert "excellent" not in chinese and "team" not in chinese


def test_periods_are_chosen_and_the_latest_revision_read(card):
    with History.open(":memory:") as history:
        add(history, "Q1", card, {"ann": 88, "bo": 60})
        add(history, "Q2", card, {"ann": 60, "bo": 88})
        history.close("Q2")
        add(history, "Q2", card, {"ann": 95, "bo": 88}, reason="knowledge test re-marked")
        result = compare(history, ["Q2", "Q1"])
        assert result.periods == ("Q2", "Q1")
        assert result.subjects["ann"]["total"].values == (90.3, 89.6)
        records = [history.show("Q1"), history.show("Q2", revision=1)]
        assert compare(records).subjects["ann"]["total"].values == (89.6, 86.8)
        with pytest.raises(ValidationError, match="two periods or more"):
            compare(history, ["Q1"])
        with pytest.raises(ValidationError, match="named twice"):
            compare(history, ["Q1", "Q1"])
        with pytest.raises(ValidationError, match="goes with a History"):
            compare(records, ["Q1"])


def test_different_forms_need_an_opt_in_and_are_described(card):
    changed = attrs.evolve(
        card,
        version="2",
        weighting=attrs.evolve(
            card.weighting,
            dimensions={
                "service_quality": 0.3,
                "efficiency": 0.4,
                "capability": 0.2,
                "teamwork": 0.1,
            },
        ),
    )
    with History.open(":memory:") as history:
        add(history, "Q1", card, {"ann": 88})
        add(history, "Q2", changed, {"ann": 88})
        with pytest.raises(ValidationError, match="different forms") as info:
            compare(history)
        assert "across_forms=True" in str(info.value)
        result = compare(history, across_forms=True)
    assert result.form_changes == (
        "Q1 → Q2: version: 1 → 2",
        "Q1 → Q2: weighting.dimensions.efficiency: 0.3 → 0.4",
        "Q1 → Q2: weighting.dimensions.service_quality: 0.4 → 0.3",
    )
    assert [f[1] for f in result.forms] == ["1", "2"]
    assert "the forms differ:" in result.lines()[1]
    assert result.lines("zh")[1] == "  考核表有变化："


def test_form_changes_name_indicators_by_key(card):
    indicators = tuple(
        attrs.evolve(i, unit="min") if i.key == "first_response_time" else i
        for i in card.indicators
    )
    lines = _form_changes(card, attrs.evolve(card, indicators=indicators))
    assert lines == ["indicators[first_response_time].unit: s → min"]


def test_series_trend_matches_numpy_polyfit():
    values = (3.0, None, 7.5, 8.0, 12.25)
    trend = SeriesTrend.of(values)
    ts = [0, 2, 3, 4]
    ys = [3.0, 7.5, 8.0, 12.25]
    assert trend.slope == pytest.approx(np.polyfit(ts, ys, 1)[0], rel=1e-12)
    assert trend.change == 9.25
    assert SeriesTrend.of((None, 4.0)).slope is None


@settings(max_examples=examples(10), deadline=None)
@given(
    st.lists(st.integers(0, 100), min_size=2, max_size=6),
    st.lists(st.integers(0, 100), min_size=2, max_size=6),
    st.randoms(),
)
def test_comparison_does_not_depend_on_input_order(card, first, second, rnd):
    names = [f"s{i}" for i in range(max(len(first), len(second)))]
    teams = {s: rnd.choice(["T1", "T2"]) for s in names}
    runs = []
    for shuffle in (False, True):
        with History.open(":memory:") as history:
            for period, values in (("Q1", first), ("Q2", second)):
                results = [
                    card.evaluate({**BASE, "product_knowledge": k}, s)
                    for s, k in zip(names, values)
                ]
                if shuffle:
                    random.Random(len(values)).shuffle(results)
                own = {s: teams[s] for s in names[: len(values)]}
                history.add(period, results, card, teams=own)
            runs.append(compare(history).to_dict())
    assert runs[0] == runs[1]
