"""Metrics of one kind fused into one aggregate (csperf.metrics._fusion): which expressions fuse,
and that a fused measurement gives exactly the values of the metrics' own statements."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf.hooks.manager import get_plugin_manager
from csperf.metrics import Ticket
from csperf.sources import IbisSource
from csperf.sources._ibis import write_tables
from strategies import examples, survey_answer_lists, ticket_lists

ibis = pytest.importorskip("ibis")
plan = pytest.importorskip("csperf.metrics._plan")
fusion = pytest.importorskip("csperf.metrics._fusion")

T0 = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)
ROWS = ibis.table(
    {"subject": "string", "x": "float64", "n": "int64", "ok": "boolean", "c": "string"},
    name="rows",
)


def _mean_of_doubled(rows):
    kept = rows.filter(rows.ok).mutate(y=rows.x * 2)
    kept = kept.filter(kept.y > 1)
    return kept.group_by("subject").aggregate(value=kept.y.mean(), sample_size=kept.count())


def test_filters_and_projections_fuse_into_the_reductions():
    form = fusion.aggregate_form(_mean_of_doubled(ROWS), ROWS)
    assert form is not None and list(form.columns) == ["value", "sample_size"]
    table = fusion.fused(ROWS, [form])
    sql = ibis.to_sql(table, dialect="duckdb")
    # both filters moved into each aggregate's FILTER, the projected column inlined
    assert sql.count("FILTER(WHERE") == 3 and '"x" * 2' in sql
    assert "GROUP BY" in sql and sql.count("SELECT") == 1


def _joined(rows):
    other = rows.select(s2=rows.subject)
    joined = rows.join(other, rows.subject == other.s2)
    return joined.group_by("subject").aggregate(value=joined.x.sum(), sample_size=joined.count())


@pytest.mark.parametrize(
    "build",
    [
        # a second grouping key
        lambda r: r.group_by(["subject", "c"]).aggregate(value=r.x.sum(), sample_size=r.count()),
        # a join
        _joined,
        # a window before the aggregate
        lambda r: (
            r.mutate(w=r.x.sum().over(group_by=r.c))
            .group_by("subject")
            .aggregate(value=ibis._.w.max(), sample_size=ibis._.count())
        ),
        # a limit changes which rows count
        lambda r: (
            r.limit(3)
            .group_by("subject")
            .aggregate(value=ibis._.x.sum(), sample_size=ibis._.count())
        ),
        # not an aggregate at the top
        lambda r: (
            r.group_by("subject")
            .aggregate(value=r.x.sum(), sample_size=r.count())
            .filter(ibis._.value > 0)
        ),
        # the subject is not the rows' subject
        lambda r: (
            r.mutate(subject=r.c)
            .group_by("subject")
            .aggregate(value=ibis._.x.sum(), sample_size=ibis._.count())
        ),
    ],
)
def test_other_shapes_are_left_as_they_are(build):
    assert fusion.aggregate_form(build(ROWS), ROWS) is None


def test_an_aggregate_over_other_rows_is_not_fused():
    other = ibis.table(ROWS.schema(), name="other")
    result = other.group_by("subject").aggregate(value=other.x.sum(), sample_size=other.count())
    assert fusion.aggregate_form(result, ROWS) is None


@pytest.fixture
def plans(monkeypatch):
    """The plans of the statements run."""
    seen = []
    real = plan.execute

    def keep(connection, the_plan, schema=None):
        seen.append(the_plan)
        return real(connection, the_plan, schema)

    monkeypatch.setattr(plan, "execute", keep)
    return seen


def test_the_statement_reads_one_fused_table_per_kind(plans):
    con = ibis.duckdb.connect()
    write_tables(con, {"tickets": [Ticket(1, "ann", "chat", T0)]})
    metrics = ["complaint_rate", "service_level", "aht", "fcr", "first_response_time"]
    IbisSource(con).measure(period=None, metrics=metrics, first_response_time={"statistic": "p90"})
    (the_plan,) = plans
    assert [name for name, _, _ in the_plan.tables if name.startswith("fused")] == ["fused_tickets"]
    reading = {p.part for p in the_plan.pieces if "_csperf_fused_tickets" in p.sql}
    # fcr joins and a percentile numbers rows: each is its own statement
    assert reading == {"complaint_rate", "service_level", "aht"}


# -- fused = unfused -------------------------------------------------------------------------------


@pytest.fixture
def unfused(monkeypatch):
    """A function measuring with every metric as its own statement."""

    def measure(source, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(fusion, "aggregate_form", lambda result, rows: None)
            m.setattr(plan, "_cache", type(plan._cache)())
            return source.measure(**kwargs)

    return measure


def _same(a, b):
    assert a.subjects == b.subjects and a.metrics == b.metrics
    for subject in a.subjects:
        for metric in a.metrics:
            x, y = a.value(subject, metric), b.value(subject, metric)
            assert (x.value, x.sample_size, x.flags) == (y.value, y.sample_size, y.flags), (
                subject,
                metric,
            )


TICKET_AND_SURVEY_METRICS = [
    name
    for name, spec in get_plugin_manager(entry_points=False).metrics().items()
    if spec.record_kind in ("tickets", "surveys")
]
"""The catalog's metrics of tickets and survey answers."""


