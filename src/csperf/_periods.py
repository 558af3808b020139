"""Appraisal periods, time zones and timestamps: every reading of time in one place.

* :func:`parse_datetime` reads ISO-8601 timestamps alike on every supported Python;
* :func:`as_timezone` turns an IANA zone name or a ``tzinfo`` into a ``tzinfo``;
* :func:`aware_datetime` turns a datetime, a date or ISO-8601 text into an aware datetime;
* :class:`Period` is a named appraisal period, the half-open interval ``[start, end)``, and
  :func:`parse_period` reads one from ``"2026-Q3"``, ``"2026-07"``, ``"START..END"``...;
* :data:`Bounds`, :func:`resolve_period` and :func:`in_period` are the looser ``(start, end)``
  windows the metric catalog takes (either bound may be open, the window may be empty).

This module is a leaf: it imports only :mod:`csperf.errors`, so the metric catalog, the
sources and the model may all use it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from csperf.errors import ValidationError

__all__ = [
    "Bounds",
    "Period",
    "as_timezone",
    "aware_datetime",
    "in_period",
    "instant",
    "parse_datetime",
    "parse_period",
    "resolve_period",
]

#: A half-open window ``[start, end)`` of aware datetimes; either bound may be None (open).
Bounds = tuple[datetime | None, datetime | None]


# (matched whole, with ``fullmatch``: ``$`` would also match before a final newline; ASCII
# digits only, as in timestamps)
_YEAR = re.compile(r"(\d{4})", re.ASCII)
_HALF = re.compile(r"(\d{4})-H([12])", re.IGNORECASE | re.ASCII)
_QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.IGNORECASE | re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII,
)


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 timestamp such as ``2026-07-01T09:30:00+08:00`` or ``...Z``.

    One grammar on every supported Python (not ``datetime.fromisoformat``'s, which grew on
    3.11): the text is NFKC-normalised (full-width digits and colons become ASCII, a no-break
    space a space) and stripped, then must be ``YYYY-MM-DD``, optionally followed by ``T``
    (or ``t`` or a space), ``HH:MM``, optionally ``:SS`` and a fraction (``.`` or ``,``, up
    to 9 digits, rounded down to the microsecond), and optionally ``Z``/``z`` or an offset
    ``±HH``, ``±HHMM`` or ``±HH:MM`` written right after the time. Refused: the basic format
    (``20240102T000000Z``), hours alone (``T00Z``), week dates (``2024-W01-2``), a space before
    the offset, ``24:00``, and any digit that is not ASCII after normalisation (Arabic-Indic
    digits).

    Raises:
        ValueError: When the text is not such a timestamp.

    Examples:
        >>> parse_datetime("2026-07-01T09:30Z").isoformat()
        '2026-07-01T09:30:00+00:00'
        >>> parse_datetime("２０２６-０７-０１ ０９：３０+0800").isoformat()
        '2026-07-01T09:30:00+08:00'
    """
    # (NFKC leaves ASCII as it is)
    cleaned = text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()
    match = _TIMESTAMP.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not an ISO-8601 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    zone: tzinfo | None = None
    if offset is not None:
        zone = _offset_zone(offset)
        if zone is None:
            raise ValueError(f"offset out of range: {text!r}")
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        micro,
        tzinfo=zone,
    )


