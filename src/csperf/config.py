"""Scorecard files: read and write a :class:`~csperf.Scorecard` as TOML, YAML or JSON.

A scorecard file mirrors :meth:`Scorecard.to_dict() <csperf.Scorecard.to_dict>`, with two
differences meant for people: weights are written in percent (each level sums to 100), and keys
that hold their default may be left out. Scoring rules, weight strategies and templates are named
by their plugin names, so a rule a plugin offers can be used in a file. The full schema is in the
reference (:doc:`/reference/config`).

Reading is strict. An unknown key, a value of the wrong type (never coerced: ``"0.5"`` is not a
number), a missing key, and every :class:`~csperf.errors.ValidationError` raised while the
objects are built is raised as :class:`~csperf.errors.ConfigError` naming the file, the key path
(``indicators[3].scoring.points[1]``, indices counted from 0) and the line::

    card.toml:27: indicators[3].scoring.points[1]: ...

Numbers are read as exact decimals, so a weight of ``33.3`` percent is 0.333 exactly, and a card
written and read back is equal to the original, with the same fingerprint. Files are written
atomically: a failed write leaves the target as it was. YAML is read with PyYAML's safe loader
only (the optional extra ``csperf[yaml]``).
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import functools
import importlib
import inspect
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import tomli_w

from csperf._io import atomic_write_text
from csperf._numbers import exact
from csperf.dimensions import Dimension
from csperf.errors import (
    ConfigError,
    CsperfError,
    PluginError,
    UnknownNameError,
    ValidationError,
    WeightingError,
)
from csperf.grading import GradeBand, GradeScale
from csperf.hooks.manager import get_plugin_manager
from csperf.indicators import Indicator
from csperf.rules import ScoringRule, Steps
from csperf.scorecard import Scorecard
from csperf.text import plain_text
from csperf.weighting import Weighting

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = [
    "FORMATS",
    "dump_scorecard",
    "dumps_scorecard",
    "load_document",
    "load_scorecard",
    "loads_scorecard",
]

FORMATS: tuple[str, ...] = ("toml", "yaml", "json")
"""The file formats, by the names the ``format`` arguments take (``"yml"`` means ``"yaml"``)."""

_SUFFIXES = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_WIDTH = 100
"""Lines of written files stay within this width where the format allows."""
_PERCENT_TOLERANCE = Fraction(1, 10**7)
"""How far a level of percentages may sum from 100 (1e-9 of 100, as for :class:`Weighting`)."""

KeyPath = tuple[str | int, ...]

# -- key paths and errors -------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _format_path(path: KeyPath) -> str:
    """``("indicators", 3, "scoring")`` → ``indicators[3].scoring``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _BARE.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


