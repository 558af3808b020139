"""The blank appraisal form: its Excel formulas give exactly the totals and grades of csperf.

The workbook is read back with openpyxl and its formulas are evaluated by the small evaluator
below, which implements Excel's semantics for the subset of formulas the form emits (IF,
ISBLANK, ISNUMBER, NA, OR, MIN, MAX, ABS, ROUND, SUM, SUMPRODUCT, COUNTBLANK, LOOKUP, array
constants, arithmetic and comparisons). Its semantics are pinned by the examples of Microsoft's
function reference in ``TestEvaluator``.
"""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal
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
from csperf._numbers import exact
from csperf.errors import ConfigError
from csperf.report import points_formula, pre_round_digits, write_form_xlsx
from csperf.report._form import FORM_COLUMNS, FORM_FIRST_ROW, excel_number
from csperf.templates import customer_service_manager
from csperf.text import localize
from strategies import examples
from support import CHEN_JING, LI_WEI

# -- a small evaluator of Excel formulas ----------------------------------------------------


@attrs.frozen
class XlError:
    code: str


NA = XlError("#N/A")
VALUE = XlError("#VALUE!")
DIV0 = XlError("#DIV/0!")

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
  | (?P<ref>\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)(?![A-Z0-9(])
  | (?P<func>[A-Z][A-Z0-9.]*)\(
  | (?P<bool>TRUE|FALSE)(?![A-Z0-9(])
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[Ee][+-]?[0-9]+)?)
  | (?P<op><=|>=|<>|[-+*/^&=<>(),{};])
    )""",
    re.VERBOSE,
)


def tokenize(formula: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(formula):
        match = _TOKEN.match(formula, pos)
        if match is None or match.end() == pos:
            if formula[pos:].strip() == "":
                break
            raise AssertionError(f"cannot tokenize {formula[pos:]!r} in {formula!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _split_ref(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Z]+)\$?([0-9]+)", ref)
    assert match is not None, ref
    return _column_index(match.group(1)), int(match.group(2))


class Parser:
    """Recursive descent over Excel's precedence: comparison < & < +- < */ < ^ < unary."""

    def __init__(self, formula: str) -> None:
        self.tokens = tokenize(formula)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        assert token is not None, "unexpected end of formula"
        if value is not None:
            assert token == ("op", value), f"expected {value!r}, got {token!r}"
        self.i += 1
        return token

    def parse(self) -> Any:
        tree = self.comparison()
        assert self.peek() is None, f"trailing tokens {self.tokens[self.i :]}"
        return tree

    def binary(self, ops: tuple[str, ...], lower: Any) -> Any:
        left = lower()
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in ops:
            self.take()
            left = ("bin", token[1], left, lower())
        return left

    def comparison(self) -> Any:
        return self.binary(("=", "<>", "<", ">", "<=", ">="), self.concat)

    def concat(self) -> Any:
        return self.binary(("&",), self.additive)

    def additive(self) -> Any:
        return self.binary(("+", "-"), self.multiplicative)

    def multiplicative(self) -> Any:
        return self.binary(("*", "/"), self.power)

    def power(self) -> Any:
        return self.binary(("^",), self.unary)

    def unary(self) -> Any:
        token = self.peek()
        if token in (("op", "-"), ("op", "+")):
            self.take()
            return ("neg" if token[1] == "-" else "pos", self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return ("lit", float(text))
        if kind == "string":
            return ("lit", text[1:-1].replace('""', '"'))
        if kind == "bool":
            return ("lit", text == "TRUE")
        if kind == "ref":
            return ("ref", text)
        if kind == "func":
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.comparison())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.comparison())
            self.take(")")
            return ("call", text, args)
        if (kind, text) == ("op", "("):
            inner = self.comparison()
            self.take(")")
            return inner
        if (kind, text) == ("op", "{"):
            items = [self.array_item()]
            while self.peek() == ("op", ","):
                self.take()
                items.append(self.array_item())
            self.take("}")
            return ("lit", items)
        raise AssertionError(f"unexpected token {text!r}")

    def array_item(self) -> Any:
        sign = 1.0
        if self.peek() == ("op", "-"):
            self.take()
            sign = -1.0
        kind, text = self.take()
        if kind == "number":
            return sign * float(text)
        assert (kind, sign) == ("string", 1.0), (kind, text)
        return text[1:-1].replace('""', '"')


