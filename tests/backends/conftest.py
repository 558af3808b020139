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
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend_support import BACKENDS, POSTGRES_URL, Backend, check_installed, unavailable


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session per pytest worker: ``local[1]``, UTC, ANSI mode, no UI."""
    check_installed("pyspark")
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
    check_installed(name)
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
