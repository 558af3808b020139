"""The Excel report: a summary sheet and one sheet per subject (needs ``csperf[excel]``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from csperf.errors import CsperfError
from csperf.report._format import band_interval
from csperf.report._table import display_width

if TYPE_CHECKING:
    import os
    from pathlib import Path

    from csperf.report._model import Report

__all__ = ["decimals_format", "load_openpyxl", "sheet_names", "write_xlsx", "xlsx_bytes"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESERVED = ("history",)
MAX_SHEET_NAME = 31
"""Excel's longest sheet name."""


def load_openpyxl() -> Any:
    """Import openpyxl, or explain which extra installs it.

    Raises:
        CsperfError: When openpyxl is not installed.
    """
    try:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise CsperfError(
            msg="Excel output needs openpyxl, which is not installed: pip install 'csperf[excel]'",
            field="format",
            value="xlsx",
        ) from None
    return openpyxl


def sheet_names(names: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    r"""Excel sheet names for ``names``: valid, at most 31 characters, unique.

    The characters ``[ ] : * ? / \`` become ``_``; leading and trailing apostrophes and spaces
    are dropped; an empty name becomes ``_``; a name already used (Excel compares sheet names
    without regard to case, and reserves ``History``) gets a suffix `` (2)``, `` (3)``...

    Args:
        names: The wanted names, in order.
        taken: Names already used in the workbook.

    Examples:
        >>> sheet_names(["a/b", "A/B", "x" * 40])
        ['a_b', 'A_B (2)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    used = {name.casefold() for name in taken} | set(_RESERVED)
    result = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", name).strip(" '")[:MAX_SHEET_NAME].strip(" '") or "_"
        candidate, n = base, 1
        while candidate.casefold() in used:
            n += 1
            suffix = f" ({n})"
            candidate = base[: MAX_SHEET_NAME - len(suffix)].rstrip(" '") + suffix
        used.add(candidate.casefold())
        result.append(candidate)
    return result


def decimals_format(decimals: int) -> str:
    """An Excel number format with ``decimals`` decimals (``0.00``)."""
    return "0." + "0" * decimals if decimals > 0 else "0"


class _Style:
    """The few styles the workbooks share."""

    def __init__(self, openpyxl: Any) -> None:
        styles = openpyxl.styles
        self.title = styles.Font(bold=True, size=14)
        self.bold = styles.Font(bold=True)
        self.muted = styles.Font(color="FF616E7C", size=9)
        self.link = styles.Font(color="FF2F6FB0", underline="single")
        self.head_fill = styles.PatternFill("solid", fgColor="FFE8EDF3")
        self.input_fill = styles.PatternFill("solid", fgColor="FFFFF2CC")
        self.total_fill = styles.PatternFill("solid", fgColor="FFDDEBF7")
        side = styles.Side(style="thin", color="FFBFC7D1")
        self.border = styles.Border(left=side, right=side, top=side, bottom=side)
        self.wrap = styles.Alignment(wrap_text=True, vertical="top")
        self.center = styles.Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.top = styles.Alignment(vertical="top")


def _header(ws: Any, row: int, labels: list[str], style: _Style, column: int = 1) -> None:
    for offset, text in enumerate(labels):
        cell = ws.cell(row=row, column=column + offset, value=text)
        cell.font = style.bold
        cell.fill = style.head_fill
        cell.border = style.border
        cell.alignment = style.center


def _widths(ws: Any, minimum: int = 8, maximum: int = 60) -> None:
    """Fit column widths to their longest cell (display width, so 汉字 count double)."""
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (isinstance(cell.value, str) and cell.value.startswith("=")):
                continue
            text = str(cell.value)
            width = max((display_width(line) for line in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = max(
            minimum, min(maximum, width + 2)
        )


def _put(ws: Any, row: int, column: int, value: Any, style: _Style, fmt: str | None = None) -> Any:
    cell = ws.cell(row=row, column=column, value=value)
    cell.border = style.border
    if fmt is not None:
        cell.number_format = fmt
    return cell


def _summary_sheet(ws: Any, report: Report, names: list[str], style: _Style) -> None:
    from openpyxl.worksheet.hyperlink import (  # type: ignore[import-untyped, unused-ignore]
        Hyperlink,
    )

    card = report.scorecard
    p = card.precision
    lab = report.label
    ws.cell(row=1, column=1, value=report.heading()).font = style.title
    meta = report.field("scorecard", f"{card.key} v{card.version} [{card.fingerprint[:12]}]")
    if report.period is not None:
        meta += " · " + report.field("period", report.period)
    ws.cell(row=2, column=1, value=meta).font = style.muted
    header = [lab("subject"), *[report.text(d.name) for d in card.dimensions]]
    header += [lab("total"), lab("grade")]
    _header(ws, 4, header, style)
    for i, result in enumerate(report.results):
        row = 5 + i
        cell = _put(ws, row, 1, report.subject_name(i), style)
        quoted = names[i].replace("'", "''")
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1")
        cell.font = style.link
        for j, d in enumerate(card.dimensions):
            _put(ws, row, 2 + j, result.dimensions[d.key].points, style, decimals_format(p))
        column = 2 + len(card.dimensions)
        _put(ws, row, column, result.total, style, decimals_format(p)).font = style.bold
        _put(ws, row, column + 1, report.text(result.grade.label), style)
    row = 6 + len(report.results)
    totals = report.totals()
    for key, value in (
        ("count", len(totals)),
        ("mean", report.mean_total()),
        ("min", min(totals)),
        ("max", max(totals)),
    ):
        ws.cell(row=row, column=1, value=lab(key)).font = style.bold
        cell = ws.cell(row=row, column=2, value=value)
        if key != "count":
            cell.number_format = decimals_format(p)
        row += 1
    row += 1
    _header(ws, row, [lab("grade"), lab("interval"), lab("count")], style)
    counts = report.grade_counts()
    scale = card.grade_scale
    for band in scale.bands:
        row += 1
        _put(ws, row, 1, report.text(band.label), style)
        _put(ws, row, 2, band_interval(scale, band), style)
        _put(ws, row, 3, counts[band.key], style)
    if report.notes:
        row += 2
        ws.cell(row=row, column=1, value=lab("notes")).font = style.bold
        for note in report.notes:
            row += 1
            ws.cell(row=row, column=1, value=report.text(note))
    ws.freeze_panes = "B5"
    _widths(ws)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 14)


def _subject_sheet(ws: Any, report: Report, index: int, style: _Style) -> None:
    card = report.scorecard
    result = report.results[index]
    p = card.precision
    lab = report.label
    ws.cell(row=1, column=1, value=report.subject_name(index)).font = style.title
    ws.cell(row=2, column=1, value=lab("total")).font = style.bold
    total = ws.cell(row=2, column=2, value=result.total)
    total.number_format = decimals_format(p)
    total.font = style.bold
    total.fill = style.total_fill
    ws.cell(row=2, column=3, value=lab("grade")).font = style.bold
    grade = ws.cell(row=2, column=4, value=report.text(result.grade.label))
    grade.font = style.bold
    grade.fill = style.total_fill
    row = 4
    _header(ws, row, [lab("dimension"), lab("weight"), lab("points"), lab("contribution")], style)
    for d in card.dimensions:
        row += 1
        dim = result.dimensions[d.key]
        _put(ws, row, 1, report.text(d.name), style)
        _put(ws, row, 2, dim.weight, style, "0.00%")
        _put(ws, row, 3, dim.points, style, decimals_format(p))
        _put(ws, row, 4, dim.contribution, style, decimals_format(p + 2))
    row += 2
    header = [
        lab("indicator"),
        lab("dimension"),
        lab("raw_value"),
        lab("unit"),
        lab("standard"),
        lab("points"),
        lab("weight"),
        lab("contribution"),
    ]
    if report.has_samples:
        header += [lab("sample_size"), lab("flags")]
    _header(ws, row, header, style)
    for ind in card.indicators:
        row += 1
        item = result.indicators[ind.key]
        _put(ws, row, 1, report.text(ind.name), style)
        _put(ws, row, 2, report.text(card.dimension(ind.dimension).name), style)
        missing = report.missing_text(index, ind.key)
        _put(ws, row, 3, missing if item.raw is None else item.raw, style)
        _put(ws, row, 4, ind.unit or None, style)
        _put(ws, row, 5, None if item.standard is None else report.text(item.standard.label), style)
        _put(ws, row, 6, item.points, style, decimals_format(p))
        _put(ws, row, 7, item.weight, style, "0.00%")
        _put(ws, row, 8, item.contribution, style, decimals_format(p + 2))
        if report.has_samples:
            info = report.sample(index, ind.key)
            _put(ws, row, 9, None if info is None else info.sample_size, style)
            _put(ws, row, 10, None if info is None else ", ".join(info.flags) or None, style)
    row = _item_rows(ws, report, index, row, style)
    row += 2
    ws.cell(row=row, column=1, value=lab("explanation")).font = style.bold
    for line in result.explain(report.lang).splitlines():
        row += 1
        ws.cell(row=row, column=1, value=line)
    _widths(ws, maximum=40)


def _item_rows(ws: Any, report: Report, index: int, row: int, style: _Style) -> int:
    """The subject's veto and bonus/deduction lines below the indicators; the last row used."""
    if not report.has_items:
        return row
    lab = report.label
    row += 2
    _header(ws, row, [lab("adjustments"), lab("indicator"), "", lab("applied"), ""], style)
    for line in report.item_lines(index):
        row += 1
        kind = lab("vetoes") if line.kind == "veto" else lab(f"adjustment.{line.kind}")
        for column, value in enumerate((kind, line.name, line.detail, line.value, line.reason)):
            _put(ws, row, column + 1, value or None, style)
    return row


def _workbook(report: Report) -> Any:
    openpyxl = load_openpyxl()
    style = _Style(openpyxl)
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = sheet_names([report.label("summary")])[0]
    names = sheet_names(
        [report.subject_name(i) for i in range(len(report.results))], taken=[summary.title]
    )
    _summary_sheet(summary, report, names, style)
    for i, name in enumerate(names):
        _subject_sheet(wb.create_sheet(name), report, i, style)
    wb.properties.title = report.heading()
    wb.properties.creator = "csperf"
    return wb


def write_xlsx(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report as an Excel workbook, atomically.

    The first sheet (*Summary* / *汇总*) holds one row per subject (subject, each dimension's
    points, total, grade; the subject links to its sheet), the population statistics, the
    number of subjects per grade and the notes. Then one sheet per subject, named after it
    (made valid and unique by :func:`sheet_names`): the total and grade, the dimension table,
    the indicator table (raw value, unit, standard, points, weight, contribution, and sample
    size and flags when known) and the explanation of the total. Numbers are stored as numbers,
    formatted to the scorecard's precision.

    Args:
        report: The :class:`~csperf.report.Report`.
        path: The ``.xlsx`` file to write; a failure leaves no partial file behind.

    Returns:
        The path written.

    Raises:
        CsperfError: When openpyxl (the ``csperf[excel]`` extra) is not installed.
    """
    from csperf._io import atomic_write_bytes

    return atomic_write_bytes(path, xlsx_bytes(report))


def xlsx_bytes(report: Report) -> bytes:
    """The Excel report of :func:`write_xlsx`, as the bytes of an ``.xlsx`` file."""
    import io

    buffer = io.BytesIO()
    _workbook(report).save(buffer)
    return buffer.getvalue()
