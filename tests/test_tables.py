"""Tables in and out: pandas (numpy and nullable), Polars, Arrow and mappings; to_pandas/arrow/polars."""

from __future__ import annotations

import io
import math
from decimal import Decimal

import attrs
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf._tables import read_table
from csperf.errors import MeasurementError, ValidationError
from csperf.templates import customer_service_manager
from strategies import examples

CARD = customer_service_manager()
METRICS = [ind.metric for ind in CARD.indicators]

# Values inside each template indicator's range, rounded the way people type them, so that
# rounding ties are frequent.
RANGES = {
    "customer_satisfaction": (0.0, 1.0, 3),
    "complaint_rate": (0.0, 0.05, 3),
    "first_response_time": (0.0, 600.0, 0),
    "resolution_time": (0.0, 90000.0, 0),
    "product_knowledge": (0.0, 100.0, 1),
    "script_compliance": (0.0, 1.0, 3),
    "collaboration_rating": (1.0, 5.0, 1),
    "information_sharing_rate": (0.0, 1.0, 3),
}


def value(metric: str) -> st.SearchStrategy[float]:
    low, high, places = RANGES[metric]
    return st.floats(low, high).map(lambda v: round(v, places))


@st.composite
def tables(draw: st.DrawFn, missing: bool = True) -> dict[str, list[float | None]]:
    """A measurement table of the manager template as plain lists (None for missing)."""
    n = draw(st.integers(1, 12))
    table: dict[str, list[float | None]] = {"subject": [f"s{i}" for i in range(n)]}
    for metric in METRICS:
        cell = st.none() | value(metric) if missing else value(metric)
        table[metric] = draw(st.lists(cell, min_size=n, max_size=n))
    return table


def li_wei_table(n: int = 3) -> dict[str, list[float]]:
    row = {
        "customer_satisfaction": 0.92,
        "complaint_rate": 0.008,
        "first_response_time": 45.0,
        "resolution_time": 14400.0,
        "product_knowledge": 88.0,
        "script_compliance": 0.95,
        "collaboration_rating": 4.2,
        "information_sharing_rate": 0.9,
    }
    return {"subject": [f"s{i}" for i in range(n)], **{k: [v] * n for k, v in row.items()}}


def as_pandas_numpy(table):
    return pd.DataFrame(
        {
            k: (v if k == "subject" else [math.nan if x is None else x for x in v])
            for k, v in table.items()
        }
    )


def as_pandas_nullable(table):
    frame = pd.DataFrame(table)
    return frame.astype({m: "Float64" for m in METRICS})


def as_polars(table):
    return pl.DataFrame(table, schema={"subject": pl.String, **{m: pl.Float64 for m in METRICS}})


def as_arrow(table):
    return pa.table(
        {"subject": table["subject"], **{m: pa.array(table[m], pa.float64()) for m in METRICS}}
    )


def as_arrow_batch(table):
    return as_arrow(table).to_batches()[0]


def as_decimals(table):
    return {
        k: (v if k == "subject" else [None if x is None else Decimal(repr(x)) for x in v])
        for k, v in table.items()
    }


def as_arrow_decimal(table):
    return pa.table(
        {
            "subject": table["subject"],
            **{m: pa.array(as_decimals(table)[m], pa.decimal128(12, 4)) for m in METRICS},
        }
    )


READERS = {
    "pandas numpy": (as_pandas_numpy, {"nan": "missing"}),
    "pandas Float64": (as_pandas_nullable, {}),
    "pandas Arrow dtype": (
        lambda t: as_pandas_nullable(t).astype({m: "float64[pyarrow]" for m in METRICS}),
        {},
    ),
    "polars": (as_polars, {}),
    "arrow table": (as_arrow, {}),
    "arrow batch": (as_arrow_batch, {}),
    "arrow decimal": (as_arrow_decimal, {}),
    "decimal objects": (as_decimals, {}),
    "numpy masked": (
        lambda t: {
            k: (
                v
                if k == "subject"
                else np.ma.masked_invalid(np.array([math.nan if x is None else x for x in v]))
            )
            for k, v in t.items()
        },
        {},
    ),
}


