"""The canonical form of the model: JSON-ready data that a card's fingerprint hashes.

One cattrs converter unstructures every model class the same way: each init field of an attrs
class under its name, display names as strings or plain dicts, enums as their values, dates as
ISO text, frozen mappings as dicts, tuples as lists, and a scoring rule as its own document form
(:meth:`ScoringRule.to_dict <csperf.ScoringRule.to_dict>`), so a plugin rule takes part like a
built-in one. The model classes, and the results of the weight methods, get their ``to_dict``
from it (:class:`CanonicalForm`). This module stands on the model's ground floor: it imports no
other layer.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

__all__ = ["OMIT_IF_DEFAULT", "TYPING_ONLY", "CanonicalForm", "canonical", "resolve_types"]

OMIT_IF_DEFAULT = "csperf.omit_if_default"
"""Field metadata key: a field added later, left out of the canonical form at its default.

A new optional field of a model class carries ``metadata={OMIT_IF_DEFAULT: True}`` so that the
canonical form, and so the fingerprint, of every object that does not use it stays as it was.
"""


class _Untyped:
    """Stands for a generic imported for type checking only (``NDArray[np.float64]``)."""

    def __class_getitem__(cls, item: Any) -> Any:
        return Any


TYPING_ONLY = {"NDArray": _Untyped, "ArrayLike": Any}
"""Names the model imports for type checking only, to resolve its annotations at run time."""


def resolve_types(cls: type[Any]) -> type[Any]:
    """Resolve the annotations of a model class (cattrs reads the field types)."""
    return attrs.resolve_types(cls, localns=TYPING_ONLY)


def _is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


@functools.cache
def _converter() -> cattrs.Converter:
    from csperf.rules import ScoringRule
    from csperf.scorecard import MissingPolicy
    from csperf.units import Direction

    conv = cattrs.Converter()

    def attrs_class(cls: type[Any]) -> Any:
        resolve_types(cls)
        computed: dict[str, Any] = {
            a.name: override(omit=True) for a in attrs.fields(cls) if not a.init
        }
        computed.update(
            {
                a.name: override(omit_if_default=True)
                for a in attrs.fields(cls)
                if a.init and a.metadata.get(OMIT_IF_DEFAULT)
            }
        )
        return make_dict_unstructure_fn(cls, conv, **computed)

    def mapping(value: Mapping[Any, Any]) -> dict[Any, Any]:
        return {key: conv.unstructure(item) for key, item in value.items()}

    conv.register_unstructure_hook_factory(attrs.has, attrs_class)
    conv.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Mapping), mapping
    )
    conv.register_unstructure_hook_func(_is_enum, lambda member: member.value)
    conv.register_unstructure_hook(datetime.date, lambda day: day.isoformat())
    for choice in (Direction, MissingPolicy):  # str enums: their value, not the member
        conv.register_unstructure_hook(choice, lambda member: member.value)
    conv.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, ScoringRule),
        lambda rule: rule.to_dict(),
    )
    return conv


def canonical(obj: Any) -> Any:
    """The canonical, JSON-ready form of a model object (a card, an indicator, a weighting...)."""
    return _converter().unstructure(obj, type(obj))


class CanonicalForm:
    """Gives a model class its :meth:`to_dict`: the canonical form, from the one converter."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The object's canonical content as JSON-ready data (the form a fingerprint hashes)."""
        form: dict[str, Any] = canonical(self)
        return form
