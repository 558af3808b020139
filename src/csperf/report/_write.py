"""Report formats: what a format is, the built-in ones, rendering by name, atomic writing.

Which formats exist is not decided here: every plugin offers its :class:`ReportFormat` objects
through the ``csperf_report_formats`` hook, the built-in ones (:data:`BUILTIN_FORMATS`, offered
by ``csperf.plugins.reports``) exactly like a third-party plugin's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from csperf.errors import UnknownNameError, ValidationError
from csperf.report._csv import render_csv
from csperf.report._html import render_html
from csperf.report._json import render_json
from csperf.report._markdown import render_markdown
from csperf.report._table import render_table

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable
    from pathlib import Path

    from csperf.hooks.manager import PluginManager
    from csperf.report._model import Report

__all__ = ["BUILTIN_FORMATS", "ReportFormat", "render", "write_report"]

_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
_SUFFIX = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def _check_name(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValidationError(
            msg=f"field 'name' must match [a-z][a-z0-9_-]*, got {value!r}",
            obj="ReportFormat",
            field="name",
            value=value,
        )


def _check_suffixes(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    bad = [s for s in value if not isinstance(s, str) or not _SUFFIX.match(s)]
    if not value or bad:
        raise ValidationError(
            msg=f"field 'suffixes' must hold file suffixes such as '.html', got {value!r}",
            obj=f"ReportFormat {instance.name!r}",
            field="suffixes",
            value=value,
        )


def _check_render(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not callable(value):
        raise ValidationError(
            msg="field 'render' must be callable",
            obj=f"ReportFormat {instance.name!r}",
            field="render",
            value=value,
        )


def _suffixes(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class ReportFormat:
    """A report format: a name, the file suffixes it is written to, and its renderer.

    Plugins offer formats through the ``csperf_report_formats`` hook; ``csperf score --format
    NAME``, :func:`render` and :func:`write_report` then accept the name. A renderer reads the
    :class:`~csperf.report.Report` only (results, scorecard, labels), never raw data.

    Attributes:
        name: The name users type (``"html"``), ``[a-z][a-z0-9_-]*``.
        suffixes: The file suffixes of the format, the usual one first (``(".html", ".htm")``).
        render: ``render(report) -> str`` for a text format (written as UTF-8) or ``-> bytes``
            for a binary one.
        summary: One line saying what the format is.
        binary: Whether ``render`` returns bytes (such a format is written to a file only:
            :func:`render` refuses it).
        bom: Whether a file of this text format starts with a UTF-8 byte-order mark (the
            ``csv`` format's does, so that Excel on Windows reads Chinese names as UTF-8
            rather than in the system's code page). :func:`render` never adds it.

    Examples:
        >>> fmt = ReportFormat("shout", ".txt", lambda report: "HELLO", summary="Loud text")
        >>> fmt.suffixes, fmt.binary
        (('.txt',), False)
    """

    name: str = attrs.field(validator=_check_name)
    suffixes: tuple[str, ...] = attrs.field(converter=_suffixes, validator=_check_suffixes)
    render: Callable[[Report], str | bytes] = attrs.field(validator=_check_render)
    summary: str = ""
    binary: bool = False
    bom: bool = False


def _xlsx(report: Report) -> bytes:
    from csperf.report._excel import xlsx_bytes

    return xlsx_bytes(report)


BUILTIN_FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("table", ".txt", render_table, summary="A plain-text table for a terminal"),
    ReportFormat("json", ".json", render_json, summary="JSON following the published schema"),
    ReportFormat("csv", ".csv", render_csv, summary="One row per subject", bom=True),
    ReportFormat("markdown", (".md", ".markdown"), render_markdown, summary="Markdown tables"),
    ReportFormat("html", (".html", ".htm"), render_html, summary="A self-contained web page"),
    ReportFormat("xlsx", ".xlsx", _xlsx, summary="An Excel workbook", binary=True),
)
"""The formats csperf ships, offered by the built-in plugin ``csperf.plugins.reports``."""


def _manager(plugins: PluginManager | None) -> PluginManager:
    if plugins is not None:
        return plugins
    from csperf.hooks.manager import get_plugin_manager

    return get_plugin_manager()


def render(report: Report, format: str, *, plugins: PluginManager | None = None) -> str:
    """The report as text in a text format (any format whose ``binary`` is false).

    Args:
        report: The :class:`~csperf.report.Report`.
        format: The name of a report format (:meth:`csperf.PluginManager.report_formats`).
        plugins: The plugin manager that offers the format (a fresh one from
            :func:`csperf.get_plugin_manager` by default).

    Raises:
        UnknownNameError: For an unknown format, or a binary one such as ``xlsx`` (write it
            with :func:`write_report`).
    """
    plugins = _manager(plugins)
    found = plugins.report_format(format)
    if found.binary:
        text = [f.name for f in plugins.report_formats().values() if not f.binary]
        raise UnknownNameError(
            "format",
            format,
            sorted(text),
            msg=f"report format {format!r} is not text; write it with write_report",
            field="format",
        )
    return _text(found, found.render(report))


def _text(found: ReportFormat, rendered: str | bytes) -> str:
    if not isinstance(rendered, str):
        raise ValidationError(
            msg=f"render returned {type(rendered).__name__}, "
            "expected str (set binary=True for a binary format)",
            obj=f"report format {found.name!r}",
            field="render",
            value=type(rendered).__name__,
        )
    return rendered


def write_report(
    report: Report,
    path: str | os.PathLike[str],
    format: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    plugins: PluginManager | None = None,
) -> Path:
    """Render the report in ``format`` and write it to ``path`` atomically.

    The whole report is rendered first and then written to a temporary file that replaces
    ``path`` in one step, so a failure (in rendering or in writing) leaves no partial file
    behind and an existing ``path`` untouched. Text formats are written as UTF-8, with a
    byte-order mark for a format whose :attr:`~ReportFormat.bom` is set (CSV).

    Args:
        report: The :class:`~csperf.report.Report`.
        path: The file to write.
        format: The name of a report format (:meth:`csperf.PluginManager.report_formats`).
        inputs: The files the report was computed from; writing over one of them is refused.
        plugins: The plugin manager that offers the format (a fresh one from
            :func:`csperf.get_plugin_manager` by default).

    Returns:
        The path written.

    Raises:
        UnknownNameError: For an unknown format.
        ConfigError: When ``path`` is one of ``inputs``.
        CsperfError: For ``xlsx`` when openpyxl (``csperf[excel]``) is not installed.
    """
    from csperf._io import atomic_write_bytes, atomic_write_text, check_not_input

    found = _manager(plugins).report_format(format)
    check_not_input(path, inputs)
    if found.render is _xlsx:  # the built-in Excel report streams its rows to the file
        from csperf.report._excel import write_xlsx

        return write_xlsx(report, path)
    rendered = found.render(report)
    if found.binary:
        if not isinstance(rendered, bytes):
            raise ValidationError(
                msg=f"render returned {type(rendered).__name__}, expected bytes (binary=True)",
                obj=f"report format {found.name!r}",
                field="render",
                value=type(rendered).__name__,
            )
        return atomic_write_bytes(path, rendered)
    text = _text(found, rendered)
    if found.bom:
        return atomic_write_bytes(path, ("\ufeff" + text).encode("utf-8"))
    return atomic_write_text(path, text)
