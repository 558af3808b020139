"""The scoring kernel: batch equals one by one on tie-heavy data, exact decimals, rule outputs."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Dimension,
    Direction,
    Indicator,
    MeasurementError,
    MissingPolicy,
    Piecewise,
    PluginError,
    Scorecard,
    ScoringRule,
    Weighting,
)
from csperf._kernel import Kernel
from csperf.errors import MissingMeasurementError
from strategies import core_scorecards, examples

HIGHER = Direction.HIGHER_IS_BETTER
IDENTITY = Piecewise([(0, 0), (100, 100)])


def identity_card(percent: dict[str, int], precision: int = 2, **kwargs: Any) -> Scorecard:
    return Scorecard(
        key="identity",
        title="Identity",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator(k, k, "d", HIGHER, IDENTITY) for k in percent],
        weighting=Weighting.from_percentages({"d": 100}, {"d": percent}),
        precision=precision,
        **kwargs,
    )


def one_by_one(card: Scorecard, rows: list[dict[str, Any]]) -> list[Any]:
    out = []
    for i, row in enumerate(rows):
        try:
            out.append(card.evaluate(row, subject=f"s{i}"))
        except MissingMeasurementError:
            out.append(None)
    return out


def assert_batch_equals(card: Scorecard, rows: list[dict[str, Any]]) -> None:
    expected = one_by_one(card, rows)
    keys = [i.metric for i in card.indicators]
    columns: dict[str, Any] = {k: [row.get(k) for row in rows] for k in keys}
    columns["subject"] = [f"s{i}" for i in range(len(rows))]
    if any(e is None for e in expected):
        with pytest.raises(MissingMeasurementError):
            card.evaluate_many(columns)
        return
    for table in (columns, _arrays(columns)):
        batch = card.evaluate_many(table)
        assert list(batch.totals) == [e.total for e in expected]
        assert list(batch.unrounded_totals) == pytest.approx(
            [e.unrounded_total for e in expected], rel=1e-12, abs=1e-12
        )
        assert list(batch.grades) == [e.grade.key for e in expected]


def _arrays(columns: dict[str, Any]) -> dict[str, Any]:
    """The same table as float64 arrays (masked where a value is missing)."""
    out: dict[str, Any] = {"subject": columns["subject"]}
    for key, values in columns.items():
        if key == "subject":
            continue
        if any(v is None for v in values):
            data = [0.0 if v is None else float(v) for v in values]
            out[key] = np.ma.masked_array(data, mask=[v is None for v in values])
        else:
            out[key] = np.array([float(v) for v in values])
    return out


# -- batch equals one by one, on tie-heavy data ---------------------------------------------


def tie_heavy_values() -> st.SearchStrategy[float]:
    """Values on coarse grids (halves, tenths, hundredths), where totals land on ties."""
    return st.one_of(
        st.integers(0, 200).map(lambda i: i / 2),
        st.integers(0, 1000).map(lambda i: i / 10),
        st.integers(0, 10_000).map(lambda i: i / 100),
    )


@settings(max_examples=examples(60))
@given(core_scorecards(), st.data())
def test_batch_equals_one_by_one_on_tie_heavy_data(card, data):
    n = data.draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        row: dict[str, float | None] = {}
        for ind in card.indicators:
            gone = card.missing is not MissingPolicy.ERROR and data.draw(st.booleans())
            row[ind.metric] = None if gone else data.draw(tie_heavy_values())
        rows.append(row)
    assert_batch_equals(card, rows)


@settings(max_examples=examples(40))
@given(
    st.lists(st.integers(0, 10_000), min_size=2, max_size=3),
    st.lists(st.lists(st.integers(0, 10_000), min_size=3, max_size=3), min_size=1, max_size=20),
    st.integers(0, 3),
)
def test_identity_cards_tie_about_half_the_time_and_still_agree(percent, rows, precision):
    keys = [f"x{i}" for i in range(len(percent))]
    if sum(percent) == 0:
        percent[0] = 1
    total = sum(percent)
    shares = [p * 100 / total for p in percent]
    shares[0] += 100 - sum(shares)
    card = Scorecard(
        key="identity",
        title="Identity",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator(k, k, "d", HIGHER, IDENTITY) for k in keys],
        weighting=Weighting({"d": 1}, {"d": dict(zip(keys, [s / 100 for s in shares]))}),
        precision=precision,
    )
    assert_batch_equals(card, [{k: v / 100 for k, v in zip(keys, row)} for row in rows])


RATES = ("customer_satisfaction", "complaint_rate", "script_compliance", "information_sharing_rate")


@settings(max_examples=examples(30))
@given(st.integers(0, 2**32 - 1))
def test_manager_template_on_rounded_data(seed):
    """Rates to 3 decimals, whole seconds, scores to 1 decimal: about 1 % of totals are ties."""
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    rng = np.random.default_rng(seed)
    n = 400
    table = {
        "customer_satisfaction": np.round(rng.uniform(0.6, 1.0, n), 3),
        "complaint_rate": np.round(rng.uniform(0, 0.03, n), 3),
        "first_response_time": np.round(rng.lognormal(4, 0.6, n)),
        "resolution_time": np.round(rng.lognormal(10, 0.5, n)),
        "product_knowledge": np.round(rng.uniform(50, 100, n), 1),
        "script_compliance": np.round(rng.uniform(0.7, 1.0, n), 3),
        "collaboration_rating": np.round(rng.uniform(2.5, 5, n), 1),
        "information_sharing_rate": np.round(rng.uniform(0.7, 1.0, n), 3),
    }
    batch = card.evaluate_many(table)
    for row in range(n):
        one = card.evaluate({k: float(v[row]) for k, v in table.items()})
        assert (batch.totals[row], batch.grades[row]) == (one.total, one.grade.key)
        assert batch.unrounded_totals[row] == pytest.approx(one.unrounded_total, rel=1e-12)


def test_a_tie_rounds_up_in_batch_where_floats_would_round_down():
    # 0.6 × 80.005 + 0.4 × 90 = 84.003 exactly; pick values whose float sum falls below a tie
    card = identity_card({"a": 50, "b": 50})
    rows = [{"a": 0.1 + i / 100, "b": 0.2} for i in range(200)]
    assert_batch_equals(card, rows)
    assert card.evaluate_many({"a": [80.01], "b": [80.0]}).totals[0] == 80.01  # 80.005 → up


# -- one kernel -----------------------------------------------------------------------------


def test_weights_are_computed_once_per_missing_pattern(manager_card, li_wei):
    card = attrs.evolve(manager_card, missing=MissingPolicy.REDISTRIBUTE)
    kernel: Kernel = card._kernel
    calls = []
    original = kernel._pattern

    def counting(present, subject):
        calls.append(present)
        return original(present, subject)

    kernel._pattern = counting  # type: ignore[method-assign]
    n = 1000
    columns: dict[str, Any] = {k: [v] * n for k, v in li_wei.items()}
    columns["complaint_rate"] = [None if i % 2 else 0.004 for i in range(n)]
    columns["resolution_time"] = [None if i % 3 == 0 else 7200 for i in range(n)]
    batch = card.evaluate_many(columns)
    assert len(calls) == 3  # the full pattern was built with the kernel; three others here
    one = card.evaluate({k: columns[k][1] for k in li_wei})
    assert len(calls) == 3  # evaluate shares the cache
    assert batch.totals[1] == one.total
    assert (
        batch.weights["customer_satisfaction"][1] == one.indicators["customer_satisfaction"].weight
    )


def test_fast_path_reads_float64_arrays_in_place_and_broadcasts_weights(manager_card, li_wei):
    columns = {k: np.full(5, v) for k, v in li_wei.items()}
    batch = manager_card.evaluate_many(columns)
    weight = batch.weights["customer_satisfaction"]
    assert weight.strides == (0,) and not weight.flags.writeable
    assert list(weight) == [0.24] * 5
    for values in columns.values():  # untouched
        assert values.flags.writeable


# -- exact decimals ---------------------------------------------------------------------------


def test_decimal_inputs_keep_their_digits():
    card = identity_card({"x": 100})
    below = Decimal("89.9949999999999999999")
    assert card.evaluate({"x": below}).total == 89.99
    assert card.evaluate({"x": below}).grade.key == "good"
    assert card.evaluate({"x": 89.995}).total == 90.0
    batch = card.evaluate_many({"x": [below, Decimal("89.995"), 89.995]})
    assert list(batch.totals) == [89.99, 90.0, 90.0]
    assert list(batch.grades) == ["good", "excellent", "excellent"]


@settings(max_examples=examples(60))
@given(
    st.decimals(min_value=0, max_value=100, places=25, allow_nan=False, allow_infinity=False),
    st.integers(0, 4),
)
def test_decimal_inputs_round_as_their_exact_value(value, precision):
    card = identity_card({"x": 100}, precision=precision)
    scale = Fraction(10) ** precision
    exact = Fraction(value) * scale
    expected = math.floor(exact + Fraction(1, 2)) / scale
    assert card.evaluate({"x": value}).total == float(expected)
    assert card.evaluate_many({"x": [value]}).totals[0] == float(expected)


# -- huge breakpoints -----------------------------------------------------------------------


def test_breakpoints_far_apart_do_not_overflow():
    card = Scorecard(
        key="wide",
        title="Wide",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator("x", "x", "d", HIGHER, Piecewise([(-1e308, 0), (1e308, 100)]))],
        weighting=Weighting({"d": 1}, {"d": {"x": 1}}),
    )
    assert card.evaluate({"x": 0}).total == 50
    assert card.evaluate_many({"x": np.array([0.0])}).totals[0] == 50


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e308, max_value=1e308)


@settings(max_examples=examples(80))
@given(st.lists(finite, min_size=2, max_size=4, unique=True), st.data())
def test_evaluate_and_evaluate_many_agree_for_any_finite_breakpoints(xs, data):
    xs = sorted(xs)
    points = sorted(data.draw(st.lists(st.integers(0, 100), min_size=len(xs), max_size=len(xs))))
    rule = Piecewise(list(zip(xs, map(float, points))))
    card = Scorecard(
        key="any",
        title="Any",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator("x", "x", "d", HIGHER, rule)],
        weighting=Weighting({"d": 1}, {"d": {"x": 1}}),
    )
    values = data.draw(st.lists(finite | st.sampled_from(xs), min_size=1, max_size=5))
    expected = [card.evaluate({"x": v}) for v in values]
    batch = card.evaluate_many({"x": np.array(values)})
    assert list(batch.totals) == [e.total for e in expected]
    assert list(batch.grades) == [e.grade.key for e in expected]


# -- rule output ----------------------------------------------------------------------------


@attrs.frozen
class Fixed(ScoringRule):
    """A throwaway plugin rule that gives whatever it is told to."""

    kind: ClassVar[str] = "fixed"
    value: Any = 50.0

    @property
    def max_points(self) -> float:
        return 100.0

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        pass

    def exact_points(self, raw: Fraction) -> Any:
        return self.value

    def points_array(self, raw: Any) -> Any:
        return np.array([self.value] * len(raw))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": repr(self.value)}


def fixed_card(value: Any) -> Scorecard:
    return Scorecard(
        key="fixed",
        title="Fixed",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator("x", "x", "d", HIGHER, Fixed(value))],
        weighting=Weighting({"d": 1}, {"d": {"x": 1}}),
    )


@pytest.mark.parametrize("bad", [-50, -0.001, 100.5, "90", float("nan"), float("inf"), None, True])
def test_rule_output_outside_zero_to_max_points_is_a_plugin_error(bad):
    card = fixed_card(bad)
    for score in (
        lambda: card.evaluate({"x": 1.0}, subject="ann"),
        lambda: card.evaluate_many({"x": [1.0], "subject": ["ann"]}),
        lambda: card.evaluate_many({"x": np.array([1.0]), "subject": ["ann"]}),
    ):
        with pytest.raises(PluginError) as info:
            score()
        error = info.value
        assert error.plugin == __name__
        assert "Indicator 'x'" in str(error) and "'fixed'" in str(error)
        assert error.subject == "ann"


@settings(max_examples=examples(40))
@given(st.one_of(st.floats(), st.integers(-1000, 1000), st.text(max_size=3), st.fractions()))
def test_rule_output_is_accepted_exactly_when_a_real_number_in_range(value):
    card = fixed_card(value)
    ok = (
        not isinstance(value, (str, bool))
        and not (isinstance(value, float) and math.isnan(value))
        and 0 <= value <= 100
    )
    if ok:
        assert card.evaluate({"x": 1.0}).total == card.evaluate_many({"x": [1.0]}).totals[0]
    else:
        with pytest.raises(PluginError):
            card.evaluate({"x": 1.0})
        with pytest.raises(PluginError):
            card.evaluate_many({"x": np.array([1.0])})


def test_rule_output_of_the_wrong_shape_is_a_plugin_error():
    @attrs.frozen
    class Short(Fixed):
        kind: ClassVar[str] = "short"

        def points_array(self, raw: Any) -> Any:
            return np.array([50.0])

    card = Scorecard(
        key="short",
        title="Short",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator("x", "x", "d", HIGHER, Short())],
        weighting=Weighting({"d": 1}, {"d": {"x": 1}}),
    )
    with pytest.raises(PluginError, match="short"):
        card.evaluate_many({"x": np.array([1.0, 2.0])})


def test_a_batch_larger_than_one_chunk_equals_one_by_one(manager_card):
    from csperf import _kernel

    rng = np.random.default_rng(7)
    n = 2 * _kernel._CHUNK + 123
    table: dict[str, Any] = {
        "customer_satisfaction": np.round(rng.uniform(0.6, 1.0, n), 3),
        "complaint_rate": np.round(rng.uniform(0, 0.03, n), 3),
        "first_response_time": np.round(rng.lognormal(4, 0.6, n)),
        "resolution_time": np.round(rng.lognormal(10, 0.5, n)),
        "product_knowledge": np.round(rng.uniform(50, 100, n), 1),
        "script_compliance": np.round(rng.uniform(0.7, 1.0, n), 3),
        "collaboration_rating": np.round(rng.uniform(2.5, 5, n), 1),
        "information_sharing_rate": np.round(rng.uniform(0.7, 1.0, n), 3),
    }
    gone = rng.random(n) < 0.2
    table["complaint_rate"] = np.ma.masked_array(table["complaint_rate"], mask=gone)
    table["subject"] = [f"s{i}" for i in range(n)]
    card = attrs.evolve(manager_card, missing=MissingPolicy.REDISTRIBUTE)
    batch = card.evaluate_many(table)
    scaled = batch.unrounded_totals * 100
    ties = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    assert len(ties) > 100
    rows = sorted({*ties.tolist()[::5], *range(0, n, 997), n - 1})
    for row in rows:
        values = {
            k: None if np.ma.is_masked(v[row]) else float(v[row])
            for k, v in table.items()
            if k != "subject"
        }
        one = card.evaluate(values, subject=table["subject"][row])
        assert (batch.totals[row], batch.grades[row]) == (one.total, one.grade.key), row
        weight = one.indicators["customer_satisfaction"].weight
        assert batch.weights["customer_satisfaction"][row] == pytest.approx(weight)
    bad = dict(table)
    bad["resolution_time"] = table["resolution_time"].copy()
    bad["resolution_time"][n - 5] = -1.0
    with pytest.raises(MeasurementError) as info:
        card.evaluate_many(bad)
    assert info.value.subject == f"s{n - 5}"


def test_a_value_a_rule_cannot_score_names_the_subject_in_batch():
    from csperf import Steps

    card = Scorecard(
        key="s",
        title="S",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator("x", "x", "d", HIGHER, Steps([(0, 10, 50), (10, 20, 100)]))],
        weighting=Weighting({"d": 1}, {"d": {"x": 1}}),
    )
    for column in ([5.0, 25.0], np.array([5.0, 25.0])):
        with pytest.raises(MeasurementError, match="outside every step") as info:
            card.evaluate_many({"x": column, "subject": ["a", "b"]})
        assert info.value.subject == "b"
