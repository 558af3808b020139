"""The one check of identifier keys (``[a-z][a-z0-9_]*``) used throughout csperf."""

from __future__ import annotations

import re
from typing import Any

import attrs

from csperf.errors import ValidationError

__all__ = ["KEY_PATTERN", "check_key", "valid_key"]

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
"""An identifier key; matched with :meth:`re.Pattern.fullmatch`, so ``"csat\\n"`` is refused."""


def check_key(obj: str, field: str, value: Any) -> str:
    """Check that ``value`` is an identifier key (``[a-z][a-z0-9_]*``) and return it.

    Raises:
        ValidationError: Naming ``obj`` and ``field`` when it is not.
    """
    if not isinstance(value, str) or KEY_PATTERN.fullmatch(value) is None:
        raise ValidationError(
            msg=f"field {field!r} must match [a-z][a-z0-9_]*, got {value!r}",
            obj=obj,
            field=field,
            value=value,
        )
    return value


def valid_key(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator: the field is an identifier key, named after the class and field."""
    check_key(type(instance).__name__, attribute.name, value)
