"""The portable subset of Ibis, proved on every backend csperf claims.

Each rule of "The portable subset" in ``docs/explanation/design.rst`` has a test here that runs
a small Ibis expression on DuckDB, SQLite, PostgreSQL and PySpark and checks the value against
Python (``fractions``, numpy). Where a rule exists because some backend goes wrong outside it,
the test also shows that backend going wrong, so the rule is dropped only when the reason is gone.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategies import examples

ibis = pytest.importorskip("ibis")
pa = pytest.importorskip("pyarrow")

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000


def micros(moment: dt.datetime) -> int:
    """Epoch microseconds of an aware datetime, computed exactly."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def scalar(backend: Any, expr: Any) -> Any:
    """A scalar's value as a Python object (NULL → None on every backend); a one-row table's row."""
    result = backend.con.to_pyarrow(expr)
    if isinstance(result, pa.Table):
        (row,) = result.to_pylist()
        return row
    return result.as_py()


def rows(backend: Any, expr: Any, *, order: str) -> list[dict[str, Any]]:
    """A table expression's rows as dicts, sorted by ``order``."""
    return sorted(backend.con.to_pyarrow(expr).to_pylist(), key=lambda r: r[order])


# -- loading -------------------------------------------------------------------------------------


def test_loading_with_native_readers_keeps_types_and_nulls(backend):
    """Nullable integers, floats, booleans, text and NULLs survive each backend's own reader.

    (Ibis ``create_table`` of a pandas or Arrow table into Spark silently made nullable integers
    NULL and ``None`` non-null; the loader in ``backend_support.py`` never uses it.)
    """
    data = pa.table(
        {
            "k": pa.array([0, 1, 2, 3], pa.int64()),
            "n": pa.array([5, None, -7, 2**53], pa.int64()),
            "x": pa.array([0.5, None, 1e-300, -2.25], pa.float64()),
            "b": pa.array([True, None, False, True], pa.bool_()),
            "s": pa.array(["a", "", None, "九〇"], pa.string()),
        }
    )
    table = backend.load("kinds", data)
    assert rows(backend, table, order="k") == data.to_pylist()
    assert scalar(backend, table.n.count()) == 3
    assert scalar(backend, table.n.isnull().sum()) == 1


def test_the_pinned_ibis_and_sqlglot_create_tables_on_duckdb():
    """With sqlglot 30.18+, Ibis 12's ``create_table(overwrite=True)`` on DuckDB fails to parse."""
    con = ibis.duckdb.connect()
    con.create_table("x", pa.table({"a": [1, 2]}))
    table = con.create_table("x", pa.table({"a": [1, 2, 3]}), overwrite=True)
    assert con.to_pyarrow(table.count()).as_py() == 3
    con.disconnect()


# -- timestamps as int64 epoch microseconds ------------------------------------------------------


def test_period_filter_on_epoch_microseconds_is_half_open(backend):
    """``start <= ts_us < end`` keeps the start, drops the end, to the microsecond."""
    start = micros(dt.datetime(2024, 3, 1, tzinfo=UTC))
    end = micros(dt.datetime(2024, 4, 1, tzinfo=UTC))
    stamps = [start - 1, start, start + 1, end - 1, end, end + 1]
    table = backend.load("t", {"agent": ["a", "a", "b", "b", "a", "b"], "ts_us": stamps})
    inside = table.filter((table.ts_us >= start) & (table.ts_us < end))
    counted = inside.group_by("agent").aggregate(n=inside.count())
    assert rows(backend, counted, order="agent") == [{"agent": "a", "n": 1}, {"agent": "b", "n": 2}]
    assert scalar(backend, inside.ts_us.min()) == start
    assert scalar(backend, inside.ts_us.max()) == end - 1


