"""Built-in plugin: the metric sources of :mod:`csperf.sources`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.hooks.hookspecs import hookimpl

if TYPE_CHECKING:
    from csperf.sources import MetricSource

__all__ = ["csperf_metric_sources"]


@hookimpl
def csperf_metric_sources() -> list[type[MetricSource]]:
    """The built-in metric sources."""
    from csperf.sources._builtin import BUILTIN_SOURCES

    return list(BUILTIN_SOURCES)
