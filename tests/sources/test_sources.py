"""Metric sources: hand-worked measurements through every source, Measurements, periods."""

from __future__ import annotations

import builtins
import csv
import json
import math
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given

import cases
from csperf.datasets import contact_centre
from csperf.errors import (
    ConfigError,
    MeasurementError,
    UnknownNameError,
    ValidationError,
)
from csperf.metrics import MetricValue, RejectedRecords, RejectReport, Roster, RosterEntry
from csperf.sources import (
    CsvSource,
    DuckDbSource,
    Measurements,
    MetricSource,
    Period,
    RecordsSource,
    SqlSource,
    parse_period,
    write_tables,
)
from csperf.sources._builtin import BUILTIN_SOURCES
from csperf.templates import customer_service_manager
from strategies import measurement_tables

duckdb = pytest.importorskip("duckdb")

UTC = timezone.utc

# The small centre worked by hand (tests/cases.py; the backend conformance suite runs it too):
# ann and bob are both in team T1 (manager M1), cy and dee in T2.
D, H, S, JULY, ticket = cases.D, cases.H, cases.S, cases.JULY, cases.ticket
TICKETS, SURVEYS, ROWS = cases.TICKETS, cases.SURVEYS, cases.ROWS
ANN, BOB, T1 = cases.ANN, cases.BOB, cases.T1
ROSTER = Roster([RosterEntry(**entry) for entry in cases.ROSTER_ROWS])


