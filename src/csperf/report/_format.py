"""How reports write numbers, intervals, standards and scoring rules as text."""

from __future__ import annotations

import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from csperf._labels import label
from csperf._numbers import decimal_text
from csperf.text import localize

if TYPE_CHECKING:
    from collections.abc import Iterator

    from csperf.grading import GradeBand, GradeScale
    from csperf.report._model import Report
    from csperf.rules import ScoringRule
    from csperf.units import Direction

__all__ = [
    "SCORECARD_COLUMNS",
    "band_interval",
    "bound",
    "direction_text",
    "fixed",
    "measured_text",
    "one_line",
    "percent",
    "raw_text",
    "rule_text",
    "scorecard_rows",
    "standards_text",
]


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other control characters become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def fixed(value: float | None, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, or an em dash for None.

    Rounds half away from zero on the decimal value a person reads, as csperf rounds totals:
    ``fixed(2.675, 2)`` is ``"2.68"`` (where ``f"{2.675:.2f}"`` gives ``"2.67"``).
    """
    if value is None:
        return "—"
    if not math.isfinite(value):
        return raw_text(value)
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP):f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def measured_text(value: float | None) -> str:
    """A measured raw value for reading: six significant digits (``0.814628``, ``226.68``).

    Measurements such as averages carry more digits than anyone reads; the exact value stays
    in the JSON and CSV reports. Values of a million or more are shown as whole numbers.
    """
    if value is None:
        return "—"
    if math.isfinite(value) and abs(value) >= 1e6:
        return f"{value:.0f}"
    return f"{value:.6g}"


def raw_text(value: float | None) -> str:
    """A raw value as the shortest decimal reading back as the same float (``20000``, ``0.92``)."""
    return "—" if value is None else decimal_text(value)


def bound(value: float) -> str:
    """An interval bound: the raw text, or ∞."""
    return raw_text(value)


def percent(weight: float) -> str:
    """A weight as a percentage with at most two decimals (``0.24`` → ``24%``)."""
    text = f"{weight * 100:.2f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


def band_interval(scale: GradeScale, band: GradeBand) -> str:
    """The interval a band covers, with its closed ends (``[80, 90)``, ``[90, 100]``)."""
    ordered = scale.ordered
    first, last = band is ordered[0], band is ordered[-1]
    if scale.closed == "left":
        left, right = "[", "]" if last else ")"
    else:
        left, right = "[" if first else "(", "]"
    if math.isinf(band.lower):
        left = "("
    if math.isinf(band.upper):
        right = ")"
    return f"{left}{bound(band.lower)}, {bound(band.upper)}{right}"


def standards_text(scale: GradeScale | None, lang: str) -> str:
    """Every band of a standards scale with its interval, in the scale's order."""
    if scale is None:
        return "—"
    return "; ".join(f"{localize(b.label, lang)} {band_interval(scale, b)}" for b in scale.bands)


def direction_text(direction: Direction, lang: str) -> str:
    """The direction of an indicator in words."""
    return label(f"direction.{direction.value}", lang)


def rule_text(rule: ScoringRule, lang: str) -> str:
    """A scoring rule written out for people, in ``lang`` (:meth:`~csperf.ScoringRule.describe`)."""
    return one_line(rule.describe(lang))


SCORECARD_COLUMNS = (
    "dimension",
    "indicator",
    "direction",
    "standards",
    "scoring_rule",
    "weight_in_dimension",
    "effective_weight",
)
"""The label keys of the scorecard section's columns; the last two hold numbers."""


def scorecard_rows(report: Report) -> Iterator[tuple[str, str, str, str, list[str]]]:
    """The scorecard section, one row per indicator, for every renderer to lay out.

    Yields:
        The dimension's name and weight, the indicator's name and description ("" when it has
        none), then the cells of the other columns: direction, standards, scoring rule, weight
        in the dimension and effective weight.
    """
    card, lang = report.scorecard, report.lang
    weights = card.weighting
    effective = weights.effective()
    for ind in card.indicators:
        yield (
            report.text(card.dimension(ind.dimension).name),
            percent(weights.dimensions[ind.dimension]),
            report.text(ind.name),
            report.text(ind.description) if ind.description else "",
            [
                direction_text(ind.direction, lang),
                standards_text(ind.standards, lang),
                rule_text(ind.scoring, lang),
                percent(weights.indicators[ind.dimension][ind.key]),
                percent(effective[ind.key]),
            ],
        )