@pytest.mark.parametrize("backend", ["duckdb", "postgres", "pyspark"], indirect=True)
def test_aware_timestamps_read_as_exact_epoch_microseconds(backend):
    """``micros_of`` turns a timestamp-with-zone column into the instant's microseconds exactly.

    On DuckDB it calls ``epoch_us`` (``date_diff`` on a zoned timestamp is 40x slower); the value
    must be the same as everywhere else, before 1970, at a microsecond and across a DST change.
    (SQLite has no timestamp with a time zone: its tables hold epoch microseconds.)
    """
    from csperf.metrics._tablechecks import micros_of

    shanghai = dt.timezone(dt.timedelta(hours=8))
    moments = [
        dt.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        dt.datetime(1970, 1, 1, tzinfo=UTC),
        dt.datetime(2024, 3, 10, 2, 30, 0, 1, tzinfo=UTC),
        dt.datetime(2024, 11, 3, 9, 0, 0, 123_456, tzinfo=shanghai),
        dt.datetime(2262, 4, 11, 23, 47, 16, 854_775, tzinfo=UTC),
    ]
    data = pa.table(
        {
            "k": pa.array(range(len(moments)), pa.int64()),
            "at": pa.array(moments, pa.timestamp("us", tz="UTC")),
        }
    )
    table = backend.load("stamps", data)
    read = table.select("k", us=micros_of(table.at, name="at", source="t", backend=backend.name))
    assert [r["us"] for r in rows(backend, read, order="k")] == [micros(m) for m in moments]


def test_sqlite_compares_timestamp_columns_as_text():
    """Why timestamps are integers: on SQLite a timestamp is text and a period filter compares text.

    Three spellings of instants before midnight UTC on 1 April; the filter ``at < 2024-04-01``
    compiles to a text comparison and drops the one written with an offset (``"2024-04-01T07:30"``
    sorts after ``"2024-04-01 00:00"``), without an error. On epoch microseconds the same filter
    is right on every backend (the test above).
    """
    pytest.importorskip("ibis.backends.sqlite")
    con = ibis.sqlite.connect()
    con.con.execute('CREATE TABLE stamps ("at" TIMESTAMP, k INTEGER)')
    con.con.executemany(
        "INSERT INTO stamps VALUES (?, ?)",
        [
            ("2024-03-31T23:30:00+00:00", 1),
            ("2024-04-01T07:30:00+08:00", 2),  # 23:30 UTC on 31 March
            ("2024-03-31 23:30:00", 3),
        ],
    )
    table = con.table("stamps")
    kept = table.filter(table.at < ibis.timestamp("2024-04-01 00:00:00+00:00")).select("k")
    assert sorted(con.to_pyarrow(kept).column("k").to_pylist()) == [1, 3]
    con.disconnect()


def test_durations_in_seconds_across_a_daylight_saving_change(backend):
    """Elapsed seconds are ``(b_us − a_us) / 1e6``; a 7-day window is 604 800 s, not a calendar week.

    Paris went to summer time on 2024-03-31: from noon on 30 March to noon on 6 April (wall clock)
    is 6 days 23 hours. A repeat contact exactly 7 × 86 400 s after the first is in the window, one
    microsecond later is out.
    """
    paris_before = dt.datetime(2024, 3, 30, 11, 0, tzinfo=UTC)  # 12:00 CET
    paris_after = dt.datetime(2024, 4, 6, 10, 0, tzinfo=UTC)  # 12:00 CEST
    first = micros(paris_before)
    window = 7 * 86_400 * US
    table = backend.load(
        "pairs",
        {
            "k": [0, 1, 2],
            "a_us": [first, first, first],
            "b_us": [micros(paris_after), first + window, first + window + 1],
        },
    )
    seconds = (table.b_us - table.a_us) / 1e6
    measured = table.select("k", seconds=seconds, repeat=(table.b_us - table.a_us) <= window)
    assert rows(backend, measured, order="k") == [
        {"k": 0, "seconds": 6 * 86_400 + 23 * 3600.0, "repeat": True},
        {"k": 1, "seconds": 604_800.0, "repeat": True},
        {"k": 2, "seconds": 604_800.000001, "repeat": False},
    ]


def test_calendar_intervals_follow_the_session_time_zone():
    """Why windows are microseconds: ``+ INTERVAL 7 DAY`` is calendar arithmetic.

    Under a Paris session, DuckDB adds 7 calendar days across the DST change: 6 days 23 hours of
    elapsed time, so a repeat contact 6 days 23.5 hours later would fall outside "7 days".
    """
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Paris'")
    elapsed = con.execute(
        "SELECT epoch(TIMESTAMPTZ '2024-03-30 12:00:00+01' + INTERVAL 7 DAY)"
        " - epoch(TIMESTAMPTZ '2024-03-30 12:00:00+01')"
    ).fetchone()[0]
    con.close()
    assert elapsed == 6 * 86_400 + 23 * 3600


