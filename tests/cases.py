"""Hand-worked record sets and their expected values, stated once for every suite that uses them.

The small centre (``ROWS``, ``ROSTER_ROWS``) and its values (``ANN``, ``BOB``, ``T1``) are
measured through every source by ``tests/sources/test_sources.py`` and on every Ibis backend
by ``tests/backends/test_conformance.py``; ``FRT_SECONDS``, ``DST_TICKET`` and ``FCR_TICKETS``
are the first-response, daylight-saving and first-contact-resolution cases of
``tests/metrics/test_metrics.py``, also run on every backend. Each number is worked out by hand
in the comment next to it, from the definitions in ``docs/explanation/metrics.rst``.

Rows are plain mappings with the record field names as keys (``csperf.metrics.Ticket`` and the
other record types take them as keyword arguments) and aware timestamps (UTC, but for the
daylight-saving case). A call gives both ``answered`` and ``abandoned``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

UTC = timezone.utc
D = datetime(2026, 7, 1, tzinfo=UTC)
H = timedelta(hours=1)
S = timedelta(seconds=1)
JULY = (D, datetime(2026, 8, 1, tzinfo=UTC))


def ticket(id: Any, agent: str, channel: str, created: datetime, **fields: Any) -> dict[str, Any]:
    """A ticket row: the four required fields and any others."""
    return {"id": id, "agent": agent, "channel": channel, "created_at": created, **fields}


# -- a small centre worked by hand: ann and bob in team T1, cy and dee in T2 (manager M1) -------

TICKETS = [
    ticket("T1", "ann", "chat", D + 9 * H, first_response_at=D + 9 * H + 30 * S,
           resolved_at=D + 10 * H, customer="c1"),
    ticket("T2", "ann", "chat", D + 10 * H, first_response_at=D + 10 * H + 90 * S,
           resolved_at=D + 13 * H, final_resolved_at=D + 15 * H, reopened=True,
           complaint=True, customer="c1"),
    ticket("T3", "ann", "phone", D + 11 * H, first_response_at=D + 11 * H + 10 * S,
           resolved_at=D + 11 * H + 10 * S, answered=True, abandoned=False, wait_seconds=10,
           talk_seconds=200, hold_seconds=20, acw_seconds=30),
    ticket("T4", "ann", "phone", D + 12 * H, answered=False, abandoned=True, wait_seconds=50),
    ticket("T5", "bob", "email", D + 9 * H, first_response_at=D + 9 * H + 600 * S,
           customer="c2"),
    ticket("T6", "bob", "phone", D + 13 * H, first_response_at=D + 13 * H + 30 * S,
           resolved_at=D + 13 * H + 30 * S, answered=True, abandoned=False, wait_seconds=30,
           talk_seconds=100, customer="c3"),
]  # fmt: skip
SURVEYS = [
    {"agent": "ann", "contact_id": "T1", "submitted_at": D + 11 * H, "csat": 5, "nps": 10},
    {"agent": "ann", "contact_id": "T2", "submitted_at": D + 16 * H, "csat": 4, "nps": 6},
    {"agent": "ann", "contact_id": "T3", "submitted_at": D + 12 * H, "csat": 2},
    {"agent": "bob", "contact_id": "T6", "submitted_at": D + 14 * H, "csat": 3, "nps": 8},
]
QA = [
    {"agent": "ann", "reviewed_at": D + 20 * H, "checks_passed": 9, "checks_applicable": 10},
    {"agent": "bob", "reviewed_at": D + 20 * H, "checks_passed": 10, "checks_applicable": 10,
     "critical_failed": True},
]  # fmt: skip
TESTS = [
    {"agent": "ann", "taken_at": D + 2 * H, "score": 70},
    {"agent": "ann", "taken_at": D + 30 * H, "score": 90},
    {"agent": "bob", "taken_at": D + 3 * H, "score": 85},
]
RATINGS = [
    {"rater": r, "ratee": "ann", "rated_at": D + 5 * H, "score": s}
    for r, s in [("bob", 4), ("cy", 5), ("dee", 3), ("ann", 5)]
]
SHARING = [
    {"agent": "ann", "due_at": D + 18 * H, "shared_at": D + 17 * H},
    {"agent": "ann", "due_at": D + 18 * H, "shared_at": D + 19 * H},
    {"agent": "bob", "due_at": D + 18 * H},
]
ROWS = {
    "tickets": TICKETS,
    "surveys": SURVEYS,
    "qa_reviews": QA,
    "knowledge_tests": TESTS,
    "peer_ratings": RATINGS,
    "sharing_items": SHARING,
}
ROSTER_ROWS = [{"agent": a, "team": "T1", "manager": "M1"} for a in ("ann", "bob")] + [
    {"agent": a, "team": "T2", "manager": "M1"} for a in ("cy", "dee")
]

# Worked by hand from the rows above (seconds; shares as fractions), July at the default options.
ANN = {
    "customer_satisfaction": 2 / 3,  # 5, 4 satisfied; 2 not
    "nps": 0.0,  # promoters 1 (10), detractors 1 (6), 2 answers: 100·(1−1)/2
    "complaint_rate": 1 / 3,  # T2 of T1, T2, T3 (T4 abandoned: not handled)
    "first_response_time": 130 / 3,  # (30 + 90 + 10) / 3
    "resolution_time": (3600 + 3 * 3600 + 10) / 3,  # first resolutions
    "fcr": 1 / 3,  # T1 repeated by T2 within 7 days, T2 reopened, T3 resolved
    "service_level": 1 / 2,  # T3 answered in 10 s ≤ 20; T4 abandoned
    "abandonment_rate": 1 / 2,
    "aht": 250.0,  # T3: 200 + 20 + 30
    "script_compliance": 0.9,
    "product_knowledge": 80.0,  # (70 + 90) / 2
    "collaboration_rating": 4.0,  # (4 + 5 + 3) / 3, the self-rating left out
    "information_sharing_rate": 0.5,
}
BOB = {
    "customer_satisfaction": 0.0,
    "nps": 0.0,  # one passive (8)
    "complaint_rate": 0.0,
    "first_response_time": 315.0,  # (600 + 30) / 2
    "resolution_time": 30.0,  # T5 unresolved
    "fcr": 0.5,  # T5 unresolved, T6 resolved with no repeat
    "service_level": 0.0,  # T6 waited 30 s > 20
    "abandonment_rate": 0.0,
    "aht": 100.0,
    "script_compliance": 0.0,  # a critical failure scores the review 0
    "product_knowledge": 85.0,
    "collaboration_rating": None,  # not rated
    "information_sharing_rate": 0.0,
}
T1 = {
    # pooled, not averaged: 2 of 4 answers satisfied (the mean of 2/3 and 0 would be 1/3)
    "customer_satisfaction": 0.5,
    "complaint_rate": 1 / 5,
    "first_response_time": (30 + 90 + 10 + 600 + 30) / 5,
    "service_level": 1 / 3,
    "script_compliance": 9 / 20,
    "product_knowledge": (70 + 90 + 85) / 3,
    "information_sharing_rate": 1 / 3,
}

# -- cases of tests/metrics/test_metrics.py -----------------------------------------------------

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

# first responses after these many seconds: mean 1100 / 5 = 220; median 30; p90 (linear:
# h = (5 − 1)·0.9 = 3.6, x[3] + 0.6·(x[4] − x[3]) = 40 + 0.6·960) = 616; p25 (h = 1) = x[1] = 20
FRT_SECONDS = [10, 20, 30, 40, 1000]
FRT_TICKETS = [
    ticket(i, "ann", "chat", T0, first_response_at=T0 + s * S) for i, s in enumerate(FRT_SECONDS)
]

# 01:30 CET to 03:30 CEST on 2024-03-31 in Berlin (clocks jump at 02:00): one hour elapsed.
# Berlin wall-clock times (00:30 and 01:30 UTC): the engine reads aware timestamps of any zone.
BERLIN = ZoneInfo("Europe/Berlin")
DST_TICKET = ticket(
    1, "ann", "chat", datetime(2024, 3, 31, 1, 30, tzinfo=BERLIN),
    resolved_at=datetime(2024, 3, 31, 3, 30, tzinfo=BERLIN),
)  # fmt: skip

# handled 1..7 (8 is an abandoned call): 1 repeated by 2 (c1 back after 3 days, within 7) -> no;
# 2 no later c1 contact -> yes; 3 c2 back after 8 days (outside the window) -> yes; 4 yes;
# 5 reopened -> no; 6 unresolved (still in the denominator) -> no; 7 no customer (judged on
# resolution and reopen alone), resolved -> yes: FCR {2, 3, 4, 7} = 4/7. A 10-day window also
# catches c2's return: {2, 4, 7} = 3/7; window 0 turns the repeat test off: {1, 2, 3, 4, 7} = 5/7
FCR_TICKETS = [
    ticket(1, "ann", "chat", T0, resolved_at=T0 + H, customer="c1"),
    ticket(2, "bob", "email", T0 + 3 * DAY, resolved_at=T0 + 3 * DAY, customer="c1"),
    ticket(3, "ann", "chat", T0, resolved_at=T0 + H, customer="c2"),
    ticket(4, "ann", "chat", T0 + 8 * DAY, resolved_at=T0 + 8 * DAY, customer="c2"),
    ticket(5, "ann", "chat", T0, resolved_at=T0 + H, reopened=True, customer="c3"),
    ticket(6, "ann", "chat", T0, customer="c4"),
    ticket(7, "ann", "chat", T0, resolved_at=T0 + H),
    ticket(8, "ann", "phone", T0, answered=False, abandoned=True, wait_seconds=60,
           customer="c5"),
]  # fmt: skip
