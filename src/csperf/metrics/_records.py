"""The record types the metric catalog reads: contacts, survey answers, QA reviews and more.

Every record is an ``@attrs.frozen`` value object checked at construction: a ticket whose
first response comes before its creation, a negative duration or a rating off the scale cannot
exist. Timestamps are timezone-aware :class:`~datetime.datetime` objects.

The catalog also accepts plain rows (mappings, dataclass or attrs instances, pandas DataFrames,
pyarrow Tables) with the same field names; :func:`csperf.metrics.validate_records` turns them
into these records and reports the rows it rejects.

Each record kind has a name (``"tickets"``, ``"surveys"``...), one timestamp that decides
whether a record falls in a period, one field naming the agent the record is attributed to,
and the fields that identify a record (two records with the same key are duplicates). They
are listed in ``RECORD_KINDS``.

These classes are the one statement of the record schema: each field's column type (``id``,
``name``, ``ts``, ``bool`` or ``real``) is in its attrs metadata, whether it is required is
whether it has a default, and its domain is checked by the class. The CSV columns, the SQL
column reading and the row coercion of ``coerce_record`` are derived from them
(:func:`column_types`). The checks that relate several fields, and the order of all the
checks, are the table of :mod:`csperf.metrics._recordrules`, which the table checks read too.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from csperf._cells import COLUMN, DOMAIN, WHOLE, ColumnType
from csperf._frozen import FrozenDict
from csperf.errors import Reason, ValidationError
from csperf.metrics._checks import (
    check_aware,
    check_bool,
    check_id,
    check_integer,
    check_name,
    check_real,
    fail,
)
from csperf.metrics._recordrules import check_in_order, check_rules, instant
from csperf.units import NON_NEGATIVE, ValueDomain

__all__ = [
    "RECORD_KINDS",
    "KnowledgeTest",
    "PeerRating",
    "QaReview",
    "RecordKind",
    "RosterEntry",
    "SharingItem",
    "SurveyAnswer",
    "Ticket",
    "column_types",
]

_ID: Mapping[str, ColumnType] = FrozenDict({COLUMN: "id"})
_NAME: Mapping[str, ColumnType] = FrozenDict({COLUMN: "name"})
_TS: Mapping[str, ColumnType] = FrozenDict({COLUMN: "ts"})
_BOOL: Mapping[str, ColumnType] = FrozenDict({COLUMN: "bool"})


_REASON = "csperf.reason"
"""Metadata key: the :class:`~csperf.errors.Reason` of a number outside its domain."""


def _number(
    domain: ValueDomain, *, whole: bool = False, reason: Reason = Reason.OFF_SCALE
) -> Mapping[str, Any]:
    """The metadata of a number field: its column type, value domain, wholeness, reason."""
    return FrozenDict({COLUMN: "real", DOMAIN: domain, WHOLE: whole, _REASON: reason})


_DURATION = _number(NON_NEGATIVE, reason=Reason.NEGATIVE_DURATION)


@functools.cache
def limits(record_type: type, field: str) -> Mapping[str, Any]:
    """The finite bounds of a number field's domain, as ``low``/``high`` keyword arguments.

    Bounds of a whole-number field are ints. Only bounds that exist are given.

    Examples:
        >>> dict(limits(SurveyAnswer, "csat")), dict(limits(Ticket, "wait_seconds"))
        ({'low': 1, 'high': 5}, {'low': 0.0})
    """
    metadata = attrs.fields_dict(record_type)[field].metadata
    domain: ValueDomain = metadata[DOMAIN]
    found: dict[str, Any] = {}
    for name, bound in (("low", domain.lower), ("high", domain.upper)):
        if not math.isinf(bound):
            found[name] = int(bound) if metadata[WHOLE] else bound
    return FrozenDict(found)


def _check_field(record_type: type, field: attrs.Attribute[Any], value: Any) -> Any:
    """One field's value checked against its metadata (column type, domain), normalised.

    A field whose default is None may be None. The checks are those of
    :mod:`csperf.metrics._checks`; the error names the record type and the field.
    """
    if value is None and field.default is None:
        return None
    obj, name = record_type.__name__, field.name
    column = field.metadata[COLUMN]
    if column == "name":
        return check_name(obj, name, value)
    if column == "id":
        return check_id(obj, name, value)
    if column == "ts":
        return check_aware(obj, name, value)
    if column == "bool":
        return check_bool(obj, name, value)
    reason = field.metadata[_REASON]
    if field.metadata[WHOLE]:
        return check_integer(obj, name, value, **limits(record_type, name), reason=reason)
    return check_real(obj, name, value, **limits(record_type, name), reason=reason)


def _checked_field(value: Any, record: Any, field: attrs.Attribute[Any]) -> Any:
    return _check_field(type(record), field, value)


_CHECKED: attrs.Converter[Any, Any] = attrs.Converter(
    _checked_field, takes_self=True, takes_field=True
)
"""The converter of a record field: :func:`_check_field`, so fields are checked in order."""


def _checker(record_type: type) -> Callable[[str, Any], Any]:
    """``check(name, value)``: :func:`_check_field` by field name, for a record's own order."""
    fields = attrs.fields_dict(record_type)
    return lambda name, value: _check_field(record_type, fields[name], value)


