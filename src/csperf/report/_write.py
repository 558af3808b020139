"""Choosing a format by name and writing it to a file atomically."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.errors import UnknownNameError
from csperf.report._csv import render_csv
from csperf.report._html import render_html
from csperf.report._json import render_json
from csperf.report._markdown import render_markdown
from csperf.report._table import render_table

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from csperf.report._model import Report

__all__ = ["FORMATS", "render", "write_report"]

_TEXT: dict[str, Callable[[Report], str]] = {
    "csv": render_csv,
    "html": render_html,
    "json": render_json,
    "markdown": render_markdown,
    "table": render_table,
}

FORMATS: tuple[str, ...] = ("csv", "html", "json", "markdown", "table", "xlsx")
"""The names :func:`write_report` accepts (the CLI's ``--format``)."""


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise UnknownNameError(
            f"unknown report format {format!r} (formats: {', '.join(FORMATS)})",
            obj="report",
            field="format",
            value=format,
            available=list(FORMATS),
        )


def render(report: Report, format: str) -> str:
    """The report as text in a text format (every format of :data:`FORMATS` but ``xlsx``).

    Raises:
        UnknownNameError: For an unknown format, or ``xlsx`` (a binary format: use
            :func:`write_report`).
    """
    _check_format(format)
    if format not in _TEXT:
        raise UnknownNameError(
            f"report format {format!r} is not text; write it with write_report",
            obj="report",
            field="format",
            value=format,
            available=sorted(_TEXT),
        )
    return _TEXT[format](report)


def write_report(
    report: Report,
    path: str | os.PathLike[str],
    format: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Render the report in ``format`` and write it to ``path`` atomically.

    The whole report is rendered first and then written to a temporary file that replaces
    ``path`` in one step, so a failure (in rendering or in writing) leaves no partial file
    behind and an existing ``path`` untouched. Text formats are written as UTF-8.

    Args:
        report: The :class:`~csperf.report.Report`.
        path: The file to write.
        format: One of :data:`FORMATS`.
        inputs: The files the report was computed from; writing over one of them is refused.

    Returns:
        The path written.

    Raises:
        UnknownNameError: For an unknown format.
        ConfigError: When ``path`` is one of ``inputs``.
        CsperfError: For ``xlsx`` when openpyxl (``csperf[excel]``) is not installed.
    """
    from csperf._io import atomic_write_bytes, atomic_write_text, check_not_input

    _check_format(format)
    check_not_input(path, inputs)
    if format == "xlsx":
        from csperf.report._excel import xlsx_bytes

        return atomic_write_bytes(path, xlsx_bytes(report))
    return atomic_write_text(path, _TEXT[format](report))
