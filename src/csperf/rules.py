"""Scoring rules: how an indicator turns a raw value into points.

A scoring rule maps a raw measurement (a satisfaction rate, a response time in seconds...) to
points, normally in ``[0, 100]``. Every rule computes in exact rational arithmetic on the decimal
value of its inputs (:meth:`ScoringRule.exact_points`) and offers a vectorised float version
(:meth:`ScoringRule.points_array`) for batches.

A rule also carries everything the rest of csperf needs to show it, store it and compute it
elsewhere, so that reports, scorecard files and the Excel form treat a plugin's rule exactly as a
built-in one: :meth:`~ScoringRule.describe` (the rule in words, ``"en"`` or ``"zh"``),
:meth:`~ScoringRule.to_dict` / :meth:`~ScoringRule.from_dict` (its document form) and
:meth:`~ScoringRule.excel_formula` (the live Excel formula of its points, if it has one).
"""

from __future__ import annotations

import abc
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs
import numpy as np

from csperf._numbers import (
    CLASS_REAL,
    as_real,
    decimal_text,
    exact,
    excel_array,
    excel_number,
    non_negative,
    positive,
)
from csperf.errors import MeasurementError, ValidationError
from csperf.grading import GradeBand, GradeScale
from csperf.text import localize
from csperf.units import Direction, to_direction

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Piecewise", "RatioToTarget", "ScoringRule", "Steps", "TargetTolerance"]


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
        msg=f"scoring rule {rule} disagrees with direction {direction.value}: {detail}",
        obj=obj,
        field="scoring",
        value=rule,
    )


def _words(lang: str, en: str, zh: str) -> str:
    """The rule's wording in ``lang`` (English for any language but Chinese)."""
    return localize({"en": en, "zh": zh}, lang)


