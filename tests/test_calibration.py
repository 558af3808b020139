"""Calibration to a distribution: quota sizes, ties, scope, audit (csperf.calibration)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csperf import (
    BatchResult,
    GradeBand,
    GradeScale,
    ValidationError,
    calibrate,
    quota_sizes,
)
from csperf._frozen import FrozenDict

THREE = GradeScale(
    (
        GradeBand("top", "Top", 90, 100),
        GradeBand("mid", "Middle", 70, 90),
        GradeBand("low", "Low", 0, 70),
    )
)
FIVE = GradeScale(
    (
        GradeBand("a", "A", 90, 100),
        GradeBand("b", "B", 80, 90),
        GradeBand("c", "C", 70, 80),
        GradeBand("d", "D", 60, 70),
        GradeBand("e", "E", 0, 60),
    )
)


def batch(totals, scale=THREE, subjects=None):
    values = np.asarray(totals, dtype=float)
    if subjects is None:
        subjects = [f"s{i}" for i in range(len(values))]
    keys = np.array([b.key for b in scale.ordered])
    grades = keys[scale.indices(values)] if len(values) else np.array([], dtype=str)
    return BatchResult(
        scorecard="card",
        version="1",
        fingerprint="f" * 64,
        subjects=list(subjects),
        totals=values,
        unrounded_totals=values.copy(),
        grades=grades,
        points=FrozenDict(),
        weights=FrozenDict(),
        dimension_points=FrozenDict(),
        grade_scale=scale,
        precision=1,
    )


# -- quota sizes, worked by hand --------------------------------------------------------------


def test_seven_under_20_70_10():
    # owed 1.4, 4.9, 0.7: floors 1, 4, 0 (5 places); 2 left go to remainders .9 then .7
    assert quota_sizes(7, [20, 70, 10]) == [1, 5, 1]


def test_ten_under_the_bell_curve():
    assert quota_sizes(10, [10, 20, 40, 20, 10]) == [1, 2, 4, 2, 1]
    # 12 subjects: owed 1.2, 2.4, 4.8, 2.4, 1.2 -> floors 1,2,4,2,1 (10); remainders .8, .4, .4
    assert quota_sizes(12, [10, 20, 40, 20, 10]) == [1, 3, 5, 2, 1]


def test_equal_remainders_favour_the_better_band():
    # owed 1.5 and 1.5: one place left, to the first
    assert quota_sizes(3, [0.5, 0.5]) == [2, 1]
    # owed 1/3 each: the one place goes to the best band
    assert quota_sizes(1, [1, 1, 1]) == [1, 0, 0]


def test_thirds_are_read_exactly():
    assert quota_sizes(3, [Fraction(1, 3)] * 3) == [1, 1, 1]
    assert quota_sizes(0, [20, 70, 10]) == [0, 0, 0]


def test_quota_sizes_refuses_bad_input():
    with pytest.raises(ValidationError, match="whole number"):
        quota_sizes(-1, [1])
    with pytest.raises(ValidationError, match="negative nor all zero"):
        quota_sizes(3, [0, 0])


@given(st.integers(0, 300), st.lists(st.integers(0, 100), min_size=1, max_size=6))
def test_sizes_sum_to_n_and_stay_within_one_place(n, shares):
    if not any(shares):
        shares[0] = 1
    sizes = quota_sizes(n, shares)
    assert sum(sizes) == n
    total = sum(shares)
    for size, share in zip(sizes, shares):
        assert abs(size - Fraction(n * share, total)) < 1


# -- assignment -------------------------------------------------------------------------------


def test_seven_subjects_hand_worked():
    result = calibrate(batch([95, 91, 85, 84, 80, 75, 60]), [20, 70, 10])
    assert result.calibrated.tolist() == ["top", "mid", "mid", "mid", "mid", "mid", "low"]
    assert result.original.tolist() == ["top", "top", "mid", "mid", "mid", "mid", "low"]
    assert [(m.subject, m.original, m.calibrated, m.rank) for m in result.moved] == [
        ("s1", "top", "mid", 2)
    ]
    assert "position 2 of 7" in result.moved[0].reason
    assert [(q.band, q.size, q.met) for q in result.quotas] == [
        ("top", 1, 1),
        ("mid", 5, 5),
        ("low", 1, 1),
    ]
    assert result.totals is result.batch.totals


def test_tie_across_a_boundary_goes_where_most_of_it_falls():
    # sizes 1, 5, 1; the last three positions (5, 6, 7) are tied: two of them in "mid"
    result = calibrate(batch([95, 91, 85, 84, 70, 70, 70]), [20, 70, 10])
    assert result.calibrated.tolist() == ["top", "mid", "mid", "mid", "mid", "mid", "mid"]
    assert [(q.band, q.size, q.met) for q in result.quotas] == [
        ("top", 1, 1),
        ("mid", 5, 6),
        ("low", 1, 0),
    ]


def test_tie_majority_below_the_boundary():
    # 10 subjects under 30/70 on two bands: sizes 3, 7; positions 2-5 tied (4 subjects),
    # 2 of them (positions 2, 3) in the first band, 2 (4, 5) in the second: a draw -> better band
    scale = GradeScale((GradeBand("hi", "Hi", 50, 100), GradeBand("lo", "Lo", 0, 50)))
    totals = [99, 80, 80, 80, 80, 40, 30, 20, 10, 5]
    result = calibrate(batch(totals, scale), [30, 70])
    assert result.calibrated.tolist() == ["hi"] * 5 + ["lo"] * 5
    # positions 3-5 tied (3 subjects): 1 in the first band, 2 in the second -> second band
    totals = [99, 90, 80, 80, 80, 40, 30, 20, 10, 5]
    result = calibrate(batch(totals, scale), [30, 70])
    assert result.calibrated.tolist() == ["hi"] * 2 + ["lo"] * 8
    moved = {m.subject: m for m in result.moved}
    assert "3 tied across a quota boundary, 2 of them in the quota of 'lo'" in moved["s2"].reason
    assert (moved["s2"].first, moved["s2"].last, moved["s2"].held, moved["s2"].tied) == (3, 5, 2, 3)
    assert "同分且跨越配额边界" in moved["s2"].describe("zh")


def test_quotas_of_numpy_and_decimal_numbers():
    from decimal import Decimal

    expected = calibrate(batch([95, 91, 85]), [20, 70, 10]).calibrated.tolist()
    for quotas in (np.array([20, 70, 10]), [Decimal("0.2"), Decimal("0.7"), Decimal("0.1")]):
        assert calibrate(batch([95, 91, 85]), list(quotas)).calibrated.tolist() == expected


def test_a_band_of_zero_share_is_left_empty():
    result = calibrate(batch([95, 91, 85, 84]), {"top": 50, "mid": 50})
    assert result.calibrated.tolist() == ["top", "top", "mid", "mid"]
    assert [q.met for q in result.quotas] == [2, 2, 0]


def test_bell_curve_on_five_bands():
    totals = [99, 95, 88, 86, 82, 78, 74, 71, 65, 50]
    result = calibrate(batch(totals, FIVE), [10, 20, 40, 20, 10])
    assert result.calibrated.tolist() == ["a", "b", "b", "c", "c", "c", "c", "d", "d", "e"]
    assert result.bands == ("a", "b", "c", "d", "e")


def test_teams_are_calibrated_on_their_own():
    totals = [95, 91, 85, 60, 92, 70]
    teams = {
        "s0": "north",
        "s1": "north",
        "s2": "north",
        "s3": "north",
        "s4": "south",
        "s5": "south",
    }
    result = calibrate(batch(totals), [50, 50, 0], teams=teams)
    assert result.calibrated.tolist() == ["top", "top", "mid", "mid", "top", "mid"]
    assert result.teams == ("north",) * 4 + ("south",) * 2
    assert result.ranks.tolist() == [1, 2, 3, 4, 1, 2]
    assert [(q.scope, q.band, q.size) for q in result.quotas] == [
        ("north", "top", 2),
        ("north", "mid", 2),
        ("north", "low", 0),
        ("south", "top", 1),
        ("south", "mid", 1),
        ("south", "low", 0),
    ]
    by_list = calibrate(batch(totals), [50, 50, 0], teams=[teams[f"s{i}"] for i in range(6)])
    assert by_list.calibrated.tolist() == result.calibrated.tolist()
    assert "team 'north'" in next(m for m in result.moved if m.subject == "s3").reason


def test_records_and_dict():
    result = calibrate(batch([95, 91, 85]), [1 / 3, 1 / 3, 1 / 3])
    assert result.to_records()[1] == {
        "subject": "s1",
        "team": None,
        "total": 91.0,
        "rank": 2,
        "original": "top",
        "calibrated": "mid",
        "moved": True,
    }
    data = result.to_dict()
    assert data["bands"] == ["top", "mid", "low"]
    assert data["moved"][0]["subject"] == "s1"
    assert len(result) == 3


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        ([20, 80], "2 quotas for 3 grade bands"),
        ({"best": 100}, "unknown band 'best'"),
        ([20, 70, 20], "sum to 110"),
        ([120, -10, -10], "negative"),
        ([math.nan, 50, 50], "finite number"),
        ("20/70/10", "must be a sequence"),
    ],
)
def test_bad_quotas_are_named(quotas, message):
    with pytest.raises(ValidationError, match=message) as info:
        calibrate(batch([95, 91, 85]), quotas)
    assert info.value.obj == "calibrate"
    assert info.value.field[0] == "quotas"


def test_missing_team_names_the_subject():
    with pytest.raises(ValidationError, match="no team for subject 's2'") as info:
        calibrate(batch([95, 91, 85]), [20, 70, 10], teams={"s0": "a", "s1": "a"})
    assert info.value.subject == "s2"
    with pytest.raises(ValidationError, match="2 teams for 3 subjects"):
        calibrate(batch([95, 91, 85]), [20, 70, 10], teams=["a", "b"])


def test_on_a_real_card(manager_card):
    from support import CHEN_JING, LI_WEI

    table = {
        "subject": ["li", "chen"],
        **{k: [LI_WEI[k], CHEN_JING[k]] for k in LI_WEI},
    }
    scored = manager_card.evaluate_many(table)
    result = calibrate(scored, {"excellent": 0, "good": 50, "pass": 50})
    assert result.original.tolist() == scored.grades.tolist()
    assert result.calibrated.tolist() == ["good", "pass"]
    assert result.totals.tolist() == scored.totals.tolist()


# -- properties -------------------------------------------------------------------------------

populations = st.lists(st.integers(0, 40).map(lambda x: 60 + x / 2), min_size=0, max_size=40)
quota_lists = (
    st.lists(st.integers(0, 10), min_size=3, max_size=3)
    .filter(any)
    .map(lambda q: [Fraction(x, sum(q)) for x in q])
)


def _groups_straddling(totals, sizes):
    """For each band, the members of tied groups whose positions straddle one of its ends."""
    ordered = sorted(totals, reverse=True)
    ends = np.cumsum(sizes)
    slack = [0] * len(sizes)
    for value in set(ordered):
        positions = [i for i, v in enumerate(ordered) if v == value]
        bands = {int(np.searchsorted(ends, p, side="right")) for p in positions}
        if len(bands) > 1:
            for band in range(min(bands), max(bands) + 1):
                slack[band] += len(positions)
    return slack


@given(populations, quota_lists)
def test_totals_never_change_and_ties_share_a_grade(totals, quotas):
    scored = batch(totals)
    before = scored.totals.copy()
    result = calibrate(scored, quotas)
    assert np.array_equal(result.totals, before)
    assert np.array_equal(scored.totals, before)
    assert result.original.tolist() == scored.grades.tolist()
    for value in set(totals):
        assert len({c for t, c in zip(totals, result.calibrated.tolist()) if t == value}) == 1
    # a higher total never gets a worse calibrated grade
    position = {b: i for i, b in enumerate(result.bands)}
    pairs = sorted(zip(totals, (position[c] for c in result.calibrated.tolist())), reverse=True)
    assert [p for _t, p in pairs] == sorted(p for _t, p in pairs)


@given(populations, quota_lists)
def test_quotas_are_met_within_one_subject_ties_allowing(totals, quotas):
    result = calibrate(batch(totals), quotas)
    n = len(totals)
    sizes = [q.size for q in result.quotas]
    slack = _groups_straddling(totals, sizes)
    for quota, share, allowed in zip(result.quotas, quotas, slack):
        assert abs(quota.size - n * share) < 1
        assert abs(quota.met - quota.size) <= allowed
    if len(set(totals)) == n:  # no ties: every quota met exactly
        assert all(q.met == q.size for q in result.quotas)
    assert sum(q.met for q in result.quotas) == n


@given(populations, quota_lists, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(totals, quotas, random):
    subjects = [f"s{i}" for i in range(len(totals))]
    teams = {s: ("north" if i % 3 else "south") for i, s in enumerate(subjects)}
    first = calibrate(batch(totals, subjects=subjects), quotas, teams=teams)
    order = list(range(len(totals)))
    random.shuffle(order)
    shuffled = calibrate(
        batch([totals[i] for i in order], subjects=[subjects[i] for i in order]),
        quotas,
        teams=teams,
    )
    assert dict(zip(shuffled.subjects, shuffled.calibrated.tolist())) == dict(
        zip(first.subjects, first.calibrated.tolist())
    )
    assert sorted(m.subject for m in shuffled.moved) == sorted(m.subject for m in first.moved)
    assert sorted(q.to_dict().items() for q in shuffled.quotas) == sorted(
        q.to_dict().items() for q in first.quotas
    )


def test_docstring_examples():
    import doctest

    import csperf.calibration

    result = doctest.testmod(csperf.calibration, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
