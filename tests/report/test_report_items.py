"""Reports show a subject's veto and bonus/deduction lines (csperf.report.ItemLine)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from csperf.report import Report, render_html, write_report
from csperf.templates import customer_service_manager
from support import LI_WEI


def report(lang: str = "en", **items: float | None) -> Report:
    card = customer_service_manager(serious_complaint_veto=True, commendation_bonus=True)
    values = {**LI_WEI, "commendations": 7, "serious_complaints": 1, **items}
    return Report(card, [card.evaluate(values, "li_wei")], lang=lang)


def test_item_lines_hold_every_item_with_its_reason():
    bonus, veto = report().item_lines(0)
    assert (bonus.kind, bonus.detail, bonus.value, bonus.fired) == (
        "bonus",
        "7 × 1 (at most 5) = 5.00",
        "+5.00",
        None,
    )
    assert bonus.reason.startswith("+1 per verified")
    assert (veto.kind, veto.detail, veto.value, veto.fired) == (
        "veto",
        "serious_complaints >= 1, 1",
        "grade at most pass",
        True,
    )
    quiet = report(serious_complaints=0).item_lines(0)[1]
    assert (quiet.value, quiet.fired) == ("not fired", False)


def test_html_shows_the_lines_and_marks_a_fired_veto():
    html = render_html(report("zh"))
    assert "<h3>加分项 / 扣分项</h3>" in html and "<h3>否决项（一票否决）</h3>" in html
    assert '<tr class="fired"><td>serious_complaint</td><td>重大有效投诉</td>' in html
    assert "等级最高为 合格" in html
    plain = customer_service_manager()
    html = render_html(Report(plain, [plain.evaluate(LI_WEI, "li_wei")]))
    assert "Veto items" not in html and "Bonus and deduction items" not in html


def test_excel_shows_the_lines(tmp_path):
    path = write_report(report(), tmp_path / "r.xlsx", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["Summary", "Indicators", "Bonus and deduction items"]
    rows = [row[:5] for row in book.worksheets[2].iter_rows(values_only=True)]
    assert rows[0] == ("Subject", "Bonus and deduction items", "Indicator", "Raw value", "Applied")
    bonus = ("bonus", "Customer commendations", "7 × 1 (at most 5) = 5.00", "+5.00")
    veto = ("Veto items", "Verified serious complaint", "serious_complaints >= 1, 1")
    assert any(row[1:] == bonus for row in rows)
    assert any(row[1:4] == veto and row[4] == "grade at most pass" for row in rows)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_other_formats_still_render_a_card_with_items(fmt):
    from csperf.report import render

    assert render(report(), fmt)
