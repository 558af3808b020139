"""Service-quality metrics: customer satisfaction, Net Promoter Score, complaint rate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal

from csperf.errors import ValidationError
from csperf.metrics._engine import check_channels, check_choice, contacts_of, evaluate
from csperf.metrics._ibis import count_if, per_subject, ratio

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from csperf._periods import Bounds as Period
    from csperf.metrics._roster import Roster
    from csperf.metrics._values import MetricValue

__all__ = ["complaint_rate", "customer_satisfaction", "nps"]


def _customer_satisfaction(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    method: str = "share",
    threshold: int = 4,
) -> ir.Table:
    check_choice("customer_satisfaction", "method", method, ("share", "mean"))
    if isinstance(threshold, bool) or threshold not in (1, 2, 3, 4, 5):
        raise ValidationError(
            msg=f"option 'threshold' must be a whole number from 1 to 5, got {threshold!r}",
            obj="customer_satisfaction",
            field="threshold",
            value=threshold,
        )
    answers = selected.filter(selected.csat.notnull())
    n = answers.csat.count()
    if method == "mean":
        return per_subject(answers, value=ratio(answers.csat.sum(), n), size=n)
    return per_subject(answers, value=ratio(count_if(answers.csat >= threshold), n), size=n)


def customer_satisfaction(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    method: Literal["share", "mean"] = "share",
    threshold: int = 4,
) -> MetricValue:
    """Customer satisfaction (CSAT) from survey answers on the 1–5 scale.

    With ``method="share"`` (the default, the *top-2-box* score)::

        customer_satisfaction = #{answers with csat ≥ threshold} / #{answers with csat}

    a fraction in ``[0, 1]``; ``threshold=4`` counts the answers 4 and 5 as satisfied,
    ``threshold=5`` gives the top-box score. With ``method="mean"`` it is the mean answer, in
    ``[1, 5]``. Answers without a ``csat`` score (NPS-only answers) are left out. The
    catalog's ``customer_satisfaction`` metric is this function with its defaults.

    Source: the top-box/top-2-box convention for satisfaction scales (ACSI and most contact
    centre benchmarks report the share of satisfied answers rather than the mean, because the
    mean of an ordinal scale hides the share of unhappy customers).

    Args:
        records: :class:`SurveyAnswer` records or rows; period membership by ``submitted_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps (otherwise naive timestamps are rejected).
        min_sample: Flag ``small_sample`` when fewer answers than this.
        strict: Raise :class:`~csperf.errors.MeasurementError` on a bad record.
        roster: When given, answers for agents not on it are rejected.
        method: ``"share"`` or ``"mean"``.
        threshold: The lowest satisfied answer for ``method="share"`` (1–5).

    Returns:
        The value, with ``sample_size`` = the number of answers with a ``csat`` score.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import SurveyAnswer, customer_satisfaction
        >>> day = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> answers = [SurveyAnswer("ann", i, day, csat=s) for i, s in enumerate([5, 4, 3, 5])]
        >>> customer_satisfaction(answers).value
        0.75
        >>> customer_satisfaction(answers, method="mean").value
        4.25
    """
    return evaluate(
        "surveys",
        records,
        lambda s, e: _customer_satisfaction(s, e, method=method, threshold=threshold),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _nps(selected: ir.Table, everything: ir.Table | None = None) -> ir.Table:
    answers = selected.filter(selected.nps.notnull())
    promoters = count_if(answers.nps >= 9)
    detractors = count_if(answers.nps <= 6)
    n = answers.nps.count()
    return per_subject(answers, value=ratio(100 * (promoters - detractors), n), size=n)


def nps(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
) -> MetricValue:
    """Net Promoter Score from "how likely are you to recommend us?" answers on 0–10.

    ::

        nps = 100 · (#{nps ≥ 9} − #{nps ≤ 6}) / #{answers with nps}

    that is, the percentage of promoters (9–10) minus the percentage of detractors (0–6);
    passives (7–8) count in the denominator only. The range is −100 to 100. Answers without
    an ``nps`` score are left out.

    Source: F. F. Reichheld, "The One Number You Need to Grow", *Harvard Business Review*
    81(12), December 2003, pp. 46–54.

    Args:
        records: :class:`SurveyAnswer` records or rows; period membership by ``submitted_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer answers than this.
        strict: Raise on a bad record.
        roster: When given, answers for agents not on it are rejected.

    Returns:
        The value, with ``sample_size`` = the number of answers with an ``nps`` score.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import SurveyAnswer, nps
        >>> day = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> scores = [10, 9, 8, 7, 6]
        >>> nps([SurveyAnswer("ann", i, day, nps=s) for i, s in enumerate(scores)]).value
        20.0
    """
    return evaluate(
        "surveys",
        records,
        _nps,
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _complaint_rate(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    channels: Iterable[str] | None = None,
) -> ir.Table:
    handled = contacts_of(selected, check_channels("complaint_rate", channels))
    n = handled.count()
    return per_subject(handled, value=ratio(count_if(handled.complaint), n), size=n)


def complaint_rate(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    channels: Iterable[str] | None = None,
) -> MetricValue:
    """Complaints per contact handled.

    ::

        complaint_rate = #{handled contacts with complaint} / #{handled contacts}

    A contact is *handled* unless it is an abandoned call; abandoned calls count in neither
    the numerator nor the denominator. Every channel counts unless ``channels`` restricts
    both numerator and denominator to some.

    Source: the "complaints per contact" ratio of complaint-handling practice (ISO 10002:2018
    asks for complaint data to be related to the volume of service delivered).

    Args:
        records: :class:`Ticket` records or rows; period membership by ``created_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer handled contacts than this.
        strict: Raise on a bad record.
        roster: When given, tickets of agents not on it are rejected.
        channels: The channels to count, or None for all.

    Returns:
        A fraction, with ``sample_size`` = the number of handled contacts.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import Ticket, complaint_rate
        >>> t0 = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> tickets = [Ticket(i, "ann", "chat", t0, complaint=i == 0) for i in range(4)]
        >>> complaint_rate(tickets).value
        0.25
    """
    return evaluate(
        "tickets",
        records,
        lambda s, e: _complaint_rate(s, e, channels=channels),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )
