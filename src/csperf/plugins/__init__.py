"""The built-in plugins.

Each module here is a plain plugin: functions marked with :data:`csperf.hookimpl`, registered
by :func:`csperf.get_plugin_manager` exactly as a third-party plugin is, under its module name
(so ``CSPERF_DISABLED_PLUGINS=csperf.plugins.sources`` blocks the built-in sources).
"""

from __future__ import annotations

__all__: list[str] = []
