"""The JSON report, schema ``csperf.report/2``, and the JSON Schema document describing it."""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csperf.report._model import Report
    from csperf.results import AdjustmentResult, ScorecardResult, VetoResult

__all__ = ["SCHEMA", "json_schema", "render_json", "report_data"]

SCHEMA = "csperf.report/2"
"""The value of the ``"schema"`` field of every JSON report this version writes."""

_SCHEMA_FILE = "report-2.schema.json"


def _finite(value: Any) -> Any:
    """``value`` with every infinite float replaced by None (JSON has no infinity)."""
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _adjustment(item: AdjustmentResult, report: Report) -> dict[str, Any]:
    """One bonus or deduction line of a subject (schema ``$defs/adjustment``)."""
    return {
        "key": item.key,
        "kind": item.kind,
        "label": report.text(item.label) if item.label else item.key,
        "events": item.events,
        "missing": item.missing,
        "points_per_event": item.points_per_event,
        "cap": item.cap,
        "amount": item.amount,
        "applied": item.applied,
        "reason": report.text(item.reason) if item.reason else "",
    }


def _veto(veto: VetoResult, result: ScorecardResult, report: Report) -> dict[str, Any]:
    """One veto line of a subject (schema ``$defs/veto``)."""
    grade = None
    if veto.effect == "cap_grade":
        key = str(veto.limit)
        shown = result.labels.get(f"grade.{key}")
        grade = {"key": key, "label": key if shown is None else report.text(shown)}
    return {
        "key": veto.key,
        "label": report.text(veto.label) if veto.label else veto.key,
        "condition": veto.condition,
        "value": veto.value,
        "missing": veto.missing,
        "fired": veto.fired,
        "effect": veto.effect,
        "cap": veto.limit if veto.effect == "cap_total" else None,
        "grade": grade,
        "applied": veto.effect_text(report.lang, None if grade is None else grade["label"])
        if veto.fired
        else None,
        "reason": report.text(veto.reason) if veto.reason else "",
    }


def report_data(report: Report) -> dict[str, Any]:
    """The JSON report as Python data (what :func:`render_json` serialises).

    Args:
        report: The :class:`~csperf.report.Report`.

    Returns:
        A dict following the schema ``csperf.report/2``
        (see :doc:`/explanation/report-json-schema`).
    """
    from csperf._version import __version__

    card = report.scorecard
    text = report.text
    effective = card.weighting.effective()
    scale = card.grade_scale
    counts = report.grade_counts()
    totals = report.totals()
    subjects = []
    for i, result in enumerate(report.results):
        indicators = []
        for ind in card.indicators:
            item = result.indicators[ind.key]
            sample = report.sample(i, ind.key)
            indicators.append(
                {
                    "key": ind.key,
                    "dimension": item.dimension,
                    "raw": item.raw,
                    "missing": item.missing,
                    "standard": None
                    if item.standard is None
                    else {"key": item.standard.key, "label": text(item.standard.label)},
                    "points": item.points,
                    "weight": item.weight,
                    "contribution": item.contribution,
                    "sample_size": None if sample is None else sample.sample_size,
                    "flags": [] if sample is None else list(sample.flags),
                }
            )
        subjects.append(
            {
                "subject": result.subject,
                "total": result.total,
                "unrounded_total": result.unrounded_total,
                "grade": {"key": result.grade.key, "label": text(result.grade.label)},
                "dimensions": [
                    {"key": d.key, **result.dimensions[d.key].to_dict()} for d in card.dimensions
                ],
                "indicators": indicators,
                "redistributed": [r.to_dict() for r in result.redistributed],
                "weighted_total": result.weighted_total,
                "adjusted_total": result.adjusted_total,
                "adjustments": [_adjustment(a, report) for a in result.adjustments],
                "vetoes": [_veto(v, result, report) for v in result.vetoes],
                "explanation": result.explain(report.lang).splitlines(),
            }
        )
    data = {
        "schema": SCHEMA,
        "generator": {"name": "csperf", "version": __version__},
        "lang": report.lang,
        "title": report.heading(),
        "period": report.period,
        "notes": [text(note) for note in report.notes],
        "scorecard": {
            "key": card.key,
            "title": text(card.title),
            "version": card.version,
            "fingerprint": card.fingerprint,
            "precision": card.precision,
            "max_points": card.max_points,
            "missing": card.missing.value,
            "grade_scale": {
                "closed": scale.closed,
                "bands": [
                    {"key": b.key, "label": text(b.label), "lower": b.lower, "upper": b.upper}
                    for b in scale.bands
                ],
            },
            "dimensions": [
                {
                    "key": d.key,
                    "name": text(d.name),
                    "description": text(d.description),
                    "weight": card.weighting.dimensions[d.key],
                }
                for d in card.dimensions
            ],
            "indicators": [
                {
                    "key": ind.key,
                    "name": text(ind.name),
                    "dimension": ind.dimension,
                    "direction": ind.direction.value,
                    "unit": ind.unit,
                    "metric": ind.metric,
                    "weight_in_dimension": card.weighting.indicators[ind.dimension][ind.key],
                    "weight": effective[ind.key],
                    "scoring": ind.scoring.to_dict(),
                }
                for ind in card.indicators
            ],
        },
        "summary": {
            "count": len(totals),
            "mean": report.mean_total(),
            "min": min(totals),
            "max": max(totals),
            "grades": [
                {"key": b.key, "label": text(b.label), "count": counts[b.key]} for b in scale.bands
            ],
        },
        "subjects": subjects,
    }
    finite: dict[str, Any] = _finite(data)
    return finite


def render_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as a JSON document following the schema ``csperf.report/2``.

    The fields are described one by one in :doc:`/explanation/report-json-schema`, and
    :func:`json_schema` gives the JSON Schema they follow. Infinite interval bounds are written
    as ``null``; NaN never occurs.

    Args:
        report: The :class:`~csperf.report.Report`.
        indent: Indentation, or None for a single line.

    Returns:
        The JSON text (UTF-8 safe, non-ASCII characters kept), ending with a newline.
    """
    return (
        json.dumps(report_data(report), ensure_ascii=False, indent=indent, allow_nan=False) + "\n"
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report, shipped with csperf.

    Examples:
        >>> json_schema()["properties"]["schema"]["const"]
        'csperf.report/2'
    """
    text = resources.files("csperf.report").joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
