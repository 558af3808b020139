"""What-if and weight sensitivity (csperf.sensitivity); scipy is the oracle of the statistics."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from csperf import (
    RankAgreement,
    ValidationError,
    Weighting,
    kendall_tau,
    shift_dimension,
    spearman,
    weight_sensitivity,
    whatif,
)
from csperf.errors import WeightingError
from csperf.weights import swot
from strategies import examples
from support import CHEN_JING, LI_WEI

columns = st.integers(2, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 8), min_size=n, max_size=n),
        st.lists(
            st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 1)), min_size=n, max_size=n
        ),
    )
)


# -- the statistics against scipy ---------------------------------------------------------------


def test_hand_worked_spearman_and_kendall():
    # ranks of y = [1, 3, 2, 2]: 1, 4, 2.5, 2.5; rho = 1.5 / sqrt(5 * 4.5)
    assert spearman([1, 2, 3, 4], [1, 3, 2, 2]) == pytest.approx(1.5 / math.sqrt(22.5))
    # x = [1, 2, 2, 3], y = [1, 3, 2, 4]: 5 concordant, 0 discordant, 1 pair tied in x:
    # tau_b = 5 / sqrt((6 - 1) * 6)
    assert kendall_tau([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(5 / math.sqrt(30))
    assert kendall_tau([3, 1, 2], [3, 1, 2]) == 1.0
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0


@given(columns)
def test_spearman_and_kendall_equal_scipy(pair):
    x, y = pair
    ours_rho, ours_tau = spearman(x, y), kendall_tau(x, y)
    if len(set(x)) < 2 or len(set(y)) < 2:
        assert math.isnan(ours_rho) and math.isnan(ours_tau)
        return
    assert ours_rho == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert ours_tau == pytest.approx(stats.kendalltau(x, y).statistic, abs=1e-12)


def test_kendall_on_a_long_column_equals_scipy():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 50, size=3001)
    y = x + rng.integers(-20, 20, size=3001)
    assert kendall_tau(x, y) == pytest.approx(stats.kendalltau(x, y).statistic, abs=1e-12)


def test_statistics_refuse_bad_columns():
    with pytest.raises(ValidationError, match="differ in length"):
        spearman([1, 2], [1, 2, 3])
    with pytest.raises(ValidationError, match="NaN"):
        kendall_tau([1, math.nan], [1, 2])
    assert math.isnan(spearman([1], [1]))


# -- shifting one dimension ---------------------------------------------------------------------


def test_shift_dimension_by_hand(manager_card):
    shifted = shift_dimension(manager_card.weighting, "teamwork", 5)
    # 40/30/20/10 -> teamwork 15; the other 85 shared as 40:30:20 of 90
    assert dict(shifted.dimensions) == {
        "service_quality": pytest.approx(40 * 85 / 90 / 100, abs=1e-15),
        "efficiency": pytest.approx(30 * 85 / 90 / 100, abs=1e-15),
        "capability": pytest.approx(20 * 85 / 90 / 100, abs=1e-15),
        "teamwork": 0.15,
    }
    assert shifted.indicators == manager_card.weighting.indicators
    assert shift_dimension(manager_card.weighting, "teamwork", 0) == manager_card.weighting


def test_shift_dimension_refuses():
    w = Weighting({"a": 0.9, "b": 0.1}, {"a": {"x": 1.0}, "b": {"y": 1.0}})
    with pytest.raises(WeightingError, match="outside 0-100%"):
        shift_dimension(w, "a", 15)
    with pytest.raises(WeightingError, match="no dimension 'c'"):
        shift_dimension(w, "c", 5)
    whole = Weighting({"a": 1.0, "b": 0.0}, {"a": {"x": 1.0}, "b": {"y": 1.0}})
    with pytest.raises(WeightingError, match="holds the whole weight"):
        shift_dimension(whole, "a", -5)


# -- what-if ------------------------------------------------------------------------------------


def _table(rows):
    keys = list(LI_WEI)
    return {"subject": [name for name, _ in rows], **{k: [r[k] for _, r in rows] for k in keys}}


POPULATION = [
    ("li", LI_WEI),
    ("chen", CHEN_JING),
    ("wang", dict(LI_WEI, product_knowledge=95)),
    ("zhao", dict(LI_WEI, product_knowledge=70, collaboration_rating=3.5)),
    ("sun", dict(CHEN_JING, customer_satisfaction=0.9)),
]


def test_whatif_lists_whose_grade_changes(manager_card):
    table = _table(POPULATION)
    teamwork = shift_dimension(manager_card.weighting, "teamwork", -5)
    factors = [{"kind": "weakness", "target": "efficiency", "reason": "slow", "intensity": 1}]
    adjusted = swot(manager_card.weighting, factors)
    result = whatif(manager_card, table, {"teamwork -5": teamwork, "swot": adjusted})
    baseline = manager_card.evaluate_many(table)
    assert result.baseline.totals.tolist() == baseline.totals.tolist()
    for scenario in result.scenarios:
        card = attrs.evolve(manager_card, weighting=scenario.weighting)
        for row, (name, values) in enumerate(POPULATION):
            one = card.evaluate(values, name)
            assert scenario.batch.totals[row] == one.total  # the exact kernel, row by row
        expected = [
            row
            for row in range(len(POPULATION))
            if scenario.batch.grades[row] != baseline.grades[row]
        ]
        assert [c.row for c in scenario.changes] == expected
        for change in scenario.changes:
            assert change.delta == pytest.approx(change.after - change.before, abs=1e-9)
        assert scenario.agreement.flipped == len(expected) / len(POPULATION)
    # chen (80.00, good: hand-worked in test_scorecard.py) falls to pass with less teamwork
    changed = {c.subject: c for c in result.scenarios[0].changes}
    assert set(changed) == {"chen"}
    assert (changed["chen"].grade_before, changed["chen"].grade_after) == ("good", "pass")
    assert changed["chen"].steps == -1
    assert changed["chen"].before == 80.0
    data = result.to_dict()
    assert data["scenarios"][0]["name"] == "teamwork -5"
    assert [d["subject"] for d in data["scenarios"][0]["deltas"]] == [n for n, _ in POPULATION]


def test_whatif_refuses_a_scenario_without_weights(manager_card):
    with pytest.raises(ValidationError, match="scenario 'x' must be a Weighting") as info:
        whatif(manager_card, _table(POPULATION), {"x": {"a": 1}})
    assert info.value.field == ("scenarios", "x")


def test_rank_agreement_by_hand(manager_card):
    table = _table(POPULATION)
    base = manager_card.evaluate_many(table)
    same = RankAgreement.between(base, base, 2)
    assert (same.spearman, same.kendall, same.top_k, same.bottom_k, same.flipped) == (
        1.0,
        1.0,
        1.0,
        1.0,
        0.0,
    )
    reversed_card = attrs.evolve(
        manager_card,
        weighting=Weighting.from_effective(
            {
                k: (1.0 if k == "product_knowledge" else 0.0)
                for k in manager_card.weighting.effective()
            },
            {d: [i.key for i in inds] for d, inds in manager_card.groups().items()},
        ),
    )
    other = reversed_card.evaluate_many(table)
    got = RankAgreement.between(base, other, 1)
    top_base = set(np.flatnonzero(base.ranks() == 1))
    top_other = set(np.flatnonzero(other.ranks() == 1))
    assert got.top_k == len(top_base & top_other) / max(len(top_base), len(top_other))
    assert got.spearman == pytest.approx(stats.spearmanr(base.totals, other.totals).statistic)


# -- sensitivity --------------------------------------------------------------------------------


def test_zero_perturbation_changes_nothing(manager_card):
    result = weight_sensitivity(
        manager_card, _table(POPULATION), draws=5, spread=0.0, step=0, seed=4
    )
    assert result.spearman.tolist() == [1.0] * 5
    assert result.kendall.tolist() == [1.0] * 5
    assert result.flipped.tolist() == [0.0] * 5
    assert result.flip_rate.tolist() == [0.0] * 5
    assert result.one_at_a_time == ()


@settings(max_examples=examples(15))
@given(
    st.lists(st.integers(0, 30).map(lambda v: 70 + v), min_size=2, max_size=8).filter(
        lambda v: len(set(v)) > 1
    ),
    st.integers(0, 2**32 - 1),
)
def test_zero_perturbation_property(knowledge, seed):
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    rows = [(f"s{i}", dict(LI_WEI, product_knowledge=v)) for i, v in enumerate(knowledge)]
    result = weight_sensitivity(card, _table(rows), draws=2, spread=0.0, step=0, seed=seed)
    assert result.spearman.tolist() == [1.0, 1.0]
    assert result.kendall.tolist() == [1.0, 1.0]
    assert result.flipped.tolist() == [0.0, 0.0]
    assert result.top_k.tolist() == [1.0, 1.0]


def test_draws_are_seeded_and_bounded(manager_card):
    table = _table(POPULATION)
    one = weight_sensitivity(manager_card, table, draws=8, spread=0.3, seed=11)
    two = weight_sensitivity(manager_card, table, draws=8, spread=0.3, seed=11)
    assert one.spearman.tolist() == two.spearman.tolist()
    assert one.flip_rate.tolist() == two.flip_rate.tolist()
    assert np.all((one.spearman >= -1) & (one.spearman <= 1))
    assert np.all((one.flipped >= 0) & (one.flipped <= 1))
    # flip rate per subject is the mean over draws of the flips of that subject
    assert one.flip_rate.mean() == pytest.approx(one.flipped.mean())
    dirichlet = weight_sensitivity(
        manager_card, table, draws=8, method="dirichlet", concentration=50, seed=2, step=0
    )
    assert not np.isnan(dirichlet.kendall).any()
    summary = one.summary()
    assert summary["spearman"]["min"] == float(one.spearman.min())
    assert one.to_dict()["flip_rate"][0]["subject"] == "li"


def test_uniform_draw_stays_within_its_bound():
    from csperf.sensitivity import _draw

    rng = np.random.default_rng(0)
    weights = np.array([0.5, 0.3, 0.2, 0.0])
    for _ in range(50):
        drawn = _draw(rng, weights, "uniform", 0.2, 1.0)
        assert drawn.sum() == pytest.approx(1.0)
        assert drawn[3] == 0.0
        unnormalised_ratio = drawn[:3] / weights[:3]
        # before renormalising each factor is within [0.8, 1.2]: ratios within 1.2/0.8
        assert unnormalised_ratio.max() / unnormalised_ratio.min() <= 1.2 / 0.8 + 1e-12


def test_one_at_a_time_moves_each_dimension_both_ways(manager_card):
    table = _table(POPULATION)
    result = weight_sensitivity(manager_card, table, draws=0, step=5)
    assert [(p.dimension, p.shift) for p in result.one_at_a_time] == [
        (d, s) for d in manager_card.weighting.dimensions for s in (-5.0, 5.0)
    ]
    teamwork_up = result.one_at_a_time[-1]
    direct = whatif(
        manager_card, table, {"t": shift_dimension(manager_card.weighting, "teamwork", 5)}
    )
    assert teamwork_up.flipped_subjects == tuple(c.subject for c in direct.scenarios[0].changes)
    assert teamwork_up.agreement == direct.scenarios[0].agreement
    assert result.draws == 0 and result.flip_rate.tolist() == [0.0] * len(POPULATION)


def test_one_at_a_time_clips_at_the_bounds():
    from csperf import Dimension, Direction, Indicator, RatioToTarget, Scorecard

    card = Scorecard(
        key="small",
        title="Small",
        dimensions=[Dimension("a", "A"), Dimension("b", "B")],
        indicators=[
            Indicator("x", "X", "a", Direction.HIGHER_IS_BETTER, RatioToTarget(10)),
            Indicator("y", "Y", "b", Direction.HIGHER_IS_BETTER, RatioToTarget(10)),
        ],
        weighting=Weighting({"a": 0.97, "b": 0.03}, {"a": {"x": 1.0}, "b": {"y": 1.0}}),
    )
    result = weight_sensitivity(card, {"x": [5, 9, 2], "y": [1, 8, 10]}, draws=0, step=5)
    assert [(p.dimension, p.shift) for p in result.one_at_a_time] == [
        ("a", -5.0),
        ("a", 3.0),
        ("b", -3.0),
        ("b", 5.0),
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"draws": -1}, "draws must be"),
        ({"method": "normal"}, "method must be one of"),
        ({"spread": 1.0}, "spread must be"),
        ({"step": 150}, "step must be"),
        ({"concentration": 0}, "concentration must be"),
        ({"k": 0}, "k must be"),
    ],
)
def test_bad_settings_are_named(manager_card, options, message):
    with pytest.raises(ValidationError, match=message):
        weight_sensitivity(manager_card, _table(POPULATION), **options)


def test_docstring_examples():
    import doctest

    import csperf.sensitivity

    result = doctest.testmod(csperf.sensitivity, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@given(columns, st.randoms(use_true_random=False))
def test_statistics_do_not_depend_on_row_order_and_are_symmetric(pair, random):
    x, y = pair
    order = list(range(len(x)))
    random.shuffle(order)
    px, py = [x[i] for i in order], [y[i] for i in order]
    for statistic in (spearman, kendall_tau):
        first, again, swapped = statistic(x, y), statistic(px, py), statistic(y, x)
        if math.isnan(first):
            assert math.isnan(again) and math.isnan(swapped)
        else:
            assert again == pytest.approx(first, abs=1e-12)
            assert swapped == pytest.approx(first, abs=1e-12)


@settings(max_examples=examples(12))
@given(st.permutations(range(len(POPULATION))))
def test_whatif_does_not_depend_on_row_order(order):
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    scenario = {"t": shift_dimension(card.weighting, "teamwork", -5)}
    first = whatif(card, _table(POPULATION), scenario)
    shuffled = whatif(card, _table([POPULATION[i] for i in order]), scenario)

    def by_subject(found):
        s = found.scenarios[0]
        return (
            dict(zip(s.batch.subjects, s.deltas.tolist())),
            sorted((c.subject, c.grade_before, c.grade_after, c.rank_after) for c in s.changes),
            tuple(round(v, 12) for v in (s.agreement.spearman, s.agreement.kendall)),
            s.agreement.flipped,
        )

    assert by_subject(shuffled) == by_subject(first)
