"""Shared fixtures."""

from __future__ import annotations

import pytest

from csperf.hooks import PluginManager, get_plugin_manager
from csperf.templates import customer_service_manager


@pytest.fixture
def pm() -> PluginManager:
    """A fresh plugin manager with the built-in plugins only."""
    return get_plugin_manager(entry_points=False)


@pytest.fixture
def manager_card():
    """The customer-service manager template."""
    return customer_service_manager()


@pytest.fixture
def li_wei() -> dict[str, float]:
    """Measurements of a sample manager, worked by hand in test_scorecard.py."""
    return {
        "customer_satisfaction": 0.92,
        "complaint_rate": 0.004,
        "first_response_time": 45,
        "resolution_time": 20000,
        "product_knowledge": 88,
        "script_compliance": 0.93,
        "collaboration_rating": 4.2,
        "information_sharing_rate": 0.97,
    }
