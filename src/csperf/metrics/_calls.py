"""Telephony metrics: service level, abandonment rate, average handle time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal

from csperf.metrics._engine import (
    check_channels,
    check_choice,
    check_seconds,
    contacts_of,
    evaluate,
)
from csperf.metrics._ibis import count_if, per_subject, ratio

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from csperf._periods import Bounds as Period
    from csperf.metrics._roster import Roster
    from csperf.metrics._values import MetricValue

__all__ = ["ABANDON_POLICIES", "SHORT_ABANDON_RULES", "abandonment_rate", "aht", "service_level"]

MICROS = 1_000_000
"""Microseconds in a second: durations are summed as whole microseconds."""

#: The ways :func:`service_level` can treat short abandons (``wait_seconds < short_abandon``).
SHORT_ABANDON_RULES: tuple[str, ...] = ("excluded", "answered_in_time")

#: The ways :func:`service_level` can treat abandoned calls.
ABANDON_POLICIES: tuple[str, ...] = (
    "offered",
    "excluded",
    "within_threshold_met",
    "within_threshold_excluded",
)


def _calls(
    tickets: ir.Table,
    metric: str,
    channels: Iterable[str] | None,
    short_abandon: float | None,
    rule: str = "excluded",
) -> ir.Table:
    """The calls counted: short abandons removed (``excluded``) or marked ``_short``."""
    from csperf.metrics._ibis import import_ibis

    wanted = check_channels(metric, channels)
    short = check_seconds(metric, "short_abandon", short_abandon, optional=True)
    calls = tickets.filter(tickets.answered.notnull())
    if wanted is not None:
        calls = calls.filter(calls.channel.isin(sorted(wanted)))
    if short is None:
        return calls.mutate(_short=import_ibis().literal(False))
    quick = calls.abandoned & (calls.wait_seconds < short)
    if rule == "excluded":
        return calls.filter(~quick).mutate(_short=import_ibis().literal(False))
    return calls.mutate(_short=quick)


def _service_level(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    threshold: float = 20,
    abandons: str = "offered",
    short_abandon: float | None = None,
    short_abandons: str = "excluded",
    channels: Iterable[str] | None = None,
) -> ir.Table:
    limit = check_seconds("service_level", "threshold", threshold)
    check_choice("service_level", "abandons", abandons, ABANDON_POLICIES)
    check_choice("service_level", "short_abandons", short_abandons, SHORT_ABANDON_RULES)
    calls = _calls(selected, "service_level", channels, short_abandon, short_abandons)
    # a short abandon under "answered_in_time" counts as a call answered within the threshold
    answered = calls.answered | calls._short
    abandoned = calls.abandoned & ~calls._short
    within = calls._short | (calls.wait_seconds.notnull() & (calls.wait_seconds <= limit))
    met = count_if(answered & within)
    quick_abandons = count_if(abandoned & within)
    offered = calls.count()
    if abandons == "excluded":
        offered = count_if(answered)
    elif abandons == "within_threshold_met":
        met = met + quick_abandons
    elif abandons == "within_threshold_excluded":
        offered = offered - quick_abandons
    return per_subject(calls, value=ratio(met, offered), size=offered)


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
    short_abandons: Literal["excluded", "answered_in_time"] = "excluded",
    channels: Iterable[str] | None = None,
) -> MetricValue:
    """The share of calls answered within ``threshold`` seconds (the "X % in Y seconds" goal).

    Calls are the tickets with ``answered``/``abandoned`` given. A call is *within* the
    threshold when ``wait_seconds ≤ threshold``. With ``A`` = answered within threshold,
    ``N`` = calls answered, ``B`` = calls abandoned, ``Bt`` = abandoned within threshold, the
    four ``abandons`` policies are::

        "offered" (default):          A / (N + B)
        "excluded":                   A / N
        "within_threshold_met":       (A + Bt) / (N + B)
        "within_threshold_excluded":  A / (N + B − Bt)

    *Short abandons* are the calls abandoned with ``wait_seconds < short_abandon`` (when
    ``short_abandon`` is given; ``B_short`` of them). Two rules, named by ``short_abandons``:

    * ``"excluded"`` (default): they are removed from numerator and denominator before the
      policy applies, ``A / (N + B − B_short)`` under ``"offered"``: the short-abandon
      threshold of ACD reporting (Cisco Unified CCE's *abandon wait time*: a call abandoned
      sooner is not counted as offered; Avaya's and Genesys's short-abandon settings alike);
    * ``"answered_in_time"``: they count as calls answered within the threshold,
      ``(A + B_short) / (N + B)`` under ``"offered"``: ICMI's formula 5 ("Service Level
      Calculations", *ICMI Queue Tips*, 2002).

    Source: ICMI's definition of service level as "X percent of contacts answered in Y
    seconds" (B. Cleveland, *Call Center Management on Fast Forward*, ICMI Press; the 80/20
    goal is the customary default) and ICMI's survey of the formulas in use ("Service Level
    Calculations", *ICMI Queue Tips*, 2002): ``"within_threshold_met"`` is its formula 1,
    ``"excluded"`` formula 2, ``"offered"`` formula 3 (every abandon counts against the goal,
    the treatment ICMI recommends), ``"within_threshold_excluded"`` formula 4, and
    ``short_abandons="answered_in_time"`` formula 5. Cisco Unified ICM names the abandon
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
        short_abandon: Abandons quicker than this many seconds are short; None: none is.
        short_abandons: ``"excluded"`` or ``"answered_in_time"`` (see above).
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
        >>> service_level(calls, short_abandon=5, short_abandons="answered_in_time").value
        0.5
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
            short_abandons=short_abandons,
            channels=channels,
        ),
        period=period,
        tz=tz,
        min_sample=min_sample,
        strict=strict,
        roster=roster,
    )


def _abandonment_rate(
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    short_abandon: float | None = None,
    channels: Iterable[str] | None = None,
) -> ir.Table:
    calls = _calls(selected, "abandonment_rate", channels, short_abandon)
    n = calls.count()
    return per_subject(calls, value=ratio(count_if(calls.abandoned), n), size=n)


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
    selected: ir.Table,
    everything: ir.Table | None = None,
    *,
    channels: Iterable[str] | None = None,
) -> ir.Table:
    contacts = contacts_of(selected, check_channels("aht", channels))

    def us(column: Any) -> Any:
        return (column * MICROS).round().cast("int64")

    handle = (
        us(contacts.talk_seconds)
        + us(contacts.hold_seconds.coalesce(0.0))
        + us(contacts.acw_seconds.coalesce(0.0))
    )
    missing = (contacts.answered.coalesce(False) & contacts.talk_seconds.isnull()).any()
    n = contacts.talk_seconds.count()
    return per_subject(
        contacts,
        value=ratio(handle.sum(), n * MICROS),
        size=n,
        flags={"missing_handle_time": missing},
    )


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
