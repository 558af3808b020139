"""The sample contact centre: deterministic, valid, realistic, and exportable."""

from __future__ import annotations

import csv
import statistics
from datetime import datetime, timedelta, timezone

import pytest

from csperf import ValidationError
from csperf.datasets import _CHINA_STANDARD_TIME, SampleData, contact_centre
from csperf.metrics import Roster, customer_satisfaction, measure, validate_records
from csperf.metrics._records import RECORD_KINDS

SMALL = {"managers": 1, "teams_per_manager": 2, "agents_per_team": 4, "days": 28}


@pytest.fixture(scope="module")
def small() -> SampleData:
    return contact_centre(seed=7, **SMALL)


@pytest.fixture(scope="module")
def quarter() -> SampleData:
    """The default centre: 2 managers, 4 teams, 24 agents, 91 days."""
    return contact_centre()


def test_same_seed_same_data_other_seed_other_data(small):
    again = contact_centre(seed=7, **SMALL)
    assert again == small
    other = contact_centre(seed=8, **SMALL)
    assert other.tickets != small.tickets


def test_shape_follows_the_arguments(small):
    assert small.roster.subjects("manager") == ("M01",)
    assert small.roster.subjects("team") == ("T01", "T02")
    assert len(small.roster.subjects("agent")) == 8
    assert small.start == datetime(2024, 1, 1, tzinfo=_CHINA_STANDARD_TIME)
    assert small.end - small.start == timedelta(days=28)
    assert small.period == (small.start, small.end)
    bigger = contact_centre(seed=7, managers=3, teams_per_manager=1, agents_per_team=2, days=7)
    assert bigger.roster.subjects("manager") == ("M01", "M02", "M03")
    assert len(bigger.roster.subjects("agent")) == 6


def test_every_record_is_valid_and_in_the_period(small):
    for kind, records in small.records_by_kind().items():
        assert records, kind
        accepted, report = validate_records(kind, records, roster=small.roster)
        assert report.count == 0, report.summary()
        assert len(accepted) == len(records)
        when = RECORD_KINDS[kind].time_field
        if kind != "surveys":  # answers may come in after the last day
            assert all(small.start <= getattr(r, when) < small.end for r in records), kind


def test_the_transfer_moves_one_agent_halfway(small):
    moved = [
        a
        for a in small.roster.agents
        if len([e for e in small.roster.entries if e.agent == a]) == 2
    ]
    assert moved == ["A004"]
    halfway = small.start + timedelta(days=14)
    assert small.roster.subject_at("team", "A004", halfway - timedelta(seconds=1)) == "T01"
    assert small.roster.subject_at("team", "A004", halfway) == "T02"
    assert contact_centre(seed=7, transfers=0, **SMALL).roster.subjects("agent") == tuple(
        sorted(small.roster.agents)
    )


def test_distributions_are_realistic(quarter):
    tickets = quarter.tickets
    chats = [
        t.first_response_seconds
        for t in tickets
        if t.channel == "chat" and t.first_response_seconds is not None
    ]
    # lognormal response times: right-skewed, mean well above the median (~45 s)
    assert statistics.mean(chats) > 1.2 * statistics.median(chats)
    assert 25 < statistics.median(chats) < 80
    handled = [t for t in tickets if t.handled]
    reopen = sum(t.reopened for t in handled) / len(handled)
    complaints = sum(t.complaint for t in handled) / len(handled)
    assert 0.02 < reopen < 0.12
    assert 0.003 < complaints < 0.03
    calls = [t for t in tickets if t.is_call]
    abandoned = sum(t.abandoned for t in calls) / len(calls)
    assert 0.02 < abandoned < 0.15
    # CSAT answers skewed to 4-5
    scores = [a.csat for a in quarter.surveys]
    assert sum(s >= 4 for s in scores) / len(scores) > 0.7
    assert scores.count(5) > scores.count(4) > scores.count(3)
    assert 0.7 < customer_satisfaction(quarter.surveys).value < 0.95


def test_agents_and_managers_differ(quarter):
    by_agent = measure(
        {"surveys": quarter.surveys},
        roster=quarter.roster,
        period=quarter.period,
        metrics=["customer_satisfaction"],
    )
    shares = [by_agent[a]["customer_satisfaction"].value for a in by_agent]
    assert max(shares) - min(shares) > 0.05
    by_manager = measure(
        quarter.records_by_kind(), level="manager", roster=quarter.roster, period=quarter.period
    )
    assert list(by_manager) == ["M01", "M02"]
    for metric in ("customer_satisfaction", "first_response_time", "script_compliance"):
        values = {m: by_manager[m][metric].value for m in by_manager}
        assert values["M01"] != values["M02"], metric
    # every metric has data for every manager
    assert all(not v.missing for row in by_manager.values() for v in row.values())


def test_to_frames_gives_the_same_measurements(small):
    pytest.importorskip("pandas")
    frames = small.to_frames()
    assert set(frames) == {*RECORD_KINDS, "roster"}
    for kind in RECORD_KINDS:
        assert list(frames[kind].columns) == list(RECORD_KINDS[kind].fields)
        assert len(frames[kind]) == len(getattr(small, kind))
    roster = Roster(frames["roster"])
    assert roster == small.roster
    from_frames = measure(frames_without_roster(frames), level="team", roster=roster)
    from_records = measure(small.records_by_kind(), level="team", roster=small.roster)
    assert from_frames == from_records


def frames_without_roster(frames):
    return {k: v for k, v in frames.items() if k != "roster"}


def test_write_csv_round_trips(small, tmp_path):
    paths = small.write_csv(tmp_path / "centre")
    assert sorted(p.name for p in paths.values()) == sorted(
        [f"{k}.csv" for k in RECORD_KINDS] + ["roster.csv"]
    )
    with paths["tickets"].open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == RECORD_KINDS["tickets"].fields
    text = paths["tickets"].read_text(encoding="utf-8")
    assert "+08:00" in text
    assert ",true," in text or ",false," in text
    for kind in RECORD_KINDS:
        with paths[kind].open(encoding="utf-8", newline="") as handle:
            records, report = validate_records(kind, csv.DictReader(handle))
        assert report.count == 0, report.summary()
        assert records == getattr(small, kind), kind
    with paths["roster"].open(encoding="utf-8", newline="") as handle:
        assert Roster(list(csv.DictReader(handle))) == small.roster


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("seed", -1),
        ("managers", 0),
        ("agents_per_team", 2.5),
        ("days", 0),
        ("survey_rate", 1.5),
        ("contacts_per_agent_day", float("nan")),
        ("transfers", 2),
        ("start", datetime(2024, 1, 1)),
    ],
)
def test_bad_arguments(argument, value):
    with pytest.raises(ValidationError, match=argument):
        contact_centre(**{argument: value})


def test_start_in_another_zone():
    start = datetime(2024, 4, 1, tzinfo=timezone.utc)
    data = contact_centre(
        seed=1, managers=1, teams_per_manager=1, agents_per_team=2, days=3, start=start
    )
    assert data.tickets[0].created_at.tzinfo is timezone.utc
    assert data.roster.subjects("team") == ("T01",)
