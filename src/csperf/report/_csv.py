"""The CSV report: one row per subject, with stable column names."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from csperf._escape import spreadsheet_text
from csperf.scorecard import MissingPolicy

if TYPE_CHECKING:
    from csperf.report._model import Report

__all__ = ["csv_columns", "render_csv"]


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def csv_columns(report: Report) -> list[str]:
    """The column names of :func:`render_csv`, in order."""
    card = report.scorecard
    columns = ["subject", "total", "unrounded_total", "grade", "grade_label"]
    columns += [f"dimension.{d.key}" for d in card.dimensions]
    for ind in card.indicators:
        columns += [f"raw.{ind.key}", f"points.{ind.key}"]
    return columns


def render_csv(report: Report) -> str:
    r"""The report as CSV: a header row, then one row per subject.

    Column names are stable keys, the same in every language, so that programs can read the
    file back: ``subject``, ``total``, ``unrounded_total``, ``grade`` (the band key),
    ``grade_label`` (the band's label in the report's language), ``dimension.<key>`` (each
    dimension's points), then ``raw.<key>`` and ``points.<key>`` for each indicator. Numbers
    are written in full (``repr``) so they read back as the same floats. A text cell that a
    spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return: a subject named ``=HYPERLINK(…)``) starts with ``'``, as OWASP advises
    against CSV injection (:doc:`/explanation/security`). A raw value withheld
    for anonymity (a rated indicator without enough raters, :meth:`Report.withheld
    <csperf.report.Report.withheld>`) reads ``too few raters`` (评分人数不足 in Chinese), never
    a number. Empty cells: a truly missing raw value; the points of a missing value that
    ``MissingPolicy.REDISTRIBUTE`` left unscored (under ``MissingPolicy.ZERO`` they are 0); the
    points of a dimension emptied that way.

    Args:
        report: The :class:`~csperf.report.Report`.

    Returns:
        The CSV text (RFC 4180: lines end in ``\r\n``; a field holding a comma, a quote or
        a line break is quoted).
    """
    card = report.scorecard
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(report))
    for i, result in enumerate(report.results):
        row = [
            "" if result.subject is None else spreadsheet_text(report.subject_name(i)),
            _number(result.total),
            _number(result.unrounded_total),
            result.grade.key,
            spreadsheet_text(report.text(result.grade.label)),
        ]
        row += [_number(result.dimensions[d.key].points) for d in card.dimensions]
        for ind in card.indicators:
            item = result.indicators[ind.key]
            unscored = item.missing and card.missing is MissingPolicy.REDISTRIBUTE
            raw = report.label("too_few_raters") if report.withheld(i, ind.key) else None
            raw = None if raw is None else spreadsheet_text(raw)
            row += [raw or _number(item.raw), "" if unscored else _number(item.points)]
        writer.writerow(row)
    return buffer.getvalue()