def _roster(agents):
    return [{"agent": a, "team": f"t{i % 2}", "manager": "m"} for i, a in enumerate(agents)]


@pytest.mark.parametrize("backend", ["duckdb", "sqlite"])
@settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tickets=ticket_lists(),
    answers=survey_answer_lists(),
    level=st.sampled_from(["agent", "team"]),
    channels=st.sampled_from([None, ["phone"], ["chat", "email"]]),
)
def test_fused_values_equal_each_metric_s_own_statement(
    backend, unfused, tickets, answers, level, channels
):
    con = getattr(ibis, backend).connect()
    agents = sorted({t.agent for t in tickets} | {a.agent for a in answers}) or ["ann"]
    from csperf.metrics import Roster

    roster = Roster(_roster(agents))
    write_tables(con, {"tickets": tickets, "surveys": answers}, roster=roster)
    kwargs = dict(
        period=None,
        level=level,
        metrics=TICKET_AND_SURVEY_METRICS,
        complaint_rate={"channels": channels},
        aht={"channels": channels},
        service_level={"threshold": 30, "short_abandon": 5},
        customer_satisfaction={"method": "mean", "min_sample": 2},
        resolution_time={"min_sample": 3},
    )
    fused = IbisSource(con).measure(**kwargs)
    _same(fused, unfused(IbisSource(con), **kwargs))


def test_a_subject_without_rows_of_a_metric_has_no_value_of_it(unfused):
    # ann has only chats: no call for the service level or abandonment rate, yet rows for the
    # complaint rate; bob has one call
    con = ibis.duckdb.connect()
    rows = [
        Ticket(1, "ann", "chat", T0, complaint=True),
        Ticket(2, "bob", "phone", T0, answered=True, wait_seconds=5.0, talk_seconds=60.0),
    ]
    write_tables(con, {"tickets": rows})
    metrics = ["complaint_rate", "service_level", "abandonment_rate", "aht"]
    m = IbisSource(con).measure(period=None, metrics=metrics)
    assert m.value("ann", "complaint_rate").value == 1.0
    for metric in ("service_level", "abandonment_rate"):
        value = m.value("ann", metric)
        assert (value.value, value.sample_size, value.flags) == (None, 0, ("no_data",))
    assert m.value("bob", "service_level").value == 1.0
    _same(m, unfused(IbisSource(con), period=None, metrics=metrics))


def test_a_plugin_metric_fuses_with_the_catalog(monkeypatch, plans):
    from types import SimpleNamespace

    from csperf.metrics._engine import run_tables
    from csperf.metrics._ibis import count_if, per_subject, ratio

    def long_waits(selected, everything=None):
        calls = selected.filter(selected.answered.notnull()).mutate(
            _long=selected.wait_seconds > 10
        )
        n = calls.count()
        return per_subject(
            calls, value=ratio(count_if(calls._long), n), size=n, flags={"small_sample": n < 3}
        )

    plugin = SimpleNamespace(name="long_wait_rate", record_kind="tickets", expression=long_waits)
    specs = [get_plugin_manager().metric("complaint_rate"), plugin]
    rows = [
        Ticket(i, agent, "phone", T0, answered=True, wait_seconds=float(w))
        for i, (agent, w) in enumerate([("ann", 3), ("ann", 12), ("ann", 30), ("bob", 11)])
    ] + [Ticket(9, "cy", "chat", T0)]
    monkeypatch.setattr(plan, "_cache", type(plan._cache)())
    run = lambda: run_tables(  # noqa: E731
        {"tickets": tuple(rows)}, specs, level="agent", roster=None, window=None, options={}
    )
    found = run()
    assert any(
        p.part == "long_wait_rate" and "_csperf_fused_tickets" in p.sql for p in plans[0].pieces
    )
    assert found["long_wait_rate"] == {
        "ann": (2 / 3, 3, ()),
        "bob": (1.0, 1, ("small_sample",)),
    }  # cy has no call: no row, as the metric's own GROUP BY gives
    assert found["complaint_rate"]["cy"] == (0.0, 1, ())
    monkeypatch.setattr(fusion, "aggregate_form", lambda result, rows: None)
    monkeypatch.setattr(plan, "_cache", type(plan._cache)())
    assert run() == found
    assert not any("_csperf_fused" in p.sql for p in plans[-1].pieces)
