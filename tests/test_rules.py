"""Scoring rules through one public contract: built-ins and a plugin's rule alike.

Every rule describes itself in English and Chinese, round-trips through its document form and,
where it has one, gives an Excel formula that computes exactly its points (evaluated by the
test-only evaluator in ``excel_formulas.py``). A third-party rule registered as a plugin shows
up in the reports and the Excel form as a built-in does, or is refused there by name.
"""

from __future__ import annotations

import doctest
import html
import importlib
import io
import json
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import openpyxl
import pytest

import csperf
from csperf import (
    Dimension,
    Direction,
    Indicator,
    MeasurementError,
    Piecewise,
    RatioToTarget,
    Scorecard,
    ScoringRule,
    Steps,
    TargetTolerance,
    ValidationError,
    Weighting,
    loads_scorecard,
)
from csperf._keys import check_key
from csperf._numbers import exact
from csperf.report import Report, render_html, render_json, write_form_xlsx
from csperf.report._form import FORM_COLUMNS, FORM_FIRST_ROW
from excel_formulas import NA, Sheet, formula_value

HIGHER, LOWER, TARGET = (
    Direction.HIGHER_IS_BETTER,
    Direction.LOWER_IS_BETTER,
    Direction.TARGET_IS_BEST,
)

# name → (rule, the direction of its indicator, raw values to score)
BUILT_INS: dict[str, tuple[ScoringRule, Direction, list[float]]] = {
    "piecewise": (
        Piecewise([(0.5, 0), (0.7, 60), (0.8, 80), (0.9, 90), (0.95, 100)]),
        HIGHER,
        [-1, 0, 0.5, 0.55, 0.7, 0.79, 0.8, 0.9234, 0.95, 1, 7],
    ),
    "piecewise_lower": (
        Piecewise([(-10, 100), (0, 50), (25.5, 0)]),
        LOWER,
        [-20, -10, -3.3, 0, 12.75, 25.5, 1e6],
    ),
    "piecewise_target": (
        Piecewise([(0.8, 0), (1.0, 100), (1.3, 0)]),
        TARGET,
        [0.5, 0.8, 0.95, 1.0, 1.1, 1.3, 2],
    ),
    "steps_left": (
        Steps([(0.9, None, 100), (0.8, 0.9, 85), (0.7, 0.8, 70), (None, 0.7, 0)]),
        HIGHER,
        [-5, 0.7, 0.7999, 0.8, 0.9, 0.95, 3],
    ),
    "steps_bounded": (
        Steps([(0, 10, 1), (10, 20, 2)]),
        HIGHER,
        [-0.1, 0, 9.99, 10, 20, 20.1],
    ),
    "steps_right": (
        Steps([(0, 60, 100), (60, 120, 80), (120, 300, 60)], closed="right"),
        LOWER,
        [-1, 0, 30, 60, 60.001, 120, 299.9, 300, 300.5],
    ),
    "ratio_higher": (RatioToTarget(80, cap=120), HIGHER, [-1, 0, 40, 80, 96, 500]),
    "ratio_lower": (RatioToTarget(60), LOWER, [-0.1, 0, 30, 60, 80, 1e9]),
    "tolerance": (
        TargetTolerance(target=1.0, tolerance=0.05, slope=400),
        TARGET,
        [0.5, 0.9, 0.95, 0.97, 1.0, 1.05, 1.2, 2],
    ),
}


def _bound(name: str) -> ScoringRule:
    rule, direction, _ = BUILT_INS[name]
    return rule.bind(direction, obj=name)