# -- percentiles ----------------------------------------------------------------------------------


def window_percentile(table: Any, column: str, q: float | str, *, by: str) -> Any:
    """Per ``by``, the ``q`` quantile of ``column`` (linear, numpy's arithmetic) from windows.

    ``q`` is a number or the name of a column holding each group's ``q``. ``h = (n − 1)·q``,
    ``lo = ⌊h⌋``, ``g = h − lo``; from the row ranked ``lo`` (``row_number`` is 0-based in Ibis)
    and the next value (``lead``): ``a + (b − a)·g`` when ``g < 0.5``, else
    ``b − (b − a)·(1 − g)``, which is how numpy's ``_lerp`` rounds.
    """
    ordered = ibis.window(group_by=table[by], order_by=table[column])
    group = ibis.window(group_by=table[by])
    share = table[q].cast("float64") if isinstance(q, str) else ibis.literal(q, "float64")
    ranked = table.select(
        by,
        x=table[column],
        _q=share,
        rn=ibis.row_number().over(ordered),
        nxt=table[column].lead().over(ordered),
        n=table[column].count().over(group),
    )
    h = (ranked.n - 1).cast("float64") * ranked._q
    lo = h.floor()
    ranked = ranked.mutate(_lo=lo, _frac=h - lo)
    picked = ranked.filter(ranked.rn == ranked._lo)
    a = picked.x.cast("float64")
    b = picked.nxt.cast("float64").coalesce(a)
    frac = picked._frac
    value = ibis.ifelse(frac < 0.5, a + (b - a) * frac, b - (b - a) * (1 - frac))
    return picked.select(by, value=value)


QS = [0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.995, 1.0]


def check_percentiles(backend: Any, groups: list[list[float]], qs: list[float]) -> None:
    """Every group's percentile (its own ``q``) from the backend equals numpy's, bit for bit."""
    data = {
        "g": [f"g{i:04d}" for i, xs in enumerate(groups) for _ in xs],
        "x": [x for xs in groups for x in xs],
        "q": [qs[i] for i, xs in enumerate(groups) for _ in xs],
    }
    table = backend.load(f"p_{uuid.uuid4().hex[:8]}", data)
    found = rows(backend, window_percentile(table, "x", "q", by="g"), order="g")
    got = {r["g"]: r["value"] for r in found}
    expected = {f"g{i:04d}": float(np.quantile(np.array(xs), qs[i])) for i, xs in enumerate(groups)}
    assert got == expected


values = st.lists(
    st.one_of(
        st.integers(-10_000, 10_000).map(float),
        st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=30,
)

QUICK = ["duckdb", "sqlite", "postgres"]
"""The backends fast enough for a property test per example; Spark gets a batch (see below)."""


@pytest.mark.parametrize("backend", QUICK, indirect=True)
@settings(
    max_examples=examples(12),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    groups=st.lists(values, min_size=1, max_size=6),
    qs=st.lists(st.sampled_from(QS), min_size=6, max_size=6),
)
def test_window_percentiles_equal_numpy_bit_for_bit(backend, groups, qs):
    """The row_number/lead/count construction gives numpy's linear percentile exactly (==)."""
    check_percentiles(backend, groups, qs)


def test_window_percentiles_equal_numpy_on_a_batch(backend):
    """The same on 400 generated groups in one query, on every backend (Spark included).

    Group sizes 1–60, values with ties, integers, wide floats; each group has its own ``q``.
    """
    rng = np.random.default_rng(9)
    groups: list[list[float]] = []
    for i in range(400):
        size = int(rng.integers(1, 61))
        kind = i % 3
        if kind == 0:
            xs = rng.integers(0, 5, size).astype(float)
        elif kind == 1:
            xs = rng.normal(0, 1e6, size)
        else:
            xs = rng.random(size) * 3600
        groups.append([float(x) for x in xs])
    qs = [QS[i % len(QS)] if i % 2 else float(rng.random()) for i in range(len(groups))]
    check_percentiles(backend, groups, qs)


QUANTILE_DATA = [float(v) for v in np.random.default_rng(1).random(37) * 1000]


@pytest.mark.parametrize("q", [0.5, 0.9, 0.99, 0.37])
def test_quantile_is_exact_where_ibis_compiles_it(backend, q):
    """``Column.quantile`` is an exact (interpolating) percentile, not an approximation.

    DuckDB (``quantile_cont``), PostgreSQL (``percentile_cont``) and Spark (``percentile``) agree
    with numpy to within 1e-12 relative; PostgreSQL agrees bit for bit, DuckDB and Spark may
    differ in the last bits (they round the interpolation differently), which is why csperf's
    percentiles use the window construction. SQLite has no compilation rule for it.
    """
    table = backend.load("q", {"x": QUANTILE_DATA})
    expected = float(np.quantile(np.array(QUANTILE_DATA), q))
    if backend.name == "sqlite":
        with pytest.raises(ibis.common.exceptions.OperationNotDefinedError):
            scalar(backend, table.x.quantile(q))
        return
    got = scalar(backend, table.x.quantile(q))
    assert math.isclose(got, expected, rel_tol=1e-12)
    if backend.name == "postgres":
        assert got == expected


# -- exact arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", QUICK, indirect=True)
@settings(
    max_examples=examples(10),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=40))
