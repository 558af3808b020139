"""Scorecard files: read and write a :class:`~csperf.Scorecard` as TOML, YAML or JSON.

A scorecard file mirrors :meth:`Scorecard.to_dict() <csperf.Scorecard.to_dict>`, with two
differences meant for people: weights are written in percent (each level sums to 100), and keys
that hold their default may be left out. Scoring rules, weight strategies and templates are named
by their plugin names, so a rule a plugin offers can be used in a file. The full schema is in the
reference (:doc:`/reference/config`), and as a JSON Schema in :func:`scorecard_schema`.

Reading is strict. An unknown key, a value of the wrong type (never coerced: ``"0.5"`` is not a
number), a missing key, and every :class:`~csperf.errors.ValidationError` raised while the
objects are built is raised as :class:`~csperf.errors.ConfigError` naming the file, the key path
(``indicators[3].scoring.points[1]``, indices counted from 0) and the line::

    card.toml:27: indicators[3].scoring.points[1]: ...

The error carries the key path as a tuple, ``field == ("indicators", 3, "scoring", "points",
1)`` (and as text, ``key_path == "indicators[3].scoring.points[1]"``). Numbers are read as exact
decimals, so a weight of ``33.3`` percent is 0.333 exactly, and a card written and read back is
equal to the original, with the same fingerprint. Files are written atomically: a failed write
leaves the target as it was. YAML is read with PyYAML's safe loader only (the optional extra
``csperf[yaml]``).
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import enum
import functools
import inspect
import json
import math
import os
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from csperf import _files
from csperf._canonical import TYPING_ONLY, resolve_types
from csperf._files import KeyPath, Problem, plain
from csperf._io import atomic_write_text
from csperf._numbers import exact
from csperf.adjustments import Adjustment, AdjustmentKind, Veto, VetoEffect
from csperf.dimensions import Dimension
from csperf.errors import (
    ConfigError,
    CsperfError,
    PluginError,
    UnknownNameError,
    ValidationError,
    WeightingError,
    format_key_path,
)
from csperf.grading import GradeBand, GradeScale
from csperf.indicators import Indicator
from csperf.ratings import NoRatings, RatingScale, RatingSources, ScaleLabel, Source, SourceRule
from csperf.rules import ScoringRule
from csperf.scorecard import MissingPolicy, Scorecard
from csperf.text import LocalizedText, Text, plain_text
from csperf.units import Direction, ValueDomain
from csperf.weighting import Weighting

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = [
    "FORMATS",
    "dump_scorecard",
    "dumps_scorecard",
    "load_document",
    "load_scorecard",
    "loads_scorecard",
    "scorecard_schema",
]

FORMATS: tuple[str, ...] = ("toml", "yaml", "json")
"""The file formats, by the names the ``format`` arguments take (``"yml"`` means ``"yaml"``)."""

_SUFFIXES = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_PERCENT_TOLERANCE = Fraction(1, 10**7)
"""How far a level of percentages may sum from 100 (1e-9 of 100, as for :class:`Weighting`)."""
_NAMES = {
    "toml": ("a table", "an array"),
    "yaml": ("a mapping", "a sequence"),
    "json": ("an object", "an array"),
}

# -- errors ---------------------------------------------------------------------------------


def _config_error(
    source: str,
    path: str | None,
    key_path: KeyPath,
    line: int | None,
    message: str,
    value: Any = None,
) -> ConfigError:
    return ConfigError(
        msg=message,
        obj=f"scorecard file {source}",
        field=key_path,
        value=value,
        path=path,
        line=line,
        source=source,
    )


def _format_name(format: str) -> str:
    name = format.lower() if isinstance(format, str) else format
    name = "yaml" if name == "yml" else name
    if name not in FORMATS:
        raise ConfigError(
            msg=f"unknown scorecard file format {format!r}; use one of {', '.join(FORMATS)}",
            field="format",
            value=format,
        )
    return str(name)


def _format_of(path: str | os.PathLike[str], format: str | None) -> str:
    if format is not None:
        return _format_name(format)
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ConfigError(
            msg=f"cannot tell the format from the suffix {suffix or '(none)'!r}; "
            "name the file .toml, .yaml, .yml or .json, or pass format=",
            obj="scorecard file",
            value=suffix,
            path=os.fspath(path),
            source=os.fspath(path),
        )
    return _SUFFIXES[suffix]


def _model_problem(exc: ValidationError) -> Problem:
    """A model error as a Problem at the key path its field names."""
    message, field = exc.message, exc.field
    if isinstance(exc, ConfigError):  # weight strategies check their parameters this way
        if getattr(exc, "path", None) is not None:
            raise exc  # it names its own file
        keys = exc.key_path
        if keys and f": {keys}: " in message:  # the key path is shown once
            head, _, tail = message.partition(f": {keys}: ")
            message = f"{head}: {tail}"
    return Problem(field, message, value=exc.value, cause=exc)


def _problem(exc: BaseException) -> Problem:
    """The first error cattrs collected, as a Problem at its key path; others are re-raised."""
    path: list[str | int] = []
    while isinstance(exc, (ClassValidationError, IterableValidationError)):
        noted, others = exc.group_exceptions()
        if noted:
            exc, note = noted[0]
            path.append(note.name if isinstance(note, AttributeValidationNote) else note.index)
        else:
            exc = others[0]
    if isinstance(exc, Problem):
        # cattrs noted where it was below; its path says that now, and the notes would be
        # read again one level up (a model inside a model: a rated indicator's sources).
        vars(exc).pop("__notes__", None)
        return exc.under(*path)
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [a.alias or a.name for a in attrs.fields(exc.cl) if a.init]
        return _unknown_key(sorted(exc.extra_fields)[0], known).under(*path)
    if isinstance(exc, KeyError) and path:  # cattrs: a required attribute is missing
        return Problem((), "required key is missing").under(*path)
    if isinstance(exc, ValidationError):
        return _model_problem(exc).under(*path)
    raise exc


def _unknown_key(key: str, known: list[str]) -> Problem:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return Problem((key,), f"unknown key {key!r}{hint} (known keys: {', '.join(known)})", value=key)


# -- the converter: file documents <-> model objects -----------------------------------------


@attrs.define
class _Load:
    """What a load needs beyond the data: the format (for wording) and the plugins."""

    fmt: str
    pm: PluginManager | None
    template: str | None = None
    inherited: set[str] = attrs.Factory(set)

    def plugins(self) -> PluginManager:
        if self.pm is None:
            from csperf.hooks.manager import get_plugin_manager

            self.pm = get_plugin_manager()
        return self.pm


_LOAD: contextvars.ContextVar[_Load] = contextvars.ContextVar("csperf_config_load")


def _names() -> tuple[str, str]:
    load = _LOAD.get(None)
    return _NAMES[load.fmt if load else "json"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(value: Any) -> str:
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
        return _names()[0]
    if isinstance(value, list):
        return _names()[1]
    return f"a {type(value).__name__} ({_short(value)})"


@contextlib.contextmanager
def _at(*parts: str | int) -> Iterator[None]:
    """Place a Problem raised inside at ``parts`` below the value being built."""
    try:
        yield
    except Problem as problem:
        raise problem.under(*parts) from None


def _wrong(expected: str, value: Any) -> Problem:
    return Problem((), f"expected {expected}, got {_describe(value)}", value=value)


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(_names()[0], value)
    return value


def _string(value: Any, _: Any = None) -> str:
    if not isinstance(value, str):
        raise _wrong("a string", value)
    return value


def _integer(value: Any, _: Any = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong("an integer", value)
    return value


def _boolean(value: Any, _: Any = None) -> bool:
    if not isinstance(value, bool):
        raise _wrong("true or false", value)
    return value


def _number(value: Any, _: Any = None, *, finite: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _wrong("a number", value)
    try:
        result = float(value)
    except OverflowError:
        raise Problem((), f"the number {value} is too large", value=value) from None
    if finite and math.isinf(result):
        raise Problem((), f"expected a finite number, got {value}", value=value)
    return result


def _bound(open_end: float) -> Callable[[Any, Any], float]:
    """A bound that may be open: ±inf, or null in YAML and JSON."""

    def structure(value: Any, _: Any) -> float:
        if value is None and _LOAD.get().fmt != "toml":
            return open_end
        return _number(value, finite=False)

    return structure


def _text(value: Any, _: Any) -> Any:
    """A display name: a string, or a table of language code to string."""
    if isinstance(value, dict):
        for lang, item in value.items():
            with _at(lang):
                _string(item)
        return value
    if not isinstance(value, str):
        raise _wrong("a string or a table of language → text", value)
    return value


def _is_choice(cls: Any) -> bool:
    """Enums and literals: files hold their string, which the model's converters check."""
    return typing.get_origin(cls) is Literal or (
        isinstance(cls, type) and issubclass(cls, enum.Enum)
    )


