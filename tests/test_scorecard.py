from __future__ import annotations

import hashlib
import json
import math
import pickle
from decimal import ROUND_HALF_UP, Decimal

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Dimension,
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    MeasurementError,
    MissingPolicy,
    Piecewise,
    RatioToTarget,
    Scorecard,
    ValidationError,
    Weighting,
)
from csperf.errors import MissingMeasurementError, UnknownNameError, WeightingError
from strategies import core_scorecards, examples, raw_values

HIGHER = Direction.HIGHER_IS_BETTER
IDENTITY = Piecewise([(0, 0), (100, 100)])


def identity_card(percent: dict[str, int], precision: int = 2, **kwargs) -> Scorecard:
    """One dimension; indicators scoring their raw value as points."""
    return Scorecard(
        key="identity",
        title="Identity",
        dimensions=[Dimension("d", "D")],
        indicators=[Indicator(k, k, "d", HIGHER, IDENTITY) for k in percent],
        weighting=Weighting.from_percentages({"d": 100}, {"d": percent}),
        precision=precision,
        **kwargs,
    )


# -- the manager template, worked by hand ------------------------------------------------------


def test_manager_evaluation_worked_by_hand(manager_card, li_wei):
    r = manager_card.evaluate(li_wei, subject="Li Wei")
    points = {k: v.points for k, v in r.indicators.items()}
    # customer_satisfaction 0.92 on (0.9, 90)-(0.95, 100): 90 + 0.02 * 200 = 94
    # complaint_rate 0.004 on (0, 100)-(0.005, 90): 100 - 0.004 * 2000 = 92
    # first_response_time 45 on (30, 100)-(60, 90): 100 - 15 / 3 = 95
    # resolution_time 20000 on (14400, 90)-(28800, 80): 90 - 5600 / 1440 = 86.111...
    # product_knowledge 88 -> 88; script_compliance 0.93 on (0.9, 80)-(0.95, 90): 86
    # collaboration_rating 4.2 on (4, 80)-(4.5, 90): 84; information_sharing 0.97: 94
    assert points == pytest.approx(
        {
            "customer_satisfaction": 94,
            "complaint_rate": 92,
            "first_response_time": 95,
            "resolution_time": 90 - 5600 / 1440,
            "product_knowledge": 88,
            "script_compliance": 86,
            "collaboration_rating": 84,
            "information_sharing_rate": 94,
        }
    )
    # service quality 0.6*94 + 0.4*92 = 93.2; efficiency 0.4*95 + 0.6*86.111 = 89.667;
    # capability 87; teamwork 89. Total 0.4*93.2 + 0.3*89.667 + 0.2*87 + 0.1*89 = 90.48
    dims = r.dimensions
    assert dims["service_quality"].points == pytest.approx(93.2)
    assert dims["service_quality"].contribution == pytest.approx(37.28)
    assert dims["efficiency"].contribution == pytest.approx(26.9)
    assert dims["capability"].points == pytest.approx(87)
    assert dims["teamwork"].points == pytest.approx(89)
    assert r.total == 90.48
    assert r.grade.key == "excellent"
    assert r.indicators["customer_satisfaction"].weight == pytest.approx(0.24)
    assert r.indicators["customer_satisfaction"].contribution == pytest.approx(22.56)
    assert r.indicators["customer_satisfaction"].standard.key == "excellent"
    assert r.indicators["resolution_time"].standard.key == "good"
    assert r.subject == "Li Wei"
    assert r.fingerprint == manager_card.fingerprint
    assert sum(i.contribution for i in r.indicators.values()) == pytest.approx(r.unrounded_total)


def test_result_to_dict_is_json_ready_and_names_the_card(manager_card, li_wei):
    data = manager_card.evaluate(li_wei, subject="Li Wei").to_dict()
    text = json.dumps(data, ensure_ascii=False)
    back = json.loads(text)
    assert back["scorecard"] == "customer_service_manager"
    assert back["version"] == "1"
    assert back["fingerprint"] == manager_card.fingerprint
    assert back["total"] == 90.48
    assert back["grade"] == {"key": "excellent", "label": {"zh": "优秀", "en": "excellent"}}
    assert back["indicators"]["complaint_rate"]["standard"] == "excellent"


