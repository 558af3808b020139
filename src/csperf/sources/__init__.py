"""Metric sources: where measurements come from, and the table they produce.

A source reads raw records (tickets, survey answers, QA reviews, knowledge tests, peer
ratings, information-sharing items and a roster) and computes the catalog's metrics
(:mod:`csperf.metrics`) for every agent, team or manager over a period. Every source returns
:class:`Measurements`, which :meth:`csperf.Scorecard.evaluate` and
:meth:`csperf.Scorecard.evaluate_many` read directly::

    source = CsvSource("./export")
    table = source.measure(period="2026-Q3", tz="Asia/Shanghai", level="team")
    batch = card.evaluate_many(table)

The built-in sources are offered to the plugin system through the ``csperf_metric_sources``
hook, exactly like a third-party source (a :class:`MetricSource` subclass).
"""

from __future__ import annotations

from csperf._periods import Period, parse_period
from csperf.sources._base import MetricSource
from csperf.sources._csv import CsvSource
from csperf.sources._duckdb import DuckDbSource
from csperf.sources._ibis import IbisSource, write_tables
from csperf.sources._measurements import Measurements
from csperf.sources._records import RecordsSource
from csperf.sources._sql import SqlSource

__all__ = [
    "CsvSource",
    "DuckDbSource",
    "IbisSource",
    "Measurements",
    "MetricSource",
    "Period",
    "RecordsSource",
    "SqlSource",
    "parse_period",
    "write_tables",
]