def _is_number(v: Any) -> bool:
    return isinstance(v, float) and not isinstance(v, bool)


def to_number(v: Any) -> float | XlError:
    """Excel's coercion of a scalar for arithmetic."""
    if isinstance(v, XlError):
        return v
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v)
    except ValueError:
        return VALUE


def _rank(v: Any) -> int:
    # Excel orders numbers < text < logical values.
    return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0


def compare(op: str, a: Any, b: Any) -> bool | XlError:
    for v in (a, b):
        if isinstance(v, XlError):
            return v
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    if _rank(a) != _rank(b):
        key_a, key_b = _rank(a), _rank(b)
    elif isinstance(a, str):
        key_a, key_b = a.casefold(), b.casefold()
    else:
        key_a, key_b = a, b
    return {
        "=": key_a == key_b,
        "<>": key_a != key_b,
        "<": key_a < key_b,
        ">": key_a > key_b,
        "<=": key_a <= key_b,
        ">=": key_a >= key_b,
    }[op]


def arith(op: str, a: Any, b: Any) -> Any:
    x, y = to_number(a), to_number(b)
    if isinstance(x, XlError):
        return x
    if isinstance(y, XlError):
        return y
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return DIV0 if y == 0 else x / y
    if op == "^":
        return x**y
    raise AssertionError(op)


