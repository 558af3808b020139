"""A database source's Measurements, kept as columns, against the same table given as rows."""

from __future__ import annotations

import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf._frozen import FrozenDict
from csperf.errors import UnknownNameError, ValidationError
from csperf.metrics import MetricValue, RejectReport
from csperf.sources import Measurements
from csperf.sources._measurements import MeasuredColumns
from strategies import examples

METRICS = ("complaint_rate", "nps")
REPORTS = {
    "complaint_rate": RejectReport("tickets", 4, 1, {"missing_field": 1}),
    "nps": RejectReport("surveys", 2, 0),
}

cells = st.tuples(
    st.one_of(st.none(), st.floats(-100, 100)),
    st.integers(0, 50),
    st.sampled_from([(), ("small_sample",), ("critical_failed", "small_sample")]),
)


def _both(subjects, rows):
    """The same table as columns and as rows of MetricValues."""
    columns = {
        metric: (
            [rows[s][k][0] for s in subjects],
            [rows[s][k][1] for s in subjects],
            [rows[s][k][2] for s in subjects],
            REPORTS[metric],
        )
        for k, metric in enumerate(METRICS)
    }
    eager = {
        s: {m: MetricValue(*rows[s][k], rejected=REPORTS[m]) for k, m in enumerate(METRICS)}
        for s in subjects
    }
    return MeasuredColumns(subjects, columns), eager


@settings(max_examples=examples(40))
@given(st.dictionaries(st.text("abcé", min_size=1, max_size=3), st.tuples(cells, cells), max_size=6))
def test_columns_read_as_the_rows_they_hold(rows):
    subjects = sorted(rows)
    table, eager = _both(subjects, rows)
    assert table == FrozenDict({s: FrozenDict(r) for s, r in eager.items()}) == eager
    assert hash(table) == hash(FrozenDict({s: FrozenDict(r) for s, r in eager.items()}))
    assert list(table) == subjects and len(table) == len(subjects)
    a = Measurements(metrics=METRICS, values=table, source="ibis")
    b = Measurements(metrics=METRICS, values=eager, source="ibis")
    assert a == b and hash(a) == hash(b)
    assert a.subjects == b.subjects
    assert a.to_columns() == b.to_columns()
    assert a.to_records() == b.to_records()
    assert a.to_dict() == b.to_dict()
    for s in subjects:
        assert a.row(s) == b.row(s)
        assert s in a and s in table and table.get(s) == b.values[s]
        for m in METRICS:
            assert a.value(s, m) == b.value(s, m)
            assert a.value(s, m).rejected == b.value(s, m).rejected
            assert a.flags(s, m) == b.flags(s, m)
    assert pickle.loads(pickle.dumps(a)) == b
    assert attrs.evolve(a, source="other") == attrs.evolve(b, source="other")
    assert dict(table.items()) == dict(b.values.items())
    assert list(table.values()) == list(b.values.values())


def test_an_unknown_subject_or_metric_is_named():
    table, _ = _both(["ann"], {"ann": ((0.5, 4, ()), (None, 0, ()))})
    m = Measurements(metrics=METRICS, values=table)
    with pytest.raises(UnknownNameError, match="no subject 'bob'"):
        m.row("bob")
    with pytest.raises(UnknownNameError, match="no metric 'aht'"):
        m.value("ann", "aht")
    with pytest.raises(UnknownNameError):
        m.value(["ann"], "nps")  # an unhashable subject
    assert table.get("bob", 1) == 1 and ["ann"] not in table


@pytest.mark.parametrize(
    ("subjects", "metrics", "message"),
    [
        (["", "ann"], METRICS, "non-empty strings"),
        (["bob", "ann"], METRICS, "sorted"),
        (["ann"], ("complaint_rate", "nps", "aht"), "missing aht"),
    ],
)
def test_bad_columns_are_refused(subjects, metrics, message):
    rows = {s: ((0.5, 4, ()), (None, 0, ())) for s in subjects}
    table, _ = _both(subjects, rows)
    with pytest.raises(ValidationError, match=message):
        Measurements(metrics=metrics, values=table)
