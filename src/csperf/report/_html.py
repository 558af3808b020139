"""The HTML report: one self-contained page, inline CSS and SVG, printable."""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from csperf.report._format import (
    SCORECARD_COLUMNS,
    band_interval,
    fixed,
    measured_text,
    percent,
    scorecard_rows,
)
from csperf.report._svg import band_colours, bar_chart, histogram, radar

if TYPE_CHECKING:
    from csperf.grading import GradeBand
    from csperf.report._model import Report
    from csperf.results import ScorecardResult

__all__ = ["render_html"]

_CSS_FILE = "report.css"

_ERROR_SCRIPT = """
(function () {
  var body = document.body;
  function record(message) {
    var errors = body.dataset.errors ? JSON.parse(body.dataset.errors) : [];
    errors.push(String(message));
    body.dataset.errors = JSON.stringify(errors);
  }
  window.onerror = function (message, source, line) { record(message + " @" + line); };
  window.addEventListener("unhandledrejection", function (e) { record(e.reason); });
})();
"""

_CHECK_SCRIPT = """
window.addEventListener("load", function () {
  var charts = document.querySelectorAll("svg.chart");
  var ok = charts.length > 0;
  for (var i = 0; i < charts.length; i++) {
    var chart = charts[i];
    var box = chart.getBBox();
    var rect = chart.getBoundingClientRect();
    var marks = chart.querySelectorAll(".mark");
    if (!(box.width > 0 && box.height > 0 && rect.width > 0 && rect.height > 0)) { ok = false; }
    if (marks.length === 0) { ok = false; }
    for (var j = 0; j < marks.length; j++) { marks[j].getBBox(); }
  }
  document.body.dataset.charts = String(charts.length);
  document.body.dataset.chartsOk = ok ? "1" : "0";
});
"""


_NUM = ' class="num"'


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pill(report: Report, band: GradeBand, hues: dict[str, float]) -> str:
    hue = hues.get(band.key)
    style = (
        f' style="background:hsl({hue:.0f},62%,90%);color:hsl({hue:.0f},60%,26%)"'
        if hue is not None
        else ' style="background:#eef1f4"'
    )
    return f'<span class="pill"{style}>{_e(report.text(band.label))}</span>'


def _standard_hue(band: GradeBand, bands: tuple[GradeBand, ...], hues: dict[str, float]) -> float:
    """The hue of a standards band.

    That of the grade with the same key, else by its place among the standards (listed best
    first, by convention).
    """
    if band.key in hues:
        return hues[band.key]
    index = [b.key for b in bands].index(band.key)
    return 150 - 146 * index / max(1, len(bands) - 1)


