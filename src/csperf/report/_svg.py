"""Inline SVG charts of the HTML report: the radar of dimension points and the histogram."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from csperf.report._format import bound, fixed
from csperf.report._table import display_width

if TYPE_CHECKING:
    from csperf.grading import GradeBand, GradeScale

__all__ = ["band_colours", "bar_chart", "histogram", "histogram_bins", "radar"]


def _n(value: float) -> str:
    """A coordinate, short."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


LABEL_WIDTH = 20
"""Display columns an axis label of the radar may take before it is cut short with …"""


def _shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, ending in … when cut."""
    if display_width(text) <= width:
        return text
    out = ""
    for char in text:
        if display_width(out + char) > width - 1:
            break
        out += char
    return out.rstrip() + "…"


def band_colours(scale: GradeScale) -> dict[str, float]:
    """Band key → hue: red for the lowest band, green for the highest, evenly between."""
    ordered = scale.ordered
    if len(ordered) == 1:
        return {ordered[0].key: 150.0}
    return {b.key: 4 + 146 * i / (len(ordered) - 1) for i, b in enumerate(ordered)}


def radar(
    names: list[str],
    values: list[float | None],
    max_points: float,
    *,
    decimals: int,
    reference: list[float | None] | None = None,
    title: str,
) -> str:
    r"""A radar chart of dimension points (three dimensions or more).

    Axis ``k`` points at angle :math:`-90° + 360° k / n`; a value :math:`v` sits at radius
    :math:`R \cdot v / \text{max\_points}`. Rings mark every fifth of ``max_points``. A
    ``reference`` polygon (the population mean) is drawn dashed underneath.
    """
    n = len(names)
    width, height, radius = 520.0, 350.0, 118.0
    cx, cy = width / 2, height / 2 + 4

    def point(k: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / n
        r = radius * max(0.0, min(value, max_points)) / max_points
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def polygon(vals: Sequence[float | None]) -> str:
        return " ".join(
            f"{_n(x)},{_n(y)}" for x, y in (point(k, v or 0.0) for k, v in enumerate(vals))
        )

    parts = [
        f'<svg class="chart radar" role="img" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for step in range(1, 6):
        ring = [max_points * step / 5] * n
        parts.append(f'<polygon class="grid" points="{polygon(ring)}"/>')
    for k in range(n):
        x, y = point(k, max_points)
        parts.append(f'<line class="axis" x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}"/>')
    for step in range(1, 6):
        tick = max_points * step / 5
        x, y = point(0, tick)
        parts.append(
            f'<text class="tick" x="{_n(x + 4)}" y="{_n(y + 11)}">{escape(bound(tick))}</text>'
        )
    if reference is not None:
        parts.append(f'<polygon class="reference" points="{polygon(reference)}"/>')
    parts.append(f'<polygon class="mark area" points="{polygon(values)}"/>')
    for k, value in enumerate(values):
        dot_x, dot_y = point(k, value or 0.0)
        parts.append(f'<circle class="mark dot" cx="{_n(dot_x)}" cy="{_n(dot_y)}" r="3.2"/>')
    for k, (name, value) in enumerate(zip(names, values)):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + (radius + 14) * cos, cy + (radius + 14) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        if sin < -0.5:
            y -= 16
        elif abs(sin) <= 0.5:
            y -= 6
        parts.append(
            f'<text class="label" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">'
            f"<title>{escape(name)}</title><tspan>{escape(_shorten(name, LABEL_WIDTH))}</tspan>"
            f'<tspan class="value" x="{_n(x)}" dy="15">{escape(fixed(value, decimals))}</tspan>'
            "</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    names: list[str], values: list[float | None], max_points: float, *, decimals: int, title: str
) -> str:
    """Horizontal bars of dimension points, for a scorecard with fewer than three dimensions."""
    width, left, right, row = 440.0, 130.0, 380.0, 34.0
    height = 24 + row * len(names)
    parts = [
        f'<svg class="chart bars" role="img" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (name, value) in enumerate(zip(names, values)):
        y = 12 + i * row
        length = (right - left) * max(0.0, min(value or 0.0, max_points)) / max_points
        parts.append(
            f'<text class="label" x="{_n(left - 8)}" y="{_n(y + 15)}" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect class="grid-bar" x="{_n(left)}" y="{_n(y)}" width="{_n(right - left)}" '
            f'height="20" rx="3"/>'
            f'<rect class="mark bar" x="{_n(left)}" y="{_n(y)}" width="{_n(max(length, 0.5))}" '
            f'height="20" rx="3"/>'
            f'<text class="value" x="{_n(right + 6)}" y="{_n(y + 15)}">'
            f"{escape(fixed(value, decimals))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram_bins(
    scale: GradeScale, low: float, high: float, target: float
) -> list[tuple[GradeBand, float, float]]:
    """Bins of the histogram, none straddling two grades.

    Each grade band, clipped to ``[low, high]``, is cut into bins of about ``target`` width.

    Returns:
        ``(band, bin_lower, bin_upper)`` from the lowest bin up.
    """
    bins = []
    for band in scale.ordered:
        lo, hi = max(band.lower, low), min(band.upper, high)
        if hi <= lo:
            continue
        count = max(1, round((hi - lo) / target))
        width = (hi - lo) / count
        bins += [(band, lo + j * width, lo + (j + 1) * width) for j in range(count)]
    return bins


def nice_step(at_least: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least ``at_least`` (a tick step).

    Examples:
        >>> nice_step(0.2), nice_step(3), nice_step(51), nice_step(200)
        (1, 5, 100, 200)
    """
    magnitude = 1
    while True:
        for base in (1, 2, 5):
            if base * magnitude >= at_least:
                return base * magnitude
        magnitude *= 10


