"""Helpers shared by the weight strategies: key checks, exact sums, readable percentages."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from csperf._labels import LANGUAGES, label
from csperf._numbers import exact
from csperf.errors import WeightingError
from csperf.text import LocalizedText
from csperf.weighting import Weighting

__all__ = [
    "both",
    "check_choice",
    "check_keys",
    "each_lang",
    "exact_levels",
    "groups_of",
    "joined",
    "normalised",
    "percent",
    "percent_list",
    "rebuild",
    "to_weighting",
]


def percent(value: float | Fraction) -> str:
    """A weight as a readable percentage: ``0.3`` → ``'30%'``, ``0.270833`` → ``'27.08%'``."""
    text = f"{float(value) * 100:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return f"{text}%"


def percent_list(weights: Mapping[str, float | Fraction]) -> str:
    """``'a 50%, b 50%'``."""
    return ", ".join(f"{key} {percent(value)}" for key, value in weights.items())


def both(key: str, /, **fields: object) -> LocalizedText:
    """The label ``key`` in every language; a :class:`LocalizedText` field is taken in each.

    Examples:
        >>> both("weights.within", dimension="quality")["zh"]
        'quality 维度内'
    """
    return LocalizedText(
        {
            lang: label(
                key,
                lang,
                **{k: v[lang] if isinstance(v, LocalizedText) else v for k, v in fields.items()},
            )
            for lang in LANGUAGES
        }
    )


def each_lang(text: Callable[[str], str]) -> LocalizedText:
    """``{lang: text(lang)}`` for every language."""
    return LocalizedText({lang: text(lang) for lang in LANGUAGES})


def joined(separator: str, parts: Iterable[LocalizedText]) -> LocalizedText:
    """The parts joined, language by language, with the label ``separator``."""
    items = list(parts)
    return each_lang(lambda lang: label(separator, lang).join(p[lang] for p in items))


def check_keys(keys: Any, obj: str, field: str = "keys") -> tuple[str, ...]:
    """A non-empty sequence of distinct text keys, as a tuple.

    Raises:
        WeightingError: When ``keys`` is not such a sequence.
    """
    if isinstance(keys, (str, bytes, Mapping)) or not isinstance(keys, Iterable):
        raise WeightingError(
            msg=f"{field} must be a sequence of keys, got {type(keys).__name__}",
            obj=obj,
            field=field,
            value=keys,
        )
    result = tuple(keys)
    if not result:
        raise WeightingError(msg=f"{field} is empty", obj=obj, field=field, value=result)
    seen: set[str] = set()
    for key in result:
        if not isinstance(key, str) or not key:
            raise WeightingError(
                msg=f"{field} holds {key!r}, which is not a key", obj=obj, field=field, value=key
            )
        if key in seen:
            raise WeightingError(
                msg=f"{field} repeats the key {key!r}", obj=obj, field=field, value=key
            )
        seen.add(key)
    return result


def normalised(values: Sequence[float]) -> list[float]:
    """Values divided by their (compensated) sum, so they add up to 1 within a few ulps."""
    total = math.fsum(values)
    return [v / total for v in values]


def groups_of(weighting: Weighting) -> dict[str, list[str]]:
    """Dimension key → its indicator keys, in the weighting's order."""
    return {dim: list(inner) for dim, inner in weighting.indicators.items()}


def exact_levels(
    weighting: Weighting,
) -> tuple[dict[str, Fraction], dict[str, dict[str, Fraction]]]:
    """Both levels of a weighting as exact fractions of their decimal values."""
    dims = {d: exact(w) for d, w in weighting.dimensions.items()}
    inner = {d: {k: exact(w) for k, w in ws.items()} for d, ws in weighting.indicators.items()}
    return dims, inner


def rebuild(
    effective: Mapping[str, Fraction],
    groups: Mapping[str, Sequence[str]],
    fallback: Mapping[str, Mapping[str, Fraction]],
) -> Weighting:
    """Rebuild a two-level weighting from exact effective weights.

    The effective weights are first scaled to sum to exactly 1 (inputs that passed
    :class:`~csperf.Weighting`'s 1e-9 check may be off by that much). A dimension's weight is
    the sum of its indicators' effective weights; an indicator's weight within its dimension is
    its share of that sum. A dimension whose effective weights are all 0 keeps the
    within-dimension weights given in ``fallback`` (scaled to sum to 1).
    """
    grand = sum(effective.values(), Fraction(0))
    dims: dict[str, Fraction] = {}
    inner: dict[str, dict[str, Fraction]] = {}
    for dim, keys in groups.items():
        total = sum((effective[k] for k in keys), Fraction(0))
        dims[dim] = total / grand
        if total > 0:
            inner[dim] = {k: effective[k] / total for k in keys}
        else:
            kept = sum((Fraction(fallback[dim][k]) for k in keys), Fraction(0))
            inner[dim] = {k: Fraction(fallback[dim][k]) / kept for k in keys}
    return to_weighting(dims, inner)


def to_weighting(
    dims: Mapping[str, Fraction], inner: Mapping[str, Mapping[str, Fraction]]
) -> Weighting:
    """A :class:`~csperf.Weighting` from exact levels that each sum to exactly 1."""
    return Weighting(
        {d: float(w) for d, w in dims.items()},
        {d: {k: float(w) for k, w in ws.items()} for d, ws in inner.items()},
    )


def check_choice(value: object, choices: Sequence[str], *, obj: str, field: str) -> None:
    """Raise :class:`~csperf.errors.WeightingError` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise WeightingError(
            msg=f"{field} must be one of {', '.join(choices)}, got {value!r}",
            obj=obj,
            field=field,
            value=value,
        )