def test_integer_sum_over_count_is_the_correctly_rounded_ratio(backend, scores):
    """``sum / count`` of integers is the exact ratio rounded once, on every backend.

    (``mean`` of integers is a double on most backends but exact NUMERIC on PostgreSQL; the
    NPS ``100·(pro − det)/n`` is computed in that order, since ``100·((pro − det)/n)`` rounds
    twice.)
    """
    table = backend.load(f"s_{uuid.uuid4().hex[:8]}", {"score": scores})
    n = len(scores)
    share = (table.score >= 4).sum() / table.count().nullif(0)
    pro, det = (table.score >= 9).sum(), (table.score <= 6).sum()
    nps = (100 * (pro - det)) / table.count().nullif(0)
    total = table.score.sum() / table.score.count().nullif(0)
    got = scalar(backend, table.aggregate(share=share, nps=nps, total=total))
    p, d = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    assert got == {
        "share": float(Fraction(sum(s >= 4 for s in scores), n)),
        "nps": float(Fraction(100 * (p - d), n)),
        "total": float(Fraction(sum(scores), n)),
    }


def test_integer_ratios_on_a_batch(backend):
    """The same ratios per group for 300 generated groups in one query, on every backend."""
    rng = np.random.default_rng(4)
    sizes = rng.integers(1, 50, 300)
    scores = [[int(v) for v in rng.integers(0, 11, size)] for size in sizes]
    table = backend.load(
        "scores",
        {
            "g": [i for i, xs in enumerate(scores) for _ in xs],
            "score": [v for xs in scores for v in xs],
        },
    )
    n = table.count().nullif(0)
    pro, det = (table.score >= 9).sum(), (table.score <= 6).sum()
    grouped = table.group_by("g").aggregate(
        share=(table.score >= 4).sum() / n, nps=(100 * (pro - det)) / n, total=table.score.sum() / n
    )
    got = rows(backend, grouped, order="g")
    assert got == [
        {
            "g": i,
            "share": float(Fraction(sum(v >= 4 for v in xs), len(xs))),
            "nps": float(
                Fraction(100 * (sum(v >= 9 for v in xs) - sum(v <= 6 for v in xs)), len(xs))
            ),
            "total": float(Fraction(sum(xs), len(xs))),
        }
        for i, xs in enumerate(scores)
    ]


def test_the_order_of_operations_matters_for_nps():
    """``100·(1/3)`` and ``100/3`` differ in the last bit: the order is part of the definition."""
    assert 100 * (1 / 3) != 100 / 3 == float(Fraction(100, 3))


def test_division_by_zero_is_guarded_with_nullif(backend):
    """``x / nullif(n, 0)`` is NULL for an empty denominator on every backend.

    Unguarded, the backends disagree: PostgreSQL and Spark (ANSI mode) raise, DuckDB returns
    infinity and SQLite NULL.
    """
    table = backend.load("d", {"x": [1, 2, 3]})
    empty = table.filter(table.x > 10)
    assert scalar(backend, empty.x.sum().coalesce(0) / empty.count().nullif(0)) is None
    unguarded = table.x.sum() / (table.count() - 3)
    if backend.name in ("postgres", "pyspark"):
        with pytest.raises(Exception, match=r"(?i)division by zero|DIVIDE_BY_ZERO"):
            scalar(backend, unguarded)
    elif backend.name == "duckdb":
        assert scalar(backend, unguarded) == math.inf
    else:
        assert scalar(backend, unguarded) is None


