"""The Excel report: a summary sheet and a long-format details sheet (needs ``csperf[excel]``)."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from csperf._escape import FORMULA_STARTS, xml_text
from csperf.errors import CsperfError
from csperf.report._format import band_interval
from csperf.report._table import display_width

if TYPE_CHECKING:
    import os
    from pathlib import Path

    from csperf.report._model import Report

__all__ = [
    "DURATION_FORMAT",
    "FONT",
    "FORMULA_STARTS",
    "UnitFormat",
    "as_text",
    "cell_value",
    "decimals_format",
    "detailed_rows",
    "details_columns",
    "load_openpyxl",
    "sheet_names",
    "unit_format",
    "write_xlsx",
    "xlsx_bytes",
]

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


FONT = "Calibri"
"""The one font family of every workbook csperf writes (Excel's default; 汉字 fall back to the
system's East Asian font, the same in every cell)."""


class _Style:
    """The few styles the workbooks share, all in the font :data:`FONT`."""

    def __init__(self, openpyxl: Any) -> None:
        styles = openpyxl.styles
        self.normal = styles.Font(name=FONT, size=11)
        self.title = styles.Font(name=FONT, bold=True, size=14)
        self.bold = styles.Font(name=FONT, bold=True, size=11)
        self.muted = styles.Font(name=FONT, color="FF616E7C", size=9)
        self.link = styles.Font(name=FONT, color="FF2F6FB0", underline="single", size=11)
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
        cell = ws.cell(row=row, column=column + offset, value=cell_value(text))
        cell.font = style.bold
        cell.fill = style.head_fill
        cell.border = style.border
        cell.alignment = style.center


# -- number formats by unit ------------------------------------------------------------------

_SECONDS = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}
_RATING = re.compile(r"(?:rating|scale|score)\s+(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)")
DURATION_FORMAT = "[h]:mm:ss"
"""The Excel format of a duration (a number of days): ``2:51:23`` for 10,282.8 s."""


@attrs.frozen
class UnitFormat:
    """How the Excel report writes the raw values of one unit.

    Attributes:
        number_format: The Excel number format (``0.0%``, ``[h]:mm:ss``, ``0.0" / 5"``...).
        scale: The factor the raw value is multiplied by before it is written: ``1 / 86400``
            per second for a duration, which Excel counts in days; 1 otherwise.
        unit: What the unit column shows (``%``, ``h:mm:ss``, or the unit as written).
    """

    number_format: str
    scale: float = 1.0
    unit: str = ""


def unit_format(unit: str, bounds: Iterable[float] = ()) -> UnitFormat:
    """The Excel format of raw values in ``unit`` (case and spaces do not matter).

    ``fraction`` is a percentage with one decimal, or two when a bound of the indicator's
    standards needs them (a band edge at 0.25 % is shown as 0.25 %); a duration (``s``, ``ms``,
    ``min``, ``h``, ``d`` and their long names) becomes an Excel duration in days shown as
    ``[h]:mm:ss``; ``points``, ``%`` and ``percent`` have one decimal; a rating scale
    (``rating 1-5``) shows its top (``4.0 / 5``); ``count`` is a whole number; any other unit
    is written as it is (Excel's ``General``).

    Args:
        unit: The indicator's unit.
        bounds: The finite bounds of the indicator's standards, in the unit.

    Examples:
        >>> unit_format("fraction", [0.9, 0.8])
        UnitFormat(number_format='0.0%', scale=1.0, unit='%')
        >>> unit_format("fraction", [0.0025]).number_format
        '0.00%'
        >>> f = unit_format("s")
        >>> f.number_format, f.scale == 1 / 86400  # seconds as a fraction of a day
        ('[h]:mm:ss', True)
        >>> unit_format("rating 1-5").number_format
        '0.0" / 5"'
    """
    name = unit.strip().lower()
    if name == "fraction":
        fine = any(math.isfinite(b) and round(b * 1000, 9) != round(b * 1000) for b in bounds)
        return UnitFormat("0.00%" if fine else "0.0%", unit="%")
    if name in _SECONDS:
        return UnitFormat(DURATION_FORMAT, _SECONDS[name] / 86400, "h:mm:ss")
    if name in ("points", "%", "percent"):
        return UnitFormat("0.0", unit=unit)
    if name == "count":
        return UnitFormat("0", unit=unit)
    scale = _RATING.fullmatch(name)
    if scale is not None:
        return UnitFormat(f'0.0" / {scale.group(2)}"', unit=unit)
    return UnitFormat("General", unit=unit)


