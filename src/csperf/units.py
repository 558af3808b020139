"""Directions and value domains: the vocabulary metrics and indicators share.

A leaf module: it imports nothing of csperf but :mod:`csperf.errors`, so the metric catalog
can state which way its values are better and which values it can take without importing the
scorecard model.
"""

from __future__ import annotations

import enum
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from csperf.errors import ValidationError

__all__ = [
    "COUNT",
    "FRACTION",
    "NON_NEGATIVE",
    "POINTS",
    "REAL",
    "Direction",
    "ValueDomain",
    "domain_of_unit",
    "to_direction",
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


def to_direction(value: Any, *, obj: str) -> Direction:
    """``value`` as a :class:`Direction`, or a :class:`~csperf.errors.ValidationError`.

    Args:
        value: A :class:`Direction` or its value string (``"lower_is_better"``).
        obj: What the direction belongs to, for the error message.

    Examples:
        >>> to_direction("lower_is_better", obj="Indicator")
        <Direction.LOWER_IS_BETTER: 'lower_is_better'>
    """
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError(
            msg="field 'direction' must be one of "
            f"{', '.join(d.value for d in Direction)}, got {value!r}",
            obj=obj,
            field="direction",
            value=value,
        ) from None


def _bound(value: Any, field: attrs.Attribute[Any]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValidationError(
            msg=f"field {field.name!r} must be a number or an infinity, got {value!r}",
            obj="ValueDomain",
            field=field.name,
            value=value,
        )
    return float(value)


def _whole(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            msg=f"field 'whole' must be true or false, got {value!r}",
            obj="ValueDomain",
            field="whole",
            value=value,
        )
    return value


@attrs.frozen
class ValueDomain:
    """The closed interval of values a measurement can take (``[0, 1]`` for a fraction).

    Attributes:
        lower: The smallest value (``-inf`` for none).
        upper: The largest value (``inf`` for none), not below ``lower``.
        whole: Whether only whole numbers belong to the domain (a count).

    Examples:
        >>> FRACTION.contains(0.92), FRACTION.contains(1.5), NON_NEGATIVE.contains(300)
        (True, False, True)
        >>> COUNT.contains(3), COUNT.contains(2.5)
        (True, False)
        >>> str(FRACTION), str(NON_NEGATIVE), str(COUNT)
        ('[0, 1]', '[0, ∞)', '[0, ∞) whole numbers')
    """

    lower: float = attrs.field(
        default=-math.inf,
        converter=attrs.Converter(_bound, takes_field=True),  # type: ignore[misc]
    )
    upper: float = attrs.field(
        default=math.inf,
        converter=attrs.Converter(_bound, takes_field=True),  # type: ignore[misc]
    )
    whole: bool = attrs.field(default=False, converter=_whole)

    @upper.validator
    def _check_order(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value < self.lower:
            raise ValidationError(
                msg=f"upper bound {value:g} is below lower bound {self.lower:g}",
                obj="ValueDomain",
                field="upper",
                value=value,
            )

    def contains(self, value: Any) -> bool:
        """Whether ``value`` lies in the domain (NaN never does).

        ``value`` may be a float, an int, a :class:`~decimal.Decimal` or a
        :class:`~fractions.Fraction`. A float and a bound are compared as floats, which orders
        them as their shortest decimals; any other number is compared at its exact value with
        the bounds' shortest decimals (``Decimal("0.1")`` lies in ``[0.1, 1]``).
        """
        if isinstance(value, (Decimal, Fraction)):
            exact = Fraction(value)
            if not math.isinf(self.lower) and exact < Fraction(repr(self.lower)):
                return False
            if not math.isinf(self.upper) and exact > Fraction(repr(self.upper)):
                return False
            return not self.whole or exact.denominator == 1
        if not self.lower <= value <= self.upper:
            return False
        return not self.whole or value == math.floor(value)

    @property
    def bounded(self) -> bool:
        """Whether the domain restricts anything (it is not :data:`REAL`)."""
        return self != REAL

    def __str__(self) -> str:
        def text(x: float) -> str:
            if math.isinf(x):
                return "∞" if x > 0 else "-∞"
            return f"{x:g}"

        left = "(" if math.isinf(self.lower) else "["
        right = ")" if math.isinf(self.upper) else "]"
        whole = " whole numbers" if self.whole else ""
        return f"{left}{text(self.lower)}, {text(self.upper)}{right}{whole}"


REAL = ValueDomain()
"""Any finite number."""

FRACTION = ValueDomain(0, 1)
"""A share or rate: ``[0, 1]``."""

NON_NEGATIVE = ValueDomain(0)
"""A count or a duration: ``[0, ∞)``."""

POINTS = ValueDomain(0, 100)
"""A test score or mark out of 100: ``[0, 100]``."""

COUNT = ValueDomain(0, whole=True)
"""A number of things: whole numbers ``0, 1, 2, ...``."""

_DURATIONS = frozenset(
    {
        "s",
        "sec",
        "second",
        "seconds",
        "ms",
        "min",
        "minute",
        "minutes",
        "h",
        "hour",
        "hours",
        "d",
        "day",
        "days",
    }
)
_UNITS: dict[str, ValueDomain] = {
    "fraction": FRACTION,
    "points": POINTS,
    "%": POINTS,
    "percent": POINTS,
    "count": COUNT,
    **{unit: NON_NEGATIVE for unit in _DURATIONS},
}
_SCALE = re.compile(r"(?:rating|scale|score)\s+(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)")


def domain_of_unit(unit: str) -> ValueDomain:
    """The domain a unit implies: what an indicator without a domain of its own inherits.

    ``fraction`` is ``[0, 1]``; ``points``, ``%`` and ``percent`` are ``[0, 100]``; a duration
    (``s``, ``ms``, ``min``, ``h``, ``d`` and their long names) is ``[0, ∞)``; ``count`` is the
    whole numbers from 0; a rating scale (``rating 1-5``, ``scale 0-10``) is its bounds. Any
    other unit (``""`` included) implies nothing: :data:`REAL`. Case and surrounding spaces do
    not matter.

    Examples:
        >>> str(domain_of_unit("fraction")), str(domain_of_unit("s"))
        ('[0, 1]', '[0, ∞)')
        >>> str(domain_of_unit("rating 1-5")), str(domain_of_unit("NPS"))
        ('[1, 5]', '(-∞, ∞)')
    """
    name = unit.strip().lower()
    if name in _UNITS:
        return _UNITS[name]
    scale = _SCALE.fullmatch(name)
    if scale is not None:
        low, high = float(scale.group(1)), float(scale.group(2))
        if low < high:
            return ValueDomain(low, high)
    return REAL