@functools.lru_cache(maxsize=256)
def _offset_zone(offset: str) -> timezone | None:
    """The zone of an offset (``Z``, ``+08``, ``-0530``, ``+08:00``), or None for a day or more."""
    if offset in ("Z", "z"):
        return timezone.utc
    digits = offset[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    if minutes >= 24 * 60:
        return None
    sign = -1 if offset[0] == "-" else 1
    return timezone(sign * timedelta(minutes=minutes))


def as_timezone(tz: Any, *, obj: str = "Period", field: str = "tz") -> tzinfo:
    """Turn an IANA zone name (``"Asia/Shanghai"``, ``"UTC"``) or a ``tzinfo`` into a ``tzinfo``.

    Blanks around a name are ignored, and ``"UTC"`` (in any case) is
    :data:`datetime.timezone.utc`.

    Args:
        tz: The zone name or ``tzinfo``.
        obj: The object being built, for the error message.
        field: The field being set, for the error message.

    Returns:
        The ``tzinfo``.

    Raises:
        ValidationError: When the name is not a known zone or the value is neither.

    Examples:
        >>> as_timezone("Asia/Shanghai")
        zoneinfo.ZoneInfo(key='Asia/Shanghai')
        >>> as_timezone("utc")
        datetime.timezone.utc
    """
    if isinstance(tz, tzinfo):
        return tz
    if isinstance(tz, str) and tz.strip():
        if tz.strip().upper() == "UTC":
            return timezone.utc
        try:
            return ZoneInfo(tz.strip())
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ValidationError(
        msg=f"field {field!r} must be an IANA time-zone name such as 'Asia/Shanghai' or a "
        f"tzinfo, got {tz!r}",
        obj=obj,
        field=field,
        value=tz,
    )


def aware_datetime(value: Any, tz: tzinfo | None, *, obj: str, field: str) -> datetime:
    """A timezone-aware datetime from a datetime, a date (its midnight) or ISO-8601 text.

    A naive value is read in ``tz``.

    Args:
        value: The datetime, date or text.
        tz: The zone of a naive value, or None (a naive value is then refused).
        obj: The object being built, for the error message.
        field: The field being set, for the error message.

    Raises:
        ValidationError: For unreadable text, another type, or a naive value without ``tz``.
    """
    original = value
    if isinstance(value, str):
        text = value.strip()
        try:
            value = parse_datetime(text)
        except ValueError:
            raise ValidationError(
                msg=f"field {field!r} must be an ISO-8601 date or timestamp, got {original!r}",
                obj=obj,
                field=field,
                value=original,
            ) from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise ValidationError(
            msg=f"field {field!r} must be a datetime, got {type(value).__name__} {value!r}",
            obj=obj,
            field=field,
            value=original,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        if tz is None:
            raise ValidationError(
                msg=f"field {field!r} is a naive timestamp {original!r}; give it an offset "
                "or pass tz (e.g. tz='Asia/Shanghai')",
                obj=obj,
                field=field,
                value=original,
            )
        value = value.replace(tzinfo=tz)
    result: datetime = value
    return result


def _check_aware(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            msg=f"field {attribute.name!r} must be a timezone-aware datetime, got {value!r}",
            obj="Period",
            field=attribute.name,
            value=value,
        )


@attrs.frozen
class Period:
    """An appraisal period: the half-open interval ``[start, end)``.

    A moment ``t`` belongs to the period when ``start <= t < end``; the first instant of the
    next period does not. Both ends are timezone-aware.

    Attributes:
        start: The first instant of the period (included).
        end: The first instant after the period (excluded); later than ``start``.
        label: A display name such as ``"2026-Q3"``, or None.

    Raises:
        ValidationError: For a naive or non-datetime end, or ``end <= start``.

    Examples:
        >>> from datetime import datetime, timezone
        >>> q3 = Period(datetime(2026, 7, 1, tzinfo=timezone.utc),
        ...             datetime(2026, 10, 1, tzinfo=timezone.utc), "2026-Q3")
        >>> datetime(2026, 9, 30, 23, 59, tzinfo=timezone.utc) in q3
        True
        >>> datetime(2026, 10, 1, tzinfo=timezone.utc) in q3
        False
    """

    start: datetime = attrs.field(validator=_check_aware)
    end: datetime = attrs.field()
    label: str | None = attrs.field(default=None)

    @end.validator
    def _check_end(self, attribute: attrs.Attribute[datetime], value: datetime) -> None:
        _check_aware(self, attribute, value)
        if value <= self.start:
            raise ValidationError(
                msg=f"end {value.isoformat()} must be later than start {self.start.isoformat()}",
                obj="Period",
                field="end",
                value=value,
            )

    @label.validator
    def _check_label(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValidationError(
                msg=f"field 'label' must be a non-empty string or None, got {value!r}",
                obj="Period",
                field="label",
                value=value,
            )

    def __contains__(self, moment: object) -> bool:
        """Whether an aware datetime lies in ``[start, end)``."""
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise ValidationError(
                msg=f"membership needs a timezone-aware datetime, got {moment!r}",
                obj=f"Period {self}",
                field="moment",
                value=moment,
            )
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return self.label or f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """``(start, end)``, the form the metric catalog takes as ``period``."""
        return (self.start, self.end)

    def utc(self) -> tuple[datetime, datetime]:
        """``(start, end)`` converted to UTC."""
        return (self.start.astimezone(timezone.utc), self.end.astimezone(timezone.utc))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ISO-8601 ``start`` and ``end`` with offsets, and ``label``."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}

    @classmethod
    def from_dict(cls, data: Any) -> Period:
        """Rebuild a period from :meth:`to_dict` output.

        Raises:
            ValidationError: For missing or unknown keys, or bad timestamps.
        """
        if not isinstance(data, dict) or not {"start", "end"} <= set(data):
            raise ValidationError(
                msg=f"expected a mapping with 'start' and 'end', got {data!r}",
                obj="Period",
                field="period",
                value=data,
            )
        unknown = set(data) - {"start", "end", "label"}
        if unknown:
            raise ValidationError(
                msg=f"unknown keys {sorted(unknown)} (known: start, end, label)",
                obj="Period",
                field="period",
                value=sorted(unknown),
            )
        return cls(
            aware_datetime(data["start"], None, obj="Period", field="start"),
            aware_datetime(data["end"], None, obj="Period", field="end"),
            data.get("label"),
        )


def _at(year: int, month: int, day: int, tz: tzinfo, text: str) -> datetime:
    try:
        return datetime(year, month, day, tzinfo=tz)
    except ValueError:
        raise ValidationError(
            msg=f"{text!r} is not a valid date", obj="Period", field="period", value=text
        ) from None


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def parse_period(value: Any, *, tz: Any = None) -> Period:
    """Read an appraisal period.

    Accepted forms (``tz`` is the zone of every bound written without an offset):

    ====================================== =============================================
    form                                   period
    ====================================== =============================================
    ``"2026"``                             the calendar year
    ``"2026-H2"``                          a half year (H1 = January-June)
    ``"2026-Q3"``                          a quarter (Q3 = ``[2026-07-01, 2026-10-01)``)
    ``"2026-07"``                          a month
    ``"2026-07-15"``                       a day
    ``"2026-07-01..2026-10-01"``           ``[start, end)``, dates or ISO-8601 timestamps
    ``(start, end)``                       two datetimes (or dates, or ISO-8601 strings)
    a :class:`Period`                      itself
    ====================================== =============================================

    Named forms keep their text as the label; a range has no label. The text is
    NFKC-normalised and stripped first, as every cell is (full-width ``２０２６-Ｑ３`` is
    ``2026-Q3``); digits of other scripts are refused.

    Args:
        value: The period, in one of the forms above.
        tz: An IANA zone name or ``tzinfo``; required when a bound has no offset.

    Returns:
        The :class:`Period`.

    Raises:
        ValidationError: For an unreadable form, a naive bound without ``tz``, an unknown zone
            or an empty interval.

    Examples:
        >>> p = parse_period("2026-Q3", tz="Asia/Shanghai")
        >>> p.start.isoformat(), p.end.isoformat(), p.label
        ('2026-07-01T00:00:00+08:00', '2026-10-01T00:00:00+08:00', '2026-Q3')
        >>> str(parse_period("2026-07-01T00:00Z..2026-07-08T00:00Z"))
        '2026-07-01T00:00:00+00:00..2026-07-08T00:00:00+00:00'
    """
    zone = None if tz is None else as_timezone(tz)
    if isinstance(value, Period):
        return value
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        start = aware_datetime(value[0], zone, obj="Period", field="start")
        end = aware_datetime(value[1], zone, obj="Period", field="end")
        return Period(start, end)
    if not isinstance(value, str):
        raise ValidationError(
            msg=f"expected text such as '2026-Q3' or a (start, end) pair, got {value!r}",
            obj="Period",
            field="period",
            value=value,
        )
    # NFKC, as every cell: full-width digits are digits, other scripts' digits are not
    text = value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if ".." in text:
        first, _, second = text.partition("..")
        return Period(
            aware_datetime(first, zone, obj="Period", field="start"),
            aware_datetime(second, zone, obj="Period", field="end"),
        )
    matchers = (_YEAR, _HALF, _QUARTER, _MONTH, _DAY)
    if not any(m.fullmatch(text) for m in matchers):
        raise ValidationError(
            msg=f"cannot read {value!r}; use '2026', '2026-H1', '2026-Q3', '2026-07', "
            "'2026-07-15' or 'START..END'",
            obj="Period",
            field="period",
            value=value,
        )
    if zone is None:
        raise ValidationError(
            msg=f"{text!r} has no time zone; pass tz (e.g. tz='Asia/Shanghai' or tz='UTC')",
            obj="Period",
            field="tz",
            value=text,
        )
    label = text.upper() if ("Q" in text.upper() or "H" in text.upper()) else text
    if m := _YEAR.fullmatch(text):
        year = int(m[1])
        return Period(_at(year, 1, 1, zone, text), _at(year + 1, 1, 1, zone, text), label)
    if m := _HALF.fullmatch(text):
        year, half = int(m[1]), int(m[2])
        end = _at(year + 1, 1, 1, zone, text) if half == 2 else _at(year, 7, 1, zone, text)
        return Period(_at(year, 1 + 6 * (half - 1), 1, zone, text), end, label)
    if m := _QUARTER.fullmatch(text):
        year, quarter = int(m[1]), int(m[2])
        opening = 3 * (quarter - 1) + 1
        ny, nm = _next_month(year, opening + 2)
        return Period(_at(year, opening, 1, zone, text), _at(ny, nm, 1, zone, text), label)
    if m := _MONTH.fullmatch(text):
        year, month = int(m[1]), int(m[2])
        start = _at(year, month, 1, zone, text)
        ny, nm = _next_month(year, month)
        return Period(start, _at(ny, nm, 1, zone, text), label)
    m = _DAY.fullmatch(text)
    assert m is not None
    start = _at(int(m[1]), int(m[2]), int(m[3]), zone, text)
    following = start.date() + timedelta(days=1)
    return Period(start, _at(following.year, following.month, following.day, zone, text), label)


def resolve_period(period: Any, tz: tzinfo | str | None = None) -> Bounds | None:
    """Check a ``(start, end)`` window and attach ``tz`` to naive bounds.

    This is the looser form the metric catalog takes as ``period``: either bound may be None
    (open), and ``start == end`` is an empty window. An object with ``start`` and ``end``
    attributes (such as a :class:`Period`) is read as ``(period.start, period.end)``; a bound
    may be a datetime, a date or ISO-8601 text (see :func:`aware_datetime`).

    Raises:
        ValidationError: For a period that is not a pair, an unreadable or naive bound without
            ``tz``, an unknown zone, or ``start > end``.

    Examples:
        >>> start, end = resolve_period(("2024-01-01", None), tz="UTC")
        >>> start.isoformat(), end
        ('2024-01-01T00:00:00+00:00', None)
    """
    if period is None:
        return None
    zone = None if tz is None else as_timezone(tz, obj="period")
    if hasattr(period, "start") and hasattr(period, "end"):
        period = (period.start, period.end)
    try:
        start, end = period
    except (TypeError, ValueError):
        raise ValidationError(
            msg=f"period must be a (start, end) pair, got {period!r}", field="period", value=period
        ) from None
    if start is not None:
        start = aware_datetime(start, zone, obj="period", field="start")
    if end is not None:
        end = aware_datetime(end, zone, obj="period", field="end")
    if start is not None and end is not None and start > end:
        raise ValidationError(
            msg=f"start {start.isoformat()} is after end {end.isoformat()}",
            obj="period",
            field="end",
            value=end,
        )
    return (start, end)


def instant(value: Any) -> Any:
    """A value to compare: a timestamp in a zone with daylight saving as its instant on UTC.

    Aware datetimes compare by instant in SQL; Python compares two of one zone by wall clock,
    which differs from the instants' order across a daylight-saving change. A fixed offset
    (:class:`datetime.timezone`, UTC among them) is kept: such datetimes compare by instant.
    """
    if isinstance(value, datetime) and type(value.tzinfo) is not timezone:
        return value.astimezone(timezone.utc)
    return value


def in_period(moment: datetime, period: Bounds | None) -> bool:
    """Whether ``start ≤ moment < end`` (a None period or bound is unbounded).

    Instants are compared, whatever the zones (:func:`instant`), as the database compares
    them: two times of one zone with daylight saving are not compared by wall clock.
    """
    if period is None:
        return True
    start, end = period
    moment = instant(moment)
    if start is not None and moment < instant(start):
        return False
    return end is None or moment < instant(end)
