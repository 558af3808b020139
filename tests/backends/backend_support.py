"""What the backend tests share: the backends, when one may skip, and the native loader.

The fixtures that use it are in ``conftest.py`` (its docstring says how each backend is set
up and loaded); test modules import from here, never from ``conftest``. The hand-worked rows the
backends load are in ``tests/cases.py``; :func:`arrow_table` types them for loading.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("duckdb", "sqlite", "postgres", "pyspark")
"""Every Ibis backend csperf claims, in the order the tests run them."""

POSTGRES_URL = "CSPERF_TEST_POSTGRES_URL"
"""The environment variable naming the PostgreSQL server the tests use (``.ci/run`` sets it)."""

REQUIRE = "CSPERF_REQUIRE_BACKENDS"
"""With this environment variable set to 1, a backend that cannot run fails instead of skipping."""

_PACKAGES = {
    "duckdb": ("duckdb", "csperf[duckdb]"),
    "sqlite": ("sqlite3", "csperf[sqlite]"),
    "postgres": ("psycopg", "csperf[postgres]"),
    "pyspark": ("pyspark", "csperf[spark]"),
}


def required() -> bool:
    """Whether a backend that cannot run is a failure (CI) rather than a skip."""
    return os.environ.get(REQUIRE, "") == "1"


def unavailable(name: str, reason: str) -> None:
    """Skip (or, when backends are required, fail) because backend ``name`` cannot run."""
    message = f"backend {name} is not available: {reason}"
    if required():
        pytest.fail(f"{message} ({REQUIRE}=1: every backend must run)", pytrace=False)
    pytest.skip(message)


def check_installed(name: str) -> None:
    module, extra = _PACKAGES[name]
    for needed in ("ibis", module):
        if importlib.util.find_spec(needed) is None:
            unavailable(name, f"{needed!r} is not installed (pip install '{extra}')")


# -- test rows as Arrow tables -----------------------------------------------------------------

# Column types per kind: "id" (text), "name", "ts", "bool", "int", "real".
SCHEMA: Mapping[str, Mapping[str, str]] = {
    "tickets": {
        "id": "id", "agent": "name", "channel": "name", "created_at": "ts",
        "first_response_at": "ts", "resolved_at": "ts", "final_resolved_at": "ts",
        "reopened": "bool", "complaint": "bool", "customer": "id", "wait_seconds": "real",
        "answered": "bool", "abandoned": "bool", "talk_seconds": "real",
        "hold_seconds": "real", "acw_seconds": "real",
    },
    "surveys": {
        "agent": "name", "contact_id": "id", "submitted_at": "ts", "csat": "int", "nps": "int",
    },
    "qa_reviews": {
        "agent": "name", "reviewed_at": "ts", "checks_passed": "int",
        "checks_applicable": "int", "critical_failed": "bool", "id": "id",
    },
    "knowledge_tests": {"agent": "name", "taken_at": "ts", "score": "real"},
    "peer_ratings": {"rater": "name", "ratee": "name", "rated_at": "ts", "score": "real"},
    "sharing_items": {"agent": "name", "due_at": "ts", "shared_at": "ts", "id": "id"},
    "roster": {
        "agent": "name", "team": "name", "manager": "name", "valid_from": "ts", "valid_to": "ts",
    },
}  # fmt: skip

_DEFAULTS = {"reopened": False, "complaint": False, "critical_failed": False}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def micros(moment: dt.datetime) -> int:
    """Epoch microseconds of an aware datetime, exactly."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def arrow_table(kind: str, rows: Iterable[Mapping[str, Any]], *, epoch_us: bool = False) -> Any:
    """The Arrow table of ``rows`` of ``kind``, every column of the kind typed (NULLs kept).

    Tables carry the record field names as columns (the tables of ``IbisSource``). Timestamps
    are ``TIMESTAMP WITH TIME ZONE`` (UTC) where the backend has the type, and int64 epoch
    microseconds with ``epoch_us`` (SQLite, which has no timestamp type: see "The portable
    subset" in the design page).
    """
    import pyarrow as pa

    types = {
        "id": pa.string(),
        "name": pa.string(),
        "ts": pa.int64() if epoch_us else pa.timestamp("us", tz="UTC"),
        "bool": pa.bool_(),
        "int": pa.int64(),
        "real": pa.float64(),
    }
    rows = list(rows)
    columns = {}
    for field, column in SCHEMA[kind].items():
        values = [row.get(field, _DEFAULTS.get(field)) for row in rows]
        if column == "id":
            values = [None if v is None else str(v) for v in values]
        elif column == "real":
            values = [None if v is None else float(v) for v in values]
        elif column == "ts" and epoch_us:
            values = [None if v is None else micros(v) for v in values]
        elif column == "ts":
            values = [None if v is None else v.astimezone(dt.timezone.utc) for v in values]
        columns[field] = pa.array(values, types[column])
    return pa.table(columns)


