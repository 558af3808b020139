"""Number checks and exact decimal arithmetic shared by the model."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction
from typing import Any

from csperf.errors import CsperfError, ValidationError

__all__ = ["as_real", "exact", "round_half_up"]


def as_real(
    value: Any,
    *,
    obj: str,
    field: str,
    allow_infinite: bool = False,
    error: type[CsperfError] = ValidationError,
) -> float:
    """Return ``value`` as a float, or raise ``error`` naming ``obj`` and ``field``.

    Booleans, NaN and (unless ``allow_infinite``) infinities are rejected.
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise error(
            f"{obj}: field {field!r} must be a real number, got {type(value).__name__} {value!r}",
            obj=obj,
            field=field,
            value=value,
        )
    try:
        result = float(value)
    except (ValueError, OverflowError):  # a signalling NaN, an integer too large for a float
        raise error(
            f"{obj}: field {field!r} must be a finite number, got {value!r}",
            obj=obj,
            field=field,
            value=value,
        ) from None
    if math.isnan(result) or (math.isinf(result) and not allow_infinite):
        raise error(
            f"{obj}: field {field!r} must be a finite number, got {result!r}",
            obj=obj,
            field=field,
            value=result,
        )
    return result


def exact(value: float | int | Decimal | Fraction) -> Fraction:
    """The decimal value a person reads in ``value``, as an exact fraction.

    A float is taken at its shortest round-trip decimal (``0.1`` is exactly one tenth), so
    arithmetic on the result is free of binary floating-point noise.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, Decimal)):
        return Fraction(value)
    return Fraction(repr(float(value)))


def round_half_up(value: Fraction, precision: int) -> Fraction:
    """Round an exact value half away from zero to ``precision`` decimals (89.995 → 90.00)."""
    if value < 0:
        return -round_half_up(-value, precision)
    scaled = value * 10**precision
    floor = scaled.numerator // scaled.denominator
    rounded = floor + 1 if scaled - floor >= Fraction(1, 2) else floor
    return Fraction(rounded, 10**precision)
