"""What an evaluation produces: per-indicator, per-dimension and whole-scorecard results."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._labels import label
from csperf.grading import GradeBand
from csperf.text import plain_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "BatchResult",
    "DimensionResult",
    "IndicatorResult",
    "Redistribution",
    "ScorecardResult",
]


def _pct(weight: float) -> str:
    return f"{weight * 100:.4g}%"


@attrs.frozen
class IndicatorResult:
    """How one indicator scored for one subject.

    Attributes:
        key: The indicator's key.
        dimension: The key of its dimension.
        raw: The raw measurement, or None when it was missing.
        points: Points from the indicator's scoring rule (0 for a missing value under
            ``MissingPolicy.ZERO``).
        weight: The effective weight used (after any redistribution).
        contribution: ``weight × points``.
        standard: The raw value's band on the indicator's standards, or None.
        missing: Whether the measurement was missing.
    """

    key: str
    dimension: str
    raw: float | None
    points: float
    weight: float
    contribution: float
    standard: GradeBand | None = None
    missing: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "dimension": self.dimension,
            "raw": self.raw,
            "points": self.points,
            "weight": self.weight,
            "contribution": self.contribution,
            "standard": None if self.standard is None else self.standard.key,
            "missing": self.missing,
        }


@attrs.frozen
class DimensionResult:
    """How one dimension scored for one subject.

    Attributes:
        key: The dimension's key.
        points: The weighted mean of its indicators' points (weights within the dimension),
            or None when every indicator was missing and its weight was redistributed.
        weight: The dimension weight used (after any redistribution).
        contribution: ``weight × points`` (the sum of its indicators' contributions).
    """

    key: str
    points: float | None
    weight: float
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {"points": self.points, "weight": self.weight, "contribution": self.contribution}


@attrs.frozen
class Redistribution(CanonicalForm):
    """A weight moved away from a missing indicator or an empty dimension.

    Attributes:
        source: The key of the missing indicator, or of the emptied dimension.
        level: ``"indicator"`` or ``"dimension"``.
        weight: The weight that was freed (within the dimension, or across dimensions).
        recipients: The keys that received it, in proportion to their weights.
    """

    source: str
    level: str
    weight: float
    recipients: tuple[str, ...]

    def describe(self, lang: str | None = None) -> str:
        """One readable line, in English (the default) or Chinese (``lang="zh"``)."""
        return label(
            f"explain.moved_{self.level}",
            lang,
            source=self.source,
            weight=_pct(self.weight),
            recipients=label("list_sep", lang).join(self.recipients),
        )


@attrs.frozen
class ScorecardResult:
    """The appraisal of one subject on one scorecard.

    Attributes:
        scorecard: The scorecard's key.
        version: The scorecard's version.
        fingerprint: The scorecard's fingerprint, so the result names the form that produced it.
        subject: Who was appraised, or None.
        indicators: Indicator key → :class:`IndicatorResult`, in the scorecard's order.
        dimensions: Dimension key → :class:`DimensionResult`, in the scorecard's order.
        total: The sum of contributions rounded half up to ``precision`` decimals.
        unrounded_total: The sum of contributions before rounding.
        precision: Decimals kept in ``total``.
        grade: The band of ``total`` on the scorecard's grade scale.
        redistributed: What ``MissingPolicy.REDISTRIBUTE`` moved, in order.
        labels: Display names of the indicators and dimensions, for :meth:`explain`.
    """

    scorecard: str
    version: str
    fingerprint: str
    subject: str | None
    indicators: FrozenDict[str, IndicatorResult]
    dimensions: FrozenDict[str, DimensionResult]
    total: float
    unrounded_total: float
    precision: int
    grade: GradeBand
    redistributed: tuple[Redistribution, ...] = ()
    labels: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, naming the scorecard key, version and fingerprint."""
        return {
            "scorecard": self.scorecard,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "subject": self.subject,
            "total": self.total,
            "unrounded_total": self.unrounded_total,
            "precision": self.precision,
            "grade": {"key": self.grade.key, "label": plain_text(self.grade.label)},
            "dimensions": {k: v.to_dict() for k, v in self.dimensions.items()},
            "indicators": {k: v.to_dict() for k, v in self.indicators.items()},
            "redistributed": [r.to_dict() for r in self.redistributed],
        }

    def explain(self, lang: str | None = None) -> str:
        """A readable, line-by-line derivation of the total.

        Args:
            lang: Language of the wording and of the display names: ``"en"`` (the default) or
                ``"zh"``; names fall back to English for other languages.
        """
        from csperf.text import localize

        def name(key: str) -> str:
            shown = self.labels.get(key)
            return f"{key} ({localize(shown, lang)})" if shown is not None else key

        p = self.precision
        who = label("explain.for", lang, subject=self.subject) if self.subject is not None else ""
        lines = [
            label("explain.card", lang, card=self.scorecard, version=self.version, who=who)
            + f" [{self.fingerprint[:12]}]"
        ]
        for dim in self.dimensions.values():
            lines.append(
                label("explain.dimension", lang, name=name(dim.key), weight=_pct(dim.weight))
            )
            for ind in self.indicators.values():
                if ind.dimension != dim.key:
                    continue
                raw = label("missing", lang) if ind.raw is None else f"{ind.raw:g}"
                standard = f" [{localize(ind.standard.label, lang)}]" if ind.standard else ""
                lines.append(
                    "  "
                    + label(
                        "explain.indicator",
                        lang,
                        name=name(ind.key),
                        raw=raw,
                        standard=standard,
                        points=f"{ind.points:.{p + 2}f}",
                        weight=_pct(ind.weight),
                        contribution=f"{ind.contribution:.{p + 2}f}",
                    )
                )
            if dim.points is None:
                lines.append("  " + label("explain.emptied", lang))
            else:
                lines.append(
                    "  "
                    + label(
                        "explain.subtotal",
                        lang,
                        points=f"{dim.points:.{p + 2}f}",
                        weight=_pct(dim.weight),
                        contribution=f"{dim.contribution:.{p + 2}f}",
                    )
                )
        lines.extend(r.describe(lang) for r in self.redistributed)
        parts = " + ".join(f"{d.contribution:.{p + 2}f}" for d in self.dimensions.values())
        lines.append(
            label(
                "explain.total",
                lang,
                parts=parts,
                unrounded=f"{self.unrounded_total:.{p + 4}g}",
                total=f"{self.total:.{p}f}",
                precision=p,
            )
        )
        lines.append(
            label(
                "explain.grade",
                lang,
                label=localize(self.grade.label, lang),
                key=self.grade.key,
                lower=f"{self.grade.lower:g}",
                upper=f"{self.grade.upper:g}",
            )
        )
        return "\n".join(lines)


@attrs.frozen(eq=False)
class BatchResult:
    """The appraisal of many subjects on one scorecard, as arrays.

    Row ``i`` of every array belongs to ``subjects[i]``; every row has exactly the total and
    grade that :meth:`Scorecard.evaluate <csperf.Scorecard.evaluate>` gives that subject.

    Attributes:
        scorecard: The scorecard's key.
        version: The scorecard's version.
        fingerprint: The scorecard's fingerprint.
        subjects: The subjects, from the table's ``subject`` column (None entries without one).
        totals: Rounded totals.
        unrounded_totals: Totals before rounding.
        grades: Grade band keys.
        points: Indicator key → points (NaN where a value was missing and its weight
            redistributed).
        weights: Indicator key → effective weight used for each row.
        dimension_points: Dimension key → points (NaN for an emptied dimension).
    """

    scorecard: str
    version: str
    fingerprint: str
    subjects: tuple[str | None, ...]
    totals: NDArray[np.float64]
    unrounded_totals: NDArray[np.float64]
    grades: NDArray[np.str_]
    points: FrozenDict[str, NDArray[np.float64]]
    weights: FrozenDict[str, NDArray[np.float64]]
    dimension_points: FrozenDict[str, NDArray[np.float64]]

    def __len__(self) -> int:
        return len(self.totals)

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per subject: subject, total, grade, dimension and indicator points.

        Points that are NaN (redistributed) come out as None.
        """

        def clean(value: float) -> float | None:
            return None if math.isnan(value) else float(value)

        records = []
        for i, subject in enumerate(self.subjects):
            record: dict[str, Any] = {
                "subject": subject,
                "total": float(self.totals[i]),
                "grade": str(self.grades[i]),
            }
            for key, values in self.dimension_points.items():
                record[f"dimension.{key}"] = clean(values[i])
            for key, values in self.points.items():
                record[f"points.{key}"] = clean(values[i])
            records.append(record)
        return records
