"""A deliberately simple second statement of the 13 catalog metrics, per agent: the test oracle.

Straight from ``docs/explanation/metrics.rst`` with the default options, over plain dict rows
whose timestamps are aware datetimes and whose agents are all on the roster (no bad rows). Exact
arithmetic with :class:`fractions.Fraction` where the definition is a ratio, numpy's linear
percentile where it is a statistic; nothing is shared with the engine under test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

METRICS = (
    "customer_satisfaction",
    "nps",
    "complaint_rate",
    "first_response_time",
    "resolution_time",
    "fcr",
    "service_level",
    "abandonment_rate",
    "aht",
    "script_compliance",
    "product_knowledge",
    "collaboration_rating",
    "information_sharing_rate",
)

WINDOW = timedelta(days=7)


def _ratio(num: int | Fraction, den: int | Fraction) -> float | None:
    return None if den == 0 else float(Fraction(num) / Fraction(den))


def _mean(values: list[float]) -> float | None:
    return None if not values else float(sum(Fraction(v) for v in values) / len(values))


def _seconds(a: datetime, b: datetime) -> float:
    delta = b - a
    return (delta.days * 86_400 + delta.seconds) + delta.microseconds / 1e6


def _inside(moment: datetime, period: tuple[datetime, datetime]) -> bool:
    return period[0] <= moment < period[1]


def measure(
    rows: Mapping[str, Iterable[Mapping[str, Any]]],
    period: tuple[datetime, datetime],
    agents: Iterable[str],
) -> dict[str, dict[str, float | None]]:
    """Agent → metric → value (None where there is no data), every metric at its defaults."""
    by: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    all_tickets = list(rows.get("tickets", ()))
    stamp = {
        "tickets": ("agent", "created_at"),
        "surveys": ("agent", "submitted_at"),
        "qa_reviews": ("agent", "reviewed_at"),
        "knowledge_tests": ("agent", "taken_at"),
        "peer_ratings": ("ratee", "rated_at"),
        "sharing_items": ("agent", "due_at"),
    }
    for kind, (who, when) in stamp.items():
        for row in rows.get(kind, ()):
            if _inside(row[when], period):
                by[row[who]][kind].append(row)
    result = {}
    for agent in agents:
        result[agent] = _agent(by[agent], all_tickets)
    return result


def _agent(
    rows: Mapping[str, list[Mapping[str, Any]]], all_tickets: list[Mapping[str, Any]]
) -> dict[str, float | None]:
    surveys = rows.get("surveys", [])
    csat = [s["csat"] for s in surveys if s.get("csat") is not None]
    nps = [s["nps"] for s in surveys if s.get("nps") is not None]
    tickets = rows.get("tickets", [])
    handled = [t for t in tickets if not t.get("abandoned")]
    calls = [t for t in tickets if t.get("answered") is not None or t.get("abandoned") is not None]
    answered = [t for t in calls if not t.get("abandoned")]
    # an answered call given only its wait was answered after that wait
    first = [
        _seconds(t["created_at"], t["first_response_at"])
        if t.get("first_response_at") is not None
        else t["wait_seconds"]
        for t in handled
        if t.get("first_response_at") is not None
        or (t.get("answered") and t.get("wait_seconds") is not None)
    ]
    resolved = [
        _seconds(t["created_at"], t["resolved_at"])
        for t in handled
        if t.get("resolved_at") is not None
    ]

    contacts: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for u in all_tickets:
        if u.get("customer") is not None:
            contacts[u["customer"]].append(u)

    def repeated(t: Mapping[str, Any]) -> bool:
        if t.get("customer") is None:
            return False
        return any(
            u["id"] != t["id"] and t["created_at"] < u["created_at"] <= t["created_at"] + WINDOW
            for u in contacts[t["customer"]]
        )

    fcr = sum(
        1
        for t in handled
        if t.get("resolved_at") is not None and not t.get("reopened") and not repeated(t)
    )
    talk = [
        t["talk_seconds"] + (t.get("hold_seconds") or 0) + (t.get("acw_seconds") or 0)
        for t in handled
        if t.get("talk_seconds") is not None
    ]
    reviews = rows.get("qa_reviews", [])
    passed = sum(0 if r.get("critical_failed") else r["checks_passed"] for r in reviews)
    applicable = sum(r["checks_applicable"] for r in reviews)
    ratings = [r for r in rows.get("peer_ratings", []) if r["rater"] != r["ratee"]]
    items = rows.get("sharing_items", [])
    on_time = sum(
        1 for i in items if i.get("shared_at") is not None and i["shared_at"] <= i["due_at"]
    )
    return {
        "customer_satisfaction": _ratio(sum(c >= 4 for c in csat), len(csat)),
        "nps": _ratio(100 * (sum(v >= 9 for v in nps) - sum(v <= 6 for v in nps)), len(nps)),
        "complaint_rate": _ratio(sum(bool(t.get("complaint")) for t in handled), len(handled)),
        "first_response_time": _mean(first),
        "resolution_time": _mean(resolved),
        "fcr": _ratio(fcr, len(handled)),
        "service_level": _ratio(sum(1 for t in answered if t["wait_seconds"] <= 20), len(calls)),
        "abandonment_rate": _ratio(sum(bool(t.get("abandoned")) for t in calls), len(calls)),
        "aht": _mean(talk),
        "script_compliance": _ratio(passed, applicable),
        "product_knowledge": _mean([k["score"] for k in rows.get("knowledge_tests", [])]),
        "collaboration_rating": _mean([r["score"] for r in ratings])
        if len({r["rater"] for r in ratings}) >= 3
        else None,
        "information_sharing_rate": _ratio(on_time, len(items)),
    }