_FIELD_PART = re.compile(
    r"""(?P<dot>\.)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|\[(?P<index>\d+)\]"""
    r"""|\[(?P<quoted>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]"""
)
_LEVEL = re.compile(r"""dimension (?P<quoted>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _field_path(field: Any) -> KeyPath:
    """The key path a model error's ``field`` names (``points[1][0]`` → ``points, 1, 0``).

    Fields that are not key paths give the empty path.
    """
    if not isinstance(field, str) or not field:
        return ()
    parts: list[str | int] = []
    pos = 0
    level = _LEVEL.match(field)
    if level:  # Weighting names a level "dimension 'efficiency'"
        parts = ["indicators", _unquote(level["quoted"])]
        pos = level.end()
    while pos < len(field):
        match = _FIELD_PART.match(field, pos)
        if (
            match is None
            or (match["dot"] and not parts)
            or (match["name"] and parts and not match["dot"])
        ):
            return ()
        if match["name"]:
            parts.append(match["name"])
        elif match["index"]:
            parts.append(int(match["index"]))
        else:
            parts.append(_unquote(match["quoted"]))
        pos = match.end()
    return tuple(parts)


class _Problem(Exception):
    """A problem found in a file, at a key path (converted to ConfigError at the surface)."""

    def __init__(
        self, path: KeyPath, message: str, *, value: Any = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.value = value
        self.line = line


def _config_error(
    source: str,
    path: str | None,
    key_path: KeyPath,
    line: int | None,
    message: str,
    value: Any = None,
) -> ConfigError:
    where = source if line is None else f"{source}:{line}"
    keys = _format_path(key_path) or None
    text = f"{where}: {keys}: {message}" if keys else f"{where}: {message}"
    return ConfigError(
        text,
        obj=f"scorecard file {source}",
        field=keys,
        value=value,
        path=path,
        key_path=keys,
        line=line,
    )


# -- formats --------------------------------------------------------------------------------


def _format_name(format: str) -> str:
    name = format.lower() if isinstance(format, str) else format
    name = "yaml" if name == "yml" else name
    if name not in FORMATS:
        raise ConfigError(
            f"unknown scorecard file format {format!r}; use one of {', '.join(FORMATS)}",
            obj="scorecard file",
            field="format",
            value=format,
            path=None,
            key_path=None,
            line=None,
        )
    return str(name)


def _format_of(path: str | os.PathLike[str], format: str | None) -> str:
    if format is not None:
        return _format_name(format)
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ConfigError(
            f"{os.fspath(path)}: cannot tell the format from the suffix {suffix or '(none)'!r}; "
            "name the file .toml, .yaml, .yml or .json, or pass format=",
            obj="scorecard file",
            field="format",
            value=suffix,
            path=os.fspath(path),
            key_path=None,
            line=None,
        )
    return _SUFFIXES[suffix]


def _import_yaml() -> Any:
    """PyYAML, or a _Problem naming the extra that provides it."""
    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise _Problem(
            (), "YAML needs PyYAML, which is not installed: pip install 'csperf[yaml]'"
        ) from None


# -- reading --------------------------------------------------------------------------------


class _LineIndex:
    """Line numbers (from 1) of positions in a text."""

    def __init__(self, text: str) -> None:
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def __call__(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1


_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_SCALAR = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}[^\s,\]}#]*|[^\s,\]}#]+")


class _TomlLines:
    """A scanner over TOML source that finds the line of every key path.

    :mod:`tomllib` gives no positions, so this walks the (already validated) source: table
    headers ``[a.b]`` and ``[[a.b]]`` (counting the elements of arrays of tables), dotted and
    quoted keys, strings of every kind, arrays and inline tables over several lines.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = _LineIndex(text)
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        with contextlib.suppress(Exception):  # a scanner failure only costs line numbers
            while True:
                self._blank(newlines=True)
                if self.pos >= len(self.text):
                    break
                if self.text[self.pos] == "[":
                    table = self._header()
                else:
                    self._keyval(table)
        return self.lines

    def _blank(self, *, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break

    def _expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise ValueError(f"expected {token!r} at {self.pos}")
        self.pos += len(token)

    def _header(self) -> KeyPath:
        line = self.line(self.pos)
        many = self.text.startswith("[[", self.pos)
        self.pos += 2 if many else 1
        keys = self._key()
        self._blank(newlines=False)
        self._expect("]]" if many else "]")
        path: KeyPath = ()
        for i, key in enumerate(keys):
            path = (*path, key)
            self.lines.setdefault(path, line)
            if many and i == len(keys) - 1:
                count = self.arrays.get(path, 0)
                self.arrays[path] = count + 1
                path = (*path, count)
            elif path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        self.lines[path] = line
        return path

    def _key(self) -> list[str]:
        parts: list[str] = []
        text = self.text
        while True:
            self._blank(newlines=False)
            if text[self.pos] == '"':
                end = self._basic_end(self.pos)
                parts.append(tomllib.loads(f"k = {text[self.pos : end]}")["k"])
                self.pos = end
            elif text[self.pos] == "'":
                end = text.index("'", self.pos + 1)
                parts.append(text[self.pos + 1 : end])
                self.pos = end + 1
            else:
                match = _TOML_BARE_KEY.match(text, self.pos)
                if match is None:
                    raise ValueError(f"no key at {self.pos}")
                parts.append(match.group())
                self.pos = match.end()
            self._blank(newlines=False)
            if self.pos < len(text) and text[self.pos] == ".":
                self.pos += 1
                continue
            return parts

    def _keyval(self, table: KeyPath) -> None:
        line = self.line(self.pos)
        path = table
        for key in self._key():
            path = (*path, key)
            self.lines.setdefault(path, line)
        self.lines[path] = line
        self._blank(newlines=False)
        self._expect("=")
        self._blank(newlines=False)
        self._value(path)

    def _value(self, path: KeyPath) -> None:
        text = self.text
        char = text[self.pos]
        if char in "\"'":
            self.pos = self._string_end(self.pos)
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self._blank(newlines=True)
                if text[self.pos] == "]":
                    self.pos += 1
                    return
                item = (*path, index)
                self.lines[item] = self.line(self.pos)
                self._value(item)
                self._blank(newlines=True)
                if text[self.pos] == ",":
                    self.pos += 1
                    index += 1
                elif text[self.pos] != "]":
                    raise ValueError(f"bad array at {self.pos}")
        elif char == "{":
            self.pos += 1
            while True:
                self._blank(newlines=True)
                if text[self.pos] == "}":
                    self.pos += 1
                    return
                self._keyval(path)
                self._blank(newlines=True)
                if text[self.pos] == ",":
                    self.pos += 1
                elif text[self.pos] != "}":
                    raise ValueError(f"bad inline table at {self.pos}")
        else:
            match = _TOML_SCALAR.match(text, self.pos)
            if match is None:
                raise ValueError(f"no value at {self.pos}")
            self.pos = match.end()

    def _basic_end(self, start: int) -> int:
        pos = start + 1
        while self.text[pos] != '"':
            pos += 2 if self.text[pos] == "\\" else 1
        return pos + 1

    def _string_end(self, start: int) -> int:
        text = self.text
        quote = text[start]
        if text.startswith(quote * 3, start):
            pos = start + 3
            while True:
                if quote == '"' and text[pos] == "\\":
                    pos += 2
                elif text.startswith(quote * 3, pos):
                    run = 3
                    while run < 5 and pos + run < len(text) and text[pos + run] == quote:
                        run += 1
                    return pos + run
                else:
                    pos += 1
        if quote == '"':
            return self._basic_end(start)
        return text.index("'", start + 1) + 1


def _read_toml(text: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        message = str(getattr(exc, "msg", None) or exc)
        line: int | None = getattr(exc, "lineno", None)
        column: int | None = getattr(exc, "colno", None)
        found = _TOML_POSITION.search(message)
        if found:
            message = message[: found.start()]
            if found[1]:
                line, column = int(found[1]), int(found[2])
            else:
                line = max(1, len(text.splitlines()))
        where = f" (column {column})" if column else ""
        raise _Problem((), f"TOML syntax error: {message}{where}", line=line) from None
    return data, _TomlLines(text).scan()


def _yaml_decimal(loader: Any, node: Any) -> Decimal:
    """Construct a YAML float as the exact decimal written."""
    value = str(loader.construct_scalar(node)).replace("_", "").lower()
    if value in (".inf", "+.inf"):
        return Decimal("Infinity")
    if value == "-.inf":
        return Decimal("-Infinity")
    if value == ".nan":
        return Decimal("NaN")
    if ":" in value:  # YAML 1.1 base-60 float
        yaml = _import_yaml()
        return Decimal(repr(yaml.SafeLoader.construct_yaml_float(loader, node)))
    return Decimal(value)


@functools.cache
def _yaml_loader(yaml: Any) -> Any:
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when there is one

    class Loader(base):  # type: ignore[misc,valid-type]
        """PyYAML's safe loader, reading floats as exact decimals."""

    Loader.add_constructor("tag:yaml.org,2002:float", _yaml_decimal)
    return Loader


_YAML_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _yaml_value(
    yaml: Any, loader: Any, node: Any, path: KeyPath, lines: dict[KeyPath, int], above: set[int]
) -> Any:
    """Build the data of a composed node, recording the line of every key path below it.

    ``above`` holds the ids of the enclosing collection nodes, to catch a recursive alias.
    """
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if id(node) in above:
        raise _Problem(path, "a recursive alias: the data contains itself", line=line)
    if len(above) > 64:
        raise _Problem(path, "the data nests too deeply", line=line)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (
        _YAML_COLLECTIONS
    ):
        raise _Problem(path, f"the YAML tag {node.tag} is not allowed here", line=line)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _Problem(
                    path,
                    f"keys must be text, got {type(key).__name__} {key!r}",
                    line=key_node.start_mark.line + 1,
                )
            if key in seen:
                raise _Problem(
                    (*path, key),
                    f"the key {key!r} appears twice",
                    line=key_node.start_mark.line + 1,
                )
            seen.add(key)
        loader.flatten_mapping(node)  # merge keys ("<<"); the mapping's own keys win
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _Problem(
                    path,
                    f"keys must be text, got {type(key).__name__} {key!r}",
                    line=key_node.start_mark.line + 1,
                )
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            result[key] = _yaml_value(yaml, loader, value_node, child, lines, {*above, id(node)})
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = (*path, i)
            lines[child] = item.start_mark.line + 1
            items.append(_yaml_value(yaml, loader, item, child, lines, {*above, id(node)}))
        return items
    return loader.construct_object(node, deep=True)


def _read_yaml(text: str) -> tuple[Any, dict[KeyPath, int]]:
    yaml = _import_yaml()
    loader = _yaml_loader(yaml)(text)
    lines: dict[KeyPath, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise _Problem((), "the file holds no data; a scorecard file holds a mapping")
        data = _yaml_value(yaml, loader, node, (), lines, set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or str(exc)
        if exc.context:
            start = exc.context_mark
            since = "" if start is None else f" that starts on line {start.line + 1}"
            detail = f"{detail} ({exc.context}{since})"
        raise _Problem(
            (), f"YAML error: {detail}", line=None if mark is None else mark.line + 1
        ) from None
    except yaml.YAMLError as exc:
        raise _Problem((), f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return data, lines


class _JsonConstant:
    """A non-standard JSON constant (NaN, Infinity), kept to be reported with its key path."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


class _JsonPairs(list[tuple[str, Any]]):
    """The members of a JSON object in order, duplicates included."""


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def _json_lines(text: str) -> dict[KeyPath, int]:
    """The line of every key path of a (valid) JSON text."""
    line = _LineIndex(text)
    tokens = [(m.group(), m.start()) for m in _JSON_TOKEN.finditer(text)]
    lines: dict[KeyPath, int] = {}
    pos = 0

    def value(path: KeyPath) -> None:
        nonlocal pos
        token, start = tokens[pos]
        lines.setdefault(path, line(start))
        pos += 1
        if token not in "{[" or not token:
            return
        close = "}" if token == "{" else "]"
        if tokens[pos][0] == close:
            pos += 1
            return
        index = 0
        while True:
            if token == "{":
                key, start = tokens[pos]
                child: KeyPath = (*path, json.loads(key))
                lines[child] = line(start)
                pos += 2  # the key and ":"
            else:
                child = (*path, index)
                lines[child] = line(tokens[pos][1])
            value(child)
            sep = tokens[pos][0]
            pos += 1
            if sep == close:
                return
            index += 1

    with contextlib.suppress(Exception):  # a scanner failure only costs line numbers
        value(())
    return lines


def _json_tidy(value: Any, path: KeyPath) -> Any:
    if isinstance(value, _JsonPairs):
        result: dict[str, Any] = {}
        for key, item in value:
            if key in result:
                raise _Problem((*path, key), f"the key {key!r} appears twice")
            result[key] = _json_tidy(item, (*path, key))
        return result
    if isinstance(value, list):
        return [_json_tidy(item, (*path, i)) for i, item in enumerate(value)]
    return value


def _read_json(text: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        raw = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_JsonConstant,
            object_pairs_hook=_JsonPairs,
        )
    except json.JSONDecodeError as exc:
        raise _Problem(
            (), f"JSON syntax error: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    lines = _json_lines(text)
    try:
        return _json_tidy(raw, ()), lines
    except _Problem as problem:
        problem.line = lines.get(problem.path)
        raise


_READERS: dict[str, Callable[[str], tuple[Any, dict[KeyPath, int]]]] = {
    "toml": _read_toml,
    "yaml": _read_yaml,
    "json": _read_json,
}

# -- building the card ----------------------------------------------------------------------

_NAMES = {
    "toml": ("a table", "an array"),
    "yaml": ("a mapping", "a sequence"),
    "json": ("an object", "an array"),
}


def _plain(value: Any) -> Any:
    """File data as plain Python: decimals become floats, recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _available(exc: UnknownNameError) -> str:
    return ", ".join(getattr(exc, "available", None) or ()) or "(none)"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_TOP_REQUIRED = ("key", "title", "dimensions", "indicators", "weighting")
_TOP_OPTIONAL = ("template", "version", "precision", "missing", "max_points", "grade_scale")


class _Builder:
    """Checks file data key by key and builds the scorecard from it."""

    def __init__(self, fmt: str, pm: PluginManager | None) -> None:
        self.fmt = fmt
        self._pm = pm
        self.template: str | None = None
        self.inherited: set[str] = set()

    @property
    def pm(self) -> PluginManager:
        if self._pm is None:
            self._pm = get_plugin_manager()
        return self._pm

    # -- types --------------------------------------------------------------------------

    def describe(self, value: Any) -> str:
        table, array = _NAMES[self.fmt]
        if value is None:
            return "null"
        if isinstance(value, bool):
            return f"a boolean ({'true' if value else 'false'})"
        if isinstance(value, int):
            return f"an integer ({value})"
        if isinstance(value, (float, Decimal)):
            return f"a number ({value})"
        if isinstance(value, str):
            return f"a string ({_short(value)})"
        if isinstance(value, dict):
            return table
        if isinstance(value, list):
            return array
        return f"a {type(value).__name__} ({_short(value)})"

    def wrong(self, path: KeyPath, expected: str, value: Any) -> _Problem:
        return _Problem(path, f"expected {expected}, got {self.describe(value)}", value=value)

    def keys(self, table: dict[str, Any], path: KeyPath, known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise _Problem(
                    (*path, key),
                    f"unknown key {key!r}{hint} (known keys: {', '.join(known)})",
                    value=key,
                )

    def require(self, table: dict[str, Any], path: KeyPath, required: tuple[str, ...]) -> None:
        for key in required:
            if key not in table:
                raise _Problem((*path, key), "required key is missing")

    def table(
        self,
        value: Any,
        path: KeyPath,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] | None = (),
    ) -> dict[str, Any]:
        """Check a table; ``optional=None`` allows any other key."""
        if not isinstance(value, dict):
            raise self.wrong(path, _NAMES[self.fmt][0], value)
        if optional is not None:
            self.keys(value, path, (*required, *optional))
        self.require(value, path, required)
        return value

    def array(self, value: Any, path: KeyPath) -> list[Any]:
        if not isinstance(value, list):
            raise self.wrong(path, _NAMES[self.fmt][1], value)
        return value

    def string(self, value: Any, path: KeyPath) -> str:
        if not isinstance(value, str):
            raise self.wrong(path, "a string", value)
        return value

    def integer(self, value: Any, path: KeyPath) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.wrong(path, "an integer", value)
        return value

    def number(self, value: Any, path: KeyPath, *, finite: bool = True) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.wrong(path, "a number", value)
        try:
            result = float(value)
        except OverflowError:
            raise _Problem(path, f"the number {value} is too large", value=value) from None
        if finite and math.isinf(result):
            raise _Problem(path, f"expected a finite number, got {value}", value=value)
        return result

    def text(self, value: Any, path: KeyPath) -> Any:
        """A display name: a string, or a table of language code to string."""
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            for lang, item in value.items():
                self.string(item, (*path, lang))
            return value
        raise self.wrong(path, "a string or a table of language → text", value)

    def bound(self, value: Any, path: KeyPath, open_end: float) -> float:
        """A bound that may be open: ±inf, or null in YAML and JSON."""
        if value is None and self.fmt != "toml":
            return open_end
        return self.number(value, path, finite=False)

    def reject_nan(self, value: Any, path: KeyPath) -> None:
        if isinstance(value, _JsonConstant):
            raise _Problem(
                path,
                f"{value.name} is not valid JSON: give a number, or null for an open end",
                value=value.name,
            )
        if (isinstance(value, Decimal) and value.is_nan()) or (
            isinstance(value, float) and math.isnan(value)
        ):
            raise _Problem(path, "NaN is not a number csperf accepts: give a number", value=value)
        if isinstance(value, dict):
            for key, item in value.items():
                self.reject_nan(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.reject_nan(item, (*path, i))

    @contextlib.contextmanager
    def at(self, path: KeyPath) -> Iterator[None]:
        """Re-raise a ValidationError at ``path`` plus the key path of its field.

        A :class:`ConfigError` without a file (as weight strategies raise for their parameters)
        is placed by its ``key_path``, relative to ``path``; one that names a file already is
        re-raised as it is.
        """
        try:
            yield
        except ValidationError as exc:
            message = exc.message
            field = exc.field
            if isinstance(exc, ConfigError):
                if getattr(exc, "path", None) is not None:
                    raise
                field = getattr(exc, "key_path", None) or field
                # "ahp: dimensions.x: message" → "ahp: message": the key path is shown once.
                if isinstance(field, str) and f": {field}: " in message:
                    head, _, tail = message.partition(f": {field}: ")
                    message = f"{head}: {tail}"
            raise _Problem((*path, *_field_path(field)), message, value=exc.value) from exc

    # -- the card -------------------------------------------------------------------------

    def build(self, data: Any) -> Scorecard:
        if not isinstance(data, dict):
            raise _Problem(
                (),
                f"a scorecard file holds {_NAMES[self.fmt][0]} at the top, "
                f"got {self.describe(data)}",
            )
        self.reject_nan(data, ())
        self.keys(data, (), (*_TOP_REQUIRED, *_TOP_OPTIONAL))
        merged = dict(data)
        if "template" in data:
            name = self.string(data["template"], ("template",))
            self.template = name
            try:
                template_card = self.pm.template(name).build()
                base = _document(template_card, None)
            except UnknownNameError as exc:
                raise _Problem(
                    ("template",),
                    f"unknown template {name!r}; available: {_available(exc)}",
                    value=name,
                ) from None
            self.inherited = {key for key in base if key not in data}
            merged = {**base, **{k: v for k, v in data.items() if k != "template"}}
        self.require(merged, (), _TOP_REQUIRED)

        fields: dict[str, Any] = {
            "key": self.string(merged["key"], ("key",)),
            "title": self.text(merged["title"], ("title",)),
        }
        if "version" in merged:
            fields["version"] = self.string(merged["version"], ("version",))
        if "precision" in merged:
            fields["precision"] = self.integer(merged["precision"], ("precision",))
        if "missing" in merged:
            fields["missing"] = self.string(merged["missing"], ("missing",))
        if "max_points" in merged:
            fields["max_points"] = self.number(merged["max_points"], ("max_points",))
        if "grade_scale" in merged:
            fields["grade_scale"] = self.scale(merged["grade_scale"], ("grade_scale",))
        dimensions = [
            self.dimension(item, ("dimensions", i))
            for i, item in enumerate(self.array(merged["dimensions"], ("dimensions",)))
        ]
        indicators = [
            self.indicator(item, ("indicators", i))
            for i, item in enumerate(self.array(merged["indicators"], ("indicators",)))
        ]
        weighting = self.table(merged["weighting"], ("weighting",), optional=None)
        card = self.provisional(dimensions, indicators, fields)
        if "strategy" in weighting:
            if "template" in data:
                # A strategy on a template starts from the template's weights where they fit
                # (a level the strategy does not set keeps them); otherwise from equal weights.
                with contextlib.suppress(WeightingError):
                    card = attrs.evolve(card, weighting=template_card.weighting)
            final = self.strategy(weighting, ("weighting",), card)
        else:
            final = self.percentages(weighting, ("weighting",), card)
        with self.at(()):
            return attrs.evolve(card, weighting=final)

    def provisional(
        self, dimensions: list[Dimension], indicators: list[Indicator], fields: dict[str, Any]
    ) -> Scorecard:
        """The card with equal weights: checks all but the weights, and feeds strategies."""
        sections: tuple[tuple[str, list[Any]], ...] = (
            ("dimensions", dimensions),
            ("indicators", indicators),
        )
        for section, items in sections:
            if not items:
                raise _Problem((section,), f"{section} must not be empty", value=[])
            seen: set[str] = set()
            for i, item in enumerate(items):
                if item.key in seen:
                    raise _Problem(
                        (section, i, "key"),
                        f"{section}[{i}] repeats the key {item.key!r}",
                        value=item.key,
                    )
                seen.add(item.key)
        dims = [d.key for d in dimensions]
        for i, ind in enumerate(indicators):
            if ind.dimension not in dims:
                raise _Problem(
                    ("indicators", i, "dimension"),
                    f"indicator {ind.key!r} belongs to unknown dimension {ind.dimension!r} "
                    f"(dimensions: {', '.join(dims)})",
                    value=ind.dimension,
                )
        groups: dict[str, dict[str, None]] = {key: {} for key in dims}
        for ind in indicators:
            groups[ind.dimension][ind.key] = None
        for i, dim in enumerate(dimensions):
            if not groups[dim.key]:
                raise _Problem(
                    ("dimensions", i),
                    f"dimension {dim.key!r} has no indicators",
                    value=dim.key,
                )
        equal = Weighting(
            {key: 1 / len(groups) for key in groups},
            {key: {k: 1 / len(keys) for k in keys} for key, keys in groups.items()},
        )
        with self.at(()):
            return Scorecard(
                dimensions=dimensions, indicators=indicators, weighting=equal, **fields
            )

    def scale(self, value: Any, path: KeyPath) -> GradeScale:
        table = self.table(value, path, required=("bands",), optional=("closed",))
        closed = self.string(table.get("closed", "left"), (*path, "closed"))
        bands = [
            self.band(item, (*path, "bands", i))
            for i, item in enumerate(self.array(table["bands"], (*path, "bands")))
        ]
        try:
            return GradeScale(bands, closed=closed)  # type: ignore[arg-type]
        except ValidationError as exc:
            keys = [b.key for b in bands]
            where = (*path, *_field_path(exc.field))
            if exc.field == "bands" and isinstance(exc.value, tuple) and exc.value[0] in keys:
                # Overlap or gap: the band whose upper bound does not meet the next band.
                where = (*path, "bands", keys.index(exc.value[0]), "upper")
            elif exc.field == "bands" and isinstance(exc.value, str) and keys.count(exc.value) > 1:
                second = [i for i, k in enumerate(keys) if k == exc.value][1]
                where = (*path, "bands", second, "key")
            raise _Problem(where, exc.message, value=exc.value) from exc

    def band(self, value: Any, path: KeyPath) -> GradeBand:
        table = self.table(value, path, required=("key", "label", "lower", "upper"))
        key = self.string(table["key"], (*path, "key"))
        label = self.text(table["label"], (*path, "label"))
        lower = self.bound(table["lower"], (*path, "lower"), -math.inf)
        upper = self.bound(table["upper"], (*path, "upper"), math.inf)
        with self.at(path):
            return GradeBand(key, label, lower, upper)

    def dimension(self, value: Any, path: KeyPath) -> Dimension:
        table = self.table(value, path, required=("key", "name"), optional=("description",))
        key = self.string(table["key"], (*path, "key"))
        name = self.text(table["name"], (*path, "name"))
        description = self.text(table.get("description", ""), (*path, "description"))
        with self.at(path):
            return Dimension(key, name, description)

    def indicator(self, value: Any, path: KeyPath) -> Indicator:
        table = self.table(
            value,
            path,
            required=("key", "name", "dimension", "direction", "scoring"),
            optional=("unit", "metric", "description", "standards"),
        )
        key = self.string(table["key"], (*path, "key"))
        name = self.text(table["name"], (*path, "name"))
        dimension = self.string(table["dimension"], (*path, "dimension"))
        direction = self.string(table["direction"], (*path, "direction"))
        unit = self.string(table.get("unit", ""), (*path, "unit"))
        metric = table.get("metric")
        if metric is not None:
            metric = self.string(metric, (*path, "metric"))
        description = self.text(table.get("description", ""), (*path, "description"))
        standards = table.get("standards")
        if standards is not None:
            standards = self.scale(standards, (*path, "standards"))
        rule = self.rule(table["scoring"], (*path, "scoring"))
        with self.at(path):
            return Indicator(
                key,
                name,
                dimension,
                direction,
                rule,
                unit=unit,
                standards=standards,
                metric=metric,
                description=description,
            )

    def rule(self, value: Any, path: KeyPath) -> ScoringRule:
        table = self.table(value, path, required=("kind",), optional=None)
        kind = self.string(table["kind"], (*path, "kind"))
        try:
            cls = self.pm.scoring_rule(kind)
        except UnknownNameError as exc:
            raise _Problem(
                (*path, "kind"),
                f"unknown scoring rule {kind!r}; available: {_available(exc)}",
                value=kind,
            ) from None
        if attrs.has(cls):
            for field in attrs.fields(cls):
                name = field.alias or field.name
                if field.init and field.default is attrs.NOTHING and name not in table:
                    raise _Problem(
                        (*path, name), f"required key is missing (scoring rule {kind!r})"
                    )
        try:
            rule = cls.from_dict(_plain(table))
        except ConfigError:
            raise
        except ValidationError as exc:
            sub = () if exc.field == "kind" else _field_path(exc.field)
            raise _Problem((*path, *sub), exc.message, value=exc.value) from exc
        except CsperfError:
            raise
        except (TypeError, ValueError, KeyError) as exc:
            raise _Problem(
                path, f"scoring rule {kind!r}: {type(exc).__name__}: {exc}", value=kind
            ) from exc
        if not isinstance(rule, ScoringRule):
            raise PluginError(
                f"scoring rule {kind!r}: from_dict returned {type(rule).__name__}, "
                "not a ScoringRule",
                obj="scoring rule",
                field="from_dict",
                value=kind,
                plugin=kind,
                hook="csperf_scoring_rules",
            )
        return rule

    # -- weights --------------------------------------------------------------------------

    def weight(self, value: Any, path: KeyPath) -> Fraction:
        """A weight in percent, exactly as written."""
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.wrong(path, "a number (a weight in percent)", value)
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise _Problem(path, f"expected a finite weight, got {value}", value=value)
            result = Fraction(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise _Problem(path, f"expected a finite weight, got {value}", value=value)
            result = exact(value)
        else:
            result = Fraction(value)
        if result < 0:
            raise _Problem(path, f"a weight must not be negative, got {value}", value=value)
        return result

    def level(self, value: Any, path: KeyPath, expected: list[str], what: str) -> dict[str, float]:
        """One level of percentages: exactly the keys ``expected``, summing to 100.

        ``what`` names the keys in messages ("dimension", "indicator of dimension 'speed'").
        """
        table = self.table(value, path, optional=None)
        found: dict[str, Fraction] = {}
        for key, item in table.items():
            if key not in expected:
                raise _Problem(
                    (*path, key),
                    f"{key!r} is not {'an' if what[0] in 'aeiou' else 'a'} {what} "
                    f"(expected: {', '.join(expected)})",
                    value=key,
                )
            found[key] = self.weight(item, (*path, key))
        missing = [key for key in expected if key not in found]
        if missing:
            raise _Problem(
                path, f"no weight for the {what} {', '.join(map(repr, missing))}", value=missing
            )
        total = sum(found.values(), Fraction(0))
        if abs(total - 100) > _PERCENT_TOLERANCE:
            entries = ", ".join(f"{k}={float(v):g}" for k, v in found.items())
            raise _Problem(
                path,
                f"weights sum to {float(total):.10g} %, expected 100 % ({entries})",
                value=float(total),
            )
        return {key: float(weight / 100) for key, weight in found.items()}

    def percentages(self, table: dict[str, Any], path: KeyPath, card: Scorecard) -> Weighting:
        self.table(table, path, required=("dimensions", "indicators"))
        dims = [d.key for d in card.dimensions]
        members = {key: [i.key for i in card.indicators if i.dimension == key] for key in dims}
        dimensions = self.level(table["dimensions"], (*path, "dimensions"), dims, "dimension")
        inner = self.table(table["indicators"], (*path, "indicators"), optional=None)
        for key in inner:
            if key not in members:
                raise _Problem(
                    (*path, "indicators", key),
                    f"unknown dimension {key!r} (dimensions: {', '.join(dims)})",
                    value=key,
                )
        indicators: dict[str, dict[str, float]] = {}
        for key in dims:
            if key not in inner:
                raise _Problem(
                    (*path, "indicators"),
                    f"no weights for the indicators of dimension {key!r}",
                    value=key,
                )
            where = (*path, "indicators", key)
            for ind in self.table(inner[key], where, optional=None):
                owner = next((i.dimension for i in card.indicators if i.key == ind), None)
                if owner is not None and owner != key:
                    raise _Problem(
                        (*where, ind),
                        f"indicator {ind!r} belongs to dimension {owner!r}, not {key!r}",
                        value=ind,
                    )
            indicators[key] = self.level(
                inner[key], where, members[key], f"indicator of dimension {key!r}"
            )
        with self.at(path):
            return Weighting(dimensions, indicators)

    def strategy(self, table: dict[str, Any], path: KeyPath, card: Scorecard) -> Weighting:
        name = self.string(table["strategy"], (*path, "strategy"))
        try:
            strategy = self.pm.weight_strategy(name)
        except UnknownNameError as exc:
            raise _Problem(
                (*path, "strategy"),
                f"unknown weight strategy {name!r}; available: {_available(exc)}",
                value=name,
            ) from None
        params = {k: _plain(v) for k, v in table.items() if k != "strategy"}
        self.parameters(strategy, name, params, path)
        try:
            with self.at(path):
                result = strategy.compute(card, **params)
        except _Problem:
            raise
        except CsperfError:
            raise
        except (TypeError, ValueError, KeyError) as exc:
            raise _Problem(
                path, f"weight strategy {name!r} failed: {type(exc).__name__}: {exc}"
            ) from exc
        weighting = getattr(result, "weighting", None)
        if not isinstance(weighting, Weighting):
            raise PluginError(
                f"weight strategy {name!r} returned {type(result).__name__}, which has no "
                "Weighting in .weighting",
                obj="weight strategy",
                field="compute",
                value=name,
                plugin=name,
                hook="csperf_weight_strategies",
            )
        return weighting

    def parameters(self, strategy: Any, name: str, params: dict[str, Any], path: KeyPath) -> None:
        """Check the file's parameters against the signature of ``strategy.compute``."""
        try:
            signature = inspect.signature(strategy.compute)
        except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
            return
        kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        found = list(signature.parameters.values())
        if found and found[0].kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            found = found[1:]  # the card
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in found):
            return
        names = [p.name for p in found if p.kind in kinds]
        for key in params:
            if key not in names:
                known = ", ".join(names) if names else "none"
                raise _Problem(
                    (*path, key),
                    f"weight strategy {name!r} takes no parameter {key!r} (parameters: {known})",
                    value=key,
                )
        for p in found:
            if p.kind in kinds and p.default is inspect.Parameter.empty and p.name not in params:
                raise _Problem(
                    (*path, p.name), f"required key is missing (weight strategy {name!r})"
                )


def _line_of(path: KeyPath, lines: Mapping[KeyPath, int]) -> int | None:
    """The line of the nearest key path at or above ``path`` (the root has no line)."""
    for n in range(len(path), 0, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _load_text(
    text: str, fmt: str, source: str, path: str | None, pm: PluginManager | None
) -> Scorecard:
    lines: dict[KeyPath, int] = {}
    builder = _Builder(fmt, pm)
    try:
        data, lines = _READERS[fmt](text.removeprefix("\ufeff"))
        return builder.build(data)
    except _Problem as problem:
        message = problem.message
        line = problem.line
        if line is None and problem.path and problem.path[0] in builder.inherited:
            line = lines.get(("template",))
            message = f"{message} (from template {builder.template!r})"
        elif line is None:
            line = _line_of(problem.path, lines)
        raise _config_error(
            source, path, problem.path, line, message, problem.value
        ) from problem.__cause__


def loads_scorecard(
    text: str,
    format: str,
    *,
    source: str = "<string>",
    pm: PluginManager | None = None,
) -> Scorecard:
    """Build a scorecard from the text of a scorecard file.

    Args:
        text: The file's content.
        format: ``"toml"``, ``"yaml"`` (or ``"yml"``) or ``"json"``.
        source: What to call the text in error messages.
        pm: The plugin manager that names scoring rules, weight strategies and templates
            (a fresh one from :func:`csperf.get_plugin_manager` by default).

    Returns:
        The :class:`~csperf.Scorecard`.

    Raises:
        ConfigError: For a syntax error, an unknown key, a value of the wrong type, a missing
            key or an invalid card; the error names ``source``, the key path and the line.

    Examples:
        >>> card = loads_scorecard('''
        ... key = "mini"
        ... title = "Mini card"
        ... dimensions = [{ key = "quality", name = "Quality" }]
        ... [[indicators]]
        ... key = "csat"
        ... name = "Customer satisfaction"
        ... dimension = "quality"
        ... direction = "higher_is_better"
        ... scoring = { kind = "piecewise", points = [[0.5, 0], [0.95, 100]] }
        ... [weighting]
        ... dimensions = { quality = 100 }
        ... indicators = { quality = { csat = 100 } }
        ... ''', "toml")
        >>> card.evaluate({"csat": 0.9}).total
        88.89
    """
    return _load_text(text, _format_name(format), source, None, pm)


def load_scorecard(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    pm: PluginManager | None = None,
) -> Scorecard:
    """Read a scorecard file.

    Args:
        path: The file, UTF-8 text.
        format: ``"toml"``, ``"yaml"`` or ``"json"``; by default taken from the suffix
            (``.toml``, ``.yaml``, ``.yml``, ``.json``).
        pm: The plugin manager that names scoring rules, weight strategies and templates
            (a fresh one from :func:`csperf.get_plugin_manager` by default).

    Returns:
        The :class:`~csperf.Scorecard`.

    Raises:
        ConfigError: When the file cannot be read, is not UTF-8, has a syntax error, an unknown
            key, a value of the wrong type or a missing key, or describes an invalid card. The
            message reads ``card.toml:27: indicators[3].scoring.points[1]: ...``, and the error
            carries ``path``, ``key_path`` and ``line``.
    """
    fmt = _format_of(path, format)
    name = os.fspath(path)
    return _load_text(_read_text(path), fmt, name, name, pm)


def _read_text(path: str | os.PathLike[str]) -> str:
    """A file's UTF-8 text (a byte-order mark is dropped), or a ConfigError."""
    name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{name}: cannot read the file: {exc.strerror or exc}",
            obj=f"scorecard file {name}",
            field=None,
            value=name,
            path=name,
            key_path=None,
            line=None,
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _config_error(
            name, name, (), line, f"the file is not UTF-8 text (byte {exc.start})"
        ) from None
    return text


def load_document(path: str | os.PathLike[str], *, format: str | None = None) -> Any:
    """Read a TOML, YAML or JSON file as plain data, with the checks scorecard files get.

    For files that are not scorecards, such as the parameters of a weight strategy. Decimals
    become floats; NaN, JSON's ``Infinity``, duplicate keys and unsafe YAML tags are refused.

    Args:
        path: The file, UTF-8 text.
        format: ``"toml"``, ``"yaml"`` or ``"json"``; by default taken from the suffix.

    Returns:
        The data: tables as dicts, arrays as lists, numbers as int or float.

    Raises:
        ConfigError: When the file cannot be read, is not UTF-8 or has a syntax error, or holds
            a NaN; the error names the file, the key path and the line.
    """
    fmt = _format_of(path, format)
    name = os.fspath(path)
    text = _read_text(path)
    lines: dict[KeyPath, int] = {}
    try:
        data, lines = _READERS[fmt](text.removeprefix("\ufeff"))
        _Builder(fmt, None).reject_nan(data, ())
    except _Problem as problem:
        line = problem.line if problem.line is not None else _line_of(problem.path, lines)
        raise _config_error(
            name, name, problem.path, line, problem.message, problem.value
        ) from None
    return _plain(data)


# -- writing --------------------------------------------------------------------------------


def _percent(weight: float) -> int | Decimal:
    """A weight as the exact decimal percentage of its shortest decimal form."""
    value = Decimal(repr(weight)).scaleb(2)
    return int(value) if value == value.to_integral_value() else value


def _listify(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _listify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_listify(v) for v in value]
    return value


def _rule_document(rule: ScoringRule, fmt: str | None) -> dict[str, Any]:
    data = _listify(rule.to_dict())
    doc = {"kind": data.pop("kind", rule.kind), **data}
    if isinstance(rule, Steps) and fmt in ("toml", "yaml"):
        doc["steps"] = [
            [-math.inf if lo is None else lo, math.inf if hi is None else hi, points]
            for lo, hi, points in doc["steps"]
        ]
    return doc


def _document(card: Scorecard, fmt: str | None) -> dict[str, Any]:
    """The file data of a card; ``fmt`` picks the spelling of open ends (None: as in memory)."""

    def bound(value: float) -> float | None:
        return None if fmt == "json" and math.isinf(value) else value

    def scale(grades: GradeScale) -> dict[str, Any]:
        return {
            "closed": grades.closed,
            "bands": [
                {
                    "key": b.key,
                    "label": plain_text(b.label),
                    "lower": bound(b.lower),
                    "upper": bound(b.upper),
                }
                for b in grades.bands
            ],
        }

    weights = card.weighting
    dimensions = []
    for dim in card.dimensions:
        item: dict[str, Any] = {"key": dim.key, "name": plain_text(dim.name)}
        if dim.description != "":
            item["description"] = plain_text(dim.description)
        dimensions.append(item)
    indicators = []
    for ind in card.indicators:
        item = {
            "key": ind.key,
            "name": plain_text(ind.name),
            "dimension": ind.dimension,
            "direction": ind.direction.value,
        }
        if ind.unit:
            item["unit"] = ind.unit
        if ind.metric != ind.key:
            item["metric"] = ind.metric
        if ind.description != "":
            item["description"] = plain_text(ind.description)
        item["scoring"] = _rule_document(ind.scoring, fmt)
        if ind.standards is not None:
            item["standards"] = scale(ind.standards)
        indicators.append(item)
    return {
        "key": card.key,
        "title": plain_text(card.title),
        "version": card.version,
        "precision": card.precision,
        "missing": card.missing.value,
        "max_points": card.max_points,
        "grade_scale": scale(card.grade_scale),
        "dimensions": dimensions,
        "indicators": indicators,
        "weighting": {  # in the card's display order, whatever the weighting's own order
            "dimensions": {d.key: _percent(weights.dimensions[d.key]) for d in card.dimensions},
            "indicators": {
                d.key: {
                    i.key: _percent(weights.indicators[d.key][i.key])
                    for i in card.indicators
                    if i.dimension == d.key
                }
                for d in card.dimensions
            },
        },
    }


def _decimal_literal(value: Decimal) -> str:
    """A finite decimal as a float literal all three formats read back exactly: ``12.5``."""
    text = format(value, "f")
    if len(text) > 40:
        mantissa, exponent = format(value, "e").split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{int(exponent):+d}"
    return text if "." in text else text + ".0"


def _header(card: Scorecard) -> list[str]:
    return [
        f"# csperf scorecard {card.key}",
        f"# fingerprint {card.fingerprint}",
        "# Weights are percentages: each level sums to 100.",
    ]


def _toml_scalar(value: Any, path: KeyPath) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            raise _Problem(path, "cannot write NaN")
        return repr(value)
    if isinstance(value, Decimal):
        return _decimal_literal(value)
    if isinstance(value, str):
        return tomli_w.dumps({"k": value})[4:-1]
    if value is None:
        raise _Problem(path, "TOML has no null; write the card as YAML or JSON")
    raise _Problem(path, f"cannot write a {type(value).__name__} value ({_short(value)})")


def _toml_key(key: Any, path: KeyPath) -> str:
    if not isinstance(key, str):
        raise _Problem(path, f"keys must be text, got {type(key).__name__} {key!r}")
    return tomli_w.dumps({key: 0})[: -len(" = 0\n")]


def _toml_inline(value: Any, path: KeyPath) -> str:
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = (
            f"{_toml_key(k, (*path, k))} = {_toml_inline(v, (*path, k))}" for k, v in value.items()
        )
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_inline(v, (*path, i)) for i, v in enumerate(value)) + "]"
    return _toml_scalar(value, path)


def _subtables(path: KeyPath) -> tuple[str, ...]:
    """The keys written as ``[sub.tables]`` below ``path``; every other value is inline."""
    if path == ():
        return ("grade_scale", "dimensions", "indicators", "weighting")
    if len(path) == 2 and path[0] == "indicators":
        return ("scoring", "standards")
    if path == ("weighting",):
        return ("indicators",)
    return ()


def _toml_table(
    out: list[str], table: Mapping[str, Any], path: KeyPath, names: tuple[str, ...]
) -> None:
    """Write a table's keys: values inline (long arrays one item a line), then sub-tables."""
    later: list[tuple[str, Any]] = []
    for key, value in table.items():
        name = _toml_key(key, (*path, key))
        if key in _subtables(path) and isinstance(value, (Mapping, list)):
            later.append((key, value))
            continue
        inline = f"{name} = {_toml_inline(value, (*path, key))}"
        if isinstance(value, list) and value and len(inline) > _WIDTH:
            out.append(f"{name} = [")
            out.extend(
                f"    {_toml_inline(item, (*path, key, i))}," for i, item in enumerate(value)
            )
            out.append("]")
        else:
            out.append(inline)
    for key, value in later:
        sub = (*names, _toml_key(key, (*path, key)))
        if isinstance(value, Mapping):
            out.extend(["", f"[{'.'.join(sub)}]"])
            _toml_table(out, value, (*path, key), sub)
        else:
            for i, item in enumerate(value):
                out.extend(["", f"[[{'.'.join(sub)}]]"])
                _toml_table(out, item, (*path, key, i), sub)


def _toml_text(card: Scorecard) -> str:
    out = [*_header(card), ""]
    _toml_table(out, _document(card, "toml"), (), ())
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


def _yaml_text(card: Scorecard) -> str:
    yaml = _import_yaml()
    try:
        body = yaml.dump(
            _document(card, "yaml"),
            Dumper=_yaml_dumper(yaml),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=None,
            width=_WIDTH,
        )
    except yaml.YAMLError as exc:
        raise _Problem((), f"cannot write YAML: {exc}") from None
    return "\n".join(_header(card)) + "\n\n" + str(body)


def _json_scalar(value: Any, path: KeyPath) -> str:
    if value is None or isinstance(value, (bool, int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Problem(path, f"JSON has no {value!r}")
        return repr(value)
    if isinstance(value, Decimal):
        return _decimal_literal(value)
    raise _Problem(path, f"cannot write a {type(value).__name__} value ({_short(value)})")


def _json_inline(value: Any, path: KeyPath) -> str:
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise _Problem(path, f"keys must be text, got {type(key).__name__} {key!r}")
        items = (
            f"{json.dumps(k, ensure_ascii=False)}: {_json_inline(v, (*path, k))}"
            for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_inline(v, (*path, i)) for i, v in enumerate(value)) + "]"
    return _json_scalar(value, path)


def _json_block(value: Any, path: KeyPath, indent: int, used: int = 0) -> str:
    """Indented JSON, with every value that fits in the line width on one line.

    ``used`` is how much of the line the value's key already takes.
    """
    inline = _json_inline(value, path)
    if indent + used + len(inline) <= _WIDTH or not isinstance(value, (Mapping, list)) or not value:
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, Mapping):
        items = []
        for k, v in value.items():
            key = f"{json.dumps(k, ensure_ascii=False)}: "
            items.append(f"{pad}{key}{_json_block(v, (*path, k), indent + 2, len(key))}")
        opening, closing = "{", "}"
    else:
        items = [f"{pad}{_json_block(v, (*path, i), indent + 2)}" for i, v in enumerate(value)]
        opening, closing = "[", "]"
    return opening + "\n" + ",\n".join(items) + "\n" + " " * indent + closing


def _json_text(card: Scorecard) -> str:
    return _json_block(_document(card, "json"), (), 0) + "\n"


_WRITERS: dict[str, Callable[[Scorecard], str]] = {
    "toml": _toml_text,
    "yaml": _yaml_text,
    "json": _json_text,
}


def dumps_scorecard(card: Scorecard, format: str = "toml") -> str:
    """Write a scorecard as the text of a scorecard file.

    The TOML and YAML texts start with a comment naming csperf, the card's key and its
    fingerprint. Weights are written in percent, exactly (``0.24`` is ``24``), so that
    :func:`loads_scorecard` gives back an equal card with the same fingerprint.

    Args:
        card: The scorecard.
        format: ``"toml"`` (the default), ``"yaml"`` (or ``"yml"``) or ``"json"``.

    Returns:
        The text.

    Raises:
        ConfigError: When a value cannot be written in the format (e.g. a plugin rule whose
            :meth:`~csperf.ScoringRule.to_dict` holds None, which TOML cannot spell), or YAML is
            asked for without PyYAML installed.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> text = dumps_scorecard(customer_service_manager())
        >>> print(text[text.index("[weighting]"):].strip())
        [weighting]
        dimensions = { service_quality = 40, efficiency = 30, capability = 20, teamwork = 10 }
        <BLANKLINE>
        [weighting.indicators]
        service_quality = { customer_satisfaction = 60, complaint_rate = 40 }
        efficiency = { first_response_time = 40, resolution_time = 60 }
        capability = { product_knowledge = 50, script_compliance = 50 }
        teamwork = { collaboration_rating = 50, information_sharing_rate = 50 }
    """
    fmt = _format_name(format)
    if not isinstance(card, Scorecard):
        raise ConfigError(
            f"dumps_scorecard: expected a Scorecard, got {type(card).__name__}",
            obj="scorecard file",
            field="card",
            value=card,
            path=None,
            key_path=None,
            line=None,
        )
    try:
        text = _WRITERS[fmt](card)
        text.encode("utf-8")
    except _Problem as problem:
        keys = _format_path(problem.path)
        where = f"{keys}: " if keys else ""
        raise ConfigError(
            f"cannot write scorecard {card.key!r} as {fmt.upper()}: {where}{problem.message}",
            obj=f"Scorecard {card.key!r}",
            field=keys or None,
            value=problem.value,
            path=None,
            key_path=keys or None,
            line=None,
        ) from None
    except UnicodeEncodeError as exc:
        raise ConfigError(
            f"cannot write scorecard {card.key!r}: its text holds {exc.object[exc.start]!r}, "
            "which is not valid Unicode",
            obj=f"Scorecard {card.key!r}",
            field=None,
            value=exc.object[exc.start],
            path=None,
            key_path=None,
            line=None,
        ) from None
    return text


def dump_scorecard(
    card: Scorecard, path: str | os.PathLike[str], *, format: str | None = None
) -> Path:
    """Write a scorecard file, atomically.

    The text is made in full first (:func:`dumps_scorecard`), then written to a temporary file
    that replaces ``path`` in one step: if anything fails, ``path`` is left as it was and no
    partial file remains.

    Args:
        card: The scorecard.
        path: The file to write.
        format: ``"toml"``, ``"yaml"`` or ``"json"``; by default taken from the suffix.

    Returns:
        The path written.

    Raises:
        ConfigError: When the format is unknown or the card cannot be written in it.
    """
    fmt = _format_of(path, format)
    try:
        text = dumps_scorecard(card, fmt)
    except ConfigError as exc:
        name = os.fspath(path)
        raise ConfigError(
            f"{name}: {exc.message}", **{**exc.context, "path": name}
        ) from exc.__cause__
    return atomic_write_text(path, text)
