"""The cross-field record rules: one table (``_recordrules.CHECK_ORDER``), two interpreters.

The Python interpreter (the record classes) and the Ibis one (the table checks of
:class:`~csperf.sources.IbisSource`) must reject every row for the same first reason, field and
value, on DuckDB and SQLite; and the two interpreters must agree on any expression of the
vocabulary, with SQL's three-valued logic. Since both read the one table, the table itself is
checked against :func:`oracle`, the rules written out by hand in plain Python.
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf.errors import Reason, ValidationError
from csperf.metrics import QaReview, RosterEntry, SurveyAnswer, Ticket
from csperf.metrics._recordrules import (
    CHECK_ORDER,
    And,
    Coalesce,
    Compare,
    Derivation,
    Expr,
    F,
    Field,
    IsNull,
    Not,
    NotNull,
    Or,
    Rule,
    Value,
    check_rules,
    evaluate,
    steps,
    table_condition,
    table_derived,
)
from csperf.metrics._records import RECORD_KINDS, KnowledgeTest, PeerRating, SharingItem
from csperf.metrics._validate import coerce_record
from strategies import examples

ibis = pytest.importorskip("ibis")

from csperf.sources import IbisSource  # noqa: E402
from csperf.sources._ibis import write_tables  # noqa: E402

RECORD_TYPES = (Ticket, SurveyAnswer, QaReview, KnowledgeTest, PeerRating, SharingItem, RosterEntry)
NEW_YORK = ZoneInfo("America/New_York")

# Four instants half an hour apart across New York's fall-back (2024-11-03 06:00 UTC): in that
# zone 05:30Z is 01:30 EDT and 06:00Z is 01:00 EST, so their wall times are in the other order.
FOLD = datetime(2024, 11, 3, 5, 0, tzinfo=timezone.utc)
MOMENTS = st.builds(
    lambda k, zone: (FOLD + timedelta(minutes=30 * k)).astimezone(zone),
    st.integers(0, 3),
    st.sampled_from([timezone.utc, timezone(timedelta(hours=8)), NEW_YORK]),
)
MAYBE_MOMENT = st.none() | MOMENTS
MAYBE_BOOL = st.sampled_from([None, True, False])


# -- the table itself --------------------------------------------------------------------------


def _fields_of(expr: Expr) -> set[str]:
    if isinstance(expr, Field):
        return {expr.name}
    if isinstance(expr, Value):
        return set()
    if isinstance(expr, Compare):
        return _fields_of(expr.left) | _fields_of(expr.right)
    if isinstance(expr, (IsNull, NotNull, Not)):
        return _fields_of(expr.operand)
    assert isinstance(expr, (And, Or, Coalesce)), expr
    return set().union(*(_fields_of(o) for o in expr.operands))


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda t: t.__name__)
def test_each_type_checks_each_field_once_and_names_only_its_fields(record_type):
    names = [a.name for a in attrs.fields(record_type)]
    found = steps(record_type)
    assert sorted(s for s in found if isinstance(s, str)) == sorted(names)
    for step in found:
        if isinstance(step, Rule):
            assert isinstance(step.reason, Reason)
            assert step.field in names
            assert _fields_of(step.when) <= set(names), step
            shown = {f for _, f, _, _ in string.Formatter().parse(step.detail) if f}
            assert shown <= set(names), step
        elif isinstance(step, Derivation):
            for name, expr in step.values:
                assert name in names and _fields_of(expr) <= set(names)


@pytest.mark.parametrize(
    "record_type", [t for t in RECORD_TYPES if t not in (Ticket, QaReview)],
    ids=lambda t: t.__name__,
)
def test_a_type_checked_by_converters_has_its_fields_first_in_order_and_no_derivation(
    record_type,
):
    # attrs runs the converters in field order, then the validator that runs the rules
    found = steps(record_type)
    names = tuple(a.name for a in attrs.fields(record_type))
    assert found[: len(names)] == names
    assert all(isinstance(s, Rule) for s in found[len(names):])


def test_the_table_keeps_the_order_of_the_checks():
    order = [s if isinstance(s, str) else getattr(s, "field", "<derive>")
             for s in CHECK_ORDER["Ticket"]]
    assert order.index("first_response_at") < order.index("customer") < order.index(
        "wait_seconds")
    assert order[-3:] == ["<derive>", "abandoned", "wait_seconds"]
    assert [s if isinstance(s, str) else s.field for s in CHECK_ORDER["QaReview"]] == [
        "agent", "reviewed_at", "checks_applicable", "checks_passed", "checks_passed",
        "critical_failed", "critical_failed", "id",
    ]


# -- the Python interpreter ----------------------------------------------------------------------


def test_three_valued_logic():
    values = {"a": 1, "b": None, "t": True, "f": False}
    unknown = F.a < F.b
    assert evaluate(unknown, values) is None
    assert evaluate(~unknown, values) is None
    assert evaluate(unknown & F.f, values) is False
    assert evaluate(unknown & F.t, values) is None
    assert evaluate(unknown | F.t, values) is True
    assert evaluate(unknown | F.f, values) is None
    assert evaluate(F.b.is_null() & F.a.not_null(), values) is True
    assert evaluate(F.b.coalesce(F.a, 3), values) == 1
    assert evaluate(F.b.coalesce(F.b), values) is None
    assert evaluate(F.a.eq(1) & F.a.ne(2) & (F.a >= 1) & (F.a <= 1) & ~(F.a > 1), values)
    with pytest.raises(TypeError, match="boolean or None"):
        evaluate(F.a & F.t, values)


def test_a_rule_whose_condition_is_unknown_does_not_fire():
    # the roster rule is ``not (valid_from < valid_to)``: unknown with an open end
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert RosterEntry("ann", "north", "mia", valid_to=t0).valid_from is None
    assert RosterEntry("ann", "north", "mia", valid_from=t0).valid_to is None
    with pytest.raises(ValidationError, match="must be after valid_from") as info:
        RosterEntry("ann", "north", "mia", valid_from=t0, valid_to=t0)
    assert (info.value.reason, info.value.field, info.value.value) == (
        Reason.INCONSISTENT, ("valid_to",), t0)


def test_the_messages_are_the_templates_over_the_record():
    t0 = datetime(2024, 1, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    with pytest.raises(ValidationError) as info:
        Ticket(1, "ann", "chat", t0, first_response_at=t0 - timedelta(minutes=1))
    assert str(info.value) == (
        "Ticket: field 'first_response_at' must not be before created_at "
        "2024-01-02T09:00:00+08:00, got datetime.datetime(2024, 1, 2, 8, 59, "
        "tzinfo=datetime.timezone(datetime.timedelta(seconds=28800)))"
    )
    with pytest.raises(ValidationError) as info:
        Ticket(1, "ann", "phone", t0, answered=True, abandoned=True, wait_seconds=1)
    assert str(info.value) == (
        "Ticket: field 'abandoned' must be the opposite of answered=True for a call, got True")
    with pytest.raises(ValidationError) as info:
        QaReview("ann", t0, 4, 3)
    assert str(info.value) == (
        "QaReview: field 'checks_passed' must not exceed checks_applicable 3, got 4")
    with pytest.raises(ValidationError) as info:
        SurveyAnswer("ann", 1, t0)
    assert str(info.value) == "SurveyAnswer: field 'csat' or nps must be given, got None"


def test_times_compare_as_instants_across_a_dst_fold():
    # 01:30 EDT (05:30Z) is half an hour *before* 01:00 EST (06:00Z), although its wall time
    # is later: the response comes before the creation (as the table checks find), and the
    # resolution half an hour after it is not before it.
    created = datetime(2024, 11, 3, 1, 0, fold=1, tzinfo=NEW_YORK)
    early = datetime(2024, 11, 3, 1, 30, fold=0, tzinfo=NEW_YORK)
    late = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NEW_YORK)
    with pytest.raises(ValidationError) as info:
        Ticket(1, "ann", "chat", created, first_response_at=early)
    assert info.value.reason == Reason.RESPONSE_BEFORE_CREATION
    assert Ticket(1, "ann", "chat", created, resolved_at=late).resolution_seconds == 1800.0
    with pytest.raises(ValidationError, match="must be after valid_from"):
        RosterEntry("ann", "north", "mia", valid_from=created, valid_to=early)


def test_check_rules_refuses_a_derivation(monkeypatch):
    from csperf.metrics import _recordrules

    answer = SurveyAnswer("ann", 1, datetime(2024, 1, 1, tzinfo=timezone.utc), csat=4)
    table = dict(CHECK_ORDER)
    table["SurveyAnswer"] = (*table["SurveyAnswer"], Derivation((("csat", F.nps),)))
    monkeypatch.setattr(_recordrules, "CHECK_ORDER", table)
    _recordrules._plan.cache_clear()  # each type's checks are compiled once
    try:
        with pytest.raises(TypeError, match="cannot derive"):
            check_rules(answer)
    finally:
        monkeypatch.undo()
        _recordrules._plan.cache_clear()


# -- the two interpreters agree on the vocabulary ---------------------------------------------

def _conditions() -> st.SearchStrategy[Expr]:
    """Random conditions over nullable integers ``x``, ``y`` and nullable flags ``p``, ``q``."""
    ints = st.sampled_from([F.x, F.y]) | st.integers(-1, 1).map(Value)
    ints = st.recursive(
        ints, lambda inner: st.tuples(inner, inner).map(lambda p: p[0].coalesce(p[1])),
        max_leaves=3,
    )
    atoms = (
        st.sampled_from([F.p, F.q, Value(True), Value(False)])
        | st.builds(Compare, st.sampled_from(["<", "<=", "==", "!=", ">", ">="]), ints, ints)
        | ints.map(IsNull)
        | ints.map(NotNull)
    )
    return st.recursive(
        atoms,
        lambda inner: st.tuples(inner, inner).map(lambda p: p[0] & p[1])
        | st.tuples(inner, inner).map(lambda p: p[0] | p[1])
        | inner.map(Not)
        | st.tuples(inner, inner).map(lambda p: p[0].coalesce(p[1])),
        max_leaves=8,
    )


_ROWS = [
    {"x": x, "y": y, "p": p, "q": q}
    for x in (None, -1, 0, 1)
    for y in (None, 0, 1)
    for p in (None, True, False)
    for q in (None, True)
]


@pytest.fixture(scope="module")
def vocabulary_tables():
    """The rows of every combination of values, as a table on DuckDB and on SQLite."""
    import pyarrow as pa

    table = pa.Table.from_pylist(
        [{"i": i, **row} for i, row in enumerate(_ROWS)],
        schema=pa.schema([("i", pa.int64()), ("x", pa.int64()), ("y", pa.int64()),
                          ("p", pa.bool_()), ("q", pa.bool_())]),
    )
    found = []
    for con in (ibis.duckdb.connect(), ibis.sqlite.connect()):
        found.append((con, con.create_table("rows", table)))
    return found


@settings(max_examples=examples(40))
@given(expr=_conditions())
def test_python_and_sql_give_the_same_truth_for_every_expression(vocabulary_tables, expr):
    for con, t in vocabulary_tables:
        condition = table_condition(expr, t.__getitem__)
        fires = ibis.cases((condition, 1), else_=0)
        query = t.select(t.i, c=condition, fires=fires).order_by("i")
        for row, found in zip(_ROWS, con.to_pyarrow(query).to_pylist(), strict=True):
            want = evaluate(expr, row)
            assert found["c"] == want, (con.name, expr, row)
            assert found["fires"] == (want is True), (con.name, expr, row)


# -- the table against a plain statement of the rules (a test oracle) -------------------------


def _utc(moment):
    return None if moment is None else moment.astimezone(timezone.utc)


def oracle(kind, v):
    """The first cross-field fault ``(reason, field)`` of valid field values, or None.

    The rules written out by hand, the way the record classes wrote them before the table:
    an independent statement to check the table against (and so both interpreters).
    """
    if kind == "Ticket":
        created, first = _utc(v["created_at"]), _utc(v["first_response_at"])
        resolved, final = _utc(v["resolved_at"]), _utc(v["final_resolved_at"])
        if first is not None and first < created:
            return "response_before_creation", "first_response_at"
        if resolved is not None and resolved < created:
            return "resolution_before_creation", "resolved_at"
        if final is not None:
            if resolved is None:
                return "inconsistent", "final_resolved_at"
            if final < resolved:
                return "resolution_before_creation", "final_resolved_at"
            if final != resolved and not v["reopened"]:
                return "inconsistent", "final_resolved_at"
        answered, abandoned = v["answered"], v["abandoned"]
        if answered is None and abandoned is not None:
            answered = not abandoned
        if abandoned is None and answered is not None:
            abandoned = not answered
        if answered is not None and answered == abandoned:
            return "inconsistent", "abandoned"
        if answered is not None and v["wait_seconds"] is None:
            return "missing_field", "wait_seconds"
    elif kind == "QaReview":
        if v["checks_passed"] > v["checks_applicable"]:
            return "off_scale", "checks_passed"
        if v["critical_failed"] and v["checks_applicable"] == 0:
            return "inconsistent", "critical_failed"
    elif kind == "SurveyAnswer":
        if v["csat"] is None and v["nps"] is None:
            return "missing_field", "csat"
    elif kind == "RosterEntry":
        start, end = _utc(v["valid_from"]), _utc(v["valid_to"])
        if start is not None and end is not None and not start < end:
            return "inconsistent", "valid_to"
    return None


VALID_FIELDS = {
    Ticket: st.fixed_dictionaries({
        "id": st.just(1), "agent": st.just("ann"), "channel": st.just("phone"),
        "created_at": MOMENTS, "first_response_at": MAYBE_MOMENT, "resolved_at": MAYBE_MOMENT,
        "final_resolved_at": MAYBE_MOMENT, "reopened": st.booleans(),
        "wait_seconds": st.sampled_from([None, 0.0, 2.5]), "answered": MAYBE_BOOL,
        "abandoned": MAYBE_BOOL,
    }),
    QaReview: st.fixed_dictionaries({
        "agent": st.just("ann"), "reviewed_at": MOMENTS, "checks_passed": st.integers(0, 3),
        "checks_applicable": st.integers(0, 3), "critical_failed": st.booleans(),
    }),
    SurveyAnswer: st.fixed_dictionaries({
        "agent": st.just("ann"), "contact_id": st.just(1), "submitted_at": MOMENTS,
        "csat": st.none() | st.integers(1, 5), "nps": st.none() | st.integers(0, 10),
    }),
    RosterEntry: st.fixed_dictionaries({
        "agent": st.just("ann"), "team": st.just("north"), "manager": st.just("mia"),
        "valid_from": MAYBE_MOMENT, "valid_to": MAYBE_MOMENT,
    }),
}


@settings(max_examples=examples(200))
@given(data=st.data(), record_type=st.sampled_from(list(VALID_FIELDS)))
def test_the_table_states_the_rules_of_the_oracle(data, record_type):
    values = data.draw(VALID_FIELDS[record_type])
    want = oracle(record_type.__name__, values)
    if want is not None:
        with pytest.raises(ValidationError) as info:
            record_type(**values)
        assert (info.value.reason.value, info.value.key_path) == want, values
        return
    record = record_type(**values)
    if record_type is Ticket:  # the flags completed as the oracle completes them
        answered, abandoned = values["answered"], values["abandoned"]
        if answered is None and abandoned is not None:
            answered = not abandoned
        assert record.answered == answered
        assert record.abandoned == (None if answered is None else not answered)


# -- the call flags: one derivation -------------------------------------------------------------


def test_the_call_flags_are_derived_alike_in_python_in_ibis_and_in_the_typed_table():

    from csperf.metrics._tablechecks import typed

    con = ibis.duckdb.connect()
    pairs = [(a, b) for a in (None, True, False) for b in (None, True, False)]
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    rows = [{"id": str(i), "agent": "ann", "channel": "phone", "created_at": t0,
             "answered": a, "abandoned": b, "wait_seconds": 1.0} for i, (a, b) in enumerate(pairs)]
    write_tables(con, {"tickets": rows})
    raw = con.table("tickets")
    derived = table_derived(Ticket, {"answered": raw.answered, "abandoned": raw.abandoned})
    by_table = con.to_pyarrow(
        typed(RECORD_KINDS["tickets"], raw).select("answered", "abandoned")).to_pylist()
    by_ibis = con.to_pyarrow(
        raw.select(answered=derived["answered"], abandoned=derived["abandoned"])).to_pylist()
    assert by_table == by_ibis
    for (a, b), found in zip(pairs, by_table):
        if a is None or b is None or a != b:  # a valid call (or no call): the record's flags
            ticket = Ticket(1, "ann", "phone", t0, answered=a, abandoned=b, wait_seconds=1.0)
            assert (ticket.answered, ticket.abandoned) == (found["answered"], found["abandoned"])
        else:  # both given and equal: kept as given, and rejected
            assert (found["answered"], found["abandoned"]) == (a, b)
            with pytest.raises(ValidationError, match="opposite"):
                Ticket(1, "ann", "phone", t0, answered=a, abandoned=b, wait_seconds=1.0)


# -- the same first fault from the record classes and the table checks ---------------------


@st.composite
def ticket_rows(draw, i):
    return {
        "id": f"t{i}",
        "agent": "ann",
        "channel": "phone",
        "created_at": draw(st.none() | MOMENTS if draw(st.integers(0, 9)) == 0 else MOMENTS),
        "first_response_at": draw(MAYBE_MOMENT),
        "resolved_at": draw(MAYBE_MOMENT),
        "final_resolved_at": draw(MAYBE_MOMENT),
        "reopened": draw(MAYBE_BOOL),
        "complaint": draw(st.booleans()),
        "customer": None,
        "wait_seconds": draw(st.sampled_from([None, 0.0, 5.5, -1.0])),
        "answered": draw(MAYBE_BOOL),
        "abandoned": draw(MAYBE_BOOL),
        "talk_seconds": draw(st.sampled_from([None, 3.0, -2.0])),
        "hold_seconds": None,
        "acw_seconds": None,
    }


@st.composite
def survey_rows(draw, i):
    return {
        "agent": "ann",
        "contact_id": f"c{i}",
        "submitted_at": draw(MOMENTS),
        "csat": draw(st.sampled_from([None, None, 1, 5, 0, 6, 4.5])),
        "nps": draw(st.sampled_from([None, None, 0, 10, 11, -1])),
    }


@st.composite
def qa_rows(draw, i):
    counts = st.sampled_from([None, 0, 0, 1, 2, 3, -1, 1.5])
    return {
        "agent": "ann",
        "reviewed_at": draw(MOMENTS),
        "checks_passed": draw(counts),
        "checks_applicable": draw(counts),
        "critical_failed": draw(MAYBE_BOOL),
        "id": draw(st.sampled_from([None, f"q{i}"])),
    }


def _rows(make):
    # at most 18 rows a kind: the reject report keeps 20 examples
    return st.integers(0, 18).flatmap(lambda n: st.tuples(*(make(i) for i in range(n))))


KINDS = {
    "tickets": (ticket_rows, "complaint_rate"),
    "surveys": (survey_rows, "customer_satisfaction"),
    "qa_reviews": (qa_rows, "script_compliance"),
}


def python_faults(kind, rows):
    """``(position, reason, field, value)`` of each row the record class rejects."""
    faults = []
    for position, row in enumerate(rows):
        try:
            coerce_record(RECORD_KINDS[kind], row)
        except ValidationError as exc:
            faults.append((position, exc.reason, exc.key_path, _instant(exc.value)))
    return faults


def _instant(value):
    """A timestamp on UTC (an ambiguous wall time never equals another zone's instant)."""
    return value.astimezone(timezone.utc) if isinstance(value, datetime) else value


@pytest.fixture(scope="module")
def connections():
    return {"duckdb": ibis.duckdb.connect(), "sqlite": ibis.sqlite.connect()}


def assert_rejected_alike(connections, rows):
    """The record classes' faults of ``rows`` are the reject reports' examples, on each backend."""
    expected = {kind: python_faults(kind, kind_rows) for kind, kind_rows in rows.items()}
    metrics = [metric for _, metric in KINDS.values()]
    for name, con in connections.items():
        write_tables(con, {kind: list(kind_rows) for kind, kind_rows in rows.items()})
        m = IbisSource(con).measure(period=None, metrics=metrics)
        for kind, want in expected.items():
            report = m.rejected[kind]
            found = [(e.position, e.reason, e.field, _instant(e.value)) for e in report.examples]
            assert found == want, (name, kind)
            assert (report.total, report.count) == (len(rows[kind]), len(want)), (name, kind)


def test_a_row_for_each_rule_is_rejected_alike(connections):
    t0 = datetime(2024, 1, 2, 9, tzinfo=timezone.utc)
    early, late = t0 - timedelta(microseconds=1), t0 + timedelta(hours=1)
    ticket = dict.fromkeys(attrs.fields_dict(Ticket))
    ticket.update(agent="ann", channel="phone", created_at=t0, complaint=False)
    tickets = [
        {"first_response_at": early},
        {"resolved_at": early},
        {"final_resolved_at": late},
        {"resolved_at": late, "final_resolved_at": t0, "reopened": True},
        {"resolved_at": t0, "final_resolved_at": late},
        {"resolved_at": t0, "final_resolved_at": t0.astimezone(NEW_YORK)},  # the same instant
        {"answered": True, "abandoned": True, "wait_seconds": 1.0},
        {"answered": False, "abandoned": False},  # inconsistent comes before missing
        {"abandoned": True},
        {"answered": True, "wait_seconds": 2.0},
        {"first_response_at": early, "wait_seconds": -1.0},  # the first fault wins
        {"talk_seconds": -1.0, "answered": True},  # the durations come before the call
    ]
    qa = {"agent": "ann", "reviewed_at": t0, "critical_failed": None, "id": None}
    reviews = [
        {"checks_passed": 4, "checks_applicable": 3},
        {"checks_passed": 0, "checks_applicable": 0, "critical_failed": True},
        {"checks_passed": 4, "checks_applicable": 3, "critical_failed": True},
        {"checks_passed": 0, "checks_applicable": 0},
    ]
    survey = {"agent": "ann", "submitted_at": t0, "csat": None, "nps": None}
    surveys = [{}, {"csat": 6}, {"nps": 3}]
    rows = {
        "tickets": [{**ticket, "id": f"t{i}", **row} for i, row in enumerate(tickets)],
        "surveys": [{**survey, "contact_id": f"c{i}", **row} for i, row in enumerate(surveys)],
        "qa_reviews": [{**qa, **row} for row in reviews],
    }
    assert_rejected_alike(connections, rows)
    assert [f[1:3] for f in python_faults("tickets", rows["tickets"])] == [
        ("response_before_creation", "first_response_at"),
        ("resolution_before_creation", "resolved_at"),
        ("inconsistent", "final_resolved_at"),
        ("resolution_before_creation", "final_resolved_at"),
        ("inconsistent", "final_resolved_at"),
        ("inconsistent", "abandoned"),
        ("inconsistent", "abandoned"),
        ("missing_field", "wait_seconds"),
        ("response_before_creation", "first_response_at"),
        ("negative_duration", "talk_seconds"),
    ]
    assert [f[1:3] for f in python_faults("qa_reviews", rows["qa_reviews"])] == [
        ("off_scale", "checks_passed"),
        ("inconsistent", "critical_failed"),
        ("off_scale", "checks_passed"),
    ]
    assert [f[1:3] for f in python_faults("surveys", rows["surveys"])] == [
        ("missing_field", "csat"),
        ("off_scale", "csat"),
    ]


@pytest.mark.slow
@settings(
    max_examples=examples(8),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    rows=st.fixed_dictionaries({kind: _rows(make) for kind, (make, _) in KINDS.items()}),
)
def test_the_record_classes_and_the_table_checks_reject_alike(connections, rows):
    # every combination of None, equal and out-of-order times (in three zones, across a DST
    # fold), of answered/abandoned and of counts: one measure a backend per example
    assert_rejected_alike(connections, rows)


def test_the_roster_rule_runs_in_the_table_checks_too():
    # the roster is read and checked as a Roster in Python; its rule is in the table all the
    # same, and the table checks run it like the others
    from csperf.metrics._records import RecordKind
    from csperf.metrics._tablechecks import checked, typed

    kind = RecordKind("roster", RosterEntry, "valid_from", "agent", ("agent",))
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    ends = [None, t0, t0 + timedelta(hours=1), t0.astimezone(timezone(timedelta(hours=8)))]
    rows = [{"agent": f"a{i}", "team": "north", "manager": "mia", "valid_from": a, "valid_to": b}
            for i, (a, b) in enumerate((a, b) for a in ends for b in ends)]
    wants = []
    for row in rows:
        try:
            coerce_record(kind, row)
            wants.append(None)
        except ValidationError as exc:
            wants.append((exc.reason.value, exc.key_path))
    assert sum(w is not None for w in wants) == 7  # both given, to not after from
    for con in (ibis.duckdb.connect(), ibis.sqlite.connect()):
        write_tables(con, {}, roster=rows)
        table = con.table("roster").mutate(_position=ibis.row_number())
        found, labels = checked(kind, typed(kind, table, backend=con.name))
        result = con.to_pyarrow(found.order_by("_position")).to_pylist()
        assert len(result) == len(rows) == 16
        for row, want, got in zip(rows, wants, result):
            rule = got["_rule"]
            assert (None if rule is None else labels[rule]) == want, (con.name, row)


def test_the_modules_examples():
    import doctest

    from csperf.metrics import _recordrules

    result = doctest.testmod(_recordrules)
    assert result.attempted >= 5 and result.failed == 0


def test_a_roster_entry_covers_instants_as_the_table_checks_do():
    # the entry starts at 01:30 EDT (05:30Z); a ticket at 01:00 EST (06:00Z) is half an hour
    # later although its wall time is earlier: on the roster in Python and in the database
    from csperf.metrics import Roster, SharingItem, validate_records

    start = datetime(2024, 11, 3, 1, 30, fold=0, tzinfo=NEW_YORK)
    moment = datetime(2024, 11, 3, 1, 0, fold=1, tzinfo=NEW_YORK)
    entry = RosterEntry("ann", "north", "mia", valid_from=start)
    assert entry.covers(moment)
    assert not RosterEntry("ann", "north", "mia", valid_to=start).covers(moment)
    assert entry.overlaps(moment, None)
    assert not RosterEntry("ann", "north", "mia", valid_to=start).overlaps(moment, None)
    assert not SharingItem("ann", start, shared_at=moment).on_time
    assert SharingItem("ann", moment, shared_at=start).on_time
    roster = Roster([entry])
    tickets = [Ticket(1, "ann", "chat", moment), Ticket(2, "ann", "chat", start - timedelta(1))]
    _, report = validate_records("tickets", tickets, roster=roster)
    con = ibis.duckdb.connect()
    write_tables(con, {"tickets": tickets})
    m = IbisSource(con, roster=roster).measure(period=None, level="team",
                                               metrics=["complaint_rate"])
    found = m.rejected["tickets"]
    assert [(e.position, e.reason) for e in report.examples] == [(1, Reason.NOT_ON_ROSTER)]
    assert [(e.position, e.reason) for e in found.examples] == [(1, Reason.NOT_ON_ROSTER)]
