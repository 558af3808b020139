from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from csperf._periods import parse_datetime
from csperf.errors import ValidationError


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


def test_a_period_and_a_roster_compare_instants_in_a_fall_back_fold():
    # New York falls back at 2026-11-01 02:00 EDT: 01:30 EDT (05:30Z) comes before 01:10 EST
    # (06:10Z), though its wall clock is later. The database compares instants; so does Python.
    from zoneinfo import ZoneInfo

    from csperf._periods import in_period
    from csperf.metrics import Roster, RosterEntry

    ny = ZoneInfo("America/New_York")
    edt = datetime(2026, 11, 1, 1, 30, tzinfo=ny)  # fold=0: the first 01:30
    est = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=ny)  # the second 01:10
    assert edt.utcoffset() != est.utcoffset()
    assert not in_period(est, (None, edt))
    assert in_period(edt, (None, est))
    assert in_period(est, (edt, None))
    # two entries that meet in the fold: one ends at 01:30 EDT, the next starts at 01:10 EST
    roster = Roster(
        [
            RosterEntry("ann", "north", "mia", valid_to=edt),
            RosterEntry("ann", "south", "mia", valid_from=est),
        ]
    )
    assert [e.team for e in roster.entries] == ["north", "south"]
    with pytest.raises(ValidationError, match="overlap"):
        Roster(
            [
                RosterEntry("ann", "north", "mia", valid_to=est),
                RosterEntry("ann", "south", "mia", valid_from=edt),
            ]
        )
