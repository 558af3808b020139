"""Ready-made scorecards.

:func:`customer_service_manager` is the appraisal form of a customer-service manager
(客服主管绩效考核表) that csperf starts from.
"""

from __future__ import annotations

from csperf.templates.customer_service_manager import customer_service_manager

__all__ = ["customer_service_manager"]
