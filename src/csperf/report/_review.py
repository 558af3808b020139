"""The views of the periodic review: the health review and the period comparison, HTML and Excel.

Both read the JSON-ready data of :meth:`csperf.Review.to_dict` or
:meth:`csperf.Comparison.to_dict` (a comparison has ``"periods"``), nothing else: the review's
figures are computed in :mod:`csperf.health` and :mod:`csperf.trends`, never here.

* the review: a chart of each indicator's nominal weight against its effective influence, the
  indicator table (distribution of points, standards, ceiling and floor shares, flags), the
  redundant pairs and the suggested changes;
* the comparison: a trend chart per subject and per team (the total over the periods), and
  the tables of totals, changes, slopes and ranks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any

from csperf.report._excel import as_text, cell_value, load_openpyxl, sheet_names
from csperf.report._svg import _n

if TYPE_CHECKING:
    import os
    from pathlib import Path

__all__ = ["render_review_html", "write_review_xlsx"]


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None, decimals: int = 2) -> str:
    return "–" if value is None else f"{value:.{decimals}f}"


def _is_comparison(data: Mapping[str, Any]) -> bool:
    return "periods" in data


def _influence_chart(data: Mapping[str, Any]) -> str:
    """Paired horizontal bars: each indicator's nominal weight and its effective influence."""
    rows = list(data["indicators"].items())
    values = [float(v["weight"]) for _, v in rows]
    values += [float(v["influence"] or 0.0) for _, v in rows]
    low, high = min(0.0, *values), max(0.0, *values) or 1.0
    width, left, right, row = 640.0, 180.0, 560.0, 36.0
    height = 50 + row * len(rows)

    def x(value: float) -> float:
        return left + (right - left) * (value - low) / (high - low)

    zero = x(0.0)
    parts = [
        f'<svg class="chart influence" role="img" viewBox="0 0 {_n(width)} {_n(height)}" '
        'xmlns="http://www.w3.org/2000/svg"><title>Nominal weight and effective influence'
        "</title>"
        f'<line class="axis" x1="{_n(zero)}" y1="8" x2="{_n(zero)}" y2="{_n(height - 24)}" '
        'stroke="#888"/>'
    ]
    for i, (key, v) in enumerate(rows):
        y = 10 + i * row
        parts.append(
            f'<text class="label" x="{_n(left - 8)}" y="{_n(y + 17)}" text-anchor="end" '
            f'font-size="12">{_e(key)}</text>'
        )
        for j, (what, value, colour) in enumerate(
            (("weight", v["weight"], "#4a78b5"), ("influence", v["influence"], "#e08a2c"))
        ):
            shown = 0.0 if value is None else value
            start, end = sorted((zero, x(shown)))
            parts.append(
                f'<rect class="mark {what}" x="{_n(start)}" y="{_n(y + j * 14)}" '
                f'width="{_n(max(end - start, 0.5))}" height="12" fill="{colour}">'
                f"<title>{_e(key)} {what} {_pct(value)}</title></rect>"
                f'<text class="value" x="{_n(max(zero, x(shown)) + 4)}" '
                f'y="{_n(y + j * 14 + 10)}" font-size="10">{_pct(value)}</text>'
            )
    legend_y = height - 10
    parts.append(
        f'<rect x="{_n(left)}" y="{_n(legend_y - 9)}" width="10" height="10" fill="#4a78b5"/>'
        f'<text x="{_n(left + 14)}" y="{_n(legend_y)}" font-size="11">nominal weight</text>'
        f'<rect x="{_n(left + 130)}" y="{_n(legend_y - 9)}" width="10" height="10" '
        'fill="#e08a2c"/>'
        f'<text x="{_n(left + 144)}" y="{_n(legend_y)}" font-size="11">'
        "influence: share of the variance of the totals</text></svg>"
    )
    return "".join(parts)


def _range(series: Sequence[Sequence[float | None]]) -> tuple[float, float]:
    """One y range for every trend chart of a table, so that their slopes compare."""
    present = [v for values in series for v in values if v is not None]
    low, high = (min(present), max(present)) if present else (0.0, 1.0)
    return (low - 1, high + 1) if high - low < 1e-9 else (low, high)