def test_explain_derives_the_total_line_by_line(manager_card, li_wei):
    text = manager_card.evaluate(li_wei, subject="Li Wei").explain()
    assert (
        "customer_satisfaction (Customer satisfaction): raw 0.92 [excellent] → 94.0000 points"
        in text
    )
    assert "= 90.48 → 90.48 (rounded half up to 2 decimals)" in text
    assert "37.2800 + 26.9000 + 17.4000 + 8.9000" in text
    zh = manager_card.evaluate(li_wei).explain("zh")
    assert "服务质量" in zh
    assert "优秀" in zh


# -- rounding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "total", "grade"),
    [
        (89.995, 90.00, "excellent"),  # float(89.995) is 89.99499999...: must still round up
        (89.994, 89.99, "good"),
        (89.985, 89.99, "good"),
        (79.995, 80.00, "good"),
        (59.995, 60.00, "pass"),
        (59.994, 59.99, "fail"),
        (0.005, 0.01, "fail"),
    ],
)
def test_total_rounds_half_up_on_the_decimal_value(raw, total, grade):
    card = identity_card({"x": 100})
    result = card.evaluate({"x": raw})
    assert result.total == total
    assert result.grade.key == grade
    batch = card.evaluate_many({"x": [raw]})
    assert batch.totals[0] == total
    assert batch.grades[0] == grade


def test_weighted_sum_on_a_tie_rounds_up_despite_float_noise():
    card = identity_card({"a": 10, "b": 20, "c": 70})
    # 0.1*89.95 + 0.2*90.05 + 0.7*89.995 = 8.995 + 18.01 + 62.9965 = 90.0015 -> 90.00
    assert card.evaluate({"a": 89.95, "b": 90.05, "c": 89.995}).total == 90.00
    card = identity_card({"a": 30, "b": 70})
    # 0.3*89.95 + 0.7*90 = 26.985 + 63 = 89.985 exactly -> 89.99;
    # in binary floats the sum is 89.98499999999999 and would round down to 89.98.
    assert 0.3 * 89.95 + 0.7 * 90.0 < 89.985
    assert card.evaluate({"a": 89.95, "b": 90.0}).total == 89.99
    assert card.evaluate_many({"a": [89.95, 89.91], "b": [90.0, 90.06]}).totals.tolist() == [
        89.99,
        90.02,  # 0.3*89.91 + 0.7*90.06 = 26.973 + 63.042 = 90.015 -> 90.02
    ]


def test_precision_zero_and_four():
    assert identity_card({"x": 100}, precision=0).evaluate({"x": 89.5}).total == 90
    assert identity_card({"x": 100}, precision=0).evaluate({"x": 89.49}).total == 89
    assert identity_card({"x": 100}, precision=4).evaluate({"x": 12.34565}).total == 12.3457


