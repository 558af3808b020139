"""Look-ups by name of what the plugins offer: weight strategies, sources, rules, templates.

Every function takes an optional plugin manager; without one it builds a fresh one with
:func:`csperf.get_plugin_manager`. An unknown name raises
:class:`~csperf.errors.UnknownNameError` listing the available names; two plugins giving the same
name raise :class:`~csperf.errors.PluginError` naming both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csperf.hooks.manager import get_plugin_manager, lookup, pick

if TYPE_CHECKING:
    import pluggy

    from csperf.rules import ScoringRule
    from csperf.scorecard import Scorecard
    from csperf.templates import Template

__all__ = [
    "metric_source",
    "metric_sources",
    "scorecard_templates",
    "scoring_rule",
    "scoring_rules",
    "template",
    "weight_strategies",
    "weight_strategy",
]


def _pm(pm: pluggy.PluginManager | None) -> pluggy.PluginManager:
    return get_plugin_manager() if pm is None else pm


def weight_strategies(pm: pluggy.PluginManager | None = None) -> dict[str, Any]:
    """Every weight strategy by name (hook ``csperf_weight_strategies``)."""
    return lookup(_pm(pm), "csperf_weight_strategies", "weight strategy")


def weight_strategy(name: str, pm: pluggy.PluginManager | None = None) -> Any:
    """The weight strategy called ``name``.

    Examples:
        >>> weight_strategy("equal").name
        'equal'
    """
    return pick(weight_strategies(pm), name, "weight strategy")


def metric_sources(pm: pluggy.PluginManager | None = None) -> dict[str, Any]:
    """Every metric source by name (hook ``csperf_metric_sources``)."""
    return lookup(_pm(pm), "csperf_metric_sources", "metric source")


def metric_source(name: str, pm: pluggy.PluginManager | None = None) -> Any:
    """The metric source called ``name``."""
    return pick(metric_sources(pm), name, "metric source")


def scoring_rules(pm: pluggy.PluginManager | None = None) -> dict[str, type[ScoringRule]]:
    """Every scoring-rule type by its ``kind`` (hook ``csperf_scoring_rules``)."""
    return lookup(_pm(pm), "csperf_scoring_rules", "scoring rule", attribute="kind")


def scoring_rule(name: str, pm: pluggy.PluginManager | None = None) -> type[ScoringRule]:
    """The scoring-rule type whose ``kind`` is ``name``.

    Examples:
        >>> scoring_rule("piecewise").__name__
        'Piecewise'
    """
    rule: type[ScoringRule] = pick(scoring_rules(pm), name, "scoring rule")
    return rule


def scorecard_templates(pm: pluggy.PluginManager | None = None) -> dict[str, Template]:
    """Every template by name (hook ``csperf_templates``)."""
    return lookup(_pm(pm), "csperf_templates", "template")


def template(name: str, pm: pluggy.PluginManager | None = None) -> Scorecard:
    """Build the template called ``name``.

    Examples:
        >>> template("customer-service-manager").key
        'customer_service_manager'
    """
    found: Template = pick(scorecard_templates(pm), name, "template")
    return found.build()
