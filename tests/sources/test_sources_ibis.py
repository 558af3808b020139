"""The Ibis source: the same values and rejects as the records source, on DuckDB and SQLite."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf.datasets import contact_centre
from csperf.errors import ConfigError, MeasurementError, ValidationError
from csperf.metrics import Roster, RosterEntry, Ticket
from csperf.sources import IbisSource, RecordsSource
from csperf.sources._ibis import write_tables
from strategies import examples

ibis = pytest.importorskip("ibis")

T0 = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)


def backends():
    return [ibis.duckdb.connect(), ibis.sqlite.connect()]


@pytest.fixture(scope="module")
def centre():
    return contact_centre(seed=3, managers=1, agents_per_team=3, days=30)


@pytest.fixture(scope="module")
def by_records(centre):
    """The records source's measurements of the centre at each level (the same for every backend)."""
    source = RecordsSource(centre.records_by_kind(), centre.roster)
    return {level: source.measure(period=centre.period, level=level) for level in ("agent", "team")}


@pytest.mark.parametrize("backend", ["duckdb", "sqlite"])
@pytest.mark.parametrize("level", ["agent", "team"])
def test_equals_the_records_source_on_the_sample_centre(centre, by_records, backend, level):
    con = getattr(ibis, backend).connect()
    write_tables(con, centre.records_by_kind(), roster=centre.roster)
    expected = by_records[level]
    found = IbisSource(con).measure(period=centre.period, level=level)
    assert found.subjects == expected.subjects
    for subject in expected.subjects:
        for metric in expected.metrics:
            assert found.value(subject, metric) == expected.value(subject, metric), (
                subject, metric)


def test_a_url_opens_a_connection(tmp_path, centre):
    target = tmp_path / "centre.ddb"
    con = ibis.duckdb.connect(str(target))
    write_tables(con, {"tickets": centre.tickets})
    con.disconnect()
    m = IbisSource(f"duckdb://{target}").measure(period=centre.period, metrics=["complaint_rate"])
    assert m.subjects


def _rows_table(con, name, rows):
    import pyarrow as pa

    con.create_table(name, pa.Table.from_pylist(rows), overwrite=True)


@pytest.mark.parametrize("con", backends(), ids=["duckdb", "sqlite"])
def test_bad_rows_are_rejected_for_the_same_reasons_as_in_python(con):
    base = {"agent": "ann", "channel": "chat", "created_at": 1_782_896_400_000_000}
    rows = [
        {**base, "id": "1", "first_response_at": 1_782_896_400_000_000 - 1},  # before creation
        {**base, "id": "2", "wait_seconds": -1.0, "answered": True},  # negative duration
        {**base, "id": "3", "answered": True},  # a call needs wait_seconds
        {**base, "id": "4"},
        {**base, "id": "4"},  # duplicate
        {**base, "id": "5", "agent": " "},  # a blank name is missing
    ]
    for row in rows:
        for field in ("first_response_at", "wait_seconds", "answered"):
            row.setdefault(field, None)
    _rows_table(con, "tickets", rows)
    m = IbisSource(con).measure(period=None, metrics=["complaint_rate"])
    report = m.rejected["tickets"]
    assert (report.total, report.count) == (6, 5)
    assert [(i.position, i.reason.value, i.field) for i in report.examples] == [
        (0, "response_before_creation", "first_response_at"),
        (1, "negative_duration", "wait_seconds"),
        (2, "missing_field", "wait_seconds"),
        (4, "duplicate", "id"),
        (5, "missing_field", "agent"),
    ]
    with pytest.raises(MeasurementError, match="row 0"):
        IbisSource(con).measure(period=None, metrics=["complaint_rate"], strict=True)


