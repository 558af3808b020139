"""What every source shares: checking a request and building Measurements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import attrs

from csperf._periods import Period, as_timezone, parse_period
from csperf.errors import UnknownNameError, ValidationError
from csperf.metrics import (
    MetricSpec,
    MetricValue,
    RejectedRecords,
    RejectReport,
    RollUp,
)
from csperf.metrics._roster import LEVELS
from csperf.sources._measurements import Measurements

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = ["Request", "from_rollup", "request"]


@attrs.frozen
class Request:
    """A checked ``measure`` call.

    Attributes:
        period: The period, or None for all records.
        level: ``"agent"``, ``"team"`` or ``"manager"``.
        tz: The zone of naive timestamps, or None.
        specs: The metrics to compute, in order.
        options: Metric name → its options (without ``min_sample``).
        minimums: Metric name → its ``min_sample`` (None when not given).
    """

    period: Period | None
    level: str
    tz: tzinfo | None
    specs: tuple[MetricSpec, ...]
    options: Mapping[str, Mapping[str, Any]]
    minimums: Mapping[str, int | None]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The record kinds the metrics read, sorted."""
        return tuple(sorted({spec.record_kind for spec in self.specs}))

    @property
    def bounds(self) -> tuple[Any, Any] | None:
        """``(start, end)`` for the catalog, or None."""
        return None if self.period is None else self.period.bounds

    def catalog_options(self) -> dict[str, dict[str, Any]]:
        """The options as :func:`csperf.metrics.measure` takes them (``min_sample`` in)."""
        out: dict[str, dict[str, Any]] = {}
        for name, options in self.options.items():
            out[name] = dict(options)
            if self.minimums.get(name) is not None:
                out[name]["min_sample"] = self.minimums[name]
        return out


def _min_sample(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            msg=f"min_sample must be None or a whole number ≥ 1, got {value!r}",
            obj=name,
            field="min_sample",
            value=value,
        )
    return value


def request(
    *,
    period: Any,
    level: str,
    metrics: Iterable[str] | str | None,
    tz: Any,
    options: Mapping[str, Any],
    kinds: Iterable[str],
    plugins: PluginManager | None = None,
) -> Request:
    """Check the arguments of :meth:`MetricSource.measure`.

    Args:
        period: Anything :func:`parse_period` reads, or None.
        level: The level.
        metrics: Metric names, or None for every metric whose record kind is in ``kinds``.
        tz: The zone of naive timestamps.
        options: Metric name → mapping of that metric's options.
        kinds: The record kinds the source has.
        plugins: The plugin manager whose metrics are measured (a fresh one from
            :func:`csperf.get_plugin_manager` by default).

    Raises:
        ValidationError: For a bad level, period, zone or option.
        UnknownNameError: For an unknown metric, or options for a metric not measured.
    """
    zone = None if tz is None else as_timezone(tz, obj="measure")
    window = None if period is None else parse_period(period, tz=zone)
    if level not in LEVELS:
        raise ValidationError(
            msg=f"level must be one of {', '.join(LEVELS)}, got {level!r}",
            obj="measure",
            field="level",
            value=level,
        )
    if plugins is None:
        from csperf.hooks.manager import get_plugin_manager

        plugins = get_plugin_manager()
    if metrics is None:
        present = set(kinds)
        specs = tuple(s for s in plugins.metrics().values() if s.record_kind in present)
    else:
        names = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        specs = tuple(plugins.metric(name) for name in names)
    chosen = {spec.name: spec for spec in specs}
    settings: dict[str, dict[str, Any]] = {}
    minimums: dict[str, int | None] = {}
    for name, values in options.items():
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
        if not isinstance(values, Mapping):
            raise ValidationError(
                msg=f"the options of {name!r} must be a mapping of option to value, got {values!r}",
                obj="measure",
                field=name,
                value=values,
            )
        given = dict(values)
        minimums[name] = _min_sample(name, given.pop("min_sample", None))
        known = chosen[name].options
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValidationError(
                msg=f"unknown option {unknown[0]!r} (options: {', '.join(['min_sample', *known])})",
                obj=name,
                field=unknown[0],
                value=given[unknown[0]],
            )
        spec = chosen[name]
        if spec.expression is not None:
            from csperf.metrics._engine import empty_selection

            # the metric's own checks of the option values, building (not running) it
            spec.expression(empty_selection(spec.record_kind), None, **given)
        elif spec.compute is not None:
            spec.compute([], [], **given)
        settings[name] = given
    return Request(window, level, zone, specs, settings, minimums)


def from_rollup(
    rollup: RollUp,
    req: Request,
    *,
    source: str,
    reports: Mapping[str, RejectReport] | None = None,
) -> Measurements:
    """Measurements from a :class:`~csperf.metrics.RollUp`.

    Args:
        rollup: What :func:`csperf.metrics.measure` returned.
        req: The request it answered.
        source: The source's name.
        reports: Record kind → report that replaces the roll-up's (a source that checked the
            rows itself, such as the CSV source, knows their files and lines).
    """
    values: dict[str, dict[str, MetricValue]] = {}
    kinds = {spec.name: spec.record_kind for spec in req.specs}
    for subject, row in rollup.items():
        out = {}
        for name, value in row.items():
            if reports is not None:
                report = reports[kinds[name]]
                flags = [f for f in value.flags if f != "rejected_records"]
                if report.count:
                    flags.append("rejected_records")
                value = attrs.evolve(value, flags=flags, rejected=report)
            out[name] = value
        values[subject] = out
    rejected = RejectedRecords(reports) if reports is not None else rollup.rejected
    return Measurements(
        period=req.period,
        level=req.level,
        metrics=[spec.name for spec in req.specs],
        values=values,
        rejected=rejected,
        source=source,
    )