@settings(max_examples=examples(150))
@given(
    st.lists(st.integers(1, 100), min_size=1, max_size=5).filter(lambda w: sum(w) <= 100),
    st.data(),
)
def test_total_matches_an_independent_decimal_computation(percents, data):
    percents = [*percents, 100 - sum(percents)] if sum(percents) < 100 else percents
    keys = [f"i{n}" for n in range(len(percents))]
    card = identity_card(dict(zip(keys, percents)))
    raws = [data.draw(st.integers(0, 10000)) / 100 for _ in keys]
    expected = sum(
        (Decimal(p) / 100 * Decimal(str(r)) for p, r in zip(percents, raws)), Decimal(0)
    ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert card.evaluate(dict(zip(keys, raws))).total == float(expected)
    assert card.evaluate_many({k: [r] for k, r in zip(keys, raws)}).totals[0] == float(expected)


# -- missing data ------------------------------------------------------------------------------


def test_missing_measurement_is_an_error_by_default(manager_card, li_wei):
    del li_wei["complaint_rate"]
    with pytest.raises(MissingMeasurementError) as info:
        manager_card.evaluate(li_wei, subject="Li Wei")
    assert info.value.subject == "Li Wei"
    assert info.value.key_path == "complaint_rate"
    assert "Li Wei" in str(info.value)
    assert "complaint_rate" in str(info.value)
    assert isinstance(info.value, KeyError)
    with pytest.raises(MissingMeasurementError):
        manager_card.evaluate({**li_wei, "complaint_rate": None}, subject="Li Wei")


def test_missing_zero_scores_nothing(manager_card, li_wei):
    card = attrs.evolve(manager_card, missing=MissingPolicy.ZERO)
    del li_wei["complaint_rate"]
    r = card.evaluate(li_wei)
    # service quality 0.6*94 + 0.4*0 = 56.4; total 90.48 - 0.4*93.2 + 0.4*56.4 = 75.76
    assert r.indicators["complaint_rate"].points == 0
    assert r.indicators["complaint_rate"].missing
    assert r.indicators["complaint_rate"].raw is None
    assert r.total == 75.76
    assert r.grade.key == "pass"
    assert r.redistributed == ()


def test_missing_redistribute_within_the_dimension(manager_card, li_wei):
    card = attrs.evolve(manager_card, missing="redistribute")
    del li_wei["complaint_rate"]
    r = card.evaluate(li_wei)
    # customer satisfaction carries the whole service-quality weight: 0.4 * 94 = 37.6
    # total 90.48 - 37.28 + 37.6 = 90.80
    assert r.indicators["customer_satisfaction"].weight == pytest.approx(0.4)
    assert r.indicators["complaint_rate"].weight == 0
    assert r.total == 90.80
    assert [x.to_dict() for x in r.redistributed] == [
        {
            "source": "complaint_rate",
            "level": "indicator",
            "weight": 0.4,
            "recipients": ["customer_satisfaction"],
        }
    ]
    assert "complaint_rate missing" in r.explain()


def test_missing_redistribute_an_emptied_dimension(manager_card, li_wei):
    card = attrs.evolve(manager_card, missing=MissingPolicy.REDISTRIBUTE)
    del li_wei["collaboration_rating"], li_wei["information_sharing_rate"]
    r = card.evaluate(li_wei)
    # teamwork's 10 % is shared by the others in proportion: (37.28 + 26.9 + 17.4) / 0.9
    assert r.total == 90.64
    assert r.dimensions["teamwork"].points is None
    assert r.dimensions["teamwork"].weight == 0
    assert r.dimensions["service_quality"].weight == pytest.approx(0.4 / 0.9)
    assert [(x.source, x.level, x.recipients) for x in r.redistributed] == [
        ("teamwork", "dimension", ("service_quality", "efficiency", "capability"))
    ]
    batch = card.evaluate_many({k: [v] for k, v in li_wei.items()})
    assert batch.totals[0] == 90.64
    assert math.isnan(batch.dimension_points["teamwork"][0])
    assert math.isnan(batch.points["collaboration_rating"][0])


def test_redistribute_with_nothing_left_is_an_error(manager_card):
    card = attrs.evolve(manager_card, missing=MissingPolicy.REDISTRIBUTE)
    with pytest.raises(MissingMeasurementError, match="nothing left to score for subject 'x'"):
        card.evaluate({}, subject="x")
    with pytest.raises(MissingMeasurementError, match="nothing left"):
        card.evaluate_many({"subject": ["x"], "complaint_rate": [None]})


# -- bad measurements --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "0.9", True])
def test_bad_raw_values_are_never_scored(manager_card, li_wei, bad):
    with pytest.raises(MeasurementError) as info:
        manager_card.evaluate({**li_wei, "complaint_rate": bad}, subject="Li Wei")
    assert info.value.subject == "Li Wei"
    assert info.value.key_path == "complaint_rate"
    card = attrs.evolve(manager_card, missing=MissingPolicy.ZERO)
    columns = {k: [v, v] for k, v in li_wei.items()}
    columns["complaint_rate"] = [0.01, bad]
    columns["subject"] = ["ann", "bob"]
    with pytest.raises(MeasurementError) as info:
        card.evaluate_many(columns)
    assert info.value.subject == "bob"


def test_measurements_must_be_a_mapping(manager_card):
    with pytest.raises(MeasurementError, match="mapping"):
        manager_card.evaluate([1, 2, 3])


def test_extra_measurements_are_ignored(manager_card, li_wei):
    assert manager_card.evaluate({**li_wei, "nps": 30}).total == 90.48


def test_evaluate_reads_objects_with_a_row_method(manager_card, li_wei):
    class Table:
        def row(self, subject):
            assert subject == "Li Wei"
            return li_wei

        def to_columns(self):
            return {"subject": ["Li Wei"], **{k: [v] for k, v in li_wei.items()}}

    assert manager_card.evaluate(Table(), "Li Wei").total == 90.48
    assert manager_card.evaluate_many(Table()).totals[0] == 90.48


# -- batches -----------------------------------------------------------------------------------


def test_batch_accepts_arrays_lists_masked_and_pandas(manager_card, li_wei):
    pd = pytest.importorskip("pandas")
    card = attrs.evolve(manager_card, missing=MissingPolicy.ZERO)
    cols = {k: np.array([v, v]) for k, v in li_wei.items()}
    cols["complaint_rate"] = np.ma.masked_array([0.004, 0.004], mask=[False, True])
    batch = card.evaluate_many(cols)
    assert list(batch.totals) == [90.48, 75.76]
    frame = pd.DataFrame({k: [v, v] for k, v in li_wei.items()})
    frame["complaint_rate"] = pd.array([0.004, None], dtype="Float64")
    frame["subject"] = ["a", "b"]
    batch = card.evaluate_many(frame)
    assert list(batch.totals) == [90.48, 75.76]
    assert batch.subjects == ("a", "b")
    records = batch.to_records()
    assert records[1]["subject"] == "b"
    assert records[1]["grade"] == "pass"
    assert records[1]["points.complaint_rate"] == 0
    json.dumps(records)


def test_batch_rejects_ragged_columns_and_bad_subjects(manager_card, li_wei):
    cols = {k: [v] for k, v in li_wei.items()}
    cols["complaint_rate"] = [0.1, 0.2]
    with pytest.raises(MeasurementError, match="different lengths"):
        manager_card.evaluate_many(cols)
    cols = {k: [v] for k, v in li_wei.items()}
    cols["subject"] = [3]
    with pytest.raises(MeasurementError, match="subject"):
        manager_card.evaluate_many(cols)
    with pytest.raises(MeasurementError, match="mapping"):
        manager_card.evaluate_many([1, 2])


def test_batch_missing_error_names_the_first_subject(manager_card, li_wei):
    cols = {k: [v, v] for k, v in li_wei.items()}
    cols["resolution_time"] = [100.0, None]
    cols["subject"] = ["ann", "bob"]
    with pytest.raises(MissingMeasurementError) as info:
        manager_card.evaluate_many(cols)
    assert info.value.subject == "bob"


@settings(max_examples=examples(60))
@given(core_scorecards(), st.data())
def test_batch_equals_one_by_one(card, data):
    n = data.draw(st.integers(1, 8))
    keys = [i.key for i in card.indicators]
    rows = []
    for _ in range(n):
        row: dict[str, float | None] = {}
        for key in keys:
            missing = card.missing is not MissingPolicy.ERROR and data.draw(st.booleans())
            row[key] = None if missing else data.draw(raw_values())
        rows.append(row)
    expected = []
    for i, row in enumerate(rows):
        try:
            expected.append(card.evaluate(row, subject=f"s{i}"))
        except MissingMeasurementError:
            expected.append(None)
    columns = {key: [row[key] for row in rows] for key in keys}
    columns["subject"] = [f"s{i}" for i in range(n)]
    if any(e is None for e in expected):
        with pytest.raises(MissingMeasurementError):
            card.evaluate_many(columns)
        return
    batch = card.evaluate_many(columns)
    assert list(batch.totals) == [e.total for e in expected]
    assert list(batch.grades) == [e.grade.key for e in expected]
    for key in keys:
        for i, e in enumerate(expected):
            got = batch.points[key][i]
            if e.indicators[key].missing and card.missing is MissingPolicy.REDISTRIBUTE:
                assert math.isnan(got)
            else:
                assert got == pytest.approx(e.indicators[key].points, abs=1e-9)
            assert batch.weights[key][i] == pytest.approx(e.indicators[key].weight, abs=1e-12)


@settings(max_examples=examples(80))
@given(core_scorecards(missing=MissingPolicy.ERROR), st.data())
def test_total_is_bounded_and_the_sum_of_contributions(card, data):
    row = {i.key: data.draw(raw_values()) for i in card.indicators}
    r = card.evaluate(row)
    assert 0 <= r.total <= card.max_points
    for ind in r.indicators.values():
        assert 0 <= ind.points <= card.max_points
    contributions = math.fsum(i.contribution for i in r.indicators.values())
    assert abs(r.total - contributions) <= 0.5 * 10**-card.precision + 1e-9
    assert math.fsum(i.weight for i in r.indicators.values()) == pytest.approx(1)


@settings(max_examples=examples(80))
@given(core_scorecards(missing=MissingPolicy.ERROR), st.data())
def test_a_better_raw_value_never_lowers_the_total(card, data):
    row = {i.key: data.draw(raw_values()) for i in card.indicators}
    ind = data.draw(st.sampled_from(card.indicators))
    other = data.draw(raw_values())
    better = dict(row)
    lo, hi = sorted((row[ind.key], other))
    worse_value, better_value = (lo, hi) if ind.direction is HIGHER else (hi, lo)
    row[ind.key], better[ind.key] = worse_value, better_value
    a, b = card.evaluate(row), card.evaluate(better)
    assert a.indicators[ind.key].points <= b.indicators[ind.key].points
    assert a.unrounded_total <= b.unrounded_total + 1e-9
    assert a.total <= b.total
    rank = {band.key: i for i, band in enumerate(card.grade_scale.ordered)}
    assert rank[a.grade.key] <= rank[b.grade.key]


# -- construction ------------------------------------------------------------------------------


def test_lookups(manager_card):
    assert manager_card.indicator("complaint_rate").direction is Direction.LOWER_IS_BETTER
    assert manager_card.dimension("teamwork").text("zh") == "团队协作"
    with pytest.raises(UnknownNameError, match=r"no indicator 'nps'.*customer_satisfaction"):
        manager_card.indicator("nps")
    with pytest.raises(UnknownNameError, match="no dimension"):
        manager_card.dimension("x")


def test_fingerprint_hashes_the_canonical_content():
    card = identity_card({"x": 100})
    canonical = {
        "key": "identity",
        "title": "Identity",
        "version": "1",
        "precision": 2,
        "missing": "error",
        "max_points": 100.0,
        "grade_scale": GradeScale.default().to_dict(),
        "dimensions": [{"key": "d", "name": "D", "description": ""}],
        "indicators": [
            {
                "key": "x",
                "name": "x",
                "dimension": "d",
                "direction": "higher_is_better",
                "scoring": {"kind": "piecewise", "points": [[0.0, 0.0], [100.0, 100.0]]},
                "unit": "",
                "standards": None,
                "metric": "x",
                "description": "",
                "domain": None,
            }
        ],
        "weighting": {"dimensions": {"d": 1.0}, "indicators": {"d": {"x": 1.0}}},
    }
    assert card.to_dict() == canonical
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert card.fingerprint == hashlib.sha256(text.encode()).hexdigest()
    assert identity_card({"x": 100}).fingerprint == card.fingerprint
    assert attrs.evolve(card, version="2").fingerprint != card.fingerprint


def test_fingerprint_is_derived_not_a_constructor_field():
    card = identity_card({"x": 100})
    assert "fingerprint" not in {a.name for a in attrs.fields(Scorecard)}
    assert card.fingerprint is card.fingerprint  # computed once
    with pytest.raises(TypeError):
        Scorecard(**{**attrs.asdict(card, recurse=False), "fingerprint": "0" * 64})
    with pytest.raises(ValidationError, match=r"^Scorecard 'identity': field 'version'"):
        attrs.evolve(card, version="")
    with pytest.raises(ValidationError, match=r"^Scorecard 'identity': field 'max_points' must be"):
        attrs.evolve(card, max_points=0)
    with pytest.raises(ValidationError, match=r"^Scorecard: field 'key' must match"):
        attrs.evolve(card, key="identity\n")


def test_scorecard_is_hashable_equal_and_picklable(manager_card):
    from csperf.templates import customer_service_manager

    assert manager_card == customer_service_manager()
    assert hash(manager_card) == hash(customer_service_manager())
    copy = pickle.loads(pickle.dumps(manager_card))
    assert copy == manager_card
    assert copy.fingerprint == manager_card.fingerprint


def _card(**changes):
    base = {
        "key": "card",
        "title": "Card",
        "dimensions": [Dimension("d", "D"), Dimension("e", "E")],
        "indicators": [
            Indicator("x", "x", "d", HIGHER, IDENTITY),
            Indicator("y", "y", "e", HIGHER, IDENTITY),
        ],
        "weighting": Weighting({"d": 0.5, "e": 0.5}, {"d": {"x": 1}, "e": {"y": 1}}),
    }
    base.update(changes)
    return Scorecard(**base)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"key": "My Card"}, ValidationError, "key"),
        ({"title": ""}, ValidationError, "title"),
        ({"dimensions": []}, ValidationError, "dimensions"),
        ({"dimensions": "de"}, ValidationError, "sequence"),
        (
            {"indicators": [Indicator("x", "x", "d", HIGHER, IDENTITY)] * 2},
            ValidationError,
            "repeats the key 'x'",
        ),
        (
            {"indicators": [Indicator("x", "x", "zz", HIGHER, IDENTITY)]},
            ValidationError,
            "unknown dimension 'zz'",
        ),
        ({"weighting": Weighting({"d": 1}, {"d": {"x": 1}})}, WeightingError, "differ"),
        (
            {
                "weighting": Weighting(
                    {"d": 0.5, "e": 0.5}, {"d": {"x": 0.5, "z": 0.5}, "e": {"y": 1}}
                )
            },
            WeightingError,
            "unknown indicator 'z'",
        ),
        (
            {"weighting": Weighting({"d": 0.5, "e": 0.5}, {"d": {"y": 1}, "e": {"x": 1}})},
            WeightingError,
            "no weight in dimension",
        ),
        ({"weighting": {"d": 1}}, WeightingError, "must be a Weighting"),
        ({"precision": 11}, ValidationError, "precision"),
        ({"precision": 2.0}, ValidationError, "precision"),
        ({"missing": "ignore"}, ValidationError, "missing"),
        ({"max_points": 0}, ValidationError, "max_points"),
        ({"version": ""}, ValidationError, "version"),
        ({"max_points": 120}, ValidationError, "grade scale covers"),
        ({"grade_scale": "default"}, ValidationError, "grade_scale"),
    ],
)
def test_invalid_scorecards_raise_csperf_errors(changes, error, message):
    with pytest.raises(error, match=message):
        _card(**changes)


