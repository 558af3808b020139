"""A small evaluator of Excel formulas, for tests only.

It implements Excel's semantics for the subset of formulas csperf emits (IF, ISBLANK, ISNUMBER,
ISLOGICAL, NA, OR, MIN, MAX, ABS, ROUND, SUM, SUMPRODUCT, COUNTBLANK, LOOKUP, array constants,
arithmetic and comparisons); ``TestEvaluator`` in ``test_report_form.py`` pins it to the examples of
Microsoft's function reference. Used to check the Excel form and every scoring rule's
``excel_formula`` against csperf's own arithmetic, without a spreadsheet engine.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import openpyxl


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


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _split_ref(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"\$?([A-Z]+)\$?([0-9]+)", ref)
    assert match is not None, ref
    return column_index(match.group(1)), int(match.group(2))


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
            if isinstance(values[0], list):  # an array in SUMPRODUCT
                return [_is_number(v) for v in values[0]]
            return _is_number(values[0])
        if name == "ISLOGICAL":
            return isinstance(values[0], bool)
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


def formula_value(text: str, **cells: Any) -> Any:
    """The value of the formula ``text`` (without ``=``) on a sheet holding ``cells``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    ws["Z1"] = "=" + text
    return Sheet(ws)["Z1"]
