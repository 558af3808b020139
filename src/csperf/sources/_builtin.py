"""The built-in metric sources, which the plugin layer registers."""

from __future__ import annotations

from csperf.sources._base import MetricSource
from csperf.sources._csv import CsvSource
from csperf.sources._duckdb import DuckDbSource
from csperf.sources._ibis import IbisSource
from csperf.sources._records import RecordsSource
from csperf.sources._sql import SqlSource

__all__ = ["BUILTIN_SOURCES"]

#: The built-in metric source classes, by which the plugin layer registers them.
BUILTIN_SOURCES: tuple[type[MetricSource], ...] = (
    RecordsSource,
    CsvSource,
    DuckDbSource,
    SqlSource,
    IbisSource,
)
