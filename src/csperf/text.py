"""Display names in one or several languages.

Wherever csperf takes a display name (:attr:`Dimension.name <csperf.Dimension.name>`,
:attr:`Indicator.name <csperf.Indicator.name>`, :attr:`GradeBand.label <csperf.GradeBand.label>`),
it accepts a plain string or a mapping of language code to text, such as
``{"zh": "服务质量", "en": "Service quality"}``. Mappings are stored as :class:`LocalizedText`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from csperf._frozen import FrozenDict
from csperf.errors import ValidationError

__all__ = ["LocalizedText", "Text", "localize"]

_UNWRITABLE = re.compile("[\ud800-\udfff]")
"""Lone surrogates: no character, so no UTF-8 file (nor the fingerprint) can hold them."""


class LocalizedText(FrozenDict[str, str]):
    """An immutable mapping of language code (``"en"``, ``"zh"``...) to text.

    ``str()`` gives the English text when there is one, else the first language given.

    Examples:
        >>> name = LocalizedText({"zh": "效率", "en": "Efficiency"})
        >>> str(name), name["zh"]
        ('Efficiency', '效率')
    """

    def __str__(self) -> str:
        return localize(self)


Text = str | Mapping[str, str]
"""A display name: a plain string or a mapping of language to text.

Objects store a mapping as a :class:`LocalizedText`.
"""


def to_text(value: Any, *, obj: str = "object", field: str = "name") -> Text:
    """Normalise a display name, raising :class:`~csperf.errors.ValidationError` when it is bad.

    Args:
        value: A non-empty string, or a non-empty mapping of non-empty language codes to
            non-empty strings.
        obj: The object being built, for the error message.
        field: The field being set, for the error message.

    Returns:
        The string unchanged, or the mapping as a :class:`LocalizedText`.

    Raises:
        ValidationError: When the value is empty or not text.
    """

    def bad(what: str, offending: Any) -> ValidationError:
        return ValidationError(msg=f"field {field!r} {what}", obj=obj, field=field, value=offending)

    if isinstance(value, str):
        if not value.strip():
            raise bad("must not be empty", value)
        if _UNWRITABLE.search(value):
            raise bad("must not hold a lone surrogate (no character; no file can hold it)", value)
        return value
    if isinstance(value, Mapping):
        if not value:
            raise bad("must name at least one language", dict(value))
        for lang, text in value.items():
            if not isinstance(lang, str) or not lang.strip():
                raise bad(f"has a bad language code {lang!r}", lang)
            if not isinstance(text, str) or not text.strip():
                raise bad(f"has an empty or non-text {lang!r} entry: {text!r}", text)
            if _UNWRITABLE.search(text):
                raise bad(f"has a lone surrogate in its {lang!r} entry (no character)", text)
        return value if isinstance(value, LocalizedText) else LocalizedText(value)
    raise bad(
        f"must be a string or a mapping of language to text, got {type(value).__name__} {value!r}",
        value,
    )


def _keyed_text(value: Any, instance: Any, field: attrs.Attribute[Any]) -> Text:
    return to_text(value, obj=f"{type(instance).__name__} {instance.key!r}", field=field.name)


KEYED_TEXT: attrs.Converter[Any, Text] = attrs.Converter(
    _keyed_text, takes_self=True, takes_field=True
)
"""attrs converter of a display-name field; errors name the class and key (``Indicator 'csat'``).

The key field must come before the display name in the class.
"""


def localize(text: Text, lang: str | None = None) -> str:
    """Pick the text for a language.

    Args:
        text: A plain string (returned as it is) or a :class:`LocalizedText`.
        lang: The language wanted; None means English if present, else the first language.

    Returns:
        The text in ``lang``, falling back to English, then to the first language given.

    Examples:
        >>> localize({"zh": "良好", "en": "good"}, "zh")
        '良好'
        >>> localize("good", "zh")
        'good'
    """
    if isinstance(text, str):
        return text
    if lang is not None and lang in text:
        return text[lang]
    if "en" in text:
        return text["en"]
    return next(iter(text.values()))


def plain_text(text: Text) -> str | dict[str, str]:
    """A display name as JSON-ready data: the string, or a plain dict of language to text."""
    return text if isinstance(text, str) else dict(text)
