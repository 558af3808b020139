"""The records source: in-memory rows measured by the metric engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from csperf.errors import ConfigError, ValidationError
from csperf.metrics import Roster, measure
from csperf.metrics._records import RECORD_KINDS
from csperf.sources._base import MetricSource, option_int, parse_options
from csperf.sources._common import from_rollup, request
from csperf.sources._measurements import Measurements

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = ["RecordsSource"]

_DATASET_SIZES = ("seed", "managers", "teams_per_manager", "agents_per_team", "days")


class RecordsSource(MetricSource):
    """Records held in memory, measured by the metric engine in the embedded DuckDB.

    Args:
        records_by_kind: Record kind (``"tickets"``, ``"surveys"``...) → records or rows:
            record instances, mappings, attrs or dataclass instances, a pandas DataFrame
            or a pyarrow Table (see :func:`csperf.metrics.validate_records`).
        roster: The :class:`~csperf.metrics.Roster` (or its rows), needed for the team and
            manager levels; records of agents not on it are rejected.
        plugins: The :class:`~csperf.PluginManager` whose metrics are measured (a fresh one
            from :func:`csperf.get_plugin_manager` by default), so that a metric registered in
            code is measured as a built-in one is.

    Attributes:
        records_by_kind: Record kind → records, as given.
        roster: The roster, or None.
        plugins: The plugin manager given, or None.

    Raises:
        ValidationError: For an unknown record kind or a bad roster.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from csperf.metrics import Ticket
        >>> t0 = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)
        >>> tickets = [Ticket(i, "ann", "chat", t0, complaint=i == 0) for i in range(4)]
        >>> m = RecordsSource({"tickets": tickets}).measure(
        ...     period="2026-07", tz="UTC", metrics=["complaint_rate"])
        >>> m.row("ann")
        {'complaint_rate': 0.25}
    """

    name = "records"
    summary = "Records in memory (or the built-in sample contact centre), measured in DuckDB."
    options: ClassVar[Mapping[str, str]] = {
        "dataset": "The built-in sample data to measure: 'contact_centre'.",
        "seed": "Seed of the sample data (default 0).",
        "managers": "Managers in the sample data (default 2).",
        "teams_per_manager": "Teams per manager (default 2).",
        "agents_per_team": "Agents per team (default 6).",
        "days": "Days of data (default 91).",
    }

    def __init__(
        self,
        records_by_kind: Mapping[str, Iterable[Any] | Any],
        roster: Roster | Any = None,
        *,
        plugins: PluginManager | None = None,
    ) -> None:
        if not isinstance(records_by_kind, Mapping):
            raise ValidationError(
                msg="records_by_kind must be a mapping of record kind to records, "
                f"got {type(records_by_kind).__name__}",
                obj="RecordsSource",
                field="records_by_kind",
                value=type(records_by_kind).__name__,
            )
        unknown = sorted(set(records_by_kind) - set(RECORD_KINDS))
        if unknown:
            raise ValidationError(
                msg=f"unknown record kind {unknown[0]!r} (known: {', '.join(RECORD_KINDS)})",
                obj="RecordsSource",
                field="records_by_kind",
                value=unknown[0],
            )
        self.records_by_kind = dict(records_by_kind)
        self.roster = roster if roster is None or isinstance(roster, Roster) else Roster(roster)
        self.plugins = plugins

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> RecordsSource:
        """The built-in sample contact centre: ``dataset=contact_centre`` and its sizes.

        Raises:
            ConfigError: For an unknown option or dataset, or a bad size.
        """
        from csperf.datasets import contact_centre

        given = parse_options(cls.name, options, cls.options, ("dataset",))
        if given.pop("dataset") != "contact_centre":
            raise ConfigError(
                msg=f"unknown dataset {options['dataset']!r} (known: contact_centre)",
                obj="source 'records'",
                field="dataset",
                value=options["dataset"],
            )
        sizes: dict[str, Any] = {k: option_int(cls.name, k, v) for k, v in given.items()}
        try:
            data = contact_centre(**sizes)
        except ValidationError as exc:
            raise ConfigError(
                msg=f"{exc.message}", obj="source 'records'", field=exc.field
            ) from exc
        return cls(data.records_by_kind(), data.roster)

    def measure(
        self,
        *,
        period: Any,
        level: str = "agent",
        metrics: Iterable[str] | str | None = None,
        tz: Any = None,
        strict: bool = False,
        **options: Any,
    ) -> Measurements:
        """Measure with :func:`csperf.metrics.measure` (see :meth:`MetricSource.measure`).

        Raises:
            ValidationError: For a bad level, period, zone or option, or a team or manager
                level without a roster.
            UnknownNameError: For an unknown metric.
            MeasurementError: With ``strict=True``, for the first bad record.
        """
        req = request(
            period=period,
            level=level,
            metrics=metrics,
            tz=tz,
            options=options,
            kinds=self.records_by_kind,
            plugins=self.plugins,
        )
        rollup = measure(
            self.records_by_kind,
            level=req.level,
            roster=self.roster,
            period=req.bounds,
            tz=req.tz,
            metrics=[spec.name for spec in req.specs],
            options=req.catalog_options(),
            strict=strict,
            plugins=self.plugins,
        )
        return from_rollup(rollup, req, source=self.name)