def _csv_folder(tmp_path, rows, roster):
    folder = tmp_path / "export"
    folder.mkdir(parents=True)
    for kind, records in rows.items():
        fields = list(CsvSource_fields(kind))
        with (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(fields)
            for row in records:
                writer.writerow([_cell(row.get(f)) for f in fields])
    if roster is not None:
        with (folder / "roster.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["agent", "team", "manager", "valid_from", "valid_to"])
            for e in roster.entries:
                writer.writerow(
                    [e.agent, e.team, e.manager, _cell(e.valid_from), _cell(e.valid_to)]
                )
    return folder


def CsvSource_fields(kind):
    from csperf.sources._schema import COLUMNS

    return COLUMNS[kind]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def make_source(name, tmp_path, rows=ROWS, roster=ROSTER):
    if name == "records":
        return RecordsSource(rows, roster)
    if name == "csv":
        return CsvSource(_csv_folder(tmp_path, rows, roster))
    if name == "duckdb-csv":
        return DuckDbSource(_csv_folder(tmp_path, rows, roster))
    connection = sqlite3.connect(":memory:") if name == "sqlite" else duckdb.connect()
    write_tables(connection, rows, roster=roster)
    return SqlSource(connection)


SOURCES = ["records", "csv", "sqlite", "duckdb", "duckdb-csv"]


def close(found, expected):
    if expected is None:
        return found is None
    return found is not None and math.isclose(found, expected, rel_tol=1e-12)


@pytest.mark.parametrize("name", SOURCES)
def test_hand_worked_agents(name, tmp_path):
    m = make_source(name, tmp_path).measure(period=JULY, level="agent")
    assert m.subjects == ("ann", "bob", "cy", "dee")  # cy and dee from the roster
    for metric, value in ANN.items():
        assert close(m.row("ann")[metric], value), metric
    for metric, value in BOB.items():
        assert close(m.row("bob")[metric], value), metric
    assert m.value("bob", "resolution_time").flags == ("unresolved",)
    assert m.value("bob", "script_compliance").flags == ("critical_failed",)
    assert m.value("ann", "collaboration_rating").flags == ("self_ratings_excluded",)
    assert m.value("cy", "customer_satisfaction") == MetricValue(None, 0, ("no_data",))
    assert m.sample_size("ann", "first_response_time") == 3
    assert m.rejected.count == 0


@pytest.mark.parametrize("name", SOURCES)
def test_team_is_pooled_not_averaged(name, tmp_path):
    m = make_source(name, tmp_path).measure(period=JULY, level="team")
    assert m.subjects == ("T1", "T2")
    for metric, value in T1.items():
        assert close(m.row("T1")[metric], value), metric
    assert m.sample_size("T1", "customer_satisfaction") == 4
    manager = make_source(name, tmp_path / "m").measure(period=JULY, level="manager")
    assert manager.subjects == ("M1",)
    assert manager.row("M1")["customer_satisfaction"] == 0.5


@pytest.mark.parametrize("name", SOURCES)
def test_options_and_min_sample(name, tmp_path):
    m = make_source(name, tmp_path).measure(
        period=JULY,
        metrics=["first_response_time", "resolution_time", "service_level", "product_knowledge"],
        first_response_time={"statistic": "median", "min_sample": 3},
        resolution_time={"resolution": "final"},
        service_level={"abandons": "excluded"},
        product_knowledge={"method": "latest"},
    )
    assert m.metrics == (
        "first_response_time",
        "resolution_time",
        "service_level",
        "product_knowledge",
    )
    assert m.row("ann") == {
        "first_response_time": 30.0,  # median of 10, 30, 90
        "resolution_time": (3600 + 5 * 3600 + 10) / 3,  # T2 finally resolved at +5 h
        "service_level": 1.0,  # abandoned calls out of the denominator
        "product_knowledge": 90.0,  # the latest test
    }
    assert m.value("bob", "first_response_time").flags == ("small_sample",)
    assert m.value("ann", "first_response_time").flags == ()


@pytest.mark.parametrize("name", SOURCES)
def test_period_is_half_open(name, tmp_path):
    # T1 is created at 09:00: a period ending then leaves it out, one starting then takes it.
    before = (D, D + 9 * H)
    after = (D + 9 * H, D + 9 * H + S)
    source = make_source(name, tmp_path)
    m = source.measure(period=before, metrics=["complaint_rate"])
    assert m.sample_size("ann", "complaint_rate") == 0
    m = source.measure(period=after, metrics=["complaint_rate"])
    assert m.sample_size("ann", "complaint_rate") == 1
    assert m.period == Period(*after)


@pytest.mark.parametrize("name", SOURCES)
def test_bad_records_rejected_and_reported(name, tmp_path):
    bad = [
        *TICKETS,
        ticket("T7", "ann", "chat", D, first_response_at=D - S),  # response before creation
        ticket("T1", "ann", "chat", D),  # duplicate id
        ticket("T8", "eve", "chat", D),  # not on the roster
        ticket("T9", "bob", "phone", D, answered=True, wait_seconds=-1),  # negative duration
    ]
    rows = {"tickets": bad, "surveys": [*SURVEYS, {**SURVEYS[0], "contact_id": "X", "csat": 6}]}
    m = make_source(name, tmp_path, rows).measure(
        period=JULY, metrics=["complaint_rate", "customer_satisfaction"]
    )
    tickets = m.rejected["tickets"]
    assert (tickets.total, tickets.count) == (10, 4)
    assert [(e.position, e.reason) for e in tickets.examples] == [
        (6, "response_before_creation"),
        (7, "duplicate"),
        (8, "unknown_agent"),
        (9, "negative_duration"),
    ]
    assert m.rejected["surveys"].by_reason == {"off_scale": 1}
    # the good rows are measured as before, and the values say rows were rejected
    assert close(m.row("ann")["complaint_rate"], 1 / 3)
    assert m.value("ann", "complaint_rate").flags == ("rejected_records",)
    assert m.value("ann", "complaint_rate").rejected == tickets
    with pytest.raises(MeasurementError) as caught:  # kinds are checked in name order
        make_source(name, tmp_path / "strict", rows).measure(period=JULY, strict=True)
    assert (caught.value.position, caught.value.reason) == (4, "off_scale")
    with pytest.raises(MeasurementError) as caught:
        make_source(name, tmp_path / "strict2", {"tickets": bad}).measure(period=JULY, strict=True)
    assert caught.value.position == 6
    assert caught.value.reason == "response_before_creation"


def test_sql_and_records_equal_on_the_sample_centre():
    data = contact_centre(seed=3, managers=1, agents_per_team=3, days=21)
    python = RecordsSource(data.records_by_kind(), data.roster)
    connection = sqlite3.connect(":memory:")
    write_tables(connection, data.records_by_kind(), roster=data.roster)
    sql = SqlSource(connection)
    for level in ("agent", "team", "manager"):
        expected = python.measure(period=data.period, level=level)
        found = sql.measure(period=data.period, level=level)
        assert found.subjects == expected.subjects
        for subject in expected.subjects:
            for metric in expected.metrics:
                want, got = expected.value(subject, metric), found.value(subject, metric)
                assert (got.sample_size, got.flags) == (want.sample_size, want.flags)
                assert close(got.value, want.value) or math.isclose(
                    got.value, want.value, rel_tol=1e-9
                )


# -- the manager template reads Measurements directly -----------------------------------------


@pytest.fixture(scope="module")
def managers():
    data = contact_centre(seed=5, managers=3, teams_per_manager=1, agents_per_team=4, days=30)
    source = RecordsSource(data.records_by_kind(), data.roster)
    return source.measure(period=data.period, level="manager")


def test_manager_template_evaluates_one_by_one_and_in_batch(managers):
    card = customer_service_manager()
    assert managers.subjects == ("M01", "M02", "M03")
    batch = card.evaluate_many(managers)
    assert batch.subjects == managers.subjects
    for i, subject in enumerate(managers.subjects):
        result = card.evaluate(managers, subject)
        assert result.subject == subject
        assert result.total == batch.totals[i]
        assert result.grade.key == batch.grades[i]
        for ind in card.indicators:
            assert result.indicators[ind.key].raw == managers.row(subject)[ind.metric]
            assert not result.indicators[ind.key].missing


def test_every_template_measurement_is_a_catalog_metric(managers):
    card = customer_service_manager()
    assert {i.metric for i in card.indicators} <= set(managers.metrics)


# -- Measurements ---------------------------------------------------------------------------


def table(**kwargs):
    values = {
        "north": {"customer_satisfaction": MetricValue(0.92, 250), "aht": MetricValue(300.5, 40)},
        "south": {
            "customer_satisfaction": MetricValue(None, 0, ("no_data",)),
            "aht": MetricValue(280.0, 2, ("small_sample",)),
        },
    }
    fields = {
        "period": parse_period("2026-Q3", tz="Asia/Shanghai"),
        "level": "team",
        "metrics": ["customer_satisfaction", "aht"],
        "values": values,
    }
    return Measurements(**{**fields, **kwargs})


def test_measurements_reading():
    m = table()
    assert m.subjects == ("north", "south")
    assert len(m) == 2
    assert "north" in m
    assert m.row("south") == {"customer_satisfaction": None, "aht": 280.0}
    assert m.to_columns() == {
        "subject": ["north", "south"],
        "customer_satisfaction": [0.92, None],
        "aht": [300.5, 280.0],
    }
    assert m.value("north", "aht") == MetricValue(300.5, 40)
    assert m.sample_size("north", "customer_satisfaction") == 250
    assert m.flags("south", "aht") == ("small_sample",)
    assert m.to_records()[1] == {
        "subject": "south",
        "customer_satisfaction": None,
        "aht": 280.0,
        "sample_size.customer_satisfaction": 0,
        "sample_size.aht": 2,
        "flags.customer_satisfaction": ["no_data"],
        "flags.aht": ["small_sample"],
    }


def test_measurements_lookups_name_what_exists():
    m = table()
    with pytest.raises(UnknownNameError, match="no subject 'west'") as caught:
        m.row("west")
    assert caught.value.available == ["north", "south"]
    assert isinstance(caught.value, LookupError)
    with pytest.raises(UnknownNameError, match="no metric 'nps'"):
        m.value("north", "nps")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": "region"}, "level"),
        ({"metrics": ["aht", "aht"]}, "repeats aht"),
        ({"metrics": ["Bad-Name"]}, "metrics"),
        ({"metrics": ["aht"]}, "not in metrics: customer_satisfaction"),
        ({"metrics": ["aht", "customer_satisfaction", "nps"]}, "missing nps"),
        ({"values": {"x": {"aht": 3.0, "customer_satisfaction": 0.5}}}, "MetricValue"),
        ({"period": ("2026-07-01", "2026-10-01")}, "Period"),
        ({"rejected": {}}, "RejectedRecords"),
    ],
)
def test_measurements_are_validated(change, message):
    with pytest.raises(ValidationError, match=message):
        table(**change)