def _subject(report: Report, index: int, result: ScorecardResult, hues: dict[str, float]) -> str:
    card = report.scorecard
    p = card.precision
    lab = report.label
    names = [report.text(d.name) for d in card.dimensions]
    values = [result.dimensions[d.key].points for d in card.dimensions]
    title = f"{report.subject_name(index)} · {lab('dimension_scores')}"
    if len(names) >= 3:
        reference: list[float | None] | None = None
        if len(report.results) > 1:
            reference = []
            for d in card.dimensions:
                known = [r.dimensions[d.key].points for r in report.results]
                present = [v for v in known if v is not None]
                reference.append(math.fsum(present) / len(present) if present else None)
        chart = radar(names, values, card.max_points, decimals=p, reference=reference, title=title)
        legend = f"<b></b>{_e(report.subject_name(index))}" + (
            f"<i></i>{_e(lab('mean'))}" if reference is not None else ""
        )
    else:
        chart = bar_chart(names, values, card.max_points, decimals=p, title=title)
        legend = ""
    rows = []
    for d in card.dimensions:
        dim = result.dimensions[d.key]
        rows.append(
            f"<tr><td>{_e(report.text(d.name))}</td>"
            f'<td class="num">{_e(percent(dim.weight))}</td>'
            f'<td class="num">{_e(fixed(dim.points, p))}</td>'
            f'<td class="num">{_e(fixed(dim.contribution, p + 2))}</td></tr>'
        )
    dimension_table = (
        f"<table><thead><tr><th>{_e(lab('dimension'))}</th>"
        f'<th class="num">{_e(lab("weight"))}</th><th class="num">{_e(lab("points"))}</th>'
        f'<th class="num">{_e(lab("contribution"))}</th></tr></thead><tbody>'
        + "".join(rows)
        + f'</tbody><tfoot><tr><td>{_e(lab("total"))}</td><td class="num">100%</td><td></td>'
        f'<td class="num">{_e(fixed(result.total, p))}</td></tr></tfoot></table>'
    )
    samples = report.has_samples
    head = [
        ("indicator", False),
        ("dimension", False),
        ("raw_value", True),
        ("standard", False),
        ("points", True),
        ("weight", True),
        ("contribution", True),
    ]
    if samples:
        head.append(("sample_size", True))
    ind_rows = []
    for ind in card.indicators:
        item = result.indicators[ind.key]
        if item.missing:
            raw = f'<span class="missing">{_e(report.missing_text(index, ind.key))}</span>'
        else:
            raw = _e(measured_text(item.raw)) + (
                f'<span class="unit">{_e(ind.unit)}</span>' if ind.unit else ""
            )
        if item.standard is None or ind.standards is None:
            standard = "—"
        else:
            hue = _standard_hue(item.standard, ind.standards.bands, hues)
            standard = _pill(report, item.standard, {item.standard.key: hue})
        share = max(0.0, min(1.0, item.points / card.max_points)) * 100
        cells = [
            f'<td>{_e(report.text(ind.name))}<span class="key">{_e(ind.key)}</span></td>',
            f"<td>{_e(report.text(card.dimension(ind.dimension).name))}</td>",
            f'<td class="num">{raw}</td>',
            f"<td>{standard}</td>",
            f'<td class="num"><span class="meter"><i style="width:{share:.1f}%"></i></span>'
            f"{_e(fixed(item.points, p))}</td>",
            f'<td class="num">{_e(percent(item.weight))}</td>',
            f'<td class="num">{_e(fixed(item.contribution, p + 2))}</td>',
        ]
        if samples:
            info = report.sample(index, ind.key)
            text = "—"
            if info is not None:
                size = "—" if info.sample_size is None else str(info.sample_size)
                flags = (
                    f' <span class="unit">{_e(", ".join(info.flags))}</span>' if info.flags else ""
                )
                text = _e(size) + flags
            cells.append(f'<td class="num">{text}</td>')
        ind_rows.append("<tr>" + "".join(cells) + "</tr>")
    indicator_table = (
        "<table><thead><tr>"
        + "".join(f"<th{_NUM if num else ''}>{_e(lab(key))}</th>" for key, num in head)
        + "</tr></thead><tbody>"
        + "".join(ind_rows)
        + "</tbody></table>"
    )
    return (
        f'<section class="subject" id="subject-{index + 1}">'
        f'<h2 class="subject-head"><span>{_e(report.subject_name(index))}</span>'
        f'<span class="score">{_e(fixed(result.total, p))}{_pill(report, result.grade, hues)}'
        f"</span></h2>"
        f'<div class="split"><figure>{chart}<figcaption class="legend">{legend}</figcaption>'
        f"</figure><div>{dimension_table}</div></div>"
        f"<h3>{_e(lab('indicators'))}</h3>{indicator_table}"
        f"<h3>{_e(lab('explanation'))}</h3>"
        f'<pre class="explain">{_e(result.explain(report.lang))}</pre>'
        "</section>"
    )


def _summary(report: Report, hues: dict[str, float]) -> str:
    card = report.scorecard
    p = card.precision
    lab = report.label
    totals = report.totals()
    stats = "".join(
        f'<div class="stat"><div class="k">{_e(lab(key))}</div><div class="v">{_e(value)}</div>'
        "</div>"
        for key, value in (
            ("count", str(len(totals))),
            ("mean", fixed(report.mean_total(), p)),
            ("min", fixed(min(totals), p)),
            ("max", fixed(max(totals), p)),
        )
    )
    head = (
        f"<th>{_e(lab('subject'))}</th>"
        + "".join(f'<th class="num">{_e(report.text(d.name))}</th>' for d in card.dimensions)
        + f'<th class="num">{_e(lab("total"))}</th><th>{_e(lab("grade"))}</th>'
    )
    rows = []
    for i, result in enumerate(report.results):
        rows.append(
            f'<tr><td><a href="#subject-{i + 1}">{_e(report.subject_name(i))}</a></td>'
            + "".join(
                f'<td class="num">{_e(fixed(result.dimensions[d.key].points, p))}</td>'
                for d in card.dimensions
            )
            + f'<td class="num"><b>{_e(fixed(result.total, p))}</b></td>'
            f"<td>{_pill(report, result.grade, hues)}</td></tr>"
        )
    scale = card.grade_scale
    chart = histogram(
        totals,
        [r.grade.key for r in report.results],
        scale,
        card.max_points,
        labels={b.key: report.text(b.label) for b in scale.bands},
        mean=report.mean_total(),
        mean_label=lab("mean"),
        axis_label=lab("total"),
        title=lab("histogram"),
        decimals=p,
    )
    counts = report.grade_counts()
    grade_rows = "".join(
        f"<tr><td>{_pill(report, b, hues)}</td><td>{_e(band_interval(scale, b))}</td>"
        f'<td class="num">{counts[b.key]}</td></tr>'
        for b in scale.bands
    )
    notes = ""
    if report.notes:
        notes = (
            f'<h3>{_e(lab("notes"))}</h3><ul class="notes">'
            + "".join(f"<li>{_e(report.text(n))}</li>" for n in report.notes)
            + "</ul>"
        )
    return (
        f'<section id="summary"><h2>{_e(lab("summary"))}</h2><div class="stats">{stats}</div>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<h3>{_e(lab('histogram'))}</h3><figure>{chart}</figure>"
        f"<h3>{_e(lab('grade_distribution'))}</h3>"
        f"<table><thead><tr><th>{_e(lab('grade'))}</th><th>{_e(lab('interval'))}</th>"
        f'<th class="num">{_e(lab("count"))}</th></tr></thead><tbody>{grade_rows}</tbody></table>'
        f"{notes}</section>"
    )


