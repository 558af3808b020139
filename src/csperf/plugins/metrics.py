"""Built-in plugin: the metrics of :mod:`csperf.metrics` (customer satisfaction, NPS, AHT...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.hooks.hookspecs import hookimpl

if TYPE_CHECKING:
    from csperf.metrics import MetricSpec

__all__ = ["csperf_metrics"]


@hookimpl
def csperf_metrics() -> list[MetricSpec]:
    """The built-in metrics."""
    from csperf.metrics._catalog import BUILTIN_METRICS

    return list(BUILTIN_METRICS)
