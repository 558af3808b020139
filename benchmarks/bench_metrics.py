"""The 13 catalog metrics per agent over millions of generated tickets: csperf against baselines.

Usage::

    python benchmarks/bench_metrics.py                      # 1M and 10M tickets
    python benchmarks/bench_metrics.py --tickets 1000000    # one size (repeat for several)
    python benchmarks/bench_metrics.py --quick              # a small smoke run (20,000 tickets)

For each size it generates a contact centre (tickets, surveys, QA reviews, knowledge tests, peer
ratings, sharing items and a roster), streamed to Parquet files in chunks with numpy and pyarrow
(rows are never Python objects), then times, from the same files:

- ``hand-written SQL``: one DuckDB query of the 13 metrics per agent, written from the
  definitions in ``docs/explanation/metrics.rst`` (the baseline);
- ``pandas``: the same definitions as a pandas groupby, reading the files included;
- ``csperf``: ``IbisSource`` on DuckDB, the files as DuckDB views; at the first size of at
  most 1M tickets also ``DuckDbSource`` over the folder of files (the same engine, reading the
  files itself);
- at the first size of at most 1M tickets, ``IbisSource`` on PostgreSQL (with ``--postgres URL``
  or ``CSPERF_TEST_POSTGRES_URL``) and on Spark in local mode (with ``--spark``).

The contenders run in ``--repeat`` rounds (3) in the same process, each contender once per
round in turn (so that a machine whose speed drifts slows them alike), and each one's best
time counts, as ``timeit`` reports; csperf's line also gives its first run, which compiles the
statement (later runs in the process reuse it), and its ratio to the baseline round by round
after the first (lowest, highest and median), which shows how much one run's ratio moves.

The values of every contender are checked equal to the baseline's (relative 1e-9) before any
time is printed; the ratios are against the baseline measured in the same run. The targets
(issue 9) are csperf ≤ 1.3× the hand-written query, and faster than pandas.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

US = 1_000_000
DAY_US = 86_400 * US
PERIOD_START_US = 1_782_864_000 * US  # 2026-07-01T00:00:00Z
PERIOD_END_US = 1_790_812_800 * US  # 2026-10-01T00:00:00Z
WINDOW_US = 7 * DAY_US  # the FCR repeat-contact window (the default, 7 days)
CHUNK = 1_000_000
#: Rows per Parquet row group: DuckDB's own default when it writes Parquet. A reader reads a
#: row group in one thread, so a file of one group is read by one thread, by every contender.
ROW_GROUP = 122_880

METRICS = (
    "customer_satisfaction",
    "nps",
    "complaint_rate",
    "first_response_time",
    "resolution_time",
    "fcr",
    "service_level",
    "abandonment_rate",
    "aht",
    "script_compliance",
    "product_knowledge",
    "collaboration_rating",
    "information_sharing_rate",
)
KINDS = ("tickets", "surveys", "qa_reviews", "knowledge_tests", "peer_ratings", "sharing_items")

Values = dict[str, dict[str, float | None]]

# -- generation ---------------------------------------------------------------------------------

TS = pa.timestamp("us", tz="UTC")


def _ts(us: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(us, pa.int64(), mask=mask).cast(TS)


def _names(prefix: str, count: int) -> pa.Array:
    return pa.array([f"{prefix}{i:06d}" for i in range(count)], pa.string())


def _pick(names: pa.Array, index: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), names)


def _maybe(values: np.ndarray, valid: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
    return pa.array(values, arrow_type, mask=~valid)


def sizes_for(tickets: int) -> dict[str, int]:
    """Row counts of every kind for ``tickets`` tickets (one agent per 1,000 tickets)."""
    agents = max(20, tickets // 1000)
    return {
        "tickets": tickets,
        "surveys": tickets // 4,
        "qa_reviews": agents * 12,
        "knowledge_tests": agents * 3,
        "peer_ratings": agents * 10,
        "sharing_items": agents * 20,
        "agents": agents,
    }


def _ticket_chunk(rng: np.random.Generator, base: int, n: int, agents: pa.Array, customers: int):
    start = PERIOD_START_US - 7 * DAY_US
    created = start + rng.integers(0, 106 * DAY_US, n)
    channel = rng.integers(0, 3, n)  # chat, email, phone
    call = channel == 2
    abandoned = call & (rng.random(n) < 0.15)
    handled = ~abandoned
    responded = handled & (rng.random(n) < 0.95)
    resolved = handled & (rng.random(n) < 0.85)
    reopened = resolved & (rng.random(n) < 0.05)
    finally_resolved = reopened & (rng.random(n) < 0.7)
    resolved_at = created + rng.integers(60 * US, 20 * DAY_US, n)
    talked = call & ~abandoned & (rng.random(n) < 0.97)
    return pa.table(
        {
            "id": pa.array(base + np.arange(n), pa.int64()),
            "agent": _pick(agents, rng.integers(0, len(agents), n)),
            "channel": _pick(pa.array(["chat", "email", "phone"]), channel),
            "created_at": _ts(created),
            "first_response_at": _ts(created + rng.integers(US, 3600 * US, n), responded),
            "resolved_at": _ts(resolved_at, resolved),
            "final_resolved_at": _ts(
                resolved_at + rng.integers(3600 * US, 5 * DAY_US, n), finally_resolved
            ),
            "reopened": pa.array(reopened),
            "complaint": pa.array(rng.random(n) < 0.03),
            "customer": _maybe(rng.integers(0, customers, n), rng.random(n) < 0.9, pa.int64()),
            "wait_seconds": _maybe(rng.integers(0, 120, n).astype(float), call, pa.float64()),
            "answered": _maybe(~abandoned, call, pa.bool_()),
            "abandoned": _maybe(abandoned, call, pa.bool_()),
            "talk_seconds": _maybe(rng.integers(30, 1200, n).astype(float), talked, pa.float64()),
            "hold_seconds": _maybe(
                rng.integers(0, 300, n).astype(float), talked & (rng.random(n) < 0.3), pa.float64()
            ),
            "acw_seconds": _maybe(
                rng.integers(0, 120, n).astype(float), talked & (rng.random(n) < 0.8), pa.float64()
            ),
        }
    )


def _when(rng: np.random.Generator, n: int) -> np.ndarray:
    return PERIOD_START_US - 7 * DAY_US + rng.integers(0, 106 * DAY_US, n)


def _other_kinds(
    rng: np.random.Generator, kind: str, base: int, n: int, agents: pa.Array
) -> pa.Table:
    """Rows ``base`` to ``base + n`` of a kind (identifiers unique across chunks)."""
    who = _pick(agents, rng.integers(0, len(agents), n))
    at = _when(rng, n)
    if kind == "surveys":
        has_nps = rng.random(n) < 0.6
        has_csat = ~has_nps | (rng.random(n) < 0.8)  # an answer gives at least one of them
        return pa.table(
            {
                "agent": who,
                "contact_id": pa.array(np.arange(base, base + n), pa.int64()),
                "submitted_at": _ts(at),
                "csat": _maybe(rng.integers(1, 6, n), has_csat, pa.int64()),
                "nps": _maybe(rng.integers(0, 11, n), has_nps, pa.int64()),
            }
        )
    if kind == "qa_reviews":
        applicable = rng.integers(8, 13, n)
        return pa.table(
            {
                "agent": who,
                "reviewed_at": _ts(at),
                "checks_passed": pa.array(rng.integers(0, applicable + 1), pa.int64()),
                "checks_applicable": pa.array(applicable, pa.int64()),
                "critical_failed": pa.array(rng.random(n) < 0.05),
                "id": pa.array(np.arange(base, base + n), pa.int64()),
            }
        )
    if kind == "knowledge_tests":
        return pa.table(
            {"agent": who, "taken_at": _ts(at), "score": pa.array(rng.integers(0, 101, n) * 1.0)}
        )
    if kind == "peer_ratings":
        return pa.table(
            {
                "rater": _pick(agents, rng.integers(0, len(agents), n)),
                "ratee": who,
                "rated_at": _ts(at),
                "score": pa.array(rng.integers(1, 6, n) * 1.0),
            }
        )
    shared = at + rng.integers(-2 * DAY_US, DAY_US, n)
    return pa.table(
        {
            "agent": who,
            "due_at": _ts(at),
            "shared_at": _ts(shared, rng.random(n) < 0.9),
            "id": pa.array(np.arange(base, base + n), pa.int64()),
        }
    )


def _write(path: Path, chunks: Iterator[pa.Table]) -> None:
    writer = None
    try:
        for chunk in chunks:
            if writer is None:
                writer = pq.ParquetWriter(path, chunk.schema)
            writer.write_table(chunk, row_group_size=ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()


def generate(folder: Path, tickets: int, *, seed: int = 0) -> dict[str, Path]:
    """Write ``<kind>.parquet`` for every kind and ``roster.parquet`` into ``folder``, in chunks."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = sizes_for(tickets)
    agents = _names("a", sizes["agents"])
    rng = np.random.default_rng(seed)
    paths = {kind: folder / f"{kind}.parquet" for kind in (*KINDS, "roster")}
    customers = max(1, tickets // 3)

    def ticket_chunks() -> Iterator[pa.Table]:
        for base in range(0, max(tickets, 1), CHUNK):  # one empty chunk for no tickets
            yield _ticket_chunk(rng, base, min(CHUNK, tickets - base), agents, customers)

    _write(paths["tickets"], ticket_chunks())
    for kind in KINDS[1:]:
        count = sizes[kind]
        _write(
            paths[kind],
            (
                _other_kinds(rng, kind, base, min(CHUNK, count - base), agents)
                for base in range(0, max(count, 1), CHUNK)
            ),
        )
    index = np.arange(sizes["agents"])
    teams = _names("team", sizes["agents"] // 10 + 1)
    managers = _names("m", sizes["agents"] // 50 + 1)
    none = pa.nulls(sizes["agents"], TS)
    pq.write_table(
        pa.table(
            {
                "agent": agents,
                "team": teams.take(pa.array(index // 10)),
                "manager": managers.take(pa.array(index // 50)),
                "valid_from": none,
                "valid_to": none,
            }
        ),
        paths["roster"],
    )
    return paths


# -- baseline 1: one hand-written DuckDB query ---------------------------------------------------

HAND_WRITTEN_SQL = """
WITH t AS (
    SELECT *, epoch_us(created_at) AS c_us, NOT coalesce(abandoned, false) AS handled,
           (answered IS NOT NULL OR abandoned IS NOT NULL) AS is_call
    FROM tickets
),
-- the next later contact of the same customer, among all tickets (any period, agent, outcome)
nxt AS (
    SELECT id, min(c_us) OVER (
               PARTITION BY customer ORDER BY c_us
               RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_us
    FROM t WHERE customer IS NOT NULL
),
tp AS (
    SELECT t.*, nxt.next_us FROM t LEFT JOIN nxt USING (id)
    WHERE t.c_us >= $start AND t.c_us < $end
),
tm AS (
    SELECT agent,
        count(*) FILTER (WHERE handled AND complaint)::DOUBLE
            / nullif(count(*) FILTER (WHERE handled), 0) AS complaint_rate,
        avg(CASE WHEN first_response_at IS NOT NULL
                 THEN (epoch_us(first_response_at) - c_us) / 1e6
                 WHEN answered THEN wait_seconds END)
            FILTER (WHERE handled) AS first_response_time,
        avg((epoch_us(resolved_at) - c_us) / 1e6)
            FILTER (WHERE handled AND resolved_at IS NOT NULL) AS resolution_time,
        count(*) FILTER (WHERE handled AND resolved_at IS NOT NULL AND NOT reopened
                         AND (next_us IS NULL OR next_us - c_us > $window))::DOUBLE
            / nullif(count(*) FILTER (WHERE handled), 0) AS fcr,
        count(*) FILTER (WHERE is_call AND answered AND wait_seconds <= 20)::DOUBLE
            / nullif(count(*) FILTER (WHERE is_call), 0) AS service_level,
        count(*) FILTER (WHERE is_call AND abandoned)::DOUBLE
            / nullif(count(*) FILTER (WHERE is_call), 0) AS abandonment_rate,
        avg(talk_seconds + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0))
            FILTER (WHERE handled AND talk_seconds IS NOT NULL) AS aht
    FROM tp GROUP BY agent
),
sm AS (
    SELECT agent,
        count(*) FILTER (WHERE csat >= 4)::DOUBLE
            / nullif(count(csat), 0) AS customer_satisfaction,
        100 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6))::DOUBLE
            / nullif(count(nps), 0) AS nps
    FROM surveys
    WHERE epoch_us(submitted_at) >= $start AND epoch_us(submitted_at) < $end
    GROUP BY agent
),
qm AS (
    SELECT agent,
        sum(CASE WHEN critical_failed THEN 0 ELSE checks_passed END)::DOUBLE
            / nullif(sum(checks_applicable), 0) AS script_compliance
    FROM qa_reviews
    WHERE epoch_us(reviewed_at) >= $start AND epoch_us(reviewed_at) < $end
    GROUP BY agent
),
km AS (
    SELECT agent, avg(score) AS product_knowledge FROM knowledge_tests
    WHERE epoch_us(taken_at) >= $start AND epoch_us(taken_at) < $end GROUP BY agent
),
pm AS (
    SELECT ratee AS agent,
        CASE WHEN count(DISTINCT rater) >= 3 THEN avg(score) END AS collaboration_rating
    FROM peer_ratings
    WHERE rater <> ratee AND epoch_us(rated_at) >= $start AND epoch_us(rated_at) < $end
    GROUP BY ratee
),
im AS (
    SELECT agent,
        count(*) FILTER (WHERE shared_at IS NOT NULL AND shared_at <= due_at)::DOUBLE
            / nullif(count(*), 0) AS information_sharing_rate
    FROM sharing_items
    WHERE epoch_us(due_at) >= $start AND epoch_us(due_at) < $end
    GROUP BY agent
)
SELECT r.agent, sm.customer_satisfaction, sm.nps, tm.complaint_rate, tm.first_response_time,
       tm.resolution_time, tm.fcr, tm.service_level, tm.abandonment_rate, tm.aht,
       qm.script_compliance, km.product_knowledge, pm.collaboration_rating,
       im.information_sharing_rate
FROM roster r
LEFT JOIN tm USING (agent) LEFT JOIN sm USING (agent) LEFT JOIN qm USING (agent)
LEFT JOIN km USING (agent) LEFT JOIN pm USING (agent) LEFT JOIN im USING (agent)
ORDER BY r.agent
"""


# -- baseline 2: the same query over rows checked by hand ---------------------------------------

#: The record checks a careful DBA would add to the query, as csperf documents them: required
#: fields, the ticket's time order and call fields, durations and scores in their ranges,
#: repeated keys (all rows of a key that repeats are left out: csperf keeps the first valid one,
#: which needs an order; the generated data has no repeated key, so the values are the same),
#: and the agent on the roster at the record's time (open ends as extreme values, plain
#: comparisons: ``IS NULL OR`` there would make DuckDB join by a nested loop).
CHECKED_SQL = """
ros AS (
    SELECT agent, coalesce(epoch_us(valid_from), -9223372036854775808) AS f,
           coalesce(epoch_us(valid_to), 9223372036854775807) AS u
    FROM roster
),
c_tickets AS (
    SELECT k.* FROM tickets k JOIN ros r
      ON k.agent = r.agent AND r.f <= epoch_us(k.created_at) AND epoch_us(k.created_at) < r.u
    WHERE k.id IS NOT NULL AND k.agent IS NOT NULL AND k.channel IS NOT NULL
      AND k.created_at IS NOT NULL
      AND NOT coalesce(k.first_response_at < k.created_at, false)
      AND NOT coalesce(k.resolved_at < k.created_at, false)
      AND NOT (k.final_resolved_at IS NOT NULL AND k.resolved_at IS NULL)
      AND NOT coalesce(k.final_resolved_at < k.resolved_at, false)
      AND NOT coalesce(k.final_resolved_at <> k.resolved_at AND NOT coalesce(k.reopened, false),
                       false)
      AND isfinite(coalesce(k.wait_seconds, 0)) AND coalesce(k.wait_seconds, 0) >= 0
      AND isfinite(coalesce(k.talk_seconds, 0)) AND coalesce(k.talk_seconds, 0) >= 0
      AND isfinite(coalesce(k.hold_seconds, 0)) AND coalesce(k.hold_seconds, 0) >= 0
      AND isfinite(coalesce(k.acw_seconds, 0)) AND coalesce(k.acw_seconds, 0) >= 0
      AND NOT coalesce(k.answered = k.abandoned, false)
      AND NOT ((k.answered IS NOT NULL OR k.abandoned IS NOT NULL) AND k.wait_seconds IS NULL)
      AND k.id NOT IN (SELECT id FROM tickets WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1)
),
c_surveys AS (
    SELECT k.* FROM surveys k JOIN ros r
      ON k.agent = r.agent AND r.f <= epoch_us(k.submitted_at) AND epoch_us(k.submitted_at) < r.u
    WHERE k.contact_id IS NOT NULL AND k.submitted_at IS NOT NULL
      AND (k.csat IS NOT NULL OR k.nps IS NOT NULL)
      AND coalesce(k.csat BETWEEN 1 AND 5, true) AND coalesce(k.nps BETWEEN 0 AND 10, true)
      AND k.contact_id NOT IN (SELECT contact_id FROM surveys WHERE contact_id IS NOT NULL
                               GROUP BY contact_id HAVING count(*) > 1)
),
c_qa_reviews AS (
    SELECT k.* FROM qa_reviews k JOIN ros r
      ON k.agent = r.agent AND r.f <= epoch_us(k.reviewed_at) AND epoch_us(k.reviewed_at) < r.u
    WHERE k.reviewed_at IS NOT NULL AND k.checks_applicable >= 0 AND k.checks_passed >= 0
      AND k.checks_passed <= k.checks_applicable
      AND NOT (coalesce(k.critical_failed, false) AND k.checks_applicable = 0)
      AND coalesce(k.id NOT IN (SELECT id FROM qa_reviews WHERE id IS NOT NULL
                                GROUP BY id HAVING count(*) > 1), true)
),
c_knowledge_tests AS (
    SELECT k.* FROM knowledge_tests k JOIN ros r
      ON k.agent = r.agent AND r.f <= epoch_us(k.taken_at) AND epoch_us(k.taken_at) < r.u
    WHERE k.taken_at IS NOT NULL AND k.score BETWEEN 0 AND 100
      AND (k.agent, k.taken_at) NOT IN (SELECT (agent, taken_at) FROM knowledge_tests
                                        GROUP BY agent, taken_at HAVING count(*) > 1)
),
c_peer_ratings AS (
    SELECT k.* FROM peer_ratings k JOIN ros r
      ON k.ratee = r.agent AND r.f <= epoch_us(k.rated_at) AND epoch_us(k.rated_at) < r.u
    WHERE k.rater IS NOT NULL AND k.rated_at IS NOT NULL AND k.score BETWEEN 1 AND 5
      AND (k.rater, k.ratee, k.rated_at) NOT IN (
          SELECT (rater, ratee, rated_at) FROM peer_ratings
          GROUP BY rater, ratee, rated_at HAVING count(*) > 1)
),
c_sharing_items AS (
    SELECT k.* FROM sharing_items k JOIN ros r
      ON k.agent = r.agent AND r.f <= epoch_us(k.due_at) AND epoch_us(k.due_at) < r.u
    WHERE k.due_at IS NOT NULL
      AND coalesce(k.id NOT IN (SELECT id FROM sharing_items WHERE id IS NOT NULL
                                GROUP BY id HAVING count(*) > 1), true)
),
"""


def checked_sql() -> str:
    """The hand-written query over the hand-checked rows (:data:`CHECKED_SQL`)."""
    text = HAND_WRITTEN_SQL
    for kind in KINDS:
        text = text.replace(f"FROM {kind}\n", f"FROM c_{kind}\n")
        text = text.replace(f"FROM {kind} ", f"FROM c_{kind} ")
    return text.replace("WITH t AS (", "WITH " + CHECKED_SQL.strip() + "\nt AS (", 1)


def hand_checked(paths: Mapping[str, Path]) -> Values:
    """Baseline 2: the hand-written query over rows checked by hand (:data:`CHECKED_SQL`)."""
    con = duckdb_views(paths)
    params = {"start": PERIOD_START_US, "end": PERIOD_END_US, "window": WINDOW_US}
    table = con.sql(checked_sql(), params=params).to_arrow_table()
    con.close()
    return _values(table.to_pydict())


def duckdb_views(paths: Mapping[str, Path]) -> Any:
    """A DuckDB connection with one view per kind over its Parquet file."""
    import duckdb

    con = duckdb.connect()
    for kind, path in paths.items():
        con.execute(f"CREATE VIEW {kind} AS SELECT * FROM read_parquet('{path}')")
    return con


def hand_written(paths: Mapping[str, Path]) -> Values:
    """The baseline: the 13 metrics per agent as one hand-written DuckDB query."""
    con = duckdb_views(paths)
    params = {"start": PERIOD_START_US, "end": PERIOD_END_US, "window": WINDOW_US}
    table = con.sql(HAND_WRITTEN_SQL, params=params).to_arrow_table()
    con.close()
    return _values(table.to_pydict())


def _values(columns: Mapping[str, list[Any]]) -> Values:
    agents = columns["agent"]
    return {agent: {m: _float(columns[m][i]) for m in METRICS} for i, agent in enumerate(agents)}


def _float(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


# -- baseline 2: pandas -------------------------------------------------------------------------


def _frame(path: Path) -> Any:
    """A DataFrame of a Parquet file: timestamps as int64 µs, nullable ints and booleans masked."""
    import pandas as pd

    table = pq.read_table(path)
    table = pa.table(
        {
            name: (col.cast(pa.int64()) if pa.types.is_timestamp(col.type) else col)
            for name, col in zip(table.column_names, table.columns)
        }
    )
    mapping = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}
    return table.to_pandas(types_mapper=mapping.get)


def pandas_groupby(paths: Mapping[str, Path]) -> Values:
    """The same definitions as a pandas groupby, from reading the files to the values."""
    import pandas as pd

    def period(frame: Any, column: str) -> Any:
        at = frame[column]
        return frame[(at >= PERIOD_START_US) & (at < PERIOD_END_US)]

    def ratio(num: Any, den: Any) -> Any:
        return num.astype("float64") / den.where(den != 0).astype("float64")

    t = _frame(paths["tickets"])
    # the next later contact of the same customer, among all tickets
    known = t.loc[t["customer"].notna(), ["customer", "created_at"]].drop_duplicates()
    known = known.sort_values(["customer", "created_at"])
    known["next_us"] = known.groupby("customer", observed=True)["created_at"].shift(-1)
    t = t.merge(known, on=["customer", "created_at"], how="left")
    t = period(t, "created_at")
    handled = ~t["abandoned"].fillna(False).astype(bool)
    call = t["answered"].notna() | t["abandoned"].notna()
    h = t[handled]
    by_h = h.groupby("agent", observed=True)
    n_handled = by_h.size()
    repeat = (h["next_us"] - h["created_at"]) <= WINDOW_US
    first_ok = h["resolved_at"].notna() & ~h["reopened"].astype(bool) & ~repeat.fillna(False)
    # an answered call given only its wait was answered after that wait
    frt = ((h["first_response_at"] - h["created_at"]) / 1e6).astype("float64")
    frt = frt.fillna(h["wait_seconds"].where(h["answered"].fillna(False).astype(bool)))
    res = ((h["resolved_at"] - h["created_at"]) / 1e6).astype("float64")
    handle = h["talk_seconds"] + h["hold_seconds"].fillna(0) + h["acw_seconds"].fillna(0)
    calls = t[call]
    by_c = calls.groupby("agent", observed=True)
    met = (
        (calls["answered"].astype(bool) & (calls["wait_seconds"] <= 20))
        .groupby(calls["agent"], observed=True)
        .sum()
    )
    out = pd.DataFrame(
        {
            "complaint_rate": ratio(
                h["complaint"].astype(bool).groupby(h["agent"], observed=True).sum(), n_handled
            ),
            "first_response_time": frt.groupby(h["agent"], observed=True).mean(),
            "resolution_time": res.groupby(h["agent"], observed=True).mean(),
            "fcr": ratio(first_ok.groupby(h["agent"], observed=True).sum(), n_handled),
            "service_level": ratio(met, by_c.size()),
            "abandonment_rate": ratio(
                calls["abandoned"].astype(bool).groupby(calls["agent"], observed=True).sum(),
                by_c.size(),
            ),
            "aht": handle.astype("float64").groupby(h["agent"], observed=True).mean(),
        }
    )
    s = period(_frame(paths["surveys"]), "submitted_at")
    csat, nps = s[s["csat"].notna()], s[s["nps"].notna()]
    pro = (nps["nps"] >= 9).groupby(nps["agent"], observed=True).sum()
    det = (nps["nps"] <= 6).groupby(nps["agent"], observed=True).sum()
    out = out.join(
        pd.DataFrame(
            {
                "customer_satisfaction": ratio(
                    (csat["csat"] >= 4).groupby(csat["agent"], observed=True).sum(),
                    csat.groupby("agent", observed=True).size(),
                ),
                "nps": ratio(100 * (pro - det), nps.groupby("agent", observed=True).size()),
            }
        ),
        how="outer",
    )
    q = period(_frame(paths["qa_reviews"]), "reviewed_at")
    passed = q["checks_passed"].where(~q["critical_failed"].astype(bool), 0)
    out = out.join(
        ratio(
            passed.groupby(q["agent"], observed=True).sum(),
            q.groupby("agent", observed=True)["checks_applicable"].sum(),
        ).rename("script_compliance"),
        how="outer",
    )
    k = period(_frame(paths["knowledge_tests"]), "taken_at")
    out = out.join(
        k.groupby("agent", observed=True)["score"].mean().rename("product_knowledge"), how="outer"
    )
    p = period(_frame(paths["peer_ratings"]), "rated_at")
    p = p[p["rater"] != p["ratee"]]
    by_p = p.groupby("ratee", observed=True)
    rating = by_p["score"].mean().where(by_p["rater"].nunique() >= 3)
    out = out.join(rating.rename("collaboration_rating"), how="outer")
    i = period(_frame(paths["sharing_items"]), "due_at")
    on_time = i["shared_at"].notna() & (i["shared_at"] <= i["due_at"]).fillna(False)
    out = out.join(
        ratio(
            on_time.groupby(i["agent"], observed=True).sum(),
            i.groupby("agent", observed=True).size(),
        ).rename("information_sharing_rate"),
        how="outer",
    )
    roster = pq.read_table(paths["roster"], columns=["agent"]).column("agent").to_pylist()
    out = out.reindex(sorted(roster))
    columns = {"agent": list(out.index)}
    for metric in METRICS:
        columns[metric] = [None if pd.isna(v) else float(v) for v in out[metric]]
    return _values(columns)


# -- csperf -------------------------------------------------------------------------------------


def ibis_source() -> Any:
    """csperf's ``IbisSource``, or None while csperf does not have it."""
    try:
        from csperf.sources import IbisSource  # type: ignore[attr-defined]
    except ImportError:
        return None
    return IbisSource


def legacy_source() -> Any:
    """csperf's duckdb source of the folder of files (``DuckDbSource``)."""
    try:
        from csperf.sources import DuckDbSource
    except ImportError:
        return None
    return DuckDbSource


PERIOD = ("2026-07-01T00:00:00+00:00", "2026-10-01T00:00:00+00:00")


def _measured(source: Any) -> Values:
    from datetime import datetime

    start, end = (datetime.fromisoformat(p) for p in PERIOD)
    m = source.measure(period=(start, end), level="agent", metrics=list(METRICS))
    rows = {agent: m.row(agent) for agent in m.subjects}
    return {agent: {metric: row[metric] for metric in METRICS} for agent, row in rows.items()}


def csperf_duckdb(paths: Mapping[str, Path]) -> Values:
    import ibis

    con = ibis.duckdb.from_connection(duckdb_views(paths))
    return _measured(ibis_source()(con, tables={kind: kind for kind in paths}))


def load_postgres(url: str, paths: Mapping[str, Path]) -> Any:
    """The files copied into PostgreSQL tables with ``COPY ... FROM STDIN`` (CSV), in batches."""
    import io

    import ibis
    import psycopg
    import pyarrow.csv as pacsv

    types = {
        pa.types.is_boolean: "BOOLEAN",
        pa.types.is_integer: "BIGINT",
        pa.types.is_floating: "DOUBLE PRECISION",
        pa.types.is_timestamp: "TIMESTAMPTZ",
    }

    def sql_type(arrow_type: pa.DataType) -> str:
        if pa.types.is_dictionary(arrow_type):
            return "TEXT"
        return next((v for k, v in types.items() if k(arrow_type)), "TEXT")

    with psycopg.connect(url, autocommit=True) as con:
        for kind, path in paths.items():
            file = pq.ParquetFile(path)
            schema = file.schema_arrow
            columns = ", ".join(f'"{f.name}" {sql_type(f.type)}' for f in schema)
            con.execute(f'DROP TABLE IF EXISTS "{kind}"')
            con.execute(f'CREATE TABLE "{kind}" ({columns})')
            with (
                con.cursor() as cursor,
                cursor.copy(f'COPY "{kind}" FROM STDIN (FORMAT csv, HEADER false)') as copy,
            ):
                for batch in file.iter_batches(batch_size=200_000):
                    buffer = io.BytesIO()
                    batch = pa.Table.from_batches([batch]).cast(
                        pa.schema(
                            [
                                pa.field(f.name, pa.string())
                                if pa.types.is_dictionary(f.type)
                                else f
                                for f in schema
                            ]
                        )
                    )
                    pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
                    copy.write(buffer.getvalue())
            con.execute(f'ANALYZE "{kind}"')
    return ibis.connect(url)


def spark_session() -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )


# -- the run ------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


REPEAT = 3
"""How many rounds run; each contender's best time counts (``--repeat``)."""


def rounds(
    contenders: Mapping[str, Callable[[], Any]],
) -> tuple[dict[str, tuple[float, float, Any]], dict[str, list[float]]]:
    """Each contender's best time of :data:`REPEAT` rounds, first time and result; all times.

    A round runs every contender once, in turn: a machine whose speed drifts over minutes
    (a shared or throttled one) then slows or speeds every contender alike, where runs of
    one contender after another would credit the drift to whichever ran at the time.
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, Any] = {}
    for _ in range(REPEAT):
        for name, fn in contenders.items():
            took, result = timed(fn)
            times[name].append(took)
            results.setdefault(name, result)
    return {name: (min(t), t[0], results[name]) for name, t in times.items()}, times


def spread(times: list[float], base: list[float]) -> str:
    """The ratio of ``times`` to ``base`` round by round, after the first (which compiles).

    ``"rounds 1.21–1.35×, median 1.27×"``: how much the ratio of one run moves with the
    machine, which the best times alone do not show; empty with fewer than three rounds.
    """
    ratios = sorted(a / b for a, b in zip(times[1:], base[1:], strict=True))
    if len(ratios) < 2:
        return ""
    return f"rounds {ratios[0]:.2f}–{ratios[-1]:.2f}×, median {statistics.median(ratios):.2f}×, "


def differences(a: Values, b: Values, *, rel: float = 1e-9) -> list[str]:
    """Where ``b`` differs from ``a`` (subjects, or values beyond ``rel``), at most 5 lines."""
    found = []
    if sorted(a) != sorted(b):
        found.append(f"subjects differ: {len(a)} against {len(b)}")
    for agent in sorted(set(a) & set(b)):
        for metric in METRICS:
            x, y = a[agent][metric], b[agent][metric]
            if (x is None) != (y is None) or (
                x is not None and not math.isclose(x, y, rel_tol=rel, abs_tol=1e-9)  # type: ignore[arg-type]
            ):
                found.append(f"{agent} {metric}: {x!r} against {y!r}")
                if len(found) >= 5:
                    return found
    return found


def line(label: str, took: float, base: float, diff: list[str], note: str = "") -> None:
    """One contender's line: time, ratio to the baseline, a note, whether its values are equal."""
    verdict = "same values" if not diff else "DIFFERENT: " + "; ".join(diff)
    print(f"  {label:<24}: {took:8.2f} s  {took / base:6.2f}× baseline  {note}{verdict}")


def run(tickets: int, folder: Path, *, postgres: str | None, spark: bool, others: bool) -> None:
    sizes = sizes_for(tickets)
    took, paths = timed(lambda: generate(folder / f"t{tickets}", tickets))
    size = sum(p.stat().st_size for p in paths.values()) / 2**20
    print(
        f"\n== {tickets:,} tickets, {sizes['agents']:,} agents, {sizes['surveys']:,} surveys "
        f"(generated in {took:.1f} s, {size:.0f} MiB of Parquet, {ROW_GROUP:,} rows per row group)"
    )
    source = ibis_source()
    legacy = legacy_source() if others else None
    contenders: dict[str, Callable[[], Any]] = {
        "hand": lambda: hand_written(paths),
        "pandas": lambda: pandas_groupby(paths),
        "checked": lambda: hand_checked(paths),
    }
    if source is not None:
        contenders["csperf"] = lambda: csperf_duckdb(paths)
    if legacy is not None:
        contenders["legacy"] = lambda: _measured(legacy(paths["tickets"].parent))
    found, times = rounds(contenders)
    base, _, expected = found["hand"]
    print(f"  {'hand-written DuckDB SQL':<24}: {base:8.2f} s  (baseline, best of {REPEAT})")
    pandas_time, _, values = found["pandas"]
    line("pandas groupby", pandas_time, base, differences(expected, values))
    checked_time, _, values = found["checked"]
    note = "(the same query over rows checked by hand)  "
    line("hand-checked DuckDB SQL", checked_time, base, differences(expected, values), note)
    if source is None:
        print(f"  {'csperf IbisSource':<24}: not in this csperf (no csperf.sources.IbisSource)")
        return
    # csperf's first run in the process compiles its statement (Ibis), later runs reuse it
    took, first, values = found["csperf"]
    note = (
        f"{pandas_time / took:5.2f}× faster than pandas, {took / checked_time:4.2f}× the "
        f"hand-checked query, {spread(times['csperf'], times['hand'])}first run {first:.2f} s  "
    )
    line("csperf on DuckDB", took, base, differences(expected, values), note)
    if legacy is not None:
        took, first, values = found["legacy"]
        note = f"(the duckdb source over the folder of files), first run {first:.2f} s  "
        line("csperf DuckDbSource", took, base, differences(expected, values), note)
    if not others:
        return
    if postgres:
        load, con = timed(lambda: load_postgres(postgres, paths))
        took, values = timed(lambda: _measured(source(con, tables={k: k for k in paths})))
        note = f"(loading took {load:.1f} s)  "
        line("csperf on PostgreSQL", took, base, differences(expected, values), note)
    else:
        print(
            f"  {'csperf on PostgreSQL':<24}: skipped (--postgres URL or CSPERF_TEST_POSTGRES_URL)"
        )
    if spark:
        import ibis

        session = spark_session()
        for kind, path in paths.items():
            session.read.parquet(str(path)).createOrReplaceTempView(kind)
        con = ibis.pyspark.connect(session)
        took, values = timed(lambda: _measured(source(con, tables={k: k for k in paths})))
        line("csperf on Spark local[2]", took, base, differences(expected, values))
        session.stop()
    else:
        print(f"  {'csperf on Spark':<24}: skipped (give --spark)")


def main(argv: list[str] | None = None) -> None:
    global REPEAT, ROW_GROUP
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--tickets",
        type=int,
        action="append",
        help="tickets to generate (repeatable; default 1M and 10M)",
    )
    parser.add_argument("--quick", action="store_true", help="a small smoke run: 20,000 tickets")
    parser.add_argument(
        "--folder", type=Path, help="where the Parquet files go (default: a temporary folder)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("CSPERF_TEST_POSTGRES_URL"),
        help="PostgreSQL URL for the 1M run",
    )
    parser.add_argument(
        "--spark", action="store_true", help="time Spark in local mode at 1M tickets"
    )
    parser.add_argument(
        "--repeat", type=int, default=REPEAT, help=f"runs per contender, best counts ({REPEAT})"
    )
    parser.add_argument(
        "--row-group",
        type=int,
        default=ROW_GROUP,
        help=f"rows per Parquet row group ({ROW_GROUP:,}, DuckDB's default)",
    )
    args = parser.parse_args(argv)
    REPEAT = max(1, args.repeat)
    ROW_GROUP = max(1, args.row_group)
    counts = [20_000] if args.quick else (args.tickets or [1_000_000, 10_000_000])
    import duckdb

    print(f"csperf metrics benchmark: DuckDB {duckdb.__version__}, numpy {np.__version__}, "
          f"pyarrow {pa.__version__}, {os.cpu_count()} cores")  # fmt: skip
    folder = args.folder or Path(tempfile.mkdtemp(prefix="csperf-bench-"))
    try:
        others_done = False
        for count in counts:
            others = not others_done and count <= 1_000_000
            run(count, folder, postgres=args.postgres, spark=args.spark, others=others)
            others_done = others_done or others
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
