"""The SQL source: the engine inside an SQLite or DuckDB database given as a DB-API connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from csperf.errors import ConfigError
from csperf.metrics import Roster
from csperf.metrics._records import RECORD_KINDS
from csperf.sources._base import parse_options
from csperf.sources._ibis import IbisSource, _backend
from csperf.sources._schema import ROSTER

__all__ = ["SqlSource"]


class SqlSource(IbisSource):
    """The catalog's metrics inside an SQLite or DuckDB database, given its DB-API connection.

    The :class:`IbisSource` over ``ibis.sqlite.from_connection`` (or DuckDB's): every metric
    and every record check runs as SQL in the database; records never pass through Python.
    Tables are in the portable layout :func:`write_tables` writes (see
    :doc:`/reference/sources`). For any other database, use :class:`IbisSource` with an Ibis
    backend or a URL.

    Args:
        connection: An open ``sqlite3`` or ``duckdb`` connection.
        tables: Record kind (or ``"roster"``) → table name; default each kind's own name,
            where such a table exists.
        columns: Record kind → field → column name.
        roster: A :class:`~csperf.metrics.Roster` to use instead of a roster table.
        order_by: Record kind → column giving the rows' input order (default the insertion
            order).

    Raises:
        ConfigError: For a connection that is neither sqlite3 nor duckdb, a bad table or
            column name, or a table that does not exist.

    Examples:
        >>> import sqlite3
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import SurveyAnswer
        >>> from csperf.sources import write_tables
        >>> day = datetime(2026, 7, 2, tzinfo=timezone.utc)
        >>> db = sqlite3.connect(":memory:")
        >>> write_tables(db, {"surveys": [SurveyAnswer("ann", i, day, csat=s)
        ...                               for i, s in enumerate([5, 4, 2, 5])]})
        >>> m = SqlSource(db).measure(period="2026-Q3", tz="UTC")
        >>> m.value("ann", "customer_satisfaction")
        MetricValue(value=0.75, sample_size=4, flags=(), rejected=...)
    """

    name = "sql"
    summary = "The catalog's metrics as SQL in an SQLite (or DuckDB) database."
    options: ClassVar[Mapping[str, str]] = {
        "database": "Path of an SQLite database file (opened read-only).",
        **{kind: f"Table of the {kind} (default {kind!r})." for kind in RECORD_KINDS},
        ROSTER: "Table of the roster (default 'roster').",
    }

    def __init__(
        self,
        connection: Any,
        *,
        tables: Mapping[str, str] | None = None,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        roster: Roster | None = None,
        order_by: Mapping[str, str] | None = None,
    ) -> None:
        backend = _backend(connection)
        if backend is None:
            raise ConfigError(
                msg="connection must be an sqlite3 or duckdb connection (use IbisSource for "
                f"other databases), got {type(connection).__name__}",
                obj="SqlSource",
                field="connection",
                value=type(connection).__name__,
            )
        self.dbapi = connection
        super().__init__(backend, tables=tables, columns=columns, roster=roster, order_by=order_by)

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> SqlSource:
        """Open an SQLite file: ``database=PATH`` and optionally ``<kind>=TABLE``.

        Raises:
            ConfigError: For an unknown or missing option, or a file that cannot be opened.
        """
        import sqlite3
        from pathlib import Path

        given = parse_options(cls.name, options, cls.options, ("database",))
        path = Path(str(given.pop("database")))
        if not path.is_file():
            raise ConfigError(
                msg=f"database file {str(path)!r} does not exist",
                obj="source 'sql'",
                field="database",
                value=str(path),
                path=str(path),
            )
        # csperf owns this connection and runs its calls on it one at a time, so the source
        # may be shared between threads
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        return cls(connection, tables={k: str(v) for k, v in given.items()} or None)
