"""Directions and value domains: the vocabulary metrics and indicators share.

A leaf module: it imports nothing of csperf but :mod:`csperf.errors`, so the metric catalog
can state which way its values are better and which values it can take without importing the
scorecard model.
"""

from __future__ import annotations

import enum
import math
from typing import Any

import attrs

from csperf.errors import ValidationError

__all__ = ["FRACTION", "NON_NEGATIVE", "REAL", "Direction", "ValueDomain", "to_direction"]


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


@attrs.frozen
class ValueDomain:
    """The closed interval of values a measurement can take (``[0, 1]`` for a fraction).

    Attributes:
        lower: The smallest value (``-inf`` for none).
        upper: The largest value (``inf`` for none), not below ``lower``.

    Examples:
        >>> FRACTION.contains(0.92), FRACTION.contains(1.5), NON_NEGATIVE.contains(300)
        (True, False, True)
        >>> str(FRACTION), str(NON_NEGATIVE)
        ('[0, 1]', '[0, ∞)')
    """

    lower: float = attrs.field(
        default=-math.inf,
        converter=attrs.Converter(_bound, takes_field=True),  # type: ignore[misc]
    )
    upper: float = attrs.field(
        default=math.inf,
        converter=attrs.Converter(_bound, takes_field=True),  # type: ignore[misc]
    )

    @upper.validator
    def _check_order(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value < self.lower:
            raise ValidationError(
                msg=f"upper bound {value:g} is below lower bound {self.lower:g}",
                obj="ValueDomain",
                field="upper",
                value=value,
            )

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the domain (NaN never does)."""
        return self.lower <= value <= self.upper

    def __str__(self) -> str:
        def text(x: float) -> str:
            if math.isinf(x):
                return "∞" if x > 0 else "-∞"
            return f"{x:g}"

        left = "(" if math.isinf(self.lower) else "["
        right = ")" if math.isinf(self.upper) else "]"
        return f"{left}{text(self.lower)}, {text(self.upper)}{right}"


REAL = ValueDomain()
"""Any finite number."""

FRACTION = ValueDomain(0, 1)
"""A share or rate: ``[0, 1]``."""

NON_NEGATIVE = ValueDomain(0)
"""A count or a duration: ``[0, ∞)``."""