# -- the Arrow schema of a test table ----------------------------------------------------------


def _pg_type(arrow_type: Any) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE PRECISION"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ" if arrow_type.tz else "TIMESTAMP"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "TEXT"
    raise TypeError(f"no PostgreSQL column type for {arrow_type}")  # pragma: no cover


def _sqlite_type(arrow_type: Any) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"  # stored as 0/1; Ibis reads the declared type back as boolean
    if pa.types.is_integer(arrow_type):
        return "INTEGER"
    if pa.types.is_floating(arrow_type):
        return "REAL"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"  # ISO text: SQLite has no timestamp type (use epoch µs integers)
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "TEXT"
    raise TypeError(f"no SQLite column type for {arrow_type}")  # pragma: no cover


def _sqlite_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def as_arrow(table: Any) -> Any:
    """A pyarrow Table from a pyarrow Table or a mapping of column name → list of values."""
    import pyarrow as pa

    return table if isinstance(table, pa.Table) else pa.table(table)


class Backend:
    """One backend under test: its name, its Ibis connection and a loader.

    Attributes:
        name: ``"duckdb"``, ``"sqlite"``, ``"postgres"`` or ``"pyspark"``.
        con: The Ibis backend object.
        folder: A temporary folder for the Parquet files the loader writes.
    """

    def __init__(self, name: str, con: Any, folder: Path, *, spark: Any = None) -> None:
        self.name = name
        self.con = con
        self.folder = folder
        self._spark = spark
        self._views: list[str] = []

    def __repr__(self) -> str:
        return f"Backend({self.name})"

    def load(self, name: str, table: Any) -> Any:
        """Put ``table`` (Arrow, or a mapping of columns) into the backend as ``name``.

        Each backend reads it with its own reader (see the module docstring); returns the Ibis
        table. In Spark the table is a temporary view with a unique name (views belong to the
        worker's session).
        """
        import pyarrow.parquet as pq

        data = as_arrow(table)
        if self.name in ("duckdb", "pyspark"):
            path = self.folder / f"{name}-{uuid.uuid4().hex}.parquet"
            pq.write_table(data, path)
            if self.name == "duckdb":
                self.con.con.execute(
                    f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM read_parquet(?)',
                    [str(path)],
                )
                return self.con.table(name)
            view = f"{name}_{uuid.uuid4().hex[:12]}"
            self._spark.read.parquet(str(path)).createOrReplaceTempView(view)
            self._views.append(view)
            return self.con.table(view)
        if self.name == "postgres":
            return self._load_postgres(name, data)
        return self._load_sqlite(name, data)

    def _load_postgres(self, name: str, data: Any) -> Any:
        columns = ", ".join(f'"{f.name}" {_pg_type(f.type)}' for f in data.schema)
        names = ", ".join(f'"{f.name}"' for f in data.schema)
        raw = self.con.con
        with raw.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
            cursor.execute(f'CREATE TABLE "{name}" ({columns})')
            with cursor.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                for row in data.to_pylist():
                    copy.write_row(tuple(row.values()))
        raw.commit()
        return self.con.table(name)

    def _load_sqlite(self, name: str, data: Any) -> Any:
        columns = ", ".join(f'"{f.name}" {_sqlite_type(f.type)}' for f in data.schema)
        marks = ", ".join("?" for _ in data.schema)
        raw = self.con.con
        raw.execute(f'DROP TABLE IF EXISTS "{name}"')
        raw.execute(f'CREATE TABLE "{name}" ({columns})')
        raw.executemany(
            f'INSERT INTO "{name}" VALUES ({marks})',
            [tuple(_sqlite_cell(v) for v in row.values()) for row in data.to_pylist()],
        )
        raw.commit()
        return self.con.table(name)

    def close(self) -> None:
        """Drop what the test left (Spark views); the connection itself is closed by its fixture."""
        for view in self._views:
            self._spark.catalog.dropTempView(view)
