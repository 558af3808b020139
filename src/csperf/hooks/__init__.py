"""The csperf plugin system: hook specifications and the plugin manager.

See :doc:`/how-to/write-a-plugin` for a complete example.
"""

from __future__ import annotations

from csperf.hooks.hookspecs import hookimpl, hookspec
from csperf.hooks.manager import (
    BUILTIN_PLUGINS,
    DISABLED_ENV,
    ENTRY_POINT_GROUP,
    PluginManager,
    get_plugin_manager,
)

__all__ = [
    "BUILTIN_PLUGINS",
    "DISABLED_ENV",
    "ENTRY_POINT_GROUP",
    "PluginManager",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
]
