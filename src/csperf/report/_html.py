"""The HTML report: one self-contained page, population first, inline CSS and SVG, printable.

The page is built one section per function (:func:`_overview`, :func:`_population`,
:func:`_details`, :func:`_scorecard`...), each taking the :class:`Report` and returning its
HTML, so that a feature adds its section without touching the others.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from csperf.report._format import (
    SCORECARD_COLUMNS,
    Display,
    band_interval,
    display_for,
    fixed,
    percent_column,
    scorecard_rows,
)
from csperf.report._svg import band_colours, bar_chart, histogram, radar

if TYPE_CHECKING:
    from csperf.grading import GradeBand
    from csperf.report._model import Report
    from csperf.results import ScorecardResult

__all__ = ["render_html"]

_CSS_FILE = "report.css"

BEST_WORST = 5
"""How many subjects the "highest and lowest totals" lists show at each end."""

PAGE_ROWS = 500
"""Rows of the population table shown at once; a button shows the next ones."""

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
    var open = chart.closest("details");
    if (open && !open.open) { continue; }
    if (!(box.width > 0 && box.height > 0 && rect.width > 0 && rect.height > 0)) { ok = false; }
    if (marks.length === 0) { ok = false; }
    for (var j = 0; j < marks.length; j++) { marks[j].getBBox(); }
  }
  document.body.dataset.charts = String(charts.length);
  document.body.dataset.chartsOk = ok ? "1" : "0";
});
"""

# Sorting and filtering of the population table. Cells carry their sort key in data-v
# (numbers) or are compared as text with the page language's collation (pinyin for zh).
_TABLE_SCRIPT = r"""
(function () {
  var table = document.getElementById("people");
  if (!table) { return; }
  var data = JSON.parse(document.getElementById("people-data").textContent);
  var dims = data.dimensions, grades = data.grades, rows = data.rows, n = rows.length;
  var body = table.tBodies[0], heads = table.tHead.rows[0].cells;
  var teams = table.dataset.teams === "1";
  if (!teams) { heads[3].hidden = true; }
  var collate = new Intl.Collator(document.documentElement.lang,
    {numeric: true, sensitivity: "base"}).compare;
  var page = Number(table.dataset.page), limit = page;
  var query = document.getElementById("filter"), grade = document.getElementById("grade");
  var more = document.getElementById("more"), shown = document.getElementById("shown");
  var T = dims + 2;  // row positions: 0 subject, 1 team, 2.. points, T total, T+1 grade...
  var search = rows.map(function (r) {
    var g = grades[r[T + 1]];
    return (r[0] + " " + r[1] + " " + g[0] + " " + g[1]).toLowerCase();
  });
  function value(r, c) {  // the sort key of column c > 0 of row r (null: no value)
    if (c === 1) { return r[T + 3]; }
    if (c === 2 || c === 3) { return r[c - 2]; }
    if (c < 4 + dims + 1) { var v = r[c - 2]; return v === "—" ? null : parseFloat(v); }
    if (c === 4 + dims + 1) { return r[T + 1]; }
    return parseFloat(r[T + 2]);
  }
  var column = -1, down = false;
  function order() {
    var idx = [];
    for (var i = 0; i < n; i++) { idx.push(i); }
    if (column < 0) { return idx; }
    var keys = rows.map(function (r, i) { return column === 0 ? i : value(r, column); });
    var text = column === 2 || column === 3;
    idx.sort(function (a, b) {
      var x = keys[a], y = keys[b], r;
      if (x === null || y === null || x === "" || y === "") {
        r = (x === null || x === "") - (y === null || y === "");
        return r || a - b;
      }
      r = text ? collate(x, y) : x - y;
      return (down ? -r : r) || a - b;
    });
    return idx;
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }
  function build(i) {
    var r = rows[i], tr = document.createElement("tr"), td;
    tr.dataset.i = String(i);
    cell(tr, String(i + 1), "num");
    cell(tr, String(r[T + 3]), "num");
    td = cell(tr, "", "");
    if (r[T + 4]) {
      var a = document.createElement("a");
      a.href = "#subject-" + (i + 1);
      a.textContent = r[0];
      td.appendChild(a);
    } else { td.textContent = r[0]; }
    cell(tr, r[1], "").hidden = !teams;
    for (var d = 0; d < dims; d++) { cell(tr, r[2 + d], "num"); }
    cell(tr, r[T], "num total");
    var g = grades[r[T + 1]], pill = document.createElement("span");
    pill.className = "pill " + g[2];
    pill.textContent = g[1];
    cell(tr, "", "").appendChild(pill);
    cell(tr, r[T + 2], "num");
    return tr;
  }
  function apply() {
    var words = query.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = grade.value, count = 0, fragment = document.createDocumentFragment();
    order().forEach(function (i) {
      if (wanted && grades[rows[i][T + 1]][0] !== wanted) { return; }
      for (var w = 0; w < words.length; w++) {
        if (search[i].indexOf(words[w]) < 0) { return; }
      }
      count += 1;
      if (count <= limit) { fragment.appendChild(build(i)); }
    });
    body.textContent = "";
    body.appendChild(fragment);
    shown.textContent = shown.dataset.text.replace("{shown}", Math.min(count, limit))
      .replace("{total}", count);
    more.hidden = count <= limit;
    table.dataset.matching = String(count);
  }
  Array.prototype.forEach.call(heads, function (head, c) {
    head.tabIndex = 0;
    function sort() {
      if (column === c) { down = !down; } else { column = c; down = head.dataset.down === "1"; }
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      head.setAttribute("aria-sort", down ? "descending" : "ascending");
      apply();
    }
    head.addEventListener("click", sort);
    head.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
  });
  query.addEventListener("input", function () { limit = page; apply(); });
  grade.addEventListener("change", function () { limit = page; apply(); });
  more.addEventListener("click", function () { limit += page; apply(); });
  document.getElementById("reset").addEventListener("click", function () {
    column = -1; down = false; query.value = ""; grade.value = ""; limit = page;
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    apply();
  });
  window.addEventListener("beforeprint", function () { limit = Infinity; apply(); });
  window.addEventListener("afterprint", function () { limit = page; apply(); });
  apply();
})();
"""