def _indicator_formats(report: Report) -> dict[str, UnitFormat]:
    formats = {}
    for ind in report.scorecard.indicators:
        scale = ind.standards
        bounds = [] if scale is None else [x for b in scale.bands for x in (b.lower, b.upper)]
        formats[ind.key] = unit_format(ind.unit or "", bounds)
    return formats


# -- writing ---------------------------------------------------------------------------------


class _Sheet:
    """A write-only sheet: rows appended in order, styles through shared cell prototypes."""

    def __init__(self, ws: Any, style: _Style) -> None:
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]

        self.ws = ws
        self.style = style
        self.rows = 0
        self._cell = WriteOnlyCell

    def cell(
        self,
        value: Any,
        *,
        fmt: str | None = None,
        font: Any = None,
        fill: Any = None,
        border: bool = False,
        align: Any = None,
    ) -> Any:
        cell = as_text(self._cell(self.ws, value=cell_value(value)))
        if font is not None:  # else the workbook's default font, which is FONT
            cell.font = font
        if fmt is not None:
            cell.number_format = fmt
        if fill is not None:
            cell.fill = fill
        if border:
            cell.border = self.style.border
        if align is not None:
            cell.alignment = align
        return cell

    def append(self, values: list[Any]) -> None:
        texts = [
            self.cell(v) if isinstance(v, str) and v.startswith(FORMULA_STARTS) else cell_value(v)
            for v in values
        ]
        self.ws.append(texts)
        self.rows += 1

    def header(self, labels: list[str]) -> None:
        s = self.style
        self.append(
            [
                self.cell(t, font=s.bold, fill=s.head_fill, border=True, align=s.center)
                for t in labels
            ]
        )


def _widths(ws: Any, columns: Sequence[Iterable[str]], minimum: int = 8, maximum: int = 50) -> None:
    """Column widths fitting their texts (display width, so 汉字 count double), set up front."""
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

    for number, texts in enumerate(columns, start=1):
        width = max((display_width(t) for t in texts), default=0)
        ws.column_dimensions[get_column_letter(number)].width = max(
            minimum, min(maximum, width + 3)
        )


