"""The Excel form's veto and bonus/deduction lines: live formulas give csperf's total to the cent.

The workbook is evaluated by ``excel_formulas.py`` (see ``test_report_form.py``).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import Adjustment, MissingPolicy, Veto
from csperf.templates import customer_service_manager
from csperf.text import localize
from strategies import examples
from test_report_form import MANAGER_SUBJECTS, Form, _tie_subjects

ITEMS = dict(
    vetoes=[
        Veto(
            "serious_complaint",
            {"en": "Serious complaint", "zh": "重大投诉"},
            metric="serious_complaints",
            effect="cap_grade",
            grade="pass",
        ),
        Veto("breach", "Data breach", effect="cap_total", cap=59),
        Veto("fraud", "Fraud", effect="zero", operator="!=", threshold=0),
    ],
    adjustments=[
        Adjustment("commendations", {"en": "Commendations", "zh": "客户表扬"}, "bonus", 1, cap=5),
        Adjustment("complaints", "Complaints", "deduction", 2, floor=60),
        Adjustment("tiny", "Tiny", "bonus", 0.0005),
        Adjustment("late", "Late reports", "deduction", 0.25, cap=1),
    ],
    bonus_cap=4.5,
)


class ItemForm(Form):
    def item_inputs(self) -> dict[str, str]:
        ws = self.wb.active
        names = {
            localize(i.label, self.lang): i.metric
            for i in (*self.card.vetoes, *self.card.adjustments)
        }
        found = {}
        for row in ws.iter_rows(min_col=3, max_col=3):
            cell = row[0]
            if cell.value in names and cell.row > self.grade_row_limit:
                found[names[cell.value]] = f"D{cell.row}"
        assert set(found) == set(names.values())
        return found

    @property
    def grade_row_limit(self) -> int:
        return max(self.rows.values())

    def fill(self, values: dict[str, Any]) -> None:
        super().fill(values)
        for metric, ref in self.item_inputs().items():
            self.sheet[ref] = values.get(metric)


def check(form: ItemForm, values: dict[str, Any]) -> None:
    form.fill(values)
    result = form.card.evaluate(values)
    assert form.total == result.total
    assert form.grade == localize(result.grade.label, form.lang)


def card_with(**changes: Any) -> Any:
    return attrs.evolve(customer_service_manager(), **{**ITEMS, **changes})


ITEM_VALUES = [
    {
        "serious_complaints": 0,
        "breach": 0,
        "fraud": 0,
        "commendations": 3,
        "complaints": 1,
        "tiny": 1,
        "late": 2,
    },
    {
        "serious_complaints": 1,
        "breach": 0,
        "fraud": 0,
        "commendations": 8,
        "complaints": 0,
        "tiny": 0,
        "late": 0,
    },
    {
        "serious_complaints": 0,
        "breach": 1,
        "fraud": 0,
        "commendations": 0,
        "complaints": 3,
        "tiny": 3,
        "late": 9,
    },
    {
        "serious_complaints": 0,
        "breach": 0,
        "fraud": 1,
        "commendations": 2,
        "complaints": 0,
        "tiny": 0,
        "late": 0,
    },
    {
        "serious_complaints": 0,
        "breach": 0,
        "fraud": 0,
        "commendations": 0,
        "complaints": 12,
        "tiny": 1,
        "late": 0.5,
    },
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_with_items_gives_csperf_totals(tmp_path, lang):
    form = ItemForm(card_with(), lang, tmp_path)
    for subject in [*MANAGER_SUBJECTS, *_tie_subjects()]:
        for items in ITEM_VALUES:
            check(form, {**subject, **items})


def test_a_card_without_items_has_no_item_lines(tmp_path):
    form = Form(customer_service_manager(), "en", tmp_path)
    texts = {c.value for row in form.wb.active.iter_rows() for c in row}
    assert "Weighted total" not in texts


def test_missing_item_inputs_follow_the_policy(tmp_path):
    values = {**MANAGER_SUBJECTS[0], **ITEM_VALUES[0]}
    form = ItemForm(card_with(), "en", tmp_path)
    form.fill({**values, "breach": None})
    assert form.total == ""  # error: no total without every input
    form.fill({**values, "commendations": None})
    assert form.total == ""
    zero = ItemForm(card_with(missing=MissingPolicy.ZERO), "en", tmp_path)
    for gone in ("breach", "commendations"):
        check(zero, {**values, gone: None})  # the veto fires; the item gives 0 points
    redistribute = ItemForm(card_with(missing=MissingPolicy.REDISTRIBUTE), "en", tmp_path)
    check(redistribute, {**values, "commendations": None})
    redistribute.fill({**values, "breach": None})
    assert redistribute.total == ""  # a missing veto input: no total, as csperf raises


def test_a_negative_count_or_text_is_an_error_not_points(tmp_path):
    form = ItemForm(card_with(), "en", tmp_path)
    form.fill({**MANAGER_SUBJECTS[0], **ITEM_VALUES[0], "commendations": -1})
    assert getattr(form.total, "code", None) == "#N/A"
    form.fill({**MANAGER_SUBJECTS[0], **ITEM_VALUES[0], "breach": "yes"})
    assert getattr(form.total, "code", None) == "#N/A"


@settings(max_examples=examples(40), deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "serious_complaints": st.integers(0, 2),
            "breach": st.integers(0, 1),
            "fraud": st.integers(0, 1),
            "commendations": st.integers(0, 9),
            "complaints": st.integers(0, 20),
            "tiny": st.integers(0, 30),
            "late": st.integers(0, 40).map(lambda i: i / 4),
        }
    ),
    st.sampled_from(range(len(MANAGER_SUBJECTS))),
)
def test_the_form_agrees_with_csperf_on_any_item_values(form_with_items, items, subject):
    check(form_with_items, {**MANAGER_SUBJECTS[subject], **items})


@pytest.fixture(scope="module")
def form_with_items(tmp_path_factory):
    return ItemForm(card_with(), "en", tmp_path_factory.mktemp("items"))


def test_the_form_shows_each_items_reason(tmp_path):
    card = customer_service_manager(serious_complaint_veto=True, commendation_bonus=True)
    form = ItemForm(card, "zh", tmp_path)
    texts = {c.value for row in form.wb.active.iter_rows(min_col=7, max_col=7) for c in row}
    assert localize(card.vetoes[0].reason, "zh") in texts
    assert localize(card.adjustments[0].reason, "zh") in texts