def test_roster_checks_in_the_database():
    con = ibis.duckdb.connect()
    roster = Roster([RosterEntry("ann", "north", "mia", valid_from=T0)])
    tickets = [Ticket(1, "ann", "chat", T0), Ticket(2, "ann", "chat", T0 - timedelta(days=1)),
               Ticket(3, "zed", "chat", T0)]
    write_tables(con, {"tickets": tickets})
    m = IbisSource(con, roster=roster).measure(period=None, level="team",
                                               metrics=["complaint_rate"])
    reasons = [i.reason.value for i in m.rejected["tickets"].examples]
    assert reasons == ["not_on_roster", "unknown_agent"]
    assert m.value("north", "complaint_rate").sample_size == 1


def test_configuration_errors():
    con = ibis.duckdb.connect()
    with pytest.raises(ConfigError, match="does not exist"):
        IbisSource(con, tables={"tickets": "nowhere"})
    with pytest.raises(ConfigError, match="unknown record kind"):
        IbisSource(con, tables={"calls": "x"})
    _rows_table(con, "tickets", [{"id": "1", "agent": "a", "channel": "c",
                                  "created_at": "2024-01-01"}])
    with pytest.raises(ConfigError, match="int64 epoch microseconds"):
        IbisSource(con).measure(period=None, metrics=["complaint_rate"])
    with pytest.raises(ValidationError, match="needs a roster"):
        IbisSource(con).measure(period=None, level="team", metrics=["complaint_rate"])