def _trend_chart(
    title: str, periods: Sequence[str], values: Sequence[float | None], low: float, high: float
) -> str:
    """A small line chart of one series over the periods (gaps where a value is None).

    Every chart of a table shares the y range ``[low, high]`` (written at the left), so a
    steeper line is a larger change.
    """
    width, height, pad, left = 220.0, 70.0, 12.0, 40.0
    step = (width - left - pad) / max(len(periods) - 1, 1)

    def point(i: int, v: float) -> str:
        y = height - pad - (height - 2 * pad) * (v - low) / (high - low)
        return f"{_n(left + i * step)},{_n(y)}"

    segments: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            segments.append([])
        else:
            segments[-1].append(point(i, v))
    parts = [
        f'<svg class="chart trend" role="img" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(title)}</title>"
        f'<text x="{_n(left - 4)}" y="{_n(pad + 4)}" font-size="10" text-anchor="end">'
        f"{high:.4g}</text>"
        f'<text x="{_n(left - 4)}" y="{_n(height - pad + 4)}" font-size="10" '
        f'text-anchor="end">{low:.4g}</text>'
        f'<line x1="{_n(left)}" y1="{_n(pad)}" x2="{_n(left)}" y2="{_n(height - pad)}" '
        'stroke="#bbb"/>'
    ]
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="#4a78b5" '
                'stroke-width="2"/>'
            )
    for i, v in enumerate(values):
        if v is not None:
            cx, cy = point(i, v).split(",")
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="3" fill="#4a78b5">'
                f"<title>{_e(periods[i])}: {v:g}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _page(title: str, body: str) -> str:
    css = resources.files("csperf.report").joinpath("report.css").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{css}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>{body}</main></body></html>\n"
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{_e(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        + "</tbody></table>"
    )


def _review_html(data: Mapping[str, Any]) -> str:
    when = f" – {data['period']}" if data.get("period") else ""
    title = f"Scorecard health review: {data['scorecard']} v{data['version']}{when}"
    rows = []
    for key, v in data["indicators"].items():
        bands = ", ".join(f"{k} {_pct(s)}" for k, s in v["bands"].items())
        rows.append(
            [
                _e(key),
                _pct(v["weight"]),
                _pct(v["influence"]),
                _num(v["points"]["mean"], 1),
                _num(v["points"]["sd"], 1),
                _pct(v["at_full"]),
                _pct(v["at_zero"]),
                _e(bands or "–"),
                _e(", ".join(v["flags"]) or "–"),
            ]
        )
    body = [
        f"<p>{data['subjects']} subjects; fingerprint <code>{_e(data['fingerprint'][:12])}</code>;"
        f" ceiling and floor above {_pct(data['ceiling_share'])}, redundancy above "
        f"|ρ| = {data['redundancy']:g}.</p>",
        "<h2>Weight against influence</h2>",
        _influence_chart(data),
        "<h2>Indicators</h2>",
        _table(
            [
                "indicator",
                "weight",
                "influence",
                "points mean",
                "points sd",
                "at full",
                "at zero",
                "standards",
                "flags",
            ],
            rows,
        ),
        "<h2>Redundant pairs</h2>",
        _table(
            ["first", "second", "Spearman ρ", "n"],
            [
                [_e(p["first"]), _e(p["second"]), f"{p['rho']:.3f}", str(p["n"])]
                for p in data["redundant"]
            ],
        )
        if data["redundant"]
        else "<p>None.</p>",
        "<h2>Suggested recalibration</h2>",
    ]
    recal = data["recalibration"]
    if recal["card"] is not None:
        c = recal["card"]
        body.append(
            f"<p>New card {_e(c['key'])} v{_e(c['version'])} "
            f"(<code>{_e(c['fingerprint'][:12])}</code>); nothing is applied until it is "
            "adopted.</p>"
        )
    body.append(
        _table(
            ["indicator", "part", "before", "after", "why"],
            [
                [
                    _e(ch["indicator"]),
                    _e(ch["part"]),
                    _e(ch["before"]),
                    _e(ch["after"] or "unchanged"),
                    _e(ch["why"]),
                ]
                for ch in recal["changes"]
            ],
        )
        if recal["changes"]
        else "<p>No change suggested.</p>"
    )
    return _page(title, "".join(body))


def _comparison_html(data: Mapping[str, Any]) -> str:
    periods = data["periods"]
    title = "Period comparison: " + " → ".join(periods)
    body = []
    if data["form_changes"]:
        body.append("<h2>The forms differ</h2><ul>")
        body.extend(f"<li>{_e(line)}</li>" for line in data["form_changes"])
        body.append("</ul>")
    head = ["subject", *periods, "change", "slope", "rank", "grades", "trend"]
    low, high = _range([t["total"]["values"] for t in data["subjects"].values()])
    rows = []
    for subject, trends in data["subjects"].items():
        total, rank = trends["total"], trends["rank"]
        rows.append(
            [
                _e(subject),
                *(_num(v) for v in total["values"]),
                _num(total["change"]),
                _num(total["slope"]),
                " → ".join("–" if r is None else f"{r:g}" for r in rank["values"]),
                _e(" → ".join(g or "–" for g in data["grades"][subject])),
                _trend_chart(f"{subject}: total", periods, total["values"], low, high),
            ]
        )
    body.extend(["<h2>Subjects</h2>", _table(head, rows)])
    if data["teams"]:
        rows = []
        low, high = _range([t["total"]["values"] for t in data["teams"].values()])
        for team, trends in data["teams"].items():
            total = trends["total"]
            rows.append(
                [
                    _e(team),
                    *(_num(v) for v in total["values"]),
                    _num(total["change"]),
                    _num(total["slope"]),
                    " → ".join("–" if s is None else f"{s:g}" for s in trends["size"]["values"]),
                    _trend_chart(f"team {team}: mean total", periods, total["values"], low, high),
                ]
            )
        body.extend(
            [
                "<h2>Teams</h2>",
                _table(["team", *periods, "change", "slope", "subjects", "trend"], rows),
            ]
        )
    return _page(title, "".join(body))


def render_review_html(data: Mapping[str, Any]) -> str:
    """A health review or a period comparison as one self-contained HTML page.

    Args:
        data: :meth:`csperf.Review.to_dict` (the page shows the chart of weight against
            influence, the indicators, the redundant pairs and the suggested changes) or
            :meth:`csperf.Comparison.to_dict` (a trend chart per subject and per team, with the
            totals, changes, slopes and ranks).

    Example:
        >>> from csperf import review
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> results = [card.evaluate({**row, "product_knowledge": k}, f"s{k}")
        ...            for k in (60, 75, 90)]
        >>> page = render_review_html(review(results, card).to_dict())
        >>> "Weight against influence" in page and "<svg" in page
        True
    """
    return _comparison_html(data) if _is_comparison(data) else _review_html(data)


def _sheet_rows(ws: Any, head: Sequence[str], rows: Sequence[Sequence[Any]], bold: Any) -> None:
    ws.append([cell_value(h) for h in head])
    for cell in ws[1]:
        cell.font = bold
    for row in rows:
        ws.append([cell_value(v) for v in row])
        for cell in ws[ws.max_row]:
            as_text(cell)
    for i, h in enumerate(head, start=1):
        width = max([len(str(h))] + [len(str(r[i - 1])) for r in rows if r[i - 1] is not None])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 8), 60)


