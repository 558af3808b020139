"""Metric sources: where measurements come from, and the table they produce.

A source reads raw records (tickets, survey answers, QA reviews, knowledge tests, peer
ratings, information-sharing items and a roster) and computes the catalog's metrics
(:mod:`csperf.metrics`) for every agent, team or manager over a period. Every source returns
:class:`Measurements`, which :meth:`csperf.Scorecard.evaluate` and
:meth:`csperf.Scorecard.evaluate_many` read directly::

    source = CsvSource("./export")
    table = source.measure(period="2026-Q3", tz="Asia/Shanghai", level="team")
    batch = card.evaluate_many(table)

The built-in sources (:data:`BUILTIN_SOURCES`) are offered to the plugin system through the
``csperf_metric_sources`` hook, exactly like a third-party source.
"""

from __future__ import annotations

from csperf._periods import Period, parse_period
from csperf.sources._base import MetricSource
from csperf.sources._csv import CsvRows, CsvSource, read_csv_rows
from csperf.sources._dialects import Column, Dialect, DuckDbDialect, Params, SqliteDialect
from csperf.sources._duckdb import DuckDbSource
from csperf.sources._measurements import Measurements
from csperf.sources._records import RecordsSource
from csperf.sources._schema import COLUMNS
from csperf.sources._sql import SqlSource, write_tables

__all__ = [
    "BUILTIN_SOURCES",
    "COLUMNS",
    "Column",
    "CsvRows",
    "CsvSource",
    "Dialect",
    "DuckDbDialect",
    "DuckDbSource",
    "Measurements",
    "MetricSource",
    "Params",
    "Period",
    "RecordsSource",
    "SqlSource",
    "SqliteDialect",
    "parse_period",
    "read_csv_rows",
    "write_tables",
]

#: The built-in metric source classes, by which the plugin layer registers them.
BUILTIN_SOURCES: tuple[type[MetricSource], ...] = (
    RecordsSource,
    CsvSource,
    DuckDbSource,
    SqlSource,
)
