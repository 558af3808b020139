"""A smoke test of benchmarks/bench_scoring.py on a tiny size (no timing is asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scoring.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_scoring", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_runs_and_checks_exactness_first(bench, capsys):
    results = bench.main(["--sizes", "3000", "--repeat", "1", "--sample", "40", "--no-memory"])
    for kind in bench.DATA:
        row = results[f"{kind}/3000"]
        assert row["checked"] >= 40
        assert row["csperf_s"] > 0 and row["numpy_s"] > 0
    assert results["rounded/3000"]["near_ties"] > 0  # rounded data does fall on ties
    assert results["evaluate_loop"]["us_per_subject"] > 0
    assert set(results["frames"]) == set(bench.FRAME_KINDS)
    assert all(set(row) == {"in", *bench.OUTS} for row in results["frames"].values())
    assert "ratio" in capsys.readouterr().out


def test_the_benchmark_measures_memory_in_a_subprocess(bench):
    assert bench.memory(2000, "rounded", "csperf") > 0
    assert bench.memory(2000, "rounded", "numpy") > 0
