"""Turning input rows into records, and reporting the rows that cannot be records."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import attrs

from csperf._cells import COLUMN, coerce_cell
from csperf._periods import as_timezone
from csperf.errors import (
    MeasurementError,
    Reason,
    UnknownNameError,
    ValidationError,
    format_key_path,
)
from csperf.metrics._records import RECORD_KINDS, RecordKind
from csperf.metrics._values import RecordIssue, RejectReport

if TYPE_CHECKING:
    from csperf.metrics._roster import Roster

__all__ = ["coerce_record", "iter_rows", "record_kind", "validate_records"]

_MISSING = object()


def record_kind(kind: str) -> RecordKind:
    """The :class:`~csperf.metrics.RecordKind` called ``kind``.

    Raises:
        UnknownNameError: For an unknown kind.
    """
    try:
        return RECORD_KINDS[kind]
    except (KeyError, TypeError):
        raise UnknownNameError(
            "record kind",
            kind,
            tuple(RECORD_KINDS),
            msg=f"unknown record kind {kind!r} (known: {', '.join(RECORD_KINDS)})",
        ) from None


def iter_rows(rows: Any) -> Iterator[Any]:
    """The rows of ``rows``: an iterable of rows, a pandas DataFrame or a pyarrow Table.

    Raises:
        ValidationError: When ``rows`` is a string, a mapping or not iterable.
    """
    if hasattr(rows, "to_pylist") and hasattr(rows, "schema"):
        return iter(rows.to_pylist())
    if hasattr(rows, "to_dict") and hasattr(rows, "columns") and hasattr(rows, "iloc"):
        return iter(rows.to_dict("records"))
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise ValidationError(
            msg=f"records must be an iterable of rows, a DataFrame or an Arrow table, "
            f"got {type(rows).__name__}",
            field="records",
            value=type(rows).__name__,
        )
    return iter(rows)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is float:
        return math.isnan(value)
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return kind.__name__ in _MISSING_TYPES


_MISSING_TYPES = frozenset({"NaTType", "NAType"})
"""The names of pandas' missing-value types (not imported: pandas is optional)."""


def _field_getter(row: Any) -> Any:
    if isinstance(row, Mapping):
        return lambda name: row.get(name, _MISSING)
    if hasattr(row, "_asdict"):
        data = row._asdict()
        return lambda name: data.get(name, _MISSING)
    if hasattr(row, "to_dict") and hasattr(row, "index"):
        data = row.to_dict()
        return lambda name: data.get(name, _MISSING)
    return lambda name: getattr(row, name, _MISSING)


def coerce_record(kind: RecordKind, row: Any, tz: tzinfo | None = None) -> Any:
    """Build one record of ``kind`` from a row.

    A record of the kind's type is returned as it is. Otherwise each field is read from the
    row (a mapping key, a named-tuple or pandas-row entry, or an attribute); missing values
    (absent, None, NaN, NaT, ``pd.NA``, an empty or blank string) take the field's default,
    ISO-8601 strings and pandas Timestamps become datetimes, naive datetimes get ``tz`` when
    it is given, numeric text becomes a number in numeric fields, and the true/false words
    (``true``/``false``, ``yes``/``no``, ``是``/``否``...) and ``1``/``0`` become booleans in
    boolean fields; a field's type is the column type in its attrs metadata. So the rows of
    :class:`csv.DictReader` over a file written by :meth:`csperf.datasets.SampleData.write_csv`
    read back as the records written. Extra fields are ignored.

    Raises:
        ValidationError: With a ``reason`` attribute, when the row cannot be a record.
    """
    cls = kind.record_type
    if isinstance(row, cls):
        return row
    get = _field_getter(row)
    data: dict[str, Any] = {}
    for attribute in attrs.fields(cls):
        name = attribute.name
        value = get(name)
        if value is _MISSING or _is_missing(value):
            if attribute.default is attrs.NOTHING:
                raise ValidationError(
                    msg=f"field {name!r} is missing",
                    obj=cls.__name__,
                    field=name,
                    reason=Reason.MISSING_FIELD,
                )
            continue
        data[name] = coerce_cell(attribute.metadata[COLUMN], value, tz)
    return cls(**data)