def _seconds(start: datetime, end: datetime) -> float:
    """Elapsed seconds between two instants (on UTC, so a DST change is counted right)."""
    return (end.astimezone(timezone.utc) - start.astimezone(timezone.utc)).total_seconds()


@attrs.frozen(init=False)
class Ticket:
    """One customer contact: a ticket, chat, e-mail or call.

    A contact is a *call* when ``answered`` or ``abandoned`` is given; if only one of them is
    given the other is taken as its opposite (``answered=True`` means ``abandoned=False``).
    A call needs ``wait_seconds``. A contact is *handled* unless it is an abandoned call.

    Attributes:
        id: Identifier of the contact (string or integer), unique among tickets.
        agent: The agent who handled the contact.
        channel: The channel (``"phone"``, ``"chat"``, ``"email"``...).
        created_at: When the customer made contact (for a call: when it entered the queue).
            Decides period membership.
        first_response_at: The first human reply (for a call: when it was answered), or None.
            Not before ``created_at``.
        resolved_at: The first resolution, or None while unresolved. Not before
            ``created_at``.
        final_resolved_at: The resolution after any reopen; None means the same as
            ``resolved_at``. Needs ``resolved_at``, is not before it, and may differ from it
            only when ``reopened``.
        reopened: Whether the contact was reopened after its first resolution.
        complaint: Whether the contact is, or gave rise to, a complaint.
        customer: The customer's identifier, used to find repeat contacts (FCR), or None.
        wait_seconds: Queue time of a call until it was answered or abandoned (≥ 0).
        answered: Whether the call was answered (None for contacts that are not calls).
        abandoned: Whether the caller hung up in the queue (None for non-calls).
        talk_seconds: Talk time (≥ 0), or None.
        hold_seconds: Hold time (≥ 0), or None (counted as 0 in handle time).
        acw_seconds: After-call work time (≥ 0), or None (counted as 0 in handle time).

    Examples:
        >>> from datetime import datetime, timezone
        >>> t0 = datetime(2024, 1, 2, 9, 0, tzinfo=timezone.utc)
        >>> t = Ticket("T1", "ann", "chat", t0, first_response_at=t0.replace(minute=1))
        >>> t.first_response_seconds
        60.0
    """

    id: str | int = attrs.field(metadata=_ID)
    agent: str = attrs.field(metadata=_NAME)
    channel: str = attrs.field(metadata=_NAME)
    created_at: datetime = attrs.field(metadata=_TS)
    first_response_at: datetime | None = attrs.field(default=None, metadata=_TS)
    resolved_at: datetime | None = attrs.field(default=None, metadata=_TS)
    final_resolved_at: datetime | None = attrs.field(default=None, metadata=_TS)
    reopened: bool = attrs.field(default=False, metadata=_BOOL)
    complaint: bool = attrs.field(default=False, metadata=_BOOL)
    customer: str | int | None = attrs.field(default=None, metadata=_ID)
    wait_seconds: float | None = attrs.field(default=None, metadata=_DURATION)
    answered: bool | None = attrs.field(default=None, metadata=_BOOL)
    abandoned: bool | None = attrs.field(default=None, metadata=_BOOL)
    talk_seconds: float | None = attrs.field(default=None, metadata=_DURATION)
    hold_seconds: float | None = attrs.field(default=None, metadata=_DURATION)
    acw_seconds: float | None = attrs.field(default=None, metadata=_DURATION)

    def __init__(
        self,
        id: str | int,
        agent: str,
        channel: str,
        created_at: datetime,
        first_response_at: datetime | None = None,
        resolved_at: datetime | None = None,
        final_resolved_at: datetime | None = None,
        reopened: bool = False,
        complaint: bool = False,
        customer: str | int | None = None,
        wait_seconds: float | None = None,
        answered: bool | None = None,
        abandoned: bool | None = None,
        talk_seconds: float | None = None,
        hold_seconds: float | None = None,
        acw_seconds: float | None = None,
    ) -> None:
        # The checks run in the order of CHECK_ORDER (csperf.metrics._recordrules), not the
        # fields': the first fault found is the row's reason, and the table checks report the
        # same one. ``answered`` and ``abandoned`` complete each other there.
        values = {
            "id": id,
            "agent": agent,
            "channel": channel,
            "created_at": created_at,
            "first_response_at": first_response_at,
            "resolved_at": resolved_at,
            "final_resolved_at": final_resolved_at,
            "reopened": reopened,
            "complaint": complaint,
            "customer": customer,
            "wait_seconds": wait_seconds,
            "answered": answered,
            "abandoned": abandoned,
            "talk_seconds": talk_seconds,
            "hold_seconds": hold_seconds,
            "acw_seconds": acw_seconds,
        }
        self.__attrs_init__(**check_in_order(Ticket, values, _checker(type(self))))

    @property
    def is_call(self) -> bool:
        """Whether the contact is a call with queue timings (``answered`` is not None)."""
        return self.answered is not None

    @property
    def handled(self) -> bool:
        """Whether the contact was handled: every contact except an abandoned call."""
        return not self.abandoned

    @property
    def first_response_seconds(self) -> float | None:
        """``first_response_at − created_at`` in seconds, or None without a response."""
        if self.first_response_at is None:
            return None
        return _seconds(self.created_at, self.first_response_at)

    @property
    def resolution_seconds(self) -> float | None:
        """``resolved_at − created_at`` in seconds (first resolution), or None."""
        if self.resolved_at is None:
            return None
        return _seconds(self.created_at, self.resolved_at)

    @property
    def final_resolution_seconds(self) -> float | None:
        """``coalesce(final_resolved_at, resolved_at) − created_at`` in seconds, or None."""
        end = self.final_resolved_at if self.final_resolved_at is not None else self.resolved_at
        if end is None:
            return None
        return _seconds(self.created_at, end)

    @property
    def handle_seconds(self) -> float | None:
        """``talk + hold + acw`` in seconds, or None without talk time.

        A missing hold or after-call work time counts as 0.
        """
        if self.talk_seconds is None:
            return None
        return self.talk_seconds + (self.hold_seconds or 0.0) + (self.acw_seconds or 0.0)


