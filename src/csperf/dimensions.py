"""Dimensions: the groups indicators belong to (service quality, efficiency...)."""

from __future__ import annotations

from typing import Any

import attrs

from csperf._keys import valid_key
from csperf.text import KEYED_TEXT, Text, localize, plain_text, to_text

__all__ = ["Dimension"]


def _description(value: Any) -> Text:
    if isinstance(value, str) and value == "":
        return ""
    return to_text(value, obj="Dimension", field="description")


@attrs.frozen
class Dimension:
    """A group of indicators that carries one weight in the scorecard.

    Attributes:
        key: Identifier (``[a-z][a-z0-9_]*``), unique in a scorecard.
        name: Display name, a string or a mapping of language to text.
        description: What the dimension covers, for people.

    Examples:
        >>> Dimension("efficiency", {"zh": "效率", "en": "Efficiency"}).text("zh")
        '效率'
    """

    key: str = attrs.field(validator=valid_key)
    name: Text = attrs.field(converter=KEYED_TEXT)  # type: ignore[misc]
    description: Text = attrs.field(default="", converter=_description)

    def text(self, lang: str | None = None) -> str:
        """The display name in ``lang``."""
        return localize(self.name, lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the dimension."""
        return {
            "key": self.key,
            "name": plain_text(self.name),
            "description": plain_text(self.description),
        }
