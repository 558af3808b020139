"""The SQL source: storage conventions, names, SQLite and DuckDB databases and files."""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from csperf.datasets import contact_centre
from csperf.errors import ConfigError, MeasurementError, ValidationError
from csperf.metrics import Roster, RosterEntry, Ticket
from csperf.sources import DuckDbSource, RecordsSource, SqlSource, write_tables

duckdb = pytest.importorskip("duckdb")

UTC = timezone.utc
D = datetime(2026, 7, 1, tzinfo=UTC)
JULY = (D, datetime(2026, 8, 1, tzinfo=UTC))
H = timedelta(hours=1)


def tickets(*specs):
    return [
        Ticket(
            f"T{i}",
            agent,
            "chat",
            D + i * H,
            first_response_at=D + i * H + timedelta(seconds=seconds),
            complaint=complaint,
        )
        for i, (agent, seconds, complaint) in enumerate(specs)
    ]


def test_text_is_bound_not_formatted():
    # an agent whose name is SQL stays data
    name = "x'); DROP TABLE tickets; --"
    connection = sqlite3.connect(":memory:")
    write_tables(connection, {"tickets": tickets((name, 30, True))})
    m = SqlSource(connection).measure(
        period=JULY, metrics=["complaint_rate"], complaint_rate={"channels": [name, "chat"]}
    )
    assert m.row(name) == {"complaint_rate": 1.0}
    assert connection.execute("SELECT COUNT(*) FROM tickets").fetchone() == (1,)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tables": {"tickets": "tickets; DROP TABLE tickets"}},
        {"tables": {"tickets": 'a"b'}},
        {"tables": {"calls": "calls"}},
        {"columns": {"tickets": {"id": "ticket id"}}},
        {"columns": {"tickets": {"ident": "x"}}},
        {"order_by": {"tickets": "seq--"}},
    ],
)
def test_names_are_checked(kwargs):
    with pytest.raises(ConfigError):
        SqlSource(sqlite3.connect(":memory:"), **kwargs)


def test_tables_and_columns_named_otherwise():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE zendesk (ticket_id TEXT, owner TEXT, medium TEXT, opened INTEGER, "
        "replied INTEGER, seq INTEGER, complaint INTEGER)"
    )
    us = 1_000_000
    start = int(D.timestamp()) * us
    rows = [
        ("B", "ann", "chat", start + 3600 * us, start + 3660 * us, 2, 0),
        ("A", "ann", "chat", start, start + 30 * us, 1, 1),
        ("A", "ann", "chat", start, start + 999 * us, 3, 0),  # duplicate, later
    ]
    connection.executemany("INSERT INTO zendesk VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    columns = {
        "id": "ticket_id",
        "agent": "owner",
        "channel": "medium",
        "created_at": "opened",
        "first_response_at": "replied",
    }
    source = SqlSource(
        connection,
        tables={"tickets": "zendesk"},
        columns={"tickets": columns},
        order_by={"tickets": "seq"},
    )
    m = source.measure(period=JULY, metrics=["first_response_time", "complaint_rate"])
    assert m.row("ann") == {"first_response_time": 45.0, "complaint_rate": 0.5}
    [duplicate] = m.rejected["tickets"].examples
    assert (duplicate.position, duplicate.reason) == (2, "duplicate")  # by seq, not rowid
    with pytest.raises(ConfigError, match="no column 'owner_name'"):
        SqlSource(
            connection,
            tables={"tickets": "zendesk"},
            columns={"tickets": {**columns, "agent": "owner_name"}},
        ).measure(period=JULY)
    with pytest.raises(ConfigError, match="no column 'id'"):
        SqlSource(connection, tables={"tickets": "zendesk"}).measure(period=JULY)
    with pytest.raises(ConfigError, match=r"'calls' does not exist"):
        SqlSource(connection, tables={"tickets": "calls"}).measure(period=JULY)


def test_sqlite_timestamps_are_epoch_microseconds():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE tickets (id TEXT, agent TEXT, channel TEXT, created_at INTEGER, "
        "first_response_at INTEGER)"
    )
    start = int(D.timestamp()) * 1_000_000
    connection.executemany(
        "INSERT INTO tickets VALUES (?, ?, ?, ?, ?)",
        [
            ("T1", "ann", "chat", start, start + 12_000_001),  # microseconds survive
            ("T2", "ann", "chat", start, start + 4_000_000),
            ("T3", "ann", "chat", start, None),
        ],
    )
    m = SqlSource(connection).measure(period=JULY, metrics=["first_response_time"])
    assert m.row("ann")["first_response_time"] == 8.0000005  # 16_000_001 µs / 2, exact
    assert m.value("ann", "first_response_time").flags == ("missing_first_response",)