def test_measurements_round_trip_through_json(tmp_path):
    rejected = RejectedRecords({"tickets": RejectReport("tickets", 10, 0)})
    m = table(rejected=rejected, source="csv")
    path = m.write(tmp_path / "m.json")
    back = Measurements.read(path)
    assert back == m
    assert back.period.label == "2026-Q3"
    assert json.loads(path.read_text())["format"] == "csperf.measurements"


def test_measurements_round_trip_through_csv(tmp_path):
    m = table()
    back = Measurements.read(m.write(tmp_path / "m.csv"), period=m.period, level="team")
    assert back == m


def test_hand_typed_csv_table(tmp_path, manager_card):
    path = tmp_path / "typed.csv"
    path.write_text(
        "subject,customer_satisfaction,complaint_rate,first_response_time,resolution_time,"
        "product_knowledge,script_compliance,collaboration_rating,information_sharing_rate\n"
        "li_wei,0.92,0.004,45,20000,88,0.93,4.2,0.97\n"
        "zhang_min,0.85,,60,30000,75,0.9,4.0,0.9\n",
        encoding="utf-8",
    )
    m = Measurements.read(path)
    assert m.level == "agent"
    assert m.period is None
    # no sample size given: not known (not one observation)
    assert m.value("li_wei", "complaint_rate") == MetricValue(0.004, None)
    assert m.value("zhang_min", "complaint_rate") == MetricValue(None, 0)
    # test_scorecard.py works li_wei's total out by hand: 90.48
    assert manager_card.evaluate(m, "li_wei").total == 90.48
    with pytest.raises(MeasurementError):  # complaint_rate is missing under MissingPolicy.ERROR
        manager_card.evaluate_many(m)