TEXT_WIDTH = 6.6
"""Estimated width in px of one display column (:func:`display_width`) of 12 px chart text."""


def _text_width(text: str, size: float = 12) -> float:
    return display_width(text) * TEXT_WIDTH * size / 12


def histogram(
    totals: list[float],
    grades: list[str],
    scale: GradeScale,
    max_points: float,
    *,
    labels: dict[str, str],
    mean: float,
    mean_label: str,
    axis_label: str,
    count_label: str,
    title: str,
    decimals: int,
) -> str:
    """A histogram of totals over ``[0, max_points]`` with the grade bands shaded behind it.

    Every band is cut into bins of about a twentieth of ``max_points``; a total is counted in
    the bin of its own grade band (the band the scorecard graded it into), so a total on a
    band edge lands on the side its grade says. Each band is labelled with its name and the
    number of subjects in it (a label that would run into its left neighbour moves up a row);
    a dashed line marks the mean, labelled above the plot; the x axis is the total, the y
    axis the number of subjects.
    """
    width, height = 720.0, 340.0
    x0, x1, y0, y1 = 60.0, 700.0, 64.0, 290.0
    low, high = 0.0, max_points
    bins = histogram_bins(scale, low, high, max_points / 20)
    counts = [0] * len(bins)
    of_band: dict[str, list[int]] = {}
    for i, (band, _, _) in enumerate(bins):
        of_band.setdefault(band.key, []).append(i)
    for total, grade in zip(totals, grades):
        mine = of_band.get(grade, [])
        if not mine:
            continue
        first = bins[mine[0]]
        size = first[2] - first[1]
        offset = (total - first[1]) / size
        index = math.ceil(offset) - 1 if scale.closed == "right" else math.floor(offset)
        counts[mine[max(0, min(len(mine) - 1, index))]] += 1
    top = max(counts) if counts else 0
    step = nice_step(top / 5)
    y_max = max(step * math.ceil(top / step), 1)
    # Room on the left for the widest count and, left of it, the y axis's label.
    x0 = max(x0, 34 + _text_width(f"{y_max:,}", 11) + 8)

    def sx(value: float) -> float:
        return x0 + (x1 - x0) * (value - low) / (high - low)

    def sy(count: float) -> float:
        return y1 - (y1 - y0) * count / y_max

    hues = band_colours(scale)
    parts = [
        f'<svg class="chart histogram" role="img" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    per_band: dict[str, int] = dict.fromkeys(scale.keys, 0)
    for grade in grades:
        per_band[grade] += 1
    edges = {low, high}
    rows_right = [-math.inf, -math.inf]  # the right end of the last label in each row
    for band in scale.ordered:
        lo, hi = max(band.lower, low), min(band.upper, high)
        if hi <= lo:
            continue
        edges.update((lo, hi))
        hue = hues[band.key]
        text = f"{labels[band.key]} · {per_band[band.key]}"
        centre, half = (sx(lo) + sx(hi)) / 2, _text_width(text) / 2
        row = 0 if centre - half >= rows_right[0] + 4 or centre - half < rows_right[1] + 4 else 1
        rows_right[row] = centre + half
        parts.append(
            f'<rect class="band" x="{_n(sx(lo))}" y="{_n(y0 - 36)}" '
            f'width="{_n(sx(hi) - sx(lo))}" height="{_n(y1 - y0 + 36)}" '
            f'style="fill:hsl({_n(hue)},65%,94%)"/>'
            f'<text class="band-label" x="{_n(centre)}" y="{_n(y0 - 8 - 16 * row)}" '
            f'text-anchor="middle" style="fill:hsl({_n(hue)},55%,30%)">{escape(text)}</text>'
        )
    for tick in range(0, y_max + 1, step):
        parts.append(
            f'<line class="gridline" x1="{_n(x0)}" x2="{_n(x1)}" y1="{_n(sy(tick))}" '
            f'y2="{_n(sy(tick))}"/>'
            f'<text class="tick" x="{_n(x0 - 8)}" y="{_n(sy(tick) + 4)}" text-anchor="end">'
            f"{tick:,}</text>"
        )
    for (band, lo, hi), count in zip(bins, counts):
        if count == 0:
            continue
        hue = hues[band.key]
        parts.append(
            f'<rect class="mark bar" x="{_n(sx(lo) + 1)}" y="{_n(sy(count))}" '
            f'width="{_n(max(sx(hi) - sx(lo) - 2, 1))}" height="{_n(y1 - sy(count))}" '
            f'style="fill:hsl({_n(hue)},50%,42%)"><title>{escape(bound(lo))}–'
            f"{escape(bound(hi))}: {count}</title></rect>"
        )
    parts.append(
        f'<line class="baseline" x1="{_n(x0)}" x2="{_n(x1)}" y1="{_n(y1)}" y2="{_n(y1)}"/>'
    )
    for edge in sorted(edges):
        parts.append(
            f'<line class="edge" x1="{_n(sx(edge))}" x2="{_n(sx(edge))}" y1="{_n(y1)}" '
            f'y2="{_n(y1 + 5)}"/>'
            f'<text class="tick" x="{_n(sx(edge))}" y="{_n(y1 + 19)}" text-anchor="middle">'
            f"{escape(bound(edge))}</text>"
        )
    mx = sx(max(low, min(mean, high)))
    text = f"{mean_label} {fixed(mean, decimals)}"
    half = _text_width(text, 11) / 2
    label_x = max(x0 + half, min(x1 - half, mx))
    parts.append(
        f'<line class="mean" x1="{_n(mx)}" x2="{_n(mx)}" y1="{_n(y0 - 4)}" y2="{_n(y1)}"/>'
        f'<text class="mean-label" x="{_n(label_x)}" y="{_n(y0 - 48)}" text-anchor="middle">'
        f"{escape(text)}</text>"
        f'<text class="axis-label" x="{_n((x0 + x1) / 2)}" y="{_n(y1 + 42)}" '
        f'text-anchor="middle">{escape(axis_label)}</text>'
        f'<text class="axis-label" x="{_n(16)}" y="{_n((y0 + y1) / 2)}" text-anchor="middle" '
        f'transform="rotate(-90 16 {_n((y0 + y1) / 2)})">{escape(count_label)}</text>'
        "</svg>"
    )
    return "".join(parts)
