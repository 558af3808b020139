"""A smoke test of benchmarks/bench_metrics.py: its two baselines agree, and agree with the oracle.

No timing is asserted (timings belong to the benchmark); this checks that the hand-written DuckDB
query and the pandas groupby the benchmark measures csperf against compute the 13 metrics as
docs/explanation/metrics.rst defines them, on a tiny generated centre.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime
from pathlib import Path

import pytest

import oracle

pytest.importorskip("duckdb")
pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_metrics.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_metrics", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_metrics"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["bench_metrics"]


@pytest.mark.parametrize("tickets", [0, 1, 4000])
def test_the_baselines_agree_with_each_other_and_the_oracle(bench, tmp_path, tickets):
    paths = bench.generate(tmp_path, tickets, seed=5)
    assert pq.read_metadata(paths["tickets"]).num_rows == tickets
    sql = bench.hand_written(paths)
    assert len(sql) == bench.sizes_for(tickets)["agents"]
    assert bench.differences(sql, bench.pandas_groupby(paths)) == []
    rows = {kind: pq.read_table(paths[kind]).to_pylist() for kind in bench.KINDS}
    period = tuple(datetime.fromisoformat(p) for p in bench.PERIOD)
    expected = oracle.measure_rows(rows, period, sorted(sql))
    assert bench.differences(expected, sql) == []
    if tickets > 1:  # the generated centre exercises every metric
        assert all(any(values[m] is not None for values in sql.values()) for m in bench.METRICS)


def test_the_generator_streams_in_chunks(bench, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "CHUNK", 1000)
    paths = bench.generate(tmp_path, 2500, seed=1)
    assert pq.ParquetFile(paths["tickets"]).num_row_groups == 3
    ids = pq.read_table(paths["tickets"], columns=["id"]).column("id").to_pylist()
    assert ids == list(range(2500))


def test_the_hand_checked_baseline_rejects_what_csperf_rejects(bench, tmp_path):
    # bad tickets added to a generated centre: a negative wait, a response before creation,
    # an agent not on the roster; csperf rejects them, and so does the hand-checked query
    paths = bench.generate(tmp_path, 4000, seed=7)
    table = pq.read_table(paths["tickets"])
    rows = table.to_pylist()
    calls = [r for r in rows if r["answered"] is not None]
    first = max(r["id"] for r in rows) + 1
    bad = [
        {**calls[0], "id": first, "wait_seconds": -5.0},
        {**rows[1], "id": first + 1, "first_response_at": rows[1]["created_at"].replace(year=2020)},
        {**rows[2], "id": first + 2, "agent": "nobody"},
    ]
    pq.write_table(pa.Table.from_pylist(rows + bad, schema=table.schema), paths["tickets"])
    checked = bench.hand_checked(paths)
    assert bench.differences(checked, bench.csperf_duckdb(paths)) == []
    assert bench.differences(checked, bench.hand_written(paths)) != []


def test_the_round_by_round_ratio_leaves_out_the_first_round(bench):
    # rounds 2-4: 3/2, 4/2, 6/2 (the first round, 9/1, compiles csperf's statement)
    assert bench.spread([9.0, 3.0, 4.0, 6.0], [1.0, 2.0, 2.0, 2.0]) == (
        "rounds 1.50–3.00×, median 2.00×, "
    )
    # one round after the first is no spread
    assert bench.spread([9.0, 3.0], [1.0, 2.0]) == ""
