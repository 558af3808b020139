from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from csperf._periods import parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-01T09:30:00Z", datetime(2026, 7, 1, 9, 30, tzinfo=timezone.utc)),
        (
            "2026-07-01T09:30:00+0800",
            datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=8))),
        ),
        (
            "2026-07-01 09:30:00.5+08:00",
            datetime(2026, 7, 1, 9, 30, 0, 500000, tzinfo=timezone(timedelta(hours=8))),
        ),
        (
            "2026-07-01T09:30:00.123456-05:00",
            datetime(2026, 7, 1, 9, 30, 0, 123456, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("2026-07-01", datetime(2026, 7, 1)),
        (" 2026-07-01T09:30 ", datetime(2026, 7, 1, 9, 30)),
    ],
)
def test_iso_timestamps_read_alike_on_every_python(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "2026-07-01T25:00"])
def test_bad_timestamps_raise_value_error(text):
    with pytest.raises(ValueError, match=r"."):  # the message is Python's own
        parse_datetime(text)
