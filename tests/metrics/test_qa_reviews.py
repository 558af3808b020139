"""QA reviews (issue 13 part 5): N/A items, all-N/A reviews, critical failures and vetoes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from csperf import ValidationError, Veto
from csperf.metrics import MetricValue, QaReview, critical_failures, script_compliance
from csperf.templates import customer_service_manager

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)


def test_na_items_leave_the_denominator():
    # Categories (passed, applicable); (0, 0) is N/A. 3 + 1 of 3 + 2 applicable checks.
    review = QaReview.from_categories(
        "ann", T0, {"greeting": (3, 3), "upsell": (0, 0), "verification": (1, 2)}
    )
    assert (review.checks_passed, review.checks_applicable) == (4, 5)
    assert review.score == 0.8  # 4 / 5, not 4 / 6
    assert script_compliance([review]).value == 0.8


def test_a_review_whose_every_item_is_na_has_no_value_not_100_percent():
    na = QaReview.from_categories("ann", T0, {"greeting": (0, 0), "upsell": (0, 0)})
    assert na.score is None
    assert script_compliance([na]) == MetricValue(None, 0, ("no_data",))
    assert script_compliance([na], method="mean").value is None
    # Beside a scored review it changes neither the value nor the sample size.
    scored = QaReview("ann", T0, 9, 10)
    assert script_compliance([scored, na]) == MetricValue(0.9, 1, ())
    assert script_compliance([scored, na], method="mean") == MetricValue(0.9, 1, ())


def test_a_critical_failure_zeroes_the_review_and_is_counted():
    reviews = [
        QaReview("ann", T0, 9, 10),
        QaReview("ann", T0, 10, 10, critical_failed=True),  # zeroed: 0 of 10
        QaReview("ann", T0, 0, 0),  # every item N/A
    ]
    assert script_compliance(reviews).value == 9 / 20
    assert script_compliance(reviews, method="mean").value == 0.45  # (0.9 + 0) / 2
    assert critical_failures(reviews) == MetricValue(1.0, 3, ("critical_failed",))
    assert critical_failures(reviews[:1]) == MetricValue(0.0, 1, ())


def test_a_critical_failure_needs_an_applicable_check():
    with pytest.raises(ValidationError, match="needs at least one applicable check") as info:
        QaReview("ann", T0, 0, 0, critical_failed=True)
    assert info.value.key_path == "critical_failed"


def test_critical_failures_drive_a_veto_item():
    veto = Veto(
        "critical_failure",
        {"en": "Critical QA failure", "zh": "质检致命错误"},
        metric="critical_failures",
        effect="cap_grade",
        grade="fail",
    )
    card = customer_service_manager()
    import attrs

    card = attrs.evolve(card, vetoes=[veto])
    row = {
        "customer_satisfaction": 0.92,
        "complaint_rate": 0.008,
        "first_response_time": 45,
        "resolution_time": 14400,
        "product_knowledge": 88,
        "script_compliance": 0.95,
        "collaboration_rating": 4.2,
        "information_sharing_rate": 0.9,
    }
    failed = critical_failures([QaReview("ann", T0, 10, 10, critical_failed=True)]).value
    assert card.evaluate({**row, "critical_failures": failed}).grade.key == "fail"
    assert card.evaluate({**row, "critical_failures": 0}).grade.key == "good"
