"""One Ibis connection per backend csperf claims, and a loader that uses each backend's own readers.

The ``backend`` fixture is parametrised over :data:`BACKENDS`: DuckDB (in memory), SQLite (in
memory), PostgreSQL (a server named by ``CSPERF_TEST_POSTGRES_URL``; every test gets a schema of
its own, so pytest-xdist workers never collide) and PySpark in local mode (``local[1]``, one
session per worker, session time zone UTC, ANSI mode on as Spark 4 has it by default).

A backend that cannot run (its package is not installed, no PostgreSQL URL, no Java) is skipped
with the reason; with ``CSPERF_REQUIRE_BACKENDS=1`` (``.ci/run`` sets it) it is a failure, so CI
cannot pass without every backend.

Tables are loaded with the backend's own readers, never through Ibis ``create_table`` from pandas
or Arrow (into Spark that silently turned nullable integers into NULL and ``None`` into values):
DuckDB and Spark read a Parquet file written by pyarrow (``read_parquet``, ``spark.read.parquet``),
PostgreSQL gets ``CREATE TABLE`` and ``COPY ... FROM STDIN``, SQLite ``executemany``.

**Session time zones.** Ibis forces the session time zone of every connection it wraps to UTC
(DuckDB's ``TimeZone`` setting, PostgreSQL's ``SET TIMEZONE``, Spark's
``spark.sql.session.timeZone``), including a connection a caller hands in. The fixtures create
their own connections, so nothing needs restoring here; ``test_portable_subset.py`` checks the
behaviour so that a change in Ibis is noticed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import shutil
import uuid
from collections.abc import Iterator
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


def _check_installed(name: str) -> None:
    module, extra = _PACKAGES[name]
    for needed in ("ibis", module):
        if importlib.util.find_spec(needed) is None:
            unavailable(name, f"{needed!r} is not installed (pip install '{extra}')")


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


# -- the connections -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session per pytest worker: ``local[1]``, UTC, ANSI mode, no UI."""
    _check_installed("pyspark")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        unavailable("pyspark", "no Java runtime (apt-get install default-jre-headless)")
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("csperf-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={warehouse}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@contextlib.contextmanager
def _postgres(url: str) -> Iterator[Any]:
    """An Ibis PostgreSQL connection on a fresh schema of its own, dropped afterwards."""
    import ibis
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    schema = f"csperf_test_{uuid.uuid4().hex[:16]}"
    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        unavailable("postgres", f"cannot connect to {POSTGRES_URL}: {error}")
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        params = conninfo_to_dict(url)
        con = ibis.postgres.connect(
            host=params.get("host"),
            port=int(params.get("port", 5432)),
            user=params.get("user"),
            password=params.get("password"),
            database=params.get("dbname"),
            schema=schema,
        )
        try:
            yield con
        finally:
            con.disconnect()
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(
    params=[
        pytest.param(
            name,
            marks=[pytest.mark.backend(name)] + ([pytest.mark.slow] if name == "pyspark" else []),
        )
        for name in BACKENDS
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An Ibis connection to each backend in turn, with a loader (:class:`Backend`)."""
    name: str = request.param
    _check_installed(name)
    import ibis

    if name == "duckdb":
        con = ibis.duckdb.connect()
        yield from _run(Backend(name, con, tmp_path), con.disconnect)
    elif name == "sqlite":
        con = ibis.sqlite.connect()
        yield from _run(Backend(name, con, tmp_path), con.disconnect)
    elif name == "postgres":
        url = os.environ.get(POSTGRES_URL)
        if not url:
            unavailable(name, f"{POSTGRES_URL} is not set (a postgresql:// URL of a test server)")
        with _postgres(url) as con:
            yield from _run(Backend(name, con, tmp_path), lambda: None)
    else:
        session = request.getfixturevalue("spark_session")
        con = ibis.pyspark.connect(session)
        yield from _run(Backend(name, con, tmp_path, spark=session), lambda: None)


def _run(backend: Backend, close: Any) -> Iterator[Backend]:
    try:
        yield backend
    finally:
        backend.close()
        close()
