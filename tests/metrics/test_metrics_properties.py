"""Properties of the catalog: values stay in range, record order does not matter, and a roll-up
equals the function over the pooled records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.hooks import get_plugin_manager
from csperf.metrics import (
    Roster,
    RosterEntry,
    abandonment_rate,
    complaint_rate,
    customer_satisfaction,
    fcr,
    first_response_time,
    measure,
    nps,
    resolution_time,
    service_level,
    validate_records,
)
from oracle import ORACLE
from strategies import examples, survey_answer_lists, ticket_lists

CATALOG = get_plugin_manager(entry_points=False).metrics()
ROSTER = Roster(
    [
        RosterEntry("ann", "north", "mia"),
        RosterEntry("bob", "north", "mia"),
        RosterEntry("cy", "south", "mia"),
        RosterEntry("dee", "south", "max"),
    ]
)
TICKET_RATES = (complaint_rate, fcr, service_level, abandonment_rate)


@given(survey_answer_lists())
def test_survey_metrics_in_range(answers):
    share, mean, score = (
        customer_satisfaction(answers),
        customer_satisfaction(answers, method="mean"),
        nps(answers),
    )
    with_csat = sum(a.csat is not None for a in answers)
    assert share.sample_size == mean.sample_size == with_csat
    assert (share.value is None) == (with_csat == 0)
    if share.value is not None:
        assert 0 <= share.value <= 1
        assert 1 <= mean.value <= 5
    if score.value is not None:
        assert -100 <= score.value <= 100


@settings(max_examples=examples(20))
@given(ticket_lists())
def test_ticket_metrics_in_range(tickets):
    for function in TICKET_RATES:
        result = function(tickets)
        assert result.value is None or 0 <= result.value <= 1, function.__name__
        assert (result.value is None) == (result.sample_size == 0), function.__name__
    for function in (first_response_time, resolution_time):
        result = function(tickets)
        assert result.value is None or result.value >= 0
        median = function(tickets, statistic="median").value
        p90 = function(tickets, statistic="p90").value
        assert median is None or median <= p90


@settings(max_examples=examples(25))
@given(st.data())
def test_record_order_is_irrelevant(data):
    tickets = data.draw(ticket_lists())
    answers = data.draw(survey_answer_lists())
    shuffled_tickets = data.draw(st.permutations(tickets))
    shuffled_answers = data.draw(st.permutations(answers))
    for spec in CATALOG.values():
        if spec.record_kind == "tickets":
            assert spec.function(tickets) == spec.function(shuffled_tickets), spec.name
        elif spec.record_kind == "surveys":
            assert spec.function(answers) == spec.function(shuffled_answers), spec.name


@settings(max_examples=examples(15))
@given(ticket_lists(), survey_answer_lists())
def test_rollup_equals_the_function_over_pooled_records(tickets, answers):
    records = {"tickets": tickets, "surveys": answers}
    for level in ("team", "manager"):
        result = measure(records, level=level, roster=ROSTER)
        for subject in result:
            members = ROSTER.members(level, subject)
            for name, value in result[subject].items():
                spec = CATALOG[name]
                pool = [r for r in records[spec.record_kind] if r.agent in members]
                if name == "fcr":
                    # repeat contacts are looked for among every ticket, whoever handled it
                    members_only = ORACLE[name](pool, tickets)
                    assert (value.value, value.sample_size) == members_only[:2]
                else:
                    assert value == spec.function(pool), (level, subject, name)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.integers(0, 5),
                "agent": st.sampled_from(["ann", "", "zed"]),
                "channel": st.just("chat"),
                "created_at": st.sampled_from(
                    ["2024-01-02T09:00:00+00:00", "2024-01-02T09:00:00", "yesterday"]
                ),
                "first_response_at": st.sampled_from(
                    [None, "2024-01-02T08:00:00+00:00", "2024-01-02T10:00:00+00:00"]
                ),
            }
        ),
        max_size=20,
    )
)
def test_every_row_is_accepted_or_reported(rows):
    records, report = validate_records("tickets", rows, roster=ROSTER)
    assert len(records) + report.count == len(rows) == report.total
    assert sum(report.by_reason.values()) == report.count
    positions = [issue.position for issue in report.examples]
    assert positions == sorted(set(positions))