@attrs.frozen
class SurveyAnswer:
    """A customer's answer to a post-contact survey: a CSAT score, an NPS score or both.

    Attributes:
        agent: The agent who handled the surveyed contact.
        contact_id: The surveyed contact (a :attr:`Ticket.id`); one answer per contact.
        submitted_at: When the answer was given. Decides period membership.
        csat: Satisfaction on the 1–5 scale (a whole number), or None.
        nps: Likelihood to recommend on the 0–10 scale (a whole number), or None.
            At least one of ``csat`` and ``nps`` is given.

    Examples:
        >>> from datetime import datetime, timezone
        >>> SurveyAnswer("ann", "T1", datetime(2024, 1, 2, tzinfo=timezone.utc), csat=4.0).csat
        4
    """

    agent: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    contact_id: str | int = attrs.field(converter=_CHECKED, metadata=_ID)  # type: ignore[misc]
    submitted_at: datetime = attrs.field(converter=_CHECKED, metadata=_TS)  # type: ignore[misc]
    csat: int | None = attrs.field(
        default=None,
        converter=_CHECKED,  # type: ignore[misc]
        metadata=_number(ValueDomain(1, 5), whole=True),
    )
    nps: int | None = attrs.field(
        default=None,
        converter=_CHECKED,  # type: ignore[misc]
        metadata=_number(ValueDomain(0, 10), whole=True),
    )

    @nps.validator
    def _check_rules(self, _attribute: attrs.Attribute[Any], _nps: int | None) -> None:
        """The rules of CHECK_ORDER: at least one of csat and nps is given."""
        check_rules(self)


