"""The metric catalog over a generated contact centre: pure Python against SQL engines.

Usage: ``python benchmarks/bench_metrics.py [--managers N] [--days D] [--level team]``. Measures
every catalog metric at one level three ways and prints each time with its ratio to the
pure-Python catalog (the baseline, measured in the same run): ``RecordsSource`` (Python),
``SqlSource`` over sqlite3, and ``DuckDbSource`` (when duckdb is installed). The values of the
three are also compared, so a fast wrong answer cannot pass unnoticed.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import tempfile
import time
from typing import Any

from csperf.datasets import contact_centre
from csperf.sources import RecordsSource, SqlSource, write_tables


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def same(a: Any, b: Any) -> bool:
    for subject in a.subjects:
        for metric in a.metrics:
            x, y = a.value(subject, metric).value, b.value(subject, metric).value
            if (x is None) != (y is None):
                return False
            if x is not None and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                return False
    return a.subjects == b.subjects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--days", type=int, default=91)
    parser.add_argument("--level", choices=["agent", "team", "manager"], default="team")
    args = parser.parse_args()

    data = contact_centre(seed=0, managers=args.managers, days=args.days)
    records = data.records_by_kind()
    print(f"{sum(len(v) for v in records.values()):,} records; level {args.level}")

    base, python = timed(
        lambda: RecordsSource(records, roster=data.roster).measure(
            period=data.period, level=args.level
        )
    )
    print(f"python  : {base:8.3f} s  (baseline)")

    db = sqlite3.connect(":memory:")
    write_tables(db, records, roster=data.roster)
    took, sqlite = timed(lambda: SqlSource(db).measure(period=data.period, level=args.level))
    print(
        f"sqlite3 : {took:8.3f} s  {base / took:6.2f}× baseline  "
        f"same values: {same(python, sqlite)}"
    )

    try:
        import duckdb
    except ImportError:
        print("duckdb  : not installed (pip install 'csperf[duckdb]')")
        return
    from csperf.sources import DuckDbSource

    con = duckdb.connect()
    write_tables(con, records, roster=data.roster, dialect="duckdb")
    source = DuckDbSource(connection=con)
    took, duck = timed(lambda: source.measure(period=data.period, level=args.level))
    print(
        f"duckdb  : {took:8.3f} s  {base / took:6.2f}× baseline  same values: {same(python, duck)}"
    )
    with tempfile.TemporaryDirectory() as folder:
        data.write_csv(folder)
        csv_source = DuckDbSource(folder)
        took, duck = timed(lambda: csv_source.measure(period=data.period, level=args.level))
        print(
            f"duckdb over CSV files: {took:8.3f} s  {base / took:6.2f}× baseline  "
            f"same values: {same(python, duck)}"
        )


if __name__ == "__main__":
    main()
