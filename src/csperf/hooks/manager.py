"""The plugin manager: building it, and one typed method per hook.

:class:`PluginManager` owns a :class:`pluggy.PluginManager` (composition: csperf's methods are
not mixed into pluggy's namespace, and pluggy's API stays reachable as
:attr:`PluginManager.manager`). Every method calls its hook once through pluggy,
``manager.hook.csperf_<name>()``, so hook wrappers and :meth:`pluggy.PluginManager.enable_tracing`
see every call.

Two things pluggy does not do are added around that call, without replacing it:

* **Naming the plugin that raised.** When the hook call raises, the traceback is walked for the
  innermost frame that runs a hook implementation's function (the implementations come from
  ``manager.hook.<name>.get_hookimpls()``, used for naming only; the hook wrappers an exception
  passes through on its way out are outer frames); that implementation's plugin is named in the
  :class:`~csperf.errors.PluginError`, with the original exception chained.
* **Naming the plugin behind each item**, for duplicate names and ``csperf plugins``. pluggy
  returns one answer per implementation, in its calling order (the reverse of
  ``get_hookimpls()``, wrappers left out), so answers and plugins are paired by position. When
  the counts differ (an implementation returned None, or a wrapper changed the answers) the
  items are still used, but cannot be attributed and are reported under ``"?"``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from csperf._frozen import FrozenDict
from csperf.errors import PluginError, UnknownNameError
from csperf.hooks import hookspecs

if TYPE_CHECKING:
    from types import TracebackType

    from csperf.metrics import MetricSpec
    from csperf.report import ReportFormat
    from csperf.results import BatchResult, ScorecardResult
    from csperf.rules import ScoringRule
    from csperf.sources import MetricSource
    from csperf.templates import Template
    from csperf.weights import WeightStrategy

__all__ = [
    "BUILTIN_PLUGINS",
    "DISABLED_ENV",
    "ENTRY_POINT_GROUP",
    "PluginManager",
    "get_plugin_manager",
]

ENTRY_POINT_GROUP = hookspecs.PROJECT
"""The entry-point group third-party plugins register under (``csperf``)."""

DISABLED_ENV = "CSPERF_DISABLED_PLUGINS"
"""Environment variable: comma-separated plugin names that are not loaded."""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "csperf.plugins.rules",
    "csperf.plugins.templates",
    "csperf.plugins.weights",
    "csperf.plugins.sources",
    "csperf.plugins.metrics",
    "csperf.plugins.reports",
)
"""The built-in plugins, registered under their module names before any entry point."""

UNATTRIBUTED = "?"
"""The plugin name reported for an item pluggy's answers do not let csperf attribute."""

T = TypeVar("T")


