"""The test oracle: the catalog's metrics written once more, as plain Python over records.

The engine (``csperf.metrics._ibis`` and the Ibis expressions of the metric modules) is the
one definition csperf runs; these deliberately simple formulas are the independent second
version it is checked against: by the engine's tests (``tests/metrics/test_metrics_oracle.py``),
on every backend (``tests/backends/test_conformance.py``) and by the metrics benchmark's
smoke test (``tests/backends/test_bench_metrics.py``). Each function takes the valid records of
the period (``selected``) and all valid records of the kind (``everything``) and returns
``(value, sample_size, flags)``; :func:`measure_rows` gives every agent's values of plain dict
rows at the default options.

A mean of durations is exact: ``Σ µs / (n · 10⁶)`` rounded once (``fractions.Fraction``),
which is what the engine's integer sum divided once gives.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import numpy as np

from csperf.errors import ValidationError
from csperf.metrics._calls import ABANDON_POLICIES
from csperf.metrics._engine import check_channels, check_choice, check_seconds
from csperf.metrics._records import (
    KnowledgeTest,
    PeerRating,
    QaReview,
    SharingItem,
    SurveyAnswer,
    Ticket,
)

Outcome = tuple[float | None, int, tuple[str, ...]]
_PERCENTILE = __import__("re").compile(r"^p(\d+(?:\.\d+)?)$")


def _exact_mean(values: Sequence[Any]) -> float:
    return float(sum(Fraction(v) for v in values) / len(values))


def _first_response(t: Ticket) -> Fraction | None:
    """first_response_at − created_at; for an answered call without it, wait_seconds."""
    if t.first_response_at is None and t.answered:
        return Fraction(math.floor(t.wait_seconds * 10**6 + 0.5), 10**6)
    return _elapsed(t.created_at, t.first_response_at)


def _elapsed(start: datetime, end: datetime | None) -> Fraction | None:
    """Exact seconds from start to end (whole microseconds), or None.

    In UTC: Python subtracts two datetimes of the same ``tzinfo`` as wall-clock times, which
    across a daylight-saving change is not the elapsed time.
    """
    if end is None:
        return None
    return Fraction((_utc(end) - _utc(start)) // timedelta(microseconds=1), 10**6)


def summary_of(metric: str, name: Any) -> Callable[[Sequence[float]], float]:
    """The summary statistic called ``name``: ``"mean"``, ``"median"`` or ``"p<q>"``.

    ``"p90"`` is the 90th percentile, ``"p99.5"`` the 99.5th. Percentiles (and the median,
    ``"p50"``) use linear interpolation between the closest ranks: for sorted values
    ``x[0..n-1]`` and ``h = (n − 1)·q/100``, the result is
    ``x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`` (numpy's default ``method="linear"``, the same
    as SQL ``percentile_cont``/DuckDB ``quantile_cont``).
    """
    if name == "mean":
        return _exact_mean
    if name == "median":
        return lambda values: float(np.percentile(np.asarray(values, dtype=float), 50))
    match = _PERCENTILE.match(name) if isinstance(name, str) else None
    if match is not None:
        q = float(match.group(1))
        if 0 <= q <= 100:
            return lambda values: float(np.percentile(np.asarray(values, dtype=float), q))
    raise ValidationError(
        msg="option 'statistic' must be 'mean', 'median' or 'p<q>' with 0 ≤ q ≤ 100 "
        f"(such as 'p90'), got {name!r}",
        obj=metric,
        field="statistic",
        value=name,
    )


def _customer_satisfaction(
    selected: Sequence[SurveyAnswer],
    everything: Sequence[SurveyAnswer] = (),
    *,
    method: str = "share",
    threshold: int = 4,
) -> Outcome:
    check_choice("customer_satisfaction", "method", method, ("share", "mean"))
    if isinstance(threshold, bool) or threshold not in (1, 2, 3, 4, 5):
        raise ValidationError(
            msg=f"option 'threshold' must be a whole number from 1 to 5, got {threshold!r}",
            obj="customer_satisfaction",
            field="threshold",
            value=threshold,
        )
    scores = [a.csat for a in selected if a.csat is not None]
    if not scores:
        return None, 0, ()
    if method == "mean":
        return math.fsum(scores) / len(scores), len(scores), ()
    return sum(1 for s in scores if s >= threshold) / len(scores), len(scores), ()


def _nps(selected: Sequence[SurveyAnswer], everything: Sequence[SurveyAnswer] = ()) -> Outcome:
    scores = [a.nps for a in selected if a.nps is not None]
    if not scores:
        return None, 0, ()
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores), len(scores), ()


def _complaint_rate(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    channels: Iterable[str] | None = None,
) -> Outcome:
    wanted = check_channels("complaint_rate", channels)
    handled = [t for t in selected if t.handled and (wanted is None or t.channel in wanted)]
    if not handled:
        return None, 0, ()
    return sum(1 for t in handled if t.complaint) / len(handled), len(handled), ()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _handled(tickets: Sequence[Ticket], channels: frozenset[str] | None) -> list[Ticket]:
    return [t for t in tickets if t.handled and (channels is None or t.channel in channels)]


def _durations(
    contacts: Sequence[Ticket], seconds: list[Any], flag: str, summary: Any
) -> Outcome:
    """The summary of the durations found, flagging contacts that had none."""
    flags = (flag,) if len(seconds) < len(contacts) else ()
    if not seconds:
        return None, 0, flags
    return summary(seconds), len(seconds), flags


def _first_response_time(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    statistic: str = "mean",
    channels: Iterable[str] | None = None,
) -> Outcome:
    summary = summary_of("first_response_time", statistic)
    contacts = _handled(selected, check_channels("first_response_time", channels))
    seconds = [s for t in contacts if (s := _first_response(t)) is not None]
    return _durations(contacts, seconds, "missing_first_response", summary)


def _resolution_time(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    statistic: str = "mean",
    resolution: str = "first",
    channels: Iterable[str] | None = None,
) -> Outcome:
    summary = summary_of("resolution_time", statistic)
    check_choice("resolution_time", "resolution", resolution, ("first", "final"))
    contacts = _handled(selected, check_channels("resolution_time", channels))
    if resolution == "first":
        seconds = [s for t in contacts if (s := _elapsed(t.created_at, t.resolved_at)) is not None]
    else:
        seconds = [s for t in contacts if (s := _elapsed(t.created_at, t.final_resolved_at or t.resolved_at)) is not None]
    return _durations(contacts, seconds, "unresolved", summary)


def _fcr(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    window: timedelta | float = timedelta(days=7),
    channels: Iterable[str] | None = None,
) -> Outcome:
    seconds = check_seconds("fcr", "window", window) or 0.0
    span = timedelta(seconds=seconds)
    contacts = _handled(selected, check_channels("fcr", channels))
    if not contacts:
        return None, 0, ()
    wanted = {t.customer for t in contacts if t.customer is not None}
    by_customer: dict[Any, list[Any]] = {}
    for t in (*everything, *selected):
        if t.customer in wanted:
            by_customer.setdefault(t.customer, []).append((_utc(t.created_at), t.id))
    for times in by_customer.values():
        times.sort(key=lambda pair: pair[0])
    resolved = 0
    for t in contacts:
        if t.resolved_at is None or t.reopened:
            continue
        if t.customer is not None and seconds > 0:
            times = by_customer[t.customer]
            created = _utc(t.created_at)
            start = bisect.bisect_right(times, created, key=lambda pair: pair[0])
            end = bisect.bisect_right(times, created + span, key=lambda pair: pair[0])
            if any(other_id != t.id for _, other_id in times[start:end]):
                continue
        resolved += 1
    return resolved / len(contacts), len(contacts), ()


def _calls(
    tickets: Sequence[Ticket],
    metric: str,
    channels: Iterable[str] | None,
    short_abandon: float | None,
) -> list[Ticket]:
    wanted = check_channels(metric, channels)
    short = check_seconds(metric, "short_abandon", short_abandon, optional=True)
    return [
        t
        for t in tickets
        if t.is_call
        and (wanted is None or t.channel in wanted)
        and not (
            short is not None
            and t.abandoned
            and t.wait_seconds is not None
            and t.wait_seconds < short
        )
    ]


def _service_level(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    threshold: float = 20,
    abandons: str = "offered",
    short_abandon: float | None = None,
    short_abandons: str = "excluded",
    channels: Iterable[str] | None = None,
) -> Outcome:
    limit = check_seconds("service_level", "threshold", threshold)
    check_choice("service_level", "abandons", abandons, ABANDON_POLICIES)
    check_choice("service_level", "short_abandons", short_abandons,
                 ("excluded", "answered_in_time"))
    if short_abandons == "excluded":
        calls = _calls(selected, "service_level", channels, short_abandon)
        short: set[int] = set()
    else:
        calls = _calls(selected, "service_level", channels, None)
        cut = check_seconds("service_level", "short_abandon", short_abandon, optional=True)
        short = {
            i for i, t in enumerate(calls)
            if cut is not None and t.abandoned and t.wait_seconds < cut
        }

    def answered(i: int, t: Ticket) -> bool:
        return bool(t.answered) or i in short

    def within(i: int, t: Ticket) -> bool:
        return i in short or (t.wait_seconds is not None and t.wait_seconds <= limit)

    met = sum(1 for i, t in enumerate(calls) if answered(i, t) and within(i, t))
    quick_abandons = sum(
        1 for i, t in enumerate(calls) if not answered(i, t) and within(i, t)
    )
    if abandons == "offered":
        offered = len(calls)
    elif abandons == "excluded":
        offered = sum(1 for i, t in enumerate(calls) if answered(i, t))
    elif abandons == "within_threshold_met":
        offered = len(calls)
        met += quick_abandons
    else:
        offered = len(calls) - quick_abandons
    if offered == 0:
        return None, 0, ()
    return met / offered, offered, ()


def _abandonment_rate(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    short_abandon: float | None = None,
    channels: Iterable[str] | None = None,
) -> Outcome:
    calls = _calls(selected, "abandonment_rate", channels, short_abandon)
    if not calls:
        return None, 0, ()
    return sum(1 for t in calls if t.abandoned) / len(calls), len(calls), ()


def _aht(
    selected: Sequence[Ticket],
    everything: Sequence[Ticket] = (),
    *,
    channels: Iterable[str] | None = None,
) -> Outcome:
    wanted = check_channels("aht", channels)
    contacts = [t for t in selected if t.handled and (wanted is None or t.channel in wanted)]
    seconds = [s for t in contacts if (s := t.handle_seconds) is not None]
    missing = any(t.answered and t.talk_seconds is None for t in contacts)
    flags = ("missing_handle_time",) if missing else ()
    if not seconds:
        return None, 0, flags
    exact = [
        Fraction(sum(math.floor(x * 10**6 + 0.5) for x in (t.talk_seconds, t.hold_seconds or 0.0,
                                                       t.acw_seconds or 0.0)), 10**6)
        for t in contacts
        if t.talk_seconds is not None
    ]
    return _exact_mean(exact), len(seconds), flags


def _script_compliance(
    selected: Sequence[QaReview],
    everything: Sequence[QaReview] = (),
    *,
    method: str = "pooled",
) -> Outcome:
    check_choice("script_compliance", "method", method, ("pooled", "mean"))
    if not selected:
        return None, 0, ()
    flags = ("critical_failed",) if any(r.critical_failed for r in selected) else ()
    scores = [score for r in selected if (score := r.score) is not None]  # not every item N/A
    if not scores:
        return None, 0, flags
    if method == "mean":
        return math.fsum(scores) / len(scores), len(scores), flags
    passed = sum(0 if r.critical_failed else r.checks_passed for r in selected)
    applicable = sum(r.checks_applicable for r in selected)
    return passed / applicable, len(scores), flags


def _critical_failures(
    selected: Sequence[QaReview], everything: Sequence[QaReview] = ()
) -> Outcome:
    if not selected:
        return None, 0, ()
    failed = sum(1 for r in selected if r.critical_failed)
    return float(failed), len(selected), ("critical_failed",) if failed else ()


def _product_knowledge(
    selected: Sequence[KnowledgeTest],
    everything: Sequence[KnowledgeTest] = (),
    *,
    method: str = "mean",
) -> Outcome:
    check_choice("product_knowledge", "method", method, ("mean", "latest"))
    tests = list(selected)
    if method == "latest":
        latest: dict[str, KnowledgeTest] = {}
        for test in tests:
            if test.agent not in latest or test.taken_at > latest[test.agent].taken_at:
                latest[test.agent] = test
        tests = list(latest.values())
    if not tests:
        return None, 0, ()
    return math.fsum(t.score for t in tests) / len(tests), len(tests), ()


def _collaboration_rating(
    selected: Sequence[PeerRating],
    everything: Sequence[PeerRating] = (),
    *,
    min_raters: int = 3,
) -> Outcome:
    if isinstance(min_raters, bool) or not isinstance(min_raters, int) or min_raters < 1:
        raise ValidationError(
            msg=f"option 'min_raters' must be a whole number ≥ 1, got {min_raters!r}",
            obj="collaboration_rating",
            field="min_raters",
            value=min_raters,
        )
    ratings = [r for r in selected if not r.is_self_rating]
    flags: tuple[str, ...] = ()
    if len(ratings) < len(selected):
        flags = ("self_ratings_excluded",)
    if not ratings:
        return None, 0, flags
    if len({r.rater for r in ratings}) < min_raters:
        return None, len(ratings), (*flags, "too_few_raters")
    return math.fsum(r.score for r in ratings) / len(ratings), len(ratings), flags


def _information_sharing_rate(
    selected: Sequence[SharingItem],
    everything: Sequence[SharingItem] = (),
    *,
    as_of: datetime | None = None,
) -> Outcome:
    if as_of is not None and (
        not isinstance(as_of, datetime) or as_of.tzinfo is None or as_of.utcoffset() is None
    ):
        raise ValidationError(
            msg=f"option 'as_of' must be an aware datetime or None, got {as_of!r}",
            obj="information_sharing_rate",
            field="as_of",
            value=as_of,
        )
    items = [i for i in selected if as_of is None or i.due_at <= as_of]
    flags = ("not_yet_due",) if len(items) < len(selected) else ()
    if not items:
        return None, 0, flags
    return sum(1 for i in items if i.on_time) / len(items), len(items), flags


#: Metric name → its oracle.
ORACLE: dict[str, Callable[..., Outcome]] = {
    "customer_satisfaction": _customer_satisfaction,
    "nps": _nps,
    "complaint_rate": _complaint_rate,
    "first_response_time": _first_response_time,
    "resolution_time": _resolution_time,
    "fcr": _fcr,
    "service_level": _service_level,
    "abandonment_rate": _abandonment_rate,
    "aht": _aht,
    "script_compliance": _script_compliance,
    "critical_failures": _critical_failures,
    "product_knowledge": _product_knowledge,
    "collaboration_rating": _collaboration_rating,
    "information_sharing_rate": _information_sharing_rate,
}


# -- plain rows, per agent ------------------------------------------------------------------------

#: Each metric's record kind.
KIND = {
    "customer_satisfaction": "surveys",
    "nps": "surveys",
    "complaint_rate": "tickets",
    "first_response_time": "tickets",
    "resolution_time": "tickets",
    "fcr": "tickets",
    "service_level": "tickets",
    "abandonment_rate": "tickets",
    "aht": "tickets",
    "script_compliance": "qa_reviews",
    "critical_failures": "qa_reviews",
    "product_knowledge": "knowledge_tests",
    "collaboration_rating": "peer_ratings",
    "information_sharing_rate": "sharing_items",
}

#: Record kind → (record type, the field naming its agent, the timestamp deciding its period).
RECORDS: dict[str, tuple[type, str, str]] = {
    "tickets": (Ticket, "agent", "created_at"),
    "surveys": (SurveyAnswer, "agent", "submitted_at"),
    "qa_reviews": (QaReview, "agent", "reviewed_at"),
    "knowledge_tests": (KnowledgeTest, "agent", "taken_at"),
    "peer_ratings": (PeerRating, "ratee", "rated_at"),
    "sharing_items": (SharingItem, "agent", "due_at"),
}

#: The metrics :func:`measure_rows` gives by default: the 13 of the metrics benchmark and the
#: backend conformance suite (every catalog metric but the ``critical_failures`` count).
ROW_METRICS = tuple(name for name in ORACLE if name != "critical_failures")


def measure_rows(
    rows: dict[str, Iterable[dict[str, Any]]],
    period: tuple[datetime, datetime],
    agents: Iterable[str],
    metrics: Iterable[str] = ROW_METRICS,
) -> dict[str, dict[str, float | None]]:
    """Agent → metric → value (None without data) of dict rows, every metric at its defaults.

    ``rows`` maps a record kind to rows whose keys are the record's fields (timestamps aware
    datetimes; every row valid, every agent on the roster). A record is in the half-open
    ``period`` by its timestamp and belongs to its agent (a peer rating to its ratee); repeat
    contacts (FCR) are looked for among every ticket, in the period or not, whoever handled it.
    """
    records = {
        kind: [record_type(**row) for row in rows.get(kind, ())]
        for kind, (record_type, _, _) in RECORDS.items()
    }
    selected: dict[tuple[str, str], list[Any]] = {}
    for kind, (_, who, when) in RECORDS.items():
        for record in records[kind]:
            if period[0] <= getattr(record, when) < period[1]:
                selected.setdefault((kind, getattr(record, who)), []).append(record)
    return {
        agent: {
            name: ORACLE[name](selected.get((KIND[name], agent), []), records[KIND[name]])[0]
            for name in metrics
        }
        for agent in agents
    }
