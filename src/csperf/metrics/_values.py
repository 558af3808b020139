"""What a metric returns (:class:`MetricValue`) and how rejected records are reported."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf.errors import Reason, ValidationError

__all__ = ["FLAGS", "MetricValue", "RecordIssue", "RejectReport", "RejectedRecords"]

#: Every flag a catalog metric may set, with its meaning.
FLAGS: Mapping[str, str] = FrozenDict(
    {
        "critical_failed": "At least one QA review scored 0 because a critical category failed.",
        "missing_first_response": (
            "Some tickets had no first response; first_response_time leaves them out."
        ),
        "missing_handle_time": ("Some handled calls had no talk time; aht leaves them out."),
        "no_data": "The denominator is empty: there is no value (value is None).",
        "not_yet_due": "Some sharing items fall due after as_of; they are left out.",
        "rejected_records": (
            "Some input rows were rejected as bad records; see MetricValue.rejected."
        ),
        "self_ratings_excluded": "Some peer ratings were self-ratings; they are left out.",
        "small_sample": "The value rests on fewer records than min_sample.",
        "too_few_raters": (
            "Fewer distinct raters than min_raters: there is no value (value is None)."
        ),
        "unresolved": "Some tickets were not resolved; resolution_time leaves them out.",
    }
)


_KNOWN_FLAGS = frozenset(FLAGS)


def _flags(value: Iterable[str]) -> tuple[str, ...]:
    # (a set: looking a name up in the FrozenDict goes through Mapping's generic methods, and
    # a measurement makes a MetricValue per subject and metric: most have no flag)
    if type(value) in (tuple, list) and not value:
        return ()
    if isinstance(value, str):
        value = (value,)
    flags = tuple(sorted(set(value)))
    if not flags or _KNOWN_FLAGS.issuperset(flags):
        return flags
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise ValidationError(
            msg=f"unknown flag {unknown[0]!r} (known: {', '.join(FLAGS)})",
            obj="MetricValue",
            field="flags",
            value=unknown[0],
        )
    return flags


@attrs.frozen
class RecordIssue:
    """One rejected input row.

    Attributes:
        position: The row's 0-based position in the input as given (before any period filter).
        reason: Why the row was rejected, a :class:`~csperf.errors.Reason` (equal to its
            code: ``invalid_field``, ``missing_field``, ``naive_timestamp``,
            ``response_before_creation``, ``resolution_before_creation``,
            ``negative_duration``, ``off_scale``, ``inconsistent``, ``duplicate``,
            ``unknown_agent``, ``not_on_roster`` or ``malformed_row``).
        field: The field at fault.
        value: The offending value.
        message: A sentence saying what is wrong.
    """

    position: int
    reason: Reason = attrs.field(converter=Reason)
    field: str
    value: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description.

        A value JSON cannot hold is given as text: ISO-8601 for a timestamp, ``repr`` otherwise.
        """
        return {
            "position": self.position,
            "reason": self.reason.value,
            "field": self.field,
            "value": _json_ready(self.value),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecordIssue:
        """Rebuild an issue from :meth:`to_dict` output.

        Raises:
            ValidationError: For missing or unknown keys.
        """
        fields = _check_keys(
            "RecordIssue", data, ("position", "reason", "field", "value", "message")
        )
        return cls(**fields)


def _issues(value: Iterable[RecordIssue]) -> tuple[RecordIssue, ...]:
    return tuple(value)


def _by_reason(value: Mapping[str, int]) -> FrozenDict[str, int]:
    return FrozenDict({Reason(reason): n for reason, n in value.items()})


@attrs.frozen
class RejectReport:
    """The rows of one record kind that were rejected, and why.

    Attributes:
        kind: The record kind (``"tickets"``...), or ``""`` for an empty report.
        total: How many rows were read.
        count: How many were rejected.
        by_reason: Reason (a :class:`~csperf.errors.Reason`, given as one or as its code) →
            number of rows rejected for it.
        examples: The first rejected rows (at most ``max_examples``, 20 by default), in
            input order.

    Examples:
        >>> RejectReport().count
        0
    """

    kind: str = ""
    total: int = 0
    count: int = 0
    by_reason: Mapping[str, int] = attrs.field(factory=FrozenDict, converter=_by_reason)
    examples: tuple[RecordIssue, ...] = attrs.field(default=(), converter=_issues)

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def accepted(self) -> int:
        """How many rows were accepted (``total − count``)."""
        return self.total - self.count

    def merge(self, other: RejectReport) -> RejectReport:
        """This report followed by ``other`` (same kind; positions are kept as they are)."""
        reasons = dict(self.by_reason)
        for reason, n in other.by_reason.items():
            reasons[reason] = reasons.get(reason, 0) + n
        return RejectReport(
            self.kind or other.kind,
            self.total + other.total,
            self.count + other.count,
            reasons,
            self.examples + other.examples,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "kind": self.kind,
            "total": self.total,
            "count": self.count,
            "by_reason": {str(reason): n for reason, n in self.by_reason.items()},
            "examples": [issue.to_dict() for issue in self.examples],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RejectReport:
        """Rebuild a report from :meth:`to_dict` output.

        Raises:
            ValidationError: For missing or unknown keys.
        """
        fields = _check_keys(
            "RejectReport", data, ("kind", "total", "count", "by_reason", "examples")
        )
        fields["examples"] = tuple(RecordIssue.from_dict(e) for e in fields["examples"])
        return cls(**fields)

    def summary(self) -> str:
        """One line: ``"tickets: 2 of 120 rows rejected (duplicate 1, off_scale 1)"``."""
        if not self.count:
            return f"{self.kind or 'records'}: none of {self.total} rows rejected"
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(self.by_reason.items()))
        return f"{self.kind or 'records'}: {self.count} of {self.total} rows rejected ({reasons})"


def _json_ready(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return repr(value)


def _check_keys(obj: str, data: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationError(
            msg=f"expected a mapping, got {type(data).__name__}", obj=obj, value=data
        )
    unknown = sorted(set(data) - set(keys))
    missing = [k for k in keys if k not in data]
    if unknown or missing:
        field = unknown[0] if unknown else missing[0]
        raise ValidationError(
            msg=f"unknown keys {unknown} / missing keys {missing} (expected: {', '.join(keys)})",
            obj=obj,
            field=field,
            value=dict(data),
        )
    return {k: data[k] for k in keys}


@attrs.frozen
class RejectedRecords(Mapping[str, RejectReport]):
    """The rejected-record reports of several record kinds: kind → :class:`RejectReport`.

    Attributes:
        reports: Record kind → report.

    Examples:
        >>> RejectedRecords().count
        0
    """

    reports: Mapping[str, RejectReport] = attrs.field(factory=FrozenDict, converter=FrozenDict)

    @reports.validator
    def _check_reports(self, _attribute: attrs.Attribute[Any], value: Mapping[str, Any]) -> None:
        for kind, report in value.items():
            if not isinstance(report, RejectReport):
                raise ValidationError(
                    msg=f"the report of {kind!r} must be a RejectReport, got {report!r}",
                    obj="RejectedRecords",
                    field=str(kind),
                    value=report,
                )

    def __getitem__(self, kind: str) -> RejectReport:
        return self.reports[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self.reports)

    def __len__(self) -> int:
        return len(self.reports)

    @property
    def count(self) -> int:
        """How many rows were rejected, over every kind."""
        return sum(r.count for r in self.reports.values())

    @property
    def total(self) -> int:
        """How many rows were read, over every kind."""
        return sum(r.total for r in self.reports.values())

    def summary(self) -> str:
        """One line per kind (see :meth:`RejectReport.summary`)."""
        return "\n".join(r.summary() for r in self.reports.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: kind → :meth:`RejectReport.to_dict`."""
        return {kind: report.to_dict() for kind, report in self.reports.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RejectedRecords:
        """Rebuild from :meth:`to_dict` output.

        Raises:
            ValidationError: For a malformed report.
        """
        if not isinstance(data, Mapping):
            raise ValidationError(
                msg=f"expected a mapping, got {type(data).__name__}",
                obj="RejectedRecords",
                value=data,
            )
        return cls({kind: RejectReport.from_dict(report) for kind, report in data.items()})


def _value(value: Any) -> float | None:
    if value is None:
        return None
    if type(value) is float and value - value == 0.0:  # the common case: a finite float
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(
            msg=f"field 'value' must be a float or None, got {value!r}",
            obj="MetricValue",
            field="value",
            value=value,
        )
    result = float(value)
    if not math.isfinite(result):
        raise ValidationError(
            msg=f"field 'value' must be finite, got {result!r}",
            obj="MetricValue",
            field="value",
            value=result,
        )
    return result


@attrs.frozen
class MetricValue:
    """The value of one metric over a set of records.

    Attributes:
        value: The value (a finite float), or None when there is no data (flag ``no_data``) or
            too few raters (flag ``too_few_raters``).
        sample_size: How many records the value rests on: the denominator's count (answers,
            contacts, calls, reviews, tests, ratings, items); None when it is not known (a
            value read from a measurements file that gave no ``sample_size.<metric>``, as
            a table typed by hand). Reports show an unknown size as unknown, never as 1.
        flags: Sorted flag names, each one of :data:`FLAGS`.
        rejected: The report of the input rows rejected as bad records (empty when none).
            It takes no part in equality: two values are equal when their value, sample size
            and flags are (the flag ``rejected_records`` tells whether rows were rejected).

    Examples:
        >>> MetricValue(0.8, 10).value
        0.8
        >>> MetricValue(None, 0, ("no_data",)).missing
        True
    """

    value: float | None = attrs.field(converter=_value)
    sample_size: int | None = attrs.field()
    flags: tuple[str, ...] = attrs.field(default=(), converter=_flags)
    rejected: RejectReport = attrs.field(factory=RejectReport, eq=False)

    @sample_size.validator
    def _check_sample_size(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                msg=f"field 'sample_size' must be a whole number ≥ 0 or None (not known), "
                f"got {value!r}",
                obj="MetricValue",
                field="sample_size",
                value=value,
            )

    @rejected.validator
    def _check_rejected(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, RejectReport):
            raise ValidationError(
                msg=f"field 'rejected' must be a RejectReport, got {value!r}",
                obj="MetricValue",
                field="rejected",
                value=self.rejected,
            )

    @property
    def missing(self) -> bool:
        """Whether there is no value."""
        return self.value is None

    def with_flags(self, *flags: str) -> MetricValue:
        """A copy with ``flags`` added."""
        return attrs.evolve(self, flags=(*self.flags, *flags))


_SET = object.__setattr__

#: What a metric's computation gives for one subject: ``(value, sample_size, flags)``.
Outcome = tuple["float | None", int, tuple[str, ...]]


class Outcomes(Mapping[str, Outcome]):
    """One metric's outcomes by subject, kept as the columns a statement returned.

    A mapping of subject to :data:`Outcome`; :func:`csperf.metrics._engine.finish_columns`
    reads the columns themselves, so that a measurement of 130,000 cells makes no tuple
    per cell. A subject given twice keeps its last row (as a dict would).

    Args:
        subjects: The subject of each row.
        values: Each row's value (None for none).
        sizes: Each row's sample size.
        flags: Each row's flags, or None when no row has any.
    """

    __slots__ = ("flag_column", "index", "size_column", "value_column")

    def __init__(
        self,
        subjects: Sequence[str],
        values: Sequence[float | None],
        sizes: Sequence[int],
        flags: Sequence[tuple[str, ...]] | None = None,
    ) -> None:
        self.index: dict[str, int] = dict(zip(subjects, range(len(subjects)), strict=True))
        self.value_column = values
        self.size_column = sizes
        self.flag_column = flags

    def __getitem__(self, subject: str) -> Outcome:
        i = self.index[subject]
        flags = () if self.flag_column is None else self.flag_column[i]
        return (self.value_column[i], self.size_column[i], flags)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, subject: object) -> bool:
        return subject in self.index

    def __repr__(self) -> str:
        return f"Outcomes({dict(self)!r})"


def measured(
    value: float | None,
    sample_size: int | None,
    flags: Iterable[str],
    rejected: RejectReport,
) -> MetricValue:
    """``MetricValue(value, sample_size, flags, rejected)``, made cheaply when it is valid.

    A measurement makes one value per subject and metric (130,000 at ten thousand agents).
    When the value is None or a finite float, the size a whole number ≥ 0 and the report a
    :class:`RejectReport` (as the engine gives them), the checks that the constructor runs
    are done here inline; anything else goes through the constructor and its errors.
    """
    if plain(value, sample_size) and type(rejected) is RejectReport:
        return made(value, sample_size, _flags(flags), rejected)
    return MetricValue(value, sample_size, flags, rejected)


def plain(value: Any, sample_size: Any) -> bool:
    """Whether ``value`` is None or a finite float and ``sample_size`` a whole number ≥ 0.

    Such parts pass the constructor's checks of them unchanged (see :func:`measured`).
    """
    return (
        (value is None or (type(value) is float and value - value == 0.0))
        and type(sample_size) is int
        and sample_size >= 0
    )


def made(
    value: float | None, sample_size: int | None, flags: tuple[str, ...], rejected: RejectReport
) -> MetricValue:
    """A :class:`MetricValue` of parts already checked as :func:`measured` checks them.

    ``flags`` must be sorted known flag names (:func:`_flags` of them).
    """
    value_ = object.__new__(MetricValue)
    _SET(value_, "value", value)
    _SET(value_, "sample_size", sample_size)
    _SET(value_, "flags", flags)
    _SET(value_, "rejected", rejected)
    return value_
