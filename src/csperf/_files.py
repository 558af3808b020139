"""The text side of scorecard files: parse and write TOML, YAML and JSON, find lines.

Parsing is done by the format libraries (:mod:`tomllib`, PyYAML's safe loader, :mod:`json`),
writing by tomli-w, PyYAML's safe dumper and :func:`json.dumps`. What is left here is what the
libraries do not offer: refusing duplicate keys, NaN and unsafe YAML tags with the key path where
they occur, the line of a key path (exact from YAML node marks, a best-effort look-up in TOML and
JSON text), and the layout of written files (which tables get a ``[header]``, which values fit on
one line).
"""

from __future__ import annotations

import functools
import importlib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import tomli_w

from csperf.errors import KeyPath

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "KeyPath",
    "Lines",
    "Problem",
    "json_text",
    "parse",
    "plain",
    "toml_text",
    "yaml_text",
]

Lines = Callable[[KeyPath], "int | None"]
"""The line (from 1) of a key path, or of the nearest of its ancestors that has one."""

WIDTH = 100
"""Lines of written files stay within this width where the format allows."""


class Problem(Exception):
    """A problem found in a document at a key path (turned into ConfigError at the surface).

    Attributes:
        path: The key path, relative to the value being built until the problem reaches the top.
        message: What is wrong.
        value: The offending value.
        line: The line, when the parser knows it.
        cause: The model error behind the problem, if any.
    """

    def __init__(
        self,
        path: KeyPath,
        message: str,
        *,
        value: Any = None,
        line: int | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.value = value
        self.line = line
        self.cause = cause

    def under(self, *parts: str | int) -> Problem:
        """The same problem, seen from ``parts`` above."""
        self.path = (*parts, *self.path)
        return self


def import_yaml() -> Any:
    """PyYAML, or a Problem naming the extra that provides it."""
    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise Problem(
            (), "YAML needs PyYAML, which is not installed: pip install 'csperf[yaml]'"
        ) from None


# -- reading --------------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def parse(text: str, fmt: str) -> tuple[Any, Lines]:
    """Parse a document; NaN, duplicate keys and unsafe tags are Problems at their key path.

    A lone surrogate (text decoded with ``surrogateescape``, or built so in Python) is no
    character, and no file can hold it: it is a Problem at its line.
    """
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise Problem(
            (),
            f"the text holds U+{ord(bad.group()):04X}, a lone surrogate, which is no character "
            "(text decoded wrongly?)",
            line=text.count("\n", 0, bad.start()) + 1,
        )
    if fmt == "yaml":
        data, found = _parse_yaml(text)
        lines: Lines = functools.partial(_nearest, found)
    else:
        data = _parse_toml(text) if fmt == "toml" else _parse_json(text)
        lines = _TextLines(text, fmt)
    try:
        return _tidy(data, ()), lines
    except Problem as problem:
        problem.line = lines(problem.path)
        raise


_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")


MAX_DEPTH = 64
"""How deeply a document's tables and lists may nest."""

MAX_VALUES = 1_000_000
"""How many values (tables, lists and scalars, YAML aliases counted each time they are used) a
document may hold: a few kilobytes of YAML aliases can otherwise expand to billions."""

MAX_DIGITS = 4300
"""How many digits a number in a document may have (Python's own limit for integers)."""

MAX_EXPONENT = 400
"""Numbers lie within ``1e-400`` and ``1e400`` in magnitude, or are zero: beyond a float's range
(``5e-324`` to ``1.8e308``), with room for the checks that say a number is too large."""


def _too_big(exc: BaseException) -> Problem | None:
    """The Problem for a parser's error that input too large or deep causes, else None."""
    if isinstance(exc, RecursionError):
        return Problem((), f"the data nests too deeply (more than {MAX_DEPTH} levels)")
    if isinstance(exc, ValueError) and "digits" in str(exc):
        # Python refuses to read integers of more than 4,300 digits (sys.set_int_max_str_digits)
        return Problem((), f"a number has more than {MAX_DIGITS:,} digits")
    return None


def _parse_toml(text: str) -> Any:
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except (RecursionError, ValueError) as exc:
        if not isinstance(exc, tomllib.TOMLDecodeError):
            problem = _too_big(exc)
            if problem is None:
                raise
            raise problem from None
        message = str(getattr(exc, "msg", None) or exc)
        line: int | None = getattr(exc, "lineno", None)
        column: int | None = getattr(exc, "colno", None)
        found = _TOML_POSITION.search(message)  # Python < 3.14 puts the position in the text
        if found:
            message = message[: found.start()]
            if found[1]:
                line, column = int(found[1]), int(found[2])
            else:
                line = max(1, len(text.splitlines()))
        where = f" (column {column})" if column else ""
        raise Problem((), f"TOML syntax error: {message}{where}", line=line) from None


class _JsonConstant:
    """A non-standard JSON constant (NaN, Infinity), kept to be reported with its key path."""

    def __init__(self, name: str) -> None:
        self.name = name


class _JsonPairs(list[tuple[str, Any]]):
    """The members of a JSON object in order, duplicates included."""


def _parse_json(text: str) -> Any:
    try:
        return json.loads(
            text, parse_float=Decimal, parse_constant=_JsonConstant, object_pairs_hook=_JsonPairs
        )
    except json.JSONDecodeError as exc:
        raise Problem(
            (), f"JSON syntax error: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except (RecursionError, ValueError) as exc:
        problem = _too_big(exc)
        if problem is None:
            raise
        raise problem from None


def _tidy(value: Any, path: KeyPath, budget: list[int] | None = None) -> Any:
    """Refuse NaN, JSON's Infinity, duplicate JSON keys and data beyond the bounds.

    JSON objects become dicts. The bounds (:data:`MAX_DEPTH`, :data:`MAX_VALUES`,
    :data:`MAX_DIGITS`, :data:`MAX_EXPONENT`) are checked before anything is built from a
    value, so that no document takes unbounded time or memory.
    """
    if budget is None:
        budget = [MAX_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        # (named by the top-level key under which it happens: the full path is no help)
        raise Problem(
            path[:1],
            f"the data holds more than {MAX_VALUES:,} values (YAML aliases count each time "
            "they are used)",
        )
    if len(path) > MAX_DEPTH:
        raise Problem(path[:1], f"the data nests too deeply (more than {MAX_DEPTH} levels)")
    if isinstance(value, _JsonPairs):
        result: dict[str, Any] = {}
        for key, item in value:
            if key in result:
                raise Problem((*path, key), f"the key {key!r} appears twice")
            result[key] = _tidy(item, (*path, key), budget)
        return result
    if isinstance(value, _JsonConstant):
        raise Problem(
            path,
            f"{value.name} is not valid JSON: give a number, or null for an open end",
            value=value.name,
        )
    if isinstance(value, (Decimal, float)) and value != value:
        raise Problem(path, "NaN is not a number csperf accepts: give a number", value=value)
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        _check_number(value, path)
    if isinstance(value, dict):
        return {key: _tidy(item, (*path, key), budget) for key, item in value.items()}
    if isinstance(value, list):
        return [_tidy(item, (*path, i), budget) for i, item in enumerate(value)]
    return value


def _check_number(value: Decimal | int, path: KeyPath) -> None:
    """Refuse a decimal of more than :data:`MAX_DIGITS` digits or beyond :data:`MAX_EXPONENT`.

    Exact arithmetic on ``1e-99999999`` (a fraction of a hundred-million-digit integer) would
    take minutes; no weight, threshold or score needs such a number. An integer too large for
    a float is refused too (the parsers refuse those of more than 4,300 digits).
    """
    if isinstance(value, int):  # (the parsers read no integer of more than 4,300 digits)
        if abs(value) >= 2**1024:  # beyond a float: every number of a card is one somewhere
            raise Problem(
                path,
                f"the number {Decimal(value):.6e} is too large: numbers must fit a float "
                "(at most about 1.8e308)",
                value=f"{Decimal(value):.6e}",
            )
        return
    if not value.is_finite() or value.is_zero():
        return
    digits = len(value.as_tuple().digits)
    if digits > MAX_DIGITS:
        raise Problem(path, f"the number has more than {MAX_DIGITS:,} digits", value=f"{value:.6e}")
    if not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise Problem(
            path,
            f"the number {value:.6e} is out of range: numbers lie between 1e-{MAX_EXPONENT} "
            f"and 1e{MAX_EXPONENT} in magnitude, or are 0",
            value=f"{value:.6e}",
        )


def plain(value: Any) -> Any:
    """Document data as plain Python: decimals become floats, recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _yaml_decimal(loader: Any, node: Any) -> Decimal:
    """Construct a YAML float as the exact decimal written."""
    value = str(loader.construct_scalar(node)).replace("_", "").lower()
    if value in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal(value.replace(".", ""))
    if ":" in value:  # YAML 1.1 base-60 float
        return Decimal(repr(import_yaml().SafeLoader.construct_yaml_float(loader, node)))
    return Decimal(value)


@functools.cache
def _yaml_loader(yaml: Any) -> Any:
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when there is one

    class Loader(base):  # type: ignore[misc,valid-type]
        """PyYAML's safe loader, reading floats as exact decimals."""

    Loader.add_constructor("tag:yaml.org,2002:float", _yaml_decimal)
    return Loader


def _parse_yaml(text: str) -> tuple[Any, dict[KeyPath, int]]:
    yaml = import_yaml()
    loader = _yaml_loader(yaml)(text)
    lines: dict[KeyPath, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise Problem((), "the file holds no data; a scorecard file holds a mapping")
        _yaml_walk(yaml, loader, node, (), lines, (), set())
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or str(exc)
        if exc.context:
            start = exc.context_mark
            since = "" if start is None else f" that starts on line {start.line + 1}"
            detail = f"{detail} ({exc.context}{since})"
        line = None if mark is None else mark.line + 1
        raise Problem((), f"YAML error: {detail}", line=line) from None
    except yaml.YAMLError as exc:
        raise Problem((), f"YAML error: {exc}") from None
    except (RecursionError, ValueError) as exc:
        problem = _too_big(exc)
        if problem is None:
            raise
        raise problem from None
    finally:
        loader.dispose()


def _yaml_walk(
    yaml: Any,
    loader: Any,
    node: Any,
    path: KeyPath,
    lines: dict[KeyPath, int],
    above: tuple[int, ...],
    seen: set[int],
) -> None:
    """Record the line of every key path; refuse unsafe tags, duplicate and non-text keys.

    ``above`` holds the enclosing collection nodes (a recursive alias is refused); ``seen`` the
    nodes already walked (an alias is walked once, so aliases cannot blow up).
    """
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if id(node) in above:
        raise Problem(path, "a recursive alias: the data contains itself", line=line)
    if len(above) > 64:
        raise Problem(path, "the data nests too deeply", line=line)
    if node.tag not in loader.yaml_constructors:
        raise Problem(path, f"the YAML tag {node.tag} is not allowed here", line=line)
    if id(node) in seen:
        return
    seen.add(id(node))
    inner = (*above, id(node))
    if isinstance(node, yaml.ScalarNode):
        # built here, where its key path and line are known (the loader keeps the value)
        _yaml_construct(loader, node, path, line)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child: KeyPath = (*path, i)
            lines[child] = item.start_mark.line + 1
            _yaml_walk(yaml, loader, item, child, lines, inner, seen)
    elif isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                _yaml_walk(yaml, loader, value_node, path, {}, inner, seen)
                continue
            key = _yaml_construct(loader, key_node, path, line)
            if not isinstance(key, str):
                raise Problem(
                    path, f"keys must be text, got {type(key).__name__} {key!r}", line=line
                )
            if key in keys:
                raise Problem((*path, key), f"the key {key!r} appears twice", line=line)
            keys.add(key)
            child = (*path, key)
            lines[child] = line
            _yaml_walk(yaml, loader, value_node, child, lines, inner, seen)


def _yaml_construct(loader: Any, node: Any, path: KeyPath, line: int) -> Any:
    """The value of ``node``, or a Problem for a scalar its tag cannot read.

    An explicit tag such as ``!!int x`` or ``!!bool maybe``, or a date such as ``2024-13-45``,
    makes PyYAML's constructors raise whatever the conversion raises.
    """
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as exc:
        too_big = _too_big(exc)
        if too_big is not None:
            too_big.line = line
            raise too_big.under(*path) from None
        tag = node.tag.rpartition(":")[2]
        text = str(node.value)
        shown = repr(text if len(text) <= 40 else text[:40] + "…")
        raise Problem(
            path, f"cannot read {shown} as a YAML {tag}", value=text[:100], line=line
        ) from None


def _nearest(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """The line of the nearest key path at or above ``path`` (the root has no line)."""
    for n in range(len(path), 0, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


# A key as written: TOML bare, "basic" or 'literal' before "=", "." or a header's "]";
# JSON "string" before ":".
_KEYS = {
    "toml": re.compile(
        r"""(?:^|[{,.\[])\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?=[=.\]])"""
    ),
    "json": re.compile(r'"((?:[^"\\]|\\.)*)"\s*:'),
}
_AOT_HEADER = re.compile(r"\s*\[\[[^\]]*\]\]")
_OPENS_ARRAY = re.compile(r"\[\s*(#.*)?$")


def _keys_on(line: str, fmt: str) -> list[str]:
    keys = []
    for token in _KEYS[fmt].findall(line):
        if token.startswith("'"):
            keys.append(token[1:-1])
        elif token.startswith('"') or fmt == "json":
            try:
                keys.append(json.loads(token if token.startswith('"') else f'"{token}"'))
            except ValueError:
                continue
        else:
            keys.append(token)
    return keys


class _TextLines:
    """A best-effort line of a key path in TOML or JSON text, for messages.

    Walks the path down the text: a key is the next line that writes it; an index skips that
    many items of an array, counted by ``[[array.of.tables]]`` headers, by the lines at the
    indentation of the first item, or by the first key of items written on one line; in an
    array of values written one a line, the item's line is counted. A part that is not found
    leaves the line of the part above it.
    """

    def __init__(self, text: str, fmt: str) -> None:
        self.source = text.split("\n")
        self.keys = [_keys_on(line, fmt) for line in self.source]
        self.indents = [len(line) - len(line.lstrip()) for line in self.source]

    def _next(self, key: str, start: int, stop: int) -> int | None:
        return next((n for n in range(start, stop) if key in self.keys[n]), None)

    def _items(self, row: int, end: int, objects: bool) -> list[int]:
        """The lines where the items of the array that starts on ``row`` start."""
        if _AOT_HEADER.match(self.source[row]):
            header = self.source[row].strip()
            return [n for n in range(row, len(self.source)) if self.source[n].strip() == header]
        if not objects:
            return []
        inline = self.keys[row][1:]
        if inline:  # written on the key's line
            return [row] * inline.count(inline[0])
        items: list[int] = []
        indent = self.indents[row + 1] if row + 1 < end else 0
        for n in range(row + 1, end):
            if self.indents[n] < indent:  # the array's closing bracket
                break
            if self.indents[n] == indent and self.source[n].strip()[:1] not in ("", "]", "}"):
                items.append(n)
        return items

    def __call__(self, path: KeyPath) -> int | None:
        found: int | None = None
        row, end = 0, len(self.source)
        for i, part in enumerate(path):
            if isinstance(part, str):
                hit = self._next(part, row, end)
                if hit is None:
                    break
                found = row = hit
                continue
            if found is None:
                break
            objects = i + 1 < len(path) and isinstance(path[i + 1], str)
            starts = self._items(row, end, objects)
            if not starts:  # an array of values: all on the key's line, or one a line
                line = self.source[row]
                if "]" not in line.partition("[")[2]:
                    found = min(row + part + (1 if _OPENS_ARRAY.search(line) else 0), end - 1)
                break
            if part >= len(starts):
                break
            row = found = starts[part]
            later = [n for n in starts[part + 1 :] if n > row]
            end = later[0] if later else end
        return None if found is None else found + 1


# -- writing --------------------------------------------------------------------------------


def _toml_scalar(value: Any, path: KeyPath) -> str:
    if value is None:
        raise Problem(path, "TOML has no null; write the card as YAML or JSON")
    if isinstance(value, float) and math.isnan(value):
        raise Problem(path, "cannot write NaN")
    try:
        return tomli_w.dumps({"v": value})[4:-1]
    except TypeError:
        raise Problem(
            path, f"cannot write a {type(value).__name__} value ({value!r:.40})"
        ) from None


def _toml_key(key: Any, path: KeyPath) -> str:
    if not isinstance(key, str):
        raise Problem(path, f"keys must be text, got {type(key).__name__} {key!r}")
    return tomli_w.dumps({key: 0})[: -len(" = 0\n")]


def _toml_inline(value: Any, path: KeyPath) -> str:
    """A value on one line; tomli-w would spread arrays over several lines."""
    if isinstance(value, Mapping):
        items = [
            f"{_toml_key(k, (*path, k))} = {_toml_inline(v, (*path, k))}" for k, v in value.items()
        ]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v, (*path, i)) for i, v in enumerate(value)) + "]"
    return _toml_scalar(value, path)


def toml_text(doc: Mapping[str, Any], header: list[str], tables: Callable[[KeyPath], Any]) -> str:
    """TOML text: keys and values formatted by tomli-w, laid out for people.

    ``tables(path)`` names the keys of the table at ``path`` that get a ``[header]`` (or a
    ``[[header]]`` per item, for an array); every other value is written inline, an array
    longer than the line one item a line.
    """
    out = [*header, ""]

    def table(data: Mapping[str, Any], path: KeyPath, names: tuple[str, ...]) -> None:
        later = []
        for key, value in data.items():
            name = _toml_key(key, (*path, key))
            if key in tables(path) and isinstance(value, (Mapping, list)):
                later.append((key, name, value))
                continue
            line = f"{name} = {_toml_inline(value, (*path, key))}"
            if isinstance(value, list) and value and len(line) > WIDTH:
                out.append(f"{name} = [")
                out.extend(f"    {_toml_inline(v, (*path, key, i))}," for i, v in enumerate(value))
                out.append("]")
            else:
                out.append(line)
        for key, name, value in later:
            sub = (*names, name)
            if isinstance(value, Mapping):
                out.extend(["", f"[{'.'.join(sub)}]"])
                table(value, (*path, key), sub)
            for i, item in enumerate(value if isinstance(value, list) else []):
                out.extend(["", f"[[{'.'.join(sub)}]]"])
                table(item, (*path, key, i), sub)

    table(doc, (), ())
    return "\n".join(out) + "\n"


@functools.cache
def _yaml_dumper(yaml: Any) -> Any:
    class Dumper(yaml.SafeDumper):  # type: ignore[misc]
        """PyYAML's safe dumper, writing decimals as floats and never using aliases."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    def decimal(dumper: Any, value: Decimal) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:float", _decimal_literal(value))

    def text(dumper: Any, value: str) -> Any:
        # PyYAML folds NEL and the Unicode line separators of a plain or single-quoted scalar
        # into spaces when it reads them back; double quotes escape them (\N, \L, \P).
        style = '"' if any(c in value for c in "\x85\u2028\u2029") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(str, text)
    return Dumper


def yaml_text(doc: Mapping[str, Any], header: list[str]) -> str:
    """YAML text by PyYAML's safe dumper, short collections in flow style."""
    yaml = import_yaml()
    try:
        body = yaml.dump(
            doc,
            Dumper=_yaml_dumper(yaml),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=None,
            width=WIDTH,
        )
    except yaml.YAMLError as exc:
        raise Problem((), f"cannot write YAML: {exc}") from None
    return "\n".join(header) + "\n\n" + str(body)


def _decimal_literal(value: Decimal) -> str:
    """A finite decimal as a float literal YAML and JSON read back exactly: ``12.5``."""
    text = format(value, "f")
    if len(text) > 40:
        mantissa, exponent = format(value, "e").split("e")
        return f"{mantissa if '.' in mantissa else mantissa + '.0'}e{int(exponent):+d}"
    return text if "." in text else text + ".0"


def _json_inline(value: Any, path: KeyPath) -> str:
    """One line of JSON; decimals are written as the exact number (json.dumps has no Decimal)."""
    if isinstance(value, Mapping):
        items = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise Problem(path, f"keys must be text, got {type(k).__name__} {k!r}")
            items.append(f"{json.dumps(k, ensure_ascii=False)}: {_json_inline(v, (*path, k))}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_inline(v, (*path, i)) for i, v in enumerate(value)) + "]"
    if isinstance(value, Decimal):
        return _decimal_literal(value)
    if isinstance(value, float) and math.isinf(value):
        return "null"  # an open end
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise Problem(
            path, f"cannot write a {type(value).__name__} value ({value!r:.40})"
        ) from None


def json_text(doc: Any) -> str:
    """Indented JSON, with every value that fits in the line width on one line."""

    def block(value: Any, path: KeyPath, indent: int, used: int) -> str:
        inline = _json_inline(value, path)
        if indent + used + len(inline) <= WIDTH or not isinstance(value, (Mapping, list)):
            return inline
        pad = " " * (indent + 2)
        if isinstance(value, Mapping):
            items = []
            for k, v in value.items():
                key = f"{json.dumps(k, ensure_ascii=False)}: "
                items.append(f"{pad}{key}{block(v, (*path, k), indent + 2, len(key))}")
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        items = [f"{pad}{block(v, (*path, i), indent + 2, 0)}" for i, v in enumerate(value)]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"

    return block(doc, (), 0, 0) + "\n"
