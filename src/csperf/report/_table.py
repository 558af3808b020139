"""The terminal table: one line per subject, aligned for Chinese as well as Latin text."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from csperf.report._format import fixed, one_line

if TYPE_CHECKING:
    from csperf.report._model import Report

__all__ = ["display_width", "pad", "render_table"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal.

    Wide and full-width characters (``unicodedata.east_asian_width`` ``W`` or ``F``, such as
    汉字) take two columns, combining marks none, every other character one.

    Examples:
        >>> display_width("服务质量"), display_width("Total")
        (8, 5)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` display columns (see :func:`display_width`)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def render_table(report: Report) -> str:
    """The report as a plain-text table for a terminal.

    One line per subject: the subject, each dimension's points, the total and the grade, in
    the report's language, with columns aligned by display width (汉字 and other wide
    characters take two columns, combining marks none).
    Above the table: the title, the scorecard and the period; below it: the number of subjects,
    the mean total and the notes.

    Args:
        report: The :class:`~csperf.report.Report`.

    Returns:
        The table, ending with a newline.
    """
    card = report.scorecard
    p = card.precision
    header = [report.label("subject")]
    header += [report.text(d.name) for d in card.dimensions]
    header += [report.label("total"), report.label("grade")]
    rows = []
    for i, result in enumerate(report.results):
        row = [report.subject_name(i)]
        row += [fixed(result.dimensions[d.key].points, p) for d in card.dimensions]
        row += [fixed(result.total, p), report.text(result.grade.label)]
        rows.append(row)
    numeric = [False] + [True] * (len(header) - 2) + [False]

    header = [one_line(cell) for cell in header]
    rows = [[one_line(cell) for cell in row] for row in rows]
    widths = [max(display_width(r[c]) for r in [header, *rows]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            pad(cell, widths[c], right=numeric[c]) for c, cell in enumerate(cells)
        ).rstrip()

    meta = report.field("scorecard", f"{card.key} v{card.version}")
    if report.period is not None:
        meta += " · " + report.field("period", report.period)
    out = [one_line(report.heading()), one_line(meta), ""]
    out += [line(header), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    out += [
        "",
        report.field("count", len(report.results))
        + " · "
        + report.field("mean", fixed(report.mean_total(), p)),
    ]
    out += [one_line(report.text(note)) for note in report.notes]
    return "\n".join(out) + "\n"