def test_text_timestamp_columns_are_refused():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE tickets (id TEXT, agent TEXT, channel TEXT, created_at TEXT)")
    connection.execute("INSERT INTO tickets VALUES ('T1', 'ann', 'chat', '2026-07-01 09:00')")
    with pytest.raises(ConfigError, match="int64 epoch microseconds"):
        SqlSource(connection).measure(period=JULY, metrics=["complaint_rate"])


def test_write_tables_refuses_naive_timestamps():
    row = {"id": 1, "agent": "ann", "channel": "chat", "created_at": datetime(2026, 7, 1)}
    with pytest.raises(ValidationError, match="cannot be stored"):
        write_tables(sqlite3.connect(":memory:"), {"tickets": [row]})
    connection = sqlite3.connect(":memory:")
    write_tables(connection, {"tickets": [row]}, tz="Asia/Shanghai")
    assert connection.execute("SELECT created_at FROM tickets").fetchone() == (
        int(datetime(2026, 6, 30, 16, tzinfo=UTC).timestamp()) * 1_000_000,
    )
    with pytest.raises(ValidationError, match="unknown record kind"):
        write_tables(sqlite3.connect(":memory:"), {"calls": []})


def test_duckdb_naive_timestamp_columns_are_refused():
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE tickets (id VARCHAR, agent VARCHAR, channel VARCHAR, "
        "created_at TIMESTAMP, first_response_at TIMESTAMP)"
    )
    with pytest.raises(ConfigError, match="with a time zone"):
        SqlSource(connection).measure(period=JULY, metrics=["first_response_time"])
    connection.execute(
        "CREATE TABLE t2 (id VARCHAR, agent VARCHAR, channel VARCHAR, "
        "created_at TIMESTAMPTZ, first_response_at TIMESTAMPTZ)"
    )
    connection.execute(
        "INSERT INTO t2 VALUES ('T1', 'ann', 'chat', TIMESTAMPTZ '2026-07-31 23:30:00+08', "
        "TIMESTAMPTZ '2026-07-31 23:30:30.5+08')"
    )
    m = SqlSource(connection, tables={"tickets": "t2"}).measure(
        period=JULY, metrics=["first_response_time"]
    )
    assert m.row("ann") == {"first_response_time": 30.5}


def test_duckdb_reads_parquet_files(tmp_path):
    data = contact_centre(seed=4, managers=1, agents_per_team=2, days=7)
    connection = duckdb.connect()
    write_tables(connection, data.records_by_kind(), roster=data.roster)
    for table in ("tickets", "surveys", "roster"):
        path = tmp_path / f"{table}.parquet"
        connection.execute(f"COPY {table} TO '{path}' (FORMAT PARQUET)")
    from_files = DuckDbSource(tmp_path).measure(period=data.period, level="team")
    from_tables = SqlSource(connection).measure(
        period=data.period,
        level="team",
        metrics=from_files.metrics,
    )
    assert (from_files.subjects, from_files.metrics) == (from_tables.subjects, from_tables.metrics)
    assert from_files.rejected == from_tables.rejected
    for subject in from_files.subjects:
        for metric in from_files.metrics:
            a, b = from_files.value(subject, metric), from_tables.value(subject, metric)
            assert (a.sample_size, a.flags) == (b.sample_size, b.flags)
            assert a.value == b.value or math.isclose(a.value, b.value, rel_tol=1e-12)
    assert "customer_satisfaction" in from_files.metrics
    assert "script_compliance" not in from_files.metrics  # no qa_reviews file


def test_duckdb_database_file(tmp_path):
    path = tmp_path / "centre.duckdb"
    connection = duckdb.connect(str(path))
    write_tables(connection, {"tickets": tickets(("ann", 30, True), ("bob", 60, False))})
    connection.close()
    source = DuckDbSource.from_options({"database": str(path)})
    assert source.measure(period=JULY, metrics=["complaint_rate"]).to_columns() == {
        "subject": ["ann", "bob"],
        "complaint_rate": [1.0, 0.0],
    }
    with pytest.raises(ConfigError, match="does not exist"):
        DuckDbSource(database=tmp_path / "absent.duckdb")


