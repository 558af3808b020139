"""Built-in plugin: the scoring rules piecewise, steps, ratio_to_target, target_tolerance."""

from __future__ import annotations

from csperf.hooks.hookspecs import hookimpl
from csperf.rules import Piecewise, RatioToTarget, ScoringRule, Steps, TargetTolerance

__all__ = ["csperf_scoring_rules"]


@hookimpl
def csperf_scoring_rules() -> list[type[ScoringRule]]:
    """The built-in scoring rules."""
    return [Piecewise, Steps, RatioToTarget, TargetTolerance]