def test_every_built_in_rule_kind_is_covered(pm):
    offered = {cls for group in pm.hook.csperf_scoring_rules() for cls in group}
    covered = {type(rule) for rule, _, _ in BUILT_INS.values()}
    assert offered == covered


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_describe_in_both_languages(name):
    rule = _bound(name)
    en, zh = rule.describe("en"), rule.describe("zh")
    assert en.strip() and zh.strip()
    assert en != zh
    assert "\n" not in en and "\n" not in zh
    assert rule.describe("fr") == en  # any other language gets the English text


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_describe_shows_the_parameters(name):
    rule = _bound(name)
    numbers = {
        "piecewise": ["0.9", "0.95"],
        "piecewise_lower": ["25.5", "-10"],
        "piecewise_target": ["1.3"],
        "steps_left": ["0.7", "85", "∞"],
        "steps_bounded": ["[10, 20]"],
        "steps_right": ["(60, 120]", "300"],
        "ratio_higher": ["120", "80"],
        "ratio_lower": ["60", "when actual is 0"],
        "tolerance": ["400", "0.05"],
    }[name]
    for text in numbers:
        assert text in rule.describe("en"), (name, text)


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_document_form_round_trips(name):
    rule, direction, _ = BUILT_INS[name]
    bound = rule.bind(direction, obj=name)
    data = json.loads(json.dumps(bound.to_dict()))
    assert data["kind"] == type(rule).kind
    again = type(rule).from_dict(data)
    assert again.bind(direction, obj=name) == bound
    assert again.to_dict() == bound.to_dict()


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_excel_formula_computes_the_exact_points(name):
    rule, _, raws = BUILT_INS[name]
    rule = _bound(name)
    formula = rule.excel_formula("A1")
    assert formula is not None
    for raw in raws:
        got = formula_value(formula, A1=raw)
        try:
            want = rule.exact_points(exact(raw))
        except MeasurementError:
            assert got == NA, (name, raw)
            continue
        assert got == pytest.approx(float(want), rel=1e-12, abs=1e-12), (name, raw)


def test_excel_formula_reads_the_cell_it_is_given():
    rule = _bound("ratio_lower")
    assert "L12" in rule.excel_formula("L12")
    assert "A1" not in rule.excel_formula("L12")


def test_an_unbound_ratio_has_no_direction_for_its_formula():
    with pytest.raises(ValidationError, match="has no direction"):
        RatioToTarget(60).excel_formula("A1")


# -- a plugin's rules ------------------------------------------------------------------------


@attrs.frozen
class Doubled(ScoringRule):
    """Throwaway plugin rule ``min(100, factor * raw)``; it keeps the base class's defaults."""

    kind: ClassVar[str] = "doubled"
    factor: float = 2.0

    @property
    def max_points(self) -> float:
        return 100.0

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        if direction is not Direction.HIGHER_IS_BETTER:
            raise ValidationError(f"{obj}: doubled suits higher-is-better only", obj=obj)

    def exact_points(self, raw: Fraction) -> Fraction:
        return min(Fraction(100), Fraction(self.factor) * raw)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "factor": self.factor}


@attrs.frozen
class Halved(Doubled):
    """Throwaway plugin rule ``raw / 2`` (capped at 100) with its own wording and formula."""

    kind: ClassVar[str] = "halved"

    def exact_points(self, raw: Fraction) -> Fraction:
        return min(Fraction(100), raw / 2)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def describe(self, lang: str) -> str:
        return {"zh": "实际值的一半"}.get(lang, "Half the raw value")

    def excel_formula(self, cell: str) -> str:
        return f"MIN(100,{cell}/2)"


class ShapesPlugin:
    @csperf.hookimpl
    def csperf_scoring_rules(self) -> list[type[ScoringRule]]:
        return [Doubled, Halved]


PLUGIN_CARD = """
key = "plugged"
title = { en = "Plugged", zh = "插件考核表" }
dimensions = [{ key = "q", name = "Quality" }]

[[indicators]]
key = "csat"
name = "CSAT"
dimension = "q"
direction = "higher_is_better"
scoring = { kind = "doubled", factor = 150 }

[[indicators]]
key = "qa"
name = "QA"
dimension = "q"
direction = "higher_is_better"
scoring = { kind = "halved" }

[weighting]
dimensions = { q = 100 }
indicators = { q = { csat = 50, qa = 50 } }
"""