def test_the_cli_takes_a_database_url_as_the_source(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli
    from csperf.templates import customer_service_manager

    data = contact_centre(seed=3, managers=1, agents_per_team=3, days=30)
    target = tmp_path / "centre.ddb"
    con = ibis.duckdb.connect(str(target))
    write_tables(con, data.records_by_kind(), roster=data.roster)
    con.disconnect()
    card = tmp_path / "card.toml"
    csperf_card = customer_service_manager()
    from csperf import dump_scorecard

    dump_scorecard(csperf_card, card)
    result = CliRunner().invoke(
        cli,
        ["score", str(card), "--source", f"duckdb://{target}", "--period",
         "2024-01-01T00:00+08:00..2024-01-31T00:00+08:00", "--level", "manager",
         "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert '"M01"' in result.output


def test_the_cli_prints_a_backends_sql():
    from click.testing import CliRunner

    from csperf.cli import cli

    result = CliRunner().invoke(cli, ["metrics", "sql", "nps", "fcr", "--backend", "postgres",
                                      "--level", "team"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("-- nps\nSELECT")
    assert "-- fcr" in result.output and '"roster"' in result.output


def test_a_callers_duckdb_session_zone_is_restored():
    duckdb = pytest.importorskip("duckdb")
    from csperf.sources import SqlSource

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Asia/Shanghai'")
    write_tables(connection, {"tickets": [Ticket(1, "ann", "chat", T0)]})
    SqlSource(connection).measure(period=None, metrics=["complaint_rate"])
    assert connection.execute("SELECT current_setting('TimeZone')").fetchone() == (
        "Asia/Shanghai",)


# -- repeated integer keys settled without grouping (DuckDB) ------------------------------------


@pytest.fixture(autouse=True)
def _bits_for_any_number_of_keys(monkeypatch):
    # the tests' tables are small: settle their keys by bits too
    import csperf.sources._ibis

    monkeypatch.setattr(csperf.sources._ibis, "_MIN_KEYS_FOR_BITS", 0)


def _integer_id_tickets(con, ids):
    """A tickets table of ``ids`` (None: a missing id), one row each, in that order."""
    import pyarrow as pa

    n = len(ids)
    start = 1_782_896_400_000_000  # 2026-07-01T09:00:00Z
    table = pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "agent": pa.array(["ann", "bob"] * (n // 2) + ["ann"] * (n % 2), pa.string()),
            "channel": pa.array(["chat"] * n, pa.string()),
            "created_at": pa.array([start + i for i in range(n)], pa.int64()),
            "complaint": pa.array([i % 3 == 0 for i in range(n)], pa.bool_()),
        }
    )
    con.create_table("tickets", table, overwrite=True)


def _both_ways(con, monkeypatch):
    """The measurement and whether the keys were found unique; and the same measured with
    the duplicate step always run."""
    seen = []
    original = IbisSource._unique_keys

    def spy(self, kinds):
        kinds = list(kinds)
        found = original(self, kinds)
        seen.extend(kind in found for kind in kinds)
        return found

    monkeypatch.setattr(IbisSource, "_unique_keys", spy)
    fast = IbisSource(con).measure(period=None, metrics=["complaint_rate"])
    monkeypatch.setattr(IbisSource, "_unique_keys", lambda self, kinds: frozenset())
    slow = IbisSource(con).measure(period=None, metrics=["complaint_rate"])
    monkeypatch.setattr(IbisSource, "_unique_keys", original)
    return fast, seen, slow


def _same(a, b, metric="complaint_rate", kind="tickets"):
    assert a.subjects == b.subjects
    for subject in a.subjects:
        assert a.value(subject, metric) == b.value(subject, metric)
    ra, rb = a.rejected[kind], b.rejected[kind]
    assert (ra.total, ra.count, dict(ra.by_reason)) == (rb.total, rb.count, dict(rb.by_reason))
    assert ra.examples == rb.examples


@pytest.mark.parametrize(
    ("ids", "unique"),
    [
        ([1, 2, 3, 4, 5], True),
        ([5, -3, 0, 9, 2**19], True),  # negative and sparse keys, a range under the bound
        ([1, None, 2, None, 3], True),  # missing ids are rejected, not repeats
        ([7, 8, 7, 9], False),
        ([4, 4], False),
        ([0, 2**62], False),  # a range too wide for the bits: grouped instead
        ([-(2**63), 2**63 - 1, 1], False),  # the widest int64 range: no overflow
        ([], True),
        ([None, None], True),
    ],
)
def test_integer_keys_are_settled_by_one_bit_per_key(monkeypatch, ids, unique):
    # the fast path gives the same values, rejects and examples as grouping every key
    con = ibis.duckdb.connect()
    _integer_id_tickets(con, ids)
    fast, seen, slow = _both_ways(con, monkeypatch)
    assert seen == [unique]
    _same(fast, slow)
    repeats = sum(1 for i, x in enumerate(ids) if x is not None and x in ids[:i])
    assert fast.rejected["tickets"].by_reason.get("duplicate", 0) == repeats


def test_unique_keys_are_not_settled_off_duckdb(monkeypatch):
    con = ibis.sqlite.connect()
    _integer_id_tickets(con, [1, 2, 3])
    assert IbisSource(con)._unique_keys(["tickets"]) == frozenset()


@pytest.mark.parametrize(
    ("ids", "unique"), [(["a", "b"], True), (["a", "b", "a"], False), (["a", " a"], True)]
)
def test_text_keys_are_settled_by_grouping(ids, unique):
    con = ibis.duckdb.connect()
    write_tables(con, {"tickets": [Ticket(i, "ann", "chat", T0) for i in ids]})
    assert IbisSource(con)._unique_keys(["tickets"]) == (
        frozenset({"tickets"}) if unique else frozenset()
    )


def _ratings(con, rows):
    """A peer_ratings table of ``(rater, ratee, minute, score)`` rows, in that order."""
    import pyarrow as pa

    start = 1_782_896_400_000_000  # 2026-07-01T09:00:00Z
    raters, ratees, minutes, scores = zip(*rows) if rows else ((), (), (), ())
    table = pa.table(
        {
            "rater": pa.array(raters, pa.string()),
            "ratee": pa.array(ratees, pa.string()),
            "rated_at": pa.array([start + 60_000_000 * m for m in minutes], pa.int64()),
            "score": pa.array(scores, pa.float64()),
        }
    )
    con.create_table("peer_ratings", table, overwrite=True)


def _ratings_both_ways(con, monkeypatch):
    """The collaboration ratings measured with the keys settled first, and with the
    duplicate step always run, and whether the keys were found unique."""
    measure = functools.partial(
        IbisSource(con).measure, period=None, metrics=["collaboration_rating"]
    )
    unique = "peer_ratings" in IbisSource(con)._unique_keys(["peer_ratings"])
    fast = measure()
    with monkeypatch.context() as patched:
        patched.setattr(IbisSource, "_unique_keys", lambda self, kinds: frozenset())
        slow = measure()
    return fast, unique, slow


@pytest.mark.parametrize(
    ("rows", "unique"),
    [
        ([("ann", "bob", 0, 4.0), ("cy", "bob", 0, 5.0), ("ann", "bob", 1, 3.0)], True),
        ([("ann", "bob", 0, 4.0), ("cy", "bob", 0, 5.0), ("ann", "bob", 0, 3.0)], False),
        # blank raters are missing (rejected), not a repeated key
        ([("", "bob", 0, 4.0), (" ", "bob", 0, 5.0), ("ann", "bob", 0, 3.0)], True),
        ([], True),
    ],
)
def test_composite_keys_are_settled_by_their_repeated_keys(monkeypatch, rows, unique):
    con = ibis.duckdb.connect()
    _ratings(con, rows)
    fast, found, slow = _ratings_both_ways(con, monkeypatch)
    assert found is unique
    _same(fast, slow, "collaboration_rating", "peer_ratings")
    repeats = sum(1 for i, r in enumerate(rows) if r[0].strip() and r[:3] in [x[:3] for x in rows[:i]])
    assert fast.rejected["peer_ratings"].by_reason.get("duplicate", 0) == repeats


def test_a_large_table_of_composite_keys_keeps_the_duplicate_step(monkeypatch):
    import csperf.sources._ibis

    con = ibis.duckdb.connect()
    _ratings(con, [("ann", "bob", 0, 4.0), ("cy", "bob", 0, 5.0)])
    monkeypatch.setattr(csperf.sources._ibis, "_MAX_GROUPED_KEYS", 1)
    assert IbisSource(con)._unique_keys(["peer_ratings"]) == frozenset()
    monkeypatch.setattr(csperf.sources._ibis, "_MAX_GROUPED_KEYS", 2)
    assert IbisSource(con)._unique_keys(["peer_ratings"]) == frozenset({"peer_ratings"})


@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ann", "bob", "cy", "dee", "", " "]),
            st.sampled_from(["bob", "cy"]),
            st.integers(0, 2),
            st.sampled_from([1.0, 3.0, 5.0, 7.0]),
        ),
        max_size=12,
    )
)
def test_settling_composite_keys_agrees_with_the_duplicate_step(rows):
    con = ibis.duckdb.connect()
    _ratings(con, rows)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, unique, slow = _ratings_both_ways(con, monkeypatch)
    keys = [r[:3] for r in rows if r[0].strip()]
    assert unique is (len(set(keys)) == len(keys))
    _same(fast, slow, "collaboration_rating", "peer_ratings")


def test_the_keys_of_every_kind_are_settled_together(monkeypatch):
    # one query for the bounds and counts of every kind, one for their tests: tickets
    # unique, a survey contact repeated, no peer rating (a composite key) at all
    import pyarrow as pa

    con = ibis.duckdb.connect()
    _integer_id_tickets(con, [3, 1, 2])
    con.create_table(
        "surveys",
        pa.table(
            {
                "agent": ["ann", "ann", "bob"],
                "contact_id": pa.array([10, 11, 10], pa.int64()),
                "submitted_at": pa.array([1_782_896_400_000_000] * 3, pa.int64()),
                "csat": pa.array([5, 4, 3], pa.int64()),
            }
        ),
    )
    write_tables(con, {"peer_ratings": []})
    statements = []
    monkeypatch.setattr(con, "con", _Recording(con.con, statements))
    found = IbisSource(con)._unique_keys(["tickets", "surveys", "peer_ratings"])
    assert found == frozenset({"tickets", "peer_ratings"})
    queries = [s for s in statements if not s.startswith("DESCRIBE")]  # (the schemas)
    assert len(queries) == 2
    assert queries[0].count("MIN(") == 2 and queries[1].count("bitstring_agg") == 2


def test_small_tables_are_tested_by_bits_only_beside_a_large_one(monkeypatch):
    import csperf.sources._ibis

    con = ibis.duckdb.connect()
    _integer_id_tickets(con, [1, 2, 3, 4])
    write_tables(con, {"qa_reviews": []})
    con.create_table("qa_reviews", con.table("tickets").select(
        agent="agent", reviewed_at="created_at", checks_passed=ibis.literal(1),
        checks_applicable=ibis.literal(2), id=ibis._.id % 3,
    ), overwrite=True)  # fmt: skip
    monkeypatch.setattr(csperf.sources._ibis, "_MIN_KEYS_FOR_BITS", 5)
    statements = []
    monkeypatch.setattr(con, "con", _Recording(con.con, statements))
    # no table of 5 keys: the bounds only, every table grouped
    assert IbisSource(con)._unique_keys(["tickets", "qa_reviews"]) == frozenset()
    assert sum("bitstring_agg" in s for s in statements) == 0
    monkeypatch.setattr(csperf.sources._ibis, "_MIN_KEYS_FOR_BITS", 4)
    # the tickets' 4 keys are tested, and the reviews' keys (1, 2, 0, 1: a repeat) with them
    statements.clear()
    assert IbisSource(con)._unique_keys(["tickets", "qa_reviews"]) == frozenset({"tickets"})
    (bits,) = [s for s in statements if "bitstring_agg" in s]
    assert bits.count("bitstring_agg") == 2


class _Recording:
    """A DuckDB connection that records the statements given to ``sql``."""

    def __init__(self, con, statements):
        self._con, self._statements = con, statements

    def sql(self, text, *args, **kwargs):
        self._statements.append(text)
        return self._con.sql(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.none(), st.integers(-5, 12), st.sampled_from([2**31, -(2**40), 2**62])),
        max_size=14,
    )
)
def test_settling_repeats_by_bits_agrees_with_grouping(ids):
    con = ibis.duckdb.connect()
    _integer_id_tickets(con, ids)
    present = [x for x in ids if x is not None]
    found = "tickets" in IbisSource(con)._unique_keys(["tickets"])
    if found:
        assert len(set(present)) == len(present)
    elif max(present, default=0) - min(present, default=0) < 2**20:
        # within the bound, a False is a real repeat
        assert len(set(present)) < len(present)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, _, slow = _both_ways(con, monkeypatch)
    _same(fast, slow)


