"""Dimensions: the groups indicators belong to (service quality, efficiency...)."""

from __future__ import annotations

from typing import Any

import attrs

from csperf._canonical import CanonicalForm
from csperf._keys import valid_key
from csperf.text import KEYED_TEXT, Text, localize, to_text

__all__ = ["Dimension"]


def _description(value: Any) -> Text:
    if isinstance(value, str) and value == "":
        return ""
    return to_text(value, obj="Dimension", field="description")


@attrs.frozen
class Dimension(CanonicalForm):
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
