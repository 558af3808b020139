"""Telephony metrics: service level, abandonment rate, average handle time."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal

from csperf.metrics._engine import (
    Outcome,
    check_channels,
    check_choice,
    check_seconds,
    evaluate,
)

if TYPE_CHECKING:
    from csperf._periods import Bounds as Period
    from csperf.metrics._records import Ticket
    from csperf.metrics._roster import Roster
    from csperf.metrics._values import MetricValue

__all__ = ["ABANDON_POLICIES", "abandonment_rate", "aht", "service_level"]

#: The ways :func:`service_level` can treat abandoned calls.
ABANDON_POLICIES: tuple[str, ...] = (
    "offered",
    "excluded",
    "within_threshold_met",
    "within_threshold_excluded",
)


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
    channels: Iterable[str] | None = None,
) -> Outcome:
    limit = check_seconds("service_level", "threshold", threshold)
    check_choice("service_level", "abandons", abandons, ABANDON_POLICIES)
    calls = _calls(selected, "service_level", channels, short_abandon)

    def within(t: Ticket) -> bool:
        return t.wait_seconds is not None and limit is not None and t.wait_seconds <= limit

    met = sum(1 for t in calls if t.answered and within(t))
    quick_abandons = sum(1 for t in calls if t.abandoned and within(t))
    if abandons == "offered":
        offered = len(calls)
    elif abandons == "excluded":
        offered = sum(1 for t in calls if t.answered)
    elif abandons == "within_threshold_met":
        offered = len(calls)
        met += quick_abandons
    else:
        offered = len(calls) - quick_abandons
    if offered == 0:
        return None, 0, ()
    return met / offered, offered, ()


def service_level(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    threshold: float = 20,
    abandons: Literal[
        "offered", "excluded", "within_threshold_met", "within_threshold_excluded"
    ] = "offered",
    short_abandon: float | None = None,
    channels: Iterable[str] | None = None,
) -> MetricValue:
    """The share of calls answered within ``threshold`` seconds (the "X % in Y seconds" goal).

    Calls are the tickets with ``answered``/``abandoned`` given. A call is *within* the
    threshold when ``wait_seconds ≤ threshold``. Short abandons (abandoned with
    ``wait_seconds < short_abandon``, when ``short_abandon`` is given) are removed from
    everything first. With ``A`` = answered within threshold, ``N`` = calls answered,
    ``B`` = calls abandoned, ``Bt`` = abandoned within threshold, the four ``abandons``
    policies are::

        "offered" (default):          A / (N + B)
        "excluded":                   A / N
        "within_threshold_met":       (A + Bt) / (N + B)
        "within_threshold_excluded":  A / (N + B − Bt)

    Source: ICMI's definition of service level as "X percent of contacts answered in Y
    seconds" (B. Cleveland, *Call Center Management on Fast Forward*, ICMI Press; the 80/20
    goal is the customary default) and ICMI's survey of the formulas in use ("Service Level
    Calculations", *ICMI Queue Tips*, 2002): ``"within_threshold_met"`` is its formula 1,
    ``"excluded"`` formula 2, ``"offered"`` formula 3 (every abandon counts against the goal,
    the treatment ICMI recommends), ``"within_threshold_excluded"`` formula 4, and
    ``short_abandon`` formula 5's short-abandon allowance. Cisco Unified ICM names the same
    treatments "abandoned calls negatively impact / positively impact / ignored".

    Args:
        records: :class:`Ticket` records or rows; period membership by ``created_at``
            (the time the call entered the queue).
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when the denominator is below this.
        strict: Raise on a bad record.
        roster: When given, tickets of agents not on it are rejected.
        threshold: The answer-time goal in seconds (default 20).
        abandons: How abandoned calls count (see above).
        short_abandon: Abandons quicker than this many seconds are ignored; None keeps all.
        channels: The channels whose calls count, or None for all calls.

    Returns:
        A fraction, with ``sample_size`` = the denominator.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import Ticket, service_level
        >>> t0 = datetime(2024, 1, 2, 9, tzinfo=timezone.utc)
        >>> calls = [
        ...     Ticket(1, "ann", "phone", t0, answered=True, wait_seconds=10),
        ...     Ticket(2, "ann", "phone", t0, answered=True, wait_seconds=40),
        ...     Ticket(3, "ann", "phone", t0, abandoned=True, wait_seconds=3),
        ...     Ticket(4, "ann", "phone", t0, abandoned=True, wait_seconds=90),
        ... ]
        >>> service_level(calls).value
        0.25
        >>> service_level(calls, abandons="excluded").value
        0.5
        >>> service_level(calls, short_abandon=5).value
        0.3333333333333333
    """
    return evaluate(
        "tickets",
        records,
        lambda s, e: _service_level(
            s,
            e,
            threshold=threshold,
            abandons=abandons,
            short_abandon=short_abandon,
            channels=channels,
        ),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


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


def abandonment_rate(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    short_abandon: float | None = None,
    channels: Iterable[str] | None = None,
) -> MetricValue:
    """The share of offered calls abandoned in the queue.

    ::

        abandonment_rate = #{abandoned calls} / #{calls}

    Short abandons (``wait_seconds < short_abandon``) are removed from both sides when
    ``short_abandon`` is given.

    Source: the abandon rate of ICMI practice (calls abandoned ÷ calls offered), with the
    same short-abandon allowance as :func:`service_level`.

    Args:
        records: :class:`Ticket` records or rows; period membership by ``created_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer calls than this.
        strict: Raise on a bad record.
        roster: When given, tickets of agents not on it are rejected.
        short_abandon: Abandons quicker than this many seconds are ignored; None keeps all.
        channels: The channels whose calls count, or None for all calls.

    Returns:
        A fraction, with ``sample_size`` = the number of calls counted.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import Ticket, abandonment_rate
        >>> t0 = datetime(2024, 1, 2, 9, tzinfo=timezone.utc)
        >>> calls = [
        ...     Ticket(1, "ann", "phone", t0, answered=True, wait_seconds=10),
        ...     Ticket(2, "ann", "phone", t0, abandoned=True, wait_seconds=3),
        ...     Ticket(3, "ann", "phone", t0, abandoned=True, wait_seconds=90),
        ... ]
        >>> round(abandonment_rate(calls).value, 4)
        0.6667
        >>> abandonment_rate(calls, short_abandon=5).value
        0.5
    """
    return evaluate(
        "tickets",
        records,
        lambda s, e: _abandonment_rate(s, e, short_abandon=short_abandon, channels=channels),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


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
    return math.fsum(seconds) / len(seconds), len(seconds), flags


def aht(
    records: Iterable[Any] | Any,
    *,
    period: Period | None = None,
    tz: tzinfo | str | None = None,
    min_sample: int | None = None,
    strict: bool = False,
    roster: Roster | None = None,
    channels: Iterable[str] | None = None,
) -> MetricValue:
    """Average handle time, in seconds.

    ::

        aht = Σ (talk_seconds + hold_seconds + acw_seconds) / #{contacts with talk time}

    over the handled contacts (abandoned calls excluded) with a ``talk_seconds``; a missing
    ``hold_seconds`` or ``acw_seconds`` counts as 0. Answered calls without talk time are left
    out and flagged ``missing_handle_time``; other contacts without talk time (e-mails,
    chats whose handle time is not tracked) are simply not counted.

    Source: the contact-centre definition of AHT, (talk + hold + after-call work) / contacts
    handled, as in ICMI's glossary and the Genesys Cloud glossary ("average handle time");
    hold time belongs in handle time for Erlang staffing models (L. Bocklund, TechTarget,
    2004).

    Args:
        records: :class:`Ticket` records or rows; period membership by ``created_at``.
        period: ``(start, end)``, half-open.
        tz: Zone attached to naive timestamps.
        min_sample: Flag ``small_sample`` when fewer contacts with talk time than this.
        strict: Raise on a bad record.
        roster: When given, tickets of agents not on it are rejected.
        channels: The channels to count, or None for all.

    Returns:
        Seconds, with ``sample_size`` = the number of contacts with talk time.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import Ticket, aht
        >>> t0 = datetime(2024, 1, 2, 9, tzinfo=timezone.utc)
        >>> calls = [
        ...     Ticket(1, "ann", "phone", t0, answered=True, wait_seconds=10,
        ...            talk_seconds=240, hold_seconds=30, acw_seconds=60),
        ...     Ticket(2, "ann", "phone", t0, answered=True, wait_seconds=10, talk_seconds=150),
        ... ]
        >>> aht(calls).value
        240.0
    """
    return evaluate(
        "tickets",
        records,
        lambda s, e: _aht(s, e, channels=channels),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )
