"""The blank appraisal form: its Excel formulas give exactly the totals and grades of csperf.

The workbook is read back with openpyxl and its formulas are evaluated by the small evaluator in
``excel_formulas.py``, which implements Excel's semantics for the subset of formulas the form
emits. Its semantics are pinned by the examples of Microsoft's function reference in
``TestEvaluator``.
"""

from __future__ import annotations

import io
import re
from fractions import Fraction
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Dimension,
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    MissingPolicy,
    Piecewise,
    RatioToTarget,
    Scorecard,
    ScoringRule,
    Steps,
    TargetTolerance,
    ValidationError,
    Weighting,
)
from csperf._labels import label
from csperf._numbers import exact
from csperf.errors import ConfigError
from csperf.report import write_form_xlsx
from csperf.report._form import (
    FORM_COLUMNS,
    FORM_FIRST_ROW,
    excel_number,
    points_formula,
    pre_round_digits,
)
from csperf.templates import customer_service_manager
from csperf.text import localize
from excel_formulas import DIV0, NA, VALUE, Sheet, column_index
from excel_formulas import formula_value as _formula
from strategies import examples
from support import CHEN_JING, LI_WEI

# -- the evaluator against Excel's documented behaviour -------------------------------------


class TestEvaluator:
    # Microsoft support, "ROUND function": =ROUND(2.15, 1) is 2.2, =ROUND(2.149, 1) is 2.1,
    # =ROUND(-1.475, 2) is -1.48, =ROUND(21.5, -1) is 20.
    @pytest.mark.parametrize(
        ("formula", "expected"),
        [
            ("ROUND(2.15,1)", 2.2),
            ("ROUND(2.149,1)", 2.1),
            ("ROUND(-1.475,2)", -1.48),
            ("ROUND(21.5,-1)", 20.0),
        ],
    )
    def test_round_matches_microsoft_examples(self, formula, expected):
        assert _formula(formula) == expected

    # Microsoft support, "LOOKUP function" (vector form): looking up 4.19 in
    # {4.14, 4.19, 5.17, 5.77, 6.39} gives the 4.19 row; 5.00 gives the largest value below it
    # (4.19); 7.66 gives the last; 0 gives #N/A.
    @pytest.mark.parametrize(
        ("x", "expected"),
        [(4.19, "orange"), (5.0, "orange"), (7.66, "blue"), (0, NA)],
    )
    def test_lookup_matches_microsoft_examples(self, x, expected):
        text = (
            f'LOOKUP({x},{{4.14,4.19,5.17,5.77,6.39}},{{"red","orange","yellow","green","blue"}})'
        )
        assert _formula(text) == expected

    def test_empty_cells(self):
        assert _formula("ISBLANK(A1)") is True
        assert _formula('A1=""') is True
        assert _formula("A1*2") == 0.0
        assert _formula("ISBLANK(A1)", A1="") is False
        assert _formula("COUNTBLANK(A1:A3)", A2=5) == 2.0

    def test_sumproduct_treats_text_as_zero_and_propagates_errors(self):
        assert _formula('SUMPRODUCT(A1:A2,--(B1:B2<>""),C1:C2)', A1=2, A2=3, B1=1, C1=4, C2="") == 8
        assert _formula("SUMPRODUCT(A1:A2,B1:B2)", A1=1, A2=1, B1="=NA()", B2=1) == NA

    def test_text_never_compares_equal_to_a_number(self):
        assert _formula('A1=""', A1=0) is False
        assert _formula("A1<0", A1="x") is False  # text sorts after numbers
        assert _formula("A1*1", A1="x") == VALUE

    def test_unary_minus_binds_tighter_than_power(self):
        assert _formula("-2^2") == 4.0

    def test_division_by_zero(self):
        assert _formula("1/A1") == DIV0


# -- the formulas, rule by rule --------------------------------------------------------------


def _rule_points(rule: ScoringRule, raw: float) -> Any:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = raw
    ws["B1"] = "=" + points_formula(rule, "A1")
    return Sheet(ws)["B1"]