def _review_workbook(data: Mapping[str, Any], openpyxl: Any) -> Any:
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped, unused-ignore]

    bold = openpyxl.styles.Font(bold=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicators"
    head = [
        "indicator",
        "weight",
        "influence",
        "points mean",
        "points sd",
        "at full",
        "at zero",
        "flags",
    ]
    rows = [
        [
            key,
            v["weight"],
            v["influence"],
            v["points"]["mean"],
            v["points"]["sd"],
            v["at_full"],
            v["at_zero"],
            ", ".join(v["flags"]),
        ]
        for key, v in data["indicators"].items()
    ]
    _sheet_rows(ws, head, rows, bold)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=7):
        for cell in row:
            cell.number_format = "0.0%" if cell.column in (2, 3, 6, 7) else "0.0"
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Nominal weight and effective influence"
    chart.add_data(
        Reference(ws, min_col=2, max_col=3, min_row=1, max_row=len(rows) + 1), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
    chart.height, chart.width = 3 + len(rows), 18
    ws.add_chart(chart, f"A{len(rows) + 4}")
    standards = wb.create_sheet("Standards")
    _sheet_rows(
        standards,
        ["indicator", "band", "share"],
        [
            [key, band, share]
            for key, v in data["indicators"].items()
            for band, share in v["bands"].items()
        ],
        bold,
    )
    redundant = wb.create_sheet("Redundant pairs")
    _sheet_rows(
        redundant,
        ["first", "second", "Spearman rho", "n"],
        [[p["first"], p["second"], p["rho"], p["n"]] for p in data["redundant"]],
        bold,
    )
    recal = wb.create_sheet("Recalibration")
    _sheet_rows(
        recal,
        ["indicator", "part", "before", "after", "why"],
        [
            [c["indicator"], c["part"], c["before"], c["after"] or "unchanged", c["why"]]
            for c in data["recalibration"]["changes"]
        ],
        bold,
    )
    return wb


def _comparison_workbook(data: Mapping[str, Any], openpyxl: Any) -> Any:
    from openpyxl.chart import LineChart, Reference  # type: ignore[import-untyped, unused-ignore]

    bold = openpyxl.styles.Font(bold=True)
    periods = list(data["periods"])
    wb = openpyxl.Workbook()
    first = True
    for title, kind in (("Subjects", "subjects"), ("Teams", "teams")):
        items = data[kind]
        if not items and kind == "teams":
            continue
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = sheet_names([title])[0]
        rows = [
            [name, *trends["total"]["values"], trends["total"]["change"], trends["total"]["slope"]]
            for name, trends in items.items()
        ]
        _sheet_rows(ws, [kind[:-1], *periods, "change", "slope"], rows, bold)
        # One trend line per subject (team): the series are the rows, the periods the categories.
        chart = LineChart()
        chart.title = f"Total per period ({kind})"
        for r in range(2, len(rows) + 2):
            chart.add_data(
                Reference(ws, min_col=1, max_col=len(periods) + 1, min_row=r, max_row=r),
                from_rows=True,
                titles_from_data=True,
            )
        chart.set_categories(Reference(ws, min_col=2, max_col=len(periods) + 1, min_row=1))
        chart.height, chart.width = 9, 18
        ws.add_chart(chart, f"A{len(rows) + 4}")
    ranks = wb.create_sheet("Ranks")
    _sheet_rows(
        ranks,
        ["subject", *periods, "grades"],
        [
            [s, *t["rank"]["values"], " → ".join(g or "-" for g in data["grades"][s])]
            for s, t in data["subjects"].items()
        ],
        bold,
    )
    if data["form_changes"]:
        forms = wb.create_sheet("Form changes")
        _sheet_rows(forms, ["change"], [[line] for line in data["form_changes"]], bold)
    return wb


def write_review_xlsx(data: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write a health review or a period comparison as an Excel workbook, atomically.

    A review gives the sheets *Indicators* (with a bar chart of weight against influence),
    *Standards*, *Redundant pairs* and *Recalibration*; a comparison gives *Subjects* and
    *Teams* (each with a line chart of the totals per period, one line per subject or team),
    *Ranks* and, when the forms differ, *Form changes*.

    Args:
        data: :meth:`csperf.Review.to_dict` or :meth:`csperf.Comparison.to_dict`.
        path: The ``.xlsx`` file; a failure leaves no partial file behind.

    Returns:
        The path written.

    Raises:
        CsperfError: When openpyxl (the ``csperf[excel]`` extra) is not installed.
    """
    import io

    from csperf._io import atomic_write_bytes

    openpyxl = load_openpyxl()
    wb = (_comparison_workbook if _is_comparison(data) else _review_workbook)(data, openpyxl)
    wb.properties.creator = "csperf"
    buffer = io.BytesIO()
    wb.save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())
