"""The Excel report: a summary sheet and a long-format details sheet; valid sheet names."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from csperf.report import Report, SampleInfo
from csperf.report._excel import FONT, sheet_names, unit_format, write_xlsx
from csperf.report._table import display_width
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
def test_a_summary_sheet_and_one_details_sheet(tmp_path, lang):
    report = population(lang, period="2024-Q2", notes=["note one"])
    path = write_xlsx(report, tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    summary_name, details_name = {"en": ("Summary", "Indicators"), "zh": ("汇总", "指标明细")}[lang]
    assert wb.sheetnames == [summary_name, details_name]  # not one sheet per subject
    ws = wb[summary_name]
    assert ws["A1"].value == report.heading()
    header_row, _ = _find(ws, report.label("subject"))
    header = [c.value for c in ws[header_row]]
    dims = [report.text(d.name) for d in report.scorecard.dimensions]
    assert header == [report.label("subject"), *dims, report.label("total"), report.label("grade")]
    for i, result in enumerate(report.results):  # in the report's order
        row = [c.value for c in ws[header_row + 1 + i]]
        assert row[0] == result.subject
        assert row[-2] == result.total  # a number, not text
        assert row[-1] == result.grade.text(lang)
        for value, dim in zip(row[1:-2], report.scorecard.dimensions):
            # openpyxl writes 16 significant digits (Excel keeps 15).
            assert value == pytest.approx(result.dimensions[dim.key].points, rel=1e-14)
    assert ws.cell(row=header_row + 1, column=len(header) - 1).number_format == "0.00"
    texts = {c for r in _rows(ws) for c in r if isinstance(c, str)}
    assert "note one" in texts
    assert report.label("count") in texts


def test_the_details_sheet_has_one_row_per_subject_and_indicator(tmp_path):
    report = population("zh", samples={"王芳": {"complaint_rate": SampleInfo(80, ["late"])}})
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    ws = wb["指标明细"]
    rows = _rows(ws)
    assert rows[0] == [
        "被考核人",
        "考核维度",
        "考核指标",
        "实际值",
        "单位",
        "达标档次",
        "得分",
        "权重",
        "得分贡献",
        "样本量",
        "数据标记",
    ]
    card = report.scorecard
    assert len(rows) == 1 + len(report.results) * len(card.indicators)
    body = iter(rows[1:])
    for result in report.results:
        for ind in card.indicators:
            values = next(body)
            item = result.indicators[ind.key]
            assert values[:3] == [
                result.subject,
                report.text(card.dimension(ind.dimension).name),
                report.text(ind.name),
            ]
            assert values[5] == report.text(item.standard.label)
            assert values[6:9] == pytest.approx(
                [item.points, item.weight, item.contribution], rel=1e-14
            )
            if result.subject == "王芳" and ind.key == "complaint_rate":
                assert values[9:11] == [80, "late"]
            else:
                assert values[9:11] == [None, None]
    assert ws.auto_filter.ref == f"A1:K{len(rows)}"
    assert ws.freeze_panes == "B2"


def test_raw_values_are_formatted_by_unit(tmp_path):
    report = population()
    ws = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))["Indicators"]
    li_wei = {row[2].value: row for row in ws.iter_rows(min_row=2, max_row=9)}
    # customer_satisfaction, unit fraction: 0.92 shown as 92.0 %.
    satisfaction = li_wei["Customer satisfaction"]
    assert (satisfaction[3].value, satisfaction[3].number_format) == (0.92, "0.0%")
    assert satisfaction[4].value == "%"
    # resolution_time, unit s: 20000 s is an Excel duration of 20000 / 86400 days, 5:33:20.
    resolution = li_wei["Average resolution time"]
    assert resolution[3].number_format == "[h]:mm:ss"
    assert resolution[3].value == timedelta(seconds=20000)
    assert resolution[4].value == "h:mm:ss"
    # collaboration_rating, unit "rating 1-5": 4.2 shown as 4.2 / 5.
    rating = li_wei["Internal collaboration rating"]
    assert (rating[3].value, rating[3].number_format) == (4.2, '0.0" / 5"')
    # weights as percentages, points to the card's precision, contributions two more decimals.
    assert [c.number_format for c in satisfaction[6:9]] == ["0.00", "0.0%", "0.0000"]


@pytest.mark.parametrize(
    ("unit", "bounds", "expected"),
    [
        ("fraction", [0.9, 0.85, float("-inf")], ("0.0%", 1.0, "%")),
        ("Fraction", [0.0025, 0.01], ("0.00%", 1.0, "%")),
        ("s", [], ("[h]:mm:ss", 1 / 86400, "h:mm:ss")),
        ("min", [], ("[h]:mm:ss", 60 / 86400, "h:mm:ss")),
        ("ms", [], ("[h]:mm:ss", 0.001 / 86400, "h:mm:ss")),
        ("points", [], ("0.0", 1.0, "points")),
        ("count", [], ("0", 1.0, "count")),
        ("rating 1-5", [], ('0.0" / 5"', 1.0, "rating 1-5")),
        ("NPS", [], ("General", 1.0, "NPS")),
        ("", [], ("General", 1.0, "")),
    ],
)
def test_unit_formats(unit, bounds, expected):
    found = unit_format(unit, bounds)
    assert (found.number_format, found.scale, found.unit) == expected


def test_a_missing_value_in_the_details_sheet(tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(redistributing_report(), tmp_path / "r.xlsx"))
    rows = [r for r in _rows(wb["Indicators"]) if r[0] == "gap"]
    complaint = next(r for r in rows if r[2] == "Complaint rate")
    assert complaint[3] == "missing"
    assert complaint[6] == 0


def test_print_setup_fonts_and_widths(tmp_path):
    report = population("zh", notes=["说明"])
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    for ws, header_row in ((wb["汇总"], 4), (wb["指标明细"], 1)):
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == f"${header_row}:${header_row}"
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {FONT}
        for cell in ws[header_row]:  # every zh header label fits its column (汉字 count double)
            width = ws.column_dimensions[get_column_letter(cell.column)].width
            assert width >= display_width(cell.value) + 2, (ws.title, cell.value, width)
    details = wb["指标明细"]
    longest = max(display_width(report.text(i.name)) for i in report.scorecard.indicators)
    assert details.column_dimensions["C"].width >= longest + 2


def test_a_workbook_without_details_and_a_large_one(tmp_path):
    card = customer_service_manager()
    results = [card.evaluate(PEOPLE["王芳"], f"agent-{i:04}") for i in range(120)]
    report = Report(card, results)
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx", details=False))
    assert wb.sheetnames == ["Summary"]
    assert wb["Summary"].cell(row=5 + 119, column=1).value == "agent-0119"
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"), read_only=True)
    rows = sum(1 for _ in wb["Indicators"].iter_rows(values_only=True))
    assert rows == 1 + 120 * len(card.indicators)


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


def test_the_form_fits_its_subject_label_and_uses_one_font(tmp_path):
    from csperf.report import write_form_xlsx

    ws = openpyxl.load_workbook(
        write_form_xlsx(customer_service_manager(), tmp_path / "f.xlsx", lang="zh")
    ).active
    assert ws["A3"].value == "被考核人"
    assert ws.column_dimensions["A"].width >= display_width("被考核人") + 2
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {FONT}


def test_the_details_sheet_follows_the_reports_details(monkeypatch):
    import io

    import attrs

    from csperf.errors import ValidationError
    from csperf.report._excel import detailed_rows, xlsx_bytes

    report = population()
    assert detailed_rows(report) == [0, 1, 2, 3]  # auto: everyone up to 10,000
    assert detailed_rows(attrs.evolve(report, details="none")) == []
    top = detailed_rows(attrs.evolve(report, details="top 2"))
    totals = [r.total for r in report.results]
    assert sorted(top) == top and len(top) == 2
    assert min(totals[i] for i in top) >= max(t for i, t in enumerate(totals) if i not in top)
    monkeypatch.setattr("csperf.report._excel.EXCEL_DETAILS_AUTO", 3)
    assert detailed_rows(report) == []  # auto beyond the limit: the summary alone
    assert openpyxl.load_workbook(io.BytesIO(xlsx_bytes(report))).sheetnames == ["Summary"]
    assert detailed_rows(report, True) == [0, 1, 2, 3]
    monkeypatch.setattr("csperf.report._excel.EXCEL_ROWS", 20)
    with pytest.raises(ValidationError, match="more than an Excel sheet holds"):
        detailed_rows(report, True)