def test_rules_must_fit_under_max_points_and_over_achievement_opt_in():
    generous = Indicator("x", "x", "d", HIGHER, RatioToTarget(80, cap=120))
    with pytest.raises(
        ValidationError, match="can score 120 points, more than the card's max_points 100"
    ):
        _card(indicators=[generous, Indicator("y", "y", "e", HIGHER, IDENTITY)])
    scale = GradeScale(
        [
            GradeBand("excellent", "excellent", 90, 120),
            GradeBand("good", "good", 80, 90),
            GradeBand("pass", "pass", 60, 80),
            GradeBand("fail", "fail", 0, 60),
        ]
    )
    card = _card(
        indicators=[generous, Indicator("y", "y", "e", HIGHER, IDENTITY)],
        max_points=120,
        grade_scale=scale,
    )
    # x: 100 / 80 * 100 = 125 -> capped at 120; y: 100. Total 0.5*120 + 0.5*100 = 110.
    result = card.evaluate({"x": 100, "y": 100})
    assert result.total == 110
    assert result.grade.key == "excellent"


def test_explain_in_chinese_translates_the_wording(manager_card, li_wei):
    card = attrs.evolve(manager_card, missing=MissingPolicy.REDISTRIBUTE)
    del li_wei["complaint_rate"]
    text = card.evaluate(li_wei, subject="李伟").explain("zh")
    assert "考核对象 李伟" in text
    assert "指标 complaint_rate 缺失：其维度内权重 40% 按比例分配给 customer_satisfaction" in text
    assert (
        "总分 = 37.6000 + 26.9000 + 17.4000 + 8.9000 = 90.8 → 90.80（四舍五入保留 2 位小数）"
        in text
    )
    assert "等级：优秀（excellent，90–100）" in text
    assert "weight" not in text


def test_decimal_measurements_are_read_at_their_decimal_value(manager_card, li_wei):
    from decimal import Decimal

    exact = {k: Decimal(str(v)) for k, v in li_wei.items()}
    assert manager_card.evaluate(exact).total == 90.48
    assert manager_card.evaluate_many({k: [v] for k, v in exact.items()}).totals[0] == 90.48
    for bad in (Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), 10**400):
        with pytest.raises(MeasurementError, match="finite number"):
            manager_card.evaluate({**exact, "complaint_rate": bad}, subject="x")
        columns = {k: [v, v] for k, v in exact.items()}
        columns["complaint_rate"] = [Decimal("0.01"), bad]
        columns["subject"] = ["ann", "bob"]
        with pytest.raises(MeasurementError, match="finite number") as info:
            manager_card.evaluate_many(columns)
        assert info.value.subject == "bob"


def test_batch_rejects_booleans_and_text_in_arrays(manager_card, li_wei):
    for bad in (np.array([True, False]), np.array(["0.1", "0.2"])):
        columns = {k: [v, v] for k, v in li_wei.items()}
        columns["complaint_rate"] = bad
        with pytest.raises(MeasurementError, match="real number"):
            manager_card.evaluate_many(columns)