def same_batches(a, b) -> None:
    assert a.subjects == b.subjects
    np.testing.assert_array_equal(a.totals, b.totals)
    np.testing.assert_array_equal(a.grades, b.grades)
    np.testing.assert_array_equal(a.unrounded_totals, b.unrounded_totals)
    for key in a.points:
        np.testing.assert_array_equal(a.points[key], b.points[key])
        np.testing.assert_array_equal(a.raw[key], b.raw[key])
    for key in a.dimension_points:
        np.testing.assert_array_equal(a.dimension_points[key], b.dimension_points[key])


# -- tables in ----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=examples(40), deadline=None)
@given(table=tables(), policy=st.sampled_from(["zero", "redistribute"]))
def test_every_kind_of_table_reads_the_same(reader, table, policy):
    card = attrs.evolve(CARD, missing=policy)
    try:
        want = card.evaluate_many(table)
    except MeasurementError:  # every indicator missing in a row: nothing left to score
        convert, options = READERS[reader]
        converted = convert(table)
        with pytest.raises(MeasurementError):
            card.evaluate_many(converted, **options)
        return
    convert, options = READERS[reader]
    same_batches(card.evaluate_many(convert(table), **options), want)


def test_a_nullable_column_is_read_in_one_pass(monkeypatch):
    # A value-by-value read goes through Indicator.check_raw once per value; the vectorised one
    # never calls it on valid data.
    calls = []
    original = type(CARD.indicators[0]).check_raw
    monkeypatch.setattr(
        type(CARD.indicators[0]),
        "check_raw",
        lambda self, raw, **kw: calls.append(raw) or original(self, raw, **kw),
    )
    frame = as_pandas_nullable(li_wei_table(50))
    frame.loc[3, "complaint_rate"] = pd.NA
    batch = attrs.evolve(CARD, missing="zero").evaluate_many(frame)
    assert calls == []
    assert batch.points["complaint_rate"][3] == 0.0


def test_subject_names_a_column_or_the_index():
    table = li_wei_table()
    frame = pd.DataFrame(table).rename(columns={"subject": "employee_id"})
    assert CARD.evaluate_many(frame, subject="employee_id").subjects == ("s0", "s1", "s2")
    indexed = frame.set_index("employee_id")
    assert CARD.evaluate_many(indexed, subject="employee_id").subjects == ("s0", "s1", "s2")
    by_default = pd.DataFrame(table).set_index("subject")
    assert CARD.evaluate_many(by_default).subjects == ("s0", "s1", "s2")
    assert CARD.evaluate_many(pl.from_pandas(frame), subject="employee_id").subjects[0] == "s0"


@pytest.mark.parametrize("kind", ["column", "index"])
def test_an_id_column_of_another_name_is_an_error_suggesting_subject(kind):
    frame = pd.DataFrame(li_wei_table()).rename(columns={"subject": "employee_id"})
    if kind == "index":
        frame = frame.set_index("employee_id")
    with pytest.raises(MeasurementError, match=r"subject='employee_id'") as info:
        CARD.evaluate_many(frame)
    assert info.value.field == ("subject",)
    with pytest.raises(MeasurementError, match=r"subject='employee_id'"):
        CARD.evaluate_many(frame, extra="ignore")


def test_a_subject_that_names_nothing_is_an_error():
    with pytest.raises(MeasurementError, match=r"subject='who' names no column"):
        CARD.evaluate_many(li_wei_table(), subject="who")
    with pytest.raises(MeasurementError, match=r"subject\[1\] must be a string"):
        CARD.evaluate_many({**li_wei_table(), "subject": ["a", None, "c"]})


def test_unknown_columns_are_an_error_unless_ignored():
    table = {**li_wei_table(), "complain_rate": [0.1, 0.2, 0.3]}
    with pytest.raises(
        MeasurementError, match=r"unknown column 'complain_rate'.*extra='ignore'"
    ) as info:
        CARD.evaluate_many(table)
    assert info.value.value == ["complain_rate"]
    assert len(CARD.evaluate_many(table, extra="ignore")) == 3
    with pytest.raises(MeasurementError, match="unknown column"):
        CARD.evaluate_many(pa.table(table))