class PluginManager:
    """csperf's plugin manager: the plugins, and one typed method per hook.

    Build one with :func:`get_plugin_manager`; a bare ``PluginManager()`` knows the hook
    specifications but holds no plugin. The gathering methods (``weight_strategies()``,
    ``metrics()``...) return a read-only mapping by name, in registration order (built-ins
    first); the look-up methods (``weight_strategy(name)``...) return one item.

    Attributes:
        manager: The :class:`pluggy.PluginManager` (project ``csperf``) that holds the plugins.

    Raises:
        PluginError: From every hook method, when a plugin raises (naming the plugin and the
            hook, the exception chained), returns something other than a list, gives an item
            without a name, or gives a name another plugin gives too (naming both).
        UnknownNameError: From the look-up methods, for a name no plugin gives (listing the
            names that are available).

    Examples:
        >>> pm = get_plugin_manager(entry_points=False)
        >>> pm.weight_strategy("equal").name
        'equal'
        >>> pm.template("customer-service-manager").build().key
        'customer_service_manager'
        >>> pm.scoring_rule("piecewise").__name__
        'Piecewise'
        >>> pm.metric("complaint_rate").unit
        'fraction'
        >>> sorted(pm.report_formats())
        ['csv', 'html', 'json', 'markdown', 'table', 'xlsx']
    """

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)

    def __repr__(self) -> str:
        return f"<PluginManager {list(self.names)}>"

    @property
    def hook(self) -> pluggy.HookRelay:
        """The hook relay of pluggy: ``pm.hook.csperf_metrics()`` calls a hook."""
        return self.manager.hook

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register a plugin (a module, class or object with hook implementations).

        Args:
            plugin: The plugin.
            name: Its name (what ``CSPERF_DISABLED_PLUGINS`` blocks and errors name); by default
                pluggy's canonical name.

        Returns:
            The name it was registered under, or None when the name is blocked.

        Raises:
            PluginError: When the plugin implements a hook with arguments the specification
                does not have, or the name is already taken.
        """
        try:
            return self.manager.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            shown = name or self.manager.get_canonical_name(plugin)
            raise PluginError(
                msg=f"{exc}", obj=f"plugin {shown!r}", field="hook", value=shown, plugin=shown
            ) from exc

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the registered plugins, in registration order."""
        return tuple(name for name, plugin in self.manager.list_name_plugin() if plugin is not None)

    @property
    def distributions(self) -> Mapping[str, str]:
        """Plugin name → ``"distribution version"`` for plugins loaded from entry points.

        Built-ins are listed as ``"csperf"``; plugins registered in code are not listed.
        """
        found = {name: "csperf" for name in self.names if name in BUILTIN_PLUGINS}
        for plugin, dist in self.manager.list_plugin_distinfo():
            name = self.manager.get_name(plugin)
            if name is not None:
                found[name] = f"{dist.project_name} {dist.version}"
        return FrozenDict(found)

    # -- gathering hooks --------------------------------------------------------------------

    def weight_strategies(self) -> Mapping[str, WeightStrategy]:
        """Every weight strategy by name (hook ``csperf_weight_strategies``)."""
        return self._named("csperf_weight_strategies", "weight strategy")

    def weight_strategy(self, name: str) -> WeightStrategy:
        """The weight strategy called ``name`` (``"ahp"``, ``"swot"``...)."""
        return _pick(self.weight_strategies(), name, "weight strategy")

    def metric_sources(self) -> Mapping[str, type[MetricSource]]:
        """Every metric source class by name (hook ``csperf_metric_sources``)."""
        return self._named("csperf_metric_sources", "metric source")

    def metric_source(self, name: str) -> type[MetricSource]:
        """The metric source class called ``name`` (``"csv"``, ``"duckdb"``...)."""
        return _pick(self.metric_sources(), name, "metric source")

    def scoring_rules(self) -> Mapping[str, type[ScoringRule]]:
        """Every scoring-rule type by its ``kind`` (hook ``csperf_scoring_rules``)."""
        return self._named("csperf_scoring_rules", "scoring rule", attribute="kind")

    def scoring_rule(self, kind: str) -> type[ScoringRule]:
        """The scoring-rule type whose ``kind`` is ``kind`` (``"piecewise"``...)."""
        return _pick(self.scoring_rules(), kind, "scoring rule")

    def templates(self) -> Mapping[str, Template]:
        """Every template by name (hook ``csperf_templates``)."""
        return self._named("csperf_templates", "template")

    def template(self, name: str) -> Template:
        """The template called ``name``; ``.build()`` makes its scorecard."""
        return _pick(self.templates(), name, "template")

    def metrics(self) -> Mapping[str, MetricSpec]:
        """Every metric by name (hook ``csperf_metrics``)."""
        return self._named("csperf_metrics", "metric")

    def metric(self, name: str) -> MetricSpec:
        """The metric called ``name`` (``"customer_satisfaction"``...)."""
        found = self.metrics()
        if not isinstance(name, str) or name not in found:
            raise UnknownNameError(
                "metric",
                name,
                tuple(found),
                msg=f"unknown metric {name!r} (known: {', '.join(found)})",
            )
        return found[name]

    def report_formats(self) -> Mapping[str, ReportFormat]:
        """Every report format by name (hook ``csperf_report_formats``)."""
        return self._named("csperf_report_formats", "report format")

    def report_format(self, name: str) -> ReportFormat:
        """The report format called ``name`` (``"html"``, ``"xlsx"``...)."""
        found = self.report_formats()
        if name not in found:
            raise UnknownNameError(
                "format",
                name,
                sorted(found),
                msg=f"unknown report format {name!r} (formats: {', '.join(sorted(found))})",
                field="format",
            )
        return found[name]

    def offers(self) -> list[tuple[str, str, str]]:
        """What each plugin offers, for ``csperf plugins``.

        Returns:
            ``(plugin name, what, item name)`` for every item of every gathering hook, e.g.
            ``("csperf.plugins.weights", "weight strategy", "ahp")``, hook by hook and in
            registration order within a hook.
        """
        found = []
        for hook, what, attribute in _GATHERING:
            for plugin, item in self._gather(hook):
                found.append((plugin, what, str(getattr(item, attribute, "?"))))
        return found

    # -- observer hooks ---------------------------------------------------------------------

    def result_evaluated(self, result: ScorecardResult) -> None:
        """Tell every plugin about a result (hook ``csperf_result_evaluated``)."""
        self._call("csperf_result_evaluated", result=result)

    def batch_evaluated(self, batch: BatchResult) -> None:
        """Tell every plugin about a batch (hook ``csperf_batch_evaluated``)."""
        self._call("csperf_batch_evaluated", batch=batch)

    # -- machinery --------------------------------------------------------------------------

    def _call(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call ``hook`` through pluggy; an exception becomes a PluginError naming the plugin."""
        caller: pluggy.HookCaller = getattr(self.manager.hook, hook)
        try:
            answers: list[Any] = caller(**kwargs)
        except Exception as exc:
            plugin = _raiser(caller, exc.__traceback__)
            raise PluginError(
                msg=f"plugin {plugin!r} raised in hook {hook}: {type(exc).__name__}: {exc}",
                field=hook,
                value=type(exc).__name__,
                plugin=plugin,
                hook=hook,
            ) from exc
        return answers

    def _gather(self, hook: str) -> list[tuple[str, Any]]:
        """``(plugin name, item)`` for every item of a gathering hook, built-ins first."""
        caller: pluggy.HookCaller = getattr(self.manager.hook, hook)
        answers = self._call(hook)
        called = [i.plugin_name for i in reversed(caller.get_hookimpls()) if not _wraps(i)]
        owners = called if len(called) == len(answers) else [UNATTRIBUTED] * len(answers)
        items: list[tuple[str, Any]] = []
        for plugin, answer in reversed(list(zip(owners, answers))):
            if not isinstance(answer, (list, tuple)):
                raise PluginError(
                    msg=f"hook {hook} returned {type(answer).__name__}, expected a list",
                    obj=f"plugin {plugin!r}",
                    field=hook,
                    value=answer,
                    plugin=plugin,
                    hook=hook,
                )
            items.extend((plugin, item) for item in answer)
        return items

    def _named(self, hook: str, what: str, attribute: str = "name") -> Mapping[str, Any]:
        """Gather a hook's items into ``{name: item}``, refusing nameless and repeated ones."""
        found: dict[str, Any] = {}
        owners: dict[str, str] = {}
        for plugin, item in self._gather(hook):
            name = getattr(item, attribute, None)
            if not isinstance(name, str) or not name:
                raise PluginError(
                    msg=f"plugin {plugin!r} gave a {what} without a {attribute}: {item!r}",
                    field=hook,
                    value=item,
                    plugin=plugin,
                    hook=hook,
                )
            lacking = [m for m in _NEEDS.get(hook, ()) if not callable(getattr(item, m, None))]
            if lacking:
                raise PluginError(
                    msg=f"plugin {plugin!r} gave {what} {name!r} without "
                    f"{' or '.join(repr(m) for m in lacking)}, which a {what} must have",
                    field=hook,
                    value=name,
                    plugin=plugin,
                    hook=hook,
                )
            if name in found:
                raise PluginError(
                    msg=f"{what} {name!r} is given by both plugin {owners[name]!r} "
                    f"and plugin {plugin!r}",
                    field=hook,
                    value=name,
                    plugin=(owners[name], plugin),
                    hook=hook,
                )
            found[name] = item
            owners[name] = plugin
        return FrozenDict(found)


#: What every item of a gathering hook must be able to do: methods it must have (a plugin's
#: item without them is refused with a PluginError naming the plugin, not an AttributeError
#: when it is first used).
_NEEDS: dict[str, tuple[str, ...]] = {
    "csperf_weight_strategies": ("compute",),
    "csperf_metric_sources": ("from_options", "measure"),
    "csperf_scoring_rules": ("exact_points", "score"),
    "csperf_templates": ("build",),
    "csperf_report_formats": ("render",),
}

_GATHERING: tuple[tuple[str, str, str], ...] = (
    ("csperf_weight_strategies", "weight strategy", "name"),
    ("csperf_metric_sources", "metric source", "name"),
    ("csperf_scoring_rules", "scoring rule", "kind"),
    ("csperf_templates", "template", "name"),
    ("csperf_metrics", "metric", "name"),
    ("csperf_report_formats", "report format", "name"),
)


def _wraps(impl: pluggy.HookImpl) -> bool:
    return bool(impl.wrapper or impl.hookwrapper)


def _raiser(caller: pluggy.HookCaller, tb: TracebackType | None) -> str:
    """The plugin whose implementation is the innermost frame of ``tb`` that runs one.

    The innermost, not the outermost: an exception an implementation raises passes on its way
    out through the hook wrappers around it, which then appear in the traceback too.
    """
    by_code: dict[Any, list[pluggy.HookImpl]] = {}
    for impl in caller.get_hookimpls():
        code = getattr(impl.function, "__code__", None)
        if code is not None:
            by_code.setdefault(code, []).append(impl)
    found = UNATTRIBUTED
    while tb is not None:
        impls = by_code.get(tb.tb_frame.f_code, [])
        if len(impls) > 1:  # one class, several instances: tell them apart by ``self``
            this = tb.tb_frame.f_locals.get("self")
            impls = [i for i in impls if getattr(i.function, "__self__", None) is this]
        if impls:
            found = impls[0].plugin_name
        tb = tb.tb_next
    return found


def _pick(found: Mapping[str, T], name: str, what: str) -> T:
    """``found[name]``, or UnknownNameError listing the names that are available."""
    if name not in found:
        available = sorted(found)
        raise UnknownNameError(what, name, available, field="name")
    return found[name]


def _disabled(disabled: Iterable[str] | None) -> list[str]:
    names = set(disabled or ())
    names.update(n.strip() for n in os.environ.get(DISABLED_ENV, "").split(",") if n.strip())
    return sorted(names)


def _failed_entry_point(pm: pluggy.PluginManager) -> tuple[str, str]:
    """The entry point pluggy was loading when it failed: the first one not yet registered.

    pluggy loads entry points in the order of ``importlib.metadata.distributions()`` and
    registers each one as it loads it, so the first entry point of the group that is neither
    registered nor blocked is the one that raised.
    """
    from importlib import metadata

    for dist in metadata.distributions():
        for ep in dist.entry_points:
            done = pm.has_plugin(ep.name) or pm.is_blocked(ep.name)
            if ep.group == ENTRY_POINT_GROUP and not done:
                return ep.name, ep.value
    return UNATTRIBUTED, UNATTRIBUTED


def get_plugin_manager(
    *, entry_points: bool = True, disabled: Iterable[str] | None = None
) -> PluginManager:
    """Build a fresh plugin manager.

    The built-in plugins (:data:`~csperf.hooks.BUILTIN_PLUGINS`) come first, registered exactly like
    third-party ones, then every entry point in the group ``csperf`` (pluggy's
    ``load_setuptools_entrypoints``); names listed in ``disabled``
    or in the environment variable ``CSPERF_DISABLED_PLUGINS`` (comma-separated) are blocked,
    built-ins included. Finally pluggy's ``check_pending()`` rejects hook
    implementations that match no specification. Nothing is cached: each call imports (once
    per process) and registers the plugins anew.

    Args:
        entry_points: Whether to load third-party plugins from entry points.
        disabled: Plugin names to block, in addition to the environment variable.

    Returns:
        A new :class:`PluginManager`.

    Raises:
        PluginError: When a plugin fails to import, or implements a hook csperf does not have.

    Examples:
        >>> pm = get_plugin_manager(entry_points=False)
        >>> "csperf.plugins.weights" in pm.names
        True
        >>> "csperf.plugins.metrics" in get_plugin_manager(
        ...     entry_points=False, disabled=["csperf.plugins.metrics"]).names
        False
    """
    pm = PluginManager()
    for name in _disabled(disabled):
        pm.manager.set_blocked(name)
    for module_name in BUILTIN_PLUGINS:
        if not pm.manager.is_blocked(module_name):
            pm.register(importlib.import_module(module_name), name=module_name)
    if entry_points:
        try:
            pm.manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:
            name, value = _failed_entry_point(pm.manager)
            raise PluginError(
                msg=f"plugin {name!r} ({value}) failed to load: {exc}",
                field="entry point",
                value=value,
                plugin=name,
            ) from exc
    try:
        pm.manager.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.manager.get_name(exc.plugin) or repr(exc.plugin)
        raise PluginError(
            msg=f"{exc}", obj=f"plugin {name!r}", field="hook", value=name, plugin=name
        ) from exc
    return pm