RULES = {
    "piecewise": (
        Piecewise([(0.5, 0), (0.7, 60), (0.8, 80), (0.9, 90), (0.95, 100)]),
        Direction.HIGHER_IS_BETTER,
        [0, 0.5, 0.55, 0.7, 0.79, 0.8, 0.9234, 0.95, 1, 7],
    ),
    "piecewise_lower": (
        Piecewise([(-10, 100), (0, 50), (25.5, 0)]),
        Direction.LOWER_IS_BETTER,
        [-20, -10, -3.3, 0, 12.75, 25.5, 1e6],
    ),
    "steps_left": (
        Steps([(0.9, None, 100), (0.8, 0.9, 85), (0.7, 0.8, 70), (None, 0.7, 0)]),
        Direction.HIGHER_IS_BETTER,
        [-5, 0.7, 0.7999, 0.8, 0.9, 0.95, 3],
    ),
    "steps_right": (
        Steps([(0, 60, 100), (60, 120, 80), (120, 300, 60)], closed="right"),
        Direction.LOWER_IS_BETTER,
        [0, 30, 60, 60.001, 120, 299.9, 300],
    ),
    "ratio_higher": (RatioToTarget(80, cap=120), Direction.HIGHER_IS_BETTER, [0, 40, 80, 96, 500]),
    "ratio_lower": (RatioToTarget(60), Direction.LOWER_IS_BETTER, [0, 30, 60, 80, 1e9]),
    "tolerance": (
        TargetTolerance(target=1.0, tolerance=0.05, slope=400),
        Direction.TARGET_IS_BEST,
        [0.5, 0.9, 0.95, 0.97, 1.0, 1.05, 1.2, 2],
    ),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_points_formula_matches_the_rule(name):
    rule, direction, raws = RULES[name]
    rule = rule.bind(direction, obj=name)
    for raw in raws:
        got = _rule_points(rule, raw)
        # exact_points, not points(): Piecewise.points is the breakpoint tuple.
        want = float(rule.exact_points(exact(raw)))
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (name, raw)


@pytest.mark.parametrize(
    ("name", "raw"),
    [("steps_right", -1), ("steps_right", 300.5), ("ratio_higher", -1), ("ratio_lower", -0.1)],
)
def test_points_formula_gives_na_where_csperf_refuses_to_score(name, raw):
    from csperf import MeasurementError

    rule, direction, _ = RULES[name]
    rule = rule.bind(direction, obj=name)
    with pytest.raises(MeasurementError):
        rule.exact_points(exact(raw))
    assert _rule_points(rule, raw) == NA


def test_steps_with_every_end_closed_is_exhaustive():
    # A left-closed table with bounded ends refuses both outside values.
    rule = Steps([(0, 10, 1), (10, 20, 2)]).bind(Direction.HIGHER_IS_BETTER, obj="t")
    assert [_rule_points(rule, x) for x in (-0.1, 0, 10, 20, 20.1)] == [NA, 1, 2, 2, NA]


def test_a_plugin_rule_has_no_formula():
    @attrs.frozen
    class Custom(ScoringRule):
        kind = "custom"

        def exact_points(self, raw: Fraction) -> Fraction:
            return raw

        @property
        def max_points(self) -> float:
            return 100.0

        def check_direction(self, direction: Direction, *, obj: str) -> None:
            return None

        def to_dict(self) -> dict[str, Any]:
            return {"kind": self.kind}

    with pytest.raises(ValidationError, match="'custom' has no Excel formula"):
        points_formula(Custom(), "A1", obj="Indicator 'x'")


def test_excel_numbers_read_back_as_the_same_float():
    for value in (0.1, 1e-7, 123456.789, -0.005, 1e20, 2.5e-300, 60.0):
        text = excel_number(value).strip("()")
        assert float(text) == value


# -- whole forms ----------------------------------------------------------------------------


def _mixed_card(missing: MissingPolicy = MissingPolicy.ERROR, precision: int = 2) -> Scorecard:
    """A card using every rule kind and a right-closed grade scale."""
    grades = GradeScale(
        (
            GradeBand("a", {"zh": "甲", "en": "A"}, 85, 100),
            GradeBand("b", {"zh": "乙", "en": "B"}, 70, 85),
            GradeBand("c", {"zh": "丙", "en": "C"}, 0, 70),
        ),
        closed="right",
    )
    higher, lower, target = (
        Direction.HIGHER_IS_BETTER,
        Direction.LOWER_IS_BETTER,
        Direction.TARGET_IS_BEST,
    )
    indicators = (
        Indicator("csat", {"zh": "满意度", "en": "CSAT"}, "quality", higher, RULES["piecewise"][0]),
        Indicator("qa", "QA", "quality", higher, RULES["steps_left"][0]),
        Indicator("frt", "FRT", "speed", lower, RULES["steps_right"][0], unit="s"),
        Indicator("aht", "AHT", "speed", lower, RatioToTarget(60)),
        Indicator("sales", "Sales", "growth", higher, RatioToTarget(80, cap=100)),
        Indicator("adherence", "Adherence", "growth", target, RULES["tolerance"][0]),
    )
    return Scorecard(
        key="mixed",
        title={"zh": "混合考核表", "en": "Mixed card"},
        dimensions=(
            Dimension("quality", {"zh": "质量", "en": "Quality"}),
            Dimension("speed", "Speed"),
            Dimension("growth", "Growth"),
        ),
        indicators=indicators,
        weighting=Weighting.from_percentages(
            {"quality": 45, "speed": 35, "growth": 20},
            {
                "quality": {"csat": 70, "qa": 30},
                "speed": {"frt": 55, "aht": 45},
                "growth": {"sales": 40, "adherence": 60},
            },
        ),
        grade_scale=grades,
        missing=missing,
        precision=precision,
    )


class Form:
    """A form written to bytes, loaded back, and filled in."""

    def __init__(self, card: Scorecard, lang: str, tmp_path: Any) -> None:
        self.card = card
        self.lang = lang
        path = write_form_xlsx(card, tmp_path / f"form-{card.key}-{lang}.xlsx", lang=lang)
        self.wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
        self.sheet = Sheet(self.wb.active)
        self.rows = self._indicator_rows()
        self.total_ref, self.grade_ref = self._find_total()
        self._sources: dict[str, dict[str, str]] = {}

    def _indicator_rows(self) -> dict[str, int]:
        ws = self.wb.active
        names = {localize(i.name, self.lang): i.key for i in self.card.indicators}
        column = column_index(FORM_COLUMNS["indicator"])
        rows = {}
        for row in range(FORM_FIRST_ROW, FORM_FIRST_ROW + len(self.card.indicators)):
            rows[names[ws.cell(row=row, column=column).value]] = row
        assert set(rows) == {i.key for i in self.card.indicators}
        return rows

    def _find_total(self) -> tuple[str, str]:
        ws = self.wb.active
        total_label = {"en": "Total", "zh": "总分"}[self.lang]
        for row in ws.iter_rows(min_col=2, max_col=2):
            cell = row[0]
            if cell.value == total_label and cell.row > FORM_FIRST_ROW + len(self.rows):
                return f"F{cell.row}", f"F{cell.row + 1}"
        raise AssertionError("no total row")

    def source_cells(self, key: str) -> dict[str, str]:
        """A rated indicator's input cells, one per source (its mean), by source value."""
        cached = self._sources.get(key)
        if cached is not None:
            return cached
        ind = self.card.indicator(key)
        assert ind.raters is not None
        ws = self.wb.active
        name = localize(ind.name, self.lang)
        sources = [r.source.value for r in ind.raters.sources]
        words = {label(f"source.{s}", self.lang): s for s in sources}
        found: dict[str, str] = {}
        for row in range(FORM_FIRST_ROW + len(self.rows), ws.max_row + 1):
            if ws[f"B{row}"].value == name and ws[f"C{row}"].value in words:
                found[words[ws[f"C{row}"].value]] = f"F{row}"
        assert list(found) == sources
        self._sources[key] = found
        return found

    def fill(self, values: dict[str, float | None]) -> None:
        """Type each raw value; a rated indicator's into its first source's mean cell.

        The other sources stay empty, so the first carries the whole weight and the raw value
        formula gives the value back exactly (its effective weight is 1).
        """
        for ind in self.card.indicators:
            value = values.get(ind.metric)
            if ind.raters is None:
                self.sheet[f"{FORM_COLUMNS['raw_value']}{self.rows[ind.key]}"] = value
                continue
            cells = list(self.source_cells(ind.key).values())
            every = ind.raters.no_ratings.value == "error"  # no source may be left empty
            for i, ref in enumerate(cells):
                self.sheet[ref] = value if i == 0 or every else None

    def value(self, column: str, key: str) -> Any:
        return self.sheet[f"{FORM_COLUMNS[column]}{self.rows[key]}"]

    @property
    def total(self) -> Any:
        return self.sheet[self.total_ref]

    @property
    def grade(self) -> Any:
        return self.sheet[self.grade_ref]


def check_form(form: Form, values: dict[str, float | None]) -> None:
    """The filled-in form agrees with csperf on every number it shows."""
    form.fill(values)
    result = form.card.evaluate(values)
    assert form.total == result.total
    assert form.grade == localize(result.grade.label, form.lang)
    for key, item in result.indicators.items():
        points, weight = form.value("points", key), form.value("effective_weight", key)
        contribution = form.value("contribution", key)
        if item.missing and form.card.missing is not MissingPolicy.ZERO:
            assert points == ""
        else:
            assert points == pytest.approx(item.points, rel=1e-12, abs=1e-12)
        assert weight == pytest.approx(item.weight, rel=1e-12, abs=1e-15)
        if points != "" or form.card.missing is MissingPolicy.REDISTRIBUTE:
            assert contribution == pytest.approx(item.contribution, rel=1e-12, abs=1e-12)


# Raw values of several subjects. The last two, and those of _tie_subjects, have exact totals
# on a rounding tie (79.995, 79.995; 89.995, 84.995, 85.125) that csperf rounds up (80.00 is
# "good", 90.00 "excellent"); test_boundary_subjects_are_real_rounding_ties checks that they
# are, and that the last one is summed a hair below the tie by the form's float arithmetic.
MANAGER_SUBJECTS = [
    dict(LI_WEI),
    {
        "customer_satisfaction": 0.5,
        "complaint_rate": 0.05,
        "first_response_time": 900,
        "resolution_time": 200000,
        "product_knowledge": 0,
        "script_compliance": 0.5,
        "collaboration_rating": 1,
        "information_sharing_rate": 0.3,
    },
    {
        "customer_satisfaction": 1.0,
        "complaint_rate": 0.0,
        "first_response_time": 10,
        "resolution_time": 600,
        "product_knowledge": 100,
        "script_compliance": 1.0,
        "collaboration_rating": 5,
        "information_sharing_rate": 1.0,
    },
    dict(CHEN_JING),
    {
        "customer_satisfaction": 0.88,
        "complaint_rate": 0.0061,
        "first_response_time": 28,
        "resolution_time": 41012,
        "product_knowledge": 52.8525,
        "script_compliance": 0.927,
        "collaboration_rating": 3.1,
        "information_sharing_rate": 0.751,
    },
]


def _tie_subjects() -> list[dict[str, float]]:
    """Subjects whose exact totals are ties.

    product_knowledge scores its raw value with an effective weight of 10 %, so raising it by
    ``10 * d`` raises the total by exactly ``d``.
    """
    card = customer_service_manager()
    base = dict(MANAGER_SUBJECTS[0], product_knowledge=0)
    start = Fraction(repr(card.evaluate(base).unrounded_total))
    return [
        dict(base, product_knowledge=float((Fraction(target) - start) * 10))
        for target in ("89.995", "84.995", "85.125")
    ]


def test_boundary_subjects_are_real_rounding_ties(tmp_path):
    card = customer_service_manager()
    subjects = [*MANAGER_SUBJECTS[3:], *_tie_subjects()]
    for values in subjects:
        scaled = Fraction(repr(card.evaluate(values).unrounded_total)) * 1000
        assert (scaled.denominator, scaled.numerator % 10) == (1, 5), values
    # Without its first rounding, the form's float sum lands below at least one tie and rounds
    # it the wrong way: the double rounding is what makes the form agree with csperf.
    form = Form(card, "en", tmp_path)
    formula = form.sheet.ws[form.total_ref].value
    single = re.sub(r"ROUND\(ROUND\((SUM\([^)]*\)),10\),2\)", r"ROUND(\1,2)", formula)
    assert single != formula
    form.sheet[form.total_ref] = single
    misses = 0
    for values in subjects:
        form.fill(values)
        misses += form.total != card.evaluate(values).total
    assert misses >= 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_manager_form_gives_csperf_totals(tmp_path, lang):
    form = Form(customer_service_manager(), lang, tmp_path)
    for values in [*MANAGER_SUBJECTS, *_tie_subjects()]:
        check_form(form, values)


def test_manager_form_grade_boundary(tmp_path):
    # 79.995 rounds to 80.00, which is "good", not "pass".
    form = Form(customer_service_manager(), "en", tmp_path)
    form.fill(MANAGER_SUBJECTS[3])
    assert (form.total, form.grade) == (80.0, "good")


def test_manager_form_without_a_value_shows_no_total(tmp_path):
    form = Form(customer_service_manager(), "en", tmp_path)
    values = dict(MANAGER_SUBJECTS[0], complaint_rate=None)
    form.fill(values)
    assert form.total == ""
    assert form.grade == ""
    assert form.value("points", "complaint_rate") == ""


def test_text_input_is_an_error_not_points(tmp_path):
    form = Form(customer_service_manager(), "en", tmp_path)
    form.fill(dict(MANAGER_SUBJECTS[0], product_knowledge="n/a"))  # type: ignore[arg-type]
    assert form.value("points", "product_knowledge") == NA
    assert form.total == NA


MIXED = [
    {"csat": 0.93, "qa": 0.85, "frt": 60, "aht": 45, "sales": 96, "adherence": 0.97},
    {"csat": 0.4, "qa": 0.1, "frt": 300, "aht": 0, "sales": 0, "adherence": 2},
    {"csat": 0.95, "qa": 0.9, "frt": 0, "aht": 60, "sales": 80, "adherence": 1.05},
    {"csat": 0.7, "qa": 0.7999, "frt": 120, "aht": 90, "sales": 120, "adherence": 0.9},
]


@pytest.mark.parametrize("missing", list(MissingPolicy))
@pytest.mark.parametrize("precision", [0, 1, 3])
def test_mixed_form_gives_csperf_totals(tmp_path, missing, precision):
    form = Form(_mixed_card(missing, precision), "zh", tmp_path)
    for values in MIXED:
        check_form(form, values)


@pytest.mark.parametrize("missing", [MissingPolicy.ZERO, MissingPolicy.REDISTRIBUTE])
def test_mixed_form_with_missing_values(tmp_path, missing):
    form = Form(_mixed_card(missing), "en", tmp_path)
    cases = [
        dict(MIXED[0], qa=None),
        dict(MIXED[1], frt=None, aht=None),  # a whole dimension empty
        dict(MIXED[2], csat=None, sales=None),
    ]
    for values in cases:
        check_form(form, values)


@pytest.fixture(scope="module")
def mixed_forms(tmp_path_factory):
    path = tmp_path_factory.mktemp("forms")
    return {policy: Form(_mixed_card(policy), "en", path) for policy in MissingPolicy}


raw_values = {
    "csat": st.decimals(0, 1, places=3),
    "qa": st.decimals(0, 1, places=4),
    "frt": st.decimals(0, 300, places=1),
    "aht": st.decimals(0, 600, places=2),
    "sales": st.decimals(0, 200, places=2),
    "adherence": st.decimals(0, 2, places=3),
}


@settings(max_examples=examples(120))
@given(
    values=st.fixed_dictionaries({k: s.map(float) for k, s in raw_values.items()}),
    policy=st.sampled_from(list(MissingPolicy)),
    drop=st.sets(st.sampled_from(sorted(raw_values)), max_size=3),
)
def test_form_agrees_with_csperf_on_any_values(mixed_forms, values, policy, drop):
    if policy is MissingPolicy.ERROR:
        drop = set()
    form = mixed_forms[policy]
    check_form(form, {k: (None if k in drop else v) for k, v in values.items()})


def test_pre_round_digits():
    card = customer_service_manager()
    assert pre_round_digits(card) == 10  # precision 2 + 8, within 15 - 3 digits
    assert pre_round_digits(attrs.evolve(card, precision=6)) == 12
    assert pre_round_digits(attrs.evolve(card, precision=10)) == 12
    # 10**13 max points leaves 15 - 14 = 1 decimal: no room for a first rounding at precision 2.
    huge = attrs.evolve(
        card, max_points=1e13, grade_scale=GradeScale((GradeBand("any", "any", 0, 1e13),))
    )
    assert pre_round_digits(huge) is None


def test_form_layout_and_labels(tmp_path):
    card = customer_service_manager()
    path = write_form_xlsx(card, tmp_path / "form.xlsx", lang="zh")
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "客服主管绩效考核表"
    assert ws["A1"].value == "客服主管绩效考核表"
    header = [ws.cell(row=FORM_FIRST_ROW - 1, column=c).value for c in range(1, 15)]
    assert header[1:5] == ["考核维度", "维度权重", "考核指标", "指标定义"]
    assert {"实际值", "得分"} <= set(header)
    row = FORM_FIRST_ROW
    assert ws[f"D{row}"].value == "客户满意度"
    assert ws[f"J{row}"].value == pytest.approx(0.6)
    assert ws[f"K{row}"].value == pytest.approx(0.24)
    assert ws[f"H{row}"].value.startswith("优秀 [0.9, 1]")
    assert ws[f"L{row}"].value is None  # the input is blank
    assert ws[f"M{row}"].value.startswith("=IF(ISBLANK(L7)")
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert any("所有实际值均须填写" in t for t in texts)  # the missing-value rule, in Chinese


def test_form_refuses_to_overwrite_its_input(tmp_path):
    source = tmp_path / "card.toml"
    source.write_text("original")
    with pytest.raises(ConfigError, match="refusing to overwrite"):
        write_form_xlsx(customer_service_manager(), source, inputs=[source])
    assert source.read_text() == "original"


def test_form_rejects_unknown_language(tmp_path):
    with pytest.raises(ValidationError, match="lang"):
        write_form_xlsx(customer_service_manager(), tmp_path / "f.xlsx", lang="fr")
    assert not (tmp_path / "f.xlsx").exists()
