"""Building the plugin manager and gathering what plugins offer."""

from __future__ import annotations

import importlib
import os
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pluggy

from csperf.errors import PluginError, UnknownNameError
from csperf.hooks import hookspecs

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "BUILTIN_PLUGINS",
    "DISABLED_ENV",
    "ENTRY_POINT_GROUP",
    "PluginManager",
    "gather",
    "get_plugin_manager",
    "lookup",
    "notify",
    "pick",
]

ENTRY_POINT_GROUP = "csperf"
"""The entry-point group third-party plugins register under."""

DISABLED_ENV = "CSPERF_DISABLED_PLUGINS"
"""Environment variable: comma-separated plugin names that are not loaded."""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "csperf.plugins.rules",
    "csperf.plugins.templates",
    "csperf.plugins.weights",
    "csperf.plugins.sources",
)
"""The built-in plugins, registered under their module names before any entry point."""


class PluginManager(pluggy.PluginManager):
    """A pluggy plugin manager for the ``csperf`` project.

    Attributes:
        distributions: Plugin name → ``"distribution version"`` for plugins loaded from entry
            points (built-ins are listed as ``"csperf"``).
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.distributions: dict[str, str] = {}


def _disabled(disabled: Iterable[str] | None) -> set[str]:
    names = set(disabled or ())
    names.update(n.strip() for n in os.environ.get(DISABLED_ENV, "").split(",") if n.strip())
    return names


def get_plugin_manager(
    *, entry_points: bool = True, disabled: Iterable[str] | None = None
) -> PluginManager:
    """Build a fresh plugin manager.

    The built-in plugins come first (registered exactly like third-party ones), then every entry
    point in the group ``csperf``; names listed in ``disabled`` or in the environment variable
    ``CSPERF_DISABLED_PLUGINS`` (comma-separated) are blocked, built-ins included. Finally
    ``check_pending()`` rejects hook implementations that match no specification.

    Args:
        entry_points: Whether to load third-party plugins from entry points.
        disabled: Plugin names to block, in addition to the environment variable.

    Returns:
        A new :class:`PluginManager`; nothing is cached between calls.

    Raises:
        PluginError: When a plugin fails to import, or implements a hook csperf does not have.

    Examples:
        >>> pm = get_plugin_manager(entry_points=False)
        >>> "csperf.plugins.weights" in dict(pm.list_name_plugin())
        True
    """
    pm = PluginManager()
    for name in sorted(_disabled(disabled)):
        pm.set_blocked(name)
    for module_name in BUILTIN_PLUGINS:
        if pm.is_blocked(module_name):
            continue
        pm.register(importlib.import_module(module_name), name=module_name)
        pm.distributions[module_name] = "csperf"
    if entry_points:
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if pm.is_blocked(ep.name) or pm.get_plugin(ep.name) is not None:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}",
                    obj="plugin",
                    field="entry point",
                    value=ep.value,
                    plugin=ep.name,
                    hook=None,
                ) from exc
            pm.register(plugin, name=ep.name)
            dist = getattr(ep, "dist", None)
            pm.distributions[ep.name] = f"{dist.name} {dist.version}" if dist else ep.value
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        raise PluginError(
            f"plugin {name!r}: {exc}", obj="plugin", field="hook", value=name, plugin=name
        ) from exc
    return pm


def gather(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a gathering hook on every plugin, one at a time.

    Each implementation is called on its own, in registration order (built-ins first), so that
    an error names its plugin. Hook wrappers are not called.

    Args:
        pm: The plugin manager.
        hook: The hook's name, e.g. ``"csperf_weight_strategies"``.
        **kwargs: The hook's arguments.

    Returns:
        ``(plugin name, item)`` for every item every plugin returned, built-ins first.

    Raises:
        PluginError: When an implementation raises (the original exception is chained) or
            returns something other than a list or tuple.
    """
    caller = getattr(pm.hook, hook)
    items: list[tuple[str, Any]] = []
    for impl in caller.get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        name = impl.plugin_name
        args = {arg: kwargs[arg] for arg in impl.argnames}
        result = _call(impl, hook, args)
        if result is None:
            continue
        if not isinstance(result, (list, tuple)):
            raise PluginError(
                f"plugin {name!r}: hook {hook} returned {type(result).__name__}, expected a list",
                obj="plugin",
                field=hook,
                value=result,
                plugin=name,
                hook=hook,
            )
        items.extend((name, item) for item in result)
    return items


def _call(impl: Any, hook: str, args: dict[str, Any]) -> Any:
    try:
        return impl.function(**args)
    except Exception as exc:
        raise PluginError(
            f"plugin {impl.plugin_name!r} raised in hook {hook}: {type(exc).__name__}: {exc}",
            obj="plugin",
            field=hook,
            value=type(exc).__name__,
            plugin=impl.plugin_name,
            hook=hook,
        ) from exc


def notify(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> None:
    """Call an observer hook on every plugin, one at a time, wrapping errors in PluginError."""
    caller = getattr(pm.hook, hook)
    for impl in caller.get_hookimpls():
        if not (impl.hookwrapper or impl.wrapper):
            _call(impl, hook, {arg: kwargs[arg] for arg in impl.argnames})


def lookup(
    pm: pluggy.PluginManager, hook: str, what: str, attribute: str = "name"
) -> dict[str, Any]:
    """Gather named items from a hook into ``{name: item}``.

    Args:
        pm: The plugin manager.
        hook: The gathering hook.
        what: What the items are, for error messages ("weight strategy").
        attribute: The attribute that holds each item's name.

    Raises:
        PluginError: When two plugins give the same name (both plugins are named), or an item
            has no name.
    """
    found: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for plugin, item in gather(pm, hook):
        name = getattr(item, attribute, None)
        if not isinstance(name, str) or not name:
            raise PluginError(
                f"plugin {plugin!r} gave a {what} without a {attribute}: {item!r}",
                obj="plugin",
                field=hook,
                value=item,
                plugin=plugin,
                hook=hook,
            )
        if name in found:
            raise PluginError(
                f"{what} {name!r} is given by both plugin {owners[name]!r} and plugin {plugin!r}",
                obj="plugin",
                field=hook,
                value=name,
                plugin=(owners[name], plugin),
                hook=hook,
            )
        found[name] = item
        owners[name] = plugin
    return found


def pick(found: dict[str, Any], name: str, what: str) -> Any:
    """Return ``found[name]`` or raise :class:`~csperf.errors.UnknownNameError` listing names."""
    if name not in found:
        available = sorted(found)
        raise UnknownNameError(
            f"unknown {what} {name!r}; available: {', '.join(available) or '(none)'}",
            obj=what,
            field="name",
            value=name,
            available=available,
        )
    return found[name]