def test_a_duckdb_table_is_looked_up_as_ibis_looks_it_up():
    # the schema read from DuckDB's relation is Ibis's own (types, order), every column
    # nullable (csperf reads every column as possibly NULL); names with a schema and missing
    # tables take Ibis's way
    import ibis.common.exceptions

    from csperf.metrics._ibis import table

    con = ibis.duckdb.connect()
    con.raw_sql(
        "CREATE TABLE every_type (i BIGINT, s VARCHAR, t TIMESTAMPTZ, n TIMESTAMP, "
        "d DECIMAL(18, 3), f DOUBLE, b BOOLEAN, l INTEGER[], st STRUCT(a INTEGER, b VARCHAR), "
        "e ENUM('x', 'y'), day DATE, small SMALLINT, u UBIGINT, m MAP(VARCHAR, INTEGER), "
        "k BIGINT NOT NULL)"
    )
    con.raw_sql("CREATE VIEW every_view AS SELECT * FROM every_type")
    con.raw_sql("CREATE SCHEMA other")
    con.raw_sql("CREATE TABLE other.every_type AS SELECT * FROM every_type")
    def nullable(schema):
        return {name: dtype.copy(nullable=True) for name, dtype in schema.items()}

    assert not con.table("every_type").schema()["k"].nullable
    for name in ("every_type", "every_view", "EVERY_VIEW"):
        found, expected = table(con, name), con.table(name)
        assert list(found.schema().items()) == list(nullable(expected.schema()).items()), name
        assert found.execute().columns.tolist() == expected.execute().columns.tolist()
    other = con.table("every_type", database="other")
    assert table(con, "every_type", "other").schema() == other.schema()
    assert table(con, "every_type", "other").get_name() == "other.every_type"
    with pytest.raises(ibis.common.exceptions.TableNotFound):
        table(con, "no_such_table")


