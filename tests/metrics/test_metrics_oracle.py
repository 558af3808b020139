"""The engine against the oracle: every metric, every level, several options.

The engine runs each metric as one Ibis expression (DuckDB here); ``tests/oracle.py`` holds
the same definitions as plain Python over records. They must agree to the last digit. On
generated records the same engine runs also check that each value stays in its range and does
not depend on the order of the records.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf._periods import in_period
from csperf.datasets import contact_centre
from csperf.hooks import get_plugin_manager
from csperf.metrics import measure
from csperf.metrics._engine import finish
from csperf.metrics._validate import record_kind, validate_records
from oracle import ORACLE
from strategies import examples, survey_answer_lists, ticket_lists

CATALOG = get_plugin_manager(entry_points=False).metrics()

OPTIONS = {
    "customer_satisfaction": [{}, {"method": "mean"}, {"threshold": 5}],
    "nps": [{}],
    "complaint_rate": [{}, {"channels": ["phone"]}],
    "first_response_time": [{}, {"statistic": "median"}, {"statistic": "p90"}, {"statistic": "p0"},
                            {"statistic": "p100"}, {"statistic": "p37.5"}],
    "resolution_time": [{}, {"resolution": "final", "statistic": "p75"}],
    "fcr": [{}, {"window": 0}, {"window": timedelta(days=1)}],
    "service_level": [{}, {"abandons": "excluded"}, {"abandons": "within_threshold_met"},
                      {"abandons": "within_threshold_excluded", "short_abandon": 5},
                      {"short_abandon": 5, "short_abandons": "answered_in_time"},
                      {"abandons": "excluded", "short_abandon": 8,
                       "short_abandons": "answered_in_time"}],
    "abandonment_rate": [{}, {"short_abandon": 5}],
    "aht": [{}],
    "script_compliance": [{}, {"method": "mean"}],
    "critical_failures": [{}],
    "product_knowledge": [{}, {"method": "latest"}],
    "collaboration_rating": [{}, {"min_raters": 1}],
    "information_sharing_rate": [{}],
}


#: Means of real-valued fields (scores, ratios): float64 sums, equal to the exact mean within
#: a relative 1e-12. Everything else (counts, whole numbers, durations in µs) is exact.
REAL = {("product_knowledge", None), ("collaboration_rating", None), ("script_compliance", "mean")}


def same(found, expected, name, options):
    if (name, options.get("method")) in REAL and expected.value is not None:
        assert found.value == pytest.approx(expected.value, rel=1e-12, abs=0)
        found = attrs.evolve(found, value=expected.value)
    return found == expected


def oracle_rollup(records_by_kind, *, level, roster, period, name, options):
    spec = CATALOG[name]
    kind = record_kind(spec.record_kind)
    valid, report = validate_records(spec.record_kind, records_by_kind[spec.record_kind],
                                     roster=roster)
    groups = {}
    for record in valid:
        moment = getattr(record, kind.time_field)
        if not in_period(moment, period):
            continue
        agent = getattr(record, kind.subject_field)
        subject = agent if roster is None else roster.subject_at(level, agent, moment)
        groups.setdefault(subject, []).append(record)
    return {
        subject: finish(ORACLE[name](rows, valid, **options), min_sample=None, report=report)
        for subject, rows in groups.items()
    }


@pytest.fixture(scope="module")
def centre():
    return contact_centre(seed=5, managers=2, teams_per_manager=2, agents_per_team=3, days=30)


@pytest.mark.parametrize("level", ["agent", "team", "manager"])
@pytest.mark.parametrize("name", list(ORACLE))
def test_engine_equals_oracle_on_the_sample_centre(centre, level, name):
    records = centre.records_by_kind()
    start = centre.start + timedelta(days=3, hours=7)
    compared = 0
    for period, options in [(p, o) for p in [(start, start + timedelta(days=20)), None]
                            for o in OPTIONS[name]]:
        found = measure(records, level=level, roster=centre.roster, period=period,
                        metrics=[name], options={name: options})
        expected = oracle_rollup(records, level=level, roster=centre.roster, period=period,
                                 name=name, options=options)
        compared += len(expected)
        for subject, value in expected.items():
            assert same(found[subject][name], value, name, options), (name, options, subject)
    assert compared, name


#: Ticket metrics whose value is a share: None exactly when there is no sample, else in [0, 1].
TICKET_RATES = ("complaint_rate", "fcr", "service_level", "abandonment_rate")


# One engine run per metric and option set serves several properties of the same generated
# records (an example's time is the engine's fixed cost per run, not the data): each function
# equals the oracle, stays in its range and does not depend on the order of the records.


@settings(max_examples=examples(20))
@given(st.data())
def test_engine_equals_oracle_on_generated_tickets(data):
    tickets = data.draw(ticket_lists())
    shuffled = data.draw(st.permutations(tickets))
    valid, _ = validate_records("tickets", tickets)
    for name in ORACLE:
        spec = CATALOG[name]
        if spec.record_kind != "tickets":
            continue
        found = {}
        for options in OPTIONS[name]:
            value, size, flags = ORACLE[name](valid, valid, **options)
            direct = spec.function(tickets, **options)
            assert (direct.value, direct.sample_size) == (value, size), (name, options)
            assert set(flags) <= set(direct.flags), (name, options)
            if not options:
                found["default"] = direct
            elif set(options) == {"statistic"}:
                found[options["statistic"]] = direct
        default = found["default"]
        # record order is irrelevant
        assert spec.function(shuffled) == default, name
        # values in range
        if name in TICKET_RATES:
            assert default.value is None or 0 <= default.value <= 1, name
            assert (default.value is None) == (default.sample_size == 0), name
        if name in ("first_response_time", "resolution_time"):
            assert default.value is None or default.value >= 0, name
            for statistic in ("median", "p90"):
                if statistic not in found:
                    found[statistic] = spec.function(tickets, statistic=statistic)
            median, p90 = found["median"].value, found["p90"].value
            assert median is None or median <= p90, name


@given(st.data())
def test_engine_equals_oracle_on_generated_answers(data):
    answers = data.draw(survey_answer_lists())
    shuffled = data.draw(st.permutations(answers))
    for name in ("customer_satisfaction", "nps"):
        for options in OPTIONS[name]:
            valid, _ = validate_records("surveys", answers)
            value, size, _ = ORACLE[name](valid, valid, **options)
            direct = CATALOG[name].function(answers, **options)
            assert (direct.value, direct.sample_size) == (value, size), (name, options)
            if not options:  # record order is irrelevant
                assert CATALOG[name].function(shuffled) == direct, name