@pytest.mark.parametrize(
    ("text", "error", "line", "message"),
    [
        ("subject,nps\na,nan\n", MeasurementError, 2, "finite number"),
        ("subject,nps\na,inf\n", MeasurementError, 2, "finite number"),
        ("subject,nps\na,12x\n", MeasurementError, 2, "finite number"),
        # A text column is a subject attribute (issue 14); a near miss of a metric is a typo.
        ("subject,nps,complant_rate\na,1,0.1\n", ConfigError, 1, "did you mean 'complaint_rate'"),
        ("subject,nps\na,1\na,2\n", ConfigError, 3, "repeats line 2"),
        ("subject,nps\na,1,2\n", ConfigError, 2, "expected 2 cells"),
        ("nps\n1\n", ConfigError, 1, "no 'subject' column"),
        ("subject,nps,sample_size.nps\na,1,-2\n", MeasurementError, 2, "whole number"),
        ("subject,nps,flags.nps\na,1,bogus\n", MeasurementError, 2, "unknown flag"),
        ("subject,sample_size.nps\na,1\n", ConfigError, 1, "no value column 'nps'"),
        ("", ConfigError, 1, "empty"),
    ],
)
def test_reading_a_csv_table_is_strict(tmp_path, text, error, line, message):
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=message) as caught:
        Measurements.read(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert f"{path}:{line}:" in str(caught.value)


def test_reading_a_json_table_is_strict(tmp_path):
    good = table().to_dict()
    cases = [
        ({**good, "colour": "red"}, ConfigError, "unknown keys colour"),
        ({**good, "version": 2}, ConfigError, "version"),
        ({**good, "metrics": ["customer_satisfaction", "aht", "mood"]}, ConfigError, "mood"),
        ({**good, "rows": [{**good["rows"][0], "aht": "fast"}]}, MeasurementError, "fast"),
    ]
    for data, error, message in cases:
        path = tmp_path / "m.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(error, match=message):
            Measurements.read(path)
    path.write_text(json.dumps(good).replace("300.5", "NaN"), encoding="utf-8")
    with pytest.raises(ConfigError, match="NaN"):
        Measurements.read(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid JSON") as caught:
        Measurements.read(path)
    assert caught.value.line == 1
    with pytest.raises(ConfigError, match="differs"):
        Measurements.read(table().write(tmp_path / "n.json"), level="agent")


def test_measurements_file_types(tmp_path):
    with pytest.raises(ConfigError, match=r"\.json or \.csv"):
        table().write(tmp_path / "m.xlsx")
    (tmp_path / "m.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"use \.csv, \.xlsx or \.json"):
        Measurements.read(tmp_path / "m.txt")
    with pytest.raises(ConfigError, match="cannot read"):
        Measurements.read(tmp_path / "absent.csv")


def test_custom_measurement_names_can_be_allowed(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("subject,attendance\nann,0.98\n", encoding="utf-8")
    # Not a metric, the column is a subject attribute (issue 14); allowed, it is a metric.
    as_attribute = Measurements.read(path)
    assert as_attribute.metrics == ()
    assert as_attribute.attribute("ann", "attendance") == "0.98"
    assert Measurements.read(path, metrics=["attendance"]).row("ann") == {"attendance": 0.98}


# -- periods ----------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", datetime(2026, 1, 1), datetime(2027, 1, 1), "2026"),
        ("2026-H2", datetime(2026, 7, 1), datetime(2027, 1, 1), "2026-H2"),
        ("2026-q3", datetime(2026, 7, 1), datetime(2026, 10, 1), "2026-Q3"),
        ("2026-Q4", datetime(2026, 10, 1), datetime(2027, 1, 1), "2026-Q4"),
        ("2026-02", datetime(2026, 2, 1), datetime(2026, 3, 1), "2026-02"),
        ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1), "2026-12"),
        ("2026-02-28", datetime(2026, 2, 28), datetime(2026, 3, 1), "2026-02-28"),
        ("2026-07-01..2026-10-01", datetime(2026, 7, 1), datetime(2026, 10, 1), None),
    ],
)
def test_parse_period_forms(text, start, end, label):
    period = parse_period(text, tz="Asia/Shanghai")
    assert period.start == start.replace(tzinfo=SHANGHAI)
    assert period.end == end.replace(tzinfo=SHANGHAI)
    assert period.label == label


