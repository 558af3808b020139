"""Reports people read: terminal table, JSON, CSV, Markdown, HTML, Excel, and the blank form.

Every renderer takes a :class:`Report` (a scorecard and the results of the subjects appraised
on it) and reads nothing else: renderers hold no scoring logic. :func:`write_report` writes any
format, Excel's ``xlsx`` too, to a file atomically; :func:`write_form_xlsx` writes the blank
appraisal form of a scorecard, with live Excel formulas.

Examples:
    >>> from csperf.report import Report, render_table
    >>> from csperf.templates import customer_service_manager
    >>> card = customer_service_manager()
    >>> values = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
    ...           "first_response_time": 45, "resolution_time": 20000,
    ...           "product_knowledge": 88, "script_compliance": 0.93,
    ...           "collaboration_rating": 4.2, "information_sharing_rate": 0.97}
    >>> report = Report(card, [card.evaluate(values, "li_wei")])
    >>> print(render_table(report).splitlines()[3])
    Subject  Service quality  Efficiency  Capability  Teamwork  Total  Grade
"""

from __future__ import annotations

from csperf._labels import LANGUAGES
from csperf.report._agreement import render_agreement_html, write_agreement_xlsx
from csperf.report._calibration import (
    render_calibration,
    render_whatif,
    write_calibration,
    write_whatif,
)
from csperf.report._csv import render_csv
from csperf.report._form import write_form_xlsx
from csperf.report._html import render_html
from csperf.report._json import SCHEMA, json_schema, render_json, report_data
from csperf.report._markdown import render_markdown
from csperf.report._model import ItemLine, Report, SampleInfo, read_samples
from csperf.report._review import render_review_html, write_review_xlsx
from csperf.report._table import render_table
from csperf.report._write import ReportFormat, render, write_report

__all__ = [
    "LANGUAGES",
    "SCHEMA",
    "ItemLine",
    "Report",
    "ReportFormat",
    "SampleInfo",
    "json_schema",
    "read_samples",
    "render",
    "render_agreement_html",
    "render_calibration",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_review_html",
    "render_table",
    "render_whatif",
    "report_data",
    "write_agreement_xlsx",
    "write_calibration",
    "write_form_xlsx",
    "write_report",
    "write_review_xlsx",
    "write_whatif",
]