def _is_array(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _available(exc: UnknownNameError) -> str:
    return ", ".join(getattr(exc, "available", None) or ()) or "(none)"


def _rule(value: Any, _: Any) -> ScoringRule:
    """A scoring rule, by the ``kind`` its plugin gives it, built by its ``from_dict``."""
    table = _table(value)
    if "kind" not in table:
        raise Problem(("kind",), "required key is missing")
    with _at("kind"):
        kind = _string(table["kind"])
    try:
        cls = _LOAD.get().plugins().scoring_rule(kind)
    except UnknownNameError as exc:
        raise Problem(
            ("kind",), f"unknown scoring rule {kind!r}; available: {_available(exc)}", value=kind
        ) from None
    if attrs.has(cls):
        for field in attrs.fields(cls):
            name = field.alias or field.name
            if field.init and field.default is attrs.NOTHING and name not in table:
                raise Problem((name,), f"required key is missing (scoring rule {kind!r})")
    try:
        rule = cls.from_dict(plain(table))
    except ValidationError as exc:
        raise (
            Problem((), exc.message, value=exc.value, cause=exc)
            if exc.field == ("kind",)
            else _model_problem(exc)
        ) from None
    except CsperfError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise Problem(
            (), f"scoring rule {kind!r}: {type(exc).__name__}: {exc}", value=kind
        ) from exc
    if not isinstance(rule, ScoringRule):
        raise PluginError(
            msg=f"from_dict returned {type(rule).__name__}, not a ScoringRule",
            obj=f"scoring rule {kind!r}",
            field="from_dict",
            value=kind,
            plugin=kind,
            hook="csperf_scoring_rules",
        )
    return rule


def _band_at(exc: ValidationError, table: dict[str, Any]) -> KeyPath | None:
    """Where a GradeScale error points: the band that overlaps or repeats a key."""
    bands = table.get("bands")
    keys = [b.get("key") for b in bands if isinstance(b, dict)] if isinstance(bands, list) else []
    if isinstance(exc.value, tuple) and exc.value and exc.value[0] in keys:
        return ("bands", keys.index(exc.value[0]), "upper")  # does not meet the next band
    if isinstance(exc.value, str) and keys.count(exc.value) > 1:
        return ("bands", [i for i, k in enumerate(keys) if k == exc.value][1], "key")
    return None


def _model_hook(
    conv: cattrs.Converter,
    cls: type[Any],
    locate: Callable[[ValidationError, dict[str, Any]], KeyPath | None] | None = None,
    **overrides: Any,
) -> Callable[[Any, Any], Any]:
    """Cattrs' structure function for a model class; its errors become Problems.

    ``locate`` may place an error of the class's own checks more precisely than its field.
    """
    structure = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **overrides)

    def hook(value: Any, _: Any) -> Any:
        table = _table(value)
        try:
            return structure(table, cls)
        except (ClassValidationError, ValidationError) as exc:
            # cattrs >= 25 wraps an error of the constructor alone in a ClassValidationError
            built: BaseException = exc
            if isinstance(exc, ClassValidationError) and len(exc.exceptions) == 1:
                built = exc.exceptions[0]
            if isinstance(built, ValidationError) and locate:
                where = locate(built, table)
                if where is not None:
                    raise Problem(where, built.message, value=built.value, cause=built) from None
            raise _problem(exc) from None

    return hook


