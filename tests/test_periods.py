"""The one periods module: time zones, aware datetimes, periods and the catalog's windows."""

from __future__ import annotations

import doctest
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import csperf._periods as periods
from csperf._periods import (
    Period,
    as_timezone,
    aware_datetime,
    in_period,
    parse_period,
    resolve_period,
)
from csperf.errors import ValidationError
from csperf.metrics import SurveyAnswer, customer_satisfaction, validate_records
from csperf.sources import Period as SourcesPeriod
from csperf.sources import parse_period as sources_parse_period

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_sources_names_are_the_periods_module_names():
    assert SourcesPeriod is Period
    assert sources_parse_period is parse_period


def test_docstring_examples():
    result = doctest.testmod(periods, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("UTC", UTC),
        (" utc ", UTC),
        ("Asia/Shanghai", SHANGHAI),
        (" Asia/Shanghai ", SHANGHAI),
        (SHANGHAI, SHANGHAI),
        (timezone(timedelta(hours=8)), timezone(timedelta(hours=8))),
    ],
)
def test_zones_are_read_one_way(given, expected):
    assert as_timezone(given) == expected


@pytest.mark.parametrize("given", ["", "  ", "Mars/Olympus", "../etc/passwd", 8, None])
def test_unknown_zones_are_refused_naming_the_object(given):
    with pytest.raises(ValidationError, match=r"^measure: field 'tz' must be an IANA") as info:
        as_timezone(given, obj="measure")
    assert (info.value.obj, info.value.field, info.value.value) == ("measure", ("tz",), given)


def test_aware_datetime_reads_datetimes_dates_and_text():
    moment = datetime(2026, 7, 1, 9, tzinfo=SHANGHAI)
    assert aware_datetime(moment, None, obj="x", field="f") is moment
    assert aware_datetime(date(2026, 7, 1), UTC, obj="x", field="f") == datetime(
        2026, 7, 1, tzinfo=UTC
    )
    assert aware_datetime(" 2026-07-01T09:00+08:00 ", None, obj="x", field="f") == moment
    with pytest.raises(ValidationError, match=r"^x: field 'f' is a naive timestamp"):
        aware_datetime(datetime(2026, 7, 1), None, obj="x", field="f")
    with pytest.raises(ValidationError, match=r"^x: field 'f' must be an ISO-8601"):
        aware_datetime("soon", UTC, obj="x", field="f")
    with pytest.raises(ValidationError, match=r"^x: field 'f' must be a datetime, got int 3"):
        aware_datetime(3, UTC, obj="x", field="f")


def test_catalog_windows_are_open_ended_and_may_be_empty():
    start = datetime(2026, 7, 1, tzinfo=UTC)
    assert resolve_period(None) is None
    assert resolve_period((start, None)) == (start, None)
    assert resolve_period((None, None)) == (None, None)
    assert resolve_period((start, start)) == (start, start)
    assert not in_period(start, (start, start))
    assert in_period(start, (start, None))
    assert in_period(start, None)
    assert not in_period(start - timedelta(microseconds=1), (start, None))
    # a Period is read by its bounds
    q3 = parse_period("2026-Q3", tz="UTC")
    assert resolve_period(q3) == q3.bounds


def test_catalog_windows_read_bounds_as_periods_do():
    # dates and ISO text, naive ones in tz: the same reading as parse_period's
    window = resolve_period((date(2026, 7, 1), "2026-08-01"), tz=" Asia/Shanghai ")
    assert window == parse_period("2026-07", tz="Asia/Shanghai").bounds
    with pytest.raises(ValidationError, match=r"^period: field 'end' must be an ISO-8601"):
        resolve_period(("2026-07-01T00:00Z", "soon"))
    with pytest.raises(ValidationError, match=r"^period: field 'start' is a naive timestamp"):
        resolve_period((date(2026, 7, 1), None))
    with pytest.raises(ValidationError, match=r"^period: field 'tz' must be an IANA"):
        resolve_period((None, None), tz="Mars/Olympus")


def test_metric_functions_and_sources_read_tz_alike():
    row = {"agent": "ann", "contact_id": 1, "submitted_at": "2024-03-04T09:00", "csat": 5}
    for tz in ("utc", " UTC", UTC):
        [record], report = validate_records("surveys", [row], tz=tz)
        assert record.submitted_at == datetime(2024, 3, 4, 9, tzinfo=UTC)
        assert report.count == 0
    with pytest.raises(ValidationError, match=r"^surveys: field 'tz' must be an IANA"):
        validate_records("surveys", [row], tz="Mars/Olympus")
    answer = SurveyAnswer("ann", 1, datetime(2024, 3, 4, 9, tzinfo=UTC), csat=5)
    assert customer_satisfaction([answer], period=(date(2024, 3, 4), date(2024, 3, 5)), tz="UTC").value == 1.0
    assert customer_satisfaction([answer], period=("2024-03-05", None), tz="UTC").value is None


def test_a_period_is_checked_on_evolve_too():
    import attrs

    q3 = parse_period("2026-Q3", tz="UTC")
    with pytest.raises(ValidationError, match="must be later than start"):
        attrs.evolve(q3, end=q3.start)
    with pytest.raises(ValidationError, match="field 'start' must be a timezone-aware"):
        attrs.evolve(q3, start=datetime(2026, 7, 1))
    with pytest.raises(ValidationError, match="field 'end' must be a timezone-aware"):
        Period(q3.start, "2026-10-01")  # type: ignore[arg-type]
    assert attrs.evolve(q3, label="Q3").label == "Q3"
