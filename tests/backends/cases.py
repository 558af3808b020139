"""Hand-worked record sets for the backend conformance suite, and their tables in Arrow form.

The small centre (``ROWS``, ``ROSTER_ROWS``) and its expected values (``ANN``, ``BOB``, ``T1``)
are those of ``tests/sources/test_sources.py``; ``FRT_SECONDS``, ``DST_TICKET`` and
``FCR_TICKETS`` those of ``tests/metrics/test_metrics.py``: the same inputs and the same numbers
worked by hand there, copied so that this suite does not depend on those modules' helpers.

Tables carry the record field names as columns (the tables of ``SqlSource``). Timestamps are
``TIMESTAMP WITH TIME ZONE`` (UTC) where the backend has the type, and int64 epoch microseconds
on SQLite, which has no timestamp type (see "The portable subset" in the design page).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

UTC = timezone.utc
D = datetime(2026, 7, 1, tzinfo=UTC)
H = timedelta(hours=1)
S = timedelta(seconds=1)
JULY = (D, datetime(2026, 8, 1, tzinfo=UTC))

# Column types per kind: "id" (text), "name", "ts", "bool", "int", "real".
SCHEMA: Mapping[str, Mapping[str, str]] = {
    "tickets": {
        "id": "id", "agent": "name", "channel": "name", "created_at": "ts",
        "first_response_at": "ts", "resolved_at": "ts", "final_resolved_at": "ts",
        "reopened": "bool", "complaint": "bool", "customer": "id", "wait_seconds": "real",
        "answered": "bool", "abandoned": "bool", "talk_seconds": "real",
        "hold_seconds": "real", "acw_seconds": "real",
    },
    "surveys": {
        "agent": "name", "contact_id": "id", "submitted_at": "ts", "csat": "int", "nps": "int",
    },
    "qa_reviews": {
        "agent": "name", "reviewed_at": "ts", "checks_passed": "int",
        "checks_applicable": "int", "critical_failed": "bool", "id": "id",
    },
    "knowledge_tests": {"agent": "name", "taken_at": "ts", "score": "real"},
    "peer_ratings": {"rater": "name", "ratee": "name", "rated_at": "ts", "score": "real"},
    "sharing_items": {"agent": "name", "due_at": "ts", "shared_at": "ts", "id": "id"},
    "roster": {
        "agent": "name", "team": "name", "manager": "name", "valid_from": "ts", "valid_to": "ts",
    },
}  # fmt: skip

_DEFAULTS = {"reopened": False, "complaint": False, "critical_failed": False}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Epoch microseconds of an aware datetime, exactly."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def arrow_table(kind: str, rows: Iterable[Mapping[str, Any]], *, epoch_us: bool = False) -> Any:
    """The Arrow table of ``rows`` of ``kind``, every column of the kind typed (NULLs kept)."""
    import pyarrow as pa

    types = {
        "id": pa.string(),
        "name": pa.string(),
        "ts": pa.int64() if epoch_us else pa.timestamp("us", tz="UTC"),
        "bool": pa.bool_(),
        "int": pa.int64(),
        "real": pa.float64(),
    }
    rows = list(rows)
    columns = {}
    for field, column in SCHEMA[kind].items():
        values = [row.get(field, _DEFAULTS.get(field)) for row in rows]
        if column == "id":
            values = [None if v is None else str(v) for v in values]
        elif column == "real":
            values = [None if v is None else float(v) for v in values]
        elif column == "ts" and epoch_us:
            values = [None if v is None else micros(v) for v in values]
        elif column == "ts":
            values = [None if v is None else v.astimezone(UTC) for v in values]
        columns[field] = pa.array(values, types[column])
    return pa.table(columns)


def ticket(id: Any, agent: str, channel: str, created: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": id, "agent": agent, "channel": channel, "created_at": created, **fields}


# -- the small centre of tests/sources/test_sources.py ------------------------------------------

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

# first responses after these many seconds: mean 220, median 30, p90 616 (h = 3.6), p25 20
FRT_SECONDS = [10, 20, 30, 40, 1000]
FRT_TICKETS = [
    ticket(i, "ann", "chat", T0, first_response_at=T0 + s * S) for i, s in enumerate(FRT_SECONDS)
]

# 01:30 CET to 03:30 CEST on 2024-03-31 in Berlin: one hour of elapsed time
DST_TICKET = ticket(
    1, "ann", "chat", datetime(2024, 3, 31, 0, 30, tzinfo=UTC),
    resolved_at=datetime(2024, 3, 31, 1, 30, tzinfo=UTC),
)  # fmt: skip

# handled 1..7; FCR {2, 3, 4, 7} = 4/7 (8 is an abandoned call)
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