def _array(conv: cattrs.Converter, value: Any, cls: Any) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise _wrong(_names()[1], value)
    item = typing.get_args(cls)[0]
    out = []
    for i, element in enumerate(value):
        with _at(i):
            out.append(conv.structure(element, item))
    return tuple(out)


def _listify(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _listify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_listify(v) for v in value]
    return value


def _rule_document(rule: ScoringRule) -> dict[str, Any]:
    """A rule's ``to_dict``, ``kind`` first, an open end (None) as the infinity it stands for.

    TOML has no null: each None the rule's ``from_dict`` reads back as ``-inf`` or ``inf``
    (the same rule again) is written as that; any other None stays (and TOML refuses it).
    """
    doc = _listify(rule.to_dict())
    doc = {"kind": doc.pop("kind", rule.kind), **doc}

    def holes(value: Any, path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if value is None:
            return [path]
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        return [hole for key, item in items for hole in holes(item, (*path, key))]

    for path in holes(doc, ()):
        parent = functools.reduce(lambda node, key: node[key], path[:-1], doc)
        for end in (-math.inf, math.inf):
            parent[path[-1]] = end
            try:
                if type(rule).from_dict(plain(doc)) == rule:
                    break
            except Exception:
                pass
        else:
            parent[path[-1]] = None
    return doc


def _unstructure_indicator(base: Callable[[Any], dict[str, Any]]) -> Callable[[Any], Any]:
    def unstructure(ind: Indicator) -> dict[str, Any]:
        doc = base(ind)
        if doc.get("metric") == ind.key:
            del doc["metric"]
        tables: dict[str, Any] = {
            k: doc.pop(k) for k in ("scoring", "standards", "scale", "raters") if k in doc
        }
        return {**doc, **tables}  # plain values first, then the tables

    return unstructure


_RATED: tuple[type[Any], ...] = (ScaleLabel, RatingScale, SourceRule, RatingSources)
"""The parts of a rated indicator (:mod:`csperf.ratings`) a file holds."""


@functools.cache
def _converter() -> cattrs.Converter:
    """The one converter between file documents and model objects."""
    for cls in (
        GradeBand,
        GradeScale,
        ValueDomain,
        Dimension,
        Indicator,
        Veto,
        Adjustment,
        Scorecard,
        *_RATED,
    ):
        resolve_types(cls)
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _string)
    conv.register_structure_hook(int, _integer)
    conv.register_structure_hook(bool, _boolean)
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook_func(lambda t: t == Text, _text)
    conv.register_structure_hook_func(_is_choice, lambda value, _: _string(value))
    conv.register_structure_hook_func(_is_array, functools.partial(_array, conv))
    conv.register_structure_hook(ScoringRule, _rule)
    lower, upper = override(struct_hook=_bound(-math.inf)), override(struct_hook=_bound(math.inf))
    conv.register_structure_hook(GradeBand, _model_hook(conv, GradeBand, lower=lower, upper=upper))
    conv.register_structure_hook(GradeScale, _model_hook(conv, GradeScale, _band_at))
    conv.register_structure_hook(
        ValueDomain, _model_hook(conv, ValueDomain, lower=lower, upper=upper)
    )
    conv.register_structure_hook(Dimension, _model_hook(conv, Dimension))
    for part in _RATED:  # a rated indicator's scale and sources
        conv.register_structure_hook(part, _model_hook(conv, part))
    conv.register_structure_hook(Indicator, _model_hook(conv, Indicator))
    conv.register_structure_hook(Veto, _model_hook(conv, Veto))
    conv.register_structure_hook(Adjustment, _model_hook(conv, Adjustment))

    conv.register_unstructure_hook_func(lambda t: t == Text, plain_text)
    for choice in (
        Direction,
        MissingPolicy,
        VetoEffect,
        AdjustmentKind,
        Source,
        NoRatings,
    ):  # str enums: a file holds their value
        conv.register_unstructure_hook(choice, lambda member: member.value)
    conv.register_unstructure_hook(LocalizedText, dict)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, ScoringRule), _rule_document
    )
    conv.register_unstructure_hook(
        GradeScale,
        lambda s: {"closed": s.closed, "bands": [conv.unstructure(b, GradeBand) for b in s.bands]},
    )
    for part in (ValueDomain, Dimension, *_RATED):
        conv.register_unstructure_hook(
            part, make_dict_unstructure_fn(part, conv, _cattrs_omit_if_default=True)
        )
    base = make_dict_unstructure_fn(Indicator, conv, _cattrs_omit_if_default=True)
    conv.register_unstructure_hook(Indicator, _unstructure_indicator(base))
    for item in (Veto, Adjustment):
        conv.register_unstructure_hook(
            item,
            _unstructure_item(make_dict_unstructure_fn(item, conv, _cattrs_omit_if_default=True)),
        )
    return conv