def _fit_widths(ws: Any, minimum: int = 8, maximum: int = 50) -> None:
    """Fit the columns of a sheet written cell by cell to their longest text (formulas left out)."""
    columns: dict[int, list[str]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (isinstance(cell.value, str) and cell.value.startswith("=")):
                continue
            columns.setdefault(cell.column, []).extend(str(cell.value).splitlines())
    texts = [columns.get(i, []) for i in range(1, max(columns, default=0) + 1)]
    _widths(ws, texts, minimum, maximum)


def cell_value(value: Any) -> Any:
    """A value as a workbook cell can hold it: text through :func:`csperf._escape.xml_text`.

    openpyxl refuses control characters (``IllegalCharacterError``) and writes U+FFFE or a
    lone surrogate into a file no program reopens; such characters are shown visibly instead.
    """
    return xml_text(value) if isinstance(value, str) else value


def as_text(cell: Any) -> Any:
    """Keep a text cell text: never a formula, in the file or when a user edits the cell.

    A string starting with one of :data:`FORMULA_STARTS` (a subject named ``=HYPERLINK(…)``,
    ``+86 …`` or ``@team``) would become a formula: openpyxl stores a string starting with
    ``=`` as one, and Excel reads ``+``, ``-`` and ``@`` as a formula when the cell is edited.
    Such a cell is stored as a string with Excel's quote prefix (the ``'`` Excel shows for a
    cell typed as text); its value stays exactly the text. Other cells are left as they are.

    Returns:
        The cell.
    """
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _put(ws: Any, row: int, column: int, value: Any, style: _Style, fmt: str | None = None) -> Any:
    """Write one bordered cell of a sheet written cell by cell (not a write-only sheet)."""
    cell = as_text(ws.cell(row=row, column=column, value=cell_value(value)))
    cell.border = style.border
    if fmt is not None:
        cell.number_format = fmt
    return cell


def _print_setup(ws: Any, header_row: int) -> None:
    """Landscape, fitted to one page wide, the header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _summary_sheet(sheet: _Sheet, report: Report) -> None:
    card = report.scorecard
    p = decimals_format(card.precision)
    lab = report.label
    s = sheet.style
    dims = [report.text(d.name) for d in card.dimensions]
    header = [lab("subject"), *dims, lab("total"), lab("grade")]
    scale = card.grade_scale
    grades = [report.text(b.label) for b in scale.bands]
    names = [report.subject_name(i) for i in range(len(report.results))]
    first_column = [*names, *grades, header[0], lab("grade")]
    first_column += [lab(k) for k in ("count", "mean", "min", "max")]
    intervals = [band_interval(scale, b) for b in scale.bands]
    _widths(
        sheet.ws,
        [first_column, [dims[0] if dims else "", lab("interval"), *intervals]]
        + [[t] for t in header[2:-1]]
        + [[header[-1], *grades]],
    )
    _print_setup(sheet.ws, 4)
    sheet.ws.freeze_panes = "B5"
    sheet.append([sheet.cell(report.heading(), font=s.title)])
    meta = report.field("scorecard", f"{card.key} v{card.version} [{card.fingerprint[:12]}]")
    if report.period is not None:
        meta += " · " + report.field("period", report.period)
    sheet.append([sheet.cell(meta, font=s.muted)])
    sheet.append([])
    sheet.header(header)
    for i, result in enumerate(report.results):
        row = [sheet.cell(names[i], border=True)]
        row += [
            sheet.cell(result.dimensions[d.key].points, fmt=p, border=True) for d in card.dimensions
        ]
        row.append(sheet.cell(result.total, fmt=p, font=s.bold, border=True))
        row.append(sheet.cell(report.text(result.grade.label), border=True))
        sheet.append(row)
    sheet.append([])
    totals = report.totals()
    for key, value in (
        ("count", len(totals)),
        ("mean", report.mean_total()),
        ("min", min(totals)),
        ("max", max(totals)),
    ):
        fmt = None if key == "count" else p
        sheet.append([sheet.cell(lab(key), font=s.bold), sheet.cell(value, fmt=fmt)])
    sheet.append([])
    sheet.header([lab("grade"), lab("interval"), lab("count")])
    counts = report.grade_counts()
    for band, name, interval in zip(scale.bands, grades, intervals):
        sheet.append(
            [
                sheet.cell(name, border=True),
                sheet.cell(interval, border=True),
                sheet.cell(counts[band.key], border=True),
            ]
        )
    if report.notes:
        sheet.append([])
        sheet.append([sheet.cell(lab("notes"), font=s.bold)])
        for note in report.notes:
            sheet.append([sheet.cell(report.text(note))])


def details_columns(report: Report) -> list[str]:
    """The label keys of the details sheet's columns, in order."""
    columns = ["subject", "dimension", "indicator", "raw_value", "unit", "standard"]
    columns += ["points", "weight", "contribution"]
    if report.has_samples:
        columns += ["sample_size", "flags"]
    return columns


def _details_sheet(sheet: _Sheet, report: Report, chosen: Sequence[int]) -> None:
    card = report.scorecard
    p = decimals_format(card.precision)
    contribution = decimals_format(card.precision + 2)
    lab = report.label
    formats = _indicator_formats(report)
    columns = details_columns(report)
    header = [lab(c) for c in columns]
    names = [report.subject_name(i) for i in range(len(report.results))]
    dim_names = {d.key: report.text(d.name) for d in card.dimensions}
    ind_names = {i.key: report.text(i.name) for i in card.indicators}
    standards = [
        report.text(b.label)
        for i in card.indicators
        if i.standards is not None
        for b in i.standards.bands
    ]
    texts: list[Iterable[str]] = [
        [header[0], *names],
        [header[1], *dim_names.values()],
        [header[2], *ind_names.values()],
        [header[3], "00:00:00.0"],
        [header[4], *(f.unit for f in formats.values())],
        [header[5], *standards],
        *([h] for h in header[6:]),
    ]
    _widths(sheet.ws, texts)
    _print_setup(sheet.ws, 1)
    sheet.ws.freeze_panes = "B2"
    sheet.header(header)
    for index in chosen:
        result = report.results[index]
        name = names[index]
        for ind in card.indicators:
            item = result.indicators[ind.key]
            unit = formats[ind.key]
            raw = (
                sheet.cell(report.missing_text(index, ind.key))
                if item.raw is None
                else sheet.cell(item.raw * unit.scale, fmt=unit.number_format)
            )
            row = [
                name,
                dim_names[ind.dimension],
                ind_names[ind.key],
                raw,
                unit.unit or None,
                None if item.standard is None else report.text(item.standard.label),
                sheet.cell(item.points, fmt=p),
                sheet.cell(item.weight, fmt="0.0%"),
                sheet.cell(item.contribution, fmt=contribution),
            ]
            if report.has_samples:
                info = report.sample(index, ind.key)
                row.append(None if info is None else info.sample_size)
                row.append(None if info is None else ", ".join(info.flags) or None)
            sheet.append(row)
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

    last = f"{get_column_letter(len(header))}{sheet.rows}"
    sheet.ws.auto_filter.ref = f"A1:{last}"


def items_columns() -> list[str]:
    """The label keys of the items sheet's columns, in order."""
    return ["subject", "adjustments", "indicator", "raw_value", "applied", "reason"]


def _items_sheet(sheet: _Sheet, report: Report) -> None:
    """One row per subject and veto or bonus/deduction item: kind, item, detail, applied, reason."""
    lab = report.label
    header = [lab(c) for c in items_columns()]
    rows = []
    for index in range(len(report.results)):
        name = report.subject_name(index)
        for line in report.item_lines(index):
            kind = lab("vetoes") if line.kind == "veto" else lab(f"adjustment.{line.kind}")
            rows.append([name, kind, line.name, line.detail, line.value, line.reason or None])
    _widths(sheet.ws, [[h, *(str(r[j] or "") for r in rows)] for j, h in enumerate(header)])
    _print_setup(sheet.ws, 1)
    sheet.ws.freeze_panes = "B2"
    sheet.header(header)
    for row in rows:
        sheet.append(row)


def _discard(wb: Any) -> None:
    """Close a write-only workbook's sheets and remove the temporary files they stream to."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()
        writer = getattr(ws, "_writer", None)  # openpyxl's WorksheetWriter, if rows were written
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


EXCEL_DETAILS_AUTO = 10_000
"""With ``details="auto"``, the most subjects whose indicators the details sheet lists."""

EXCEL_ROWS = 1_048_576
"""The rows of an Excel sheet."""


def detailed_rows(report: Report, details: bool | None = None) -> list[int]:
    """The subjects (indices, in input order) whose indicators the details sheet lists.

    ``details=True`` lists every subject, ``False`` none; None follows the report's
    :attr:`~csperf.report.Report.details`: ``"all"``, ``"none"``, ``N`` / ``"top N"`` (the N
    highest totals) as in HTML, and ``"auto"`` every subject up to
    :data:`EXCEL_DETAILS_AUTO` (10,000; a sheet row per subject and indicator is cheap, unlike
    an HTML section), none beyond.

    Raises:
        ValidationError: When the rows would not fit in an Excel sheet (1,048,576 rows).
    """
    from csperf.errors import ValidationError

    n = len(report.results)
    if details is not None:
        chosen = list(range(n)) if details else []
    elif report.details == "auto":
        chosen = list(range(n)) if n <= EXCEL_DETAILS_AUTO else []
    else:
        chosen = list(report.detailed())
    rows = len(chosen) * len(report.scorecard.indicators) + 1
    if rows > EXCEL_ROWS:
        raise ValidationError(
            msg=f"the details sheet would need {rows:,} rows, more than an Excel sheet holds "
            f"({EXCEL_ROWS:,}): choose fewer subjects (details='top N') or write CSV, JSON or "
            "Arrow for the per-indicator data",
            obj="Excel report",
            field="details",
            value=len(chosen),
        )
    return chosen


def _workbook(report: Report, *, details: bool | None) -> Any:
    chosen = detailed_rows(report, details)
    openpyxl = load_openpyxl()
    style = _Style(openpyxl)
    wb = openpyxl.Workbook(write_only=True)
    items = bool(chosen) and report.has_items
    titles = [report.label("summary")] + ([report.label("indicators")] if chosen else [])
    titles += [report.label("adjustments")] if items else []
    names = sheet_names(titles)
    try:
        _summary_sheet(_Sheet(wb.create_sheet(names[0]), style), report)
        if chosen:
            _details_sheet(_Sheet(wb.create_sheet(names[1]), style), report, chosen)
        if items:
            _items_sheet(_Sheet(wb.create_sheet(names[2]), style), report)
    except BaseException:
        _discard(wb)
        raise
    wb.properties.title = report.heading()
    wb.properties.creator = "csperf"
    return wb


def write_xlsx(
    report: Report, path: str | os.PathLike[str], *, details: bool | None = None
) -> Path:
    """Write the report as an Excel workbook, atomically, streaming its rows.

    Two sheets. *Summary* (*汇总*): one row per subject in the report's order (subject, each
    dimension's points, total, grade), then the population statistics, the number of subjects
    per grade and the notes. *Indicators* (*指标明细*), in long format for filters and pivot
    tables: one row per subject and indicator (subject, dimension, indicator, raw value, unit,
    standard, points, weight, contribution, and sample size and flags when known), for the
    subjects :func:`detailed_rows` picks. A card with veto or bonus/deduction items adds a third
    sheet, one row per subject and item (its kind, name, how it was reached, the points applied
    or the veto's effect, and its reason).

    Numbers are stored as numbers, formatted for reading: points and totals to the
    scorecard's precision, weights as percentages, raw values by unit (:func:`unit_format`:
    fractions as percentages, durations as Excel durations ``[h]:mm:ss``, ratings as
    ``4.0 / 5``). Every cell is in one font (:data:`FONT`); column widths fit the labels of
    either language (汉字 count double); each sheet prints landscape, one page wide, with its
    header row repeated on every page. Rows are streamed (openpyxl's write-only mode) to the
    file, so memory does not grow with the rows written.

    Args:
        report: The :class:`~csperf.report.Report`.
        path: The ``.xlsx`` file to write; a failure leaves no partial file behind.
        details: True to list every subject in the *Indicators* sheet, False for none (the
            summary only); None (the default) follows the report's ``details``: every subject
            up to 10,000 under ``"auto"``, none beyond (100,000 subjects × 8 indicators would
            be 800,000 rows, near Excel's limit of 1,048,576 and several times slower to
            write; CSV, JSON and Arrow hold the per-indicator data of any population), and
            ``"all"``, ``"none"`` or ``"top N"`` as in HTML (:func:`detailed_rows`).

    Returns:
        The path written.

    Raises:
        CsperfError: When openpyxl (the ``csperf[excel]`` extra) is not installed.
        ValidationError: When the details sheet would exceed Excel's 1,048,576 rows.
    """
    from csperf._io import atomic_write

    workbook = _workbook(report, details=details)
    return atomic_write(path, lambda tmp: workbook.save(tmp))


def xlsx_bytes(report: Report, *, details: bool | None = None) -> bytes:
    """The Excel report of :func:`write_xlsx`, as the bytes of an ``.xlsx`` file."""
    import io

    buffer = io.BytesIO()
    _workbook(report, details=details).save(buffer)
    return buffer.getvalue()
