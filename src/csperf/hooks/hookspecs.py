"""Hook specifications: the contract between csperf and its plugins.

A plugin is a module or object with functions named like the specs below, marked with
:data:`csperf.hookimpl`. Hooks that gather from every plugin are named ``csperf_<plural noun>``
and return lists; arguments may be added to a spec in later versions, never renamed or removed,
so an implementation may accept fewer arguments than the spec names.

csperf calls every hook through pluggy (``pm.hook.<name>()``), so hook wrappers
(``@hookimpl(wrapper=True)``) and pluggy's tracing see every call; the typed methods of
:class:`csperf.PluginManager` turn the answers into mappings by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from csperf.metrics import MetricSpec
    from csperf.report import ReportFormat
    from csperf.results import BatchResult, ScorecardResult
    from csperf.rules import ScoringRule
    from csperf.sources import MetricSource
    from csperf.templates import Template
    from csperf.weights import WeightStrategy

__all__ = [
    "csperf_batch_evaluated",
    "csperf_metric_sources",
    "csperf_metrics",
    "csperf_report_formats",
    "csperf_result_evaluated",
    "csperf_scoring_rules",
    "csperf_templates",
    "csperf_weight_strategies",
    "hookimpl",
    "hookspec",
]

PROJECT = "csperf"
"""The pluggy project name: the marker name, the plugin manager's name, the entry-point group."""

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marker for csperf hook specifications."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for csperf hook implementations; re-exported as :data:`csperf.hookimpl`."""


@hookspec
def csperf_weight_strategies() -> Sequence[WeightStrategy]:
    """Offer weight strategies.

    :return: :class:`csperf.weights.WeightStrategy` objects, each with a ``name`` no other
        plugin gives.
    """
    raise NotImplementedError


@hookspec
def csperf_metric_sources() -> Sequence[type[MetricSource]]:
    """Offer metric sources.

    :return: :class:`csperf.sources.MetricSource` subclasses, each with a ``name`` no other
        plugin gives.
    """
    raise NotImplementedError


@hookspec
def csperf_scoring_rules() -> Sequence[type[ScoringRule]]:
    """Offer scoring-rule types, so scorecard files can name them.

    :return: :class:`csperf.ScoringRule` subclasses, each with a ``kind`` no other plugin
        gives.
    """
    raise NotImplementedError


@hookspec
def csperf_templates() -> Sequence[Template]:
    """Offer ready-made scorecards.

    :return: :class:`csperf.templates.Template` objects, each with a ``name`` no other plugin
        gives.
    """
    raise NotImplementedError


@hookspec
def csperf_metrics() -> Sequence[MetricSpec]:
    """Offer metrics: what indicators measure and how records become a value.

    :return: :class:`csperf.metrics.MetricSpec` objects (name, unit, direction, value domain,
        definition, citation and computation), each with a ``name`` no other plugin gives.
    """
    raise NotImplementedError


@hookspec
def csperf_report_formats() -> Sequence[ReportFormat]:
    """Offer report formats (``csperf score --format NAME``).

    :return: :class:`csperf.report.ReportFormat` objects (name, file suffixes and a render
        function from a :class:`csperf.report.Report` to text or bytes), each with a ``name``
        no other plugin gives.
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