def _unstructure_item(base: Callable[[Any], dict[str, Any]]) -> Callable[[Any], Any]:
    """A veto or an adjustment as a file writes it: its metric only when not its key.

    A veto's condition and effect are always written, even at their defaults, so that the
    file reads as the rule it states (``serious_complaints >= 1 → cap_grade fail``).
    """

    def unstructure(item: Veto | Adjustment) -> dict[str, Any]:
        doc = base(item)
        if doc.get("metric") == item.key:
            del doc["metric"]
        if isinstance(item, Veto):
            stated = {
                "operator": item.operator,
                "threshold": item.threshold,
                "effect": item.effect.value,
            }
            head: dict[str, Any] = {k: doc.pop(k) for k in ("key", "label", "metric") if k in doc}
            for k in stated:
                doc.pop(k, None)
            doc = {**head, **stated, **doc}
        return doc

    return unstructure


_CARD_ORDER = (
    "key",
    "title",
    "version",
    "precision",
    "missing",
    "max_points",
    "grade_scale",
    "dimensions",
    "indicators",
    "bonus_cap",
    "vetoes",
    "adjustments",
)
"""The order of a card's keys in files: plain values first, then the sections."""

_OPTIONAL: dict[str, Any] = {"bonus_cap": None, "vetoes": [], "adjustments": []}
"""Keys a file leaves out when the card has nothing there (no bonus cap, no items)."""