def test_the_options_are_checked():
    with pytest.raises(ValidationError, match=r"extra= must be one of 'error', 'ignore'"):
        CARD.evaluate_many(li_wei_table(), extra="drop")
    with pytest.raises(ValidationError, match=r"nan= must be one of 'error', 'missing'"):
        CARD.evaluate(li_wei_table(1), nan="zero")


def test_nan_is_an_error_suggesting_nan_missing():
    csv = io.StringIO(pd.DataFrame(li_wei_table()).to_csv(index=False).replace("0.008,", ",", 1))
    frame = pd.read_csv(csv)
    assert math.isnan(frame.loc[0, "complaint_rate"])
    lenient = attrs.evolve(CARD, missing="zero")
    with pytest.raises(MeasurementError, match=r"nan='missing'") as info:
        lenient.evaluate_many(frame)
    assert info.value.subject == "s0"
    batch = lenient.evaluate_many(frame, nan="missing")
    assert batch.points["complaint_rate"].tolist()[0] == 0.0
    assert math.isnan(batch.raw["complaint_rate"][0])


def test_nan_and_null_differ_in_polars_and_arrow():
    lenient = attrs.evolve(CARD, missing="zero")
    table = li_wei_table()
    frame = pl.DataFrame(table).with_columns(
        pl.Series("complaint_rate", [None, 0.008, float("nan")])
    )
    with pytest.raises(MeasurementError, match="nan='missing'") as info:
        lenient.evaluate_many(frame)
    assert info.value.subject == "s2"
    batch = lenient.evaluate_many(frame, nan="missing")
    scored = CARD.indicator("complaint_rate").score(0.008)
    assert batch.points["complaint_rate"].tolist() == [0.0, scored, 0.0]
    arrow = pa.table({**table, "complaint_rate": pa.array([None, 0.008, 0.01])})
    assert lenient.evaluate_many(arrow).points["complaint_rate"][0] == 0.0


def test_infinities_and_non_numbers_are_refused_naming_the_subject():
    with pytest.raises(MeasurementError, match=r"finite.*'s1'"):
        CARD.evaluate_many({**li_wei_table(), "complaint_rate": [0.01, math.inf, 0.01]})
    with pytest.raises(MeasurementError, match="real number"):
        CARD.evaluate_many(pa.table({**li_wei_table(), "complaint_rate": ["a", "b", "c"]}))
    with pytest.raises(MeasurementError, match="real number"):
        CARD.evaluate_many(pl.DataFrame({**li_wei_table(), "complaint_rate": [True, False, True]}))
    with pytest.raises(MeasurementError, match="real number"):
        CARD.evaluate_many(pd.DataFrame({**li_wei_table(), "complaint_rate": ["x", "y", "z"]}))


def test_an_all_null_arrow_column_is_missing():
    lenient = attrs.evolve(CARD, missing="zero")
    table = pa.table({**li_wei_table(), "complaint_rate": pa.nulls(3)})
    assert lenient.evaluate_many(table).points["complaint_rate"].tolist() == [0.0] * 3


def test_decimal_columns_keep_their_exact_values():
    near = Decimal("0.0089999999999999999999")
    frame = pd.DataFrame({**li_wei_table(), "complaint_rate": [near, Decimal("0.01"), None]})
    read = read_table(frame, CARD.key, CARD.indicators, nan="missing")
    column = read.columns["complaint_rate"]
    assert column.exact.tolist() == [near, Decimal("0.01"), None]
    assert column.present.tolist() == [True, True, False]
    arrow = pa.table(
        {
            **li_wei_table(),
            "complaint_rate": pa.array(
                [Decimal("0.0090"), Decimal("0.0100"), None], pa.decimal128(6, 4)
            ),
        }
    )
    column = read_table(arrow, CARD.key, CARD.indicators).columns["complaint_rate"]
    assert column.exact.tolist() == [Decimal("0.0090"), Decimal("0.0100"), None]
    assert column.values[:2].tolist() == [0.009, 0.01]
    floats = read_table(li_wei_table(), CARD.key, CARD.indicators).columns["complaint_rate"]
    assert floats.exact is not None  # a list of Python floats is read as objects


