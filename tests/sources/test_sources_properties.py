"""The database path (SQLite, DuckDB) and the records path give the same measurements.

Rows of every record kind, some of them bad, are measured by :class:`RecordsSource` (the
catalog in Python) and, written into SQLite and DuckDB, by :class:`SqlSource`: every value
(within 1e-9), sample size and flag, every subject, and the rejected-record reports must agree,
at every level and with every metric's options drawn at random.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf.sources import Measurements, RecordsSource, SqlSource, write_tables
from strategies import examples, source_centres, source_options, source_roster

PERIOD = (datetime(2024, 1, 3, tzinfo=timezone.utc), datetime(2024, 1, 21, tzinfo=timezone.utc))
LEVELS = [("agent", False), ("agent", True), ("team", True), ("manager", True)]


def assert_same(expected: Measurements, found: Measurements) -> None:
    assert found.subjects == expected.subjects
    assert found.metrics == expected.metrics
    for subject in expected.subjects:
        for metric in expected.metrics:
            want, got = expected.value(subject, metric), found.value(subject, metric)
            where = (subject, metric, want, got)
            assert got.sample_size == want.sample_size, where
            assert got.flags == want.flags, where
            if want.value is None:
                assert got.value is None, where
            else:
                assert got.value is not None, where
                assert math.isclose(got.value, want.value, rel_tol=1e-9, abs_tol=1e-9), where
    assert set(found.rejected) == set(expected.rejected)
    for kind, report in expected.rejected.items():
        other = found.rejected[kind]
        assert (other.total, other.count, dict(other.by_reason)) == (
            report.total,
            report.count,
            dict(report.by_reason),
        ), kind
        assert [(e.position, e.reason, e.field) for e in other.examples] == [
            (e.position, e.reason, e.field) for e in report.examples
        ], kind


@pytest.mark.slow
@settings(max_examples=examples(12), suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=source_centres(),
    options=source_options(),
    level=st.sampled_from(LEVELS),
    period=st.sampled_from([PERIOD, None]),
)
def test_sqlite_and_duckdb_equal_python(rows, options, level, period):
    # One draw, measured once by the records path and by both databases: the expectation
    # (the costly part of an example is the engine's work per measure, not the data) is shared.
    duckdb = pytest.importorskip("duckdb")
    level, with_roster = level
    roster = source_roster() if with_roster else None
    expected = RecordsSource(rows, roster).measure(period=period, level=level, **options)
    for connection in (sqlite3.connect(":memory:"), duckdb.connect()):
        write_tables(connection, rows, roster=roster)
        found = SqlSource(connection).measure(period=period, level=level, **options)
        assert_same(expected, found)
