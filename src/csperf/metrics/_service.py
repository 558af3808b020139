"""Service-quality metrics: customer satisfaction, Net Promoter Score, complaint rate."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal

from csperf.errors import ValidationError
from csperf.metrics._engine import Outcome, check_channels, check_choice, evaluate

if TYPE_CHECKING:
    from csperf._periods import Bounds as Period
    from csperf.metrics._records import SurveyAnswer, Ticket
    from csperf.metrics._roster import Roster
    from csperf.metrics._values import MetricValue

__all__ = ["complaint_rate", "customer_satisfaction", "nps"]


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


def _nps(selected: Sequence[SurveyAnswer], everything: Sequence[SurveyAnswer] = ()) -> Outcome:
    scores = [a.nps for a in selected if a.nps is not None]
    if not scores:
        return None, 0, ()
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores), len(scores), ()


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