def excel_round(x: float, digits: int) -> float:
    """ROUND: half away from zero on the decimal value (Microsoft: ROUND(-1.475, 2) is -1.48)."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(x)).quantize(quantum, rounding=ROUND_HALF_UP))


class Sheet:
    """A worksheet whose formulas can be evaluated; set inputs with ``sheet[ref] = value``."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.cache: dict[tuple[int, int], Any] = {}
        self.trees: dict[str, Any] = {}

    def __setitem__(self, ref: str, value: Any) -> None:
        self.ws[ref].value = value
        self.cache.clear()

    def __getitem__(self, ref: str) -> Any:
        return self.cell(*_split_ref(ref))

    def cell(self, column: int, row: int) -> Any:
        key = (column, row)
        if key not in self.cache:
            value = self.ws.cell(row=row, column=column).value
            if isinstance(value, str) and value.startswith("="):
                tree = self.trees.get(value)
                if tree is None:
                    tree = self.trees[value] = Parser(value[1:]).parse()
                value = self.scalar(self.eval(tree))
            elif isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            self.cache[key] = value
        return self.cache[key]

    def scalar(self, v: Any) -> Any:
        if isinstance(v, list):
            assert len(v) == 1, "an array where a single value is needed"
            return v[0]
        return v

    def range(self, ref: str) -> list[Any]:
        start, end = ref.split(":")
        (c0, r0), (c1, r1) = _split_ref(start), _split_ref(end)
        assert c0 == c1 or r0 == r1, "only one-dimensional ranges are emitted"
        return [self.cell(c, r) for c in range(c0, c1 + 1) for r in range(r0, r1 + 1)]

    def eval(self, node: Any) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "ref":
            return self.range(node[1]) if ":" in node[1] else self[node[1]]
        if kind in ("neg", "pos"):
            value = self.eval(node[1])
            sign = -1.0 if kind == "neg" else 1.0
            if isinstance(value, list):
                return [arith("*", sign, v) for v in value]
            return arith("*", sign, value)
        if kind == "bin":
            _, op, left, right = node
            a, b = self.eval(left), self.eval(right)
            fn = compare if op in ("=", "<>", "<", ">", "<=", ">=") else arith
            if isinstance(a, list) or isinstance(b, list):
                n = len(a) if isinstance(a, list) else len(b)
                av = a if isinstance(a, list) else [a] * n
                bv = b if isinstance(b, list) else [b] * n
                assert len(av) == len(bv)
                return [fn(op, x, y) for x, y in zip(av, bv)]
            return fn(op, a, b)
        if kind == "call":
            return self.call(node[1], node[2])
        raise AssertionError(node)

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "IF":
            cond = self.scalar(self.eval(args[0]))
            if isinstance(cond, XlError):
                return cond
            if isinstance(cond, str):
                return VALUE
            chosen = args[1] if cond else (args[2] if len(args) > 2 else ("lit", False))
            return self.eval(chosen)
        if name == "NA":
            return NA
        values = [self.eval(a) for a in args]
        if name == "ISBLANK":
            return values[0] is None
        if name == "ISNUMBER":
            return _is_number(values[0])
        if name in ("SUM", "SUMPRODUCT", "COUNTBLANK"):
            return self.aggregate(name, values)
        flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
        errors = [v for v in flat if isinstance(v, XlError)]
        if name in ("OR", "AND", "MIN", "MAX", "ABS", "ROUND") and errors:
            return errors[0]
        if name == "OR":
            return any(bool(to_number(v)) for v in flat)
        if name == "AND":
            return all(bool(to_number(v)) for v in flat)
        if name in ("MIN", "MAX"):
            numbers = [to_number(v) for v in flat]
            bad = [v for v in numbers if isinstance(v, XlError)]
            if bad:
                return bad[0]
            return (min if name == "MIN" else max)(numbers)
        if name == "ABS":
            x = to_number(flat[0])
            return x if isinstance(x, XlError) else abs(x)
        if name == "ROUND":
            x, digits = to_number(values[0]), to_number(values[1])
            if isinstance(x, XlError):
                return x
            assert isinstance(digits, float)
            return excel_round(x, int(digits))
        if name == "LOOKUP":
            x = self.scalar(values[0])
            if isinstance(x, XlError):
                return x
            vector, result = values[1], values[2]
            found = None
            for i, item in enumerate(vector):
                if compare("<=", item, x) is True:
                    found = i
                else:
                    break
            return NA if found is None else result[found]
        raise AssertionError(f"function {name} is not in the form's subset")

    def aggregate(self, name: str, values: list[Any]) -> Any:
        if name == "COUNTBLANK":
            return float(sum(1 for v in values[0] if v is None or v == ""))
        if name == "SUM":
            total = 0.0
            for value in values:
                items = value if isinstance(value, list) else [value]
                for v in items:
                    if isinstance(v, XlError):
                        return v
                    if _is_number(v):
                        total += v
            return total
        arrays = [v if isinstance(v, list) else [v] for v in values]
        assert len({len(a) for a in arrays}) == 1, "SUMPRODUCT arrays differ in size"
        total = 0.0
        for items in zip(*arrays):
            product = 1.0
            for v in items:
                if isinstance(v, XlError):
                    return v
                product *= v if _is_number(v) else 0.0
            total += product
        return total


def sheet_from(ws: Any) -> Sheet:
    return Sheet(ws)


# -- the evaluator against Excel's documented behaviour -------------------------------------


def _formula(text: str, **cells: Any) -> Any:
    wb = openpyxl.Workbook()
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    ws["Z1"] = "=" + text
    return Sheet(ws)["Z1"]


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

    def _indicator_rows(self) -> dict[str, int]:
        ws = self.wb.active
        names = {localize(i.name, self.lang): i.key for i in self.card.indicators}
        column = _column_index(FORM_COLUMNS["indicator"])
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

    def fill(self, values: dict[str, float | None]) -> None:
        for ind in self.card.indicators:
            self.sheet[f"{FORM_COLUMNS['raw_value']}{self.rows[ind.key]}"] = values.get(
                ind.measurement
            )

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
