"""Number checks and exact decimal arithmetic shared by the model."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from csperf.errors import CsperfError, FieldLike, ValidationError, format_key_path

__all__ = [
    "CLASS_REAL",
    "EXCEL_HUGE",
    "KEYED_BOUND",
    "KEYED_REAL",
    "as_real",
    "competition_ranks",
    "decimal_text",
    "exact",
    "exact_input",
    "excel_array",
    "excel_number",
    "non_negative",
    "positive",
    "round_half_up",
]


def as_real(
    value: Any,
    *,
    obj: str,
    field: FieldLike,
    name: str | None = None,
    allow_infinite: bool = False,
    error: type[CsperfError] = ValidationError,
) -> float:
    """Return ``value`` as a float, or raise ``error`` naming ``obj`` and ``field``.

    Booleans, NaN and (unless ``allow_infinite``) infinities are rejected. ``field`` is the key
    path the error carries; the message shows ``name``, by default the key path's text.
    """
    shown = format_key_path(field) if name is None else name
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise error(
            msg=f"field {shown!r} must be a real number, got {type(value).__name__} {value!r}",
            obj=obj,
            field=field,
            value=value,
        )
    try:
        result = float(value)
    except (ValueError, OverflowError):  # a signalling NaN, an integer too large for a float
        raise error(
            msg=f"field {shown!r} must be a finite number, got {value!r}",
            obj=obj,
            field=field,
            value=value,
        ) from None
    if math.isnan(result) or (math.isinf(result) and not allow_infinite):
        raise error(
            msg=f"field {shown!r} must be a finite number, got {result!r}",
            obj=obj,
            field=field,
            value=result,
        )
    return result


def competition_ranks(values: Any) -> Any:
    """Competition ranks ("1224"), 1 for the highest value; 0 for NaN, which is not ranked.

    A value's rank is one more than the number of (non-NaN) values above it: equal values
    share a rank and the next rank skips the places they took. This is the one ranking of
    csperf: :meth:`csperf.BatchResult.ranks`, the reports, calibration and the period
    comparison all rank this way.

    Example:
        >>> competition_ranks([80.0, 95.5, 80.0, float("nan"), 60.0]).tolist()
        [2, 1, 2, 0, 4]
    """
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    ranks = np.zeros(len(array), dtype=np.int64)
    known = ~np.isnan(array)
    if known.any():
        _distinct, inverse, counts = np.unique(
            -array[known], return_inverse=True, return_counts=True
        )
        above = np.cumsum(counts) - counts
        ranks[known] = above[inverse.reshape(-1)] + 1
    return ranks


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


def exact_input(raw: Any, value: float) -> Fraction:
    """The exact value of a raw input already checked, ``value`` being its float.

    A :class:`~decimal.Decimal`, an int or a :class:`~fractions.Fraction` keeps its own digits
    (``Decimal("89.9949999999999999999")`` stays below 89.995); anything else is read at the
    shortest round-trip decimal of its float (:func:`exact`).
    """
    if isinstance(raw, (Decimal, Fraction)) or (
        isinstance(raw, numbers.Integral) and not isinstance(raw, bool)
    ):
        return Fraction(raw)
    return exact(value)


def round_half_up(value: Fraction, precision: int) -> Fraction:
    """Round an exact value half away from zero to ``precision`` decimals (89.995 → 90.00)."""
    if value < 0:
        return -round_half_up(-value, precision)
    scaled = value * 10**precision
    floor = scaled.numerator // scaled.denominator
    rounded = floor + 1 if scaled - floor >= Fraction(1, 2) else floor
    return Fraction(rounded, 10**precision)


def decimal_text(value: float) -> str:
    """The shortest decimal reading back as the same float (``20000``, ``0.92``, ``∞``)."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


EXCEL_HUGE = "1E+307"
"""Stands for an infinite bound in an Excel formula (Excel has no infinity)."""


def excel_number(value: float) -> str:
    """A number as an Excel formula literal: shortest decimal, negatives in parentheses.

    Examples:
        >>> excel_number(60.0), excel_number(0.005), excel_number(-2.5), excel_number(1e-7)
        ('60', '0.005', '(-2.5)', '1E-07')
    """
    if math.isinf(value):
        return EXCEL_HUGE if value > 0 else f"(-{EXCEL_HUGE})"
    if value == int(value) and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(float(value)).upper()
    return f"({text})" if text.startswith("-") else text


def excel_array(values: Iterable[float]) -> str:
    """An Excel array constant of numbers (``{0,60,80,90}``); infinities become ±1E+307."""
    items = []
    for value in values:
        if math.isinf(value):
            items.append(EXCEL_HUGE if value > 0 else f"-{EXCEL_HUGE}")
        else:
            items.append(excel_number(value).strip("()"))
    return "{" + ",".join(items) + "}"


# -- attrs converters ----------------------------------------------------------------------
# They name the object in their messages the way the model always has: by class
# (``RatioToTarget: field 'cap' ...``) or by class and key (``GradeBand 'good': field ...``).
# mypy's attrs plugin does not understand ``attrs.Converter`` yet (python/mypy#21408), so
# fields using them carry ``type: ignore[misc]`` and take ``Any`` in ``__init__``.


def _class_real(value: Any, instance: Any, field: attrs.Attribute[Any]) -> float:
    return as_real(value, obj=type(instance).__name__, field=field.name)


def _keyed_real(value: Any, instance: Any, field: attrs.Attribute[Any]) -> float:
    return as_real(value, obj=f"{type(instance).__name__} {instance.key!r}", field=field.name)


def _keyed_bound(value: Any, instance: Any, field: attrs.Attribute[Any]) -> float:
    return as_real(
        value,
        obj=f"{type(instance).__name__} {instance.key!r}",
        field=field.name,
        allow_infinite=True,
    )


CLASS_REAL: attrs.Converter[Any, float] = attrs.Converter(
    _class_real, takes_self=True, takes_field=True
)
"""Converter: a finite real number; errors name the class (``TargetTolerance``)."""

KEYED_REAL: attrs.Converter[Any, float] = attrs.Converter(
    _keyed_real, takes_self=True, takes_field=True
)
"""Converter: a finite real number; errors name the class and key (``Scorecard 'cs'``)."""

KEYED_BOUND: attrs.Converter[Any, float] = attrs.Converter(
    _keyed_bound, takes_self=True, takes_field=True
)
"""Converter: a real number or an infinity; errors name the class and key."""


Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def must(
    expected: str, test: Callable[[Any], bool], shown: Callable[[Any], str] = repr
) -> Validator:
    """An attrs validator: ``test(value)`` holds, else ``field 'x' must {expected}, got v``.

    The error names the instance (``Indicator 'aht'``, or the class alone when it has no key)
    and the field; ``shown`` writes the value in the message.
    """

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not test(value):
            raise ValidationError(
                msg=f"field {attribute.name!r} must {expected}, got {shown(value)}",
                obj=_name(instance),
                field=attribute.name,
                value=value,
            )

    return check


def _g(value: float) -> str:
    return f"{value:g}"


positive = must("be positive", lambda value: value > 0, _g)
"""Validator: the number is above 0 (``RatioToTarget: field 'target' must be positive``)."""

non_negative = must("not be negative", lambda value: value >= 0, _g)
"""Validator: the number is 0 or more."""


def _name(instance: Any) -> str:
    key = getattr(instance, "key", None)
    return type(instance).__name__ if key is None else f"{type(instance).__name__} {key!r}"
