"""The columns of each record kind, as CSV files and SQL tables hold them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf.errors import ConfigError, ValidationError
from csperf.metrics import RosterEntry
from csperf.metrics._records import RECORD_KINDS, column_types

__all__ = [
    "COLUMNS",
    "IDENTIFIER",
    "ROSTER",
    "TABLES",
    "Unreadable",
    "check_identifier",
    "check_text_options",
    "parse_number",
    "quote",
    "required_columns",
]

ROSTER = "roster"
"""The name of the roster table or file (``roster.csv``)."""

#: Column type of every field (``id``: text or whole number, ``name``: text, ``ts``: timestamp,
#: ``bool``, ``real``: number), by table; derived from the record classes' attrs metadata
#: (``csperf.metrics._records.column_types``).
COLUMNS: Mapping[str, Mapping[str, str]] = FrozenDict(
    {
        **{name: kind.columns for name, kind in RECORD_KINDS.items()},
        ROSTER: column_types(RosterEntry),
    }
)

#: Every table (record kinds, then the roster).
TABLES: tuple[str, ...] = (*RECORD_KINDS, ROSTER)

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""An SQL identifier csperf accepts as a table or column name (one part of a dotted name)."""


def check_text_options(encoding: str | None, delimiter: str | None, *, obj: str) -> None:
    """Check a CSV reader's ``encoding`` and ``delimiter`` (None: not given) before reading.

    The encoding must name a text codec Python knows (``utf-8``, ``gb18030``, ``utf-16``; not
    ``base64``); the delimiter must be one character that is neither a quote, a line break nor
    a space.

    Raises:
        ConfigError: For anything else, naming the option and its value.
    """
    import codecs

    if encoding is not None:
        try:
            info = codecs.lookup(encoding) if isinstance(encoding, str) else None
        except LookupError:
            info = None
        if info is None or not getattr(info, "_is_text_encoding", True):
            raise ConfigError(
                msg=f"unknown text encoding {encoding!r} (e.g. utf-8, gb18030, utf-16)",
                obj=obj,
                field="encoding",
                value=encoding,
            )
    if delimiter is not None and (
        not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n '
    ):
        raise ConfigError(
            msg="the delimiter must be one character, not a quote, a line break or a space "
            f"(such as ',', ';' or a tab), got {delimiter!r}",
            obj=obj,
            field="delimiter",
            value=delimiter,
        )


def required_columns(table: str) -> tuple[str, ...]:
    """The fields of ``table`` that have no default (a row without them is rejected)."""
    cls = RosterEntry if table == ROSTER else RECORD_KINDS[table].record_type
    return tuple(a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING)


def check_identifier(value: Any, *, obj: str, field: str, dotted: bool = False) -> str:
    """Check a table or column name: ``[A-Za-z_][A-Za-z0-9_]*`` (dotted parts if ``dotted``).

    Names are checked, then quoted; they are never formatted into SQL from raw user text.

    Raises:
        ValidationError: For anything else.
    """
    parts = value.split(".") if isinstance(value, str) and dotted else [value]
    if not all(isinstance(p, str) and IDENTIFIER.fullmatch(p) for p in parts):
        raise ValidationError(
            msg=f"{field} must be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*"
            + (", parts separated by dots" if dotted else "")
            + f"), got {value!r}",
            obj=obj,
            field=field,
            value=value,
        )
    return str(value)


def quote(name: str) -> str:
    """Quote a checked identifier (each part of a dotted name) for SQL."""
    return ".".join(f'"{part}"' for part in name.split("."))


class Unreadable:
    """Text of a number cell that is not a plain decimal number.

    The record check rejects it as ``invalid_field`` (it is neither a number nor text the
    catalog would read as one); it shows as the text it holds.

    Attributes:
        text: The cell's text.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return repr(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unreadable) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def parse_number(text: str) -> Any:
    """A number from the text of a CSV cell, read strictly (:func:`csperf._cells.parse_number`).

    ``"12"`` → 12, ``"4.5"`` → 4.5, ``" 1e3 "`` → 1000.0, ``"１２"`` → 12; a blank cell stays
    text (a missing value). Anything else (``"nan"``, ``"inf"``, ``"1_000"``, ``"٩٠"``,
    ``"twelve"``) becomes an :class:`Unreadable`, which the record check rejects as
    ``invalid_field``, as every other reader does.
    """
    from csperf._cells import clean
    from csperf._cells import parse_number as number_of

    if not clean(text):
        return text
    number = number_of(text)
    return Unreadable(text) if number is None else number
