"""Dimensions: the groups indicators belong to (service quality, efficiency...)."""

from __future__ import annotations

from typing import Any

import attrs

from csperf.grading import check_key
from csperf.text import Text, localize, plain_text, to_text

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

    key: str
    name: Text
    description: Text = attrs.field(default="", converter=_description)

    def __attrs_post_init__(self) -> None:
        check_key("Dimension", "key", self.key)
        object.__setattr__(
            self, "name", to_text(self.name, obj=f"Dimension {self.key!r}", field="name")
        )

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