def _percent(weight: float) -> int | Decimal:
    """A weight as the exact decimal percentage of its shortest decimal form."""
    value = Decimal(repr(weight)).scaleb(2)
    return int(value) if value == value.to_integral_value() else value


def _document(card: Scorecard) -> dict[str, Any]:
    """The file document of a card (open ends as ±inf; the JSON writer spells them null)."""
    conv = _converter()
    hints = _card_types()
    doc = {name: conv.unstructure(getattr(card, name), hints[name]) for name in _CARD_ORDER}
    for name, empty in _OPTIONAL.items():
        if doc[name] == empty:
            del doc[name]
    weights = card.weighting
    doc["weighting"] = {  # in the card's display order, whatever the weighting's own order
        "dimensions": {d.key: _percent(weights.dimensions[d.key]) for d in card.dimensions},
        "indicators": {
            d: {i.key: _percent(weights.indicators[d][i.key]) for i in inds}
            for d, inds in card.groups().items()
        },
    }
    return doc


@functools.cache
def _card_types() -> dict[str, Any]:
    _converter()  # resolves the model's annotations
    return {f.name: f.type for f in attrs.fields(Scorecard) if f.init}


# -- building the card ----------------------------------------------------------------------


def _check_keys(table: dict[str, Any], known: list[str], required: list[str]) -> None:
    for key in table:
        if key not in known:
            raise _unknown_key(key, known)
    for key in required:
        if key not in table:
            raise Problem((key,), "required key is missing")


def _card(data: Any, load: _Load) -> Scorecard:
    """Build the card of a document: its parts by the converter, then its weights."""
    if not isinstance(data, dict):
        raise Problem((), f"a scorecard file holds {_names()[0]} at the top, got {_describe(data)}")
    fields = {f.name: f for f in attrs.fields(Scorecard) if f.init}
    required = [name for name, f in fields.items() if f.default is attrs.NOTHING]
    _check_keys(data, [*fields, "template"], [])
    merged = dict(data)
    template_card = None
    if "template" in data:
        with _at("template"):
            load.template = name = _string(data["template"])
        try:
            template_card = load.plugins().template(name).build()
        except UnknownNameError as exc:
            raise Problem(
                ("template",),
                f"unknown template {name!r}; available: {_available(exc)}",
                value=name,
            ) from None
        base = _document(template_card)
        load.inherited = {key for key in base if key not in data}
        merged = {**base, **{k: v for k, v in data.items() if k != "template"}}
    _check_keys(merged, [*fields, "template"], required)

    conv, hints = _converter(), _card_types()
    parts: dict[str, Any] = {}
    for name in fields:
        if name in merged and name != "weighting":
            with _at(name):
                parts[name] = conv.structure(merged[name], hints[name])
    card = _provisional(parts)
    with _at("weighting"):
        weighting = _table(merged["weighting"])
        if "strategy" not in weighting:
            final = _percentages(weighting, card)
        else:
            if template_card is not None:
                # A strategy on a template starts from the template's weights where they fit
                # (a level the strategy does not set keeps them); otherwise from equal weights.
                with contextlib.suppress(WeightingError):
                    card = attrs.evolve(card, weighting=template_card.weighting)
            final = _strategy(weighting, card, load)
    try:
        return attrs.evolve(card, weighting=final)
    except ValidationError as exc:
        raise _model_problem(exc) from None


