"""How reports write numbers, intervals, standards and scoring rules as text."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import attrs

from csperf._labels import label
from csperf._numbers import decimal_text
from csperf.text import localize

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import date, datetime

    from csperf.grading import GradeBand, GradeScale
    from csperf.report._model import Report
    from csperf.rules import ScoringRule
    from csperf.units import Direction

__all__ = [
    "SCORECARD_COLUMNS",
    "Display",
    "band_interval",
    "bound",
    "direction_text",
    "display_for",
    "fixed",
    "measured_text",
    "one_line",
    "percent",
    "percent_column",
    "period_text",
    "raw_text",
    "rule_text",
    "scorecard_rows",
    "shared_decimals",
    "standards_text",
    "unit_kind",
]


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other control characters become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


@functools.lru_cache(maxsize=1 << 16)
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


# -- raw values as people read them -------------------------------------------------------

_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
_RATING = re.compile(r"(?:rating|scale)\s+(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)")


def unit_kind(unit: str) -> str:
    """How a unit is shown: ``fraction``, ``percent``, ``duration``, ``rating`` and so on.

    One of ``fraction``, ``percent``, ``duration``, ``rating``, ``points``, ``count``,
    ``other``. Case and surrounding spaces do not matter, as in :func:`csperf.units.domain_of_unit`.

    Examples:
        >>> [unit_kind(u) for u in ("fraction", "%", "s", "rating 1-5", "points", "NPS")]
        ['fraction', 'percent', 'duration', 'rating', 'points', 'other']
    """
    name = unit.strip().lower()
    if name == "fraction":
        return "fraction"
    if name in ("%", "percent"):
        return "percent"
    if name in _SECONDS:
        return "duration"
    if _RATING.fullmatch(name):
        return "rating"
    if name in ("points", "count"):
        return name
    return "other"


def _exact_at(value: float, decimals: int) -> bool:
    rounded = float(fixed(value, decimals))
    return abs(rounded - value) <= 1e-9 * max(1.0, abs(value))


def shared_decimals(values: Iterable[float], low: int, high: int) -> int:
    """The fewest decimals from ``low`` to ``high`` that show every value exactly, else ``high``.

    One number of decimals for a whole column, so that the column reads at one precision.

    Examples:
        >>> shared_decimals([81.5, 90.0], 0, 1), shared_decimals([90.0, 100.0], 0, 1)
        (1, 0)
        >>> shared_decimals([81.4628], 0, 1)
        1
    """
    known = [v for v in values if math.isfinite(v)]
    for decimals in range(low, high + 1):
        if all(_exact_at(v, decimals) for v in known):
            return decimals
    return high


def _percent_high(values: list[float]) -> int:
    """Decimals of a percentage column: 1, or up to 3 so the smallest non-zero shows 2 digits."""
    small = [abs(v) for v in values if v != 0 and math.isfinite(v)]
    if not small or min(small) >= 1:
        return 1
    return max(1, min(3, math.floor(-math.log10(min(small))) + 2))


def _round_half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@attrs.frozen
class Display:
    """How the raw values of one column (one indicator, one unit) are shown to people.

    Made by :func:`display_for` from the unit and every value of the column, so that the
    column shares one precision. Exact values stay in the JSON, CSV and Arrow outputs.

    Attributes:
        kind: What :func:`unit_kind` says of the unit.
        unit: The unit as the indicator states it.
        lang: The language of the unit words (``"en"`` or ``"zh"``).
        decimals: Decimals of the number shown (of the percentage for a fraction, of the
            seconds for a short duration).
        smallest: For a duration, the smallest part shown: ``"s"`` or ``"min"``.
        top: For a rating, the top of its scale (``5`` in ``rating 1-5``).
    """

    kind: str
    unit: str
    lang: str
    decimals: int = 0
    smallest: str = "s"
    top: str = ""

    def __call__(self, value: float | None) -> str:
        """The value as text with its unit (``"81.5%"``, ``"2 h 51 min"``, ``"4.2 / 5"``)."""
        if value is None:
            return "—"
        if not math.isfinite(value):
            return raw_text(value)
        lab = self.lang
        if self.kind == "fraction":
            return fixed(value * 100, self.decimals) + label("unit.percent", lab)
        if self.kind == "percent":
            return fixed(value, self.decimals) + label("unit.percent", lab)
        if self.kind == "rating":
            return f"{fixed(value, self.decimals)} / {self.top}"
        if self.kind == "points":
            return fixed(value, self.decimals) + label("unit.points", lab)
        if self.kind == "count":
            return f"{_round_half_up(value):,}"
        if self.kind == "duration":
            return self._duration(value * _SECONDS[self.unit.strip().lower()])
        text = measured_text(value)
        return f"{text} {self.unit}" if self.unit else text

    def excel(self, value: float) -> tuple[float, str]:
        """The value as an Excel cell shows it: the number to store and its number format.

        A spreadsheet keeps the number and formats it, so that it still computes: a fraction
        stays 0.8146 under ``0.0%``; a duration becomes days (Excel's time unit) under
        ``[h]" h "mm" min"``; a rating keeps its value under ``0.0" / 5"``.

        Examples:
            >>> display_for("fraction", [0.814628]).excel(0.814628)
            (0.814628, '0.0%')
            >>> display_for("s", [10282.8]).excel(10282.8)
            (0.11901388888888888, '[h]" h "mm" min"')
            >>> display_for("rating 1-5", [4.0], "zh").excel(4.0)
            (4.0, '0.0" / 5"')
        """
        digits = "0" + ("." + "0" * self.decimals if self.decimals else "")
        percent = label("unit.percent", self.lang)
        if self.kind == "fraction":
            return value, digits + percent
        if self.kind == "percent":
            return value / 100, digits + percent
        if self.kind == "rating":
            return value, f'{digits}" / {self.top}"'
        if self.kind == "points":
            return value, f'{digits}"{label("unit.points", self.lang)}"'
        if self.kind == "count":
            return value, "#,##0"
        if self.kind == "duration":
            seconds = value * _SECONDS[self.unit.strip().lower()]
            if self.smallest == "s" and self.decimals > 0:
                return seconds, f'{digits}"{label("duration.s", self.lang, s="")}"'
            if self.smallest == "min":
                pattern = label("duration.h_min", self.lang, h="\x00", min="\x01")
                return seconds / 86400, _excel_time(pattern, {"\x00": "[h]", "\x01": "mm"})
            pattern = label("duration.min_s", self.lang, min="\x00", s="\x01")
            return seconds / 86400, _excel_time(pattern, {"\x00": "[m]", "\x01": "ss"})
        return value, "General"

    def _duration(self, seconds: float) -> str:
        sign = "-" if seconds < 0 else ""
        seconds = abs(seconds)
        if self.smallest == "s" and self.decimals > 0:
            return sign + label("duration.s", self.lang, s=fixed(seconds, self.decimals))
        if self.smallest == "min":
            hours, minutes = divmod(_round_half_up(seconds / 60), 60)
            parts = {"h": hours, "min": minutes}
        else:
            hours, rest = divmod(_round_half_up(seconds), 3600)
            parts = dict(zip(("h", "min", "s"), (hours, *divmod(rest, 60))))
        while len(parts) > 1 and next(iter(parts.values())) == 0:
            del parts[next(iter(parts))]
        return sign + label("duration." + "_".join(parts), self.lang, **parts)


def _excel_time(pattern: str, codes: dict[str, str]) -> str:
    """A duration label turned into an Excel format: its words quoted, its fields as codes."""
    out, word = [], ""
    for char in pattern:
        if char in codes:
            if word:
                out.append(f'"{word}"')
                word = ""
            out.append(codes[char])
        else:
            word += char
    if word:
        out.append(f'"{word}"')
    return "".join(out)


def display_for(unit: str, values: Iterable[float | None], lang: str = "en") -> Display:
    """The :class:`Display` of a column of raw values in ``unit``.

    * ``fraction``: a percentage (``0.814628`` → ``81.5%``); ``%`` and ``percent`` the same
      without the factor 100. One decimal, none when every value is whole, more (up to three)
      when the smallest non-zero value would show fewer than two digits (``0.4%``, ``0.045%``).
    * a duration (``s``, ``ms``, ``min``, ``h``, ``d``): hours, minutes and seconds
      (``10282.8 s`` → ``2 h 51 min``). When the column reaches an hour, it is shown to the
      minute; when it reaches a minute, to the second; below, in seconds with one decimal
      when a value is not whole.
    * ``rating A-B``: ``4.2 / 5``, one decimal (two when a value needs them).
    * ``points``: the number with the fewest decimals (up to two) that shows every value.
    * ``count``: a whole number with thousands separators.
    * any other unit: six significant digits and the unit.

    Args:
        unit: The unit of the column (:attr:`csperf.Indicator.unit`).
        values: Every value of the column; None (missing) values are skipped.
        lang: The language of the unit words.

    Examples:
        >>> show = display_for("fraction", [0.814628, 0.9])
        >>> show(0.814628), show(0.9)
        ('81.5%', '90.0%')
        >>> show = display_for("s", [10282.8, 95])
        >>> show(10282.8), show(95), display_for("s", [95], "zh")(95)
        ('2 h 51 min', '2 min', '1分35秒')
        >>> display_for("rating 1-5", [4.0])(4.0)
        '4.0 / 5'
    """
    kind = unit_kind(unit)
    known = [float(v) for v in values if v is not None and math.isfinite(v)]
    if kind == "fraction":
        scaled = [v * 100 for v in known]
        return Display(kind, unit, lang, shared_decimals(scaled, 0, _percent_high(scaled)))
    if kind == "percent":
        return Display(kind, unit, lang, shared_decimals(known, 0, _percent_high(known)))
    if kind == "rating":
        match = _RATING.fullmatch(unit.strip().lower())
        assert match is not None
        return Display(kind, unit, lang, shared_decimals(known, 1, 2), top=match.group(2))
    if kind == "points":
        return Display(kind, unit, lang, shared_decimals(known, 0, 2))
    if kind == "duration":
        factor = _SECONDS[unit.strip().lower()]
        seconds = [abs(v) * factor for v in known]
        longest = max(seconds, default=0.0)
        if longest >= 3600:
            return Display(kind, unit, lang, smallest="min")
        if longest >= 60:
            return Display(kind, unit, lang, smallest="s")
        return Display(kind, unit, lang, shared_decimals(seconds, 0, 1), smallest="s")
    return Display(kind, unit, lang)


def percent_column(weights: Iterable[float], lang: str = "en", *, most: int = 2) -> list[str]:
    """Weights (``0.24``) as percentages sharing one number of decimals, at most ``most``.

    Examples:
        >>> percent_column([0.122, 0.07977, 0.2393], most=1)
        ['12.2%', '8.0%', '23.9%']
        >>> percent_column([0.25, 0.75])
        ['25%', '75%']
    """
    scaled = [w * 100 for w in weights]
    decimals = shared_decimals(scaled, 0, most)
    return [fixed(v, decimals) + label("unit.percent", lang) for v in scaled]


def period_text(start: date | datetime, end: date | datetime, lang: str = "en") -> str:
    """A half-open period ``[start, end)`` as people read it: its first and last day.

    A period ends at the first instant after it (1 April for the first quarter); people read
    "2024-01-01 – 2024-04-01" as including 1 April. When ``end`` falls on a midnight, the last
    day shown is the day before: ``2024-01-01 – 2024-03-31``. A period that does not end on
    a midnight shows its end instant with "before" (``2024-01-01 – before 2024-01-01 12:00``).

    Examples:
        >>> from datetime import date, datetime
        >>> period_text(date(2024, 1, 1), date(2024, 4, 1))
        '2024-01-01 – 2024-03-31'
        >>> period_text(datetime(2024, 7, 1), datetime(2024, 7, 2), "zh")
        '2024-07-01 至 2024-07-01'
    """
    from datetime import datetime as _datetime
    from datetime import time, timedelta

    def day(moment: date | datetime) -> str:
        return f"{moment:%Y-%m-%d}"

    sep = label("period.to", lang)
    if isinstance(end, _datetime) and end.time() != time():
        stamp = f"{end:%Y-%m-%d %H:%M}"
        return f"{day(start)}{sep}{label('period.before', lang, end=stamp)}"
    return f"{day(start)}{sep}{day(end - timedelta(days=1))}"