def validate_records(
    kind: str,
    rows: Any,
    *,
    roster: Roster | None = None,
    tz: tzinfo | str | None = None,
    strict: bool = False,
    max_examples: int = 20,
) -> tuple[tuple[Any, ...], RejectReport]:
    """Turn rows into records of ``kind``, rejecting and reporting the bad ones.

    A row is rejected when it cannot be a record (a missing or ill-typed field, a naive
    timestamp without ``tz``, a response before creation, a negative duration, a score off the
    scale, inconsistent fields), when its key repeats an earlier row's (the first is kept,
    reason ``duplicate``), or, when a roster is given, when the agent it is attributed to is
    not on the roster (``unknown_agent``) or has no roster entry at the record's time
    (``not_on_roster``).

    Args:
        kind: The record kind: ``"tickets"``, ``"surveys"``, ``"qa_reviews"``,
            ``"knowledge_tests"``, ``"peer_ratings"`` or ``"sharing_items"``.
        rows: Records, mappings, dataclass or attrs instances, named tuples, a pandas
            DataFrame or a pyarrow Table (see :func:`coerce_record` for how rows are read).
        roster: When given, the roster that every record's agent must be on.
        tz: A tzinfo or IANA zone name attached to naive timestamps; without it naive
            timestamps are rejected.
        strict: Raise on the first bad row instead of reporting it.
        max_examples: How many rejected rows the report keeps as examples.

    Returns:
        The accepted records (in input order) and the :class:`RejectReport`.

    Raises:
        MeasurementError: With ``strict=True``, for the first bad row; it names the position
            (``error.position``), the field, the value and the reason.
        UnknownNameError: For an unknown kind.

    Examples:
        >>> row = {"id": 1, "agent": "ann", "channel": "chat"}
        >>> rows = [
        ...     {**row, "created_at": "2024-01-02T09:00+08:00"},
        ...     {**row, "created_at": "2024-01-02T10:00+08:00"},
        ... ]
        >>> records, report = validate_records("tickets", rows)
        >>> len(records), report.count, report.examples[0].position, report.examples[0].reason
        (1, 1, 1, <Reason.DUPLICATE: 'duplicate'>)
    """
    spec = record_kind(kind)
    known_agents = roster.agents if roster is not None else frozenset()
    zone = None if tz is None else as_timezone(tz, obj=kind)
    accepted: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    reasons: dict[str, int] = {}
    examples: list[RecordIssue] = []
    total = 0

    def reject(position: int, reason: Reason, field: str, value: Any, message: str) -> None:
        if strict:
            raise MeasurementError(
                msg=f"{kind} row {position}: {message}",
                field=field,
                value=value,
                position=position,
                reason=reason,
            )
        reasons[reason] = reasons.get(reason, 0) + 1
        if len(examples) < max_examples:
            examples.append(RecordIssue(position, reason, field, value, message))

    for position, row in enumerate(iter_rows(rows)):
        total += 1
        try:
            record = coerce_record(spec, row, zone)
        except ValidationError as exc:
            reject(
                position,
                exc.reason or Reason.INVALID_FIELD,
                format_key_path(exc.field),
                exc.value,
                exc.message,
            )
            continue
        key = spec.key(record)
        if key is not None:
            if key in seen:
                shown = key[0] if len(key) == 1 else key
                reject(
                    position,
                    Reason.DUPLICATE,
                    ", ".join(spec.key_fields),
                    shown,
                    f"{spec.record_type.__name__}: duplicate {'/'.join(spec.key_fields)} {shown!r}",
                )
                continue
            seen.add(key)
        if roster is not None:
            agent = getattr(record, spec.subject_field)
            moment = getattr(record, spec.time_field)
            if agent not in known_agents:
                reject(
                    position,
                    Reason.UNKNOWN_AGENT,
                    spec.subject_field,
                    agent,
                    f"{spec.record_type.__name__}: {spec.subject_field} {agent!r} "
                    "is not on the roster",
                )
                continue
            if roster.entry_at(agent, moment) is None:
                reject(
                    position,
                    Reason.NOT_ON_ROSTER,
                    spec.time_field,
                    moment,
                    f"{spec.record_type.__name__}: {spec.subject_field} {agent!r} has no "
                    f"roster entry at {spec.time_field} {moment.isoformat()}",
                )
                continue
        accepted.append(record)
    report = RejectReport(kind, total, sum(reasons.values()), reasons, tuple(examples))
    return tuple(accepted), report
