"""The engine's contract: light imports, every metric compiles for every claimed dialect."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.hooks import get_plugin_manager
from csperf.metrics import sql
from strategies import examples

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


@settings(max_examples=examples(60))
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["ann", "bob", "cy", "dee"]),
            st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-2, 2)),
            st.integers(-1, 12),
            st.sampled_from([(), ("unresolved",), ("critical_failed", "unresolved")]),
        ),
        max_size=8,
    ),
    min_sample=st.one_of(st.none(), st.integers(0, 10)),
    rejected=st.booleans(),
)
def test_finishing_columns_of_outcomes_is_finishing_each(rows, min_sample, rejected):
    # what a statement returns, column by column, against finish() of one outcome at a time;
    # a subject given twice keeps its last row, a subject not given has no data
    from csperf.errors import ValidationError
    from csperf.metrics import RejectReport
    from csperf.metrics._engine import finish, finish_columns
    from csperf.metrics._values import Outcomes

    report = RejectReport("tickets", 3, 1, {"missing_field": 1}) if rejected else RejectReport()
    subjects, values, sizes, flags = (list(c) for c in zip(*rows)) if rows else ([],) * 4
    found = Outcomes(subjects, values, sizes, flags)
    last = {s: (v, n, f) for s, v, n, f in rows}
    assert dict(found) == last and len(found) == len(last)
    wanted = ["ann", "bob", "cy", "dee", "eve"]

    def one(subject):
        try:
            outcome = last.get(subject, (None, 0, ()))
            return finish(outcome, min_sample=min_sample, report=report)
        except ValidationError as exc:
            return type(exc)

    expected = [one(s) for s in wanted]
    if any(e is ValidationError for e in expected):
        with pytest.raises(ValidationError):
            finish_columns(found, wanted, min_sample=min_sample, report=report)
        return
    columns = finish_columns(found, wanted, min_sample=min_sample, report=report)
    assert list(zip(*columns)) == [(e.value, e.sample_size, e.flags) for e in expected]
    assert finish_columns(last, wanted, min_sample=min_sample, report=report) == columns
