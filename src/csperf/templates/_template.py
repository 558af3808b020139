"""Templates as the plugin system sees them: named factories of ready-made scorecards."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from csperf.scorecard import Scorecard
from csperf.templates._customer_service_manager import customer_service_manager

__all__ = ["BUILTIN_TEMPLATES", "Template"]


@attrs.frozen
class Template:
    """A named, ready-made scorecard.

    Attributes:
        name: The name users type (``csperf template NAME``), e.g. ``customer-service-manager``.
        summary: One line saying what the scorecard appraises.
        factory: A callable that builds a fresh :class:`~csperf.Scorecard`.
    """

    name: str
    summary: str
    factory: Callable[[], Scorecard]

    def build(self) -> Scorecard:
        """Build the scorecard."""
        return self.factory()


BUILTIN_TEMPLATES: tuple[Template, ...] = (
    Template(
        "customer-service-manager",
        "Customer-service manager: service quality 40, efficiency 30, capability 20, teamwork 10",
        customer_service_manager,
    ),
)
"""The templates csperf ships, offered by the built-in plugin ``csperf.plugins.templates``."""
