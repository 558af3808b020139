"""Built-in plugin: the ready-made scorecards."""

from __future__ import annotations

from csperf.hooks.hookspecs import hookimpl
from csperf.templates._template import BUILTIN_TEMPLATES, Template

__all__ = ["csperf_templates"]


@hookimpl
def csperf_templates() -> list[Template]:
    """The built-in templates (the customer-service manager scorecard)."""
    return list(BUILTIN_TEMPLATES)