_NUM = ' class="num"'


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _grade_styles(report: Report, hues: dict[str, float]) -> str:
    """One CSS class per grade (``g0`` for the lowest band), so rows stay short."""
    rules = []
    for i, band in enumerate(report.scorecard.grade_scale.ordered):
        hue = hues[band.key]
        rules.append(f".g{i}{{background:hsl({hue:.0f},62%,90%);color:hsl({hue:.0f},60%,26%)}}")
    return "".join(rules)


def _grade_class(report: Report) -> dict[str, str]:
    return {b.key: f"g{i}" for i, b in enumerate(report.scorecard.grade_scale.ordered)}


def _pill(report: Report, band: GradeBand, classes: dict[str, str]) -> str:
    cls = classes.get(band.key)
    return f'<span class="pill {cls}">{_e(report.text(band.label))}</span>'


def _styled_pill(report: Report, band: GradeBand, hue: float) -> str:
    style = f' style="background:hsl({hue:.0f},62%,90%);color:hsl({hue:.0f},60%,26%)"'
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


def raw_displays(report: Report) -> dict[str, Display]:
    """Indicator key → how its raw values are shown, one precision over the whole population."""
    return {
        ind.key: display_for(
            ind.unit, (r.indicators[ind.key].raw for r in report.results), report.lang
        )
        for ind in report.scorecard.indicators
    }


def _flag_text(report: Report, flag: str) -> str:
    from csperf._labels import LABELS

    key = f"flag.{flag}"
    return report.label(key) if key in LABELS else flag


# -- sections --------------------------------------------------------------------------------


