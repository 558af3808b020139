"""Roll-ups: every metric for every agent, team or manager, from pooled records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import attrs

from csperf._frozen import FrozenDict
from csperf._periods import in_period, resolve_period
from csperf.errors import UnknownNameError, ValidationError
from csperf.metrics._catalog import MetricSpec
from csperf.metrics._engine import check_min_sample, empty_selection, finish, run_tables
from csperf.metrics._roster import Level, Roster, check_level
from csperf.metrics._validate import record_kind, validate_records
from csperf.metrics._values import MetricValue, RejectedRecords, RejectReport

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = ["RollUp", "measure"]


@attrs.frozen
class RollUp(Mapping[str, Mapping[str, MetricValue]]):
    """Metric values per subject: ``rollup[subject][metric]`` is a :class:`MetricValue`.

    A read-only mapping from subject (agent, team or manager) to a mapping from metric name
    to value, in sorted subject order.

    Attributes:
        level: ``"agent"``, ``"team"`` or ``"manager"``.
        table: Subject → metric name → value (the mapping itself reads it).
        rejected: The reports of the rows rejected while reading each record kind.
    """

    level: str
    table: Mapping[str, Mapping[str, MetricValue]] = attrs.field(converter=FrozenDict)
    rejected: RejectedRecords = attrs.field(factory=RejectedRecords, converter=RejectedRecords)

    def __getitem__(self, subject: str) -> Mapping[str, MetricValue]:
        return self.table[subject]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def raw(self, subject: str) -> dict[str, float | None]:
        """The plain values of one subject: metric name → float or None.

        Ready for :meth:`csperf.Scorecard.evaluate`.
        """
        return {name: value.value for name, value in self.table[subject].items()}

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per subject and metric: ``subject, metric, value, sample_size, flags``."""
        return [
            {
                "subject": subject,
                "metric": name,
                "value": value.value,
                "sample_size": value.sample_size,
                "flags": value.flags,
            }
            for subject, metrics in self.table.items()
            for name, value in metrics.items()
        ]


def _specs(
    metrics: Iterable[str] | None, kinds: Iterable[str], plugins: PluginManager | None
) -> list[MetricSpec]:
    if plugins is None:
        from csperf.hooks.manager import get_plugin_manager

        plugins = get_plugin_manager()
    if metrics is None:
        present = set(kinds)
        return [spec for spec in plugins.metrics().values() if spec.record_kind in present]
    if isinstance(metrics, str):
        metrics = (metrics,)
    return [plugins.metric(name) for name in metrics]


