"""Sources shared between threads: every concurrent call gives the answer of a call made alone.

A database source keeps a driver connection, which is not meant for concurrent statements:
before csperf ran its calls on one connection one at a time, eight threads measuring through
one DuckDbSource deadlocked inside DuckDB (a table registered while another statement ran),
and other drivers returned None for whole metrics or crashed the process. Each test starts
its threads together (a barrier), joins them with a deadline so that a deadlock fails the
test instead of hanging it, and compares every result with the one measured alone.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from csperf.datasets import contact_centre
from csperf.errors import ConfigError, CsperfError
from csperf.sources import CsvSource, DuckDbSource, IbisSource, SqlSource, write_tables
from csperf.sources import _ibis as ibis_source

duckdb = pytest.importorskip("duckdb")
ibis = pytest.importorskip("ibis")

THREADS = 6
CALLS = 2
DEADLINE = 120.0
DATA = contact_centre(seed=3, managers=1, teams_per_manager=1, agents_per_team=3, days=10)
KW: dict[str, Any] = {"period": "2024-01-01..2024-01-11", "tz": "Asia/Shanghai"}


def together(call: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """``call(i)`` in ``threads`` threads started at once: results (or exceptions) in order."""
    start = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = [call(i) for _ in range(CALLS)]
        except BaseException as exc:  # reported by the test, not lost in the thread
            results[i] = exc

    workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(DEADLINE)
    assert not any(w.is_alive() for w in workers), "a call is still running: deadlock"
    assert ibis_source._IN_USE == {}, "a connection's lock outlived its calls"
    return results


def check_shared(source: Any, level: str = "agent") -> None:
    alone = source.measure(level=level, **KW)
    assert alone.subjects and alone.metrics
    for found in together(lambda i: source.measure(level=level, **KW)):
        assert not isinstance(found, BaseException), found
        for each in found:
            assert each == alone


def content(m: Any) -> tuple[Any, ...]:
    """What a measurement says, whichever source said it."""
    return (m.period, m.level, m.metrics, m.values, m.rejected)


def csv_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    DATA.write_csv(folder)
    return folder


def duckdb_connection() -> Any:
    con = duckdb.connect()
    write_tables(con, DATA.records_by_kind(), roster=DATA.roster)
    return con


def test_duckdb_source_over_csv_files(tmp_path):
    check_shared(DuckDbSource(csv_folder(tmp_path)), level="manager")


def test_duckdb_source_over_parquet_files(tmp_path):
    con = duckdb_connection()
    folder = tmp_path / "parquet"
    folder.mkdir()
    for kind in (*DATA.records_by_kind(), "roster"):
        con.execute(f"COPY {kind} TO '{folder / kind}.parquet' (FORMAT parquet)")
    check_shared(DuckDbSource(folder), level="team")


def test_duckdb_source_over_a_connection():
    check_shared(DuckDbSource(connection=duckdb_connection()), level="manager")


def test_sql_source_over_a_duckdb_connection():
    check_shared(SqlSource(duckdb_connection()))


def test_sql_source_over_a_shareable_sqlite_connection():
    con = sqlite3.connect(":memory:", check_same_thread=False)
    write_tables(con, DATA.records_by_kind(), roster=DATA.roster)
    check_shared(SqlSource(con), level="manager")


def test_ibis_source_over_an_ibis_backend():
    con = ibis.duckdb.connect()
    write_tables(con, DATA.records_by_kind(), roster=DATA.roster)
    check_shared(IbisSource(con), level="team")


def test_csv_source(tmp_path):
    check_shared(CsvSource(csv_folder(tmp_path)), level="manager")


def test_sources_sharing_one_connection_take_turns():
    # two sources (and so two Ibis backends) over one DuckDB connection share its lock
    con = duckdb_connection()
    sources = [SqlSource(con), DuckDbSource(connection=con), IbisSource(ibis_source._backend(con))]
    alone = [s.measure(level="manager", **KW) for s in sources]
    assert content(alone[0]) == content(alone[1]) == content(alone[2])
    found = together(lambda i: sources[i % 3].measure(level="manager", **KW))
    for i, each in enumerate(found):
        assert not isinstance(each, BaseException), each
        assert all(m == alone[i % 3] for m in each)


def test_measuring_and_reading_the_roster_at_once():
    source = SqlSource(duckdb_connection())
    alone = (source.measure(level="manager", **KW), source.roster())

    def call(i: int) -> Any:
        return source.measure(level="manager", **KW) if i % 2 else source.roster()

    for i, found in enumerate(together(call)):
        assert not isinstance(found, BaseException), found
        expected = alone[0] if i % 2 else alone[1]
        assert all(each == expected for each in found)


def test_a_sqlite_connection_of_another_thread_is_a_clear_error():
    con = sqlite3.connect(":memory:")  # check_same_thread=True, the default
    write_tables(con, DATA.records_by_kind())
    source = SqlSource(con)
    assert source.measure(**KW).subjects  # in its own thread it works
    (found,) = together(lambda i: source.measure(**KW), threads=1)
    assert isinstance(found, ConfigError)
    assert "check_same_thread=False" in found.message
    assert found.obj == "SqlSource"
    assert found.field == ("connection",)
    assert ibis_source._IN_USE == {}


def test_a_sqlite_file_opened_from_options_can_be_shared(tmp_path):
    path = tmp_path / "centre.db"
    with sqlite3.connect(path) as con:
        write_tables(con, DATA.records_by_kind(), roster=DATA.roster)
    con.close()
    check_shared(SqlSource.from_options({"database": str(path)}), level="manager")


def test_an_error_inside_a_call_releases_the_connection():
    source = SqlSource(duckdb_connection())
    with pytest.raises(CsperfError, match="Nowhere/Atlantis"):
        source.measure(level="agent", period="2024-01", tz="Nowhere/Atlantis")
    assert ibis_source._IN_USE == {}
    assert source.measure(**KW).subjects  # and the connection is usable again
