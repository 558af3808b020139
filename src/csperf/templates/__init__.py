"""Ready-made scorecards.

:func:`customer_service_manager` is the appraisal form of a customer-service manager
(客服主管绩效考核表) that csperf starts from. Templates are offered to the plugin system as
:class:`Template` objects (hook ``csperf_templates``) and looked up by name with
:meth:`csperf.PluginManager.template`.
"""

from __future__ import annotations

from csperf.templates._customer_service_manager import customer_service_manager
from csperf.templates._template import Template

__all__ = ["Template", "customer_service_manager"]