class ScoringRule(abc.ABC):
    """Base class of scoring rules: raw value in, points out.

    Subclass it to write a rule of your own (and offer it to scorecard files through the
    ``csperf_scoring_rules`` hook). A subclass must implement :meth:`exact_points`,
    :attr:`max_points`, :meth:`check_direction` and :meth:`to_dict`. It may override
    :meth:`points_array` with a vectorised version (the default loops over the values),
    :meth:`describe` with its own wording (the default lists its parameters) and
    :meth:`excel_formula` (the default has no formula, so the Excel form refuses a card that
    uses the rule).

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
                    msg=f"unknown field(s) {', '.join(unknown)} "
                    f"(known: {', '.join(sorted(fields))})",
                    obj=cls.__name__,
                    field=unknown[0],
                    value=params[unknown[0]],
                )
        try:
            return cls(**params)
        except TypeError as exc:
            raise ValidationError(
                msg=f"{exc}", obj=cls.__name__, field="kind", value=dict(data)
            ) from None

    def describe(self, lang: str) -> str:
        """The rule written out for people, as reports and the Excel form show it.

        The default names the rule's kind and lists the other entries of :meth:`to_dict`
        (``Rule doubled (factor=2)``; ``计分规则 doubled（factor=2）``).

        Args:
            lang: ``"en"`` or ``"zh"``; any other language gets the English text.
        """
        params = ", ".join(f"{k}={v}" for k, v in self.to_dict().items() if k != "kind")
        return _words(
            lang,
            f"Rule {self.kind}" + (f" ({params})" if params else ""),
            f"计分规则 {self.kind}" + (f"（{params}）" if params else ""),
        )

    def excel_formula(self, cell: str) -> str | None:
        """An Excel expression (without ``=``) of the points for the raw value in ``cell``.

        The expression must give exactly :meth:`exact_points` (up to Excel's floating point)
        and ``#N/A`` (``NA()``) where the rule raises :class:`~csperf.errors.MeasurementError`.

        Args:
            cell: The cell holding the raw value, such as ``L7``.

        Returns:
            The expression, or None when the rule has no formula (the default): the Excel form
            then refuses the card with an error naming the rule's kind and its module.
        """
        return None

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

    def _linear_pieces(self) -> _LinearPieces | None:
        """The rule as linear pieces over ranges of raw values, or None (the default).

        A rule that is linear between edges gives them, and the batch kernel then settles
        rounding ties in whole-number arithmetic instead of calling :meth:`exact_points` value
        by value. Private: only the built-in rules use it.
        """
        return None


@attrs.define(eq=False)
class _LinearPieces:
    """A rule as ``points = a + b·x`` on each range between edges (private to the model).

    Attributes:
        edges: The edges, rising, as floats.
        side: ``"right"`` when an edge belongs to the range above it, ``"left"`` when to the
            range below (as :func:`numpy.searchsorted` takes it).
        pieces: ``(a, b)`` exact, one more than there are edges: below the first edge, between
            each pair, above the last.
    """

    edges: NDArray[np.float64]
    side: Literal["left", "right"]
    pieces: tuple[tuple[Fraction, Fraction], ...]

    @functools.cached_property
    def whole(self) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        """``(L, a·L, b·L)``: the pieces as whole numbers over their common denominator."""
        den = 1
        for a, b in self.pieces:
            den = math.lcm(den, a.denominator, b.denominator)
        return (
            den,
            tuple(int(a * den) for a, _ in self.pieces),
            tuple(int(b * den) for _, b in self.pieces),
        )


def _items(
    value: Iterable[Any], obj: str, name: str, shape: str, size: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The index and parts of each item of a field holding a sequence of ``size``-tuples."""
    if isinstance(value, (str, bytes)):
        raise ValidationError(
            msg=f"field {name!r} must be a sequence of {shape}s", obj=obj, field=name, value=value
        )
    for i, item in enumerate(value):
        try:
            parts = tuple(item)
        except TypeError:
            parts = ()
        if len(parts) != size:
            raise ValidationError(
                msg=f"{name}[{i}] must be a {shape}, got {item!r}",
                obj=obj,
                field=(name, i),
                value=item,
            )
        yield i, parts


def _pairs(value: Iterable[Any]) -> tuple[tuple[float, float], ...]:
    return tuple(
        (
            as_real(raw, obj="Piecewise", field=("points", i, 0)),
            as_real(pts, obj="Piecewise", field=("points", i, 1)),
        )
        for i, (raw, pts) in _items(value, "Piecewise", "points", "(raw, points) pair", 2)
    )


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
        >>> rule.describe("en")
        'Linear between the points 0.45→0, 0.95→100; flat beyond the end points'
        >>> rule.excel_formula("L7")
        'IF(L7<=0.45,0,IF(L7<0.95,0+(L7-0.45)*(100-0)/(0.95-0.45),100))'
    """

    kind: ClassVar[str] = "piecewise"

    points: tuple[tuple[float, float], ...] = attrs.field(converter=_pairs)

    @points.validator
    def _check_points(
        self, attribute: attrs.Attribute[Any], value: tuple[tuple[float, float], ...]
    ) -> None:
        if len(value) < 2:
            raise ValidationError(
                msg=f"needs at least two breakpoints, got {len(value)}",
                obj="Piecewise",
                field="points",
                value=value,
            )
        for i, ((x0, _), (x1, _)) in enumerate(zip(value, value[1:])):
            if not x0 < x1:
                raise ValidationError(
                    msg=f"raw values must be strictly increasing, but points[{i + 1}] "
                    f"has {x1:g} after {x0:g}",
                    obj="Piecewise",
                    field=("points", i + 1, 0),
                    value=x1,
                )
        for i, (_, p) in enumerate(value):
            if p < 0:
                raise ValidationError(
                    msg=f"points must not be negative, but points[{i}] gives {p:g}",
                    obj="Piecewise",
                    field=("points", i, 1),
                    value=p,
                )

    @functools.cached_property
    def _exact(self) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
        return tuple(exact(x) for x, _ in self.points), tuple(exact(p) for _, p in self.points)

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

    @functools.cached_property
    def _arrays(self) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
        xs = np.array([x for x, _ in self.points])
        ps = np.array([p for _, p in self.points])
        with np.errstate(over="ignore"):
            overflows = bool(np.isinf(np.diff(xs)).any())
        return xs, ps, overflows

    def points_array(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """See :meth:`ScoringRule.points_array`.

        Breakpoints so far apart that their distance overflows a float (``-1e308`` and
        ``1e308``) are interpolated at half scale, which is exact for every normal float.
        """
        xs, ps, overflows = self._arrays
        if overflows:
            return np.asarray(np.interp(raw * 0.5, xs * 0.5, ps), dtype=float)
        return np.asarray(np.interp(raw, xs, ps), dtype=float)

    def _linear_pieces(self) -> _LinearPieces:
        return self._pieces

    @functools.cached_property
    def _pieces(self) -> _LinearPieces:
        xs, ps = self._exact
        pieces = [(ps[0], Fraction(0))]
        for x0, x1, p0, p1 in zip(xs, xs[1:], ps, ps[1:]):
            slope = (p1 - p0) / (x1 - x0)
            pieces.append((p0 - x0 * slope, slope))
        pieces.append((ps[-1], Fraction(0)))
        return _LinearPieces(self._arrays[0], "right", tuple(pieces))

    def to_dict(self) -> dict[str, Any]:
        """See :meth:`ScoringRule.to_dict`."""
        return {"kind": self.kind, "points": [[x, p] for x, p in self.points]}

    def describe(self, lang: str) -> str:
        """See :meth:`ScoringRule.describe`."""
        points = ", ".join(f"{decimal_text(x)}→{decimal_text(p)}" for x, p in self.points)
        return _words(
            lang,
            f"Linear between the points {points}; flat beyond the end points",
            f"在 {points} 之间线性插值；超出两端取端点分值",
        )

    def excel_formula(self, cell: str) -> str:
        """``IF(x<=x0,p0,IF(x<x1,p0+(x-x0)*(p1-p0)/(x1-x0),…,pn))``, segment by segment."""
        n, x, pts = excel_number, cell, self.points
        expr = n(pts[-1][1])
        for (x0, p0), (x1, p1) in reversed(list(zip(pts, pts[1:]))):
            segment = f"{n(p0)}+({x}-{n(x0)})*({n(p1)}-{n(p0)})/({n(x1)}-{n(x0)})"
            expr = f"IF({x}<{n(x1)},{segment},{expr})"
        return f"IF({x}<={n(pts[0][0])},{n(pts[0][1])},{expr})"


def _steps(value: Iterable[Any]) -> tuple[tuple[float, float, float], ...]:
    result = []
    shape = "(lower, upper, points) triple"
    for i, (lower, upper, pts) in _items(value, "Steps", "steps", shape, 3):
        lo = (
            -math.inf
            if lower is None
            else as_real(lower, obj="Steps", field=("steps", i, 0), allow_infinite=True)
        )
        hi = (
            math.inf
            if upper is None
            else as_real(upper, obj="Steps", field=("steps", i, 1), allow_infinite=True)
        )
        result.append((lo, hi, as_real(pts, obj="Steps", field=("steps", i, 2))))
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
        >>> rule.describe("en")
        'Steps: (-∞, 0.7) → 0; [0.7, 0.8) → 70; [0.8, 0.9) → 85; [0.9, ∞) → 100'
        >>> rule.excel_formula("L7")
        'LOOKUP(L7,{-1E+307,0.7,0.8,0.9},{0,70,85,100})'
    """

    kind: ClassVar[str] = "steps"

    steps: tuple[tuple[float, float, float], ...] = attrs.field(converter=_steps)
    closed: Literal["left", "right"] = "left"

    @steps.validator
    def _check_steps(
        self, attribute: attrs.Attribute[Any], value: tuple[tuple[float, float, float], ...]
    ) -> None:
        for i, (_, _, p) in enumerate(value):
            if p < 0:
                raise ValidationError(
                    msg=f"points must not be negative, but steps[{i}] gives {p:g}",
                    obj="Steps",
                    field=("steps", i, 2),
                    value=p,
                )
        self._build_scale()  # the ranges, and ``closed``, are checked as a grade scale's bands

    def _build_scale(self) -> GradeScale:
        try:
            return GradeScale(
                [
                    GradeBand(f"s{i}", f"step {i}", lo, hi)
                    for i, (lo, hi, _) in enumerate(self.steps)
                ],
                closed=self.closed,
            )
        except ValidationError as exc:
            raise ValidationError(
                msg=f"{exc.message.removeprefix('GradeScale: ').replace('band', 'step')}",
                obj="Steps",
                field="steps",
                value=exc.value,
            ) from None

    @functools.cached_property
    def _scale(self) -> GradeScale:
        # Built once more after the validator has checked it: validators run after every field
        # is set, and a frozen instance keeps nothing a validator computes.
        return self._build_scale()

    def _ordered_points(self) -> list[float]:
        return [self.steps[int(b.key[1:])][2] for b in self._scale.ordered]

    def _rising(self) -> list[tuple[float, float, float]]:
        """The steps from the lowest range up."""
        return sorted(self.steps, key=lambda step: step[0])

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
                msg=f"raw value {raw!r} lies outside every step "
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

    def _linear_pieces(self) -> _LinearPieces:
        return self._pieces

    @functools.cached_property
    def _pieces(self) -> _LinearPieces:
        pieces = tuple((exact(p), Fraction(0)) for p in self._ordered_points())
        side: Literal["left", "right"] = "right" if self.closed == "left" else "left"
        return _LinearPieces(self._scale._edges, side, pieces)

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

    def describe(self, lang: str) -> str:
        """See :meth:`ScoringRule.describe`: each range with its closed ends, lowest first."""
        ordered = self._rising()
        parts = []
        for i, (lo, hi, p) in enumerate(ordered):
            first, last = i == 0, i == len(ordered) - 1
            if self.closed == "left":
                left, right = "[", "]" if last else ")"
            else:
                left, right = "[" if first else "(", "]"
            left = "(" if math.isinf(lo) else left
            right = ")" if math.isinf(hi) else right
            parts.append(f"{left}{decimal_text(lo)}, {decimal_text(hi)}{right} → {decimal_text(p)}")
        steps = "; ".join(parts)
        return _words(lang, f"Steps: {steps}", f"分档计分：{steps}")

    def excel_formula(self, cell: str) -> str:
        """``LOOKUP(x,{lowers},{points})`` (left-closed) or ``LOOKUP(-x,{-uppers},{points})``.

        Left-closed: the last range whose lower bound is at most ``x``; right-closed: the first
        range whose upper bound is at least ``x``. Outside every range: ``NA()``.
        """
        n, x = excel_number, cell
        ordered = self._rising()
        lowest, highest = ordered[0][0], ordered[-1][1]
        outside = []
        if not math.isinf(lowest):
            outside.append(f"{x}<{n(lowest)}")
        if not math.isinf(highest):
            outside.append(f"{x}>{n(highest)}")
        if self.closed == "left":
            lookup = (
                f"LOOKUP({x},{excel_array(lo for lo, _, _ in ordered)},"
                f"{excel_array(p for _, _, p in ordered)})"
            )
        else:
            backwards = ordered[::-1]
            lookup = (
                f"LOOKUP(-{x},{excel_array(-hi for _, hi, _ in backwards)},"
                f"{excel_array(p for _, _, p in backwards)})"
            )
        if not outside:
            return lookup
        condition = outside[0] if len(outside) == 1 else f"OR({','.join(outside)})"
        return f"IF({condition},NA(),{lookup})"


def _optional_direction(value: Any) -> Direction | None:
    return None if value is None else to_direction(value, obj="Indicator")


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
        >>> rule.describe("zh")
        'min(100, 100 × 60 / 实际值)；实际值为 0 时得 100'
        >>> rule.excel_formula("L7")
        'IF(L7<0,NA(),IF(L7=0,100,MIN(100,100*60/L7)))'
    """

    kind: ClassVar[str] = "ratio_to_target"

    target: float = attrs.field(converter=CLASS_REAL, validator=positive)  # type: ignore[misc]
    cap: float = attrs.field(
        default=100.0,
        converter=CLASS_REAL,  # type: ignore[misc]
        validator=positive,
    )
    direction: Direction | None = attrs.field(default=None, converter=_optional_direction)

    @direction.validator
    def _check_own_direction(
        self, attribute: attrs.Attribute[Any], value: Direction | None
    ) -> None:
        if value is Direction.TARGET_IS_BEST:
            raise _direction_error(
                "ratio_to_target",
                value,
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
                msg="the rule has no direction; give one or use it in an Indicator",
                obj="RatioToTarget",
                field="direction",
            )
        return self.direction

    def exact_points(self, raw: Fraction) -> Fraction:
        """See :meth:`ScoringRule.exact_points`."""
        if raw < 0:
            raise MeasurementError(
                msg=f"raw value {float(raw)!r} is negative",
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

    def describe(self, lang: str) -> str:
        """See :meth:`ScoringRule.describe` (an unbound rule is described as higher-is-better)."""
        cap, target = decimal_text(self.cap), decimal_text(self.target)
        if self.direction is Direction.LOWER_IS_BETTER:
            return _words(
                lang,
                f"min({cap}, 100 × {target} / actual); {cap} when actual is 0",
                f"min({cap}, 100 × {target} / 实际值)；实际值为 0 时得 {cap}",
            )
        return _words(
            lang, f"min({cap}, 100 × actual / {target})", f"min({cap}, 100 × 实际值 / {target})"
        )

    def excel_formula(self, cell: str) -> str:
        """``MIN(cap,100*x/t)``, or ``IF(x=0,cap,MIN(cap,100*t/x))`` when lower is better.

        A negative raw value gives ``NA()``. An unbound rule (no direction) raises
        :class:`~csperf.errors.ValidationError`, as :meth:`exact_points` does.
        """
        x, cap, target = cell, excel_number(self.cap), excel_number(self.target)
        if self._direction() is Direction.LOWER_IS_BETTER:
            return f"IF({x}<0,NA(),IF({x}=0,{cap},MIN({cap},100*{target}/{x})))"
        return f"IF({x}<0,NA(),MIN({cap},100*{x}/{target}))"


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
        >>> rule.excel_formula("L7")
        'MAX(0,100-400*MAX(0,ABS(L7-1)-0.05))'
    """

    kind: ClassVar[str] = "target_tolerance"

    target: float = attrs.field(converter=CLASS_REAL)  # type: ignore[misc]
    tolerance: float = attrs.field(
        converter=CLASS_REAL,  # type: ignore[misc]
        validator=non_negative,
    )
    slope: float = attrs.field(converter=CLASS_REAL, validator=positive)  # type: ignore[misc]
    full: float = attrs.field(
        default=100.0,
        converter=CLASS_REAL,  # type: ignore[misc]
        validator=positive,
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

    def describe(self, lang: str) -> str:
        """See :meth:`ScoringRule.describe`."""
        full, slope = decimal_text(self.full), decimal_text(self.slope)
        target, tolerance = decimal_text(self.target), decimal_text(self.tolerance)
        return _words(
            lang,
            f"max(0, {full} − {slope} × max(0, |actual − {target}| − {tolerance}))",
            f"max(0, {full} − {slope} × max(0, |实际值 − {target}| − {tolerance}))",
        )

    def excel_formula(self, cell: str) -> str:
        """``MAX(0,full-slope*MAX(0,ABS(x-t)-tolerance))``."""
        n = excel_number
        return (
            f"MAX(0,{n(self.full)}-{n(self.slope)}*MAX(0,ABS({cell}-{n(self.target)})"
            f"-{n(self.tolerance)}))"
        )
