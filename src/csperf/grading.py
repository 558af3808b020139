"""Grade bands and grade scales: 优秀 / 良好 / 合格 / 不合格 and their kin.

A :class:`GradeScale` is a set of contiguous :class:`GradeBand` intervals. It grades a
scorecard's total and, as an indicator's *standards*, the indicator's raw value.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from csperf._canonical import CanonicalForm
from csperf._keys import valid_key
from csperf._numbers import KEYED_BOUND, must
from csperf.errors import GradeError, ValidationError
from csperf.text import KEYED_TEXT, Text, localize

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["GradeBand", "GradeScale"]


def _format_bound(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:g}"


@attrs.frozen
class GradeBand(CanonicalForm):
    """One grade: a key, a display label and the interval of values it covers.

    Which end of the interval is closed is decided by the :class:`GradeScale` that holds the band.

    Attributes:
        key: Identifier of the grade (``excellent``, ``good``, ``pass``, ``fail``...).
        label: Display label, a string or a mapping of language to text.
        lower: Lower bound (may be ``-inf`` for an open-ended band).
        upper: Upper bound, greater than ``lower`` (may be ``inf``).

    Examples:
        >>> band = GradeBand("good", {"zh": "良好", "en": "good"}, 80, 90)
        >>> band.text("zh")
        '良好'
    """

    key: str = attrs.field(validator=valid_key)
    label: Text = attrs.field(converter=KEYED_TEXT)  # type: ignore[misc]
    lower: float = attrs.field(converter=KEYED_BOUND)  # type: ignore[misc]
    upper: float = attrs.field(converter=KEYED_BOUND)  # type: ignore[misc]

    @upper.validator
    def _check_order(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not self.lower < value:
            obj = f"GradeBand {self.key!r}"
            raise ValidationError(
                msg=f"lower bound {self.lower:g} must be below upper bound {value:g}",
                obj=obj,
                field="upper",
                value=value,
            )

    def text(self, lang: str | None = None) -> str:
        """The label in ``lang`` (see :func:`csperf.text.localize`)."""
        return localize(self.label, lang)


def _bands(value: Iterable[GradeBand]) -> tuple[GradeBand, ...]:
    if isinstance(value, (str, bytes, Mapping)):
        raise ValidationError(
            msg="field 'bands' must be a sequence of GradeBand",
            obj="GradeScale",
            field="bands",
            value=value,
        )
    return tuple(value)


@attrs.frozen
class GradeScale(CanonicalForm):
    """Contiguous grade bands without gaps or overlaps.

    With ``closed="left"`` (the default) every band is the half-open interval ``[lower, upper)``,
    except the top band, which also includes its upper bound: on the default 0-100 scale, 90 is
    excellent and so is 100. With ``closed="right"`` every band is ``(lower, upper]`` and the
    bottom band includes its lower bound, which suits lower-is-better standards such as
    "first response within 60 s is excellent".

    Attributes:
        bands: The bands, in the order given (conventionally best first).
        closed: ``"left"`` or ``"right"``: which end of each band is closed.

    Raises:
        ValidationError: When the bands are empty, have duplicate keys, overlap or leave a gap.

    Examples:
        >>> scale = GradeScale.default()
        >>> scale.grade(90).key, scale.grade(89.99).key, scale.grade(100).key
        ('excellent', 'good', 'excellent')
    """

    bands: tuple[GradeBand, ...] = attrs.field(converter=_bands)
    closed: Literal["left", "right"] = attrs.field(
        default="left", validator=must("be 'left' or 'right'", lambda v: v in ("left", "right"))
    )

    @bands.validator
    def _check_bands(self, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        if not value:
            raise ValidationError(
                msg="field 'bands' must hold at least one band",
                obj="GradeScale",
                field="bands",
                value=(),
            )
        seen: set[str] = set()
        for band in value:
            if not isinstance(band, GradeBand):
                raise ValidationError(
                    msg=f"every band must be a GradeBand, got {band!r}",
                    obj="GradeScale",
                    field="bands",
                    value=band,
                )
            if band.key in seen:
                raise ValidationError(
                    msg=f"band key {band.key!r} appears twice",
                    obj="GradeScale",
                    field="bands",
                    value=band.key,
                )
            seen.add(band.key)
        ordered = sorted(value, key=lambda b: b.lower)
        for below, above in zip(ordered, ordered[1:]):
            if below.upper > above.lower:
                raise ValidationError(
                    msg=f"bands {below.key!r} [{_format_bound(below.lower)}, "
                    f"{_format_bound(below.upper)}] and {above.key!r} "
                    f"[{_format_bound(above.lower)}, {_format_bound(above.upper)}] overlap",
                    obj="GradeScale",
                    field="bands",
                    value=(below.key, above.key),
                )
            if below.upper < above.lower:
                raise ValidationError(
                    msg=f"gap between band {below.key!r} (up to "
                    f"{_format_bound(below.upper)}) and band {above.key!r} (from "
                    f"{_format_bound(above.lower)})",
                    obj="GradeScale",
                    field="bands",
                    value=(below.key, above.key),
                )

    # Derived once, on first use, from the validated bands. A cached property rather than an
    # ``init=False`` field with a default: attrs computes defaults before it runs validators, so
    # a default would sort bands that have not been checked yet.
    @functools.cached_property
    def _ordered(self) -> tuple[GradeBand, ...]:
        return tuple(sorted(self.bands, key=lambda b: b.lower))

    @functools.cached_property
    def _edges(self) -> NDArray[np.float64]:
        return np.array([b.upper for b in self._ordered[:-1]], dtype=float)

    @classmethod
    def default(cls) -> GradeScale:
        """The customary four-grade scale on 0-100 points.

        ========== ====== ============
        key        label  interval
        ========== ====== ============
        excellent  优秀   [90, 100]
        good       良好   [80, 90)
        pass       合格   [60, 80)
        fail       不合格 [0, 60)
        ========== ====== ============
        """
        return cls(
            (
                GradeBand("excellent", {"zh": "优秀", "en": "excellent"}, 90, 100),
                GradeBand("good", {"zh": "良好", "en": "good"}, 80, 90),
                GradeBand("pass", {"zh": "合格", "en": "pass"}, 60, 80),
                GradeBand("fail", {"zh": "不合格", "en": "fail"}, 0, 60),
            )
        )

    @property
    def lower(self) -> float:
        """The smallest value the scale covers."""
        return self._ordered[0].lower

    @property
    def upper(self) -> float:
        """The largest value the scale covers."""
        return self._ordered[-1].upper

    @property
    def keys(self) -> tuple[str, ...]:
        """The band keys, in the order given."""
        return tuple(b.key for b in self.bands)

    def band(self, key: str) -> GradeBand:
        """The band with the given key.

        Raises:
            GradeError: When there is no such band.
        """
        for band in self.bands:
            if band.key == key:
                return band
        raise GradeError(
            msg=f"GradeScale has no band {key!r} (bands: {', '.join(self.keys)})",
            field="bands",
            value=key,
        )

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the scale."""
        return not math.isnan(value) and self.lower <= value <= self.upper

    def grade(self, value: float, *, subject: str | None = None) -> GradeBand:
        """The band that holds ``value``.

        Args:
            value: The value to grade.
            subject: Who is being graded, named in the error message.

        Raises:
            GradeError: When the value is NaN or outside the scale.
        """
        number = float(value)
        if not self.covers(number):
            self.indices(np.array([number]), subject=subject)  # raises the GradeError
        edges = self._edges.tolist()
        index = (
            bisect.bisect_right(edges, number)
            if self.closed == "left"
            else bisect.bisect_left(edges, number)
        )
        return self._ordered[index]

    def indices(self, values: ArrayLike, *, subject: str | None = None) -> NDArray[np.intp]:
        """Vectorised grading: positions into :attr:`ordered` for each value.

        Args:
            values: The values to grade.
            subject: Who is being graded, named in the error message.

        Raises:
            GradeError: When a value is NaN or outside the scale.
        """
        return self._indices(values, subject=subject).astype(np.intp, copy=False)

    def _indices(
        self, values: ArrayLike, *, subject: str | None = None
    ) -> NDArray[np.integer[Any]]:
        """:meth:`indices` in the smallest integer type that holds them."""
        array = np.asarray(values, dtype=float)
        if array.size and array.min() >= self.lower and array.max() <= self.upper:
            return self._positions(array)  # every value inside (NaN fails both comparisons)
        bad = np.isnan(array) | (array < self.lower) | (array > self.upper)
        if bad.any():
            first = float(array[np.argmax(bad)])
            who = f" for subject {subject!r}" if subject is not None else ""
            raise GradeError(
                msg=f"value {first!r}{who} lies outside the scale "
                f"[{_format_bound(self.lower)}, {_format_bound(self.upper)}]",
                obj="GradeScale",
                field="value",
                subject=subject,
                value=first,
            )
        return self._positions(array)

    def _positions(self, array: NDArray[np.float64]) -> NDArray[np.integer[Any]]:
        """Band positions of values inside the scale: how many band edges each has passed."""
        if array.ndim == 1 and len(self._edges) <= 8:
            # A few edges: one comparison per edge beats a binary search per value.
            found = np.zeros(array.shape, dtype=np.uint8)
            passed = np.greater_equal if self.closed == "left" else np.greater
            for edge in self._edges.tolist():
                found += passed(array, edge)
            return found
        side: Literal["left", "right"] = "right" if self.closed == "left" else "left"
        return np.searchsorted(self._edges, array, side=side)

    @property
    def ordered(self) -> tuple[GradeBand, ...]:
        """The bands from the lowest interval to the highest."""
        return self._ordered
