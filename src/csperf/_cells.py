"""One cell of a record row: the column types of the record schema and how a cell is read.

The record classes of ``csperf.metrics._records`` give each field a column type in its
attrs metadata (key :data:`COLUMN`); the CSV and SQL sources and the Python record check
all read cells by that type. This module also holds the one true/false vocabulary
(:data:`TRUE_WORDS`, :data:`FALSE_WORDS`) used for boolean cells, for boolean source options
and in the SQL dialects.

Which words: English exports write ``TRUE``/``FALSE`` (spreadsheets), ``Yes``/``No`` or
``Y``/``N`` (HR and ticketing tools), ``t``/``f`` (PostgreSQL), ``1``/``0`` and ``on``/``off``
(web-form checkboxes, command lines); Chinese HR tools write ``是``/``否``. Each of these has
one meaning. Words that depend on the question asked (``有``/``无`` "present/absent",
``对``/``错`` "right/wrong", ``通过`` "passed") are not accepted.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, tzinfo
from typing import Any, Literal

from csperf._periods import parse_datetime

__all__ = [
    "COLUMN",
    "COLUMN_TYPES",
    "DOMAIN",
    "FALSE_WORDS",
    "MAX_NUMBER_LENGTH",
    "TRUE_WORDS",
    "WHOLE",
    "ColumnType",
    "clean",
    "coerce_cell",
    "parse_bool",
    "parse_number",
]

#: The type of a record field as a column: ``id`` (text or whole number), ``name`` (text),
#: ``ts`` (timestamp), ``bool`` (true/false), ``real`` (number).
ColumnType = Literal["id", "name", "ts", "bool", "real"]

COLUMN_TYPES: tuple[ColumnType, ...] = ("id", "name", "ts", "bool", "real")
"""Every column type."""

COLUMN = "csperf.column"
"""The attrs metadata key holding a record field's :data:`ColumnType`."""

DOMAIN = "csperf.domain"
"""The attrs metadata key holding a number field's :class:`~csperf.units.ValueDomain`."""

WHOLE = "csperf.whole"
"""The attrs metadata key saying that a number field takes whole numbers only."""

TRUE_WORDS: tuple[str, ...] = ("true", "t", "yes", "y", "1", "on", "是")
"""Text read as true in a boolean cell or option (compared trimmed and lower-cased)."""

FALSE_WORDS: tuple[str, ...] = ("false", "f", "no", "n", "0", "off", "否")
"""Text read as false in a boolean cell or option (compared trimmed and lower-cased)."""


MAX_NUMBER_LENGTH = 100
"""The longest text (after :func:`clean`) read as a number: longer text is not one, so that a
cell cannot make a reader convert thousands of digits."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


def clean(text: str) -> str:
    """A text cell as every reader sees it: NFKC-normalised, then stripped.

    Normalising turns full-width digits, letters and colons (common in Chinese data entry)
    into ASCII, and a no-break space into a space, so ``"９０"`` is ``"90"`` and ``"90\u00a0"``
    is ``"90"``. Digits of other scripts (Arabic-Indic ``٩٠``) stay as they are, and no
    reader accepts them.

    Examples:
        >>> clean("９０\u00a0"), clean(" ｙｅｓ ")
        ('90', 'yes')
    """
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(text: str) -> int | float | None:
    """The number a text cell holds, or None: ASCII decimal digits after :func:`clean`.

    An optional sign, a point and an exponent are allowed (``12``, ``-4.5``, ``1e3``);
    ``nan``, ``inf``, ``1_000``, ``1,5``, non-ASCII digits, and text of more than
    :data:`MAX_NUMBER_LENGTH` characters are not numbers. Neither are superscript and circled
    digits (``²``, ``①``), which normalising would turn into ASCII digits: they are not decimal
    digits (full-width ones are).

    Examples:
        >>> parse_number("１２"), parse_number(" 4.5 "), parse_number("٩٠"), parse_number("nan")
        (12, 4.5, None, None)
        >>> parse_number("1_000"), parse_number("²")
        (None, None)
    """
    if not text.isascii() and any(c.isdigit() and not c.isdecimal() for c in text):
        return None
    cleaned = clean(text)
    if len(cleaned) > MAX_NUMBER_LENGTH:
        return None
    if _INTEGER.fullmatch(cleaned):
        return int(cleaned)
    if _NUMBER.fullmatch(cleaned):
        return float(cleaned)
    return None


def parse_bool(text: str) -> bool | None:
    """True or false for one of :data:`TRUE_WORDS` or :data:`FALSE_WORDS`, else None.

    Examples:
        >>> parse_bool(" Yes "), parse_bool("否"), parse_bool("maybe")
        (True, False, None)
    """
    word = clean(text).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _timestamp(value: Any, zone: tzinfo | None) -> Any:
    if isinstance(value, str):
        try:
            value = parse_datetime(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if type(value) is not datetime and hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()
        if zone is not None and value.tzinfo is None:
            value = value.replace(tzinfo=zone)
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        word = parse_bool(value)
        return value if word is None else word
    if not isinstance(value, bool) and isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str):
        number = parse_number(value)
        return value if number is None else float(number)
    return value


def coerce_cell(column: str, value: Any, tz: tzinfo | None = None) -> Any:
    """A cell's value read as its column type, or the value unchanged when it cannot be.

    ISO-8601 text (:func:`csperf._periods.parse_datetime`) and pandas Timestamps become
    datetimes in ``ts`` columns (naive ones get ``tz`` when it is given), numeric text
    (:func:`parse_number`) becomes a float in ``real`` columns, and the
    true/false words and the numbers ``1``/``0`` become booleans in ``bool`` columns. A value
    that cannot be read is returned as it is, for the record's own check to reject.

    Examples:
        >>> coerce_cell("bool", "是"), coerce_cell("real", " 4.5 "), coerce_cell("name", "ann")
        (True, 4.5, 'ann')
    """
    if column == "ts":
        return _timestamp(value, tz)
    if column == "bool":
        return _boolean(value)
    if column == "real":
        return _number(value)
    return value
