"""One statement per measurement (csperf.metrics._plan): what runs, what is compiled, and the
checks and windows written for it (duplicates, roster ends, first-contact ties)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from csperf.metrics import Roster, RosterEntry, Ticket, fcr
from csperf.sources import IbisSource, RecordsSource
from csperf.sources._ibis import write_tables

ibis = pytest.importorskip("ibis")
plan = pytest.importorskip("csperf.metrics._plan")

T0 = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)
DAY = timedelta(days=1)
BACKENDS = ["duckdb", "sqlite"]


def _connect(name):
    return getattr(ibis, name).connect()


@pytest.fixture
def executions(monkeypatch):
    """The statements run, as their text."""
    seen = []
    real = plan.execute

    def counting(connection, the_plan, schema=None):
        seen.append(the_plan.sql(connection))
        return real(connection, the_plan, schema)

    monkeypatch.setattr(plan, "execute", counting)
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_measurement_is_one_statement_and_rejects_add_one(backend, executions):
    con = _connect(backend)
    clean = [Ticket(i, "ann", "chat", T0, resolved_at=T0 + DAY) for i in range(3)]
    write_tables(con, {"tickets": clean})
    m = IbisSource(con).measure(period=None, metrics=["complaint_rate", "fcr", "aht"])
    assert len(executions) == 1
    assert m.value("ann", "fcr").value == 1.0
    # a duplicate row: the same single statement, then one more for the examples
    write_tables(con, {"tickets": [*clean, clean[0]]})
    executions.clear()
    m = IbisSource(con).measure(period=None, metrics=["complaint_rate", "fcr", "aht"])
    assert len(executions) == 2
    assert [i.position for i in m.rejected["tickets"].examples] == [3]


def _operators(con, text):
    """The names of the operators in DuckDB's physical plan of ``text``."""
    import json

    (row,) = con.con.sql("EXPLAIN (FORMAT JSON) " + text).fetchall()
    names = []

    def walk(node):
        names.append(node["name"])
        for child in node.get("children", []):
            walk(child)

    for node in json.loads(row[1]):
        walk(node)
    return names


def test_the_statement_materialises_the_checked_rows_and_numbers_only_repeated_keys(
    executions,
):
    con = _connect("duckdb")
    write_tables(con, {"tickets": [Ticket(1, "ann", "chat", T0), Ticket(1, "ann", "chat", T0)]})
    IbisSource(con).measure(period=None, metrics=["complaint_rate"])
    text, examples = executions
    assert '"_csperf_checked_tickets" AS MATERIALIZED (' in text
    assert '"_csperf_valid_tickets" AS NOT MATERIALIZED (' in text
    # numbering keeps DuckDB in one thread: only the rows of repeated keys are numbered
    assert text.count("ROW_NUMBER() OVER () - 1") == 1
    assert text.count("SEMI JOIN") == 1 and text.count("ANTI JOIN") == 1
    assert text.index("SEMI JOIN") > text.index("ROW_NUMBER() OVER () - 1")
    assert "UNBOUNDED FOLLOWING) - 1" not in text
    operators = _operators(con, text)
    assert not any("NESTED_LOOP" in o or "BLOCKWISE_NL" in o for o in operators)
    # the examples, read only when there are rejected rows, number every row, streamed
    assert "ROW_NUMBER() OVER () - 1" in examples and "SEMI JOIN" not in examples
    assert "STREAMING_WINDOW" in _operators(con, examples)