def test_evaluate_reads_a_pandas_series():
    frame = pd.DataFrame(li_wei_table()).set_index("subject")
    want = CARD.evaluate({k: v[0] for k, v in li_wei_table().items() if k != "subject"}, "s0")
    assert CARD.evaluate(frame.loc["s0"], "s0") == want
    nullable = as_pandas_nullable(li_wei_table())
    nullable.loc[0, "complaint_rate"] = pd.NA
    lenient = attrs.evolve(CARD, missing="zero")
    assert lenient.evaluate(nullable.iloc[0]).indicators["complaint_rate"].missing


def test_evaluate_nan_and_extra():
    row = {k: v[0] for k, v in li_wei_table().items() if k != "subject"}
    lenient = attrs.evolve(CARD, missing="zero")
    with pytest.raises(MeasurementError, match="nan='missing'"):
        lenient.evaluate({**row, "complaint_rate": math.nan}, "s0")
    result = lenient.evaluate({**row, "complaint_rate": math.nan}, "s0", nan="missing")
    assert result.indicators["complaint_rate"].missing
    assert CARD.evaluate({**row, "nps": 1}).total == CARD.evaluate(row).total
    with pytest.raises(MeasurementError, match="unknown name 'nps'"):
        CARD.evaluate({**row, "nps": 1}, extra="error")


def test_a_table_of_an_unknown_kind_is_refused():
    with pytest.raises(MeasurementError, match="needs a mapping of column name"):
        CARD.evaluate_many([1, 2, 3])


# -- tables out ---------------------------------------------------------------------------


def records_of(frame_rows, keys):
    return [{k: row[k] for k in keys} for row in frame_rows]


@settings(max_examples=examples(40), deadline=None)
@given(
    table=tables(),
    policy=st.sampled_from(["zero", "redistribute"]),
    lang=st.sampled_from([None, "zh"]),
)
def test_the_tables_out_agree_with_to_records_and_evaluate(table, policy, lang):
    card = attrs.evolve(CARD, missing=policy)
    try:
        batch = card.evaluate_many(table)
    except MeasurementError:
        return
    records = batch.to_records()
    keys = list(records[0])
    from_pandas = batch.to_pandas(lang)
    from_pandas = from_pandas.astype(object).where(from_pandas.notna(), None)
    from_arrow = batch.to_arrow(lang).to_pylist()
    from_polars = batch.to_polars(lang).to_dicts()
    for rows in (from_pandas.to_dict("records"), from_arrow, from_polars):
        assert records_of(rows, keys) == records
        assert [list(r) for r in rows] == [list(from_arrow[0])] * len(rows)
    for i, subject in enumerate(batch.subjects):
        row = {m: table[m][i] for m in METRICS}
        one = card.evaluate(row, subject)
        for rows in (from_pandas.to_dict("records"), from_arrow, from_polars):
            out = rows[i]
            assert out["subject"] == subject
            assert out["total"] == one.total
            assert out["unrounded_total"] == pytest.approx(one.unrounded_total, abs=1e-9)
            assert out["grade"] == one.grade.key
            from csperf.text import localize

            assert out["grade_label"] == localize(one.grade.label, lang)
            assert out["rank"] == 1 + sum(t > one.total for t in batch.totals.tolist())
            for key, ind in one.indicators.items():
                assert out[f"raw.{key}"] == ind.raw
    assert list(from_arrow[0])[:1] == ["subject"]


@settings(max_examples=examples(40), deadline=None)
@given(
    totals=st.lists(
        st.sampled_from([0.0, 50.0, 50.5, 89.99, 90.0, 100.0]), min_size=1, max_size=30
    ),
    precision=st.sampled_from([None, 2]),
)
def test_ranks_are_competition_ranks(totals, precision):
    batch = CARD.evaluate_many(li_wei_table(1))
    values = np.array(totals)
    ranked = attrs.evolve(batch, totals=values, precision=precision).ranks()
    assert ranked.tolist() == [1 + sum(t > v for t in totals) for v in totals]


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(math.nan)), max_size=30))
def test_the_one_ranking_every_part_uses(values):
    from csperf._numbers import competition_ranks
    from csperf.trends import _ranks

    known = [v for v in values if not math.isnan(v)]
    expected = [0 if math.isnan(v) else 1 + sum(t > v for t in known) for v in values]
    assert competition_ranks(values).tolist() == expected
    assert _ranks(values) == [None if r == 0 else r for r in expected]


