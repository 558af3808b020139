"""Ready-made scorecards.

:func:`customer_service_manager` is the appraisal form of a customer-service manager
(客服主管绩效考核表) that csperf starts from. Templates are offered to the plugin system as
:class:`Template` objects (hook ``csperf_templates``) and looked up by name with
:meth:`csperf.PluginManager.template`.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from csperf.scorecard import Scorecard
from csperf.templates.customer_service_manager import customer_service_manager

__all__ = ["BUILTIN_TEMPLATES", "Template", "customer_service_manager"]


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