@pytest.fixture
def plugged():
    pm = csperf.get_plugin_manager(entry_points=False)
    pm.register(ShapesPlugin(), name="shapes")
    return loads_scorecard(PLUGIN_CARD, "toml", plugins=pm)


def test_the_default_description_names_the_kind_and_parameters():
    assert Doubled(3).describe("en") == "Rule doubled (factor=3)"
    assert Doubled(3).describe("zh") == "计分规则 doubled（factor=3）"
    assert Doubled().excel_formula("A1") is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reports_describe_a_plugin_rule(plugged, lang):
    result = plugged.evaluate({"csat": 0.5, "qa": 90}, "li_wei")
    page = render_html(Report(plugged, [result], lang=lang))
    for ind in plugged.indicators:
        description = ind.scoring.describe(lang)
        assert html.escape(description) in page
        assert "{&quot;" not in page  # no rule shown as raw JSON
    data = json.loads(render_json(Report(plugged, [result], lang=lang)))
    assert [i["scoring"] for i in data["scorecard"]["indicators"]] == [
        {"kind": "doubled", "factor": 150.0},
        {"kind": "halved"},
    ]


def test_the_form_refuses_a_plugin_rule_without_a_formula_by_name(plugged, tmp_path):
    path = tmp_path / "form.xlsx"
    with pytest.raises(ValidationError) as info:
        write_form_xlsx(plugged, path)
    message = str(info.value)
    assert "Indicator 'csat'" in message
    assert "kind 'doubled' has no Excel formula" in message
    assert f"Doubled from {__name__!r}" in message
    assert not path.exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_computes_a_plugin_rule_with_a_formula(plugged, tmp_path, lang):
    card = attrs.evolve(
        plugged,
        indicators=(plugged.indicators[1],),
        weighting=Weighting({"q": 1.0}, {"q": {"qa": 1.0}}),
    )
    path = write_form_xlsx(card, tmp_path / "form.xlsx", lang=lang)
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    row = FORM_FIRST_ROW
    assert ws[f"{FORM_COLUMNS['scoring_rule']}{row}"].value == card.indicators[0].scoring.describe(lang)
    sheet = Sheet(ws)
    sheet[f"{FORM_COLUMNS['raw_value']}{row}"] = 91
    assert sheet[f"{FORM_COLUMNS['points']}{row}"] == card.evaluate({"qa": 91}).indicators[
        "qa"
    ].points


# -- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["csat\n", "\ncsat", "Csat", "1csat", "", "cs at", None, 3])
def test_keys_are_matched_whole(bad):
    with pytest.raises(ValidationError, match="must match"):
        check_key("Indicator", "key", bad)
    with pytest.raises(ValidationError, match=r"Dimension: field 'key' must match"):
        Dimension(bad, "Quality")


def test_a_good_key_passes():
    assert check_key("Indicator", "key", "first_response_time_2") == "first_response_time_2"


# -- the model's docstring examples ----------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "csperf.rules",
        "csperf.units",
        "csperf.indicators",
        "csperf.grading",
        "csperf.weighting",
        "csperf.dimensions",
        "csperf.text",
        "csperf._numbers",
        "csperf.report._form",
    ],
)
def test_docstring_examples(module):
    names = {name: getattr(csperf, name) for name in csperf.__all__ if name != "__version__"}
    result = doctest.testmod(
        importlib.import_module(module), extraglobs=names, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 0
    assert result.failed == 0


def test_an_indicator_with_a_plugin_rule_is_built_as_any_other():
    ind = Indicator("csat", "CSAT", "q", HIGHER, Doubled(150))
    card = Scorecard(
        "plugged",
        "Plugged",
        [Dimension("q", "Quality")],
        [ind],
        Weighting({"q": 1.0}, {"q": {"csat": 1.0}}),
    )
    assert card.evaluate({"csat": 0.5}).total == 75
