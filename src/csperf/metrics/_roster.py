"""The roster: who belongs to which team and manager, and when."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any, Literal

import attrs

from csperf._frozen import FrozenDict
from csperf._periods import instant
from csperf.errors import ValidationError
from csperf.metrics._records import RosterEntry

__all__ = ["LEVELS", "Level", "Roster"]

#: A roll-up level.
Level = Literal["agent", "team", "manager"]

#: The roll-up levels, from the finest.
LEVELS: tuple[str, ...] = ("agent", "team", "manager")


def check_level(level: Any) -> str:
    """Check that ``level`` is one of :data:`LEVELS`."""
    if level not in LEVELS:
        raise ValidationError(
            msg=f"level must be one of {', '.join(LEVELS)}, got {level!r}",
            field="level",
            value=level,
        )
    return str(level)


def _entries(rows: Any) -> tuple[RosterEntry, ...]:
    from csperf.metrics._records import RecordKind
    from csperf.metrics._validate import coerce_record, iter_rows

    kind = RecordKind("roster", RosterEntry, "valid_from", "agent", ("agent",))
    entries = []
    for position, row in enumerate(iter_rows(rows)):
        try:
            entries.append(coerce_record(kind, row))
        except ValidationError as exc:
            raise ValidationError(
                msg=f"row {position}: {exc.message}",
                obj="Roster",
                field=exc.field,
                value=exc.value,
                position=position,
            ) from None
    return tuple(entries)


def _sort_key(entry: RosterEntry) -> tuple[Any, ...]:
    start = entry.valid_from
    return (entry.agent, start is not None, start.timestamp() if start is not None else 0.0)


def _sorted_entries(rows: Any) -> tuple[RosterEntry, ...]:
    """The entries, each checked, by agent and then start (an open start first)."""
    return tuple(sorted(_entries(rows), key=_sort_key))


def _group(roster: Roster) -> FrozenDict[str, tuple[RosterEntry, ...]]:
    """Agent → that agent's entries, in order."""
    grouped: dict[str, list[RosterEntry]] = {}
    for entry in roster.entries:
        grouped.setdefault(entry.agent, []).append(entry)
    return FrozenDict({agent: tuple(entries) for agent, entries in grouped.items()})


@attrs.frozen
class Roster:
    """Agent → team and manager, with half-open validity ``[valid_from, valid_to)``.

    An agent may have several entries (a move to another team), but no two of them may
    overlap in time. A record is attributed to the team and manager of the entry valid at the
    record's timestamp (``created_at`` for a ticket, ``submitted_at`` for a survey answer...),
    so an agent who moves mid-quarter counts for the old team before the move and for the new
    team after it.

    Args:
        entries: :class:`RosterEntry` records or rows with the same fields (mappings,
            DataFrame, Arrow table...).

    Attributes:
        entries: The entries, sorted by agent and start.

    Raises:
        ValidationError: For a bad entry or two overlapping entries of one agent.

    Examples:
        >>> roster = Roster([
        ...     RosterEntry("ann", "north", "mia"),
        ...     RosterEntry("bob", "north", "mia"),
        ...     RosterEntry("cy", "south", "mia"),
        ... ])
        >>> roster.subjects("team")
        ('north', 'south')
        >>> sorted(roster.members("manager", "mia"))
        ['ann', 'bob', 'cy']
    """

    entries: tuple[RosterEntry, ...] = attrs.field(converter=_sorted_entries)
    _by_agent: Mapping[str, tuple[RosterEntry, ...]] = attrs.field(
        init=False, repr=False, eq=False, default=attrs.Factory(_group, takes_self=True)
    )

    @entries.validator
    def _check_overlaps(self, _attribute: attrs.Attribute[Any], _value: object) -> None:
        """No two entries of one agent overlap."""
        for agent, entries in self._by_agent.items():
            for before, after in zip(entries, entries[1:]):
                # (instants: two times of one zone with daylight saving are not compared by
                # wall clock)
                if (
                    before.valid_to is None
                    or (
                        after.valid_from is not None
                        and instant(before.valid_to) > instant(after.valid_from)
                    )
                    or after.valid_from is None
                ):
                    raise ValidationError(
                        msg=f"entries of agent {agent!r} overlap: "
                        f"{before.team!r} from {before.valid_from} to {before.valid_to} and "
                        f"{after.team!r} from {after.valid_from} to {after.valid_to}",
                        obj="Roster",
                        field="entries",
                        subject=agent,
                        value=(before, after),
                    )

    @property
    def agents(self) -> frozenset[str]:
        """Every agent on the roster."""
        return frozenset(self._by_agent)

    def subjects(
        self, level: Level | str, period: Any = None, *, tz: tzinfo | str | None = None
    ) -> tuple[str, ...]:
        """The sorted agents, teams or managers of the roster.

        Args:
            level: ``"agent"``, ``"team"`` or ``"manager"``.
            period: When given, ``(start, end)``: only subjects with an entry overlapping
                ``[start, end)``.
            tz: Attached to naive period bounds.
        """
        from csperf._periods import resolve_period

        check_level(level)
        window = resolve_period(period, tz)
        found = {getattr(e, level) for e in self.entries if window is None or e.overlaps(*window)}
        return tuple(sorted(found))

    def members(
        self,
        level: Level | str,
        subject: str,
        period: Any = None,
        *,
        tz: tzinfo | str | None = None,
    ) -> frozenset[str]:
        """The agents who belonged to ``subject`` at some time in ``period``.

        Args:
            level: ``"agent"``, ``"team"`` or ``"manager"``.
            subject: The agent, team or manager.
            period: ``(start, end)``, half-open; None for all time.
            tz: Attached to naive period bounds.
        """
        from csperf._periods import resolve_period

        check_level(level)
        window = resolve_period(period, tz)
        return frozenset(
            e.agent
            for e in self.entries
            if getattr(e, level) == subject and (window is None or e.overlaps(*window))
        )

    def entry_at(self, agent: str, moment: datetime) -> RosterEntry | None:
        """The agent's entry valid at ``moment``, or None."""
        for entry in self._by_agent.get(agent, ()):
            if entry.covers(moment):
                return entry
        return None

    def subject_at(self, level: Level | str, agent: str, moment: datetime) -> str | None:
        """The agent, team or manager ``agent`` counted for at ``moment``, or None."""
        check_level(level)
        entry = self.entry_at(agent, moment)
        return None if entry is None else str(getattr(entry, level))

    @classmethod
    def from_rows(cls, rows: Iterable[Any] | Any) -> Roster:
        """A roster from rows with the fields of :class:`RosterEntry`.

        The same as the constructor; provided for symmetry with the metric sources.
        """
        return cls(rows)