@attrs.frozen(init=False)
class QaReview:
    """A quality-assurance review of one contact against the script's checklist.

    Attributes:
        agent: The reviewed agent.
        reviewed_at: When the review was made. Decides period membership.
        checks_passed: Checks passed (a whole number, ``0 ≤ passed ≤ applicable``).
        checks_applicable: Checks that applied to the contact (a whole number ≥ 0): items
            marked N/A are not counted. A review with 0 (every item N/A) has no score and
            leaves the metric's value and sample alone.
        critical_failed: Whether a critical category failed; the review then scores 0. It
            needs at least one applicable check.
        id: Identifier of the review, unique among reviews when given, or None.

    Examples:
        >>> from datetime import datetime, timezone
        >>> QaReview("ann", datetime(2024, 1, 2, tzinfo=timezone.utc), 9, 10).score
        0.9
    """

    agent: str = attrs.field(metadata=_NAME)
    reviewed_at: datetime = attrs.field(metadata=_TS)
    checks_passed: int = attrs.field(metadata=_number(NON_NEGATIVE, whole=True))
    checks_applicable: int = attrs.field(metadata=_number(NON_NEGATIVE, whole=True))
    critical_failed: bool = attrs.field(default=False, metadata=_BOOL)
    id: str | int | None = attrs.field(default=None, metadata=_ID)

    def __init__(
        self,
        agent: str,
        reviewed_at: datetime,
        checks_passed: int,
        checks_applicable: int,
        critical_failed: bool = False,
        id: str | int | None = None,
    ) -> None:
        # The checks run in the order of CHECK_ORDER (csperf.metrics._recordrules), not the
        # fields' (checks_applicable before checks_passed): the first fault found is the row's
        # reason, and the table checks report the same one.
        values = {
            "agent": agent,
            "reviewed_at": reviewed_at,
            "checks_passed": checks_passed,
            "checks_applicable": checks_applicable,
            "critical_failed": critical_failed,
            "id": id,
        }
        self.__attrs_init__(**check_in_order(QaReview, values, _checker(type(self))))

    @property
    def score(self) -> float | None:
        """``0`` if a critical category failed, else ``checks_passed / checks_applicable``.

        None when every item was N/A (``checks_applicable == 0``): such a review has no
        score, not 100 %.
        """
        if self.critical_failed:
            return 0.0
        if self.checks_applicable == 0:
            return None
        return self.checks_passed / self.checks_applicable

    @classmethod
    def from_categories(
        cls,
        agent: str,
        reviewed_at: datetime,
        categories: Mapping[str, tuple[int, int]],
        *,
        critical: frozenset[str] | set[str] | tuple[str, ...] = (),
        id: str | int | None = None,
    ) -> QaReview:
        """A review from category scores.

        ``checks_passed`` and ``checks_applicable`` are the sums over the categories, and
        ``critical_failed`` is true when a critical category passed fewer checks than applied.
        A category scored ``(0, 0)`` is N/A: it leaves the denominator; when every category
        is N/A the review has no score (:attr:`score` is None).

        Args:
            agent: The reviewed agent.
            reviewed_at: When the review was made.
            categories: Category name → ``(passed, applicable)``.
            critical: The names of the critical categories (each must be in ``categories``).
            id: Identifier of the review, or None.

        Raises:
            ValidationError: For an unknown critical category or bad category scores.

        Examples:
            >>> from datetime import datetime, timezone
            >>> review = QaReview.from_categories(
            ...     "ann",
            ...     datetime(2024, 1, 2, tzinfo=timezone.utc),
            ...     {"greeting": (2, 2), "verification": (1, 2), "tone": (3, 3)},
            ...     critical={"verification"},
            ... )
            >>> review.checks_passed, review.checks_applicable, review.critical_failed
            (6, 7, True)
            >>> review.score
            0.0
        """
        obj = "QaReview"
        unknown = sorted(set(critical) - set(categories))
        if unknown:
            raise ValidationError(
                msg=f"critical category {unknown[0]!r} is not among the categories "
                f"({', '.join(sorted(categories))})",
                obj=obj,
                field="critical",
                value=unknown[0],
                reason="inconsistent",
            )
        passed_total = 0
        applicable_total = 0
        failed = False
        for name, pair in categories.items():
            try:
                passed_raw, applicable_raw = pair
            except (TypeError, ValueError):
                raise fail(
                    obj, f"categories[{name!r}]", pair, "invalid_field", "must be a pair"
                ) from None
            field = f"categories[{name!r}]"
            applicable = check_integer(obj, field, applicable_raw, low=0)
            passed = check_integer(obj, field, passed_raw, low=0, high=applicable)
            passed_total += passed
            applicable_total += applicable
            if name in critical and passed < applicable:
                failed = True
        return cls(agent, reviewed_at, passed_total, applicable_total, failed, id)