def _provisional(parts: dict[str, Any]) -> Scorecard:
    """The card with equal weights: the model checks all but the weights; strategies start here."""
    for section in ("dimensions", "indicators"):
        if not parts[section]:
            raise Problem((section,), f"{section} must not be empty", value=[])
    groups: dict[str, dict[str, None]] = {}
    for ind in parts["indicators"]:
        if all(ind.key not in inner for inner in groups.values()):  # a repeated key: the model
            groups.setdefault(ind.dimension, {})[ind.key] = None
    try:
        equal = Weighting(
            {key: 1 / len(groups) for key in groups},
            {key: dict.fromkeys(keys, 1 / len(keys)) for key, keys in groups.items()},
        )
        return Scorecard(**parts, weighting=equal)
    except WeightingError as exc:
        for i, dim in enumerate(parts["dimensions"]):
            if dim.key not in groups:
                raise Problem(
                    ("dimensions", i), f"dimension {dim.key!r} has no indicators", value=dim.key
                ) from None
        raise _model_problem(exc) from None
    except ValidationError as exc:
        raise _model_problem(exc) from None


def _weight(value: Any) -> Fraction:
    """A weight in percent, exactly as written."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _wrong("a number (a weight in percent)", value)
    if not math.isfinite(value):
        raise Problem((), f"expected a finite weight, got {value}", value=value)
    result = exact(value)
    if result < 0:
        raise Problem((), f"a weight must not be negative, got {value}", value=value)
    return result


def _level(value: Any, expected: list[str], what: str) -> dict[str, float]:
    """One level of percentages: exactly the keys ``expected``, summing to 100 exactly.

    ``what`` names the keys in messages ("dimension", "indicator of dimension 'speed'").
    """
    found: dict[str, Fraction] = {}
    for key, item in _table(value).items():
        if key not in expected:
            article = "an" if what[0] in "aeiou" else "a"
            raise Problem(
                (key,),
                f"{key!r} is not {article} {what} (expected: {', '.join(expected)})",
                value=key,
            )
        with _at(key):
            found[key] = _weight(item)
    missing = [key for key in expected if key not in found]
    if missing:
        raise Problem(
            (), f"no weight for the {what} {', '.join(map(repr, missing))}", value=missing
        )
    total = sum(found.values(), Fraction(0))
    if abs(total - 100) > _PERCENT_TOLERANCE:
        entries = ", ".join(f"{k}={float(v):g}" for k, v in found.items())
        raise Problem(
            (),
            f"weights sum to {float(total):.10g} %, expected 100 % ({entries})",
            value=float(total),
        )
    return {key: float(weight / 100) for key, weight in found.items()}


def _percentages(table: dict[str, Any], card: Scorecard) -> Weighting:
    """The weighting a file writes in percent, checked against the card's parts."""
    _check_keys(table, ["dimensions", "indicators"], ["dimensions", "indicators"])
    dims = [d.key for d in card.dimensions]
    members = {d: [i.key for i in inds] for d, inds in card.groups().items()}
    with _at("dimensions"):
        dimensions = _level(table["dimensions"], dims, "dimension")
    with _at("indicators"):
        inner = _table(table["indicators"])
    for key in inner:
        if key not in members:
            raise Problem(
                ("indicators", key),
                f"unknown dimension {key!r} (dimensions: {', '.join(dims)})",
                value=key,
            )
    indicators: dict[str, dict[str, float]] = {}
    for key in dims:
        if key not in inner:
            raise Problem(
                ("indicators",), f"no weights for the indicators of dimension {key!r}", value=key
            )
        for ind in inner[key] if isinstance(inner[key], dict) else ():
            owner = next((i.dimension for i in card.indicators if i.key == ind), key)
            if owner != key:
                raise Problem(
                    ("indicators", key, ind),
                    f"indicator {ind!r} belongs to dimension {owner!r}, not {key!r}",
                    value=ind,
                )
        with _at("indicators", key):
            indicators[key] = _level(inner[key], members[key], f"indicator of dimension {key!r}")
    try:
        return Weighting(dimensions, indicators)
    except ValidationError as exc:
        raise _model_problem(exc) from None