def test_duckdb_table_names_are_those_ibis_lists():
    # tables, views, temporary ones, in the current database and schema only, as the
    # current schema and database change
    import duckdb

    from csperf.metrics._ibis import table_names

    raw = duckdb.connect()
    raw.execute(
        "CREATE TABLE a (x INTEGER); CREATE VIEW v AS SELECT 1 AS one; "
        "CREATE TEMP TABLE tt (y INTEGER); CREATE TEMP VIEW tv AS SELECT 2 AS two; "
        "CREATE SCHEMA s; CREATE TABLE s.b (z INTEGER); ATTACH ':memory:' AS other; "
        "CREATE TABLE other.main.o (q INTEGER)"
    )
    con = ibis.duckdb.from_connection(raw)
    seen = []
    for use in (None, "s", "other", "memory.main"):
        if use is not None:
            raw.execute(f"USE {use}")
        seen.append(table_names(con))
        assert seen[-1] == sorted(con.list_tables()), use
    assert seen[0] == ["a", "tt", "tv", "v"] and seen[1] == ["b"]
    sqlite = ibis.sqlite.connect()
    sqlite.create_table("t", schema=ibis.schema({"x": "int64"}))
    assert table_names(sqlite) == sqlite.list_tables() == ["t"]


def test_a_roster_table_reads_only_its_times_as_integer_microseconds():
    # a backend without timestamps stores them as integers; a whole-number agent column is
    # a bad agent (named with its value), not a moment
    import pyarrow as pa

    con = ibis.duckdb.connect()
    start = 1_782_864_000_000_000  # 2026-07-01T00:00:00Z
    table = {"agent": ["ann"], "team": ["north"], "manager": ["mia"]}
    con.create_table("roster", pa.table({**table, "valid_from": pa.array([start], pa.int64())}))
    (entry,) = IbisSource(con).roster().entries
    assert entry.valid_from == datetime(2026, 7, 1, tzinfo=timezone.utc)
    con.create_table("roster", pa.table({**table, "agent": pa.array([101])}), overwrite=True)
    with pytest.raises(ConfigError, match="field 'agent' must be a non-empty string, got 101"):
        IbisSource(con).roster()


