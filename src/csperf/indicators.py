"""Indicators, their direction, and the scoring rules that turn raw values into points.

A scoring rule maps a raw measurement (a satisfaction rate, a response time in seconds...) to
points, normally in ``[0, 100]``. Every rule computes in exact rational arithmetic on the decimal
value of its inputs (:meth:`ScoringRule.exact_points`) and offers a vectorised float version
(:meth:`ScoringRule.points_array`) for batches.
"""

from __future__ import annotations

import abc
import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs
import numpy as np

from csperf._numbers import as_real, exact
from csperf.errors import MeasurementError, ValidationError
from csperf.grading import GradeBand, GradeScale, check_key
from csperf.text import Text, localize, plain_text, to_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "Direction",
    "Indicator",
    "Piecewise",
    "RatioToTarget",
    "ScoringRule",
    "Steps",
    "TargetTolerance",
]


class Direction(str, enum.Enum):
    """Which raw values are better.

    Attributes:
        HIGHER_IS_BETTER: More is better (satisfaction, compliance).
        LOWER_IS_BETTER: Less is better (complaint rate, response time).
        TARGET_IS_BEST: Closest to a target is best (e.g. schedule adherence around 100 %);
            a tolerance around the target scores full points, points fall off beyond it.
    """

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    TARGET_IS_BEST = "target_is_best"

    def __str__(self) -> str:
        return self.value


def _shape(values: Sequence[float]) -> set[Direction]:
    """The directions a sequence of points (ordered by raw value) agrees with."""
    steps = [b - a for a, b in zip(values, values[1:])]
    agrees: set[Direction] = set()
    if all(s >= 0 for s in steps):
        agrees.add(Direction.HIGHER_IS_BETTER)
    if all(s <= 0 for s in steps):
        agrees.add(Direction.LOWER_IS_BETTER)
    # Unimodal: never rises again after it has started to fall.
    fallen = False
    unimodal = True
    for s in steps:
        if s < 0:
            fallen = True
        elif s > 0 and fallen:
            unimodal = False
    if unimodal:
        agrees.add(Direction.TARGET_IS_BEST)
    return agrees


def _direction_error(rule: str, direction: Direction, obj: str, detail: str) -> ValidationError:
    return ValidationError(
        f"{obj}: scoring rule {rule} disagrees with direction {direction.value}: {detail}",
        obj=obj,
        field="scoring",
        value=rule,
    )


