"""Built-in plugin: the weight strategies of :mod:`csperf.weights`."""

from __future__ import annotations

from typing import Any

from csperf.hooks.hookspecs import hookimpl

__all__ = ["csperf_weight_strategies"]


@hookimpl
def csperf_weight_strategies() -> list[Any]:
    """The built-in weight strategies."""
    from csperf.weights._strategy import BUILTIN_STRATEGIES

    return list(BUILTIN_STRATEGIES)
