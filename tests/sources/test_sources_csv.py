"""The CSV source: documented columns, malformed rows reported with file and line."""

from __future__ import annotations

import math

import pytest

from csperf.datasets import contact_centre
from csperf.errors import ConfigError, MeasurementError, ValidationError
from csperf.metrics import Roster, RosterEntry
from csperf.sources import CsvSource, DuckDbSource
from csperf.sources._csv import read_csv_rows

PERIOD = "2026-07-01T00:00+08:00..2026-08-01T00:00+08:00"
HEADER = "id,agent,channel,created_at,first_response_at,complaint,wait_seconds,answered\n"
EXPORT = (
    HEADER
    + "T1,ann,chat,2026-07-01T09:00:00+08:00,2026-07-01T09:01:00+08:00,false,,\n"  # line 2
    + "T2,ann,chat,2026-07-01T09:00:00+08:00,2026-07-01T08:59:00+08:00,false,,\n"  # 3: early
    + "T3,ann,phone,2026-07-01T10:00:00+08:00,2026-07-01T10:00:20+08:00,true,20,true\n"  # 4
    + "T4,ann,chat\n"  # 5: malformed
    + "T1,bob,chat,2026-07-02T09:00:00+08:00,,false,,\n"  # 6: duplicate id
    + 'T5,bob,"chat\nwith a line break",2026-07-02T09:00:00,,false,,\n'  # 7-8: naive
    + "T6,bob,phone,2026-07-02T09:00:00+08:00,,maybe,abc,true\n"  # 9: bad flag
    + "T7,bob,phone,2026-07-02T10:00:00+08:00,,false,nan,true\n"  # 10: nan is not a number
    + "T8,bob,email,2026-07-02T11:00:00+08:00,2026-07-02T11:10:00+08:00,false,,\n"  # 11
)


@pytest.fixture
def export(tmp_path):
    (tmp_path / "tickets.csv").write_text(EXPORT, encoding="utf-8")
    return tmp_path


def test_malformed_rows_are_reported_with_file_and_line(export):
    m = CsvSource(export).measure(period=PERIOD, metrics=["complaint_rate"])
    report = m.rejected["tickets"]
    assert (report.total, report.count) == (9, 6)
    path = str(export / "tickets.csv")
    found = [(e.position, e.reason, e.field, e.message.split(": ")[0]) for e in report.examples]
    assert found == [
        (1, "response_before_creation", "first_response_at", f"{path}:3"),
        (3, "malformed_row", "(row)", f"{path}:5"),
        (4, "duplicate", "id", f"{path}:6"),
        (5, "naive_timestamp", "created_at", f"{path}:7"),
        (6, "invalid_field", "complaint", f"{path}:9"),
        (7, "invalid_field", "wait_seconds", f"{path}:10"),
    ]
    assert report.by_reason == {
        "response_before_creation": 1,
        "malformed_row": 1,
        "duplicate": 1,
        "naive_timestamp": 1,
        "invalid_field": 2,
    }
    # T1, T3 for ann (T2 rejected); T8 for bob: one complaint of two, none of one
    assert m.row("ann") == {"complaint_rate": 0.5}
    assert m.row("bob") == {"complaint_rate": 0.0}


def test_every_rejected_row_names_its_line(export):
    m = CsvSource(export).measure(period=PERIOD, metrics=["complaint_rate"])
    lines = {
        e.position: int(e.message.split(": ")[0].rsplit(":", 1)[1])
        for e in m.rejected["tickets"].examples
    }
    assert lines == {1: 3, 3: 5, 4: 6, 5: 7, 6: 9, 7: 10}


def test_a_zone_makes_naive_rows_readable(export):
    m = CsvSource(export).measure(period=PERIOD, tz="Asia/Shanghai", metrics=["complaint_rate"])
    assert "naive_timestamp" not in m.rejected["tickets"].by_reason
    assert m.sample_size("bob", "complaint_rate") == 2  # T5 and T8


def test_strict_raises_at_the_first_bad_row_with_file_and_line(export):
    with pytest.raises(MeasurementError) as caught:
        CsvSource(export).measure(period=PERIOD, strict=True)
    error = caught.value
    assert (error.path, error.line, error.position) == (str(export / "tickets.csv"), 3, 1)
    assert error.reason == "response_before_creation"
    assert str(error).startswith(f"{export / 'tickets.csv'}:3: ")


