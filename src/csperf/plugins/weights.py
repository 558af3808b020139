"""Built-in plugin: the weight strategies of :mod:`csperf.weights`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csperf.hooks.hookspecs import hookimpl

if TYPE_CHECKING:
    from csperf.weights import WeightStrategy

__all__ = ["csperf_weight_strategies"]


@hookimpl
def csperf_weight_strategies() -> list[WeightStrategy]:
    """The built-in weight strategies."""
    from csperf.weights._strategy import BUILTIN_STRATEGIES

    return list(BUILTIN_STRATEGIES)