def test_the_columns_and_types_of_the_tables_out():
    card = attrs.evolve(CARD, missing="redistribute")
    table = li_wei_table()
    table["complaint_rate"] = [0.008, None, 0.01]
    batch = card.evaluate_many(table)
    frame = batch.to_pandas()
    assert list(frame.columns) == [
        "subject",
        *(f"raw.{i.key}" for i in card.indicators),
        *(f"points.{i.key}" for i in card.indicators),
        *(f"dimension.{d.key}" for d in card.dimensions),
        "unrounded_total",
        "total",
        "grade",
        "grade_label",
        "rank",
    ]
    assert list(frame["grade"].cat.categories) == [b.key for b in card.grade_scale.ordered]
    assert frame["grade"].cat.ordered
    assert np.shares_memory(frame["total"].to_numpy(), batch.totals)
    assert math.isnan(frame.loc[1, "points.complaint_rate"])
    arrow = batch.to_arrow()
    assert arrow.column("points.complaint_rate").null_count == 1
    assert arrow.column("total").null_count == 0
    assert pa.types.is_dictionary(arrow.schema.field("grade").type)
    polars = batch.to_polars()
    assert polars["points.complaint_rate"].null_count() == 1
    assert isinstance(polars.schema["grade"], pl.Enum)
    assert list(polars.columns) == list(frame.columns) == arrow.column_names


def test_subjects_none_come_out_as_nulls():
    table = li_wei_table(2)
    del table["subject"]
    batch = CARD.evaluate_many(table)
    assert batch.to_arrow().column("subject").null_count == 2
    assert batch.to_polars()["subject"].to_list() == [None, None]
    assert batch.to_pandas()["subject"].tolist() == [None, None]


SUBJECT_KINDS = {
    "list": lambda names: list(names),
    "object array": lambda names: np.array(names, dtype=object),
    "numpy strings": lambda names: np.array(names),
    "arrow string": lambda names: pa.array(names, pa.string()),
    "arrow large string": lambda names: pa.chunked_array([pa.array(names, pa.large_string())]),
    "pandas object": lambda names: pd.Series(names, dtype=object),
    "pandas str": lambda names: pd.Series(names, dtype=pd.StringDtype("pyarrow")),
    "pandas python str": lambda names: pd.Series(names, dtype=pd.StringDtype("python")),
}


@pytest.mark.parametrize("through_arrow", [False, True], ids=["type scan", "arrow check"])
@pytest.mark.parametrize("kind", SUBJECT_KINDS)
def test_every_kind_of_subject_column_comes_out_as_strings(kind, through_arrow, monkeypatch):
    if through_arrow:
        monkeypatch.setattr("csperf._tables.ARROW_CHECK", 1)
    names = ["吴敏", "adam", "Zhao Lei"]
    table = li_wei_table(3)
    table["subject"] = SUBJECT_KINDS[kind](names)
    batch = CARD.evaluate_many(table)
    assert batch.subjects == tuple(names)
    assert all(type(s) is str for s in batch.subjects)
    assert batch.to_arrow().column("subject").type == pa.string()
    assert batch.to_arrow().column("subject").to_pylist() == names
    assert batch.to_pandas()["subject"].tolist() == names
    assert batch.to_polars()["subject"].to_list() == names
    assert batch.to_polars().schema["subject"] == pl.String


def test_an_arrow_subject_column_is_passed_through_unchanged():
    names = pa.array([f"m{i}" for i in range(3)], pa.string())
    table = pa.table(
        {"subject": names, **{k: v for k, v in li_wei_table(3).items() if k != "subject"}}
    )
    batch = CARD.evaluate_many(table)
    out = batch.to_arrow().column("subject")
    assert (
        out.chunk(0).buffers()[2].address == table.column("subject").chunk(0).buffers()[2].address
    )
    frame = pl.from_arrow(table)
    assert CARD.evaluate_many(frame).to_polars()["subject"].to_list() == names.to_pylist()