@attrs.frozen
class KnowledgeTest:
    """A product-knowledge test taken by an agent.

    Attributes:
        agent: The agent who took the test.
        taken_at: When the test was taken. Decides period membership.
        score: The score, 0–100.
    """

    agent: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    taken_at: datetime = attrs.field(converter=_CHECKED, metadata=_TS)  # type: ignore[misc]
    score: float = attrs.field(converter=_CHECKED, metadata=_number(ValueDomain(0, 100)))  # type: ignore[misc]


@attrs.frozen
class PeerRating:
    """One colleague's rating of another's collaboration.

    Attributes:
        rater: The agent giving the rating.
        ratee: The agent rated; the record is attributed to the ratee.
        rated_at: When the rating was given. Decides period membership.
        score: The rating, 1–5 (fractions allowed).
    """

    rater: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    ratee: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    rated_at: datetime = attrs.field(converter=_CHECKED, metadata=_TS)  # type: ignore[misc]
    score: float = attrs.field(converter=_CHECKED, metadata=_number(ValueDomain(1, 5)))  # type: ignore[misc]

    @property
    def is_self_rating(self) -> bool:
        """Whether the rater rated themself."""
        return self.rater == self.ratee


@attrs.frozen
class SharingItem:
    """An item of information an agent was due to share with the team.

    For example a case write-up, a knowledge-base update or a handover note.

    Attributes:
        agent: The agent responsible for sharing it.
        due_at: When it was due. Decides period membership.
        shared_at: When it was shared, or None if it was not.
        id: Identifier of the item, unique among items when given, or None.
    """

    agent: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    due_at: datetime = attrs.field(converter=_CHECKED, metadata=_TS)  # type: ignore[misc]
    shared_at: datetime | None = attrs.field(default=None, converter=_CHECKED, metadata=_TS)  # type: ignore[misc]
    id: str | int | None = attrs.field(default=None, converter=_CHECKED, metadata=_ID)  # type: ignore[misc]

    @property
    def on_time(self) -> bool:
        """Whether the item was shared by its due time (``shared_at ≤ due_at``, as instants)."""
        return self.shared_at is not None and instant(self.shared_at) <= instant(self.due_at)


