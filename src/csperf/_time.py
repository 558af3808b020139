"""ISO-8601 timestamps read the same way on every supported Python."""

from __future__ import annotations

import re
import sys
from datetime import datetime

__all__ = ["parse_datetime"]

_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_FRACTION = re.compile(r"\.(\d+)(?=$|[+-])")


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 timestamp such as ``2026-07-01T09:30:00+08:00`` or ``...Z``.

    Python 3.11's :meth:`datetime.fromisoformat` reads a trailing ``Z``, offsets without a
    colon and fractions of any length; on 3.10 those forms are rewritten first, so both
    versions read the same text alike.

    Raises:
        ValueError: When the text is not an ISO-8601 timestamp.
    """
    text = text.strip()
    if sys.version_info < (3, 11) and len(text) > 10 and text[10] in "Tt ":
        date, time = text[:10], text[11:]
        if time[-1:] in ("Z", "z"):
            time = time[:-1] + "+00:00"
        time = _OFFSET.sub(r"\1:\2", time)
        time = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], time)
        text = f"{date}T{time}"
    return datetime.fromisoformat(text)
