"""The example plugin: a metric source, a weight strategy, a metric and a report format.

Each is offered through one of csperf's hooks, exactly as csperf offers its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import csperf
from csperf.errors import ConfigError, WeightingError
from csperf.metrics import MetricSpec, MetricValue, Ticket
from csperf.report import Report, ReportFormat
from csperf.sources import Measurements, MetricSource
from csperf.weights import WeightResult, WeightStrategy


class JsonLinesSource(MetricSource):
    """Measurements kept as JSON lines: ``{"subject": "north", "customer_satisfaction": 0.91}``.

    Each line holds one subject's values; a missing metric is "no data".
    """

    name = "jsonl"
    summary = "Measurements from a JSON-lines file, one subject per line"
    options: ClassVar[Mapping[str, str]] = {
        "path": "the .jsonl file",
        "level": "agent, team or manager (default team)",
    }

    def __init__(self, path: str | Path, level: str = "team") -> None:
        self.path = Path(path)
        self.level = level

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> JsonLinesSource:
        unknown = sorted(set(options) - set(cls.options))
        if unknown or "path" not in options:
            raise ConfigError(
                f"source 'jsonl': options are path (required) and level, got {sorted(options)}",
                obj="source 'jsonl'",
                field=unknown[0] if unknown else "path",
                value=dict(options),
            )
        return cls(options["path"], options.get("level", "team"))

    def measure(
        self,
        *,
        period: Any = None,
        level: str | None = None,
        metrics: Any = None,
        tz: Any = None,
        strict: bool = False,
        **options: Any,
    ) -> Measurements:
        rows: dict[str, dict[str, float]] = {}
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                subject = str(row.pop("subject"))
                rows[subject] = {k: float(v) for k, v in row.items()}
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(
                    f"{self.path}:{number}: not a measurement line ({exc})",
                    obj="source 'jsonl'",
                    field="line",
                    value=line,
                    path=str(self.path),
                    line=number,
                ) from None
        names = list(metrics) if metrics else sorted({m for r in rows.values() for m in r})
        values = {
            subject: {
                m: MetricValue(row[m], 1) if m in row else MetricValue(None, 0, ("no_data",))
                for m in names
            }
            for subject, row in rows.items()
        }
        return Measurements(
            level=level or self.level, metrics=names, values=values, source=self.name
        )


def budget(card: csperf.Scorecard, *, points: Mapping[str, float]) -> WeightResult:
    """Weight dimensions in proportion to a points budget; indicators equally within each.

    ``points`` maps each dimension key to the points it is given (e.g. out of 100 or 1000).
    """
    keys = [d.key for d in card.dimensions]
    if sorted(points) != sorted(keys) or any(p < 0 for p in points.values()):
        raise WeightingError(
            f"budget: points must give every dimension ({', '.join(keys)}) a non-negative "
            f"number, got {dict(points)}",
            obj="budget",
            field="points",
            value=dict(points),
        )
    total = sum(points.values())
    dimensions = {k: points[k] / total for k in keys}
    within = {
        k: {i.key: 1 / n for i in members}
        for k in keys
        for members in [[i for i in card.indicators if i.dimension == k]]
        for n in [len(members)]
    }
    weighting = csperf.Weighting(dimensions, within)
    lines = [f"{k}: {points[k]:g} of {total:g} points = {dimensions[k]:.1%}" for k in keys]
    return WeightResult(weighting=weighting, lines=lines, strategy="budget")


BUDGET = WeightStrategy("budget", "Dimension weights in proportion to a points budget", budget)


def reopen_rate(
    selected: Sequence[Ticket], everything: Sequence[Ticket] = ()
) -> tuple[float | None, int, tuple[str, ...]]:
    """Reopened contacts divided by resolved contacts: ``(value, sample_size, flags)``.

    ``selected`` are the valid tickets of the period (and of the subject, in a roll-up).
    """
    resolved = [t for t in selected if t.resolved_at is not None]
    if not resolved:
        return None, 0, ()
    return sum(t.reopened for t in resolved) / len(resolved), len(resolved), ()


REOPEN_RATE = MetricSpec(
    name="reopen_rate",
    record_kind="tickets",
    unit="fraction",
    direction=csperf.Direction.LOWER_IS_BETTER,
    domain=(0, 1),
    description="Resolved contacts that were reopened, divided by resolved contacts.",
    citation="Help-desk practice (e.g. Zendesk's reopens per ticket).",
    compute=reopen_rate,
)


def render_ranking(report: Report) -> str:
    """The subjects from the highest total to the lowest, one line each."""
    ranked = sorted(report.results, key=lambda r: -r.total)
    lines = [f"{n}. {r.subject}: {r.total:g} ({r.grade.key})" for n, r in enumerate(ranked, 1)]
    return "\n".join(lines) + "\n"


RANKING = ReportFormat(
    "ranking", ".txt", render_ranking, summary="Subjects ranked by total, one per line"
)


@csperf.hookimpl
def csperf_metrics() -> list[MetricSpec]:
    """Offer the reopen rate."""
    return [REOPEN_RATE]


@csperf.hookimpl
def csperf_report_formats() -> list[ReportFormat]:
    """Offer the ranking."""
    return [RANKING]


@csperf.hookimpl
def csperf_metric_sources() -> list[type[MetricSource]]:
    """Offer the JSON-lines source."""
    return [JsonLinesSource]


@csperf.hookimpl
def csperf_weight_strategies() -> list[WeightStrategy]:
    """Offer the points-budget strategy."""
    return [BUDGET]