def test_duckdb_directory_must_not_hold_two_files_for_a_kind(tmp_path):
    (tmp_path / "tickets.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "tickets.parquet").write_bytes(b"")
    with pytest.raises(ConfigError, match="both"):
        DuckDbSource(tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        DuckDbSource(files={"surveys": tmp_path / "surveys.csv"})


def test_roster_table_problems():
    connection = sqlite3.connect(":memory:")
    roster = [
        {"agent": "ann", "team": "T1", "manager": "M1", "valid_to": D + H},
        {"agent": "ann", "team": "T2", "manager": "M1", "valid_from": D},
    ]
    write_tables(connection, {"tickets": tickets(("ann", 30, True))}, roster=roster)
    with pytest.raises(ConfigError, match="overlap"):
        SqlSource(connection).measure(period=JULY, level="team")
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE roster (agent TEXT, team TEXT, manager TEXT)")
    connection.execute("INSERT INTO roster VALUES ('ann', '', 'M1')")
    with pytest.raises(ConfigError, match="row 0: RosterEntry: field 'team'"):
        SqlSource(connection).measure(period=JULY, level="team")
    with pytest.raises(ConfigError, match="not both"):
        SqlSource(connection, roster=Roster([]), tables={"roster": "roster"})


def test_a_roster_object_is_used_inside_the_query():
    connection = sqlite3.connect(":memory:")
    rows = tickets(("ann", 30, True), ("bob", 60, False), ("ann", 90, False))
    write_tables(connection, {"tickets": rows})
    roster = Roster(
        [
            RosterEntry("ann", "T1", "M1", valid_to=D + 2 * H),  # ann moves to T2 at 02:00
            RosterEntry("ann", "T2", "M1", valid_from=D + 2 * H),
            RosterEntry("bob", "T2", "M1"),
        ]
    )
    m = SqlSource(connection, roster=roster).measure(period=JULY, level="team")
    assert m.row("T1")["first_response_time"] == 30.0  # T0 at 00:00
    assert m.row("T2")["first_response_time"] == 75.0  # T1 (bob, 60) and T2 (ann, 90)


def test_strict_sql_error_names_the_row():
    connection = sqlite3.connect(":memory:")
    write_tables(
        connection,
        {
            "surveys": [
                {"agent": "ann", "contact_id": 1, "submitted_at": D, "csat": 5},
                {"agent": "ann", "contact_id": 2, "submitted_at": D},
            ]
        },
    )
    with pytest.raises(MeasurementError, match="surveys row 1") as caught:
        SqlSource(connection).measure(period=JULY, strict=True)
    assert (caught.value.position, caught.value.reason, caught.value.key_path) == (
        1,
        "missing_field",
        "csat",
    )


def test_duckdb_reads_registered_data_frames():
    pytest.importorskip("pandas")
    data = contact_centre(seed=2, managers=1, agents_per_team=3, days=14)
    connection = duckdb.connect()
    for name, frame in data.to_frames().items():
        connection.register(name, frame)
    found = SqlSource(connection).measure(period=data.period, level="team")
    want = RecordsSource(data.records_by_kind(), data.roster).measure(
        period=data.period, level="team"
    )
    assert found.subjects == want.subjects == ("T01", "T02")
    for subject in want.subjects:
        for metric in want.metrics:
            a, b = found.value(subject, metric), want.value(subject, metric)
            assert (a.sample_size, a.flags) == (b.sample_size, b.flags)
            assert a.value == b.value or math.isclose(a.value, b.value, rel_tol=1e-9)


def test_only_the_tables_named_are_read():
    connection = sqlite3.connect(":memory:")
    write_tables(
        connection,
        {"tickets": tickets(("ann", 30, True)), "surveys": []},
        roster=[{"agent": "ann", "team": "T1", "manager": "M1"}],
    )
    m = SqlSource(connection, tables={"tickets": "tickets"}).measure(period=JULY)
    assert set(m.rejected) == {"tickets"}
    with pytest.raises(ValidationError, match="needs a roster"):
        SqlSource(connection, tables={"tickets": "tickets"}).measure(period=JULY, level="team")
