"""SQL dialects: how an engine stores timestamps, numbers and flags, and how to bind values.

The metric SQL (:mod:`csperf.sources._sqlmetrics`) is portable: CTEs, ``CASE``, ``EXISTS``,
``COUNT(DISTINCT ...)`` and the window functions ``ROW_NUMBER`` and ``LEAD``. What differs
between engines is only how a stored column is *read*: a dialect turns each column into four
expressions (its value, and whether it is missing, unreadable or a naive timestamp), and
gives the row order of a table.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

import attrs

from csperf._cells import FALSE_WORDS, TRUE_WORDS
from csperf._frozen import FrozenDict
from csperf.errors import ConfigError, ValidationError
from csperf.sources._schema import NUMBER_PATTERN

__all__ = ["DIALECTS", "Column", "Dialect", "DuckDbDialect", "Params", "SqliteDialect", "dialect"]

_MARKER = re.compile(r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")
_OFFSET = (
    r"^.*[T ][0-9]{1,2}(:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?)?\s*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
)


class Params:
    """Values bound to a query, referred to in its text as ``:name`` markers.

    Values are always bound, never formatted into SQL text; :meth:`render` turns the markers
    into the driver's placeholders (DB-API ``paramstyle``).
    """

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any, hint: str = "p") -> str:
        """Bind ``value``; returns its marker."""
        name = f"{hint}{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def render(self, sql: str, paramstyle: str) -> tuple[str, Any]:
        """The SQL text and parameters for a DB-API ``paramstyle``.

        Raises:
            ConfigError: For an unknown paramstyle.
        """
        order: list[str] = []

        def placeholder(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.values:  # pragma: no cover - a bug in csperf's SQL
                raise KeyError(name)
            order.append(name)
            if paramstyle == "qmark":
                return "?"
            if paramstyle == "numeric":
                return f":{len(order)}"
            if paramstyle == "named":
                return f":{name}"
            if paramstyle == "format":
                return "%s"
            if paramstyle == "pyformat":
                return f"%({name})s"
            raise ConfigError(
                msg=f"unknown DB-API paramstyle {paramstyle!r} (known: qmark, numeric, named, "
                "format, pyformat)",
                field="paramstyle",
                value=paramstyle,
            )

        text = _MARKER.sub(placeholder, sql)
        if paramstyle in ("named", "pyformat"):
            return text, {name: self.values[name] for name in order}
        return text, [self.values[name] for name in order]


@attrs.frozen
class Column:
    """How one stored column reads as a record field, as SQL expressions.

    The expressions are computed in stages, each once per row: ``base`` from the stored
    column; then each of ``helpers`` from ``@base@``; then ``missing``, ``bad``, ``naive``
    and ``value``, which may refer to ``@base@`` and to ``@<helper>@``.

    Attributes:
        missing: True when the cell holds no value (NULL, blank text, NaN).
        bad: True when a present cell cannot be the field's type (checked only if not missing).
        naive: True when a readable timestamp has no offset and no time zone was given.
        value: The value: text for ids and names, microseconds since 1970-01-01 UTC for
            timestamps, 0/1 for flags, a double for numbers. It may be anything for a cell
            that is missing, bad or naive, but must not raise.
        base: The first stage, e.g. the trimmed text; ``@ref@`` is the stored column.
        helpers: Name → expression of the second stage.
    """

    missing: str
    bad: str = "1 = 0"
    naive: str = "1 = 0"
    value: str = "NULL"
    base: str = "@ref@"
    helpers: Mapping[str, str] = attrs.field(factory=dict)


_ABSENT = Column(missing="1 = 1")


def _tz_parts(tz: tzinfo | None, params: Params) -> tuple[str, str] | None:
    """``("name", marker)`` or ``("offset", marker)`` for converting local times."""
    if tz is None:
        return None
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return ("name", params.add(key, "tz"))
    offset = tz.utcoffset(None)
    if isinstance(offset, timedelta):
        return ("offset", params.add(offset // timedelta(microseconds=1), "tz"))
    probe = tz.utcoffset(datetime(2000, 1, 1))  # pragma: no cover - exotic tzinfo
    raise ValidationError(
        msg=f"time zone {tz!r} has no IANA name and no fixed offset ({probe}); "
        "give tz as a name such as 'Asia/Shanghai'",
        obj="SqlSource",
        field="tz",
        value=tz,
    )


class Dialect:
    """How an SQL engine reads the stored columns; subclass it for another engine.

    The built-in dialects are ``"sqlite"`` (:class:`SqliteDialect`) and ``"duckdb"``
    (:class:`DuckDbDialect`). A dialect for another engine implements :meth:`column` and
    :meth:`position`; the metric SQL itself needs CTEs, ``CASE``, ``EXISTS``, ``LEFT JOIN``,
    ``COUNT(DISTINCT ...)`` and the window functions ``ROW_NUMBER`` and ``LEAD``.

    Attributes:
        name: The dialect's name.
        paramstyle: The DB-API placeholder style of the engine's driver (``"qmark"``...).
        materialized: The keyword that keeps a CTE from being merged into the query that
            reads it (``"MATERIALIZED "``), or ``""``; it keeps the per-row reading of
            columns from being computed several times.
        temporary_tables: Whether csperf may create a temporary table (``CREATE TEMPORARY
            TABLE ... AS``) to check each record kind once per measurement; without it,
            every metric query repeats the checks.
    """

    name = "generic"
    paramstyle = "qmark"
    temporary_tables = False
    materialized = ""

    def cursor(self, connection: Any) -> Any:
        """The cursor every statement of one measurement runs on: ``connection.cursor()``."""
        return connection.cursor()

    def position(self, order_by: str | None) -> str:
        """SQL for a row's 0-based position in the table (its input order).

        Args:
            order_by: A quoted column that orders the rows, or None for the engine's order.
        """
        if order_by is not None:
            return f"(ROW_NUMBER() OVER (ORDER BY {order_by}) - 1)"
        return "(ROW_NUMBER() OVER () - 1)"

    def column(
        self, field_type: str, type_name: str | None, params: Params, tz: tzinfo | None
    ) -> Column:
        """How a stored column (``@ref@`` in the expressions) reads as a field.

        Args:
            field_type: ``"id"``, ``"name"``, ``"ts"``, ``"bool"`` or ``"real"``.
            type_name: The column's type as the driver describes it (``cursor.description``),
                or None when unknown.
            params: Where to bind values the expressions need.
            tz: The zone of naive timestamps, or None (they are then rejected).
        """
        raise NotImplementedError


def _literal(text: str) -> str:
    """A constant of csperf's own as an SQL string literal (never user input).

    A constant pattern lets the engine compile it once; a bound one may be compiled per row.
    """
    assert "'" not in text
    assert "%" not in text
    assert not re.search(r":[A-Za-z_]", text)
    return f"'{text}'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class SqliteDialect(Dialect):
    """SQLite through :mod:`sqlite3`.

    Storage convention: timestamps are **seconds since 1970-01-01 00:00 UTC** (an INTEGER or
    REAL column; microseconds survive a REAL until the year 2255); text in a timestamp column
    is rejected as ``invalid_field``. Flags are 0/1 (or the text ``true``/``false``), numbers
    INTEGER or REAL, ids TEXT or INTEGER, names TEXT. SQLite's types are per value, so each
    cell is checked. Rows are in ``rowid`` order. :func:`write_tables` writes this layout.
    """

    name = "sqlite"
    paramstyle = "qmark"
    temporary_tables = True
    materialized = "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35) else ""

    def position(self, order_by: str | None) -> str:
        """The row's rank in ``rowid`` order (or ``order_by``), from 0."""
        return f"(ROW_NUMBER() OVER (ORDER BY {order_by or 'rowid'}) - 1)"

    @staticmethod
    def _trim(ref: str) -> str:
        return f"trim({ref}, ' ' || char(9) || char(10) || char(11) || char(12) || char(13))"

    def column(
        self, field_type: str, type_name: str | None, params: Params, tz: tzinfo | None
    ) -> Column:
        """See :meth:`Dialect.column`; ``type_name`` is ignored (SQLite types each value)."""
        helpers = {"kind": "typeof(@base@)"}
        missing = f"(@base@ IS NULL OR (@kind@ = 'text' AND {self._trim('@base@')} = ''))"
        numeric = "@kind@ IN ('integer', 'real')"
        if field_type == "name":
            return Column(missing, "@kind@ <> 'text'", value="@base@", helpers=helpers)
        if field_type == "id":
            return Column(
                missing, "@kind@ NOT IN ('text', 'integer')", value="@base@", helpers=helpers
            )
        if field_type == "ts":
            return Column(
                missing,
                f"NOT ({numeric})",
                value="CAST(ROUND(@base@ * 1000000) AS INTEGER)",
                helpers=helpers,
            )
        if field_type == "bool":
            helpers["lowered"] = f"lower({self._trim('@base@')})"
            good = (
                f"(({numeric}) AND @base@ IN (0, 1)) OR (@kind@ = 'text' AND "
                f"@lowered@ IN {_in(TRUE_WORDS + FALSE_WORDS)})"
            )
            value = (
                f"CASE WHEN @kind@ = 'text' THEN (CASE WHEN @lowered@ IN {_in(TRUE_WORDS)} "
                "THEN 1 ELSE 0 END) ELSE CAST(@base@ AS INTEGER) END"
            )
            return Column(missing, f"NOT ({good})", value=value, helpers=helpers)
        if field_type == "real":
            return Column(
                missing,
                f"NOT ({numeric}) OR @base@ IN (9e999, -9e999)",
                value="CAST(@base@ AS REAL)",
                helpers=helpers,
            )
        raise ValueError(field_type)  # pragma: no cover - a bug in csperf