def _strategy(table: dict[str, Any], card: Scorecard, load: _Load) -> Weighting:
    """The weighting a weight strategy computes from the file's parameters."""
    with _at("strategy"):
        name = _string(table["strategy"])
    try:
        strategy = load.plugins().weight_strategy(name)
    except UnknownNameError as exc:
        raise Problem(
            ("strategy",),
            f"unknown weight strategy {name!r}; available: {_available(exc)}",
            value=name,
        ) from None
    params = {k: plain(v) for k, v in table.items() if k != "strategy"}
    _parameters(strategy, name, params)
    try:
        result = strategy.compute(card, **params)
    except ValidationError as exc:
        raise _model_problem(exc) from None
    except CsperfError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise Problem((), f"weight strategy {name!r} failed: {type(exc).__name__}: {exc}") from exc
    weighting = getattr(result, "weighting", None)
    if not isinstance(weighting, Weighting):
        raise PluginError(
            msg=f"weight strategy {name!r} returned {type(result).__name__}, which has no "
            "Weighting in .weighting",
            field="compute",
            value=name,
            plugin=name,
            hook="csperf_weight_strategies",
        )
    return weighting


def _parameters(strategy: Any, name: str, params: dict[str, Any]) -> None:
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
            raise Problem(
                (key,),
                f"weight strategy {name!r} takes no parameter {key!r} (parameters: {known})",
                value=key,
            )
    for p in found:
        if p.kind in kinds and p.default is inspect.Parameter.empty and p.name not in params:
            raise Problem((p.name,), f"required key is missing (weight strategy {name!r})")


# -- reading --------------------------------------------------------------------------------


def _load_text(
    text: str, fmt: str, source: str, path: str | None, pm: PluginManager | None
) -> Scorecard:
    load = _Load(fmt, pm)
    token = _LOAD.set(load)
    lines: _files.Lines = lambda key_path: None  # noqa: E731 - until the text is parsed
    try:
        data, lines = _files.parse(text.removeprefix("\ufeff"), fmt)
        return _card(data, load)
    except Problem as problem:
        message, line = problem.message, problem.line
        if line is None and problem.path and problem.path[0] in load.inherited:
            line = lines(("template",))
            message = f"{message} (from template {load.template!r})"
        elif line is None:
            line = lines(problem.path)
        raise _config_error(
            source, path, problem.path, line, message, problem.value
        ) from problem.cause
    finally:
        _LOAD.reset(token)


