"""What every catalog function shares: checking options, running the engine, finishing."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta, tzinfo
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from csperf._periods import resolve_period
from csperf.errors import ValidationError
from csperf.metrics._validate import record_kind, validate_records
from csperf.metrics._values import (
    MetricValue,
    Outcome,
    Outcomes,
    RejectReport,
    measured,
    plain,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from csperf.metrics._roster import Roster

__all__ = [
    "Compute",
    "Outcome",
    "check_channels",
    "check_choice",
    "check_min_sample",
    "check_seconds",
    "contacts_of",
    "empty_selection",
    "evaluate",
    "finish",
    "run_tables",
]

#: A metric's computation: ``compute(selected, everything, **options) -> Outcome``, where
#: ``selected`` are the valid records in the period (and of the subject, in a roll-up) and
#: ``everything`` all valid records of the kind (used by ``fcr`` to find repeat contacts).
Compute = Callable[..., Outcome]


def check_min_sample(min_sample: Any) -> int | None:
    """Check ``min_sample``: None or a whole number ≥ 1."""
    if min_sample is None:
        return None
    if isinstance(min_sample, bool) or not isinstance(min_sample, int) or min_sample < 1:
        raise ValidationError(
            msg=f"min_sample must be None or a whole number ≥ 1, got {min_sample!r}",
            field="min_sample",
            value=min_sample,
        )
    return min_sample


def check_choice(metric: str, option: str, value: Any, choices: Iterable[str]) -> str:
    """Check that an option is one of ``choices``."""
    allowed = tuple(choices)
    if value not in allowed:
        raise ValidationError(
            msg=f"option {option!r} must be one of {', '.join(allowed)}, got {value!r}",
            obj=metric,
            field=option,
            value=value,
        )
    return str(value)


def check_seconds(
    metric: str, option: str, value: Any, *, optional: bool = False, positive: bool = False
) -> float | None:
    """Check a duration option given in seconds (a number or a :class:`~datetime.timedelta`)."""
    if value is None and optional:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(
            msg=f"option {option!r} must be a number of seconds or a timedelta, got {value!r}",
            obj=metric,
            field=option,
            value=value,
        )
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
        bound = "> 0" if positive else "≥ 0"
        raise ValidationError(
            msg=f"option {option!r} must be finite and {bound}, got {value!r}",
            obj=metric,
            field=option,
            value=value,
        )
    return seconds


def check_channels(metric: str, channels: Any) -> frozenset[str] | None:
    """Check a ``channels`` option: None (every channel) or a non-empty set of names."""
    if channels is None:
        return None
    if isinstance(channels, str):
        channels = (channels,)
    try:
        result = frozenset(channels)
    except TypeError:
        result = frozenset()
    if not result or not all(isinstance(c, str) and c for c in result):
        raise ValidationError(
            msg="option 'channels' must be None or a non-empty collection of channel "
            f"names, got {channels!r}",
            obj=metric,
            field="channels",
            value=channels,
        )
    return result


def contacts_of(table: ir.Table, channels: frozenset[str] | None) -> ir.Table:
    """The handled contacts (every ticket but an abandoned call) of the given channels."""
    handled = table.filter(~table.abandoned.coalesce(False))
    if channels is not None:
        handled = handled.filter(handled.channel.isin(sorted(channels)))
    return handled


def finish(
    outcome: Outcome, *, min_sample: int | None, report: RejectReport | None = None
) -> MetricValue:
    """Turn a computation's outcome into a :class:`MetricValue`.

    Adds ``no_data`` when there is no value (unless ``too_few_raters`` explains it),
    ``small_sample`` when a value rests on fewer than ``min_sample`` records and
    ``rejected_records`` when the report is not empty.
    """
    value, size, flags = outcome
    extra = list(flags)
    if value is None and "too_few_raters" not in extra:
        extra.append("no_data")
    if value is not None and min_sample is not None and size is not None and size < min_sample:
        extra.append("small_sample")
    if report is not None and report.count:
        extra.append("rejected_records")
    return measured(value, size, extra, report if report is not None else RejectReport())


def finish_columns(
    found: Mapping[str, Outcome],
    subjects: Sequence[str],
    *,
    min_sample: int | None,
    report: RejectReport,
) -> tuple[list[float | None], list[int | None], list[tuple[str, ...]]]:
    """:func:`finish` of each subject's outcome in ``found`` (none: no data), as columns.

    The values, sample sizes and flags of the MetricValues :func:`finish` makes one by one,
    in the order of ``subjects`` (a :class:`~csperf.sources._measurements.MeasuredColumns`
    keeps them so). A measurement has one per subject and metric, and most share their
    flags: the flags of each combination (the outcome's own, whether there is a value,
    whether the sample is small) are worked out once, by :func:`finish`. :class:`Outcomes`
    are read column by column.

    Raises:
        ValidationError: As :func:`finish` raises, for an outcome that cannot be a
            MetricValue.
    """
    if not isinstance(found, Outcomes):
        found = Outcomes(
            list(found),
            [o[0] for o in found.values()],
            [o[1] for o in found.values()],
            [o[2] for o in found.values()],
        )
    nothing = finish((None, 0, ()), min_sample=min_sample, report=report)
    least = -1 if min_sample is None else min_sample
    known: dict[tuple[Any, ...], tuple[str, ...]] = {}
    index, values, sizes = found.index, found.value_column, found.size_column
    raised = found.flag_column
    out_values: list[float | None] = []
    out_sizes: list[int | None] = []
    out_flags: list[tuple[str, ...]] = []
    for subject in subjects:
        i = index.get(subject)
        if i is None:
            out_values.append(None)
            out_sizes.append(0)
            out_flags.append(nothing.flags)
            continue
        value, size = values[i], sizes[i]
        flags = () if raised is None else raised[i]
        if not plain(value, size):
            one = finish((value, size, flags), min_sample=min_sample, report=report)
            out_values.append(one.value)
            out_sizes.append(one.sample_size)
            out_flags.append(one.flags)
            continue
        key = (flags, value is None, value is not None and size < least)
        shared = known.get(key)
        if shared is None:
            outcome = (value, size, flags)
            shared = known[key] = finish(outcome, min_sample=min_sample, report=report).flags
        out_values.append(value)
        out_sizes.append(size)
        out_flags.append(shared)
    return out_values, out_sizes, out_flags


def empty_selection(kind: str) -> ir.Table:
    """An empty table of ``kind`` in the engine's layout, with a subject.

    Options are checked by building a metric's expression over it (nothing runs).
    """
    from csperf.metrics._ibis import SUBJECT, arrow_table, import_ibis

    ibis = import_ibis()
    table = ibis.memtable(arrow_table(record_kind(kind).record_type, ()))
    return table.mutate(**{SUBJECT: ibis.literal("*")})


def run_tables(
    kinds: Mapping[str, tuple[Any, ...]],
    specs: Sequence[Any],
    *,
    level: str | None,
    roster: Roster | None,
    window: tuple[Any, Any] | None,
    options: Mapping[str, Mapping[str, Any]],
    connection: Any = None,
) -> dict[str, Outcomes]:
    """Run the metrics' expressions over valid records: metric → subject → outcome.

    The records of each kind are loaded once (an Arrow table in the engine's layout), the
    roster is one table joined once, and every metric runs in one statement
    (:mod:`csperf.metrics._plan`) on ``connection`` (an in-memory DuckDB by default).
    """
    from csperf.metrics._ibis import arrow_table, connect, import_ibis, period_micros, roster_table
    from csperf.metrics._plan import Plan, metric_pieces, run_plan, to_sql

    if not specs:
        return {}
    ibis = import_ibis()
    backend = connect(connection)
    tables: list[tuple[str, str, bool]] = []
    people = None
    if roster is not None and level in ("team", "manager"):
        people = ibis.memtable(roster_table(roster))
        tables.append(("roster", to_sql(backend, people), False))
    schemas = {}
    for name in sorted({spec.record_kind for spec in specs}):
        valid = ibis.memtable(arrow_table(record_kind(name).record_type, kinds.get(name, ())))
        tables.append((f"valid_{name}", to_sql(backend, valid), False))
        schemas[name] = valid.schema()
    fused, pieces = metric_pieces(
        backend,
        specs,
        options,
        schemas=schemas,
        roster_schema=None if people is None else people.schema(),
        level=level,
        period=period_micros(window),
    )
    found, _ = run_plan(backend, Plan((*tables, *fused), tuple(pieces)))
    return found


def evaluate(
    kind: str,
    records: Any,
    expression: Callable[..., Any],
    *,
    period: Any,
    tz: tzinfo | str | None,
    min_sample: int | None,
    strict: bool,
    roster: Roster | None,
    options: Mapping[str, Any] | None = None,
) -> MetricValue:
    """Validate ``records``, keep those in ``period`` and run the metric's ``expression``.

    All the records in the period count as one subject.
    """
    job = SimpleNamespace(name="metric", record_kind=kind, expression=expression)
    window = resolve_period(period, tz)
    wanted = check_min_sample(min_sample)
    given = dict(options or {})
    expression(empty_selection(kind), None, **given)  # the options' own checks first
    valid, report = validate_records(kind, records, roster=roster, tz=tz, strict=strict)
    found = run_tables(
        {kind: valid},
        [job],
        level=None,
        roster=None,
        window=window,
        options={"metric": given},
    )["metric"]
    outcome = found.get("*", (None, 0, ()))
    return finish(outcome, min_sample=wanted, report=report)


def evaluate_python(
    kind: str,
    records: Any,
    compute: Compute,
    *,
    period: Any,
    tz: tzinfo | str | None,
    min_sample: int | None,
    strict: bool,
    roster: Roster | None,
) -> MetricValue:
    """Validate ``records``, keep those in ``period`` and run a Python ``compute`` on them.

    Only for a plugin metric given as a Python ``compute`` (the former interface); the
    catalog's own metrics are expressions run by :func:`run_tables`.
    """
    from csperf._periods import in_period

    spec = record_kind(kind)
    window = resolve_period(period, tz)
    wanted = check_min_sample(min_sample)
    valid, report = validate_records(kind, records, roster=roster, tz=tz, strict=strict)
    selected = [r for r in valid if in_period(getattr(r, spec.time_field), window)]
    return finish(compute(selected, valid), min_sample=wanted, report=report)
