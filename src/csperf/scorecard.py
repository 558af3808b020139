"""The scorecard (绩效考核表): dimensions, indicators, weights and grades, and its evaluation.

:meth:`Scorecard.evaluate` computes in exact rational arithmetic on the decimal values of its
inputs, so a total rounds the way a person rounds the printed number.
:meth:`Scorecard.evaluate_many` computes a whole population with numpy and settles exactly the
few rows whose float total lies near a rounding tie, so both agree on every total and grade.
Both run in one kernel (:mod:`csperf._kernel`): the same weights per missing-value pattern, the
same exact sums.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._kernel import Kernel, check_domain, exact_items, exact_row, item_columns
from csperf._keys import valid_key
from csperf._numbers import KEYED_REAL, exact, must, positive, round_half_up
from csperf._tables import read_row, read_table
from csperf.adjustments import Adjustment, Veto, VetoEffect
from csperf.dimensions import Dimension
from csperf.errors import (
    MissingMeasurementError,
    UnknownNameError,
    ValidationError,
    WeightingError,
)
from csperf.grading import GradeScale
from csperf.indicators import Indicator
from csperf.results import (
    AdjustmentResult,
    BatchResult,
    DimensionResult,
    IndicatorResult,
    ScorecardResult,
    VetoResult,
)
from csperf.text import KEYED_TEXT, Text, localize
from csperf.weighting import Weighting

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MissingPolicy", "Scorecard"]


class MissingPolicy(str, enum.Enum):
    """What to do when a subject has no measurement for an indicator.

    Attributes:
        ERROR: Raise :class:`~csperf.errors.MissingMeasurementError` (the default).
        ZERO: Score the indicator 0 points; weights are unchanged.
        REDISTRIBUTE: Share the indicator's weight among the other indicators of its dimension in
            proportion to their weights; a dimension left with no measured indicator shares its
            weight among the other dimensions in the same way. The result lists what moved.
    """

    ERROR = "error"
    ZERO = "zero"
    REDISTRIBUTE = "redistribute"

    def __str__(self) -> str:
        return self.value


def _policy(value: Any) -> MissingPolicy:
    try:
        return MissingPolicy(value)
    except ValueError:
        raise ValidationError(
            msg="field 'missing' must be one of "
            f"{', '.join(p.value for p in MissingPolicy)}, got {value!r}",
            obj="Scorecard",
            field="missing",
            value=value,
        ) from None


def _sequence(value: Any, field: str) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise ValidationError(
            msg=f"field {field!r} must be a sequence, got {type(value).__name__}",
            obj="Scorecard",
            field=field,
            value=value,
        )
    return tuple(value)


def _dimension_sequence(value: Sequence[Dimension]) -> tuple[Dimension, ...]:
    return _sequence(value, "dimensions")


def _indicator_sequence(value: Sequence[Indicator]) -> tuple[Indicator, ...]:
    return _sequence(value, "indicators")


def _veto_sequence(value: Sequence[Veto]) -> tuple[Veto, ...]:
    return _sequence(value, "vetoes")


def _adjustment_sequence(value: Sequence[Adjustment]) -> tuple[Adjustment, ...]:
    return _sequence(value, "adjustments")


def _bonus_cap(value: Any) -> float | None:
    if value is None:
        return None
    from csperf._numbers import as_real

    result = as_real(value, obj="Scorecard", field="bonus_cap")
    if not result > 0:
        raise ValidationError(
            msg=f"field 'bonus_cap' must be positive, got {value!r}",
            obj="Scorecard",
            field="bonus_cap",
            value=value,
        )
    return result


def _default_scale() -> GradeScale:
    return GradeScale.default()


@attrs.frozen
class Scorecard(CanonicalForm):
    """An appraisal form: dimensions, indicators, weights, grades and scoring policy.

    Attributes:
        key: Identifier of the form (``[a-z][a-z0-9_]*``).
        title: Display title, a string or a mapping of language to text.
        dimensions: The :class:`~csperf.Dimension` objects, in display order.
        indicators: The :class:`~csperf.Indicator` objects, in display order.
        weighting: The :class:`~csperf.Weighting`; every indicator has a weight in its own
            dimension and every weight has an indicator.
        grade_scale: Grades of the total; it must cover ``[0, max_points]``.
        version: Version label of the form, recorded in every result.
        precision: Decimals of the rounded total (0-10).
        missing: The :class:`MissingPolicy`.
        max_points: The most points any indicator may give: 100, or more for a card that
            rewards over-achievement (e.g. 120). Every scoring rule must stay within it, and
            so does the total after bonus items.
        vetoes: The :class:`~csperf.Veto` items (一票否决), applied after the adjustments.
        adjustments: The :class:`~csperf.Adjustment` items (加分项 / 扣分项), applied to the
            weighted total before grading.
        bonus_cap: The most points all bonus items together may add, or None.

    The card's :attr:`fingerprint` is derived from these, once, on first use.

    Raises:
        ValidationError: When any of the rules above is broken
            (:class:`~csperf.errors.WeightingError` for weights that do not match).
    """

    key: str = attrs.field(validator=valid_key)
    title: Text = attrs.field(converter=KEYED_TEXT)  # type: ignore[misc]
    dimensions: tuple[Dimension, ...] = attrs.field(converter=_dimension_sequence)
    indicators: tuple[Indicator, ...] = attrs.field(converter=_indicator_sequence)
    weighting: Weighting
    grade_scale: GradeScale = attrs.field(factory=_default_scale)
    version: str = attrs.field(
        default="1",
        validator=must("be a non-empty string", lambda v: isinstance(v, str) and v != ""),
    )
    precision: int = attrs.field(
        default=2,
        validator=must(
            "be a whole number from 0 to 10",
            lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10,
        ),
    )
    missing: MissingPolicy = attrs.field(default=MissingPolicy.ERROR, converter=_policy)
    max_points: float = attrs.field(
        default=100.0,
        converter=KEYED_REAL,  # type: ignore[misc]
        validator=positive,
    )
    vetoes: tuple[Veto, ...] = attrs.field(default=(), converter=_veto_sequence)
    adjustments: tuple[Adjustment, ...] = attrs.field(default=(), converter=_adjustment_sequence)
    bonus_cap: float | None = attrs.field(default=None, converter=_bonus_cap)

    @property
    def _obj(self) -> str:
        return f"Scorecard {self.key!r}"

    @max_points.validator
    def _check_whole_card(self, attribute: attrs.Attribute[float], value: float) -> None:
        """The parts agree with each other; runs last, after every field has been checked."""
        self._check_parts(self._obj)

    # Derived once, on first use, from the validated card. Cached properties rather than
    # ``init=False`` fields with defaults: attrs computes defaults before it runs validators,
    # so a default would hash or normalise a card that has not been checked yet.

    @functools.cached_property
    def fingerprint(self) -> str:
        """A stable SHA-256 hash of the card's canonical content (:meth:`to_dict`)."""
        return self._fingerprint()

    @functools.cached_property
    def _label_map(self) -> FrozenDict[str, Any]:
        return self._labels()

    def _check_parts(self, obj: str) -> None:
        for field, items, kind in (
            ("dimensions", self.dimensions, Dimension),
            ("indicators", self.indicators, Indicator),
        ):
            if not items:
                raise ValidationError(
                    msg=f"field {field!r} must not be empty", obj=obj, field=field, value=()
                )
            seen: set[str] = set()
            for i, item in enumerate(items):
                if not isinstance(item, kind):
                    raise ValidationError(
                        msg=f"{field}[{i}] must be a {kind.__name__}, got {item!r}",
                        obj=obj,
                        field=(field, i),
                        value=item,
                    )
                if item.key in seen:
                    raise ValidationError(
                        msg=f"{field}[{i}] repeats the key {item.key!r}",
                        obj=obj,
                        field=(field, i, "key"),
                        value=item.key,
                    )
                seen.add(item.key)
        dims = [d.key for d in self.dimensions]
        for i, ind in enumerate(self.indicators):
            if ind.dimension not in dims:
                raise ValidationError(
                    msg=f"indicator {ind.key!r} belongs to unknown dimension "
                    f"{ind.dimension!r} (dimensions: {', '.join(dims)})",
                    obj=obj,
                    field=("indicators", i, "dimension"),
                    value=ind.dimension,
                )
            if ind.scoring.max_points > self.max_points:
                raise ValidationError(
                    msg=f"indicator {ind.key!r} can score {ind.scoring.max_points:g} points, "
                    f"more than the card's max_points {self.max_points:g}",
                    obj=obj,
                    field=("indicators", i, "scoring"),
                    value=ind.scoring.max_points,
                )
        self._check_weighting(obj, dims)
        self._check_items(obj)
        if not isinstance(self.grade_scale, GradeScale):
            raise ValidationError(
                msg=f"field 'grade_scale' must be a GradeScale, got {self.grade_scale!r}",
                obj=obj,
                field="grade_scale",
                value=self.grade_scale,
            )
        if self.grade_scale.lower > 0 or self.grade_scale.upper < self.max_points:
            raise ValidationError(
                msg=f"the grade scale covers [{self.grade_scale.lower:g}, "
                f"{self.grade_scale.upper:g}] but totals range over [0, {self.max_points:g}]",
                obj=obj,
                field="grade_scale",
                value=(self.grade_scale.lower, self.grade_scale.upper),
            )

    def _check_items(self, obj: str) -> None:
        """The vetoes and adjustments: their types, keys, caps and grades."""
        seen: set[str] = set()
        for field, items, kind in (
            ("vetoes", self.vetoes, Veto),
            ("adjustments", self.adjustments, Adjustment),
        ):
            for i, item in enumerate(items):
                if not isinstance(item, kind):
                    raise ValidationError(
                        msg=f"{field}[{i}] must be a {kind.__name__}, got {item!r}",
                        obj=obj,
                        field=(field, i),
                        value=item,
                    )
                if item.key in seen:
                    raise ValidationError(
                        msg=f"{field}[{i}] repeats the key {item.key!r} (vetoes and "
                        "adjustments share one set of keys)",
                        obj=obj,
                        field=(field, i, "key"),
                        value=item.key,
                    )
                seen.add(item.key)
        scale = 10**self.precision
        for i, veto in enumerate(self.vetoes):
            if veto.grade is not None and veto.grade not in self.grade_scale.keys:
                raise ValidationError(
                    msg=f"veto {veto.key!r} caps the grade at {veto.grade!r}, which is no band "
                    f"of the grade scale ({', '.join(self.grade_scale.keys)})",
                    obj=obj,
                    field=("vetoes", i, "grade"),
                    value=veto.grade,
                )
            if veto.cap is not None:
                if veto.cap > self.max_points:
                    raise ValidationError(
                        msg=f"veto {veto.key!r} caps the total at {veto.cap:g}, above the "
                        f"card's max_points {self.max_points:g}",
                        obj=obj,
                        field=("vetoes", i, "cap"),
                        value=veto.cap,
                    )
                if (exact(veto.cap) * scale).denominator != 1:
                    raise ValidationError(
                        msg=f"veto {veto.key!r} caps the total at {veto.cap!r}, which has more "
                        f"decimals than the card's precision {self.precision}",
                        obj=obj,
                        field=("vetoes", i, "cap"),
                        value=veto.cap,
                    )

    def _check_weighting(self, obj: str, dims: list[str]) -> None:
        weighting = self.weighting
        if not isinstance(weighting, Weighting):
            raise WeightingError(
                msg=f"field 'weighting' must be a Weighting, got {weighting!r}",
                obj=obj,
                field="weighting",
                value=weighting,
            )
        if set(weighting.dimensions) != set(dims):
            raise WeightingError(
                msg=f"weighted dimensions {sorted(weighting.dimensions)} differ from the "
                f"card's dimensions {sorted(dims)}",
                obj=obj,
                field=("weighting", "dimensions"),
                value=sorted(set(weighting.dimensions) ^ set(dims)),
            )
        keys = {ind.key for ind in self.indicators}
        for ind in self.indicators:
            inner = weighting.indicators[ind.dimension]
            if ind.key not in inner:
                raise WeightingError(
                    msg=f"indicator {ind.key!r} has no weight in dimension {ind.dimension!r}",
                    obj=obj,
                    field=("weighting", "indicators", ind.dimension),
                    value=ind.key,
                )
        for dim, inner in weighting.indicators.items():
            for key in inner:
                if key not in keys:
                    raise WeightingError(
                        msg=f"weighting has a weight for unknown indicator {key!r} in "
                        f"dimension {dim!r}",
                        obj=obj,
                        field=("weighting", "indicators", dim),
                        value=key,
                    )

    # -- identity -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The card's canonical content as JSON-ready data (the form its fingerprint hashes).

        ``vetoes``, ``adjustments`` and ``bonus_cap`` are left out when the card has none, so
        that a card without them keeps the fingerprint it had before they existed.
        """
        doc = super().to_dict()
        for name, empty in (("vetoes", []), ("adjustments", []), ("bonus_cap", None)):
            if name in doc and doc[name] == empty:
                del doc[name]
        return doc

    def _fingerprint(self) -> str:
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def text(self, lang: str | None = None) -> str:
        """The title in ``lang``."""
        return localize(self.title, lang)

    def indicator(self, key: str) -> Indicator:
        """The indicator with the given key.

        Raises:
            UnknownNameError: When there is none; the message lists the known keys.
        """
        found: Indicator = self._find(self.indicators, key, "indicator")
        return found

    def dimension(self, key: str) -> Dimension:
        """The dimension with the given key.

        Raises:
            UnknownNameError: When there is none; the message lists the known keys.
        """
        found: Dimension = self._find(self.dimensions, key, "dimension")
        return found

    def groups(self) -> dict[str, tuple[Indicator, ...]]:
        """Dimension key → the indicators of that dimension, both in the card's order.

        Example:
            >>> from csperf.templates import customer_service_manager
            >>> [i.key for i in customer_service_manager().groups()["efficiency"]]
            ['first_response_time', 'resolution_time']
        """
        return {
            d.key: tuple(i for i in self.indicators if i.dimension == d.key)
            for d in self.dimensions
        }

    def _find(self, items: Sequence[Any], key: str, what: str) -> Any:
        for item in items:
            if item.key == key:
                return item
        known = [item.key for item in items]
        raise UnknownNameError(
            "name",
            key,
            known,
            msg=f"Scorecard {self.key!r} has no {what} {key!r} ({what}s: {', '.join(known)})",
            field=(what, "s"),
        )

    def _labels(self) -> FrozenDict[str, Any]:
        labels: dict[str, Any] = {d.key: d.name for d in self.dimensions}
        labels.update({i.key: i.name for i in self.indicators})
        if self.vetoes:
            labels.update({f"grade.{b.key}": b.label for b in self.grade_scale.bands})
        return FrozenDict(labels)

    # -- evaluation -----------------------------------------------------------------------

    @functools.cached_property
    def _kernel(self) -> Kernel:
        return Kernel(self)

    @functools.cached_property
    def _readers(self) -> Sequence[Indicator]:
        """What the table readers read: the indicators, then the items' measurements.

        The items' readers (:class:`csperf.adjustments.Input`) offer what the readers use of
        an indicator (``key``, ``metric``, ``check_raw``).
        """
        return cast("Sequence[Indicator]", (*self.indicators, *self._kernel.plan.inputs))

    def evaluate(
        self,
        measurements: Any,
        subject: str | None = None,
        *,
        extra: str = "ignore",
        nan: str = "error",
    ) -> ScorecardResult:
        """Score one subject.

        Args:
            measurements: Measurement name → raw value: a mapping, or a pandas Series (a row
                of a DataFrame). An object with a ``row(subject)`` method, such as
                :class:`csperf.sources.Measurements`, is read through that method. None (or
                pandas ``NA``) counts as missing. A :class:`~decimal.Decimal` keeps all its
                digits.
            subject: Who is appraised, named in results and errors.
            extra: ``"ignore"`` (the default) skips names no indicator reads, since one
                subject's row (a source's rollup) usually holds every metric measured;
                ``"error"`` refuses them, to catch a misspelt metric.
            nan: ``"error"`` (the default) refuses NaN; ``"missing"`` counts it as missing.

        Returns:
            The :class:`~csperf.ScorecardResult`.

        Raises:
            MeasurementError: For NaN (unless ``nan="missing"``), infinite, boolean or
                non-numeric raw values, values outside the indicator's
                :attr:`~csperf.Indicator.value_domain`, values a rule cannot score, or an
                unknown name (under ``extra="error"``).
            MissingMeasurementError: For a missing value under ``MissingPolicy.ERROR``.
            PluginError: When a rule gives points that are not a real number in
                ``[0, max_points]``.
        """
        kernel = self._kernel
        measurements = read_row(
            measurements, self.key, self._readers, subject=subject, extra=extra, nan=nan
        )
        raws, exact_points = exact_row(kernel, measurements, subject)
        missing = [ind.key for ind, raw in zip(self.indicators, raws) if raw is None]
        if missing and self.missing is MissingPolicy.ERROR:
            self._missing_error(missing, subject)
        items = exact_items(kernel, measurements, subject) if kernel.plan.active else None
        weights = kernel.weights(tuple(raw is not None for raw in raws), subject)
        points = [Fraction(0) if p is None else p for p in exact_points]
        total = kernel.exact_total(points, weights)
        dimension_results: dict[str, DimensionResult] = {}
        for d, dim in enumerate(self.dimensions):
            dim_points = sum(
                (w * p for k, w, p in zip(kernel.dim_of, weights.within, points) if k == d),
                Fraction(0),
            )
            dimension_results[dim.key] = DimensionResult(
                key=dim.key,
                points=None if weights.emptied[d] else float(dim_points),
                weight=float(weights.dimensions[d]),
                contribution=float(weights.dimensions[d] * dim_points),
            )
        indicator_results: dict[str, IndicatorResult] = {}
        for i, ind in enumerate(self.indicators):
            raw = raws[i]
            weight = weights.indicators[i]
            indicator_results[ind.key] = IndicatorResult(
                key=ind.key,
                dimension=ind.dimension,
                raw=raw,
                points=float(points[i]),
                weight=float(weight),
                contribution=float(weight * points[i]),
                standard=None if raw is None else ind.standard(raw, subject=subject),
                missing=raw is None,
            )
        weighted_total = total
        extras: dict[str, Any] = {}
        capped: int | None = None
        if items is not None:
            done = kernel.plan.apply_exact(total, items.exact_events, items.fired)
            total = done.total
            extras = {
                "weighted_total": float(weighted_total),
                "adjusted_total": float(done.adjusted),
                "adjustments": tuple(
                    AdjustmentResult(
                        key=a.key,
                        kind=a.kind.value,
                        events=n,
                        missing=n is None,
                        points_per_event=a.points,
                        cap=a.cap,
                        amount=float(amount),
                        applied=float(change),
                        label=a.label,
                        reason=a.reason,
                    )
                    for a, n, amount, change in zip(
                        self.adjustments, items.events, done.amounts, done.applied
                    )
                ),
                "vetoes": tuple(
                    VetoResult(
                        key=v.key,
                        effect=v.effect.value,
                        condition=v.condition(),
                        fired=hit,
                        value=value,
                        missing=value is None,
                        limit=_limit(v),
                        label=v.label,
                        reason=v.reason,
                    )
                    for v, value, hit in zip(self.vetoes, items.values, items.fired)
                ),
                "max_points": self.max_points,
                "missing_policy": self.missing.value,
            }
            caps = [c for c, hit in zip(kernel.grade_caps, items.fired) if hit and c is not None]
            capped = min(caps) if caps else None
        rounded = float(round_half_up(total, self.precision))
        grade = self.grade_scale.grade(rounded, subject=subject)
        if capped is not None:
            ordered = self.grade_scale.ordered
            grade = ordered[min(ordered.index(grade), capped)]
        return ScorecardResult(
            scorecard=self.key,
            version=self.version,
            fingerprint=self.fingerprint,
            subject=subject,
            indicators=FrozenDict(indicator_results),
            dimensions=FrozenDict(dimension_results),
            total=rounded,
            unrounded_total=float(total),
            precision=self.precision,
            grade=grade,
            redistributed=weights.moved,
            labels=self._label_map,
            **extras,
        )

    def _missing_error(self, missing: Sequence[str], subject: str | None) -> None:
        ind = self.indicator(missing[0])
        who = f" for subject {subject!r}" if subject is not None else ""
        raise MissingMeasurementError(
            msg=f"Scorecard {self.key!r}: no measurement {ind.metric!r}{who} "
            f"(indicator {ind.key!r}"
            + (f"; also missing: {', '.join(missing[1:])}" if missing[1:] else "")
            + ")",
            field=ind.metric,
            subject=subject,
            missing=list(missing),
        )

    def evaluate_many(
        self,
        table: Any,
        *,
        subject: str | None = None,
        extra: str = "error",
        nan: str = "error",
    ) -> BatchResult:
        """Score a whole population at once.

        Args:
            table: A pandas DataFrame (numpy or nullable columns), a Polars DataFrame, a
                PyArrow Table or RecordBatch (or any table exporting ``__arrow_c_stream__``);
                or column name → 1-D sequence or array of raw values; or an object with a
                ``to_columns()`` method returning such a mapping
                (:class:`csperf.sources.Measurements`). None, pandas ``NA``, a masked entry
                and an Arrow null count as missing. A float64 array is read in place, never
                copied.
            subject: The column (or pandas index) holding the subjects; by default the one
                named ``subject``, if any. A table whose subjects are in a column of another
                name (``employee_id``) is refused with a message suggesting ``subject=``.
            extra: ``"error"`` (the default) refuses a column that no indicator reads and that
                is not the subject column; ``"ignore"`` skips it.
            nan: ``"error"`` (the default) refuses NaN, as :meth:`evaluate` does;
                ``"missing"`` counts it as a missing value (the empty cell of
                ``pandas.read_csv``).

        Returns:
            A :class:`~csperf.BatchResult` whose every row has exactly the total and grade
            :meth:`evaluate` gives it.

        Raises:
            MeasurementError: As :meth:`evaluate`, naming the first subject at fault; also for
                columns of different lengths or a subject column that is absent or holds a
                non-string.
            MissingMeasurementError: As :meth:`evaluate`.
            PluginError: As :meth:`evaluate`.
        """
        read = read_table(table, self.key, self._readers, subject=subject, extra=extra, nan=nan)
        subjects = read.subjects
        raw: list[NDArray[np.float64]] = []
        present: list[NDArray[np.bool_] | None] = []
        originals: list[Any] = []
        for ind in self.indicators:
            column = read.columns[ind.key]
            mask = None if column.present.all() else column.present
            check_domain(ind, column.values, mask, subjects)
            raw.append(column.values)
            present.append(mask)
            originals.append(column.exact)
        if self.missing is MissingPolicy.ERROR:
            gaps = [int(np.argmin(m)) for m in present if m is not None]
            if gaps:
                row = min(gaps)
                self._missing_error(
                    [
                        ind.key
                        for ind, m in zip(self.indicators, present)
                        if m is not None and not m[row]
                    ],
                    subjects[row],
                )
        kernel = self._kernel
        items = item_columns(kernel, read.columns, subjects) if kernel.plan.active else None
        arrays = kernel.batch(raw, present, subjects, originals, items=items)
        keys = [ind.key for ind in self.indicators]
        return BatchResult(
            scorecard=self.key,
            version=self.version,
            fingerprint=self.fingerprint,
            subjects=subjects,
            totals=arrays.totals,
            unrounded_totals=arrays.unrounded,
            grades=arrays.grades,
            points=FrozenDict(zip(keys, arrays.points)),
            weights=FrozenDict(zip(keys, arrays.weights)),
            dimension_points=FrozenDict(
                zip((d.key for d in self.dimensions), arrays.dimension_points)
            ),
            raw=FrozenDict(zip(keys, raw)),
            grade_scale=self.grade_scale,
            precision=self.precision,
            complete=all(m is None for m in present),
            weighted_totals=arrays.weighted,
            adjustments=FrozenDict(zip((a.key for a in self.adjustments), arrays.applied)),
            vetoes=FrozenDict(
                zip((v.key for v in self.vetoes), [] if items is None else items.fired)
            ),
            grade_positions=arrays.positions,
        )


def _limit(veto: Veto) -> float | str:
    """What a veto limits: its cap, its band key, or 0."""
    if veto.effect is VetoEffect.CAP_TOTAL:
        assert veto.cap is not None
        return veto.cap
    if veto.effect is VetoEffect.CAP_GRADE:
        assert veto.grade is not None
        return veto.grade
    return 0.0
