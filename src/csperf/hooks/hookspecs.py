"""Hook specifications: the contract between csperf and its plugins.

A plugin is a module or object with functions named like the specs below, marked with
:data:`csperf.hookimpl`. Hooks that gather from every plugin are named ``csperf_<plural noun>``
and return lists; arguments may be added to a spec in later versions, never renamed or removed,
so an implementation may accept fewer arguments than the spec names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from csperf.results import BatchResult, ScorecardResult
    from csperf.rules import ScoringRule
    from csperf.templates import Template

__all__ = [
    "csperf_batch_evaluated",
    "csperf_metric_sources",
    "csperf_result_evaluated",
    "csperf_scoring_rules",
    "csperf_templates",
    "csperf_weight_strategies",
    "hookimpl",
    "hookspec",
]

PROJECT = "csperf"

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marker for csperf hook specifications."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for csperf hook implementations; re-exported as :data:`csperf.hookimpl`."""


@hookspec
def csperf_weight_strategies() -> Sequence[Any]:
    """Offer weight strategies.

    :return: :class:`csperf.weights.WeightStrategy` objects, each with a unique ``name``.
    """
    raise NotImplementedError


@hookspec
def csperf_metric_sources() -> Sequence[Any]:
    """Offer metric sources.

    :return: Metric source classes (:class:`csperf.sources.MetricSource` subclasses), each with
        a unique ``name``.
    """
    raise NotImplementedError


@hookspec
def csperf_scoring_rules() -> Sequence[type[ScoringRule]]:
    """Offer scoring-rule types, so scorecard files can name them.

    :return: :class:`csperf.ScoringRule` subclasses, each with a unique ``kind``.
    """
    raise NotImplementedError


@hookspec
def csperf_templates() -> Sequence[Template]:
    """Offer ready-made scorecards.

    :return: :class:`csperf.templates.Template` objects, each with a unique ``name``.
    """
    raise NotImplementedError


@hookspec
def csperf_result_evaluated(result: ScorecardResult) -> None:
    """Observe every result an :class:`csperf.Appraisal` evaluates (audit logs, exporters).

    :param result: The subject's :class:`csperf.ScorecardResult`.
    :return: Nothing; return values are ignored.
    """


@hookspec
def csperf_batch_evaluated(batch: BatchResult) -> None:
    """Observe every batch an :class:`csperf.Appraisal` evaluates.

    :param batch: The :class:`csperf.BatchResult` of a whole population.
    :return: Nothing; return values are ignored.
    """
