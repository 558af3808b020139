"""Built-in plugin: the report formats table, JSON, CSV, Markdown, HTML and xlsx."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.hooks.hookspecs import hookimpl

if TYPE_CHECKING:
    from csperf.report import ReportFormat

__all__ = ["csperf_report_formats"]


@hookimpl
def csperf_report_formats() -> list[ReportFormat]:
    """The built-in report formats."""
    from csperf.report._write import BUILTIN_FORMATS

    return list(BUILTIN_FORMATS)