def test_period_membership_is_half_open():
    q3 = parse_period("2026-Q3", tz="UTC")
    assert datetime(2026, 7, 1, tzinfo=UTC) in q3
    assert datetime(2026, 9, 30, 23, 59, 59, 999999, tzinfo=UTC) in q3
    assert datetime(2026, 10, 1, tzinfo=UTC) not in q3
    # the same instant in another zone
    assert datetime(2026, 10, 1, 7, 59, tzinfo=SHANGHAI) in q3
    with pytest.raises(ValidationError, match="timezone-aware"):
        _ = datetime(2026, 8, 1) in q3


def test_a_month_across_a_dst_change_is_its_wall_clock_month():
    march = parse_period("2026-03", tz="Europe/Paris")
    assert march.end - march.start == timedelta(days=31)  # wall-clock arithmetic
    assert (march.end.timestamp() - march.start.timestamp()) == 31 * 86400 - 3600


def test_naive_periods_need_a_zone():
    with pytest.raises(ValidationError, match="has no time zone"):
        parse_period("2026-Q3")
    with pytest.raises(ValidationError, match="naive timestamp"):
        parse_period("2026-07-01T00:00..2026-08-01T00:00")
    with pytest.raises(ValidationError, match="naive timestamp"):
        parse_period((datetime(2026, 7, 1), datetime(2026, 8, 1)))
    aware = parse_period(("2026-07-01T00:00+08:00", "2026-08-01"), tz="UTC")
    assert aware.start.utcoffset() == timedelta(hours=8)
    assert aware.end.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-Q5", "cannot read"),
        ("2026-13", "not a valid date"),
        ("2026-02-30", "not a valid date"),
        ("soon", "cannot read"),
        ("2026-07-01..nope", "ISO-8601"),
        ("2026-08-01..2026-07-01", "later than start"),
        (42, "expected text"),
        ((1, 2), "must be a datetime"),
    ],
)
def test_bad_periods(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_period(value, tz="UTC")


def test_period_zone_and_dict_round_trip():
    with pytest.raises(ValidationError, match="IANA"):
        parse_period("2026-Q3", tz="Mars/Olympus")
    period = parse_period("2026-Q3", tz=timezone(timedelta(hours=8)))
    assert Period.from_dict(period.to_dict()) == period
    assert str(period) == "2026-Q3"
    with pytest.raises(ValidationError, match="unknown keys"):
        Period.from_dict({**period.to_dict(), "zone": "x"})
    with pytest.raises(ValidationError, match="label"):
        Period(period.start, period.end, "")


# -- the source interface ---------------------------------------------------------------------


def test_builtin_sources():
    assert [s.name for s in BUILTIN_SOURCES] == ["records", "csv", "duckdb", "sql", "ibis"]
    for source in BUILTIN_SOURCES:
        assert issubclass(source, MetricSource)
        assert source.summary
        assert source.options


def test_sources_are_offered_through_the_plugin_hook(pm):
    found = [s for group in pm.hook.csperf_metric_sources() for s in group]
    assert set(BUILTIN_SOURCES) <= set(found)


def test_sources_from_string_options(tmp_path):
    data = contact_centre(seed=2, managers=1, teams_per_manager=1, agents_per_team=2, days=7)
    folder = tmp_path / "export"
    data.write_csv(folder)
    period = "2024-01-01..2024-01-08"
    csv_source = CsvSource.from_options({"path": str(folder)})
    expected = csv_source.measure(period=period, tz="Asia/Shanghai", level="team")
    duck = DuckDbSource.from_options({"path": str(folder)})
    assert duck.measure(period=period, tz="Asia/Shanghai", level="team").subjects == (
        expected.subjects
    )
    by_file = CsvSource.from_options(
        {"tickets": str(folder / "tickets.csv"), "roster": str(folder / "roster.csv")}
    )
    assert by_file.measure(period=period, tz="Asia/Shanghai", level="team").metrics[0] == (
        "complaint_rate"
    )
    database = tmp_path / "centre.db"
    connection = sqlite3.connect(database)
    write_tables(connection, data.records_by_kind(), roster=data.roster)
    connection.close()
    sql = SqlSource.from_options({"database": str(database)})
    found = sql.measure(period=period, tz="Asia/Shanghai", level="team")
    assert found.to_columns().keys() == expected.to_columns().keys()
    records = RecordsSource.from_options({"dataset": "contact_centre", "seed": "2", "days": "7"})
    assert records.measure(period=None, level="manager").subjects == ("M01", "M02")


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        (CsvSource, {"colour": "red"}, "unknown option 'colour'"),
        (CsvSource, {}, "give path="),
        (CsvSource, {"path": "/nonexistent/dir"}, "not a directory"),
        (SqlSource, {}, "'database' is required"),
        (SqlSource, {"database": "/nonexistent.db"}, "does not exist"),
        (RecordsSource, {"dataset": "zoo"}, "unknown dataset"),
        (RecordsSource, {"dataset": "contact_centre", "seed": "x"}, "whole number"),
        (DuckDbSource, {"path": "/nonexistent/dir"}, "not a directory"),
    ],
)
def test_bad_string_options(source, options, message):
    with pytest.raises(ConfigError, match=message):
        source.from_options(options)


