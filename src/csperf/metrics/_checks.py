"""Field checks shared by the record types: each raises a ValidationError with a reason code.

The *reason* is a :class:`~csperf.errors.Reason` (``Reason.NEGATIVE_DURATION``,
``Reason.OFF_SCALE``...) stored on the error as ``error.reason``;
:func:`csperf.metrics.validate_records` reports it per rejected row.
"""

from __future__ import annotations

import math
import numbers
from datetime import datetime
from typing import Any

from csperf.errors import Reason, ValidationError

__all__ = [
    "check_aware",
    "check_bool",
    "check_id",
    "check_integer",
    "check_name",
    "check_optional_aware",
    "check_optional_bool",
    "check_optional_id",
    "check_real",
    "fail",
]


def fail(obj: str, field: str, value: Any, reason: Reason | str, detail: str) -> ValidationError:
    """A ValidationError naming the record type, the field, the value and a reason code."""
    return ValidationError(
        msg=f"field {field!r} {detail}, got {value!r}",
        obj=obj,
        field=field,
        value=value,
        reason=reason,
    )


def check_name(obj: str, field: str, value: Any) -> str:
    """A non-empty string: an agent, team, manager or channel name."""
    if not isinstance(value, str) or not value.strip():
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must be a non-empty string")
    return value


def check_id(obj: str, field: str, value: Any) -> str | int:
    """An identifier: a non-empty string or an integer (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must be a string or an integer")
    if isinstance(value, str) and not value.strip():
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must not be empty")
    return value if isinstance(value, str) else int(value)


def check_optional_id(obj: str, field: str, value: Any) -> str | int | None:
    """An identifier or None."""
    return None if value is None else check_id(obj, field, value)


def check_aware(obj: str, field: str, value: Any) -> datetime:
    """A timezone-aware datetime."""
    if not isinstance(value, datetime):
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must be a datetime")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise fail(
            obj,
            field,
            value,
            Reason.NAIVE_TIMESTAMP,
            "must be timezone-aware (give tz= to attach a zone to naive timestamps)",
        )
    return value


def check_optional_aware(obj: str, field: str, value: Any) -> datetime | None:
    """A timezone-aware datetime or None."""
    return None if value is None else check_aware(obj, field, value)


def check_bool(obj: str, field: str, value: Any) -> bool:
    """A boolean (``numpy.bool_`` is accepted)."""
    if type(value).__name__ == "bool_":
        return bool(value)
    if not isinstance(value, bool):
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must be a boolean")
    return value


def check_optional_bool(obj: str, field: str, value: Any) -> bool | None:
    """A boolean or None."""
    return None if value is None else check_bool(obj, field, value)


def check_real(
    obj: str,
    field: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    reason: Reason | str = Reason.OFF_SCALE,
) -> float:
    """A finite real number within ``[low, high]`` (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must be a real number")
    result = float(value)
    if math.isnan(result) or math.isinf(result):
        raise fail(obj, field, value, Reason.INVALID_FIELD, "must be a finite number")
    if low is not None and result < low:
        raise fail(obj, field, value, reason, f"must be at least {low:g}")
    if high is not None and result > high:
        raise fail(obj, field, value, reason, f"must be at most {high:g}")
    return result


def check_integer(
    obj: str,
    field: str,
    value: Any,
    *,
    low: int | None = None,
    high: int | None = None,
    reason: Reason | str = Reason.OFF_SCALE,
) -> int:
    """A whole number within ``[low, high]``; an integral float such as ``4.0`` is accepted."""
    number = check_real(obj, field, value)
    if not number.is_integer():
        raise fail(obj, field, value, reason, "must be a whole number")
    result = int(number)
    if low is not None and result < low:
        raise fail(obj, field, value, reason, f"must be at least {low}")
    if high is not None and result > high:
        raise fail(obj, field, value, reason, f"must be at most {high}")
    return result