def _header(report: Report) -> str:
    card = report.scorecard
    lab = report.label
    colon = _e(lab("colon"))
    meta = [
        f"{_e(lab('scorecard'))}{colon}<code>{_e(card.key)}</code> v{_e(card.version)}",
        f"{_e(lab('fingerprint'))}{colon}<code>{_e(card.fingerprint[:12])}</code>",
    ]
    if report.period is not None:
        meta.insert(0, _e(report.field("period", report.period)))
    return (
        f'<header class="page"><h1>{_e(report.heading())}</h1><p class="meta">'
        + "".join(f"<span>{m}</span>" for m in meta)
        + "</p></header>"
    )


def _stats(report: Report) -> str:
    p = report.scorecard.precision
    totals = report.totals()
    return (
        '<div class="stats">'
        + "".join(
            f'<div class="stat"><div class="k">{_e(report.label(key))}</div>'
            f'<div class="v">{_e(value)}</div></div>'
            for key, value in (
                ("count", f"{len(totals):,}"),
                ("mean", fixed(report.mean_total(), p)),
                ("min", fixed(min(totals), p)),
                ("max", fixed(max(totals), p)),
            )
        )
        + "</div>"
    )


def _distribution(report: Report, classes: dict[str, str]) -> str:
    card = report.scorecard
    lab = report.label
    scale = card.grade_scale
    chart = histogram(
        report.totals(),
        [r.grade.key for r in report.results],
        scale,
        card.max_points,
        labels={b.key: report.text(b.label) for b in scale.bands},
        mean=report.mean_total(),
        mean_label=lab("mean"),
        axis_label=lab("total"),
        count_label=lab("frequency"),
        title=lab("histogram"),
        decimals=card.precision,
    )
    counts = report.grade_counts()
    n = len(report.results)
    grade_rows = "".join(
        f"<tr><td>{_pill(report, b, classes)}</td><td>{_e(band_interval(scale, b))}</td>"
        f'<td class="num">{counts[b.key]:,}</td>'
        f'<td class="num">{_e(fixed(100 * counts[b.key] / n, 1))}%</td></tr>'
        for b in scale.bands
    )
    return (
        f"<h3>{_e(lab('histogram'))}</h3><figure>{chart}</figure>"
        f"<h3>{_e(lab('grade_distribution'))}</h3>"
        f"<table><thead><tr><th>{_e(lab('grade'))}</th><th>{_e(lab('interval'))}</th>"
        f'<th class="num">{_e(lab("count"))}</th><th class="num">%</th></tr></thead>'
        f"<tbody>{grade_rows}</tbody></table>"
    )