def test_booleans_are_counted_with_sum_not_cast(backend):
    """``bool.sum()`` counts the true values (NULL is not counted) everywhere.

    Casting a boolean to a 64-bit integer fails on PostgreSQL ("cannot cast type boolean to
    bigint").
    """
    table = backend.load("b", {"b": [True, False, None, True, True]})
    assert scalar(backend, table.b.sum()) == 3
    assert scalar(backend, table.b.count()) == 4
    assert scalar(backend, (~table.b.coalesce(False)).sum()) == 2
    if backend.name == "postgres":
        with pytest.raises(Exception, match="cannot cast type boolean to bigint"):
            scalar(backend, table.b.cast("int64").sum())
    else:
        assert scalar(backend, table.b.cast("int64").sum()) == 3


# -- NULLs and empty tables ----------------------------------------------------------------------


def test_null_handling(backend):
    """Aggregates skip NULLs; a comparison with NULL is NULL, so filters coalesce first."""
    table = backend.load(
        "nulls",
        {
            "k": [0, 1, 2, 3],
            "x": pa.array([1, None, 3, None], pa.int64()),
            "abandoned": pa.array([None, True, False, None], pa.bool_()),
        },
    )
    assert scalar(
        backend, table.aggregate(n=table.count(), nx=table.x.count(), sx=table.x.sum())
    ) == {
        "n": 4,
        "nx": 2,
        "sx": 4,
    }
    # NOT abandoned drops the NULL rows; NOT coalesce(abandoned, false) keeps them (handled).
    assert scalar(backend, table.filter(~table.abandoned).count()) == 1
    assert scalar(backend, table.filter(~table.abandoned.coalesce(False)).count()) == 3
    assert scalar(backend, table.filter(table.x != 1).count()) == 1
    assert scalar(backend, (table.x.coalesce(0) + 1).sum()) == 8


def test_empty_tables(backend):
    """On no rows: count 0, sum NULL, a guarded ratio NULL, a GROUP BY no groups."""
    data = pa.table(
        {
            "agent": pa.array([], pa.string()),
            "x": pa.array([], pa.int64()),
            "b": pa.array([], pa.bool_()),
        }
    )
    table = backend.load("empty", data)
    got = scalar(
        backend,
        table.aggregate(
            n=table.count(),
            s=table.x.sum(),
            share=table.b.sum() / table.count().nullif(0),
            p=table.x.max(),
        ),
    )
    assert got == {"n": 0, "s": None, "share": None, "p": None}
    grouped = table.group_by("agent").aggregate(n=table.count())
    assert backend.con.to_pyarrow(grouped).num_rows == 0
    assert backend.con.to_pyarrow(window_percentile(table, "x", 0.5, by="agent")).num_rows == 0


# -- session time zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["duckdb", "postgres", pytest.param("pyspark", marks=pytest.mark.slow)]
)
def test_ibis_forces_a_wrapped_connection_to_utc(name, request):
    """Wrapping a caller's connection in Ibis sets its session time zone to UTC.

    A source that takes a caller's connection must restore the zone afterwards or say so.
    """
    from backend_support import POSTGRES_URL, check_installed, unavailable

    check_installed(name)
    if name == "duckdb":
        import duckdb

        raw = duckdb.connect()
        raw.execute("SET TimeZone = 'Asia/Shanghai'")
        ibis.duckdb.from_connection(raw)
        assert raw.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
        raw.close()
    elif name == "postgres":
        import os

        import psycopg

        url = os.environ.get(POSTGRES_URL)
        if not url:
            unavailable(name, f"{POSTGRES_URL} is not set")
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute("SET TIMEZONE = 'Asia/Shanghai'")
            ibis.postgres.from_connection(raw)
            assert raw.execute("SHOW TIMEZONE").fetchone()[0] == "UTC"
    else:
        session = request.getfixturevalue("spark_session")
        session.conf.set("spark.sql.session.timeZone", "Asia/Shanghai")
        try:
            ibis.pyspark.connect(session)
            assert session.conf.get("spark.sql.session.timeZone") == "UTC"
        finally:
            session.conf.set("spark.sql.session.timeZone", "UTC")