class ScoringRule(abc.ABC):
    """Base class of scoring rules: raw value in, points out.

    Subclass it to write a rule of your own (and offer it to config files through the
    ``csperf_scoring_rules`` hook). A subclass must implement :meth:`exact_points`,
    :attr:`max_points`, :meth:`check_direction` and :meth:`to_dict`; it may override
    :meth:`points_array` with a vectorised version (the default loops over the values).

    Attributes:
        kind: The rule's name in scorecard files (``"piecewise"``, ``"steps"``...).
    """

    kind: ClassVar[str] = ""

    @abc.abstractmethod
    def exact_points(self, raw: Fraction) -> Fraction:
        """Points for an exact raw value.

        Raises:
            MeasurementError: When the raw value is outside what the rule can score.
        """

    @property
    @abc.abstractmethod
    def max_points(self) -> float:
        """The most points the rule can give."""

    @abc.abstractmethod
    def check_direction(self, direction: Direction, *, obj: str) -> None:
        """Raise :class:`~csperf.errors.ValidationError` if the rule rewards the wrong direction.

        Args:
            direction: The direction of the indicator that uses the rule.
            obj: The indicator's description, for the error message.
        """

    @abc.abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, with the rule's :attr:`kind` under the key ``"kind"``."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringRule:
        """Build the rule from :meth:`to_dict` output.

        The default passes every key but ``"kind"`` to the constructor as a keyword argument.

        Raises:
            ValidationError: For unknown keys or bad values.
        """
        params = {k: v for k, v in data.items() if k != "kind"}
        fields = {a.name for a in attrs.fields(cls) if a.init} if attrs.has(cls) else None
        if fields is not None:
            unknown = sorted(set(params) - fields)
            if unknown:
                raise ValidationError(
                    f"{cls.__name__}: unknown field(s) {', '.join(unknown)} "
                    f"(known: {', '.join(sorted(fields))})",
                    obj=cls.__name__,
                    field=unknown[0],
                    value=params[unknown[0]],
                )
        try:
            return cls(**params)
        except TypeError as exc:
            raise ValidationError(
                f"{cls.__name__}: {exc}", obj=cls.__name__, field="kind", value=dict(data)
            ) from None

    def bind(self, direction: Direction, *, obj: str) -> ScoringRule:
        """Check the rule against an indicator's direction and return the rule to use.

        The default checks with :meth:`check_direction` and returns ``self``; a rule whose
        formula depends on the direction returns a copy that records it.
        """
        self.check_direction(direction, obj=obj)
        return self

    def score(self, raw: float) -> float:
        """Points for a raw value, as a float (computed exactly, then rounded to a float)."""
        return float(self.exact_points(exact(raw)))

    def points_array(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """Points for an array of raw values (NaN stays NaN: it marks a missing value)."""
        out = np.full(raw.shape, np.nan)
        for i, value in enumerate(raw):
            if not math.isnan(value):
                out[i] = self.score(float(value))
        return out


def _pairs(value: Iterable[Any]) -> tuple[tuple[float, float], ...]:
    if isinstance(value, (str, bytes)):
        raise ValidationError(
            "Piecewise: field 'points' must be a sequence of (raw, points) pairs",
            obj="Piecewise",
            field="points",
            value=value,
        )
    result = []
    for i, pair in enumerate(value):
        try:
            raw, pts = pair
        except (TypeError, ValueError):
            raise ValidationError(
                f"Piecewise: points[{i}] must be a (raw, points) pair, got {pair!r}",
                obj="Piecewise",
                field=f"points[{i}]",
                value=pair,
            ) from None
        result.append(
            (
                as_real(raw, obj="Piecewise", field=f"points[{i}][0]"),
                as_real(pts, obj="Piecewise", field=f"points[{i}][1]"),
            )
        )
    return tuple(result)


@attrs.frozen
class Piecewise(ScoringRule):
    r"""Linear interpolation between breakpoints, clamped outside them.

    For breakpoints :math:`(x_0, p_0), \dots, (x_n, p_n)` with :math:`x_0 < \dots < x_n`:

    .. math::

        \text{points}(x) = \begin{cases}
            p_0 & x \le x_0 \\
            p_i + (x - x_i)\,\dfrac{p_{i+1} - p_i}{x_{i+1} - x_i} & x_i \le x < x_{i+1} \\
            p_n & x \ge x_n
        \end{cases}

    Attributes:
        points: The breakpoints ``(raw, points)``, raw values strictly increasing,
            points finite and non-negative.

    Examples:
        "95 % or more: full marks; 2 points off per percentage point below" reaches 0 points at
        45 %, so it is ``Piecewise([(0.45, 0), (0.95, 100)])``; add a breakpoint such as
        ``(0.80, 70)`` and ``(0.7999, 0)`` to cut it off sharply below 80 %.

        >>> rule = Piecewise([(0.45, 0), (0.95, 100)])
        >>> rule.score(0.9234)
        94.68
    """

    kind: ClassVar[str] = "piecewise"

    points: tuple[tuple[float, float], ...] = attrs.field(converter=_pairs)
    _exact: tuple[tuple[Fraction, ...], tuple[Fraction, ...]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self,
            "_exact",
            (tuple(exact(x) for x, _ in self.points), tuple(exact(p) for _, p in self.points)),
        )
        if len(self.points) < 2:
            raise ValidationError(
                f"Piecewise: needs at least two breakpoints, got {len(self.points)}",
                obj="Piecewise",
                field="points",
                value=self.points,
            )
        for i, ((x0, _), (x1, _)) in enumerate(zip(self.points, self.points[1:])):
            if not x0 < x1:
                raise ValidationError(
                    f"Piecewise: raw values must be strictly increasing, but points[{i + 1}] "
                    f"has {x1:g} after {x0:g}",
                    obj="Piecewise",
                    field=f"points[{i + 1}][0]",
                    value=x1,
                )
        for i, (_, p) in enumerate(self.points):
            if p < 0:
                raise ValidationError(
                    f"Piecewise: points must not be negative, but points[{i}] gives {p:g}",
                    obj="Piecewise",
                    field=f"points[{i}][1]",
                    value=p,
                )

    @property
    def max_points(self) -> float:
        """The highest breakpoint."""
        return max(p for _, p in self.points)

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        """See :meth:`ScoringRule.check_direction`."""
        if direction not in _shape([p for _, p in self.points]):
            raise _direction_error(
                "piecewise",
                direction,
                obj,
                "points "
                + ", ".join(f"{x:g}→{p:g}" for x, p in self.points)
                + {
                    Direction.HIGHER_IS_BETTER: " fall as the raw value rises",
                    Direction.LOWER_IS_BETTER: " rise as the raw value rises",
                    Direction.TARGET_IS_BEST: " rise again after falling",
                }[direction],
            )

    def exact_points(self, raw: Fraction) -> Fraction:
        """See :meth:`ScoringRule.exact_points`."""
        xs, ps = self._exact
        if raw <= xs[0]:
            return ps[0]
        for x0, x1, p0, p1 in zip(xs, xs[1:], ps, ps[1:]):
            if raw < x1:
                return p0 + (raw - x0) * (p1 - p0) / (x1 - x0)
        return ps[-1]

    def points_array(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """See :meth:`ScoringRule.points_array`."""
        xs = np.array([x for x, _ in self.points])
        ps = np.array([p for _, p in self.points])
        return np.asarray(np.interp(raw, xs, ps), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """See :meth:`ScoringRule.to_dict`."""
        return {"kind": self.kind, "points": [[x, p] for x, p in self.points]}


def _steps(value: Iterable[Any]) -> tuple[tuple[float, float, float], ...]:
    if isinstance(value, (str, bytes)):
        raise ValidationError(
            "Steps: field 'steps' must be a sequence of (lower, upper, points) triples",
            obj="Steps",
            field="steps",
            value=value,
        )
    result = []
    for i, item in enumerate(value):
        try:
            lower, upper, pts = item
        except (TypeError, ValueError):
            raise ValidationError(
                f"Steps: steps[{i}] must be a (lower, upper, points) triple, got {item!r}",
                obj="Steps",
                field=f"steps[{i}]",
                value=item,
            ) from None
        lo = (
            -math.inf
            if lower is None
            else as_real(lower, obj="Steps", field=f"steps[{i}][0]", allow_infinite=True)
        )
        hi = (
            math.inf
            if upper is None
            else as_real(upper, obj="Steps", field=f"steps[{i}][1]", allow_infinite=True)
        )
        result.append((lo, hi, as_real(pts, obj="Steps", field=f"steps[{i}][2]")))
    return tuple(result)


@attrs.frozen
class Steps(ScoringRule):
    """A standards table: ranges of raw values to fixed points.

    Each step is ``(lower, upper, points)``; ``None`` stands for an open end. With
    ``closed="left"`` a range is ``[lower, upper)`` and the highest range also includes its upper
    bound; with ``closed="right"`` a range is ``(lower, upper]`` and the lowest range also includes
    its lower bound. Ranges must be contiguous. A raw value outside every range is a
    :class:`~csperf.errors.MeasurementError`: it is never scored by guess.

    Attributes:
        steps: The ``(lower, upper, points)`` triples, in any order.
        closed: ``"left"`` or ``"right"``.

    Examples:
        "90 % or more → 100, 80-90 % → 85, 70-80 % → 70, below 70 % → 0":

        >>> rule = Steps([(0.9, None, 100), (0.8, 0.9, 85), (0.7, 0.8, 70), (None, 0.7, 0)])
        >>> rule.score(0.9), rule.score(0.8999), rule.score(0.5)
        (100.0, 85.0, 0.0)
    """

    kind: ClassVar[str] = "steps"

    steps: tuple[tuple[float, float, float], ...] = attrs.field(converter=_steps)
    closed: Literal["left", "right"] = "left"
    _scale: GradeScale = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        for i, (_, _, p) in enumerate(self.steps):
            if p < 0:
                raise ValidationError(
                    f"Steps: points must not be negative, but steps[{i}] gives {p:g}",
                    obj="Steps",
                    field=f"steps[{i}][2]",
                    value=p,
                )
        try:
            scale = GradeScale(
                [
                    GradeBand(f"s{i}", f"step {i}", lo, hi)
                    for i, (lo, hi, _) in enumerate(self.steps)
                ],
                closed=self.closed,
            )
        except ValidationError as exc:
            raise ValidationError(
                f"Steps: {exc.message.removeprefix('GradeScale: ').replace('band', 'step')}",
                obj="Steps",
                field="steps",
                value=exc.value,
            ) from None
        object.__setattr__(self, "_scale", scale)

    def _ordered_points(self) -> list[float]:
        return [self.steps[int(b.key[1:])][2] for b in self._scale.ordered]

    @property
    def max_points(self) -> float:
        """The highest points of any step."""
        return max(p for _, _, p in self.steps)

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        """See :meth:`ScoringRule.check_direction`."""
        if direction not in _shape(self._ordered_points()):
            raise _direction_error(
                "steps",
                direction,
                obj,
                "points by rising raw value are "
                + ", ".join(f"{p:g}" for p in self._ordered_points()),
            )

    def _index(self, raw: float) -> int:
        if not self._scale.covers(raw):
            raise MeasurementError(
                f"Steps: raw value {raw!r} lies outside every step "
                f"[{self._scale.lower:g}, {self._scale.upper:g}]",
                obj="Steps",
                field="raw",
                value=raw,
            )
        return int(self._scale.grade(raw).key[1:])

    def exact_points(self, raw: Fraction) -> Fraction:
        """See :meth:`ScoringRule.exact_points`."""
        # Band edges are floats; a float raw value compares with them as its decimal value does.
        return exact(self.steps[self._index(float(raw))][2])

    def points_array(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """See :meth:`ScoringRule.points_array`."""
        out = np.full(raw.shape, np.nan)
        present = ~np.isnan(raw)
        if present.any():
            values = raw[present]
            outside = (values < self._scale.lower) | (values > self._scale.upper)
            if outside.any():
                self._index(float(values[np.argmax(outside)]))
            positions = self._scale.indices(values)
            table = np.array(self._ordered_points())
            out[present] = table[positions]
        return out

    def to_dict(self) -> dict[str, Any]:
        """See :meth:`ScoringRule.to_dict`."""
        return {
            "kind": self.kind,
            "closed": self.closed,
            "steps": [
                [None if math.isinf(lo) else lo, None if math.isinf(hi) else hi, p]
                for lo, hi, p in self.steps
            ],
        }


def _optional_direction(value: Any) -> Direction | None:
    return None if value is None else _direction(value)


@attrs.frozen
class RatioToTarget(ScoringRule):
    r"""Points as the ratio of actual to target, capped.

    .. math::

        \text{points} = \begin{cases}
            \min(\text{cap},\ 100 \cdot \text{actual} / \text{target}) & \text{higher is better} \\
            \min(\text{cap},\ 100 \cdot \text{target} / \text{actual}) & \text{lower is better}
        \end{cases}

    with ``cap`` points for an actual of 0 when lower is better. The direction is taken from the
    indicator that uses the rule. Negative raw values are a
    :class:`~csperf.errors.MeasurementError`.

    Attributes:
        target: The target value, positive.
        cap: The most points the rule gives (100, or more for over-achievement).
        direction: Filled in from the indicator; leave it out.

    Examples:
        >>> rule = RatioToTarget(60).bind(Direction.LOWER_IS_BETTER, obj="first response")
        >>> rule.score(80), rule.score(45)
        (75.0, 100.0)
    """

    kind: ClassVar[str] = "ratio_to_target"

    target: float
    cap: float = 100.0
    direction: Direction | None = attrs.field(default=None, converter=_optional_direction)

    def __attrs_post_init__(self) -> None:
        target = as_real(self.target, obj="RatioToTarget", field="target")
        cap = as_real(self.cap, obj="RatioToTarget", field="cap")
        if target <= 0:
            raise ValidationError(
                f"RatioToTarget: field 'target' must be positive, got {target:g}",
                obj="RatioToTarget",
                field="target",
                value=target,
            )
        if cap <= 0:
            raise ValidationError(
                f"RatioToTarget: field 'cap' must be positive, got {cap:g}",
                obj="RatioToTarget",
                field="cap",
                value=cap,
            )
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "cap", cap)
        if self.direction is Direction.TARGET_IS_BEST:
            raise _direction_error(
                "ratio_to_target",
                self.direction,
                "RatioToTarget",
                "it suits only higher- or lower-is-better indicators",
            )

    @property
    def max_points(self) -> float:
        """The cap."""
        return self.cap

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        """See :meth:`ScoringRule.check_direction`."""
        if direction is Direction.TARGET_IS_BEST:
            raise _direction_error(
                "ratio_to_target", direction, obj, "it suits only higher- or lower-is-better"
            )
        if self.direction is not None and self.direction is not direction:
            raise _direction_error(
                "ratio_to_target", direction, obj, f"the rule was built for {self.direction.value}"
            )

    def bind(self, direction: Direction, *, obj: str) -> ScoringRule:
        """Record the indicator's direction in a copy of the rule."""
        self.check_direction(direction, obj=obj)
        return attrs.evolve(self, direction=direction)

    def _direction(self) -> Direction:
        if self.direction is None:
            raise ValidationError(
                "RatioToTarget: the rule has no direction; give one or use it in an Indicator",
                obj="RatioToTarget",
                field="direction",
                value=None,
            )
        return self.direction

    def exact_points(self, raw: Fraction) -> Fraction:
        """See :meth:`ScoringRule.exact_points`."""
        if raw < 0:
            raise MeasurementError(
                f"RatioToTarget: raw value {float(raw)!r} is negative",
                obj="RatioToTarget",
                field="raw",
                value=float(raw),
            )
        cap, target = exact(self.cap), exact(self.target)
        if self._direction() is Direction.HIGHER_IS_BETTER:
            return min(cap, 100 * raw / target)
        if raw == 0:
            return cap
        return min(cap, 100 * target / raw)

    def points_array(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """See :meth:`ScoringRule.points_array`."""
        negative = raw < 0
        if negative.any():
            self.exact_points(exact(float(raw[np.argmax(negative)])))
        with np.errstate(divide="ignore"):
            if self._direction() is Direction.HIGHER_IS_BETTER:
                ratio = 100 * raw / self.target
            else:
                ratio = np.where(raw == 0, np.inf, 100 * self.target / raw)
        return np.minimum(ratio, self.cap)

    def to_dict(self) -> dict[str, Any]:
        """See :meth:`ScoringRule.to_dict`."""
        return {"kind": self.kind, "target": self.target, "cap": self.cap}


@attrs.frozen
class TargetTolerance(ScoringRule):
    r"""Full points within a tolerance of a target, falling off linearly beyond it.

    .. math::

        \text{points} = \max\bigl(0,\ \text{full} - \text{slope} \cdot
            \max(0, |x - \text{target}| - \text{tolerance})\bigr)

    For target-is-best indicators only.

    Attributes:
        target: The ideal raw value.
        tolerance: Distance from the target that still scores full points (>= 0).
        slope: Points lost per unit of raw value beyond the tolerance (> 0).
        full: Points at the target (default 100).

    Examples:
        Schedule adherence: 100 % ± 5 points is full marks, 4 points off per point beyond:

        >>> rule = TargetTolerance(target=1.0, tolerance=0.05, slope=400)
        >>> rule.score(0.97), rule.score(0.90), rule.score(1.2)
        (100.0, 80.0, 40.0)
    """

    kind: ClassVar[str] = "target_tolerance"

    target: float
    tolerance: float
    slope: float
    full: float = 100.0

    def __attrs_post_init__(self) -> None:
        for name in ("target", "tolerance", "slope", "full"):
            object.__setattr__(
                self, name, as_real(getattr(self, name), obj="TargetTolerance", field=name)
            )
        for name, floor in (("tolerance", 0.0), ("slope", None), ("full", None)):
            value = getattr(self, name)
            if value < 0 if floor is not None else value <= 0:
                need = "must not be negative" if floor is not None else "must be positive"
                raise ValidationError(
                    f"TargetTolerance: field {name!r} {need}, got {value:g}",
                    obj="TargetTolerance",
                    field=name,
                    value=value,
                )

    @property
    def max_points(self) -> float:
        """The full points."""
        return self.full

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        """See :meth:`ScoringRule.check_direction`."""
        if direction is not Direction.TARGET_IS_BEST:
            raise _direction_error(
                "target_tolerance", direction, obj, "it suits only target-is-best indicators"
            )

    def exact_points(self, raw: Fraction) -> Fraction:
        """See :meth:`ScoringRule.exact_points`."""
        excess = max(Fraction(0), abs(raw - exact(self.target)) - exact(self.tolerance))
        return max(Fraction(0), exact(self.full) - exact(self.slope) * excess)

    def points_array(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """See :meth:`ScoringRule.points_array`."""
        excess = np.maximum(0.0, np.abs(raw - self.target) - self.tolerance)
        return np.maximum(0.0, self.full - self.slope * excess)

    def to_dict(self) -> dict[str, Any]:
        """See :meth:`ScoringRule.to_dict`."""
        return {
            "kind": self.kind,
            "target": self.target,
            "tolerance": self.tolerance,
            "slope": self.slope,
            "full": self.full,
        }


def _direction(value: Any) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError(
            f"Indicator: field 'direction' must be one of "
            f"{', '.join(d.value for d in Direction)}, got {value!r}",
            obj="Indicator",
            field="direction",
            value=value,
        ) from None


def _text_or_empty(value: Any) -> Text:
    if isinstance(value, str) and value == "":
        return ""
    return to_text(value, obj="Indicator", field="description")


@attrs.frozen
class Indicator:
    """One appraisal indicator: what is measured, which way is better and how it scores.

    Attributes:
        key: Identifier (``[a-z][a-z0-9_]*``), unique in a scorecard.
        name: Display name, a string or a mapping of language to text.
        dimension: Key of the :class:`~csperf.Dimension` the indicator belongs to.
        direction: Which raw values are better (a :class:`Direction` or its value string).
        scoring: The :class:`ScoringRule`; it must agree with ``direction``.
        unit: Unit of the raw value, for display (``"s"``, ``"%"``, ``"fraction"``...).
        standards: Optional :class:`~csperf.GradeScale` over raw values (e.g. "90 % or more is
            excellent").
        metric: Name of the measurement the indicator reads; defaults to ``key``.
        description: Definition and formula of the indicator, for people.

    Examples:
        >>> speed = Indicator(
        ...     "first_response_time", "First response", "efficiency",
        ...     Direction.LOWER_IS_BETTER, Piecewise([(30, 100), (300, 60), (600, 0)]), unit="s",
        ... )
        >>> speed.score(165)
        80.0
    """

    key: str
    name: Text
    dimension: str
    direction: Direction = attrs.field(converter=_direction)
    scoring: ScoringRule
    unit: str = ""
    standards: GradeScale | None = None
    metric: str | None = None
    description: Text = attrs.field(default="", converter=_text_or_empty)

    def __attrs_post_init__(self) -> None:
        check_key("Indicator", "key", self.key)
        obj = f"Indicator {self.key!r}"
        object.__setattr__(self, "name", to_text(self.name, obj=obj, field="name"))
        check_key(obj, "dimension", self.dimension)
        if not isinstance(self.scoring, ScoringRule):
            raise ValidationError(
                f"{obj}: field 'scoring' must be a ScoringRule, got {self.scoring!r}",
                obj=obj,
                field="scoring",
                value=self.scoring,
            )
        object.__setattr__(self, "scoring", self.scoring.bind(self.direction, obj=obj))
        if not isinstance(self.unit, str):
            raise ValidationError(
                f"{obj}: field 'unit' must be a string, got {self.unit!r}",
                obj=obj,
                field="unit",
                value=self.unit,
            )
        if self.standards is not None and not isinstance(self.standards, GradeScale):
            raise ValidationError(
                f"{obj}: field 'standards' must be a GradeScale or None, got {self.standards!r}",
                obj=obj,
                field="standards",
                value=self.standards,
            )
        if self.metric is None:
            object.__setattr__(self, "metric", self.key)
        elif not isinstance(self.metric, str) or not self.metric:
            raise ValidationError(
                f"{obj}: field 'metric' must be a non-empty string, got {self.metric!r}",
                obj=obj,
                field="metric",
                value=self.metric,
            )

    @property
    def measurement(self) -> str:
        """The measurement the indicator reads (``metric``, which defaults to ``key``)."""
        return self.metric if self.metric is not None else self.key

    def text(self, lang: str | None = None) -> str:
        """The display name in ``lang``."""
        return localize(self.name, lang)

    def check_raw(self, raw: Any, *, subject: str | None = None) -> float:
        """Validate a raw value and return it as a float.

        Raises:
            MeasurementError: For booleans, non-numbers, NaN and infinities.
        """
        who = f" for subject {subject!r}" if subject is not None else ""
        try:
            return as_real(
                raw, obj=f"Indicator {self.key!r}", field=self.measurement, error=MeasurementError
            )
        except MeasurementError as exc:
            raise MeasurementError(
                f"{exc.message}{who}",
                obj=f"Indicator {self.key!r}",
                field=self.measurement,
                subject=subject,
                value=raw,
            ) from None

    def exact_points(self, raw: float, *, subject: str | None = None) -> Fraction:
        """Exact points for a raw value (see :meth:`ScoringRule.exact_points`).

        Raises:
            MeasurementError: When the value cannot be scored; the error names the indicator
                and the subject.
        """
        value = self.check_raw(raw, subject=subject)
        try:
            return self.scoring.exact_points(exact(value))
        except MeasurementError as exc:
            who = f" for subject {subject!r}" if subject is not None else ""
            raise MeasurementError(
                f"Indicator {self.key!r}: {exc.message}{who}",
                obj=f"Indicator {self.key!r}",
                field=self.measurement,
                subject=subject,
                value=raw,
            ) from None

    def score(self, raw: float, *, subject: str | None = None) -> float:
        """Points for a raw value, as a float."""
        return float(self.exact_points(raw, subject=subject))

    def standard(self, raw: float, *, subject: str | None = None) -> GradeBand | None:
        """The raw value's band on :attr:`standards`, or None without standards or outside them."""
        if self.standards is None:
            return None
        value = self.check_raw(raw, subject=subject)
        if not self.standards.covers(value):
            return None
        return self.standards.grade(value, subject=subject)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the indicator."""
        return {
            "key": self.key,
            "name": plain_text(self.name),
            "dimension": self.dimension,
            "direction": self.direction.value,
            "scoring": self.scoring.to_dict(),
            "unit": self.unit,
            "standards": None if self.standards is None else self.standards.to_dict(),
            "metric": self.measurement,
            "description": plain_text(self.description),
        }
