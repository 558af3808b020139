"""Rosters and roll-ups: a team's value pools its members' records, never averages them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from csperf import MeasurementError, ValidationError
from csperf.errors import UnknownNameError
from csperf.hooks import get_plugin_manager
from csperf.metrics import (
    MetricValue,
    PeerRating,
    QaReview,
    RollUp,
    Roster,
    RosterEntry,
    SurveyAnswer,
    Ticket,
    customer_satisfaction,
    measure,
)

CATALOG = get_plugin_manager(entry_points=False).metrics()
UTC = timezone.utc
T0 = datetime(2024, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
MOVE = T0 + 45 * DAY

# mia leads north (ann, bob) and south (cy); dee moves from south to north on day 45.
ROSTER = Roster(
    [
        RosterEntry("ann", "north", "mia", T0),
        RosterEntry("bob", "north", "mia", T0),
        RosterEntry("cy", "south", "mia", T0),
        RosterEntry("dee", "south", "mia", T0, MOVE),
        RosterEntry("dee", "north", "mia", MOVE),
        RosterEntry("eve", "west", "max", T0),
    ]
)


def satisfied(agent, good, total, at=T0 + DAY):
    """``total`` CSAT answers for ``agent``, ``good`` of them satisfied (5), the rest 2."""
    return [
        SurveyAnswer(agent, f"{agent}-{at.isoformat()}-{i}", at, csat=5 if i < good else 2)
        for i in range(total)
    ]


# ---------------------------------------------------------------- roster


def test_roster_subjects_and_members():
    assert ROSTER.subjects("team") == ("north", "south", "west")
    assert ROSTER.subjects("manager") == ("max", "mia")
    assert ROSTER.subjects("agent") == ("ann", "bob", "cy", "dee", "eve")
    assert ROSTER.members("team", "north") == {"ann", "bob", "dee"}
    # before the move dee is in south only
    assert ROSTER.members("team", "north", (T0, MOVE)) == {"ann", "bob"}
    assert ROSTER.members("team", "south", (MOVE, None)) == {"cy"}
    assert ROSTER.members("manager", "mia", (T0, T0 + DAY)) == {"ann", "bob", "cy", "dee"}
    assert ROSTER.members("agent", "dee", (T0, T0 + DAY)) == {"dee"}
    assert ROSTER.subjects("team", (MOVE, None)) == ("north", "south", "west")


def test_roster_entry_at_is_half_open():
    assert ROSTER.subject_at("team", "dee", MOVE - timedelta(microseconds=1)) == "south"
    assert ROSTER.subject_at("team", "dee", MOVE) == "north"
    assert ROSTER.subject_at("team", "dee", T0 - DAY) is None
    assert ROSTER.subject_at("manager", "nobody", T0) is None


def test_roster_rejects_overlaps_and_bad_levels():
    with pytest.raises(ValidationError, match="overlap"):
        Roster([RosterEntry("ann", "north", "mia", T0), RosterEntry("ann", "south", "mia", MOVE)])
    with pytest.raises(ValidationError, match="overlap"):
        Roster([RosterEntry("ann", "north", "mia"), RosterEntry("ann", "north", "mia")])
    # back to back is fine
    Roster([RosterEntry("ann", "a", "m", None, MOVE), RosterEntry("ann", "b", "m", MOVE)])
    with pytest.raises(ValidationError, match="level"):
        ROSTER.subjects("site")
    with pytest.raises(ValidationError, match="row 1"):
        Roster([{"agent": "ann", "team": "t", "manager": "m"}, {"agent": "bob"}])


def test_roster_from_rows():
    roster = Roster.from_rows(
        [{"agent": "ann", "team": "t", "manager": "m", "valid_from": "2024-01-01T00:00+08:00"}]
    )
    assert roster.entries[0].valid_from == datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=8)))


# ---------------------------------------------------------------- pooling


def test_team_value_pools_records_not_averages():
    # ann: 1 of 1 satisfied (1.0); bob: 1 of 9 satisfied (0.111...)
    # pooled: (1 + 1) / (1 + 9) = 0.2; the mean of the agents' values would be 0.556
    answers = satisfied("ann", 1, 1) + satisfied("bob", 1, 9)
    by_team = measure({"surveys": answers}, level="team", roster=ROSTER)
    assert by_team["north"]["customer_satisfaction"] == MetricValue(0.2, 10, ())
    by_agent = measure({"surveys": answers}, roster=ROSTER)
    assert by_agent["ann"]["customer_satisfaction"].value == 1.0
    assert by_agent["bob"]["customer_satisfaction"].value == pytest.approx(1 / 9)
    # the same as calling the function on the pooled records
    assert by_team["north"]["customer_satisfaction"] == customer_satisfaction(answers)


def test_manager_pools_every_team():
    answers = satisfied("ann", 3, 4) + satisfied("cy", 1, 6) + satisfied("eve", 2, 2)
    by_manager = measure({"surveys": answers}, level="manager", roster=ROSTER)
    # mia: ann 3/4 + cy 1/6 -> 4 / 10 = 0.4; max: eve 2 / 2
    assert by_manager["mia"]["customer_satisfaction"] == MetricValue(0.4, 10, ())
    assert by_manager["max"]["customer_satisfaction"] == MetricValue(1.0, 2, ())


def test_records_follow_the_roster_entry_valid_at_their_time():
    # dee: 2 of 2 satisfied before the move (south), 0 of 3 after (north)
    answers = satisfied("dee", 2, 2, at=MOVE - DAY) + satisfied("dee", 0, 3, at=MOVE + DAY)
    by_team = measure({"surveys": answers}, level="team", roster=ROSTER)
    assert by_team["south"]["customer_satisfaction"] == MetricValue(1.0, 2, ())
    assert by_team["north"]["customer_satisfaction"] == MetricValue(0.0, 3, ())
    # west has no records: a subject of the roster with no data
    assert by_team["west"]["customer_satisfaction"] == MetricValue(None, 0, ("no_data",))
    # in a period after the move, south has no dee records
    after = measure({"surveys": answers}, level="team", roster=ROSTER, period=(MOVE, None))
    assert after["south"]["customer_satisfaction"].missing
    assert after["north"]["customer_satisfaction"].sample_size == 3


def test_peer_ratings_follow_the_ratee_and_pool_raters():
    at = T0 + DAY
    ratings = [
        PeerRating("bob", "ann", at, 5),
        PeerRating("cy", "ann", at, 4),
        PeerRating("ann", "bob", at, 3),
        PeerRating("bob", "bob", at, 5),  # self-rating, left out
    ]
    result = measure({"peer_ratings": ratings}, level="team", roster=ROSTER)
    # north received 5, 4, 3 from bob, cy and ann (3 distinct raters): mean 4
    assert result["north"]["collaboration_rating"] == MetricValue(
        4.0, 3, ("self_ratings_excluded",)
    )
    # per agent, ann has 2 raters and bob 1: too few for the default of 3
    by_agent = measure({"peer_ratings": ratings}, roster=ROSTER)
    assert by_agent["ann"]["collaboration_rating"].flags == ("too_few_raters",)
    relaxed = measure(
        {"peer_ratings": ratings},
        roster=ROSTER,
        options={"collaboration_rating": {"min_raters": 1}},
    )
    assert relaxed["ann"]["collaboration_rating"].value == 4.5


def test_fcr_repeats_are_found_across_agents_in_a_rollup():
    tickets = [
        Ticket(1, "ann", "chat", T0, resolved_at=T0, customer="c1"),
        # the customer comes back a day later to cy, in another team
        Ticket(2, "cy", "chat", T0 + DAY, resolved_at=T0 + DAY, customer="c1"),
    ]
    result = measure({"tickets": tickets}, level="team", roster=ROSTER, metrics=["fcr"])
    assert result["north"]["fcr"] == MetricValue(0.0, 1, ())
    assert result["south"]["fcr"] == MetricValue(1.0, 1, ())


def test_rollup_without_roster_uses_the_agents_in_the_records():
    answers = satisfied("zoe", 1, 2) + satisfied("yan", 2, 2)
    result = measure({"surveys": answers})
    assert list(result) == ["yan", "zoe"]
    assert result.level == "agent"
    assert result.raw("zoe") == {"customer_satisfaction": 0.5, "nps": None}
    with pytest.raises(ValidationError, match="needs a roster"):
        measure({"surveys": answers}, level="team")


def test_rollup_options_metrics_and_min_sample():
    tickets = [
        Ticket(i, "ann", "chat", T0, first_response_at=T0 + timedelta(seconds=s))
        for i, s in enumerate([10, 20, 90])
    ]
    result = measure(
        {"tickets": tickets},
        roster=ROSTER,
        metrics=["first_response_time"],
        options={"first_response_time": {"statistic": "median", "min_sample": 5}},
    )
    # median of 10, 20, 90 = 20, from 3 < 5 records
    assert result["ann"]["first_response_time"] == MetricValue(20.0, 3, ("small_sample",))
    assert list(result["ann"]) == ["first_response_time"]
    with pytest.raises(UnknownNameError, match="not measured"):
        measure({"tickets": tickets}, metrics=["fcr"], options={"aht": {}})
    with pytest.raises(UnknownNameError, match="unknown metric"):
        measure({"tickets": tickets}, metrics=["speed"])
    with pytest.raises(UnknownNameError, match="record kind"):
        measure({"calls": tickets})
    with pytest.raises(ValidationError, match="statistic"):
        measure({"tickets": tickets}, options={"first_response_time": {"statistic": "mode"}})


def test_rollup_default_metrics_follow_the_record_kinds_given():
    result = measure({"qa_reviews": [QaReview("ann", T0, 9, 10)]}, roster=ROSTER)
    assert list(result["ann"]) == ["script_compliance", "critical_failures"]
    everything = {
        kind: []
        for kind in (
            "tickets",
            "surveys",
            "qa_reviews",
            "knowledge_tests",
            "peer_ratings",
            "sharing_items",
        )
    }
    result = measure(everything, roster=ROSTER)
    assert list(result["ann"]) == list(CATALOG)
    assert all(v.missing for row in result.values() for v in row.values())


def test_rollup_reports_rejected_records():
    answers = [
        *satisfied("ann", 1, 2),
        SurveyAnswer("zed", "x", T0 + DAY, csat=5),  # not on the roster
    ]
    result = measure({"surveys": answers}, roster=ROSTER)
    assert result.rejected["surveys"].by_reason == {"unknown_agent": 1}
    assert result.rejected.count == 1
    value = result["ann"]["customer_satisfaction"]
    assert value.value == 0.5
    assert "rejected_records" in value.flags
    assert value.rejected.count == 1
    assert "zed" not in result
    with pytest.raises(MeasurementError, match="not on the roster"):
        measure({"surveys": answers}, roster=ROSTER, strict=True)


def test_rollup_rows():
    result = measure({"surveys": satisfied("ann", 1, 2)}, roster=ROSTER, metrics=["nps"])
    assert isinstance(result, RollUp)
    rows = result.to_rows()
    assert rows[0] == {
        "subject": "ann",
        "metric": "nps",
        "value": None,
        "sample_size": 0,
        "flags": ("no_data",),
    }
    assert len(rows) == len(ROSTER.subjects("agent"))