def test_metric_and_check_sql_is_compiled_once_per_process(monkeypatch):
    con = _connect("duckdb")
    write_tables(con, {"tickets": [Ticket(1, "ann", "chat", T0)]})
    builds = []
    real = plan.compiled

    def counting(key, build):
        return real(key, lambda: builds.append(key[0]) or build())

    monkeypatch.setattr(plan, "compiled", counting)
    monkeypatch.setattr(plan, "_cache", type(plan._cache)())
    source = IbisSource(con)
    source.measure(period="2026-Q3", tz="UTC", metrics=["complaint_rate", "fcr"])
    # the metrics of one kind are compiled together (they may share one aggregate)
    assert sorted(builds) == ["checks", "key test", "metrics", "views"]
    builds.clear()
    source.measure(period="2026-Q3", tz="UTC", metrics=["complaint_rate", "fcr"])
    assert builds == []
    # another period or option is another statement
    source.measure(period="2026-Q4", tz="UTC", metrics=["complaint_rate"])
    source.measure(period="2026-Q3", tz="UTC", metrics=["fcr"], fcr={"window": 60})
    assert builds == ["metrics", "metrics"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_duplicates_keep_the_first_valid_row(backend):
    # ticket 7 three times: the first is bad for its own reason, the second is kept, the third
    # repeats it; ticket 8 twice, the first kept
    base = dict(agent="ann", channel="phone", created_at=T0, answered=True)
    rows = [
        {**base, "id": 7, "wait_seconds": -1.0},
        {**base, "id": 7, "wait_seconds": 10.0},
        {**base, "id": 7, "wait_seconds": 30.0},
        {**base, "id": 8, "wait_seconds": 20.0},
        {**base, "id": 8, "wait_seconds": 40.0},
    ]
    con = _connect(backend)
    write_tables(con, {"tickets": rows})
    found = IbisSource(con).measure(period=None, metrics=["first_response_time"])
    expected = RecordsSource({"tickets": rows}).measure(period=None, metrics=["first_response_time"])
    report = found.rejected["tickets"]
    assert [(i.position, i.reason.value) for i in report.examples] == [
        (0, "negative_duration"),
        (2, "duplicate"),
        (4, "duplicate"),
    ]
    assert [(i.position, i.reason) for i in report.examples] == [
        (i.position, i.reason) for i in expected.rejected["tickets"].examples
    ]
    # the kept rows answered after 10 s and 20 s
    assert found.value("ann", "first_response_time").value == 15.0
    assert expected.value("ann", "first_response_time").value == 15.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_roster_entries_with_open_and_closed_ends(backend):
    roster = Roster(
        [
            RosterEntry("ann", "north", "mia", valid_to=T0),  # open start
            RosterEntry("ann", "south", "max", valid_from=T0 + DAY),  # open end
            RosterEntry("bob", "north", "mia", valid_from=T0, valid_to=T0 + DAY),
        ]
    )
    tickets = [
        Ticket(1, "ann", "chat", T0 - 900 * DAY),  # north
        Ticket(2, "ann", "chat", T0),  # between the entries: outside
        Ticket(3, "ann", "chat", T0 + 9000 * DAY),  # south
        Ticket(4, "bob", "chat", T0 + DAY - timedelta(microseconds=1)),  # north, last µs
        Ticket(5, "bob", "chat", T0 + DAY),  # outside (the end is excluded)
    ]
    con = _connect(backend)
    write_tables(con, {"tickets": tickets})
    m = IbisSource(con, roster=roster).measure(period=None, level="team", metrics=["complaint_rate"])
    report = m.rejected["tickets"]
    assert [(i.position, i.reason.value) for i in report.examples] == [
        (1, "not_on_roster"),
        (4, "not_on_roster"),
    ]
    expected = RecordsSource({"tickets": tickets}, roster).measure(
        period=None, level="team", metrics=["complaint_rate"]
    )
    assert m.subjects == expected.subjects == ("north", "south")
    assert [m.value(s, "complaint_rate").sample_size for s in m.subjects] == [2, 1]


@pytest.mark.parametrize("backend", BACKENDS)
def test_fcr_ties_and_the_window_end(backend):
    week = timedelta(days=7)
    us = timedelta(microseconds=1)

    def ticket(i, customer, when):
        return Ticket(i, "ann", "chat", when, resolved_at=when, customer=customer)

    tickets = [
        ticket(1, "c", T0),
        ticket(2, "c", T0),  # the same moment: neither is the other's repeat
        ticket(3, "c", T0 + week),  # exactly a window later: a repeat of 1 and 2
        ticket(4, "d", T0),
        ticket(5, "d", T0 + week + us),  # a microsecond too late: no repeat of 4
        ticket(6, "e", T0),
        ticket(7, "e", T0),  # only a same-moment contact: no repeat
    ]
    # by hand: 1, 2 repeated (3); 3, 4, 5, 6, 7 resolved at first contact: 5 of 7
    assert fcr(tickets).value == 5 / 7
    con = _connect(backend)
    write_tables(con, {"tickets": tickets})
    m = IbisSource(con).measure(period=None, metrics=["fcr"])
    assert m.value("ann", "fcr").value == 5 / 7
    assert m.value("ann", "fcr").sample_size == 7


def test_options_key_tells_plain_values_apart_and_refuses_objects():
    from datetime import timedelta

    key = plan.options_key
    assert key({"window": timedelta(days=7)}) == key({"window": timedelta(days=7)})
    assert key({"window": 7}) != key({"window": 7.5})
    assert key({"window": 1}) != key({"window": True})  # 1 == True, but not the same option
    assert key({"channels": {"chat", "email"}}) == key({"channels": frozenset({"email", "chat"})})
    assert key({"channels": ["chat", "email"]}) != key({"channels": ["email", "chat"]})
    assert key({"a": 1, "b": 2}) == key({"b": 2, "a": 1})
    assert key({"rule": object()}) is None
    assert key({"channels": [object()]}) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_of_composite_keys_are_counted_once(backend):
    # (agent, taken_at) is the key: ann's second test at T0 repeats her first; bob's test at
    # T0 and ann's at T0 + DAY share only a part of it, and each counts once
    rows = [
        {"agent": "ann", "taken_at": T0, "score": 80.0},
        {"agent": "ann", "taken_at": T0 + DAY, "score": 90.0},
        {"agent": "bob", "taken_at": T0, "score": 70.0},
        {"agent": "ann", "taken_at": T0, "score": 10.0},
        {"agent": " bob", "taken_at": T0 + DAY, "score": 50.0},
    ]
    con = _connect(backend)
    write_tables(con, {"knowledge_tests": rows})
    found = IbisSource(con).measure(period=None, metrics=["product_knowledge"])
    expected = RecordsSource({"knowledge_tests": rows}).measure(
        period=None, metrics=["product_knowledge"]
    )
    for m in (found, expected):
        assert m.value("ann", "product_knowledge").value == 85.0
        assert m.value("ann", "product_knowledge").sample_size == 2
        assert m.value("bob", "product_knowledge").sample_size == 1
        assert [(i.position, i.reason.value) for i in m.rejected["knowledge_tests"].examples] == [
            (3, "duplicate")
        ]
