"""The Excel report: a summary sheet and one sheet per subject, with valid unique names."""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.report import Report, SampleInfo
from csperf.report._excel import sheet_names, write_xlsx
from csperf.templates import customer_service_manager
from strategies import examples
from test_report import PEOPLE, population, redistributing_report

BAD = set("[]:*?/\\")


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _find(ws, value) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not on sheet {ws.title!r}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_sheet_and_one_sheet_per_subject(tmp_path, lang):
    report = population(lang, period="2024-Q2", notes=["note one"])
    path = write_xlsx(report, tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    summary_name = {"en": "Summary", "zh": "汇总"}[lang]
    assert wb.sheetnames == [summary_name, *PEOPLE]
    ws = wb[summary_name]
    assert ws["A1"].value == report.heading()
    header_row, _ = _find(ws, report.label("subject"))
    header = [c.value for c in ws[header_row]]
    dims = [report.text(d.name) for d in report.scorecard.dimensions]
    assert header == [report.label("subject"), *dims, report.label("total"), report.label("grade")]
    for i, result in enumerate(report.results):
        row = [c.value for c in ws[header_row + 1 + i]]
        assert row[0] == result.subject
        assert row[-2] == result.total  # a number, not text
        assert row[-1] == result.grade.text(lang)
        for value, dim in zip(row[1:-2], report.scorecard.dimensions):
            # openpyxl writes 16 significant digits (Excel keeps 15).
            assert value == pytest.approx(result.dimensions[dim.key].points, rel=1e-14)
        link = ws.cell(row=header_row + 1 + i, column=1).hyperlink
        assert link.location == f"'{result.subject}'!A1"
    assert ws.cell(row=header_row + 1, column=len(header) - 1).number_format == "0.00"
    texts = {c for r in _rows(ws) for c in r if isinstance(c, str)}
    assert "note one" in texts
    assert report.label("count") in texts


def test_subject_sheet_holds_indicators_and_explanation(tmp_path):
    report = population("zh", samples={"王芳": {"complaint_rate": SampleInfo(80, ["late"])}})
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    result = report.results[1]
    ws = wb["王芳"]
    assert ws["A1"].value == "王芳"
    assert ws["B2"].value == result.total
    assert ws["D2"].value == result.grade.text("zh") == "合格"
    row, column = _find(ws, "考核指标")
    header = [c.value for c in ws[row]][column - 1 :]
    assert header[:8] == [
        "考核指标",
        "考核维度",
        "实际值",
        "单位",
        "达标档次",
        "得分",
        "权重",
        "得分贡献",
    ]
    assert header[8:] == ["样本量", "数据标记"]
    for offset, ind in enumerate(report.scorecard.indicators, start=1):
        values = [c.value for c in ws[row + offset]]
        item = result.indicators[ind.key]
        assert values[0] == report.text(ind.name)
        assert values[2] == item.raw
        assert values[5:8] == pytest.approx(
            [item.points, item.weight, item.contribution], rel=1e-14
        )
        if ind.key == "complaint_rate":
            assert values[8:10] == [80, "late"]
    lines = result.explain("zh").splitlines()
    texts = [r[0] for r in _rows(ws)]
    assert texts[-len(lines) :] == lines


def test_missing_values_in_excel(tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(redistributing_report(), tmp_path / "r.xlsx"))
    ws = wb["gap"]
    row, _ = _find(ws, "Complaint rate")
    assert ws.cell(row=row, column=3).value == "missing"
    row, _ = _find(ws, "Teamwork")
    assert ws.cell(row=row, column=3).value is None  # an emptied dimension has no points


def test_awkward_subject_names_become_valid_sheets(tmp_path):
    card = customer_service_manager()
    subjects = ["a/b", "A/B", "x" * 40, "'quoted'", "Summary", "history", "?*", "O'Brien"]
    results = [card.evaluate(PEOPLE["li_wei"], s) for s in subjects]
    wb = openpyxl.load_workbook(write_xlsx(Report(card, results), tmp_path / "r.xlsx"))
    assert wb.sheetnames == [
        "Summary",
        "a_b",
        "A_B (2)",
        "x" * 31,
        "quoted",
        "Summary (2)",
        "history (2)",
        "__",
        "O'Brien",
    ]
    # Each link in the summary points at its subject's own sheet.
    ws = wb["Summary"]
    row, _ = _find(ws, "a/b")
    links = [ws.cell(row=row + i, column=1).hyperlink.location for i in range(len(subjects))]
    assert links == [f"'{name}'!A1".replace("O'B", "O''B") for name in wb.sheetnames[1:]]


@settings(max_examples=examples(80))
@given(st.lists(st.text(max_size=40), max_size=8), st.lists(st.text(max_size=10), max_size=2))
def test_sheet_names_are_always_valid_and_unique(names, taken):
    taken = sheet_names(taken)
    result = sheet_names(names, taken=taken)
    assert len(result) == len(names)
    folded = [n.casefold() for n in [*taken, *result]]
    assert len(set(folded)) == len(folded)
    for name in result:
        assert 1 <= len(name) <= 31
        assert not BAD & set(name)
        assert not name.startswith("'")
        assert not name.endswith("'")
        assert name.casefold() != "history"
    wb = openpyxl.Workbook()
    for name in result:
        wb.create_sheet(name)  # openpyxl accepts every one