def measure(
    records_by_kind: Mapping[str, Any],
    *,
    level: Level | str = "agent",
    roster: Roster | None = None,
    period: Any = None,
    tz: tzinfo | str | None = None,
    metrics: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    strict: bool = False,
    plugins: PluginManager | None = None,
) -> RollUp:
    """Every metric for every subject at a level, from the pooled records of its members.

    Each record kind is read once with :func:`validate_records` (against the roster, when
    one is given). A record in the period is attributed to the agent named by its subject
    field (``agent``; ``ratee`` for peer ratings) and, at the team or manager level, to the
    team or manager of that agent's roster entry valid at the record's timestamp. A subject's
    value is then computed from *all* its records pooled, exactly as the catalog function
    computes it over those records: a team of one agent with 1 of 1 satisfied answers and one
    with 1 of 9 has a CSAT of 2/10 = 0.2, not the mean of 1.0 and 0.111. (First-contact
    resolution looks for repeat contacts among all valid tickets, whoever handled them.)

    Subjects are the roster's subjects at the level with an entry overlapping the period, plus
    any subject found in the records; without a roster (agent level only) they are the agents
    found in the records of the period. A subject without records gets ``no_data`` values.

    Args:
        records_by_kind: Record kind → records or rows (see :func:`validate_records`).
        level: ``"agent"``, ``"team"`` or ``"manager"``; team and manager need a roster.
        roster: The roster; when given, records of agents not on it are rejected.
        period: ``(start, end)``, half-open; None for all records.
        tz: Zone attached to naive timestamps (records and period).
        metrics: The catalog names to compute; None for every metric whose record kind is
            in ``records_by_kind``.
        options: Metric name → keyword options of its function (``min_sample`` included),
            e.g. ``{"first_response_time": {"statistic": "median"}}``.
        strict: Raise on the first bad record instead of reporting it.
        plugins: The :class:`~csperf.PluginManager` whose metrics are computed (a fresh one
            from :func:`csperf.get_plugin_manager` by default).

    Returns:
        The :class:`RollUp`. A value whose record kind had rejected rows carries the kind's
        report in ``rejected`` and the flag ``rejected_records``.

    Raises:
        ValidationError: For a bad level, period or option, or a team/manager level without
            a roster.
        UnknownNameError: For an unknown record kind or metric name.
        MeasurementError: With ``strict=True``, for the first bad record.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import Roster, RosterEntry, SurveyAnswer, measure
        >>> day = datetime(2024, 1, 2, tzinfo=timezone.utc)
        >>> roster = Roster([RosterEntry("ann", "north", "mia"),
        ...                  RosterEntry("bob", "north", "mia")])
        >>> answers = [SurveyAnswer("ann", 0, day, csat=5)] + [
        ...     SurveyAnswer("bob", i, day, csat=5 if i == 1 else 2) for i in range(1, 10)
        ... ]
        >>> by_team = measure({"surveys": answers}, level="team", roster=roster)
        >>> by_team["north"]["customer_satisfaction"].value
        0.2
    """
    level = check_level(level)
    if level != "agent" and roster is None:
        raise ValidationError(msg=f"level {level!r} needs a roster", obj="measure", field="roster")
    if not isinstance(records_by_kind, Mapping):
        raise ValidationError(
            msg="records_by_kind must be a mapping of record kind to records, "
            f"got {type(records_by_kind).__name__}",
            obj="measure",
            field="records_by_kind",
            value=type(records_by_kind).__name__,
        )
    for kind in records_by_kind:
        record_kind(kind)
    window = resolve_period(period, tz)
    specs = _specs(metrics, records_by_kind, plugins)
    chosen = {spec.name for spec in specs}
    settings: dict[str, dict[str, Any]] = {}
    for name, given in (options or {}).items():
        if name not in chosen:
            raise UnknownNameError(
                "options",
                name,
                tuple(sorted(chosen)),
                msg=f"options given for {name!r}, which is not measured "
                f"(measured: {', '.join(sorted(chosen))})",
                obj="measure",
                field="options",
            )
        settings[name] = dict(given)
    minimums = {name: check_min_sample(o.pop("min_sample", None)) for name, o in settings.items()}

    for spec in specs:
        if spec.expression is not None:
            spec.expression(empty_selection(spec.record_kind), None, **settings.get(spec.name, {}))

    everything: dict[str, tuple[Any, ...]] = {}
    reports: dict[str, RejectReport] = {}
    subjects: set[str] = set()
    if roster is not None:
        subjects.update(roster.subjects(level, window))
    grouped: dict[str, dict[str, list[Any]]] = {}
    for kind in sorted({spec.record_kind for spec in specs}):
        spec_kind = record_kind(kind)
        rows = records_by_kind.get(kind, ())
        valid, report = validate_records(kind, rows, roster=roster, tz=tz, strict=strict)
        everything[kind] = valid
        reports[kind] = report
        groups: dict[str, list[Any]] = {}
        for record in valid:
            moment = getattr(record, spec_kind.time_field)
            if not in_period(moment, window):
                continue
            agent = getattr(record, spec_kind.subject_field)
            subject = agent if roster is None else roster.subject_at(level, agent, moment)
            if subject is None:  # pragma: no cover - validate_records rejected it
                continue
            groups.setdefault(subject, []).append(record)
        grouped[kind] = groups
        subjects.update(groups)

    engine = [spec for spec in specs if spec.expression is not None]
    outcomes = run_tables(
        everything,
        engine,
        level=level,
        roster=roster,
        window=window,
        options=settings,
    )
    values: dict[str, Mapping[str, MetricValue]] = {}
    for subject in sorted(subjects):
        row: dict[str, MetricValue] = {}
        for spec in specs:
            opts = settings.get(spec.name, {})
            report = reports[spec.record_kind]
            minimum = minimums.get(spec.name)
            if spec.expression is not None:
                outcome = outcomes[spec.name].get(subject, (None, 0, ()))
                row[spec.name] = finish(outcome, min_sample=minimum, report=report)
            elif spec.compute is not None:
                selected = grouped[spec.record_kind].get(subject, [])
                outcome = spec.compute(selected, everything[spec.record_kind], **opts)
                row[spec.name] = finish(outcome, min_sample=minimum, report=report)
            else:
                selected = grouped[spec.record_kind].get(subject, [])
                value = spec.function(selected, min_sample=minimum, **opts)
                if report.count:
                    value = attrs.evolve(value, rejected=report).with_flags("rejected_records")
                row[spec.name] = value
        values[subject] = FrozenDict(row)
    return RollUp(level, values, reports)
