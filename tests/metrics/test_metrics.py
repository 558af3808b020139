"""Hand-worked examples for every metric of the catalog, and its edge cases.

Every expected number is worked out in the comment next to it, from the definition in
docs/explanation/metrics.rst.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import cases
from csperf import Direction, MeasurementError, ValidationError
from csperf.errors import UnknownNameError
from csperf.hooks import get_plugin_manager
from csperf.metrics import (
    FLAGS,
    KnowledgeTest,
    MetricValue,
    PeerRating,
    QaReview,
    SharingItem,
    SurveyAnswer,
    Ticket,
    abandonment_rate,
    aht,
    collaboration_rating,
    complaint_rate,
    critical_failures,
    customer_satisfaction,
    fcr,
    first_response_time,
    information_sharing_rate,
    nps,
    product_knowledge,
    resolution_time,
    script_compliance,
    service_level,
)

CATALOG = get_plugin_manager(entry_points=False).metrics()
UTC = timezone.utc
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def answers(csats=(), npss=(), agent="ann", at=T0):
    out = [SurveyAnswer(agent, f"{agent}-c{i}", at, csat=s) for i, s in enumerate(csats)]
    out += [SurveyAnswer(agent, f"{agent}-n{i}", at, nps=s) for i, s in enumerate(npss)]
    return out


def call(i, wait, *, answered=True, agent="ann", at=T0, **extra):
    return Ticket(
        i,
        agent,
        "phone",
        at,
        answered=answered,
        wait_seconds=wait,
        first_response_at=at + wait * SEC if answered else None,
        **extra,
    )


# ---------------------------------------------------------------- customer satisfaction


def test_customer_satisfaction_top_two_box_share():
    # answers 5, 5, 4, 3, 2, 1, 4, 5: satisfied (4 or 5) = 5 of 8 = 0.625
    result = customer_satisfaction(answers([5, 5, 4, 3, 2, 1, 4, 5]))
    assert result == MetricValue(0.625, 8, ())


def test_customer_satisfaction_mean_variant_and_threshold():
    scores = [5, 5, 4, 3, 2, 1, 4, 5]
    # mean = (5+5+4+3+2+1+4+5) / 8 = 29 / 8 = 3.625
    assert customer_satisfaction(answers(scores), method="mean").value == 3.625
    # top box (threshold 5): 5, 5, 5 = 3 of 8 = 0.375
    assert customer_satisfaction(answers(scores), threshold=5).value == 0.375


def test_customer_satisfaction_ignores_nps_only_answers():
    # 2 CSAT answers (5 and 2) and 3 NPS-only answers: 1 of 2 satisfied
    result = customer_satisfaction(answers([5, 2], [10, 9, 0]))
    assert (result.value, result.sample_size) == (0.5, 2)


def test_customer_satisfaction_bad_options():
    with pytest.raises(ValidationError, match="method"):
        customer_satisfaction([], method="median")
    with pytest.raises(ValidationError, match="threshold"):
        customer_satisfaction([], threshold=6)


# ---------------------------------------------------------------- NPS (Reichheld 2003)


def test_nps_promoters_minus_detractors():
    # 10 answers: promoters 9, 10, 10, 9 (4); passives 7, 8 (2); detractors 0, 6, 5, 3 (4)
    # NPS = 100 * (4 - 4) / 10 = 0
    assert nps(answers(npss=[9, 10, 10, 9, 7, 8, 0, 6, 5, 3])).value == 0.0
    # 4 answers 10, 9, 8, 6: 100 * (2 - 1) / 4 = 25
    assert nps(answers(npss=[10, 9, 8, 6])).value == 25.0


def test_nps_range_ends():
    assert nps(answers(npss=[10, 9])).value == 100.0
    assert nps(answers(npss=[0, 6])).value == -100.0
    # passives only: 0 promoters, 0 detractors -> 0, not "no data"
    assert nps(answers(npss=[7, 8])) == MetricValue(0.0, 2, ())


# ---------------------------------------------------------------- complaint rate


def test_complaint_rate_counts_handled_contacts_only():
    tickets = [
        Ticket(1, "ann", "chat", T0, complaint=True),
        Ticket(2, "ann", "chat", T0),
        Ticket(3, "ann", "email", T0, complaint=True),
        Ticket(4, "ann", "email", T0),
        call(5, 10),
        # abandoned call: in neither numerator nor denominator, even with a complaint
        call(6, 50, answered=False, complaint=True),
    ]
    # handled = 1..5, complaints = 1 and 3: 2 / 5 = 0.4
    assert complaint_rate(tickets) == MetricValue(0.4, 5, ())
    # chat only: 1 of 2
    assert complaint_rate(tickets, channels=["chat"]).value == 0.5


# ---------------------------------------------------------------- first response time


def responded(seconds, channel="chat"):
    return [
        Ticket(i, "ann", channel, T0, first_response_at=None if s is None else T0 + s * SEC)
        for i, s in enumerate(seconds)
    ]


def test_first_response_time_mean_median_percentile():
    tickets = [Ticket(**row) for row in cases.FRT_TICKETS]  # after 10, 20, 30, 40 and 1000 s
    # mean = 1100 / 5 = 220
    assert first_response_time(tickets).value == 220.0
    # median of 10, 20, 30, 40, 1000 = 30
    assert first_response_time(tickets, statistic="median").value == 30.0
    # p90, linear: h = (5 - 1) * 0.9 = 3.6 -> x[3] + 0.6 * (x[4] - x[3]) = 40 + 0.6 * 960 = 616
    assert first_response_time(tickets, statistic="p90").value == pytest.approx(616.0)
    # p25: h = 1.0 -> x[1] = 20
    assert first_response_time(tickets, statistic="p25").value == 20.0
    # median of an even count interpolates: 10, 20, 30, 40 -> 25
    assert first_response_time(responded([40, 10, 30, 20]), statistic="median").value == 25.0


def test_first_response_time_leaves_out_and_flags_unanswered():
    # 60 and 120 responded, one never: mean 90 over 2, flagged
    result = first_response_time(responded([60, None, 120]))
    assert result == MetricValue(90.0, 2, ("missing_first_response",))
    # none responded: no value
    result = first_response_time(responded([None, None]))
    assert result == MetricValue(None, 0, ("missing_first_response", "no_data"))


def test_first_response_time_of_calls_is_the_speed_of_answer():
    # answered after 10 s and 30 s, one abandoned (left out, not flagged): mean 20
    tickets = [call(1, 10), call(2, 30), call(3, 90, answered=False)]
    assert first_response_time(tickets) == MetricValue(20.0, 2, ())
    # a call with only wait_seconds was answered after it: not a missing first response
    waited = [Ticket(4, "ann", "phone", T0, answered=True, wait_seconds=12.5)]
    assert first_response_time([*tickets, *waited]) == MetricValue(52.5 / 3, 3, ())
    # a first_response_at given wins over wait_seconds
    both = Ticket(5, "ann", "phone", T0, answered=True, wait_seconds=1,
                  first_response_at=T0 + 7 * SEC)
    assert first_response_time([both]).value == 7.0


def test_bad_statistic():
    for bad in ("average", "p101", "p", 90):
        with pytest.raises(ValidationError, match="statistic"):
            first_response_time([], statistic=bad)


# ---------------------------------------------------------------- resolution time


def test_resolution_time_first_and_final():
    tickets = [
        Ticket(1, "ann", "email", T0, resolved_at=T0 + 2 * HOUR),
        # reopened: first resolution after 1 h, final after 9 h
        Ticket(
            2,
            "ann",
            "email",
            T0,
            resolved_at=T0 + HOUR,
            final_resolved_at=T0 + 9 * HOUR,
            reopened=True,
        ),
        # reopened with no later resolution recorded: final = first = 3 h
        Ticket(3, "ann", "email", T0, resolved_at=T0 + 3 * HOUR, reopened=True),
        Ticket(4, "ann", "email", T0),  # unresolved: left out, flagged
    ]
    # first: (2 + 1 + 3) h / 3 = 2 h = 7200 s
    assert resolution_time(tickets) == MetricValue(7200.0, 3, ("unresolved",))
    # final: (2 + 9 + 3) h / 3 = 14/3 h = 16800 s
    assert resolution_time(tickets, resolution="final").value == pytest.approx(16800.0)
    # median of first: 1, 2, 3 h -> 2 h
    assert resolution_time(tickets, statistic="median").value == 7200.0
    with pytest.raises(ValidationError, match="resolution"):
        resolution_time(tickets, resolution="last")


def test_durations_are_elapsed_time_across_a_dst_change():
    # 2024-03-31 01:30 CET to 03:30 CEST is one hour of elapsed time (clocks jump at 02:00)
    ticket = Ticket(**cases.DST_TICKET)
    assert ticket.created_at.tzinfo == ZoneInfo("Europe/Berlin")
    assert resolution_time([ticket]).value == 3600.0


# ---------------------------------------------------------------- first-contact resolution


def test_fcr_hand_worked():
    # tests/cases.py works each ticket out: handled 1..7 (8 is an abandoned call), FCR
    # {2, 3, 4, 7} = 4/7; a 10-day window {2, 4, 7} = 3/7; window 0 {1, 2, 3, 4, 7} = 5/7
    tickets = [Ticket(**row) for row in cases.FCR_TICKETS]
    result = fcr(tickets)
    assert result.value == pytest.approx(4 / 7)
    assert result.sample_size == 7
    # a 10-day window also catches c2's return: {2, 4, 7} = 3 of 7
    assert fcr(tickets, window=timedelta(days=10)).value == pytest.approx(3 / 7)
    # window 0 turns the repeat test off: 1, 2, 3, 4, 7 = 5 of 7
    assert fcr(tickets, window=0).value == pytest.approx(5 / 7)


def test_fcr_window_end_is_inclusive_and_repeats_outside_the_period_count():
    first = Ticket(1, "ann", "chat", T0, resolved_at=T0, customer="c1")
    # exactly 7 days later: inside (t, t + window]
    back = Ticket(2, "ann", "chat", T0 + 7 * DAY, resolved_at=T0 + 7 * DAY, customer="c1")
    period = (T0, T0 + DAY)  # only ticket 1 is in the period; ticket 2 still counts as repeat
    assert fcr([first, back], period=period) == MetricValue(0.0, 1, ())
    later = Ticket(2, "ann", "chat", T0 + 7 * DAY + SEC, resolved_at=T0 + 8 * DAY, customer="c1")
    assert fcr([first, later], period=period).value == 1.0


def test_fcr_same_instant_contact_is_not_a_repeat():
    # two contacts of one customer at the same instant: neither comes *after* the other
    tickets = [Ticket(i, "ann", "chat", T0, resolved_at=T0, customer="c1") for i in (1, 2)]
    assert fcr(tickets).value == 1.0


def test_fcr_bad_window():
    with pytest.raises(ValidationError, match="window"):
        fcr([], window=-1)


# ---------------------------------------------------------------- service level and abandons


CALLS = [
    call(1, 5),
    call(2, 20),  # exactly at the threshold: within (≤ 20 s)
    call(3, 21),
    call(4, 60),
    call(5, 3, answered=False),  # abandoned within the threshold (and a short abandon < 5 s)
    call(6, 15, answered=False),  # abandoned within the threshold
    call(7, 45, answered=False),  # abandoned after the threshold
    Ticket(8, "ann", "chat", T0, first_response_at=T0),  # not a call: never counted
]


def test_service_level_policies():
    # A = answered within 20 s = {1, 2} = 2; N = answered = 4; B = abandoned = 3; Bt = {5, 6}
    # offered:                   A / (N + B)       = 2 / 7
    assert service_level(CALLS) == MetricValue(2 / 7, 7, ())
    # excluded:                  A / N             = 2 / 4
    assert service_level(CALLS, abandons="excluded") == MetricValue(0.5, 4, ())
    # within_threshold_met:      (A + Bt) / (N + B) = 4 / 7
    assert service_level(CALLS, abandons="within_threshold_met").value == 4 / 7
    # within_threshold_excluded: A / (N + B - Bt)  = 2 / 5
    assert service_level(CALLS, abandons="within_threshold_excluded") == MetricValue(0.4, 5, ())


def test_service_level_threshold_and_short_abandons():
    # threshold 60: answered within = 1, 2, 3, 4 -> 4 / 7
    assert service_level(CALLS, threshold=60).value == 4 / 7
    # short abandons under 5 s (call 5) removed: 2 / 6
    assert service_level(CALLS, short_abandon=5) == MetricValue(2 / 6, 6, ())
    # a 3-second abandon is not short under a 3-second limit (strictly below): 2 / 7
    assert service_level(CALLS, short_abandon=3).value == 2 / 7
    # ICMI formula 5: the short abandon counts as answered in time, (A + B_short) / (N + B)
    found = service_level(CALLS, short_abandon=5, short_abandons="answered_in_time")
    assert found == MetricValue(3 / 7, 7, ())
    with pytest.raises(ValidationError, match="short_abandons"):
        service_level(CALLS, short_abandon=5, short_abandons="ignored")
    with pytest.raises(ValidationError, match="abandons"):
        service_level(CALLS, abandons="ignored")
    with pytest.raises(ValidationError, match="threshold"):
        service_level(CALLS, threshold=-1)


def test_abandonment_rate():
    # 3 abandoned of 7 calls
    assert abandonment_rate(CALLS) == MetricValue(3 / 7, 7, ())
    # without the short abandon (call 5): 2 of 6
    assert abandonment_rate(CALLS, short_abandon=5) == MetricValue(2 / 6, 6, ())
    # no calls at all (chat only): no data
    assert abandonment_rate(CALLS[-1:]) == MetricValue(None, 0, ("no_data",))


def test_aht():
    tickets = [
        call(1, 5, talk_seconds=300, hold_seconds=60, acw_seconds=40),  # 400
        call(2, 5, talk_seconds=200),  # 200 (hold and acw missing count as 0)
        call(3, 5, talk_seconds=100, hold_seconds=0, acw_seconds=0),  # 100
        call(4, 5),  # answered without talk time: left out, flagged
        call(5, 5, answered=False),  # abandoned: left out
        Ticket(6, "ann", "email", T0),  # no talk time, not a call: left out, not flagged
    ]
    # (400 + 200 + 100) / 3 = 233.33...
    result = aht(tickets)
    assert result.value == pytest.approx(700 / 3)
    assert (result.sample_size, result.flags) == (3, ("missing_handle_time",))


# ---------------------------------------------------------------- capability


def test_script_compliance_pooled_and_mean():
    reviews = [
        QaReview("ann", T0, 18, 20),  # 0.9
        QaReview("ann", T0, 4, 5),  # 0.8
        QaReview("ann", T0, 10, 10, critical_failed=True),  # 0: a failed critical category
        QaReview("ann", T0, 5, 5),  # 1.0
    ]
    # pooled: (18 + 4 + 0 + 5) / (20 + 5 + 10 + 5) = 27 / 40 = 0.675
    assert script_compliance(reviews) == MetricValue(0.675, 4, ("critical_failed",))
    # mean of review scores: (0.9 + 0.8 + 0 + 1.0) / 4 = 0.675 too; change one to tell apart
    reviews[1] = QaReview("ann", T0, 1, 5)  # 0.2
    # pooled: (18 + 1 + 0 + 5) / 40 = 0.6; mean: (0.9 + 0.2 + 0 + 1) / 4 = 0.525
    assert script_compliance(reviews).value == 0.6
    assert script_compliance(reviews, method="mean").value == pytest.approx(0.525)


def test_qa_review_from_categories():
    review = QaReview.from_categories(
        "ann",
        T0,
        {"greeting": (2, 2), "verification": (3, 3), "solution": (4, 5), "closing": (1, 2)},
        critical={"verification"},
    )
    # passed 2 + 3 + 4 + 1 = 10 of 2 + 3 + 5 + 2 = 12, critical category fully passed
    assert (review.checks_passed, review.checks_applicable, review.critical_failed) == (
        10,
        12,
        False,
    )
    with pytest.raises(ValidationError, match="critical category 'tone'"):
        QaReview.from_categories("ann", T0, {"greeting": (1, 1)}, critical={"tone"})
    with pytest.raises(ValidationError, match="at most 1"):
        QaReview.from_categories("ann", T0, {"greeting": (2, 1)})


def test_product_knowledge_mean_and_latest():
    tests = [
        KnowledgeTest("ann", T0, 60),
        KnowledgeTest("ann", T0 + 30 * DAY, 90),
        KnowledgeTest("bob", T0 + 10 * DAY, 75),
    ]
    # mean of all: (60 + 90 + 75) / 3 = 75
    assert product_knowledge(tests) == MetricValue(75.0, 3, ())
    # latest per agent: ann 90, bob 75 -> 82.5 over 2 tests
    assert product_knowledge(tests, method="latest") == MetricValue(82.5, 2, ())
    # latest within a period that ends before ann's second test: ann 60, bob 75 -> 67.5
    period = (T0, T0 + 20 * DAY)
    assert product_knowledge(tests, method="latest", period=period).value == 67.5


# ---------------------------------------------------------------- teamwork


def test_collaboration_rating():
    ratings = [
        PeerRating("bob", "ann", T0, 4),
        PeerRating("cy", "ann", T0, 5),
        PeerRating("cy", "ann", T0 + HOUR, 3),
        PeerRating("dee", "ann", T0, 4.5),
        PeerRating("ann", "ann", T0, 5),  # self-rating: left out, flagged
    ]
    # (4 + 5 + 3 + 4.5) / 4 = 4.125 from 3 distinct raters
    assert collaboration_rating(ratings) == MetricValue(4.125, 4, ("self_ratings_excluded",))
    # with 4 raters needed there is no value
    result = collaboration_rating(ratings, min_raters=4)
    assert result == MetricValue(None, 4, ("self_ratings_excluded", "too_few_raters"))
    assert "no_data" not in result.flags
    with pytest.raises(ValidationError, match="min_raters"):
        collaboration_rating(ratings, min_raters=0)


def test_information_sharing_rate():
    due = T0 + 9 * HOUR
    items = [
        SharingItem("ann", due, due - HOUR),  # early: on time
        SharingItem("ann", due, due),  # exactly at due time: on time
        SharingItem("ann", due, due + SEC),  # a second late
        SharingItem("ann", due),  # never shared: late
        SharingItem("ann", due + 3 * DAY, due),  # due later, shared early
    ]
    # on time: 1, 2, 5 -> 3 of 5
    assert information_sharing_rate(items) == MetricValue(0.6, 5, ())
    # as of due + 1 day, item 5 is not yet due: 2 of 4
    result = information_sharing_rate(items, as_of=due + DAY)
    assert result == MetricValue(0.5, 4, ("not_yet_due",))
    with pytest.raises(ValidationError, match="as_of"):
        information_sharing_rate(items, as_of=datetime(2024, 1, 1))


# ---------------------------------------------------------------- edge cases


EMPTY_CASES = [
    (customer_satisfaction, []),
    (nps, answers([5])),  # CSAT-only answers: no NPS data
    (complaint_rate, [call(1, 30, answered=False)]),  # only an abandoned call
    (first_response_time, []),
    (resolution_time, []),
    (fcr, []),
    (service_level, [Ticket(1, "ann", "chat", T0)]),
    (abandonment_rate, []),
    (aht, []),
    (script_compliance, []),
    (critical_failures, []),
    (product_knowledge, []),
    (collaboration_rating, []),
    (information_sharing_rate, []),
]


@pytest.mark.parametrize(
    ("function", "records"), EMPTY_CASES, ids=lambda v: getattr(v, "__name__", "")
)
def test_zero_denominator_is_no_data_not_zero(function, records):
    result = function(records)
    assert result.value is None
    assert result.missing
    assert result.sample_size == 0
    assert "no_data" in result.flags


def test_every_catalog_function_has_an_empty_case():
    assert {f.__name__ for f, _ in EMPTY_CASES} == {s.function.__name__ for s in CATALOG.values()}


def test_min_sample_flags_a_small_sample():
    # CSAT from 3 answers with min_sample 30: a value, flagged
    result = customer_satisfaction(answers([5, 4, 1]), min_sample=30)
    assert result.value == pytest.approx(2 / 3)
    assert result.flags == ("small_sample",)
    # exactly min_sample records: not small
    assert customer_satisfaction(answers([5, 4, 1]), min_sample=3).flags == ()
    # no data is not also a small sample
    assert customer_satisfaction([], min_sample=30).flags == ("no_data",)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValidationError, match="min_sample"):
            customer_satisfaction([], min_sample=bad)


def test_period_is_half_open():
    start, end = T0, T0 + DAY
    records = [
        SurveyAnswer("ann", 1, start - SEC, csat=1),  # before: out
        SurveyAnswer("ann", 2, start, csat=5),  # at start: in
        SurveyAnswer("ann", 3, end - SEC, csat=4),  # in
        SurveyAnswer("ann", 4, end, csat=1),  # at end: out
    ]
    assert customer_satisfaction(records, period=(start, end)) == MetricValue(1.0, 2, ())
    # an open end
    assert customer_satisfaction(records, period=(start, None)).sample_size == 3
    # an empty period
    assert customer_satisfaction(records, period=(start, start)) == MetricValue(
        None, 0, ("no_data",)
    )

    # an object with start and end attributes is a period too
    class Quarter:
        def __init__(self, start, end):
            self.start, self.end = start, end

    assert customer_satisfaction(records, period=Quarter(start, end)) == MetricValue(1.0, 2, ())


def test_period_in_another_zone_compares_instants():
    shanghai = timezone(timedelta(hours=8))
    # 2024-03-04 17:00 +08:00 is 09:00 UTC = T0
    start = datetime(2024, 3, 4, 17, 0, tzinfo=shanghai)
    records = [SurveyAnswer("ann", 1, T0 - SEC, csat=1), SurveyAnswer("ann", 2, T0, csat=5)]
    assert customer_satisfaction(records, period=(start, start + DAY)).sample_size == 1


def test_naive_period_needs_tz():
    naive = datetime(2024, 3, 4)
    with pytest.raises(ValidationError, match="naive"):
        customer_satisfaction([], period=(naive, naive + DAY))
    assert customer_satisfaction([], period=(naive, naive + DAY), tz="UTC").flags == ("no_data",)
    with pytest.raises(ValidationError, match="after end"):
        customer_satisfaction([], period=(T0 + DAY, T0))
    with pytest.raises(ValidationError, match="pair"):
        customer_satisfaction([], period=T0)
    with pytest.raises(ValidationError, match="tz"):
        customer_satisfaction([], tz="Mars/Olympus")


def test_naive_record_timestamps_are_rejected_unless_tz_is_given():
    rows = [{"agent": "ann", "contact_id": 1, "submitted_at": datetime(2024, 3, 4, 9), "csat": 5}]
    result = customer_satisfaction(rows)
    assert result.value is None
    assert result.rejected.by_reason == {"naive_timestamp": 1}
    assert set(result.flags) == {"no_data", "rejected_records"}
    with pytest.raises(MeasurementError, match="timezone-aware"):
        customer_satisfaction(rows, strict=True)
    # with tz the wall time is read in that zone: 09:00 +08:00 = 01:00 UTC
    shanghai = timezone(timedelta(hours=8))
    period = (datetime(2024, 3, 4, 1, tzinfo=UTC), datetime(2024, 3, 4, 2, tzinfo=UTC))
    assert customer_satisfaction(rows, tz=shanghai, period=period) == MetricValue(1.0, 1, ())


def test_record_constructors_refuse_naive_timestamps():
    with pytest.raises(ValidationError, match="timezone-aware"):
        SurveyAnswer("ann", 1, datetime(2024, 3, 4), csat=5)


# ---------------------------------------------------------------- the catalog


def test_catalog_names_kinds_and_directions():
    assert list(CATALOG) == [
        "customer_satisfaction",
        "nps",
        "complaint_rate",
        "first_response_time",
        "resolution_time",
        "fcr",
        "service_level",
        "abandonment_rate",
        "aht",
        "script_compliance",
        "critical_failures",
        "product_knowledge",
        "collaboration_rating",
        "information_sharing_rate",
    ]
    assert CATALOG["customer_satisfaction"].function is customer_satisfaction
    assert CATALOG["customer_satisfaction"].unit == "fraction"
    assert CATALOG["complaint_rate"].direction is Direction.LOWER_IS_BETTER
    assert CATALOG["collaboration_rating"].record_kind == "peer_ratings"
    assert dict(CATALOG["service_level"].options) == {
        "threshold": 20,
        "abandons": "offered",
        "short_abandon": None,
        "short_abandons": "excluded",
        "channels": None,
    }
    with pytest.raises(UnknownNameError, match="csat"):
        get_plugin_manager(entry_points=False).metric("csat")


def test_every_metric_has_one_name_for_function_and_catalog_entry():
    import csperf.metrics

    for key, spec in CATALOG.items():
        assert spec.name == key
        assert spec.function.__name__ == key
        assert getattr(csperf.metrics, key) is spec.function
        assert key in csperf.metrics.__all__


def test_catalog_agrees_with_the_manager_template():
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    for indicator in card.indicators:
        spec = CATALOG[indicator.metric]
        assert spec.direction is indicator.direction, indicator.key


def test_catalog_function_matches_the_oracle():
    # the engine (the function path) and the Python oracle agree on the same records
    from oracle import ORACLE

    tickets = [*CALLS[:-1], Ticket(9, "ann", "chat", T0, resolved_at=T0 + HOUR, complaint=True)]
    for spec in CATALOG.values():
        if spec.record_kind != "tickets":
            continue
        value, size, flags = ORACLE[spec.name](tickets, tickets)
        direct = spec.function(tickets)
        assert (value, size) == (direct.value, direct.sample_size), spec.name
        assert set(flags) <= set(direct.flags), spec.name


def test_flags_are_documented():
    with pytest.raises(ValidationError, match="unknown flag"):
        MetricValue(1.0, 1, ("made_up",))
    assert "no_data" in FLAGS


def test_metric_value_checks():
    for bad in (float("nan"), float("inf"), "0.5", True):
        with pytest.raises(ValidationError, match="value"):
            MetricValue(bad, 1)
    with pytest.raises(ValidationError, match="sample_size"):
        MetricValue(0.5, -1)
    assert MetricValue(1, 1, ("small_sample", "no_data", "small_sample")).flags == (
        "no_data",
        "small_sample",
    )
    assert MetricValue(0.5, 3).with_flags("small_sample").flags == ("small_sample",)


# ---------------------------------------------------------------- docstring examples


@pytest.mark.parametrize(
    "module",
    [
        "csperf.metrics._records",
        "csperf.metrics._values",
        "csperf.metrics._validate",
        "csperf.metrics._roster",
        "csperf.metrics._service",
        "csperf.metrics._speed",
        "csperf.metrics._calls",
        "csperf.metrics._people",
        "csperf.metrics._rollup",
        "csperf.datasets",
    ],
)
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
