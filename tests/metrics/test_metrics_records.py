"""Record types, reading rows of every shape, and bad-record reporting."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from collections import namedtuple
from datetime import datetime, timedelta, timezone

import attrs
import pytest

from csperf import MeasurementError, ValidationError
from csperf.errors import UnknownNameError
from csperf.metrics import (
    MetricValue,
    PeerRating,
    QaReview,
    RecordIssue,
    RejectedRecords,
    RejectReport,
    Roster,
    RosterEntry,
    SurveyAnswer,
    Ticket,
    complaint_rate,
    customer_satisfaction,
    first_response_time,
    validate_records,
)
from csperf.metrics._records import RECORD_KINDS

UTC = timezone.utc
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
ISO = "2024-03-04T09:00:00+00:00"


def ticket_row(i, **extra):
    return {"id": i, "agent": "ann", "channel": "chat", "created_at": ISO, **extra}


# ---------------------------------------------------------------- record invariants


@pytest.mark.parametrize(
    ("build", "reason", "field"),
    [
        (
            lambda: Ticket(1, "ann", "chat", T0, first_response_at=T0 - timedelta(seconds=1)),
            "response_before_creation",
            "first_response_at",
        ),
        (
            lambda: Ticket(1, "ann", "chat", T0, resolved_at=T0 - timedelta(hours=1)),
            "resolution_before_creation",
            "resolved_at",
        ),
        (
            lambda: Ticket(1, "ann", "chat", T0, final_resolved_at=T0),
            "inconsistent",
            "final_resolved_at",
        ),
        (
            lambda: Ticket(
                1,
                "ann",
                "chat",
                T0,
                resolved_at=T0 + timedelta(hours=2),
                final_resolved_at=T0 + timedelta(hours=1),
                reopened=True,
            ),
            "resolution_before_creation",
            "final_resolved_at",
        ),
        (
            lambda: Ticket(
                1, "ann", "chat", T0, resolved_at=T0, final_resolved_at=T0 + timedelta(hours=1)
            ),
            "inconsistent",
            "final_resolved_at",
        ),
        (
            lambda: Ticket(1, "ann", "phone", T0, answered=True, wait_seconds=-3),
            "negative_duration",
            "wait_seconds",
        ),
        (
            lambda: Ticket(1, "ann", "phone", T0, talk_seconds=-1),
            "negative_duration",
            "talk_seconds",
        ),
        (
            lambda: Ticket(1, "ann", "phone", T0, answered=True, abandoned=True, wait_seconds=3),
            "inconsistent",
            "abandoned",
        ),
        (lambda: Ticket(1, "ann", "phone", T0, answered=True), "missing_field", "wait_seconds"),
        (lambda: Ticket(1, "", "chat", T0), "invalid_field", "agent"),
        (lambda: Ticket(True, "ann", "chat", T0), "invalid_field", "id"),
        (lambda: Ticket(1, "ann", "chat", "2024-03-04"), "invalid_field", "created_at"),
        (lambda: Ticket(1, "ann", "chat", T0, reopened="yes"), "invalid_field", "reopened"),
        (
            lambda: Ticket(1, "ann", "chat", T0, wait_seconds=float("nan")),
            "invalid_field",
            "wait_seconds",
        ),
        (lambda: SurveyAnswer("ann", 1, T0, csat=6), "off_scale", "csat"),
        (lambda: SurveyAnswer("ann", 1, T0, csat=0), "off_scale", "csat"),
        (lambda: SurveyAnswer("ann", 1, T0, csat=4.5), "off_scale", "csat"),
        (lambda: SurveyAnswer("ann", 1, T0, nps=11), "off_scale", "nps"),
        (lambda: SurveyAnswer("ann", 1, T0), "missing_field", "csat"),
        (lambda: QaReview("ann", T0, 11, 10), "off_scale", "checks_passed"),
        (lambda: QaReview("ann", T0, 0, -1), "off_scale", "checks_applicable"),
        (lambda: QaReview("ann", T0, 0, 0, True), "inconsistent", "critical_failed"),
        (lambda: PeerRating("bob", "ann", T0, 5.5), "off_scale", "score"),
        (lambda: PeerRating("bob", "ann", T0, 0), "off_scale", "score"),
        (lambda: RosterEntry("ann", "north", "mia", T0, T0), "inconsistent", "valid_to"),
    ],
)
def test_invalid_records_cannot_exist(build, reason, field):
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.reason == reason
    assert info.value.key_path == field


def test_call_flags_complete_each_other():
    answered = Ticket(1, "ann", "phone", T0, answered=True, wait_seconds=5)
    assert (answered.answered, answered.abandoned, answered.is_call, answered.handled) == (
        True,
        False,
        True,
        True,
    )
    abandoned = Ticket(2, "ann", "phone", T0, abandoned=True, wait_seconds=5)
    assert (abandoned.answered, abandoned.handled) == (False, False)
    chat = Ticket(3, "ann", "chat", T0)
    assert (chat.is_call, chat.handled) == (False, True)


def test_records_are_frozen_and_picklable():
    ticket = Ticket(1, "ann", "chat", T0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ticket.agent = "bob"
    assert pickle.loads(pickle.dumps(ticket)) == ticket


def test_record_kinds():
    assert list(RECORD_KINDS) == [
        "tickets",
        "surveys",
        "qa_reviews",
        "knowledge_tests",
        "peer_ratings",
        "sharing_items",
    ]
    assert RECORD_KINDS["peer_ratings"].subject_field == "ratee"
    assert RECORD_KINDS["surveys"].time_field == "submitted_at"
    assert RECORD_KINDS["tickets"].fields[:4] == ("id", "agent", "channel", "created_at")


# ---------------------------------------------------------------- rows of every shape


@dataclasses.dataclass
class AnswerRow:
    agent: str
    contact_id: int
    submitted_at: datetime
    csat: int | None = None
    nps: int | None = None


@attrs.define
class AnswerAttrs:
    agent: str
    contact_id: int
    submitted_at: datetime
    csat: int


AnswerTuple = namedtuple("AnswerTuple", "agent contact_id submitted_at csat")


def test_rows_of_every_shape_give_the_same_value():
    # two satisfied of three in every shape
    shapes = [
        [SurveyAnswer("ann", i, T0, csat=s) for i, s in enumerate([5, 4, 2])],
        [
            {"agent": "ann", "contact_id": i, "submitted_at": T0, "csat": s}
            for i, s in enumerate([5, 4, 2])
        ],
        [AnswerRow("ann", i, T0, s) for i, s in enumerate([5, 4, 2])],
        [AnswerAttrs("ann", i, T0, s) for i, s in enumerate([5, 4, 2])],
        [AnswerTuple("ann", i, T0, s) for i, s in enumerate([5, 4, 2])],
        [
            {"agent": "ann", "contact_id": i, "submitted_at": ISO, "csat": float(s), "extra": "x"}
            for i, s in enumerate([5, 4, 2])
        ],
    ]
    for rows in shapes:
        assert customer_satisfaction(rows) == MetricValue(2 / 3, 3, ()), type(rows[0])


def test_dataframe_and_arrow_rows():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "agent": ["ann", "ann", "ann"],
            "channel": ["chat", "chat", "email"],
            "created_at": pd.to_datetime([ISO, ISO, ISO]),
            "first_response_at": pd.to_datetime([ISO, None, "2024-03-04T09:02:00+00:00"]),
            "complaint": [True, False, False],
            "wait_seconds": [None, None, None],
        }
    )
    # responded after 0 s and 120 s, one never: mean 60 over 2, flagged; NaT read as missing
    result = first_response_time(frame)
    assert result == MetricValue(60.0, 2, ("missing_first_response",))
    assert complaint_rate(frame).value == pytest.approx(1 / 3)
    # one pandas row (a Series) is read like a mapping
    assert validate_records("tickets", [frame.iloc[0]])[0][0].id == "a"

    # an Arrow table is read through to_pylist(); a stand-in with the same interface
    class ArrowLike:
        schema = "id: string, ..."

        def to_pylist(self):
            return frame.to_dict("records")

    assert first_response_time(ArrowLike()) == result


def test_boolean_and_missing_cells_from_text():
    rows = [
        ticket_row(1, complaint="true", reopened="", resolved_at=ISO),
        ticket_row(2, complaint="FALSE", reopened=None),
        ticket_row(3, complaint=1, reopened=float("nan")),
        ticket_row(4, complaint=0),
    ]
    records, report = validate_records("tickets", rows)
    assert not report
    assert [t.complaint for t in records] == [True, False, True, False]
    assert {t.reopened for t in records} == {False}
    # an empty cell is a missing value, also for a timestamp
    records, _ = validate_records("tickets", [ticket_row(1, resolved_at=" ")])
    assert records[0].resolved_at is None
    # but a required field cannot be empty
    _, report = validate_records("tickets", [ticket_row(1, agent="")])
    assert report.by_reason == {"missing_field": 1}
    # text that is not a timestamp is rejected
    _, report = validate_records("tickets", [ticket_row(1, resolved_at="soon")])
    assert report.by_reason == {"invalid_field": 1}


def test_rows_that_are_not_a_collection():
    for bad in ("tickets", {"id": 1}, 42):
        with pytest.raises(ValidationError, match="iterable of rows"):
            validate_records("tickets", bad)
    with pytest.raises(UnknownNameError, match="calls"):
        validate_records("calls", [])


# ---------------------------------------------------------------- bad-record reporting


def bad_ticket_rows():
    return [
        ticket_row(1, first_response_at="2024-03-04T09:05:00+00:00"),  # 0 good
        ticket_row(2, first_response_at="2024-03-04T08:59:00+00:00"),  # 1 response before creation
        ticket_row(3, channel="phone", answered=True, wait_seconds=-5),  # 2 negative duration
        ticket_row(1),  # 3 duplicate id 1
        ticket_row(4, agent="zed"),  # 4 unknown agent (with the roster)
        {"id": 5, "agent": "ann", "channel": "chat"},  # 5 missing created_at
        ticket_row(6, created_at="2024-03-04T09:00:00"),  # 6 naive timestamp
        ticket_row(7, first_response_at="2024-03-04T09:01:00+00:00"),  # 7 good
    ]


ROSTER = Roster([RosterEntry("ann", "north", "mia", valid_from=T0 - timedelta(days=30))])


def test_bad_records_are_rejected_and_reported_with_positions():
    records, report = validate_records("tickets", bad_ticket_rows(), roster=ROSTER)
    assert [t.id for t in records] == [1, 7]
    assert (report.kind, report.total, report.count, report.accepted) == ("tickets", 8, 6, 2)
    assert dict(report.by_reason) == {
        "response_before_creation": 1,
        "negative_duration": 1,
        "duplicate": 1,
        "unknown_agent": 1,
        "missing_field": 1,
        "naive_timestamp": 1,
    }
    assert [(i.position, i.reason, i.field) for i in report.examples] == [
        (1, "response_before_creation", "first_response_at"),
        (2, "negative_duration", "wait_seconds"),
        (3, "duplicate", "id"),
        (4, "unknown_agent", "agent"),
        (5, "missing_field", "created_at"),
        (6, "naive_timestamp", "created_at"),
    ]
    assert report.examples[3].value == "zed"
    assert "tickets: 6 of 8 rows rejected" in report.summary()


def test_metric_carries_the_report_and_nothing_is_dropped_silently():
    result = first_response_time(bad_ticket_rows(), roster=ROSTER)
    # the two good tickets responded after 300 s and 60 s: mean 180
    assert result.value == 180.0
    assert result.sample_size == 2
    assert "rejected_records" in result.flags
    assert result.rejected.count == 6
    assert result.rejected.accepted + result.rejected.count == result.rejected.total


def test_strict_raises_naming_position_field_and_value():
    with pytest.raises(MeasurementError) as info:
        first_response_time(bad_ticket_rows(), strict=True)
    error = info.value
    assert error.position == 1
    assert error.key_path == "first_response_at"
    assert error.reason == "response_before_creation"
    assert error.value == datetime(2024, 3, 4, 8, 59, tzinfo=UTC)
    assert "tickets row 1" in str(error)
    assert pickle.loads(pickle.dumps(error)).position == 1


def test_not_on_roster_at_the_record_time():
    roster = Roster([RosterEntry("ann", "north", "mia", valid_from=T0 + timedelta(days=1))])
    _, report = validate_records("tickets", [ticket_row(1)], roster=roster)
    assert report.by_reason == {"not_on_roster": 1}
    assert report.examples[0].field == "created_at"


def test_duplicates_by_kind():
    answers = [SurveyAnswer("ann", "c1", T0, csat=5), SurveyAnswer("bob", "c1", T0, csat=1)]
    _, report = validate_records("surveys", answers)
    assert report.by_reason == {"duplicate": 1}
    ratings = [PeerRating("bob", "ann", T0, 4), PeerRating("bob", "ann", T0, 5)]
    assert validate_records("peer_ratings", ratings)[1].count == 1
    # QA reviews without an id are never duplicates
    reviews = [QaReview("ann", T0, 1, 2), QaReview("ann", T0, 1, 2)]
    assert validate_records("qa_reviews", reviews)[1].count == 0
    reviews = [QaReview("ann", T0, 1, 2, id="q"), QaReview("ann", T0, 1, 2, id="q")]
    assert validate_records("qa_reviews", reviews)[1].count == 1


def test_report_examples_are_capped_but_counts_are_not():
    rows = [ticket_row(i, agent="") for i in range(50)]
    _, report = validate_records("tickets", rows, max_examples=5)
    assert report.count == 50
    assert len(report.examples) == 5


def test_reports_round_trip_through_dicts():
    _, report = validate_records("tickets", bad_ticket_rows(), roster=ROSTER)
    data = report.to_dict()
    assert data["count"] == 6
    # a timestamp value becomes ISO text
    assert data["examples"][0]["value"] == "2024-03-04T08:59:00+00:00"
    again = RejectReport.from_dict(data)
    assert (again.count, again.by_reason, len(again.examples)) == (6, report.by_reason, 6)
    both = RejectedRecords({"tickets": report, "surveys": RejectReport("surveys", 3)})
    assert (both.count, both.total) == (6, 11)
    assert RejectedRecords.from_dict(both.to_dict())["surveys"] == RejectReport("surveys", 3)
    with pytest.raises(ValidationError, match="unknown keys"):
        RecordIssue.from_dict({"position": 1})
    with pytest.raises(ValidationError, match="RejectReport"):
        RejectedRecords({"tickets": 3})


def test_merge_reports():
    a = RejectReport("tickets", 10, 1, {"duplicate": 1})
    b = RejectReport("tickets", 5, 2, {"duplicate": 1, "off_scale": 1})
    merged = a.merge(b)
    assert (merged.total, merged.count, dict(merged.by_reason)) == (
        15,
        3,
        {"duplicate": 2, "off_scale": 1},
    )


@pytest.mark.parametrize("record_type", [Ticket, QaReview])
def test_a_record_with_its_own_init_takes_its_fields_in_order_with_their_defaults(record_type):
    # Ticket and QaReview check in their own order in __init__ (then __attrs_init__): its
    # parameters must stay the attrs fields, in field order, with the same defaults.
    parameters = list(inspect.signature(record_type.__init__).parameters.values())[1:]
    fields = attrs.fields(record_type)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields):
        expected = inspect.Parameter.empty if field.default is attrs.NOTHING else field.default
        assert parameter.default == expected, field.name