def _scorecard(report: Report) -> str:
    card = report.scorecard

    def cells(tag: str, texts: list[str]) -> str:  # the last two columns hold numbers
        plain = "".join(f"<{tag}>{_e(t)}</{tag}>" for t in texts[:-2])
        return plain + "".join(f'<{tag} class="num">{_e(t)}</{tag}>' for t in texts[-2:])

    rows = [
        f'<tr><td>{_e(dimension)}<span class="key">{_e(weight)}</span></td><td>{_e(name)}'
        + (f'<span class="key">{_e(about)}</span>' if about else "")
        + "</td>"
        + cells("td", values)
        + "</tr>"
        for dimension, weight, name, about, values in scorecard_rows(report)
    ]
    header = cells("th", [report.label(key) for key in SCORECARD_COLUMNS])
    return (
        f'<section id="scorecard"><h2>{_e(report.field("scorecard", report.text(card.title)))}</h2>'
        f"<table><thead><tr>{header}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page.

    Everything is inline (CSS, SVG charts, a small script): the page fetches nothing and opens
    offline. It holds the summary (count, mean, lowest and highest total, a table with one row
    per subject, a histogram of totals over the grade bands, the number of subjects per grade,
    the notes); one section per subject (a radar chart of dimension points against the
    population mean, the dimension table, the indicator table with raw value and unit,
    standard, points, weight and contribution, and the explanation of the total); and the
    scorecard itself (directions, standards, scoring rules, weights). Printed, each subject
    starts a new page.

    The inline script records script errors into ``document.body.dataset.errors`` and, once
    the page has loaded, sets ``document.body.dataset.chartsOk`` to ``"1"`` when every chart
    has a non-empty bounding box and drawn marks (``dataset.charts`` holds the number of
    charts); the test suite reads these in a headless browser.

    Args:
        report: The :class:`~csperf.report.Report`.

    Returns:
        The HTML text.
    """
    from importlib import resources

    from csperf._version import __version__

    css = resources.files("csperf.report").joinpath(_CSS_FILE).read_text(encoding="utf-8")
    card = report.scorecard
    lab = report.label
    hues = band_colours(card.grade_scale)
    colon = _e(lab("colon"))
    meta = [
        f"{_e(lab('scorecard'))}{colon}<code>{_e(card.key)}</code> v{_e(card.version)}",
        f"{_e(lab('fingerprint'))}{colon}<code>{_e(card.fingerprint[:12])}</code>",
    ]
    if report.period is not None:
        meta.insert(0, _e(report.field("period", report.period)))
    sections = "".join(_subject(report, i, result, hues) for i, result in enumerate(report.results))
    lang = "zh-CN" if report.lang == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="csperf {_e(__version__)}">'
        f"<title>{_e(report.heading())}</title><style>{css}</style></head>"
        f'<body data-charts-ok="0" data-errors=""><script>{_ERROR_SCRIPT}</script>'
        f'<header class="page"><h1>{_e(report.heading())}</h1><p class="meta">'
        + "".join(f"<span>{m}</span>" for m in meta)
        + "</p></header><main>"
        + _summary(report, hues)
        + sections
        + _scorecard(report)
        + f'</main><footer class="page">{_e(lab("generated_by"))} {_e(__version__)}</footer>'
        f"<script>{_CHECK_SCRIPT}</script></body></html>\n"
    )