@attrs.frozen
class RosterEntry:
    """An agent's place in the organisation over a half-open interval of time.

    Attributes:
        agent: The agent.
        team: The agent's team.
        manager: The team's manager, who is scored on the team's records.
        valid_from: Start of validity (inclusive), or None for "since always".
        valid_to: End of validity (exclusive), or None for "until further notice".
    """

    agent: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    team: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    manager: str = attrs.field(converter=_CHECKED, metadata=_NAME)  # type: ignore[misc]
    valid_from: datetime | None = attrs.field(default=None, converter=_CHECKED, metadata=_TS)  # type: ignore[misc]
    valid_to: datetime | None = attrs.field(default=None, converter=_CHECKED, metadata=_TS)  # type: ignore[misc]

    @valid_to.validator
    def _check_rules(self, _attribute: attrs.Attribute[Any], _end: datetime | None) -> None:
        """The rules of CHECK_ORDER: the validity ends after it starts."""
        check_rules(self)

    def covers(self, moment: datetime) -> bool:
        """Whether ``valid_from ≤ moment < valid_to`` (a missing bound is unbounded).

        Instants are compared, whatever the zones (as the table checks compare them).
        """
        moment = instant(moment)
        if self.valid_from is not None and moment < instant(self.valid_from):
            return False
        return self.valid_to is None or moment < instant(self.valid_to)

    def overlaps(self, start: datetime | None, end: datetime | None) -> bool:
        """Whether the entry's validity meets the half-open interval ``[start, end)``.

        Instants are compared, whatever the zones.
        """
        begins, ends = instant(self.valid_from), instant(self.valid_to)
        if end is not None and begins is not None and begins >= instant(end):
            return False
        return not (start is not None and ends is not None and ends <= instant(start))


def column_types(record_type: type) -> Mapping[str, ColumnType]:
    """Field name → column type of a record class, in field order, from its attrs metadata.

    Column types: ``id`` (text or whole number), ``name`` (text), ``ts`` (timestamp), ``bool``
    (true/false), ``real`` (number).

    Examples:
        >>> dict(column_types(KnowledgeTest))
        {'agent': 'name', 'taken_at': 'ts', 'score': 'real'}
    """
    return FrozenDict({a.name: a.metadata[COLUMN] for a in attrs.fields(record_type)})


@attrs.frozen
class RecordKind:
    """How the catalog treats one kind of record.

    Attributes:
        name: The kind's name (``"tickets"``, ``"surveys"``...).
        record_type: The record class.
        time_field: The timestamp that decides period membership.
        subject_field: The field naming the agent the record is attributed to in roll-ups.
        key_fields: The fields identifying a record; two records with equal keys are
            duplicates. A record whose key holds None (an optional ``id`` not given) is
            never a duplicate.
    """

    name: str
    record_type: type
    time_field: str
    subject_field: str
    key_fields: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The record type's field names, in order (also the CSV column names)."""
        return tuple(a.name for a in attrs.fields(self.record_type))

    @property
    def required(self) -> tuple[str, ...]:
        """The fields without a default, in order: a row without one is rejected."""
        return tuple(a.name for a in attrs.fields(self.record_type) if a.default is attrs.NOTHING)

    @property
    def columns(self) -> Mapping[str, ColumnType]:
        """Field name → column type, in order (see :func:`column_types`)."""
        return column_types(self.record_type)

    def key(self, record: Any) -> tuple[Any, ...] | None:
        """The record's key, or None when a key field is None."""
        key = tuple(getattr(record, f) for f in self.key_fields)
        return None if any(k is None for k in key) else key


#: The record kinds, by name.
RECORD_KINDS: Mapping[str, RecordKind] = FrozenDict(
    {
        kind.name: kind
        for kind in (
            RecordKind("tickets", Ticket, "created_at", "agent", ("id",)),
            RecordKind("surveys", SurveyAnswer, "submitted_at", "agent", ("contact_id",)),
            RecordKind("qa_reviews", QaReview, "reviewed_at", "agent", ("id",)),
            RecordKind(
                "knowledge_tests", KnowledgeTest, "taken_at", "agent", ("agent", "taken_at")
            ),
            RecordKind(
                "peer_ratings", PeerRating, "rated_at", "ratee", ("rater", "ratee", "rated_at")
            ),
            RecordKind("sharing_items", SharingItem, "due_at", "agent", ("id",)),
        )
    }
)
