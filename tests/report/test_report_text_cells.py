"""Texts that look like formulas stay text in every workbook (csperf.report._excel.as_text)."""

from __future__ import annotations

import io

import attrs
import pytest

from csperf.report import Report, write_form_xlsx
from csperf.report._excel import FORMULA_STARTS, xlsx_bytes
from csperf.templates import customer_service_manager
from support import LI_WEI

openpyxl = pytest.importorskip("openpyxl")
NAMES = ["=HYPERLINK(\"http://x\",\"y\")", "+86 10 1234", "-1+2", "@team", "\tTab"]


def test_the_excel_report_keeps_formula_like_subjects_text():
    card = customer_service_manager()
    report = Report(card, [card.evaluate(LI_WEI, name) for name in NAMES])
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(report, details=True)))
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in NAMES:
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.value)
                    seen.add((ws.title, cell.value))
    assert {name for _, name in seen} == set(NAMES)
    assert len({title for title, _ in seen}) == 2  # the summary and the indicators sheets


def test_the_form_keeps_formula_like_card_texts_text(tmp_path):
    card = customer_service_manager(serious_complaint_veto=True)
    card = attrs.evolve(card, title="=1+1 form")
    path = write_form_xlsx(card, tmp_path / "form.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    assert ws["A1"].value == "=1+1 form"
    assert ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas  # the form's own formulas stay formulas
    assert all(not c.quotePrefix for c in formulas)


def test_the_starts_are_those_of_owasp():
    # OWASP, "CSV Injection": = + - @, tab (0x09) and carriage return (0x0D)
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
