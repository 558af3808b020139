"""What an evaluation produces: per-indicator, per-dimension and whole-scorecard results."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._labels import label
from csperf._numbers import competition_ranks
from csperf._tables import SubjectColumn
from csperf.grading import GradeBand, GradeScale
from csperf.text import Text, localize, plain_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from csperf.ratings import RatedValue

__all__ = [
    "AdjustmentResult",
    "BatchResult",
    "DimensionResult",
    "IndicatorResult",
    "Redistribution",
    "ScorecardResult",
    "VetoResult",
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


def _signed(value: float, digits: int) -> str:
    return f"{value:+.{digits}f}"


def _reason(reason: Text, lang: str | None) -> str:
    return f" ({localize(reason, lang)})" if reason else ""


@attrs.frozen
class VetoResult:
    """How one veto item (:class:`~csperf.Veto`) was judged for one subject.

    Attributes:
        key: The veto's key.
        effect: ``"cap_grade"``, ``"cap_total"`` or ``"zero"``.
        condition: The condition as text, such as ``serious_complaints >= 1``.
        fired: Whether the condition held (or the value was missing under ``zero``).
        value: The raw value read, or None when it was missing.
        missing: Whether the value was missing (the veto then fired: policy ``zero``).
        limit: The cap (``cap_total``), the band key (``cap_grade``) or 0 (``zero``).
        label: The veto's display name.
        reason: The veto's reason text.
    """

    key: str
    effect: str
    condition: str
    fired: bool
    value: float | None
    missing: bool
    limit: float | str
    label: Text = attrs.field(default="", eq=False)
    reason: Text = attrs.field(default="", eq=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "effect": self.effect,
            "condition": self.condition,
            "fired": self.fired,
            "value": self.value,
            "missing": self.missing,
            "limit": self.limit,
            "reason": plain_text(self.reason) if self.reason else "",
        }

    def effect_text(self, lang: str | None = None, grade_label: Text | None = None) -> str:
        """The effect in words: ``total at most 59``, ``grade at most fail``, ``total set to 0``."""
        limit = self.limit
        if isinstance(limit, float):
            shown: str = f"{limit:g}"
        else:
            shown = str(limit) if grade_label is None else f"{localize(grade_label, lang)}"
        return label(f"veto.{self.effect}", lang, limit=shown)

    def describe(self, lang: str | None = None, grade_label: Text | None = None) -> str:
        """One readable line, in English (the default) or Chinese (``lang="zh"``)."""
        name = f"{self.key} ({localize(self.label, lang)})" if self.label else self.key
        effect = self.effect_text(lang, grade_label)
        if self.missing:
            return label(
                "explain.veto_missing",
                lang,
                name=name,
                condition=self.condition,
                effect=effect,
                reason=_reason(self.reason, lang),
            )
        return label(
            "explain.veto",
            lang,
            name=name,
            condition=self.condition,
            value="" if self.value is None else f"{self.value:g}",
            effect=effect if self.fired else label("veto.not_fired", lang),
            reason=_reason(self.reason, lang) if self.fired else "",
        )


@attrs.frozen
class AdjustmentResult:
    """One bonus or deduction line (:class:`~csperf.Adjustment`) for one subject.

    Attributes:
        key: The item's key.
        kind: ``"bonus"`` or ``"deduction"``.
        events: The number of events read, or None when it was missing.
        missing: Whether the count was missing (the item then gives 0 points).
        points_per_event: The item's points per event.
        cap: The item's cap, or None.
        amount: ``min(events × points, cap)``, unsigned.
        applied: The signed change the item made to the total, after the card's bonus cap
            (bonuses, in the card's order) and the item's floor (deductions).
        label: The item's display name.
        reason: The item's reason text.
    """

    key: str
    kind: str
    events: float | None
    missing: bool
    points_per_event: float
    cap: float | None
    amount: float
    applied: float
    label: Text = attrs.field(default="", eq=False)
    reason: Text = attrs.field(default="", eq=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "kind": self.kind,
            "events": self.events,
            "missing": self.missing,
            "points_per_event": self.points_per_event,
            "cap": self.cap,
            "amount": self.amount,
            "applied": self.applied,
        }

    def describe(self, lang: str | None = None, digits: int = 2, policy: str = "") -> str:
        """One readable line, in English (the default) or Chinese (``lang="zh"``)."""
        name = f"{self.key} ({localize(self.label, lang)})" if self.label else self.key
        if self.missing:
            return label(
                "explain.item_missing",
                lang,
                kind=label(f"adjustment.{self.kind}", lang),
                name=name,
                policy=policy,
            )
        cap = "" if self.cap is None else label("explain.item_cap", lang, cap=f"{self.cap:g}")
        return label(
            f"explain.{self.kind}",
            lang,
            name=name,
            events=f"{self.events:g}",
            points=f"{self.points_per_event:g}",
            cap=cap,
            amount=f"{self.amount:.{digits}f}",
            applied=_signed(self.applied, digits),
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
        weighted_total: The weighted total before bonus, deduction and veto items (exact,
            as a float), or None when the card has none; ``unrounded_total`` is then the
            total after them.
        adjusted_total: The total after the bonus and deduction items, within
            ``[0, max_points]``, before the vetoes; None when the card has none.
        adjustments: One :class:`AdjustmentResult` per bonus or deduction item, in the
            card's order.
        vetoes: One :class:`VetoResult` per veto item, fired or not, in the card's order.
        max_points: The card's ``max_points`` (shown with the adjusted total).
        missing_policy: The card's missing-value policy, as its value.
        ratings: Indicator key → :class:`~csperf.ratings.RatedValue`: where the values of rated
            indicators came from (each source's raters, mean and weight), for :meth:`explain`;
            empty unless given by :meth:`with_ratings`. Not part of equality.
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
    weighted_total: float | None = None
    adjusted_total: float | None = None
    adjustments: tuple[AdjustmentResult, ...] = ()
    vetoes: tuple[VetoResult, ...] = ()
    max_points: float = attrs.field(default=100.0, eq=False, repr=False)
    missing_policy: str = attrs.field(default="error", eq=False, repr=False)
    ratings: FrozenDict[str, RatedValue] = attrs.field(
        factory=FrozenDict, eq=False, repr=False, converter=FrozenDict
    )

    def with_ratings(self, ratings: Mapping[str, RatedValue]) -> ScorecardResult:
        r"""This result with the provenance of its rated indicators, for :meth:`explain`.

        Args:
            ratings: Indicator key → the :class:`~csperf.ratings.RatedValue` that gave its
                raw value (:meth:`RatedValues.get <csperf.ratings.RatedValues.get>` of the
                subject and the indicator's metric).

        Raises:
            ValidationError: For a key that is no indicator of the result, or a rated value
                that is not the raw value scored (another subject's, or another period's).

        Examples:
            >>> from csperf.ratings import Rating, rate
            >>> from csperf.templates import customer_service_manager
            >>> card = customer_service_manager()
            >>> rated = rate(card, [Rating(r, "peer", "ann", "collaboration_rating", s)
            ...                     for r, s in [("bob", 4), ("cy", 5), ("dee", 4)]])
            >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.004,
            ...        "first_response_time": 45, "resolution_time": 20000,
            ...        "product_knowledge": 88, "script_compliance": 0.93,
            ...        "information_sharing_rate": 0.97, **rated.row("ann")}
            >>> result = card.evaluate(row, "ann").with_ratings(
            ...     {"collaboration_rating": rated.get("ann", "collaboration_rating")})
            >>> print("\n".join(result.explain().splitlines()[15:17]))
                peer: 3 rater(s), mean 4.3333, weight 100%
                combined value: 100% × 4.3333 = 4.3333
        """
        from csperf.errors import ValidationError

        for key, rated in ratings.items():
            item = self.indicators.get(key)
            if item is None:
                raise ValidationError(
                    msg=f"ratings name {key!r}, which is no indicator of the result "
                    f"(indicators: {', '.join(self.indicators)})",
                    obj="ScorecardResult",
                    field=("ratings", key),
                    subject=self.subject,
                    value=key,
                )
            value = getattr(rated, "value", None)
            same = (value is None) == (item.raw is None) and (
                value is None or float(value) == item.raw
            )
            if not same or getattr(rated, "ratee", self.subject) != self.subject:
                raise ValidationError(
                    msg=f"the ratings given for {key!r} (ratee {getattr(rated, 'ratee', None)!r},"
                    f" value {None if value is None else float(value)!r}) are not those of the "
                    f"value scored (subject {self.subject!r}, raw {item.raw!r})",
                    obj="ScorecardResult",
                    field=("ratings", key),
                    subject=self.subject,
                    value=None if value is None else float(value),
                )
        merged: dict[str, RatedValue] = dict(self.ratings.items())
        merged.update(ratings.items())
        return attrs.evolve(self, ratings=merged)

    @property
    def fired(self) -> tuple[VetoResult, ...]:
        """The vetoes that fired, in the card's order."""
        return tuple(v for v in self.vetoes if v.fired)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, naming the scorecard key, version and fingerprint.

        The keys ``weighted_total``, ``adjusted_total``, ``adjustments`` and ``vetoes`` are
        there only when the card has bonus, deduction or veto items.
        """
        doc = self._to_dict()
        if self.weighted_total is not None:
            doc["weighted_total"] = self.weighted_total
            doc["adjusted_total"] = self.adjusted_total
            doc["adjustments"] = {a.key: a.to_dict() for a in self.adjustments}
            doc["vetoes"] = {v.key: v.to_dict() for v in self.vetoes}
        return doc

    def _to_dict(self) -> dict[str, Any]:
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

        Under a rated indicator whose provenance the result holds (:meth:`with_ratings`), one
        line per source (its raters, mean and weight, or "too few raters" for a source
        withheld, never its scores) and the combined value, as
        :meth:`RatedValue.describe <csperf.ratings.RatedValue.describe>` words them.

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
                rated = self.ratings.get(ind.key)
                if rated is not None:
                    lines.extend(
                        "    " + line for line in rated.describe(lang, combined=True).splitlines()
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
        if self.weighted_total is None:
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
        else:
            lines.extend(self._explain_items(lang, parts))
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

    def _explain_items(self, lang: str | None, parts: str) -> list[str]:
        """The lines from the weighted total to the unrounded total: items, bounds, vetoes."""
        p = self.precision
        assert self.weighted_total is not None
        assert self.adjusted_total is not None
        weighted = f"{self.weighted_total:.{p + 2}f}"
        lines = [label("explain.weighted", lang, parts=parts, total=weighted)]
        for item in self.adjustments:
            lines.append("  " + item.describe(lang, p + 2, self.missing_policy))
        if self.adjustments:
            signed = "".join(
                f" {'+' if a.applied >= 0 else '-'} {abs(a.applied):.{p + 2}f}"
                for a in self.adjustments
            )
            lines.append(
                label(
                    "explain.adjusted",
                    lang,
                    parts=weighted + signed,
                    total=f"{self.adjusted_total:.{p + 2}f}",
                    max_points=f"{self.max_points:g}",
                )
            )
        for veto in self.vetoes:
            shown = self.labels.get(f"grade.{veto.limit}") if veto.effect == "cap_grade" else None
            lines.append("  " + veto.describe(lang, shown))
        lines.append(
            label(
                "explain.final",
                lang,
                unrounded=f"{self.unrounded_total:.{p + 4}g}",
                total=f"{self.total:.{p}f}",
                precision=p,
            )
        )
        return lines


def _subject_column(values: Any) -> SubjectColumn:
    return values if isinstance(values, SubjectColumn) else SubjectColumn(values)


@attrs.frozen(eq=False)
class BatchResult:
    """The appraisal of many subjects on one scorecard, as arrays.

    Row ``i`` of every array belongs to ``subjects[i]``; every row has exactly the total and
    grade that :meth:`Scorecard.evaluate <csperf.Scorecard.evaluate>` gives that subject.

    Attributes:
        scorecard: The scorecard's key.
        version: The scorecard's version.
        fingerprint: The scorecard's fingerprint.
        subjects: The subjects, from the table's subject column (None entries without one),
            as a tuple of ``str``. The result keeps the column as the table held it and builds
            this tuple on first use only; the table methods never build it.
        totals: Rounded totals.
        unrounded_totals: Totals before rounding.
        grades: Grade band keys.
        points: Indicator key → points (NaN where a value was missing and its weight
            redistributed).
        weights: Indicator key → effective weight used for each row.
        dimension_points: Dimension key → points (NaN for an emptied dimension).
        raw: Indicator key → the raw values read (NaN where missing); empty when the result
            was built without them.
        grade_scale: The scorecard's grade scale, which gives the grades' labels and order
            in :meth:`to_pandas`, :meth:`to_arrow` and :meth:`to_polars`; None when the
            result was built without it.
        precision: Decimals kept in ``totals``, or None when not known.
        complete: True when no value was missing, so that no array holds a NaN (the table
            methods then look for none); None (the default) when not known.
        weighted_totals: The weighted totals before bonus, deduction and veto items, or None
            when the card has none (``unrounded_totals`` are then the totals after them).
        adjustments: Bonus or deduction item key → the signed points it added to each row
            (:attr:`AdjustmentResult.applied`).
        vetoes: Veto item key → whether it fired for each row (a boolean array).
        grade_positions: Each row's grade as a position in the grade scale's bands, lowest
            first, when a veto capped some grade (the grade is then not the band of the
            total); None otherwise.

    The table methods (:meth:`to_pandas`, :meth:`to_arrow`, :meth:`to_polars`) build one
    column per array, without a Python loop over the rows: ``subject``, ``raw.<indicator>``,
    ``points.<indicator>``, ``dimension.<dimension>``, for a card with bonus, deduction or
    veto items ``weighted_total``, ``adjustment.<item>`` and ``veto.<item>`` (booleans), then
    ``unrounded_total``, ``total``, ``grade``, ``grade_label`` and ``rank``. The rank is
    competition ranking ("1224") on the rounded total, highest first: subjects with equal
    totals share a rank, and the next rank skips as many places as shared the one before.
    """

    scorecard: str
    version: str
    fingerprint: str
    _subject_column: SubjectColumn = attrs.field(alias="subjects", converter=_subject_column)
    totals: NDArray[np.float64]
    unrounded_totals: NDArray[np.float64]
    grades: NDArray[np.str_]
    points: FrozenDict[str, NDArray[np.float64]]
    weights: FrozenDict[str, NDArray[np.float64]]
    dimension_points: FrozenDict[str, NDArray[np.float64]]
    raw: FrozenDict[str, NDArray[np.float64]] = attrs.field(factory=FrozenDict)
    grade_scale: GradeScale | None = None
    precision: int | None = None
    complete: bool | None = None
    weighted_totals: NDArray[np.float64] | None = None
    adjustments: FrozenDict[str, NDArray[np.float64]] = attrs.field(factory=FrozenDict)
    vetoes: FrozenDict[str, NDArray[np.bool_]] = attrs.field(factory=FrozenDict)
    grade_positions: NDArray[np.intp] | None = None

    def __len__(self) -> int:
        return len(self.totals)

    def _has_nan(self, values: NDArray[np.float64]) -> bool:
        return self.complete is not True and bool(np.isnan(values).any())

    @functools.cached_property
    def subjects(self) -> tuple[str | None, ...]:
        """The subjects as a tuple of ``str`` (None entries when the table named none)."""
        return self._subject_column.as_tuple()

    def ranks(self) -> NDArray[np.int64]:
        """Competition ranks ("1224") on the rounded total, 1 for the highest.

        Example:
            >>> from csperf.templates import customer_service_manager
            >>> card = customer_service_manager()
            >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
            ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
            ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
            ...     "information_sharing_rate": 0.9}
            >>> table = {k: [v, v, v, v] for k, v in row.items()}
            >>> table["product_knowledge"] = [88, 95, 88, 60]
            >>> batch = card.evaluate_many(table)
            >>> batch.totals.tolist(), batch.ranks().tolist()
            ([89.6, 90.3, 89.6, 86.8], [2, 1, 2, 4])
        """
        totals = self.totals
        if not len(totals):
            return np.zeros(0, dtype=np.int64)
        if self.precision is not None:
            # Rounded totals are whole numbers of 10**-precision: count them in one pass.
            steps = np.rint(totals * 10.0**self.precision).astype(np.int64)
            low = int(steps.min())
            span = int(steps.max()) - low + 1
            if span <= 4 * len(totals) + 1024:
                counts = np.bincount(steps - low, minlength=span)
                higher = np.cumsum(counts[::-1])[::-1] - counts
                return (higher[steps - low] + 1).astype(np.int64)
        ranked: NDArray[np.int64] = competition_ranks(totals)
        return ranked

    def _grade_codes(self) -> tuple[NDArray[np.int16], list[str], list[Any]]:
        """Each row's grade as a position in the ordered band keys, the keys, their labels."""
        if self.grade_scale is not None:
            bands = self.grade_scale.ordered
            keys = [b.key for b in bands]
            labels: list[Any] = [b.label for b in bands]
            if self.grade_positions is not None:  # a veto capped some grades
                return self.grade_positions.astype(np.int16), keys, labels
            # The grade of a row is the band of its rounded total: the same positions.
            return self.grade_scale.indices(self.totals).astype(np.int16), keys, labels
        keys = sorted({str(g) for g in np.unique(self.grades)})
        codes = np.full(len(self.totals), -1, dtype=np.int16)
        for j, key in enumerate(keys):
            codes[self.grades == key] = j
        return codes, keys, list(keys)

    def _table_columns(self) -> list[tuple[str, NDArray[Any]]]:
        """The float and integer columns of the tables, in order (no subject, no grade)."""
        columns: list[tuple[str, NDArray[Any]]] = []
        columns.extend((f"raw.{key}", values) for key, values in self.raw.items())
        columns.extend((f"points.{key}", values) for key, values in self.points.items())
        columns.extend(
            (f"dimension.{key}", values) for key, values in self.dimension_points.items()
        )
        if self.weighted_totals is not None:
            columns.append(("weighted_total", self.weighted_totals))
            columns.extend((f"adjustment.{key}", v) for key, v in self.adjustments.items())
            columns.extend((f"veto.{key}", v) for key, v in self.vetoes.items())
        columns.append(("unrounded_total", self.unrounded_totals))
        columns.append(("total", self.totals))
        return columns

    def to_pandas(self, lang: str | None = None) -> Any:
        """The result as a pandas DataFrame, one row per subject (needs pandas).

        The float columns share the result's arrays (no copy; NaN where a value was missing
        or redistributed); ``grade`` and ``grade_label`` are ordered categoricals, lowest band
        first (``grade_label`` strings when two bands share a label); ``rank`` is an integer
        column (see the class docstring for the columns).

        Args:
            lang: The language of the grade labels (see :func:`csperf.text.localize`).

        Example:
            >>> from csperf.templates import customer_service_manager
            >>> card = customer_service_manager()
            >>> li_wei = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
            ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
            ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
            ...     "information_sharing_rate": 0.9}
            >>> batch = card.evaluate_many({"subject": ["li_wei"], **{
            ...     k: [v] for k, v in li_wei.items()}})
            >>> frame = batch.to_pandas()
            >>> frame[["subject", "total", "grade", "grade_label", "rank"]]
                subject  total grade grade_label  rank
            0  li_wei   89.6  good        good     1
        """
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]

        codes, keys, labels = self._grade_codes()
        data: dict[str, Any] = {"subject": self._subject_column.as_pandas()}
        data.update(self._table_columns())
        data["grade"] = pd.Categorical.from_codes(codes, categories=keys, ordered=True)
        shown = [localize(t, lang) for t in labels]
        if len(set(shown)) == len(shown):
            data["grade_label"] = pd.Categorical.from_codes(codes, categories=shown, ordered=True)
        else:  # two bands with one label: a categorical needs distinct categories
            data["grade_label"] = pd.Series(_object_array(tuple(shown))[codes], dtype=object)
        data["rank"] = self.ranks()
        # copy=False: no consolidation of the float columns into one block (a full copy).
        return pd.DataFrame(data, copy=False)

    def to_arrow(self, lang: str | None = None) -> Any:
        """The result as a PyArrow Table, one row per subject (needs pyarrow).

        Missing and redistributed values are nulls; ``grade`` and ``grade_label`` are
        dictionary-encoded strings, ``rank`` an int64 column (see the class docstring for the
        columns). Float columns without a missing value share the result's memory.

        Args:
            lang: The language of the grade labels (see :func:`csperf.text.localize`).
        """
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        codes, keys, labels = self._grade_codes()
        names = ["subject"]
        arrays: list[Any] = [self._subject_column.as_arrow()]
        for name, values in self._table_columns():
            names.append(name)
            arrays.append(pa.array(values, from_pandas=self._has_nan(values)))
        indices = pa.array(codes)
        names.extend(["grade", "grade_label", "rank"])
        arrays.append(pa.DictionaryArray.from_arrays(indices, pa.array(keys, pa.string())))
        arrays.append(
            pa.DictionaryArray.from_arrays(
                indices, pa.array([localize(t, lang) for t in labels], pa.string())
            )
        )
        arrays.append(pa.array(self.ranks()))
        return pa.Table.from_arrays(arrays, names=names)

    def to_polars(self, lang: str | None = None) -> Any:
        """The result as a Polars DataFrame, one row per subject (needs polars).

        Missing and redistributed values are nulls; ``grade`` is an ``Enum`` of the band keys,
        lowest band first, ``grade_label`` a string column, ``rank`` an Int64 column (see the
        class docstring for the columns).

        Args:
            lang: The language of the grade labels (see :func:`csperf.text.localize`).
        """
        import polars as pl  # type: ignore[import-not-found, unused-ignore]

        codes, keys, labels = self._grade_codes()
        where = codes.astype(np.int64)
        series = [self._subject_column.as_polars()]
        for name, values in self._table_columns():
            series.append(pl.Series(name, values, nan_to_null=self._has_nan(values)))
        series.append(pl.Series("grade", keys, dtype=pl.Enum(keys))[where])
        series.append(pl.Series("grade_label", [localize(t, lang) for t in labels])[where])
        series.append(pl.Series("rank", self.ranks()))
        return pl.DataFrame(series)

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per subject: subject, total, grade, dimension and indicator points.

        Points that are NaN (redistributed) come out as None.
        """
        names = ["subject", "total", "grade"]
        columns: list[list[Any]] = [
            list(self.subjects),
            self.totals.tolist(),
            self.grades.tolist(),
        ]
        for prefix, arrays in (("dimension", self.dimension_points), ("points", self.points)):
            for key, values in arrays.items():
                names.append(f"{prefix}.{key}")
                columns.append(_none_for_nan(values))
        for key, values in self.adjustments.items():
            names.append(f"adjustment.{key}")
            columns.append(values.tolist())
        for key, fired in self.vetoes.items():
            names.append(f"veto.{key}")
            columns.append(fired.tolist())
        return [dict(zip(names, row)) for row in zip(*columns)]


def _none_for_nan(values: NDArray[np.float64]) -> list[float | None]:
    """The values as Python floats, None for NaN."""
    nans = np.isnan(values)
    if not nans.any():
        result: list[float | None] = values.tolist()
        return result
    boxed = values.astype(object)
    boxed[nans] = None
    result = boxed.tolist()
    return result


def _object_array(values: tuple[Any, ...]) -> NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