def _teams(report: Report, classes: dict[str, str]) -> str:
    """One row per team: its size, mean total, lowest and highest total, and grade counts."""
    if not report.teams:
        return ""
    card = report.scorecard
    p = card.precision
    lab = report.label
    groups: dict[str, list[ScorecardResult]] = {}
    for i, result in enumerate(report.results):
        team = report.team(i)
        if team is not None:
            groups.setdefault(team, []).append(result)
    bands = card.grade_scale.bands
    head = (
        f'<th>{_e(lab("team"))}</th><th class="num">{_e(lab("count"))}</th>'
        f'<th class="num">{_e(lab("mean"))}</th><th class="num">{_e(lab("min"))}</th>'
        f'<th class="num">{_e(lab("max"))}</th>'
        + "".join(f'<th class="num">{_pill(report, b, classes)}</th>' for b in bands)
    )
    rows = []
    for team, members in groups.items():
        totals = [r.total for r in members]
        cells = [
            f"<td>{_e(team)}</td>",
            f'<td class="num">{len(members):,}</td>',
            f'<td class="num">{_e(fixed(math.fsum(totals) / len(totals), p))}</td>',
            f'<td class="num">{_e(fixed(min(totals), p))}</td>',
            f'<td class="num">{_e(fixed(max(totals), p))}</td>',
        ]
        cells += [
            f'<td class="num">{sum(r.grade.key == b.key for r in members):,}</td>' for b in bands
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<h3>{_e(lab("teams"))}</h3><table class="teams"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _best_worst(report: Report, classes: dict[str, str]) -> str:
    """The highest and the lowest totals, up to :data:`BEST_WORST` at each end."""
    n = len(report.results)
    if n < 2:
        return ""
    p = report.scorecard.precision
    lab = report.label
    totals = report.totals()
    order = sorted(range(n), key=lambda i: (-totals[i], i))
    take = min(BEST_WORST, n // 2)
    detailed = set(report.detailed())

    def item(i: int) -> str:
        name = _e(report.subject_name(i))
        if i in detailed:
            name = f'<a href="#subject-{i + 1}">{name}</a>'
        return (
            f"<li>{name} <b>{_e(fixed(totals[i], p))}</b> "
            f"{_pill(report, report.results[i].grade, classes)}</li>"
        )

    best = "".join(item(i) for i in order[:take])
    worst = "".join(item(i) for i in reversed(order[-take:]))
    return (
        f'<h3>{_e(lab("best_worst"))}</h3><div class="split ends">'
        f'<div><h4>{_e(lab("best"))}</h4><ol class="ends">{best}</ol></div>'
        f'<div><h4>{_e(lab("worst"))}</h4><ol class="ends">{worst}</ol></div></div>'
    )


def _notes(report: Report) -> str:
    if not report.notes:
        return ""
    return (
        f'<h3>{_e(report.label("notes"))}</h3><ul class="notes">'
        + "".join(f"<li>{_e(report.text(n))}</li>" for n in report.notes)
        + "</ul>"
    )


def _overview(report: Report, classes: dict[str, str]) -> str:
    """The summary: figures, distribution, grade counts, teams, best and worst, notes."""
    return (
        f'<section id="summary"><h2>{_e(report.label("summary"))}</h2>'
        + _stats(report)
        + _distribution(report, classes)
        + _teams(report, classes)
        + _best_worst(report, classes)
        + _notes(report)
        + "</section>"
    )


def _table_data(report: Report) -> str:
    """The rows of the population table as JSON, every number already formatted.

    One array per subject in input order: subject, team (``""`` when unknown), each
    dimension's points, the total, the grade's position in the ordered bands, the percentile,
    the rank, and 1 when the subject has a details section. The script builds the visible rows
    from it; formatting stays here, in one place.
    """
    import json

    card = report.scorecard
    p = card.precision
    detailed = set(report.detailed())
    ranks = report.ranks()
    percentiles = report.percentiles()
    order = {b.key: i for i, b in enumerate(card.grade_scale.ordered)}
    rows = []
    for i, result in enumerate(report.results):
        rows.append(
            [
                report.subject_name(i),
                report.team(i) or "",
                *(fixed(result.dimensions[d.key].points, p) for d in card.dimensions),
                fixed(result.total, p),
                order[result.grade.key],
                fixed(percentiles[i], 1),
                ranks[i],
                int(i in detailed),
            ]
        )
    grades = [
        [b.key, report.text(b.label), f"g{i}"] for i, b in enumerate(card.grade_scale.ordered)
    ]
    data = {"dimensions": len(card.dimensions), "grades": grades, "rows": rows}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</script" would end the element: JSON can write < > & as escapes.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _population(report: Report) -> str:
    """The table of every subject: input order, rank, percentile; sortable and filterable.

    The header is HTML; the rows are built by the page's script from :func:`_table_data`
    (the visible page only, so that 100,000 subjects stay quick).
    """
    card = report.scorecard
    lab = report.label
    # (label, numeric, sorts descending first)
    columns = [("#", True, False), (lab("rank"), True, False), (lab("subject"), False, False)]
    columns.append((lab("team"), False, False))
    columns += [(report.text(d.name), True, True) for d in card.dimensions]
    columns += [(lab("total"), True, True), (lab("grade"), False, True)]
    columns.append((lab("percentile"), True, True))
    down_first = ' data-down="1"'
    head = "".join(
        f"<th{_NUM if num else ''}{down_first if down else ''}>{_e(text)}</th>"
        for text, num, down in columns
    )
    options = "".join(
        f'<option value="{_e(b.key)}">{_e(report.text(b.label))}</option>'
        for b in card.grade_scale.bands
    )
    shown_text = lab("shown", shown="{shown}", total="{total}")
    teams = "1" if report.teams else "0"
    return (
        f'<section id="population"><h2>{_e(lab("subjects"))}</h2>'
        '<div class="controls">'
        f'<label>{_e(lab("filter"))} <input id="filter" type="search" '
        f'placeholder="{_e(lab("filter_hint"))}"></label>'
        f'<label>{_e(lab("grade"))} <select id="grade"><option value="">{_e(lab("all"))}'
        f"</option>{options}</select></label>"
        f'<button id="reset" type="button">{_e(lab("input_order"))}</button>'
        f'<span id="shown" class="hint" data-text="{_e(shown_text)}"></span>'
        f'<span class="hint">{_e(lab("sort_hint"))}</span></div>'
        f'<table id="people" class="people" data-page="{PAGE_ROWS}" data-teams="{teams}">'
        f"<thead><tr>{head}</tr></thead><tbody></tbody></table>"
        f"<noscript><p>{_e(lab('noscript'))}</p></noscript>"
        f'<button id="more" type="button" hidden>+ {PAGE_ROWS}</button>'
        f'<script type="application/json" id="people-data">{_table_data(report)}</script>'
        "</section>"
    )


def _subject(
    report: Report,
    index: int,
    result: ScorecardResult,
    hues: dict[str, float],
    classes: dict[str, str],
    displays: dict[str, Display],
    reference: list[float | None] | None,
) -> str:
    """One subject's details: chart, dimension table, indicator table, derivation."""
    card = report.scorecard
    p = card.precision
    lab = report.label
    names = [report.text(d.name) for d in card.dimensions]
    values = [result.dimensions[d.key].points for d in card.dimensions]
    title = f"{report.subject_name(index)} · {lab('dimension_scores')}"
    if len(names) >= 3:
        chart = radar(names, values, card.max_points, decimals=p, reference=reference, title=title)
        legend = f"<b></b>{_e(report.subject_name(index))}" + (
            f"<i></i>{_e(lab('mean'))}" if reference is not None else ""
        )
    else:
        chart = bar_chart(names, values, card.max_points, decimals=p, title=title)
        legend = ""
    dim_weights = dict(
        zip(
            (d.key for d in card.dimensions),
            percent_column(result.dimensions[d.key].weight for d in card.dimensions),
        )
    )
    rows = []
    for d in card.dimensions:
        dim = result.dimensions[d.key]
        rows.append(
            f"<tr><td>{_e(report.text(d.name))}</td>"
            f'<td class="num">{_e(dim_weights[d.key])}</td>'
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
    ind_weights = dict(
        zip(
            (ind.key for ind in card.indicators),
            percent_column(result.indicators[ind.key].weight for ind in card.indicators),
        )
    )
    ind_rows = []
    for ind in card.indicators:
        item = result.indicators[ind.key]
        if item.missing:
            raw = f'<span class="missing">{_e(report.missing_text(index, ind.key))}</span>'
        else:
            raw = _e(displays[ind.key](item.raw))
        if item.standard is None or ind.standards is None:
            standard = "—"
        else:
            hue = _standard_hue(item.standard, ind.standards.bands, hues)
            standard = _styled_pill(report, item.standard, hue)
        share = max(0.0, min(1.0, item.points / card.max_points)) * 100
        cells = [
            f'<td>{_e(report.text(ind.name))}<span class="key">{_e(ind.key)}</span></td>',
            f"<td>{_e(report.text(card.dimension(ind.dimension).name))}</td>",
            f'<td class="num" title="{_e(repr(item.raw))}">{raw}</td>',
            f"<td>{standard}</td>",
            f'<td class="num"><span class="meter"><i style="width:{share:.1f}%"></i></span>'
            f"{_e(fixed(item.points, p))}</td>",
            f'<td class="num">{_e(ind_weights[ind.key])}</td>',
            f'<td class="num">{_e(fixed(item.contribution, p + 2))}</td>',
        ]
        if samples:
            info = report.sample(index, ind.key)
            text = "—"
            if info is not None:
                size = "—" if info.sample_size is None else f"{info.sample_size:,}"
                flags = (
                    f' <span class="unit">'
                    f"{_e(lab('list_sep').join(_flag_text(report, f) for f in info.flags))}"
                    "</span>"
                    if info.flags
                    else ""
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
    team = report.team(index)
    team_text = f'<span class="team">{_e(team)}</span>' if team is not None else ""
    return (
        f'<details class="subject" id="subject-{index + 1}"{_open(report)}>'
        f'<summary class="subject-head"><span>{_e(report.subject_name(index))}{team_text}</span>'
        f'<span class="score">{_e(fixed(result.total, p))}{_pill(report, result.grade, classes)}'
        f"</span></summary>"
        f'<div class="split"><figure>{chart}<figcaption class="legend">{legend}</figcaption>'
        f"</figure><div>{dimension_table}</div></div>"
        f"<h3>{_e(lab('indicators'))}</h3>{indicator_table}"
        f"{_item_tables(report, index)}"
        f"<h3>{_e(lab('explanation'))}</h3>"
        f'<pre class="explain">{_e(result.explain(report.lang))}</pre>'
        "</details>"
    )


OPEN_DETAILS = 12
"""Up to this many subjects, their details sections are open when the page loads."""


def _open(report: Report) -> str:
    return " open" if len(report.detailed()) <= OPEN_DETAILS else ""


def _details(report: Report, hues: dict[str, float], classes: dict[str, str]) -> str:
    """The details sections of the subjects :meth:`Report.detailed` picks, in input order."""
    lab = report.label
    chosen = report.detailed()
    if not chosen:
        from csperf.report._model import DETAILS_AUTO

        n = len(report.results)
        hint = (
            lab("details_auto", n=f"{n:,}", limit=DETAILS_AUTO)
            if report.details == "auto"
            else lab("details_none")
        )
        return (
            f'<section id="details"><h2>{_e(lab("details"))}</h2>'
            f'<p class="hint">{_e(hint)}</p></section>'
        )
    card = report.scorecard
    reference: list[float | None] | None = None
    if len(report.results) > 1:
        reference = []
        for d in card.dimensions:
            known = [r.dimensions[d.key].points for r in report.results]
            present = [v for v in known if v is not None]
            reference.append(math.fsum(present) / len(present) if present else None)
    displays = raw_displays(report)
    intro = ""
    if isinstance(report.details, int) and report.details < len(report.results):
        intro = f'<p class="hint">{_e(lab("details_top", n=len(chosen)))}</p>'
    return (
        f'<section id="details"><h2>{_e(lab("details"))}</h2>{intro}'
        + "".join(
            _subject(report, i, report.results[i], hues, classes, displays, reference)
            for i in chosen
        )
        + "</section>"
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


def render_html(report: Report, *, details: str | int | None = None) -> str:
    """The report as one self-contained HTML page, the population first.

    Everything is inline (CSS, SVG charts, a small script): the page fetches nothing and opens
    offline. In order it holds:

    * the summary: count, mean, lowest and highest total; a histogram of the totals over the
      grade bands; the number and share of subjects per grade; one row per team when
      :attr:`Report.teams` is set (size, mean, lowest, highest, subjects per grade); the
      highest and lowest totals (five at each end); the notes;
    * the table of every subject in input order, with the input position (#), the rank
      (:meth:`Report.ranks`), each dimension's points, the total, the grade and the percentile
      (:meth:`Report.percentiles`). A click on a column heading sorts by it (again: the other
      way), text in the page language's collation (pinyin order for Chinese); a search box
      and a grade list filter the rows; the "input order" button restores the first view.
      The table shows 500 rows at a time (all when printed); its rows are built by the script
      from the data embedded in the page, so that 100,000 subjects stay quick;
    * the subjects' details (:attr:`Report.details`, or ``details`` here; by default every
      subject up to 100, none beyond, so that the page stays small): per subject, in
      a collapsible section (open when there are at most 12), a radar chart of the dimension
      points against the population mean, the dimension table, the indicator table (raw value
      as people read it: ``81.5%``, ``2 h 51 min``, ``4.2 / 5``; standard, points,
      weight, contribution; data size and flags when known) and the derivation of the total;
    * the scorecard itself (directions, standards, scoring rules, weights).

    Printed, the details and the scorecard start on new pages.

    The inline script records script errors into ``document.body.dataset.errors`` and, once
    the page has loaded, sets ``document.body.dataset.chartsOk`` to ``"1"`` when every chart
    in view has a non-empty bounding box and drawn marks (``dataset.charts`` holds the number
    of charts); the test suite reads these in a headless browser.

    Args:
        report: The :class:`~csperf.report.Report`.
        details: Overrides :attr:`Report.details`: ``"auto"``, ``"all"``, ``"none"``, ``N`` or
            ``"top N"``.

    Returns:
        The HTML text.

    Examples:
        >>> from csperf.report import Report
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> values = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
        ...           "first_response_time": 45, "resolution_time": 20000,
        ...           "product_knowledge": 88, "script_compliance": 0.93,
        ...           "collaboration_rating": 4.2, "information_sharing_rate": 0.97}
        >>> page = render_html(Report(card, [card.evaluate(values, "li_wei")]), details="none")
        >>> page.index('id="summary"') < page.index('id="population"') < page.index('id="details"')
        True
    """
    from importlib import resources

    import attrs

    from csperf._version import __version__

    if details is not None:
        report = attrs.evolve(report, details=details)
    css = resources.files("csperf.report").joinpath(_CSS_FILE).read_text(encoding="utf-8")
    hues = band_colours(report.scorecard.grade_scale)
    classes = _grade_class(report)
    lab = report.label
    lang = "zh-CN" if report.lang == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="csperf {_e(__version__)}">'
        f"<title>{_e(report.heading())}</title><style>{css}{_grade_styles(report, hues)}</style>"
        f'</head><body data-charts-ok="0" data-errors=""><script>{_ERROR_SCRIPT}</script>'
        + _header(report)
        + "<main>"
        + _overview(report, classes)
        + _population(report)
        + _details(report, hues, classes)
        + _scorecard(report)
        + f'</main><footer class="page">{_e(lab("generated_by"))} {_e(__version__)}</footer>'
        f"<script>{_TABLE_SCRIPT}</script><script>{_CHECK_SCRIPT}</script></body></html>\n"
    )


def _item_tables(report: Report, index: int) -> str:
    """The subject's bonus/deduction lines and veto lines, one table each ("" without items)."""
    if not report.has_items:
        return ""
    lines = report.item_lines(index)
    out = []
    for title, kinds in (("adjustments", ("bonus", "deduction")), ("vetoes", ("veto",))):
        rows = []
        for line in lines:
            if line.kind not in kinds:
                continue
            kind = line.key if line.kind == "veto" else report.label(f"adjustment.{line.kind}")
            marked = ' class="fired"' if line.fired else ""
            rows.append(
                f"<tr{marked}><td>{_e(kind)}</td><td>{_e(line.name)}</td>"
                f"<td>{_e(line.detail)}</td><td class=\"num\">{_e(line.value)}</td>"
                f"<td>{_e(line.reason)}</td></tr>"
            )
        if rows:
            out.append(
                f"<h3>{_e(report.label(title))}</h3><table><tbody>{''.join(rows)}</tbody></table>"
            )
    return "".join(out)
