"""Veto items and bonus / deduction items: hand-worked cases, properties, batch == one by one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Adjustment,
    AdjustmentKind,
    Dimension,
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    MeasurementError,
    MissingPolicy,
    Piecewise,
    Scorecard,
    ValidationError,
    Veto,
    VetoEffect,
    Weighting,
)
from csperf.errors import MissingMeasurementError
from strategies import core_scorecards, examples, form_items, item_values

IDENTITY = Piecewise([(0, 0), (100, 100)])


def card(*, max_points: float = 100, precision: int = 2, **items: Any) -> Scorecard:
    """One indicator ``x`` scored as itself, weight 100 %: the weighted total is ``x``."""
    scale = GradeScale.default()
    if max_points != 100:
        bands = list(scale.bands)
        bands[0] = GradeBand("excellent", "excellent", 90, max_points)
        scale = GradeScale(bands)
    return Scorecard(
        key="identity",
        title="Identity",
        dimensions=[Dimension("d", "D")],
        indicators=[
            Indicator(
                "x",
                "X",
                "d",
                Direction.HIGHER_IS_BETTER,
                Piecewise([(0, 0), (max_points, max_points)]),
            )
        ],
        weighting=Weighting.from_percentages({"d": 100}, {"d": {"x": 100}}),
        grade_scale=scale,
        max_points=max_points,
        precision=precision,
        **items,
    )


PRAISE = Adjustment("commendations", {"en": "Commendations", "zh": "客户表扬"}, "bonus", 1, cap=5)
TRAINING = Adjustment("training", "Training", "bonus", 1.5)
COMPLAINTS = Adjustment("complaints", "Complaints", "deduction", 2, floor=60)
SERIOUS = Veto(
    "serious_complaint",
    {"en": "Serious complaint", "zh": "重大投诉"},
    metric="serious_complaints",
    effect="cap_grade",
    grade="fail",
    reason={"en": "a verified serious complaint", "zh": "经核实的重大投诉"},
)


def both(c: Scorecard, row: dict[str, Any]) -> Any:
    """evaluate() of one row, checked against evaluate_many() of the same row."""
    one = c.evaluate(row, subject="ann")
    batch = c.evaluate_many({"subject": ["ann"], **{k: [v] for k, v in row.items()}})
    assert batch.totals.tolist() == [one.total]
    assert batch.grades.tolist() == [one.grade.key]
    assert batch.unrounded_totals.tolist() == [one.unrounded_total]
    return one


# -- hand-worked cases ------------------------------------------------------------------------


def test_a_bonus_adds_points_per_event_up_to_its_cap():
    c = card(adjustments=[PRAISE])
    assert both(c, {"x": 87.3, "commendations": 3}).total == 90.3  # 87.3 + 3 × 1
    r = both(c, {"x": 87.3, "commendations": 8})  # 8 × 1 = 8, at most 5
    assert (r.weighted_total, r.total, r.grade.key) == (87.3, 92.3, "excellent")
    (line,) = r.adjustments
    assert (line.kind, line.events, line.amount, line.applied) == ("bonus", 8, 5, 5)


def test_the_card_caps_the_whole_bonus_in_the_items_order():
    c = card(adjustments=[PRAISE, TRAINING], bonus_cap=4)
    r = both(c, {"x": 80, "commendations": 3, "training": 2})  # 3 + 3 = 6, at most 4
    assert [a.amount for a in r.adjustments] == [3, 3]
    assert [a.applied for a in r.adjustments] == [3, 1]  # the first item first
    assert r.total == 84


def test_a_deduction_never_takes_the_total_below_its_floor():
    c = card(adjustments=[COMPLAINTS])
    assert both(c, {"x": 70, "complaints": 2}).total == 66  # 70 - 2 × 2
    r = both(c, {"x": 61, "complaints": 2})  # max(61 - 4, min(61, 60)) = 60
    assert (r.total, r.adjustments[0].applied) == (60, -1)
    assert both(c, {"x": 55, "complaints": 2}).total == 55  # already below: unchanged
    no_floor = card(adjustments=[attrs.evolve(COMPLAINTS, floor=None)])
    assert both(no_floor, {"x": 5, "complaints": 4}).total == 0  # never below 0


def test_totals_pass_100_only_as_far_as_max_points_allows():
    bonus = [Adjustment("extra", "Extra", "bonus", 1)]
    assert both(card(adjustments=bonus), {"x": 98, "extra": 5}).total == 100
    r = both(card(max_points=120, adjustments=bonus), {"x": 98, "extra": 5})
    assert (r.total, r.adjusted_total, r.grade.key) == (103, 103, "excellent")


@pytest.mark.parametrize(
    ("veto", "total", "grade"),
    [
        (Veto("v", "V", effect="cap_total", cap=59), 59, "fail"),
        (Veto("v", "V", effect="zero"), 0, "fail"),
        (Veto("v", "V", effect="cap_grade", grade="pass"), 87.3, "pass"),
        (Veto("v", "V", effect="cap_grade", grade="excellent"), 87.3, "good"),  # no raise
        (Veto("v", "V", effect="cap_total", cap=95), 87.3, "good"),  # no raise
    ],
)
def test_each_effect_of_a_fired_veto(veto, total, grade):
    r = both(card(vetoes=[veto]), {"x": 87.3, "v": 1})
    assert (r.total, r.grade.key, r.weighted_total) == (total, grade, 87.3)
    assert r.fired == r.vetoes
    quiet = both(card(vetoes=[veto]), {"x": 87.3, "v": 0})
    assert (quiet.total, quiet.grade.key, quiet.fired) == (87.3, "good", ())


def test_a_veto_caps_the_total_after_the_bonus():
    c = card(vetoes=[Veto("v", "V", effect="cap_total", cap=59)], adjustments=[PRAISE])
    r = both(c, {"x": 58, "v": 1, "commendations": 5})
    assert (r.adjusted_total, r.total) == (63, 59)


def test_adjustments_apply_to_the_exact_total_which_is_rounded_once():
    # 89.9945 + 0.0005 = 89.995 exactly, which rounds half up to 90.00 (excellent); rounding
    # 89.9945 first (89.99) and then adding would give 89.99 (good).
    c = card(adjustments=[Adjustment("tiny", "Tiny", "bonus", 0.0005)])
    r = both(c, {"x": 89.9945, "tiny": 1})
    assert (r.total, r.grade.key) == (90.0, "excellent")
    r = both(c, {"x": Decimal("89.99449999999999"), "tiny": 1})
    assert r.total == 89.99
    r = both(c, {"x": 89.9945, "tiny": Decimal("0.9999999999999999999")})
    assert r.total == 89.99


def test_a_condition_is_compared_exactly():
    c = card(vetoes=[Veto("v", "V", effect="zero", operator=">=", threshold=1)])
    assert both(c, {"x": 80, "v": Decimal("0.99999999999999999999")}).total == 80
    assert both(c, {"x": 80, "v": Decimal(1)}).total == 0
    assert both(c, {"x": 80, "v": 2**60}).total == 0


def test_a_flag_reads_true_and_false_as_1_and_0():
    c = card(vetoes=[Veto("critical", "Critical failure", metric="critical_failed", effect="zero")])
    assert c.evaluate({"x": 80, "critical_failed": True}).total == 0
    assert c.evaluate({"x": 80, "critical_failed": False}).total == 80
    batch = c.evaluate_many({"x": [80, 80], "critical_failed": np.array([True, False])})
    assert batch.totals.tolist() == [0, 80]
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"x": [80.0, 80.0], "critical_failed": [True, False]})
    assert c.evaluate_many(table).totals.tolist() == [0, 80]
    with pytest.raises(MeasurementError, match="real number"):
        card(adjustments=[PRAISE]).evaluate({"x": 80, "commendations": True})


# -- missing values -----------------------------------------------------------------------------


def test_a_missing_veto_input_is_never_no_veto():
    veto = [Veto("v", "V", effect="cap_total", cap=59)]
    with pytest.raises(MissingMeasurementError, match="Veto 'v'"):
        card(vetoes=veto).evaluate({"x": 80}, subject="ann")
    with pytest.raises(MissingMeasurementError, match="Veto 'v'"):
        card(vetoes=veto).evaluate_many({"x": [80, 80], "v": [0, None]})
    redistribute = card(vetoes=veto, missing="redistribute")
    with pytest.raises(MissingMeasurementError, match="never taken as no veto"):
        redistribute.evaluate({"x": 80})
    with pytest.raises(MissingMeasurementError, match="never taken as no veto"):
        redistribute.evaluate_many({"x": [80], "v": [None]})
    zero = card(vetoes=veto, missing="zero")
    r = both(zero, {"x": 80, "v": None})
    assert (r.total, r.vetoes[0].fired, r.vetoes[0].missing) == (59, True, True)
    assert "counted as fired" in r.explain()


def test_a_missing_count_raises_under_error_and_gives_0_points_otherwise():
    with pytest.raises(MissingMeasurementError, match="Adjustment 'commendations'"):
        card(adjustments=[PRAISE]).evaluate({"x": 80})
    for policy in ("zero", "redistribute"):
        r = both(card(adjustments=[PRAISE], missing=policy), {"x": 80, "commendations": None})
        assert (r.total, r.adjustments[0].missing, r.adjustments[0].applied) == (80, True, 0)


def test_bad_inputs_are_refused_naming_the_item_and_subject():
    c = card(adjustments=[PRAISE], vetoes=[SERIOUS])
    with pytest.raises(MeasurementError, match="commendations -1 for subject 'ann'"):
        c.evaluate({"x": 80, "commendations": -1, "serious_complaints": 0}, subject="ann")
    with pytest.raises(MeasurementError, match="for subject 'bob'"):
        c.evaluate_many(
            {
                "subject": ["ann", "bob"],
                "x": [80, 80],
                "commendations": [1, -1],
                "serious_complaints": [0, 0],
            }
        )
    with pytest.raises(MeasurementError, match="Veto 'serious_complaint'"):
        c.evaluate({"x": 80, "commendations": 1, "serious_complaints": "yes"})
    with pytest.raises(MeasurementError, match="unknown column"):
        c.evaluate_many({"x": [80], "commendations": [1], "serious_complaints": [0], "y": [1]})


# -- the model refuses what cannot be ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Veto("v", "V", effect="cap_total"), "needs the field 'cap'"),
        (lambda: Veto("v", "V", effect="cap_grade"), "needs the field 'grade'"),
        (lambda: Veto("v", "V", effect="zero", cap=3), "only for effect cap_total"),
        (lambda: Veto("v", "V", effect="cap_total", cap=50, grade="fail"), "only for effect"),
        (lambda: Veto("v", "V", effect="kill"), "must be one of cap_grade"),
        (lambda: Veto("v", "V", effect="zero", operator="=~"), "operator"),
        (lambda: Veto("v", "V", effect="cap_total", cap=-1), "must not be negative"),
        (lambda: Adjustment("a", "A", "bonus", 0), "must be positive"),
        (lambda: Adjustment("a", "A", "bonus", 1, floor=3), "only for a deduction"),
        (lambda: Adjustment("a", "A", "gift", 1), "must be one of bonus, deduction"),
        (lambda: Adjustment("a", "A", "bonus", 1, cap=0), "must be positive"),
        (lambda: card(vetoes=[Veto("v", "V", effect="cap_grade", grade="bad")]), "no band"),
        (lambda: card(vetoes=[Veto("v", "V", effect="cap_total", cap=59.005)]), "decimals"),
        (lambda: card(vetoes=[Veto("v", "V", effect="cap_total", cap=101)]), "max_points"),
        (
            lambda: card(vetoes=[SERIOUS], adjustments=[attrs.evolve(PRAISE, key=SERIOUS.key)]),
            "repeats the key",
        ),
        (lambda: card(bonus_cap=0), "must be positive"),
        (lambda: card(vetoes=[PRAISE]), r"vetoes\[0\] must be a Veto"),
    ],
)
def test_invalid_items_cannot_exist(make, match):
    with pytest.raises(ValidationError, match=match):
        make()


def test_a_card_without_items_keeps_its_canonical_form():
    plain = card()
    assert not {"vetoes", "adjustments", "bonus_cap"} & set(plain.to_dict())
    assert plain.evaluate({"x": 80}).to_dict().keys() == {
        "scorecard",
        "version",
        "fingerprint",
        "subject",
        "total",
        "unrounded_total",
        "precision",
        "grade",
        "dimensions",
        "indicators",
        "redistributed",
    }
    with_items = card(adjustments=[PRAISE])
    assert with_items.fingerprint != plain.fingerprint
    doc = with_items.evaluate({"x": 80, "commendations": 2}).to_dict()
    assert doc["adjustments"]["commendations"]["applied"] == 2
    assert doc["weighted_total"] == 80


def test_explain_shows_every_line_with_its_reason_in_both_languages():
    c = card(vetoes=[SERIOUS], adjustments=[PRAISE, COMPLAINTS], bonus_cap=4)
    r = c.evaluate({"x": 87.3, "commendations": 7, "complaints": 1, "serious_complaints": 1})
    en, zh = r.explain(), r.explain("zh")
    assert "weighted total = 87.3000 = 87.3000" in en
    assert "bonus commendations (Commendations): 7 × 1 (at most 5) = 5.0000 → +4.0000" in en
    assert "deduction complaints (Complaints): 1 × 2 = 2.0000 → -2.0000" in en
    assert "adjusted total = 87.3000 + 4.0000 - 2.0000 = 89.3000" in en
    assert "grade at most fail (a verified serious complaint)" in en
    assert "grade: fail" in en
    assert "加分项 commendations (客户表扬)" in zh
    assert "否决项 serious_complaint (重大投诉)" in zh and "经核实的重大投诉" in zh


def test_batch_tables_carry_the_item_columns():
    c = card(vetoes=[SERIOUS], adjustments=[PRAISE])
    batch = c.evaluate_many(
        {
            "subject": ["ann", "bob"],
            "x": [87.3, 70],
            "commendations": [2, 0],
            "serious_complaints": [0, 1],
        }
    )
    assert batch.grades.tolist() == ["good", "fail"]
    frame = batch.to_pandas()
    assert frame["adjustment.commendations"].tolist() == [2, 0]
    assert frame["veto.serious_complaint"].tolist() == [False, True]
    assert frame["weighted_total"].tolist() == [87.3, 70]
    assert frame["grade"].astype(str).tolist() == ["good", "fail"]  # the capped grade
    assert batch.to_records()[1]["veto.serious_complaint"] is True
    pytest.importorskip("pyarrow")
    assert batch.to_arrow().column("grade").to_pylist() == ["good", "fail"]


# -- properties -----------------------------------------------------------------------------


def rows_for(c: Scorecard, data: Any, n: int) -> list[dict[str, Any]]:
    values = st.integers(0, 10_000).map(lambda i: i / 100)
    rows = []
    for _ in range(n):
        row: dict[str, Any] = {ind.metric: data.draw(values) for ind in c.indicators}
        row.update(data.draw(item_values(c)))
        rows.append(row)
    return rows


def position(c: Scorecard, key: str) -> int:
    return [b.key for b in c.grade_scale.ordered].index(key)


@settings(max_examples=examples(25))
@given(core_scorecards(missing=MissingPolicy.ERROR), st.data())
def test_batch_equals_one_by_one_with_items(base, data):
    c = data.draw(form_items(base))
    rows = rows_for(c, data, data.draw(st.integers(1, 8)))
    expected = [c.evaluate(row, subject=f"s{i}") for i, row in enumerate(rows)]
    columns = {k: [row[k] for row in rows] for k in rows[0]}
    batch = c.evaluate_many({"subject": [f"s{i}" for i in range(len(rows))], **columns})
    assert batch.totals.tolist() == [e.total for e in expected]
    assert batch.grades.tolist() == [e.grade.key for e in expected]
    assert batch.unrounded_totals.tolist() == pytest.approx(
        [e.unrounded_total for e in expected], rel=1e-12, abs=1e-9
    )
    for item in c.adjustments:
        assert batch.adjustments[item.key].tolist() == pytest.approx(
            [next(a for a in e.adjustments if a.key == item.key).applied for e in expected],
            abs=1e-9,
        )
    for veto in c.vetoes:
        assert batch.vetoes[veto.key].tolist() == [
            next(v for v in e.vetoes if v.key == veto.key).fired for e in expected
        ]


@settings(max_examples=examples(25))
@given(core_scorecards(missing=MissingPolicy.ERROR), st.data())
def test_a_veto_never_raises_a_total_or_a_grade_and_caps_hold(base, data):
    c = data.draw(form_items(base))
    row = rows_for(c, data, 1)[0]
    r = c.evaluate(row)
    without = attrs.evolve(c, vetoes=()).evaluate(row)
    assert r.total <= without.total
    assert position(c, r.grade.key) <= position(c, without.grade.key)
    assert 0 <= r.total <= c.max_points
    for veto, line in zip(c.vetoes, r.vetoes):
        if not line.fired:
            continue
        if veto.effect is VetoEffect.ZERO:
            assert r.total == 0
        elif veto.effect is VetoEffect.CAP_TOTAL:
            assert r.total <= veto.cap
        else:
            assert position(c, r.grade.key) <= position(c, veto.grade)
    bonus = 0.0
    for item, line in zip(c.adjustments, r.adjustments):
        assert abs(line.applied) <= line.amount + 1e-12
        if item.cap is not None:
            assert line.amount <= item.cap
        if item.kind is AdjustmentKind.BONUS:
            assert line.applied >= 0
            bonus += line.applied
        else:
            assert line.applied <= 0
    if c.bonus_cap is not None:
        assert bonus <= c.bonus_cap + 1e-9


@settings(max_examples=examples(25))
@given(core_scorecards(missing=MissingPolicy.ERROR), st.data())
def test_a_bonus_never_lowers_a_total(base, data):
    c = data.draw(form_items(base))
    row = rows_for(c, data, 1)[0]
    extra = Adjustment("zz_bonus", "Bonus", "bonus", data.draw(st.sampled_from([0.5, 1, 7])))
    more = attrs.evolve(c, adjustments=(*c.adjustments, extra))
    events = data.draw(st.integers(0, 5))
    assert more.evaluate({**row, "zz_bonus": events}).total >= c.evaluate(row).total
    fewer = c.evaluate(row)
    for item in c.adjustments:
        if item.kind is AdjustmentKind.BONUS:
            more_events = {**row, item.metric: row[item.metric] + 1}
            assert c.evaluate(more_events).total >= fewer.total


def test_a_partition_is_scored_with_its_items():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from csperf.distributed import partition_meta, score_partition, spark_schema

    c = card(vetoes=[SERIOUS], adjustments=[PRAISE])
    frame = pd.DataFrame({"x": [87.3, 70.0], "commendations": [2, 0], "serious_complaints": [0, 1]})
    out = score_partition(frame, c)
    assert out["total"].tolist() == [89.3, 70.0]
    assert out["veto.serious_complaint"].tolist() == [False, True]
    assert list(out.columns) == list(partition_meta(c).columns)
    assert "`veto.serious_complaint` boolean" in spark_schema(c)


@settings(max_examples=examples(25))
@given(core_scorecards(missing=MissingPolicy.ZERO), st.data())
def test_batch_equals_one_by_one_with_missing_item_inputs_under_zero(base, data):
    c = data.draw(form_items(base))
    rows = rows_for(c, data, data.draw(st.integers(1, 6)))
    names = [i.metric for i in (*c.vetoes, *c.adjustments)]
    for row in rows:
        for name in names:
            if data.draw(st.booleans()):
                row[name] = None
    expected = [c.evaluate(row) for row in rows]
    columns = {k: [row[k] for row in rows] for k in rows[0]}
    batch = c.evaluate_many(columns)
    assert batch.totals.tolist() == [e.total for e in expected]
    assert batch.grades.tolist() == [e.grade.key for e in expected]
    for veto in c.vetoes:  # a missing value fires the veto
        fired = [next(v for v in e.vetoes if v.key == veto.key) for e in expected]
        assert all(v.fired for v in fired if v.missing)
        assert batch.vetoes[veto.key].tolist() == [v.fired for v in fired]


def test_a_veto_may_read_an_indicators_own_measurement():
    c = card(vetoes=[Veto("low", "Low", metric="x", operator="<", threshold=60, effect="zero")])
    assert both(c, {"x": 59.99}).total == 0
    assert both(c, {"x": 60}).total == 60
    batch = c.evaluate_many({"x": [59.99, 60]}, extra="error")
    assert batch.totals.tolist() == [0, 60]