@pytest.mark.parametrize("name", ["records", "sqlite"])
def test_bad_requests(name, tmp_path):
    source = make_source(name, tmp_path)
    with pytest.raises(UnknownNameError, match="unknown metric 'mood'"):
        source.measure(period=JULY, metrics=["mood"])
    with pytest.raises(UnknownNameError, match="not measured"):
        source.measure(period=JULY, metrics=["aht"], fcr={"window": 0})
    with pytest.raises(ValidationError, match="unknown option 'colour'"):
        source.measure(period=JULY, aht={"colour": 1})
    with pytest.raises(ValidationError, match="statistic"):
        source.measure(period=JULY, aht={}, first_response_time={"statistic": "p200"})
    with pytest.raises(ValidationError, match="min_sample"):
        source.measure(period=JULY, aht={"min_sample": 0})
    with pytest.raises(ValidationError, match="level"):
        source.measure(period=JULY, level="region")
    no_roster = make_source(name, tmp_path / "n", roster=None)
    with pytest.raises(ValidationError, match="needs a roster"):
        no_roster.measure(period=JULY, level="team")


def test_missing_duckdb_is_explained(monkeypatch):
    real_import = builtins.__import__

    def no_duckdb(name, *args, **kwargs):
        if name == "duckdb" or name.startswith("duckdb."):
            raise ImportError("No module named 'duckdb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_duckdb)
    with pytest.raises(ConfigError, match=r"pip install 'csperf\[duckdb\]'") as caught:
        DuckDbSource()
    assert isinstance(caught.value.__cause__, ImportError)


# -- the examples in the docstrings ------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "csperf._periods",
        "csperf.sources._measurements",
        "csperf.sources._records",
        "csperf.sources._csv",
        "csperf.sources._sql",
        "csperf.sources._duckdb",
    ],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(
        importlib.import_module(module),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0
    assert result.failed == 0


# -- files round-trip ---------------------------------------------------------------------------


@given(m=measurement_tables())
def test_measurement_files_round_trip(m, tmp_path_factory):
    folder = tmp_path_factory.mktemp("m")
    assert Measurements.read(m.write(folder / "m.json")) == m
    back = Measurements.read(m.write(folder / "m.csv"), period=m.period, level=m.level)
    assert back == attrs.evolve(m, source=None)
