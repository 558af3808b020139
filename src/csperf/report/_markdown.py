"""The Markdown report: a summary table, then one section per subject."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.report._format import (
    SCORECARD_COLUMNS,
    band_interval,
    fixed,
    measured_text,
    one_line,
    percent,
    scorecard_rows,
)

if TYPE_CHECKING:
    from csperf.report._model import Report

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, lines joined."""
    return " ".join(one_line(text).replace("\\", "\\\\").replace("|", "\\|").split())


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

    Sections: the title and scorecard line; a summary table with one row per subject (subject,
    each dimension's points, total, grade); the population (count, mean, lowest, highest and
    the number of subjects per grade); the notes; then, per subject, the indicator table (raw
    value, unit, standard, points, weight, contribution) and the explanation of the total;
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
    out = [f"# {_cell(report.heading())}", ""]
    colon = lab("colon").strip()
    meta = f"**{lab('scorecard')}{colon}** {_cell(card.key)} v{_cell(card.version)}"
    if report.period is not None:
        meta += f" · **{lab('period')}{colon}** {_cell(report.period)}"
    out += [meta, "", f"## {lab('summary')}", ""]
    header = [lab("subject"), *[report.text(d.name) for d in card.dimensions]]
    header += [lab("total"), lab("grade")]
    rows = []
    for i, result in enumerate(report.results):
        row = [report.subject_name(i)]
        row += [fixed(result.dimensions[d.key].points, p) for d in card.dimensions]
        rows.append([*row, fixed(result.total, p), report.text(result.grade.label)])
    out += _table(header, rows, [False] + [True] * (len(header) - 2) + [False])
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
    out += ["", f"## {lab('subjects')}"]
    for i, result in enumerate(report.results):
        out += [
            "",
            f"### {_cell(report.subject_name(i))}: {fixed(result.total, p)} "
            f"({_cell(report.text(result.grade.label))})",
            "",
        ]
        header = [
            lab("indicator"),
            lab("raw_value"),
            lab("unit"),
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
                    report.missing_text(i, ind.key) if item.missing else measured_text(item.raw),
                    ind.unit,
                    "—" if item.standard is None else report.text(item.standard.label),
                    fixed(item.points, p),
                    percent(item.weight),
                    fixed(item.contribution, p + 2),
                ]
            )
        out += _table(header, rows, [False, True, False, False, True, True, True])
        explanation = result.explain(report.lang)
        fence = "```"
        while fence in explanation:
            fence += "`"
        out += ["", fence + "text", *explanation.splitlines(), fence]
    out += ["", *_scorecard(report)]
    return "\n".join(out) + "\n"
