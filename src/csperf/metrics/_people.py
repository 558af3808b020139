"""Capability and teamwork metrics.

QA script compliance, product knowledge, peer ratings and information sharing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from csperf.errors import ValidationError
from csperf.metrics._engine import check_choice, evaluate
from csperf.metrics._ibis import SUBJECT, count_if, import_ibis, micros, per_subject, ratio

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from csperf._periods import Bounds as Period
    from csperf.metrics._roster import Roster
    from csperf.metrics._values import MetricValue

__all__ = [
    "collaboration_rating",
    "critical_failures",
    "information_sharing_rate",
    "product_knowledge",
    "script_compliance",
]


def _script_compliance(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    method: str = "pooled",
) -> ir.Table:
    check_choice("script_compliance", "method", method, ("pooled", "mean"))
    ibis = import_ibis()
    t = selected
    flags = {"critical_failed": t.critical_failed.any()}
    scored = t.checks_applicable > 0  # a review whose every item is N/A has no score
    n = count_if(scored)
    if method == "mean":
        score = ibis.cases(
            (t.critical_failed, 0.0),
            (scored, t.checks_passed.cast("float64") / t.checks_applicable.cast("float64")),
            else_=0.0,
        )
        value = score.sum() / n.nullif(0).cast("float64")
        return per_subject(t, value=value, size=n, flags=flags)
    passed = ibis.cases((t.critical_failed, 0), else_=t.checks_passed).sum()
    return per_subject(t, value=ratio(passed, t.checks_applicable.sum()), size=n, flags=flags)


def script_compliance(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    method: Literal["pooled", "mean"] = "pooled",
) -> MetricValue:
    """Script compliance from quality-assurance reviews.

    A review whose critical category failed scores 0: its passed checks count as 0 while its
    applicable checks stay in the denominator. With ``method="pooled"`` (the default)::

        script_compliance = Σ passed′ / Σ checks_applicable,
        passed′ = 0 if critical_failed else checks_passed

    so a long review weighs more than a short one; with ``method="mean"`` it is the mean of
    the review scores ``passed′ / checks_applicable``. Items marked N/A are not applicable:
    they leave the denominator. A review whose every item is N/A (``checks_applicable = 0``)
    has no score: it counts neither in the value nor in the sample size, and an agent with
    only such reviews has no value (not 100 %). Reviews made from category scores are built
    with :meth:`QaReview.from_categories`; :func:`critical_failures` counts the reviews a
    critical failure zeroed.

    Source: the critical-error accuracy of COPC's quality standard (a critical error fails
    the whole transaction) and the checklist-based QA forms of contact-centre practice.

    Args:
        records: :class:`QaReview` records or rows; period membership by ``reviewed_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer reviews than this.
        strict: Raise on a bad record.
        roster: When given, reviews of agents not on it are rejected.
        method: ``"pooled"`` or ``"mean"``.

    Returns:
        A fraction, with ``sample_size`` = the number of reviews with a score; flag
        ``critical_failed`` when a review failed a critical category.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import QaReview, script_compliance
        >>> day = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> reviews = [
        ...     QaReview("ann", day, 9, 10),
        ...     QaReview("ann", day, 18, 20),
        ...     QaReview("ann", day, 10, 10, critical_failed=True),
        ... ]
        >>> script_compliance(reviews).value  # (9 + 18 + 0) / (10 + 20 + 10)
        0.675
        >>> script_compliance(reviews, method="mean").value  # (0.9 + 0.9 + 0) / 3
        0.6
    """
    return evaluate(
        "qa_reviews",
        records,
        lambda s, e: _script_compliance(s, e, method=method),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _critical_failures(selected: ir.Table, everything: ir.Table | None = None) -> ir.Table:
    t = selected
    failed = count_if(t.critical_failed)
    return per_subject(t, value=failed, size=t.count(), flags={"critical_failed": failed > 0})


def critical_failures(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
) -> MetricValue:
    """The number of quality-assurance reviews zeroed by a critical failure.

    ::

        critical_failures = #{reviews with critical_failed}

    Each such review scores 0 in :func:`script_compliance`; counted here, it can drive a
    veto item (``Veto("critical_failure", ..., metric="critical_failures", effect=...)``,
    which fires at ``critical_failures >= 1``).

    Source: the critical-error accuracy of COPC's quality standard (a critical error fails
    the whole transaction) and the auto-fail items of contact-centre QA tools.

    Args:
        records: :class:`QaReview` records or rows; period membership by ``reviewed_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer reviews than this.
        strict: Raise on a bad record.
        roster: When given, reviews of agents not on it are rejected.

    Returns:
        A count, with ``sample_size`` = the number of reviews; flag ``critical_failed`` when
        the count is above 0.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import QaReview, critical_failures
        >>> day = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> reviews = [
        ...     QaReview("ann", day, 9, 10),
        ...     QaReview("ann", day, 10, 10, critical_failed=True),
        ...     QaReview("ann", day, 0, 0),  # every item N/A
        ... ]
        >>> critical_failures(reviews).value
        1.0
    """
    return evaluate(
        "qa_reviews",
        records,
        _critical_failures,
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _product_knowledge(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    method: str = "mean",
) -> ir.Table:
    check_choice("product_knowledge", "method", method, ("mean", "latest"))
    ibis = import_ibis()
    tests = selected
    if method == "latest":
        rank = ibis.row_number().over(
            group_by=[tests[SUBJECT], tests.agent], order_by=ibis.desc(tests.taken_at)
        )
        tests = tests.mutate(_rank=rank)
        tests = tests.filter(tests._rank == 0)
    n = tests.count()
    return per_subject(tests, value=tests.score.sum() / n.cast("float64"), size=n)


def product_knowledge(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    method: Literal["mean", "latest"] = "mean",
) -> MetricValue:
    """Product knowledge: the mean test score, 0–100.

    ::

        method="mean":    mean({score of every test})
        method="latest":  mean({score of each agent's latest test})

    With ``"latest"`` each agent counts once, by the test with the greatest ``taken_at`` in
    the period (an agent cannot take two tests at the same instant: that is a duplicate), so
    a team's value is the mean of its members' latest scores.

    Source: the knowledge-assessment scores of training practice (the "learning" level of
    Kirkpatrick's four levels of training evaluation).

    Args:
        records: :class:`KnowledgeTest` records or rows; period membership by ``taken_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer tests are used than this.
        strict: Raise on a bad record.
        roster: When given, tests of agents not on it are rejected.
        method: ``"mean"`` or ``"latest"``.

    Returns:
        Points 0–100, with ``sample_size`` = the number of tests used.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import KnowledgeTest, product_knowledge
        >>> jan, feb = (datetime(2024, m, 5, tzinfo=timezone.utc) for m in (1, 2))
        >>> tests = [KnowledgeTest("ann", jan, 70), KnowledgeTest("ann", feb, 90)]
        >>> product_knowledge(tests).value, product_knowledge(tests, method="latest").value
        (80.0, 90.0)
    """
    return evaluate(
        "knowledge_tests",
        records,
        lambda s, e: _product_knowledge(s, e, method=method),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _collaboration_rating(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    min_raters: int = 3,
) -> ir.Table:
    if isinstance(min_raters, bool) or not isinstance(min_raters, int) or min_raters < 1:
        raise ValidationError(
            msg=f"option 'min_raters' must be a whole number ≥ 1, got {min_raters!r}",
            obj="collaboration_rating",
            field="min_raters",
            value=min_raters,
        )
    ibis = import_ibis()
    t = selected
    peer = t.rater != t.ratee
    n = count_if(peer)
    raters = t.rater.nunique(where=peer)
    value = ibis.cases(
        (raters < min_raters, ibis.null("float64")),
        else_=t.score.sum(where=peer) / n.nullif(0).cast("float64"),
    )
    flags = {
        "self_ratings_excluded": n < t.count(),
        "too_few_raters": (n > 0) & (raters < min_raters),
    }
    return per_subject(t, value=value, size=n, flags=flags)


def collaboration_rating(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    min_raters: int = 3,
) -> MetricValue:
    """Collaboration: the mean peer rating on the 1–5 scale, self-ratings excluded.

    ::

        collaboration_rating = mean({score : rater ≠ ratee})

    When the ratings come from fewer than ``min_raters`` distinct raters there is no value
    (flag ``too_few_raters``): two colleagues' opinion is not a team's. Ratings are
    attributed to the *ratee*. A team's value pools the ratings its members received, so a
    rater counts once however many members they rated.

    Source: 360-degree feedback practice, which excludes self-ratings from the peer score and
    reports a peer score only above a minimum number of raters (commonly 3) to protect
    anonymity and reliability.

    Args:
        records: :class:`PeerRating` records or rows; period membership by ``rated_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer ratings than this.
        strict: Raise on a bad record.
        roster: When given, ratings of ratees not on it are rejected.
        min_raters: The fewest distinct raters a value needs (default 3).

    Returns:
        A rating 1–5, with ``sample_size`` = the number of ratings used.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import PeerRating, collaboration_rating
        >>> day = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> ratings = [PeerRating(r, "ann", day, s) for r, s in
        ...            [("bob", 4), ("cy", 5), ("dee", 3), ("ann", 5)]]
        >>> result = collaboration_rating(ratings)
        >>> result.value, result.flags
        (4.0, ('self_ratings_excluded',))
    """
    return evaluate(
        "peer_ratings",
        records,
        lambda s, e: _collaboration_rating(s, e, min_raters=min_raters),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _information_sharing_rate(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    as_of: datetime | None = None,
) -> ir.Table:
    if as_of is not None and (
        not isinstance(as_of, datetime) or as_of.tzinfo is None or as_of.utcoffset() is None
    ):
        raise ValidationError(
            msg=f"option 'as_of' must be an aware datetime or None, got {as_of!r}",
            obj="information_sharing_rate",
            field="as_of",
            value=as_of,
        )
    t = selected
    due = t.due_at.notnull() if as_of is None else t.due_at <= micros(as_of)
    n = count_if(due)
    on_time = count_if(due & t.shared_at.notnull() & (t.shared_at <= t.due_at))
    return per_subject(t, value=ratio(on_time, n), size=n, flags={"not_yet_due": n < t.count()})


def information_sharing_rate(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    as_of: datetime | None = None,
) -> MetricValue:
    """Information shared on time: items shared by their due time over items due.

    ::

        information_sharing_rate = #{items with shared_at ≤ due_at} / #{items due}

    An item never shared, or shared after ``due_at``, is late. With ``as_of`` (an aware
    datetime) the items due after it are not yet due: they are left out and flagged
    ``not_yet_due``.

    Source: the on-time delivery rate (delivered by the due date ÷ due), applied to
    knowledge-sharing commitments.

    Args:
        records: :class:`SharingItem` records or rows; period membership by ``due_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer items are due than this.
        strict: Raise on a bad record.
        roster: When given, items of agents not on it are rejected.
        as_of: Leave out the items due after this moment; None counts every item.

    Returns:
        A fraction, with ``sample_size`` = the number of items due.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from csperf.metrics import SharingItem, information_sharing_rate
        >>> due = datetime(2024, 1, 5, 18, tzinfo=timezone.utc)
        >>> items = [
        ...     SharingItem("ann", due, due - timedelta(hours=2)),
        ...     SharingItem("ann", due, due),
        ...     SharingItem("ann", due, due + timedelta(minutes=1)),
        ...     SharingItem("ann", due),
        ... ]
        >>> information_sharing_rate(items).value
        0.5
    """
    return evaluate(
        "sharing_items",
        records,
        lambda s, e: _information_sharing_rate(s, e, as_of=as_of),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )
