"""The Markdown report: a summary table, then one section per subject."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.report._format import (
    SCORECARD_COLUMNS,
    band_interval,
    display_for,
    fixed,
    one_line,
    percent,
    scorecard_rows,
)

if TYPE_CHECKING:
    from csperf.report._model import Report

__all__ = ["render_markdown"]


#: Markdown's inline syntax that changes what text shows: a backslash before it shows the
#: character itself. ``](`` is where a link or an image (``[x](javascript:…)``) starts.
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*|"})
#: Raw HTML passes through Markdown: its characters are written as entities.
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _cell(text: str) -> str:
    r"""Text shown as itself in Markdown, on one line (safe in a table cell or a heading).

    Markdown passes raw HTML through (``<script>``, ``<img onerror=…>``) and reads links,
    images and emphasis: ``&``, ``<`` and ``>`` are written as entities, a backslash before
    ``\``, `````, ``*``, ``|`` and the ``(`` of ``](`` keeps them text, and control characters
    become spaces. Intervals such as ``[0.9, 1]`` and names such as ``li_wei`` stay as
    written (an underscore inside a word is no emphasis).
    """
    text = one_line(text).translate(_HTML).translate(_MARKDOWN).replace("](", "]\\(")
    return " ".join(text.split())


def _table(header: list[str], rows: list[list[str]], numeric: list[bool]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _scorecard(report: Report) -> list[str]:
    """The scorecard section: each indicator's direction, standards, scoring rule, weights."""
    card = report.scorecard
    rows = [
        [f"{dimension} ({weight})", f"{name} ({about})" if about else name, *cells]
        for dimension, weight, name, about, cells in scorecard_rows(report)
    ]
    header = [report.label(key) for key in SCORECARD_COLUMNS]
    return [
        f"## {_cell(report.field('scorecard', report.text(card.title)))}",
        "",
        *_table(header, rows, [False] * 5 + [True, True]),
    ]


def render_markdown(report: Report) -> str:
    """The report as Markdown (GitHub-flavoured tables).

    Sections: the title and scorecard line; a summary table with one row per subject in input
    order (rank, subject, team when :attr:`~csperf.report.Report.teams` is set, each
    dimension's points, total, grade, percentile); the population (count, mean, lowest,
    highest and the number of subjects per grade); the notes; then, for the subjects
    :attr:`~csperf.report.Report.details` picks, the indicator table (raw value as people read
    it, standard, points, weight, contribution) and the explanation of the total;
    last the scorecard itself: per indicator its dimension (and the dimension's weight),
    direction, standards, scoring rule (in the words of
    :meth:`ScoringRule.describe <csperf.ScoringRule.describe>`, as the HTML report writes
    it), weight in the dimension and effective weight.

    Args:
        report: The :class:`~csperf.report.Report`.

    Returns:
        The Markdown text, ending with a newline.
    """
    card = report.scorecard
    p = card.precision
    lab = report.label
    lang = report.lang
    out = [f"# {_cell(report.heading())}", ""]
    colon = lab("colon").strip()
    meta = f"**{lab('scorecard')}{colon}** {_cell(card.key)} v{_cell(card.version)}"
    if report.period is not None:
        meta += f" · **{lab('period')}{colon}** {_cell(report.period)}"
    out += [meta, "", f"## {lab('summary')}", ""]
    teams = bool(report.teams)
    header = [lab("rank"), lab("subject"), *([lab("team")] if teams else [])]
    header += [report.text(d.name) for d in card.dimensions]
    header += [lab("total"), lab("grade"), lab("percentile")]
    ranks, percentiles = report.ranks(), report.percentiles()
    rows = []
    for i, result in enumerate(report.results):
        row = [str(ranks[i]), report.subject_name(i), *([report.team(i) or ""] if teams else [])]
        row += [fixed(result.dimensions[d.key].points, p) for d in card.dimensions]
        row += [fixed(result.total, p), report.text(result.grade.label)]
        rows.append([*row, fixed(percentiles[i], 1)])
    numeric = [True, False, *([False] if teams else [])]
    numeric += [True] * (len(card.dimensions) + 1) + [False, True]
    out += _table(header, rows, numeric)
    totals = report.totals()
    out += [
        "",
        f"## {lab('population')}",
        "",
        " · ".join(
            report.field(key, value)
            for key, value in (
                ("count", len(totals)),
                ("mean", fixed(report.mean_total(), p)),
                ("min", fixed(min(totals), p)),
                ("max", fixed(max(totals), p)),
            )
        ),
        "",
    ]
    counts = report.grade_counts()
    scale = card.grade_scale
    out += _table(
        [lab("grade"), lab("interval"), lab("count")],
        [[report.text(b.label), band_interval(scale, b), str(counts[b.key])] for b in scale.bands],
        [False, False, True],
    )
    if report.notes:
        out += ["", f"## {lab('notes')}", ""]
        out += [f"- {_cell(report.text(note))}" for note in report.notes]
    chosen = report.detailed()
    displays = {
        ind.key: display_for(ind.unit, (r.indicators[ind.key].raw for r in report.results), lang)
        for ind in card.indicators
    }
    if chosen:
        out += ["", f"## {lab('details')}"]
    for i in chosen:
        result = report.results[i]
        out += [
            "",
            f"### {_cell(report.subject_name(i))}: {fixed(result.total, p)} "
            f"({_cell(report.text(result.grade.label))})",
            "",
        ]
        header = [
            lab("indicator"),
            lab("raw_value"),
            lab("standard"),
            lab("points"),
            lab("weight"),
            lab("contribution"),
        ]
        rows = []
        for ind in card.indicators:
            item = result.indicators[ind.key]
            rows.append(
                [
                    report.text(ind.name),
                    report.missing_text(i, ind.key)
                    if item.missing
                    else displays[ind.key](item.raw),
                    "—" if item.standard is None else report.text(item.standard.label),
                    fixed(item.points, p),
                    percent(item.weight),
                    fixed(item.contribution, p + 2),
                ]
            )
        out += _table(header, rows, [False, True, False, True, True, True])
        explanation = result.explain(report.lang)
        fence = "```"
        while fence in explanation:
            fence += "`"
        # (a fenced block shows its text as it is; control characters become spaces)
        out += ["", fence + "text", *map(one_line, explanation.splitlines()), fence]
    out += ["", *_scorecard(report)]
    return "\n".join(out) + "\n"
