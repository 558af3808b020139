"""The scorecard health review, on populations worked out by hand and against scipy."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Dimension,
    GradeBand,
    GradeScale,
    History,
    Indicator,
    Piecewise,
    Scorecard,
    ValidationError,
    Weighting,
    review,
)
from csperf._population import Population
from csperf.health import Distribution, _influences
from csperf.sensitivity import _average_ranks, spearman
from strategies import examples


def _standards(excellent: float, good: float, passing: float, low: float, high: float):
    return GradeScale(
        (
            GradeBand("excellent", "excellent", excellent, high),
            GradeBand("good", "good", good, excellent),
            GradeBand("pass", "pass", passing, good),
            GradeBand("fail", "fail", low, passing),
        )
    )


@pytest.fixture(scope="module")
def card():
    """a and b weigh 30 % each (dimension q, 60 %), c 40 % (dimension s)."""
    return Scorecard(
        "mini",
        "Mini",
        [Dimension("q", "Q"), Dimension("s", "S")],
        [
            Indicator(
                "a",
                "A",
                "q",
                "higher_is_better",
                Piecewise([(0, 0), (60, 60), (80, 80), (90, 90), (100, 100)]),
                standards=_standards(90, 80, 60, 0, 100),
            ),
            Indicator("b", "B", "q", "higher_is_better", Piecewise([(0, 0), (10, 100)])),
            Indicator(
                "c",
                "C",
                "s",
                "higher_is_better",
                Piecewise([(0, 0), (0.6, 60), (0.8, 80), (0.9, 90), (1, 100)]),
                unit="fraction",
                standards=_standards(0.9, 0.8, 0.6, 0, 1),
            ),
        ],
        Weighting({"q": 0.6, "s": 0.4}, {"q": {"a": 0.5, "b": 0.5}, "s": {"c": 1.0}}),
    )


HAND = {
    "s1": {"a": 50, "b": 10, "c": 0.5},
    "s2": {"a": 70, "b": 10, "c": 0.5},
    "s3": {"a": 90, "b": 10, "c": 1.0},
    "s4": {"a": 100, "b": 5, "c": 1.0},
}


@pytest.fixture(scope="module")
def hand(card):
    return [card.evaluate(row, s) for s, row in HAND.items()]


def test_distributions_by_hand(card, hand):
    health = review(hand, card, ceiling_share=0.3)
    a = health.indicators["a"]
    # raw a = 50, 70, 90, 100: mean 77.5; squares of deviations 1475, / 3
    assert a.raw.mean == 77.5
    assert a.raw.sd == pytest.approx(math.sqrt(1475 / 3), rel=1e-15)
    # type-7 quantiles: h = 3p; Q(.25) = 50 + .75 * 20, Q(.75) = 90 + .25 * 10
    assert (a.raw.min, a.raw.q1, a.raw.median, a.raw.q3, a.raw.max) == (50, 65, 80, 92.5, 100)
    assert (a.raw.n, a.raw.missing) == (4, 0)
    assert a.points == a.raw  # points = raw on a's rule
    assert dict(a.bands) == {"excellent": 0.5, "good": 0.0, "pass": 0.25, "fail": 0.25}
    assert (health.indicators["b"].at_full, health.indicators["c"].at_full, a.at_full) == (
        0.75,
        0.5,
        0.25,
    )
    assert [h.flags for h in health.indicators.values()] == [(), ("ceiling",), ("ceiling",)]
    assert health.indicators["b"].bands == {}
    assert (a.weight, health.indicators["c"].weight) == (0.3, 0.4)


def test_influence_by_hand(card, hand):
    # contributions a 15 21 27 30, b 30 30 30 15, c 20 20 40 40; totals 65 71 97 85
    # Var part: 619; Cov parts: a 241.5, b -82.5, c 460
    health = review(hand, card)
    got = {k: h.influence for k, h in health.indicators.items()}
    assert got == pytest.approx({"a": 241.5 / 619, "b": -82.5 / 619, "c": 460 / 619}, rel=1e-12)
    assert math.fsum(got.values()) == pytest.approx(1, abs=1e-12)


def test_redundant_pairs_by_hand_and_scipy(card, hand):
    # ranks a 1 2 3 4, c 1.5 1.5 3.5 3.5: rho = 4 / sqrt(5 * 4)
    health = review(hand, card, redundancy=0.85)
    assert [(p.first, p.second, p.n) for p in health.redundant] == [("a", "c", 4)]
    assert health.redundant[0].rho == pytest.approx(4 / math.sqrt(20), rel=1e-14)
    assert health.redundant[0].rho == pytest.approx(
        scipy.stats.spearmanr([50, 70, 90, 100], [0.5, 0.5, 1, 1]).statistic, rel=1e-14
    )
    assert review(hand, card).redundant == ()


def test_recalibration_moves_standards_and_breakpoints(card, hand):
    health = review(hand, card, recalibrate=["a", "b", "c"])
    recal = health.recalibration
    new = recal.card
    assert new is not None and new.version == "2" and new.fingerprint != card.fingerprint
    # equal shares: edges at Q(.25) = 65, Q(.5) = 80, Q(.75) = 92.5
    a = new.indicator("a")
    assert [(b.key, b.lower, b.upper) for b in a.standards.bands] == [
        ("excellent", 92.5, 100),
        ("good", 80, 92.5),
        ("pass", 65, 80),
        ("fail", 0, 65),
    ]
    assert a.scoring.points == ((0, 0), (65, 60), (80, 80), (92.5, 90), (100, 100))
    assert new.indicator("c") == card.indicator("c")  # quantiles 0.5, 0.75, 1.0 collide with 1
    parts = [(c.indicator, c.part, bool(c.after)) for c in recal.changes]
    assert parts == [
        ("a", "standards", True),
        ("a", "scoring", True),
        ("b", "standards", False),
        ("c", "standards", False),
    ]
    assert "no standards" in recal.changes[2].why
    assert "strictly increasing" in recal.changes[3].why
    assert new.evaluate(HAND["s1"]).indicators["a"].points == pytest.approx(50 * 60 / 65)
    # nothing applied: the card reviewed is unchanged
    assert card.indicator("a").standards.band("excellent").lower == 90


def test_recalibration_shares_and_defaults(card, hand):
    shares = {"excellent": 0.25, "good": 0.25, "pass": 0.25, "fail": 0.25}
    same = review(hand, card, recalibrate=["a"], shares={"a": shares}, version="2026.1")
    assert same.recalibration.card.version == "2026.1"
    assert (
        same.recalibration.card.indicator("a").standards
        == review(hand, card, recalibrate=["a"]).recalibration.card.indicator("a").standards
    )
    # shares fail 50 %, pass 25 %, good 15 %, excellent 10 %: edges Q(.5), Q(.75), Q(.9)
    skewed = {"excellent": 0.1, "good": 0.15, "pass": 0.25, "fail": 0.5}
    bands = review(hand, card, recalibrate=["a"], shares=skewed).recalibration.card
    edges = sorted(b.lower for b in bands.indicator("a").standards.bands)
    assert edges == [0, 80, 92.5, 97]
    with pytest.raises(ValidationError, match="sum to 1"):
        review(hand, card, recalibrate=["a"], shares={**skewed, "fail": 0.4})
    with pytest.raises(ValidationError, match="no share for the standard band"):
        review(hand, card, recalibrate=["a"], shares={"excellent": 1.0})
    # by default only indicators with a ceiling or floor effect are recalibrated
    default = review(hand, card, ceiling_share=0.6)
    assert [c.indicator for c in default.recalibration.changes] == ["b"]
    assert default.recalibration.card is None


def test_floor_and_zero_variance(card):
    rows = {f"s{i}": {"a": a, "b": 0, "c": 0.9} for i, a in enumerate([0, 0, 0, 40, 95])}
    results = [card.evaluate(r, s) for s, r in rows.items()]
    health = review(results, card)
    assert health.indicators["a"].at_zero == 0.6 and health.indicators["a"].floor
    assert health.indicators["b"].flags == ("floor", "zero_variance")
    assert health.indicators["c"].flags == ("zero_variance",)
    assert health.indicators["b"].influence == 0 and health.indicators["c"].influence == 0
    constant = [card.evaluate({"a": 50, "b": 5, "c": 0.5}, s) for s in "xyz"]
    assert all(h.influence is None for h in review(constant, card).indicators.values())


def test_missing_values_and_history_records(card):
    missing = Scorecard(
        card.key,
        card.title,
        card.dimensions,
        card.indicators,
        card.weighting,
        missing="redistribute",
    )
    results = [
        missing.evaluate({"a": 50, "b": None, "c": 0.5}, "s1"),
        missing.evaluate({"a": 70, "b": 10, "c": None}, "s2"),
        missing.evaluate({"a": 90, "b": 4, "c": 1.0}, "s3"),
    ]
    health = review(results, missing)
    assert (health.indicators["b"].points.n, health.indicators["b"].points.missing) == (2, 1)
    got = [h.influence for h in health.indicators.values()]
    assert math.fsum(got) == pytest.approx(1, abs=1e-12)
    with History.open(":memory:") as history:
        history.add("Q1", results, missing)
        record = history.show("Q1")
        from_history = review(record)
    assert from_history.period == "Q1"
    assert {**from_history.to_dict(), "period": None} == health.to_dict()


def test_bad_input(card, hand):
    with pytest.raises(ValidationError, match="needs the scorecard"):
        review(hand)
    with pytest.raises(ValidationError, match="ceiling_share must be a number from 0 to 1"):
        review(hand, card, ceiling_share=2)
    with pytest.raises(ValidationError, match="no results"):
        review([], card)


def test_lines_name_flags_and_changes(card, hand):
    text = "\n".join(
        review(hand, card, ceiling_share=0.3, redundancy=0.85, recalibrate=["a"]).lines()
    )
    assert "b: weight 30.0%, influence -13.3%" in text
    assert "[ceiling]" in text and "redundant: a ~ c (ρ = 0.894, n = 4)" in text
    assert "suggested card: mini v2" in text


@settings(max_examples=examples(40), deadline=None)
@given(
    st.lists(
        st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 2)), min_size=3, max_size=30
    ),
    st.randoms(),
)
def test_statistics_agree_with_scipy_and_numpy(values, rnd):
    x = np.array(values)
    y = np.array([rnd.choice([v, -v, 1.0, 2.0]) for v in values])
    assert _average_ranks(x).tolist() == scipy.stats.rankdata(x).tolist()
    rho = spearman(x, y)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert math.isnan(rho)
    else:
        assert rho == pytest.approx(scipy.stats.spearmanr(x, y).statistic, abs=1e-12)
    d = Distribution.of(x)
    assert d.sd == pytest.approx(np.std(x, ddof=1), rel=1e-12, abs=1e-12)
    assert d.q1 == pytest.approx(
        scipy.stats.mstats.mquantiles(x, 0.25, alphap=1, betap=1)[0], abs=1e-9
    )
    assert d.median == pytest.approx(float(np.median(x)), abs=1e-12)


population_rows = st.lists(
    st.tuples(
        st.integers(0, 100), st.integers(0, 10), st.sampled_from([0.3, 0.6, 0.85, 0.95, 1.0])
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=examples(25), deadline=None)
@given(population_rows, st.randoms())
def test_review_does_not_depend_on_input_order(card, rows, rnd):
    results = [
        card.evaluate({"a": a, "b": b, "c": c}, f"s{i:02d}") for i, (a, b, c) in enumerate(rows)
    ]
    shuffled = list(results)
    rnd.shuffle(shuffled)
    first = review(results, card, recalibrate=["a"])
    assert review(shuffled, card, recalibrate=["a"]).to_dict() == first.to_dict()
    influence = [h.influence for h in first.indicators.values()]
    if influence[0] is not None:
        assert math.fsum(influence) == pytest.approx(1, abs=1e-9)
        pop = Population.from_results(results, card)
        contributions = np.vstack([pop.contributions(k) for k in pop.indicators])
        cov = np.cov(np.vstack([contributions, contributions.sum(axis=0)]))
        assert influence == pytest.approx((cov[:-1, -1] / cov[-1, -1]).tolist(), abs=1e-9)
        assert _influences(pop) == {k: h.influence for k, h in first.indicators.items()}


def test_population_needs_distinct_named_subjects(card):
    with pytest.raises(ValidationError, match="not a ScorecardResult"):
        Population.from_results([random.Random(0)], card)  # type: ignore[list-item]


def test_a_raw_value_outside_the_standards_has_no_band_in_batches_too(card):
    rows = {"s1": {"a": 120, "b": 5, "c": 0.5}, "s2": {"a": 70, "b": 10, "c": 0.9}}
    single = Population.from_results([card.evaluate(r, s) for s, r in rows.items()], card)
    table = {k: [r[k] for r in rows.values()] for k in ("a", "b", "c")}
    batch = Population.from_results(card.evaluate_many({"subject": list(rows), **table}), card)
    assert single.standards["a"] == batch.standards["a"] == (None, "pass")
    assert review([card.evaluate(r, s) for s, r in rows.items()], card).indicators["a"].bands == {
        "excellent": 0.0,
        "good": 0.0,
        "pass": 1.0,
        "fail": 0.0,
    }
