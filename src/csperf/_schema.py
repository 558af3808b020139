"""The JSON Schema of scorecard files, generated from the model.

Each model class the converter reads (:class:`~csperf.Dimension`, :class:`~csperf.Indicator`,
:class:`~csperf.GradeScale`, :class:`~csperf.GradeBand` and the scoring rules) becomes a
definition: its attrs fields are the properties, the fields without a default are required, the
field types give the JSON types. The file's own forms are added where the converter has them:
weights in percent or a weight strategy, open ends as null, a template to start from. Checks
that span several values (weights summing to 100, indicators naming a dimension of the card,
bands that meet) are left to csperf: a file the schema accepts can still be refused on loading.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from typing import TYPE_CHECKING, Any, Literal

import attrs

from csperf.dimensions import Dimension
from csperf.grading import GradeBand, GradeScale
from csperf.indicators import Indicator
from csperf.rules import ScoringRule
from csperf.scorecard import Scorecard
from csperf.text import Text
from csperf.units import ValueDomain

if TYPE_CHECKING:
    from csperf.hooks.manager import PluginManager

__all__ = ["DRAFT", "build"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_MODELS: tuple[type[Any], ...] = (GradeBand, GradeScale, ValueDomain, Dimension, Indicator)
_NUMBER_OR_OPEN = {"type": ["number", "null"], "description": "A number; null is an open end."}


def _descriptions(cls: type[Any]) -> dict[str, str]:
    """The ``Attributes:`` section of a Google-style class docstring, by attribute name."""
    found: dict[str, str] = {}
    _, _, section = (cls.__doc__ or "").partition("    Attributes:\n")
    name = ""
    for line in section.splitlines():
        if line.startswith(" " * 12) and name:
            found[name] += " " + _plain(line.strip())
        elif line.startswith(" " * 8) and ":" in line:
            name, _, text = line.strip().partition(":")
            found[name] = _plain(text.strip())
        else:
            break
    return found


_ROLE = re.compile(r":\w+:`~?(?:[\w.]+\.)?([^`.]+)`")


def _plain(text: str) -> str:
    """Docstring text without reST markup, for editors: ``:class:`~csperf.X``` → ``X``."""
    return _ROLE.sub(r"\1", text).replace("``", "`")


def _summary(cls: type[Any]) -> str:
    return _plain((cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "))


class _Builder:
    def __init__(self, resolve: dict[str, Any]) -> None:
        self.resolve = resolve
        self.defs: dict[str, Any] = {}

    def type_schema(self, cls: Any, *, in_rule: bool = False) -> dict[str, Any]:
        """The JSON Schema of a value the converter structures as ``cls``."""
        origin, args = typing.get_origin(cls), typing.get_args(cls)
        if cls is str:
            return {"type": "string"}
        if cls is bool:
            return {"type": "boolean"}
        if cls is int:
            return {"type": "integer"}
        if cls is float:
            return dict(_NUMBER_OR_OPEN) if in_rule else {"type": "number"}
        if cls == Text:
            return {"$ref": "#/$defs/Text"}
        if origin is Literal:
            return {"enum": list(args)}
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            return {"enum": [member.value for member in cls]}
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.type_schema(args[0], in_rule=in_rule)}
        if origin is tuple:
            items = [self.type_schema(a, in_rule=in_rule) for a in args]
            return {"type": "array", "prefixItems": items, "items": False, "minItems": len(items)}
        if origin in (typing.Union, types.UnionType):  # X | None, the only unions of the model
            return {"anyOf": [self.type_schema(a, in_rule=in_rule) for a in args]}
        if cls is type(None):
            return {"type": "null"}
        if cls is ScoringRule:
            return {"$ref": "#/$defs/ScoringRule"}
        if isinstance(cls, type) and attrs.has(cls):
            return {"$ref": f"#/$defs/{self.model(cls)}"}
        return {}

    def fields(self, cls: type[Any], *, in_rule: bool = False) -> tuple[dict[str, Any], list[str]]:
        attrs.resolve_types(cls, localns=self.resolve)
        notes = _descriptions(cls)
        properties: dict[str, Any] = {}
        required = []
        for field in attrs.fields(cls):
            if not field.init:
                continue
            name = field.alias or field.name
            schema = self.type_schema(field.type, in_rule=in_rule)
            if name in notes:
                schema = {**schema, "description": notes[name]}
            properties[name] = schema
            if field.default is attrs.NOTHING:
                required.append(name)
        return properties, required

    def model(self, cls: type[Any]) -> str:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # a placeholder while the fields are generated
            properties, required = self.fields(cls)
            if cls in (GradeBand, ValueDomain):  # an open end: ±inf in TOML/YAML, null in YAML/JSON
                for end in ("lower", "upper"):
                    properties[end] = {**properties[end], "type": ["number", "null"]}
            self.defs[name] = {
                "description": _summary(cls),
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
        return name

    def rule(self, kind: str, cls: type[ScoringRule]) -> dict[str, Any]:
        schema: dict[str, Any] = {"description": _summary(cls), "type": "object"}
        properties: dict[str, Any] = {"kind": {"const": kind}}
        required = ["kind"]
        if attrs.has(cls):
            try:
                fields, needed = self.fields(cls, in_rule=True)
            except Exception:  # a plugin rule whose annotations do not resolve
                fields, needed = {}, []
            else:
                schema["additionalProperties"] = False
            properties.update(fields)
            required += needed
        return {**schema, "properties": properties, "required": required}


def build(pm: PluginManager, resolve: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scorecard file, with the plugins of ``pm``.

    Args:
        pm: Names the scoring rules, weight strategies and templates a file may use.
        resolve: Names the model imports for type checking only, to resolve its annotations.

    Returns:
        The schema, as JSON-ready data.
    """
    builder = _Builder(resolve)
    builder.defs["Text"] = {
        "description": "A display name: a string, or a table of language code to text.",
        "anyOf": [
            {"type": "string"},
            {"type": "object", "additionalProperties": {"type": "string"}},
        ],
    }
    for cls in _MODELS:
        builder.model(cls)
    rules = pm.scoring_rules()
    for kind, cls in sorted(rules.items()):
        builder.defs[f"rule:{kind}"] = builder.rule(kind, cls)
    builder.defs["ScoringRule"] = {
        "description": "A scoring rule, named by its kind.",
        "type": "object",
        "properties": {"kind": {"enum": sorted(rules)}},
        "required": ["kind"],
        "oneOf": [{"$ref": f"#/$defs/rule:{kind}"} for kind in sorted(rules)],
    }
    percent = {"type": "number", "minimum": 0, "maximum": 100}
    builder.defs["Weighting"] = {
        "description": "Weights in percent (each level sums to 100), or a weight strategy "
        "and its parameters.",
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "dimensions": {"type": "object", "additionalProperties": percent},
                    "indicators": {
                        "type": "object",
                        "additionalProperties": {"type": "object", "additionalProperties": percent},
                    },
                },
                "required": ["dimensions", "indicators"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"strategy": {"enum": sorted(pm.weight_strategies())}},
                "required": ["strategy"],
            },
        ],
    }
    properties, required = builder.fields(Scorecard)
    properties["weighting"] = {"$ref": "#/$defs/Weighting"}
    properties["template"] = {
        "description": "A template to start from: each section the file gives replaces the "
        "template's section whole.",
        "enum": sorted(pm.templates()),
    }
    return {
        "$schema": DRAFT,
        "title": "csperf scorecard file",
        "description": _summary(Scorecard),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "if": {"not": {"required": ["template"]}},
        "then": {"required": required},
        "$defs": dict(sorted(builder.defs.items())),
    }