_INTEGER_TYPES = frozenset(
    {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    }
)
_FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE", "REAL"})


class DuckDbDialect(Dialect):
    """DuckDB, over its own tables or over Parquet and CSV files.

    Columns are read by their declared type: ``TIMESTAMP WITH TIME ZONE`` as it is,
    ``TIMESTAMP`` (naive) in the ``tz`` given (rejected as ``naive_timestamp`` without one),
    numbers, ``BOOLEAN`` and ``VARCHAR`` ids and names as they are. A ``VARCHAR`` column of
    another field type (every column of a CSV file, which csperf reads as text) is parsed
    the way :class:`~csperf.sources.CsvSource` parses a CSV cell: ISO-8601 timestamps, plain
    decimal numbers, ``true``/``false``; anything else is rejected as ``invalid_field``. Rows
    are in scan order (the file's order).
    """

    name = "duckdb"
    paramstyle = "qmark"
    temporary_tables = True
    materialized = "MATERIALIZED "

    _WS = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"

    def cursor(self, connection: Any) -> Any:
        """The connection itself.

        A DuckDB cursor is a connection of its own, which does not see the DataFrames
        registered on (or the temporary tables of) the connection it came from.
        """
        return connection

    def _local(self, expr: str, params: Params, tz: tzinfo | None) -> str:
        parts = _tz_parts(tz, params)
        if parts is None:
            return "NULL"
        how, marker = parts
        if how == "name":
            return f"epoch_us(timezone({marker}, {expr}))"
        return f"(epoch_us({expr}) - {marker})"

    def _text(self, field_type: str, params: Params, tz: tzinfo | None) -> Column:
        base = f"trim(@ref@, {self._WS})"
        missing = "(@base@ IS NULL OR @base@ = '')"
        if field_type in ("name", "id"):
            return Column(missing, value="@ref@")
        if field_type == "bool":
            return Column(
                missing,
                f"lower(@base@) NOT IN {_in(TRUE_WORDS + FALSE_WORDS)}",
                value=f"CASE WHEN lower(@base@) IN {_in(TRUE_WORDS)} THEN 1 ELSE 0 END",
                base=base,
            )
        if field_type == "real":
            return Column(
                missing,
                f"NOT regexp_matches(@base@, {_literal(NUMBER_PATTERN)}) OR @number@ IS NULL "
                "OR NOT isfinite(@number@)",
                value="@number@",
                base=base,
                helpers={"number": "TRY_CAST(@base@ AS DOUBLE)"},
            )
        if field_type == "ts":
            helpers = {
                "offset": f"regexp_matches(@base@, {_literal(_OFFSET)})",
                "aware": "TRY_CAST(@base@ AS TIMESTAMPTZ)",
                "local": "TRY_CAST(@base@ AS TIMESTAMP)",
            }
            bad = "CASE WHEN @offset@ THEN @aware@ IS NULL ELSE @local@ IS NULL END"
            value = (
                "CASE WHEN @offset@ THEN epoch_us(@aware@) "
                f"ELSE {self._local('@local@', params, tz)} END"
            )
            naive = "1 = 0" if tz is not None else "NOT @offset@"
            return Column(missing, bad, naive, value, base, helpers)
        raise ValueError(field_type)  # pragma: no cover - a bug in csperf

    def column(
        self, field_type: str, type_name: str | None, params: Params, tz: tzinfo | None
    ) -> Column:
        """See :meth:`Dialect.column`."""
        ref = "@base@"
        declared = (type_name or "VARCHAR").upper()
        base = declared.split("(")[0].strip()
        if declared == "VARCHAR":
            return self._text(field_type, params, tz)
        if base in ("NULL", '"NULL"'):
            return _ABSENT
        missing = f"{ref} IS NULL"
        if base in _FLOAT_TYPES:
            missing = f"({ref} IS NULL OR isnan({ref}))"
        integer = base in _INTEGER_TYPES
        number = integer or base in _FLOAT_TYPES or base == "DECIMAL"
        if field_type == "name":
            return Column(missing, "1 = 1")
        if field_type == "id":
            return Column(missing, "1 = 0" if integer else "1 = 1", value=ref)
        if field_type == "ts":
            if declared.startswith("TIMESTAMP WITH TIME ZONE") or declared == "TIMESTAMPTZ":
                return Column(missing, value=f"epoch_us({ref})")
            if base.startswith("TIMESTAMP"):
                return Column(
                    missing,
                    naive="1 = 0" if tz is not None else "1 = 1",
                    value=self._local(ref, params, tz),
                )
            return Column(missing, "1 = 1")
        if field_type == "bool":
            if base == "BOOLEAN":
                return Column(missing, value=f"CASE WHEN {ref} THEN 1 ELSE 0 END")
            if number:
                return Column(missing, f"{ref} NOT IN (0, 1)", value=f"CAST({ref} AS INTEGER)")
            return Column(missing, "1 = 1")
        if field_type == "real":
            if number:
                bad = f"isinf({ref})" if base in _FLOAT_TYPES else "1 = 0"
                return Column(missing, bad, value=f"CAST({ref} AS DOUBLE)")
            return Column(missing, "1 = 1")
        raise ValueError(field_type)  # pragma: no cover - a bug in csperf


#: The built-in dialects by name.
DIALECTS: Mapping[str, Dialect] = FrozenDict({"sqlite": SqliteDialect(), "duckdb": DuckDbDialect()})


def dialect(value: Any) -> Dialect:
    """A :class:`Dialect` from its name or itself.

    Raises:
        ConfigError: For an unknown name.
    """
    if isinstance(value, Dialect):
        return value
    if isinstance(value, str) and value in DIALECTS:
        return DIALECTS[value]
    raise ConfigError(
        msg=f"unknown dialect {value!r} (known: {', '.join(DIALECTS)}; or pass a Dialect instance)",
        obj="SqlSource",
        field="dialect",
        value=value,
    )