@pytest.mark.parametrize(
    "column",
    [
        ["s0", None, "s2"],
        pa.array(["s0", None, "s2"]),
        pd.Series(["s0", None, "s2"], dtype=pd.StringDtype("pyarrow")),
        pd.Series(["s0", pd.NA, "s2"], dtype="string"),
        ["s0", b"s1", "s2"],
        np.array(["s0", 1, "s2"], dtype=object),
        pa.array([1, 2, 3]),
    ],
    ids=["none", "arrow null", "pandas arrow NA", "pandas NA", "bytes", "int", "arrow ints"],
)
@pytest.mark.parametrize("through_arrow", [False, True], ids=["type scan", "arrow check"])
def test_a_subject_that_is_no_string_is_refused_naming_its_row(column, through_arrow, monkeypatch):
    if through_arrow:  # as a large object column is checked
        monkeypatch.setattr("csperf._tables.ARROW_CHECK", 1)
    table = li_wei_table(3)
    table["subject"] = column
    with pytest.raises(MeasurementError, match=r"subject\[(0|1)\] must be a string, got"):
        CARD.evaluate_many(table)


def test_the_subject_column_is_read_without_building_the_tuple():
    from csperf._tables import SubjectColumn

    column = SubjectColumn(pa.array(["a", "b", "c"]))
    assert (len(column), column[1], column[-1], column[0:2]) == (3, "b", "c", ("a", "b"))
    assert list(column) == ["a", "b", "c"] and column.arrow and column.named
    empty = SubjectColumn(None, 2)
    assert (len(empty), empty[1], empty.as_tuple(), empty.named) == (2, None, (None, None), False)
    with pytest.raises(IndexError):
        empty[2]
    assert SubjectColumn(("x", "y")).as_objects().tolist() == ["x", "y"]
    assert SubjectColumn(np.array(["x", "y"])).as_arrow().to_pylist() == ["x", "y"]


def test_a_complete_batch_says_so_and_a_gappy_one_has_nulls():
    complete = CARD.evaluate_many(li_wei_table(3))
    assert complete.complete is True
    assert complete.to_arrow().column("points.complaint_rate").null_count == 0
    table = li_wei_table(3)
    table["complaint_rate"] = [0.008, None, 0.01]
    gappy = attrs.evolve(CARD, missing="redistribute").evaluate_many(table)
    assert gappy.complete is False
    assert gappy.to_arrow().column("points.complaint_rate").null_count == 1
    assert gappy.to_polars()["raw.complaint_rate"].null_count() == 1


def test_an_appraisal_passes_the_options_on():
    import csperf

    frame = pd.DataFrame(li_wei_table()).rename(columns={"subject": "employee_id"})
    appraisal = csperf.Appraisal(CARD)
    assert appraisal.evaluate_many(frame, subject="employee_id").subjects == ("s0", "s1", "s2")
    row = {k: v[0] for k, v in li_wei_table().items() if k != "subject"}
    with pytest.raises(MeasurementError, match="unknown name"):
        appraisal.evaluate({**row, "nps": 1}, extra="error")
    lenient = csperf.Appraisal(attrs.evolve(CARD, missing="zero"))
    assert lenient.evaluate({**row, "complaint_rate": math.nan}, nan="missing").total < 100


def test_a_named_index_of_numbers_is_no_subject():
    frame = pd.DataFrame(li_wei_table()).drop(columns="subject")
    frame.index = pd.Index([7, 8, 9], name="row")
    assert CARD.evaluate_many(frame).subjects == (None, None, None)


def test_dates_booleans_and_null_strings():
    lenient = attrs.evolve(CARD, missing="zero")
    dates = pd.date_range("2026-01-01", periods=3).to_numpy()
    with pytest.raises(MeasurementError, match="real number"):
        CARD.evaluate_many({**li_wei_table(), "complaint_rate": dates})
    with pytest.raises(MeasurementError, match="real number"):
        CARD.evaluate_many({**li_wei_table(), "complaint_rate": np.array([True, False, True])})
    nulls = pa.table({**li_wei_table(), "complaint_rate": pa.array([None] * 3, pa.string())})
    assert lenient.evaluate_many(nulls).points["complaint_rate"].tolist() == [0.0] * 3
