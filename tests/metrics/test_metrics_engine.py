"""The engine's contract: light imports, every metric compiles for every claimed dialect."""

from __future__ import annotations

import subprocess
import sys

import pytest

from csperf.hooks import get_plugin_manager
from csperf.metrics import sql

CATALOG = get_plugin_manager(entry_points=False).metrics()
pytest.importorskip("ibis")


def test_import_csperf_imports_neither_ibis_nor_duckdb():
    code = (
        "import sys, csperf, csperf.metrics, csperf.sources; "
        "print(sorted(m for m in ('ibis', 'duckdb', 'pyarrow', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "backend", ["duckdb", "postgres", "sqlite", "trino", "bigquery", "snowflake", "databricks"]
)
@pytest.mark.parametrize("level", ["agent", "team"])
def test_every_metric_compiles_for_the_backend(backend, level):
    text = sql(backend=backend, level=level, period="2026-Q3", tz="UTC")
    for name in CATALOG:
        assert f"-- {name}\n" in text
    # the portable subset: no backend quantile, no interval arithmetic, no timestamp types
    lowered = text.lower()
    for word in ("quantile", "percentile", "interval", "timestamp"):
        assert word not in lowered, (backend, word)


def test_options_reach_the_sql():
    median = sql("first_response_time", options={"first_response_time": {"statistic": "p90"}})
    assert "row_number" in median.lower()
    assert "row_number" not in sql("first_response_time").lower()