def test_a_roster_table_of_the_same_content_is_checked_once():
    import pyarrow as pa

    con = ibis.duckdb.connect()
    rows = {"agent": ["ann", "bob"], "team": ["north", "south"], "manager": ["mia", "mia"]}
    con.create_table("roster", pa.table(rows))
    first = IbisSource(con).roster()
    assert IbisSource(con).roster() is first
    con.create_table("roster", pa.table({**rows, "team": ["north", "north"]}), overwrite=True)
    changed = IbisSource(con).roster()
    assert changed is not first and changed.subjects("team") == ("north",)
    # a value that cannot be a key (a list) is checked, and refused, all the same
    con.create_table("roster", pa.table({**rows, "agent": [["ann"], ["bob"]]}), overwrite=True)
    with pytest.raises(ConfigError, match="field 'agent' must be a non-empty string"):
        IbisSource(con).roster()


def test_a_roster_table_of_equal_values_of_another_type_is_checked_anew():
    # True == 1 and they hash alike: the key holds the columns' types, so a flag column
    # does not reuse the roster that an integer-microsecond column gave
    import pyarrow as pa

    con = ibis.duckdb.connect()
    rows = {"agent": ["ann"], "team": ["north"], "manager": ["mia"]}
    con.create_table("roster", pa.table({**rows, "valid_from": pa.array([1], pa.int64())}))
    (entry,) = IbisSource(con).roster().entries
    assert entry.valid_from == datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=timezone.utc)
    flags = pa.table({**rows, "valid_from": pa.array([True])})
    con.create_table("roster", flags, overwrite=True)
    with pytest.raises(ConfigError, match="valid_from"):
        IbisSource(con).roster()
