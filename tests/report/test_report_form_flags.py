"""The Excel form's veto flags: TRUE/FALSE and 1/0 give the same total as csperf.

The workbook is evaluated by ``excel_formulas.py`` (see ``test_report_form.py``).
"""

from __future__ import annotations

import pytest

from test_report_form import MANAGER_SUBJECTS
from test_report_form_items import ITEM_VALUES, ItemForm, card_with, check


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("flag", [True, False, 1, 0])
def test_a_veto_flag_takes_true_false_and_one_zero(tmp_path, lang, flag):
    form = ItemForm(card_with(), lang, tmp_path)
    for veto in ("breach", "fraud", "serious_complaints"):
        values = {**MANAGER_SUBJECTS[0], **ITEM_VALUES[0], veto: flag}
        check(form, values)  # csperf reads True and False as 1 and 0; so does the form
        fired = form.sheet[f"F{form.item_inputs()[veto][1:]}"]
        assert fired == (1.0 if (flag != 0 if veto == "fraud" else flag >= 1) else 0.0)


def test_true_and_one_give_the_same_form(tmp_path):
    form = ItemForm(card_with(), "en", tmp_path)
    totals = []
    for flag in (True, 1):
        form.fill({**MANAGER_SUBJECTS[1], **ITEM_VALUES[0], "breach": flag})
        totals.append((form.total, form.grade))
    assert totals[0] == totals[1]
    assert totals[0][0] <= 59  # the breach fired: the total is capped at 59


def test_text_in_a_flag_cell_is_still_an_error(tmp_path):
    form = ItemForm(card_with(), "en", tmp_path)
    form.fill({**MANAGER_SUBJECTS[0], **ITEM_VALUES[0], "breach": "TRUE"})
    assert getattr(form.total, "code", None) == "#N/A"


def test_a_flag_cell_validates_numbers_and_true_false(tmp_path):
    form = ItemForm(card_with(), "zh", tmp_path)
    ws = form.wb.active
    refs = {form.item_inputs()[v] for v in ("breach", "fraud", "serious_complaints")}
    rules = {
        str(rule.sqref): rule
        for rule in ws.data_validations.dataValidation
        if rule.type == "custom" and "ISLOGICAL" in rule.formula1
    }
    assert set(rules) == refs
    for ref, rule in rules.items():
        assert rule.formula1 == f"OR(ISNUMBER({ref}),ISLOGICAL({ref}))"
        assert rule.allow_blank and rule.showErrorMessage
        assert "TRUE/FALSE" in rule.prompt
    decimals = [r for r in ws.data_validations.dataValidation if r.type == "decimal"]
    counted = {str(c) for r in decimals for c in r.sqref.ranges}
    assert not refs & counted  # a decimal rule would refuse TRUE
    assert form.item_inputs()["commendations"] in counted