def test_duckdb_reads_the_same_export_alike(export):
    python = CsvSource(export).measure(period=PERIOD, metrics=["complaint_rate"])
    duck = DuckDbSource(export).measure(period=PERIOD, metrics=["complaint_rate"])
    assert duck.to_columns() == python.to_columns()
    want, got = python.rejected["tickets"], duck.rejected["tickets"]
    assert (got.total, got.count, dict(got.by_reason)) == (
        want.total,
        want.count,
        dict(want.by_reason),
    )
    assert [(e.position, e.reason) for e in got.examples] == [
        (e.position, e.reason) for e in want.examples
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("id,agent,channel,created_at,colour\n", "unknown column 'colour'"),
        ("id,agent,channel\n", "no column 'created_at'"),
        ("id,agent,agent,channel,created_at\n", "appears twice"),
    ],
)
def test_bad_headers(tmp_path, text, message):
    (tmp_path / "tickets.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        CsvSource(tmp_path).measure(period=PERIOD)
    assert caught.value.line == 1
    assert caught.value.path == str(tmp_path / "tickets.csv")


def test_other_columns_and_headers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Ticket,Agent,Channel,Created,Subject\nT1,ann,chat,2026-07-01T09:00:00Z,Refund\n",
        encoding="utf-8",
    )
    columns = {"Ticket": "id", "Agent": "agent", "Channel": "channel", "Created": "created_at"}
    source = CsvSource(
        files={"tickets": path}, columns={"tickets": columns}, extra_columns="ignore"
    )
    assert source.measure(period=PERIOD, metrics=["complaint_rate"]).row("ann") == {
        "complaint_rate": 0.0
    }
    strict = CsvSource(files={"tickets": path}, columns={"tickets": columns})
    with pytest.raises(ConfigError, match="unknown column 'Subject'"):
        strict.measure(period=PERIOD)
    with pytest.raises(ConfigError, match="unknown field 'ident'"):
        read_csv_rows(path, "tickets", columns={"Ticket": "ident"})


def test_numbers_are_plain_decimals(tmp_path):
    (tmp_path / "knowledge_tests.csv").write_text(
        "agent,taken_at,score\n"
        "ann,2026-07-01T09:00:00Z,80\n"
        "ann,2026-07-02T09:00:00Z, 9.5e1 \n"
        "ann,2026-07-03T09:00:00Z,1_000\n"
        "ann,2026-07-04T09:00:00Z,inf\n"
        "ann,2026-07-05T09:00:00Z,\n",
        encoding="utf-8",
    )
    m = CsvSource(tmp_path).measure(period=PERIOD)
    assert m.row("ann") == {"product_knowledge": 87.5}  # (80 + 95) / 2
    assert m.rejected["knowledge_tests"].by_reason == {"invalid_field": 2, "missing_field": 1}


def test_roster_file_problems_name_the_line(tmp_path):
    (tmp_path / "tickets.csv").write_text(HEADER, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(
        "agent,team,manager,valid_from,valid_to\n"
        "ann,T1,M1,,2026-08-01T00:00:00Z\n"
        "ann,T2,M1,2026-07-15T00:00:00Z,\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="overlap"):
        CsvSource(tmp_path).measure(period=PERIOD, level="team")
    (tmp_path / "roster.csv").write_text(
        "agent,team,manager,valid_from,valid_to\nann,T1\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="expected 5 cells") as caught:
        CsvSource(tmp_path).measure(period=PERIOD, level="team")
    assert caught.value.line == 2
    (tmp_path / "roster.csv").write_text(
        "agent,team,manager\nann,T1,M1\nbob,,M1\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="team") as caught:
        CsvSource(tmp_path).measure(period=PERIOD, level="team")
    assert caught.value.line == 3


def test_a_roster_object_can_replace_the_file(export):
    roster = Roster([RosterEntry("ann", "T1", "M1")])
    m = CsvSource(export, roster=roster).measure(period=PERIOD, level="team")
    assert m.subjects == ("T1",)
    assert m.rejected["tickets"].by_reason["unknown_agent"] == 1  # bob's T8


def test_missing_files_and_kinds(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        CsvSource(files={"tickets": tmp_path / "absent.csv"})
    with pytest.raises(ConfigError, match="unknown record kind 'calls'"):
        CsvSource(files={"calls": tmp_path / "x.csv"})
    with pytest.raises(ConfigError, match="extra_columns"):
        CsvSource(tmp_path, extra_columns="maybe")
    # a metric whose file is absent has no data
    m = CsvSource(tmp_path).measure(period=PERIOD, metrics=["nps"])
    assert m.subjects == ()
    with pytest.raises(ValidationError, match="needs a roster"):
        CsvSource(tmp_path).measure(period=PERIOD, level="manager")


@pytest.mark.parametrize("source", [CsvSource, DuckDbSource])
def test_sample_data_export_reads_back_as_the_records(source, tmp_path):
    from csperf.sources import RecordsSource

    data = contact_centre(seed=9, managers=1, agents_per_team=3, days=10)
    data.write_csv(tmp_path)
    for level in ("agent", "team"):
        want = RecordsSource(data.records_by_kind(), data.roster).measure(
            period=data.period, level=level
        )
        got = source(tmp_path).measure(period=data.period, level=level)
        assert got.rejected.count == 0
        assert got.subjects == want.subjects
        for subject in want.subjects:
            for metric in want.metrics:
                a, b = want.value(subject, metric), got.value(subject, metric)
                assert (a.sample_size, a.flags) == (b.sample_size, b.flags)
                assert a.value == b.value or math.isclose(a.value, b.value, rel_tol=1e-9)
