"""Properties of the catalog: survey values stay in range, a roll-up equals the function over the
pooled records, and every row is accepted or reported. The ticket metrics' ranges and the
independence of record order are checked in ``test_metrics_oracle.py``, on the engine runs that
are compared with the oracle."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.hooks import get_plugin_manager
from csperf.metrics import (
    Roster,
    RosterEntry,
    customer_satisfaction,
    measure,
    nps,
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


# The ticket metrics' ranges and every catalog function's independence of record order are
# checked with the oracle, on the same engine runs (tests/metrics/test_metrics_oracle.py).


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