def loads_scorecard(
    text: str,
    format: str,
    *,
    source: str = "<string>",
    plugins: PluginManager | None = None,
) -> Scorecard:
    """Build a scorecard from the text of a scorecard file.

    Args:
        text: The file's content.
        format: ``"toml"``, ``"yaml"`` (or ``"yml"``) or ``"json"``.
        source: What to call the text in error messages.
        plugins: The plugin manager that names scoring rules, weight strategies and templates
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
    return _load_text(text, _format_name(format), source, None, plugins)


def load_scorecard(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    plugins: PluginManager | None = None,
) -> Scorecard:
    """Read a scorecard file.

    Args:
        path: The file, UTF-8 text.
        format: ``"toml"``, ``"yaml"`` or ``"json"``; by default taken from the suffix
            (``.toml``, ``.yaml``, ``.yml``, ``.json``).
        plugins: The plugin manager that names scoring rules, weight strategies and templates
            (a fresh one from :func:`csperf.get_plugin_manager` by default).

    Returns:
        The :class:`~csperf.Scorecard`.

    Raises:
        ConfigError: When the file cannot be read, is not UTF-8, has a syntax error, an unknown
            key, a value of the wrong type or a missing key, or describes an invalid card. The
            message reads ``card.toml:27: indicators[3].scoring.points[1]: ...``, and the error
            carries ``path``, ``field`` (the key path, a tuple such as ``("indicators", 3,
            "scoring", "points", 1)``; ``key_path`` is its text) and ``line``.
    """
    fmt = _format_of(path, format)
    name = os.fspath(path)
    return _load_text(_read_text(path), fmt, name, name, plugins)


def _read_text(path: str | os.PathLike[str]) -> str:
    """A file's UTF-8 text (a byte-order mark is dropped), or a ConfigError."""
    name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(
            msg=f"cannot read the file: {exc.strerror or exc}",
            obj=f"scorecard file {name}",
            value=name,
            path=name,
            source=name,
        ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _config_error(
            name, name, (), line, f"the file is not UTF-8 text (byte {exc.start})"
        ) from None


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
    try:
        data, _ = _files.parse(_read_text(path).removeprefix("\ufeff"), fmt)
    except Problem as problem:
        raise _config_error(
            name, name, problem.path, problem.line, problem.message, problem.value
        ) from None
    return plain(data)


# -- the JSON Schema -----------------------------------------------------------------------


def scorecard_schema(plugins: PluginManager | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scorecard files.

    Generated from the model: the attrs fields of each part of a card, the scoring rules of
    the plugins by their ``kind`` and fields, the names of the weight strategies and templates.
    It checks the shape of a file (keys, types, names) as an editor can, while you type; checks
    that span several values (weights summing to 100, indicators naming a dimension of the
    card, bands that meet) are left to :func:`load_scorecard`. The schema of the built-in
    plugins ships as ``scorecard.schema.json`` in the package; ``csperf schema`` prints the one
    of the installed plugins.

    Args:
        plugins: The plugin manager that names scoring rules, weight strategies and templates
            (a fresh one from :func:`csperf.get_plugin_manager` by default).

    Returns:
        The schema, as JSON-ready data.

    Examples:
        >>> schema = scorecard_schema()
        >>> schema["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
        >>> schema["$defs"]["ScoringRule"]["properties"]["kind"]["enum"]
        ['piecewise', 'ratio_to_target', 'steps', 'target_tolerance']
    """
    from csperf import _schema
    from csperf.hooks.manager import get_plugin_manager

    _converter()  # resolves the model's annotations
    return _schema.build(get_plugin_manager() if plugins is None else plugins, TYPING_ONLY)


_SCHEMA_FILE = "scorecard.schema.json"
"""The schema file in the package: the schema with the built-in plugins."""


def _write_schema(path: str | os.PathLike[str] | None = None) -> Path:
    """Write the schema of the built-in plugins, by default to the file the package ships."""
    from csperf.hooks.manager import get_plugin_manager

    target = path if path is not None else Path(str(resources.files("csperf") / _SCHEMA_FILE))
    schema = scorecard_schema(get_plugin_manager(entry_points=False))
    return atomic_write_text(target, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


# -- writing --------------------------------------------------------------------------------


def _header(card: Scorecard) -> list[str]:
    return [
        f"# csperf scorecard {card.key}",
        f"# fingerprint {card.fingerprint}",
        "# Weights are percentages: each level sums to 100.",
    ]


def _toml_tables(path: KeyPath) -> tuple[str, ...]:
    """The keys written as ``[sub.tables]`` below ``path``; every other value is inline."""
    if path == ():
        return ("grade_scale", "dimensions", "indicators", "vetoes", "adjustments", "weighting")
    if len(path) == 2 and path[0] == "indicators":
        return ("scoring", "standards", "scale", "raters")
    if path == ("weighting",):
        return ("indicators",)
    return ()


_WRITERS: dict[str, Callable[[Scorecard], str]] = {
    "toml": lambda card: _files.toml_text(_document(card), _header(card), _toml_tables),
    "yaml": lambda card: _files.yaml_text(_document(card), _header(card)),
    "json": lambda card: _files.json_text(_document(card)),
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
            msg=f"dumps_scorecard: expected a Scorecard, got {type(card).__name__}",
            field="card",
            value=card,
        )
    try:
        text = _WRITERS[fmt](card)
        text.encode("utf-8")
    except Problem as problem:
        keys = format_key_path(problem.path)
        where = f"{keys}: " if keys else ""
        raise ConfigError(
            msg=f"cannot write scorecard {card.key!r} as {fmt.upper()}: {where}{problem.message}",
            field=problem.path or None,
            value=problem.value,
        ) from None
    except UnicodeEncodeError as exc:
        raise ConfigError(
            msg=f"cannot write scorecard {card.key!r}: its text holds {exc.object[exc.start]!r}, "
            "which is not valid Unicode",
            value=exc.object[exc.start],
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
        raise exc.inside(f"{name}").evolve(path=name) from exc.__cause__
    return atomic_write_text(path, text)
