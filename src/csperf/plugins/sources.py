"""Built-in plugin: the metric sources of :mod:`csperf.sources`."""

from __future__ import annotations

from typing import Any

from csperf.hooks.hookspecs import hookimpl

__all__ = ["csperf_metric_sources"]


@hookimpl
def csperf_metric_sources() -> list[Any]:
    """The built-in metric sources."""
    from csperf.sources._builtin import BUILTIN_SOURCES

    return list(BUILTIN_SOURCES)
