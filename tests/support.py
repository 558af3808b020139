"""Values shared by several test modules.

Fixtures live in ``conftest.py`` and hypothesis strategies in ``strategies.py``; this module holds
the plain values a test module needs when it is imported (``from support import ROOT``), so that
no module keeps a copy of another's data and no path depends on how deep a test file sits.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository: ``ROOT / "docs"``, ``ROOT / "src" / "csperf"``, ``ROOT / "tests" / "data"``."""

LI_WEI: dict[str, float] = {
    "customer_satisfaction": 0.92,
    "complaint_rate": 0.004,
    "first_response_time": 45,
    "resolution_time": 20000,
    "product_knowledge": 88,
    "script_compliance": 0.93,
    "collaboration_rating": 4.2,
    "information_sharing_rate": 0.97,
}
"""Measurements of a sample manager on the manager card, worked by hand in test_scorecard.py
(90.48, excellent). Copy before changing: ``dict(LI_WEI, complaint_rate=None)``."""

CHEN_JING: dict[str, float] = {
    "customer_satisfaction": 0.86,
    "complaint_rate": 0.0135,
    "first_response_time": 50,
    "resolution_time": 20000,
    "product_knowledge": 80.55,
    "script_compliance": 0.734,
    "collaboration_rating": 4.2,
    "information_sharing_rate": 0.97,
}
"""A sample manager whose exact total on the manager card is 79.995, a rounding tie that csperf
rounds half up to 80.00: a "good" total on the band edge."""
