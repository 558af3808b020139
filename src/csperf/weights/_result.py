"""The result every weight strategy returns: a weighting and the report of how it was reached."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from csperf._labels import check_lang
from csperf.errors import ValidationError
from csperf.text import LocalizedText, Text, localize, to_text
from csperf.weighting import Weighting

if TYPE_CHECKING:
    from csperf.scorecard import Scorecard

__all__ = ["WeightResult", "largest_remainder", "rounded_weighting"]


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(line, str) for line in value):
        raise ValidationError(
            msg="field 'lines' must be a sequence of strings",
            obj="WeightResult",
            field="lines",
            value=value,
        )
    return tuple(value)


def _details(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(
            msg=f"field 'details' must be a dict, got {type(value).__name__}",
            obj="WeightResult",
            field="details",
            value=value,
        )
    return value


def _translations(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            msg=f"field 'translations' must map languages to lines, got {type(value).__name__}",
            obj="WeightResult",
            field="translations",
            value=value,
        )
    found = {}
    for lang, lines in value.items():
        check_lang(lang)
        if not isinstance(lines, Sequence):
            raise ValidationError(
                msg="field 'translations' must map languages to sequences of strings",
                obj="WeightResult",
                field=("translations", lang),
                value=lines,
            )
        found[lang] = _lines(lines)
    return found


@attrs.frozen
class WeightResult:
    """A weighting together with the readable report of how a strategy reached it.

    Attributes:
        weighting: The :class:`~csperf.Weighting` found.
        lines: The report, one readable line per step or change.
        strategy: The name of the strategy that produced it (``"ahp"``, ``"swot"``...).
        details: JSON-ready figures behind the result (AHP's λmax, CI and CR per level, the
            entropies of the entropy method, the SWOT adjuster's earliest expiry...). Each
            strategy documents its own keys.
        translations: The report in other languages: language → lines, one for each of
            :attr:`lines` (the built-in strategies give ``"zh"``). Read it through
            :meth:`text`.

    Examples:
        >>> from csperf.weights import WeightResult, equal
        >>> weighting = equal({"quality": ["csat", "complaints"], "speed": ["frt"]})
        >>> result = WeightResult(weighting, ["dimensions: equal, 50% each"], "equal")
        >>> result.weighting.dimensions["speed"]
        0.5
        >>> result.lines[0]
        'dimensions: equal, 50% each'
        >>> from csperf.hooks import get_plugin_manager
        >>> from csperf.templates import customer_service_manager
        >>> strategy = get_plugin_manager(entry_points=False).weight_strategy("equal")
        >>> strategy.compute(customer_service_manager()).text("zh")[0]
        '维度权重：平均分配，各 25%'
    """

    weighting: Weighting = attrs.field(validator=attrs.validators.instance_of(Weighting))
    lines: tuple[str, ...] = attrs.field(converter=_lines)
    strategy: str = attrs.field(validator=attrs.validators.instance_of(str))
    details: dict[str, Any] = attrs.field(factory=dict, converter=_details, hash=False)
    translations: dict[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_translations, hash=False, kw_only=True
    )

    @translations.validator
    def _check_translations(
        self, _attribute: attrs.Attribute[Any], value: dict[str, tuple[str, ...]]
    ) -> None:
        for lang, lines in value.items():
            if len(lines) != len(self.lines):
                raise ValidationError(
                    msg=f"field 'translations' has {len(lines)} {lang} line(s) for "
                    f"{len(self.lines)} line(s)",
                    obj="WeightResult",
                    field=("translations", lang),
                    value=lines,
                )

    @classmethod
    def of(
        cls,
        weighting: Weighting,
        lines: Sequence[Text],
        strategy: str,
        details: dict[str, Any] | None = None,
    ) -> WeightResult:
        """A result whose lines are given in several languages (``{"en": ..., "zh": ...}``).

        The English text becomes :attr:`lines`, the others :attr:`translations`.

        Examples:
            >>> from csperf.weights import equal
            >>> weighting = equal({"speed": ["frt"]})
            >>> result = WeightResult.of(weighting, [{"en": "all", "zh": "全部"}], "equal")
            >>> result.lines, result.text("zh")
            (('all',), ('全部',))
        """
        texts = [to_text(line, obj="WeightResult", field="lines") for line in lines]
        english = [localize(text) for text in texts]
        others = {
            lang for text in texts if not isinstance(text, str) for lang in text if lang != "en"
        }
        translations = {
            lang: tuple(localize(text, lang) for text in texts) for lang in sorted(others)
        }
        return cls(weighting, english, strategy, details or {}, translations=translations)

    def text(self, lang: str | None = None) -> tuple[str, ...]:
        """The report in ``lang`` (None or a language without a translation: English).

        Raises:
            ValidationError: When ``lang`` is not one of csperf's languages.
        """
        if lang is None:
            return self.lines
        return self.translations.get(check_lang(lang), self.lines)

    def notes(self) -> tuple[Text, ...]:
        """The report as :attr:`Report.notes <csperf.report.Report.notes>` takes it.

        One line each, as a ``{"en": ..., "zh": ...}`` mapping when there are translations.
        """
        if not self.translations:
            return self.lines
        return tuple(
            LocalizedText({"en": line, **{lang: t[i] for lang, t in self.translations.items()}})
            for i, line in enumerate(self.lines)
        )

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """A JSON-ready description: strategy, weighting, lines (in ``lang``) and details."""
        return {
            "strategy": self.strategy,
            "weighting": self.weighting.to_dict(),
            "lines": list(self.text(lang)),
            "details": self.details,
        }

    def apply(self, card: Scorecard) -> Scorecard:
        """A copy of ``card`` that uses this result's weighting.

        Raises:
            WeightingError: When the weighting does not fit the card's dimensions and indicators.
        """
        return attrs.evolve(card, weighting=self.weighting)


def largest_remainder(
    weights: Mapping[str, float], *, decimals: int = 2, total: int = 100
) -> dict[str, Decimal]:
    r"""Weights as percentages with ``decimals`` decimals that sum to ``total`` exactly.

    The largest-remainder (Hamilton) method, keeping equal weights equal: with the unit
    :math:`u = 10^{-d}`, each percentage :math:`p_i = 100 w_i` gets
    :math:`\lfloor p_i / u \rfloor` units, and the
    :math:`R = \text{total} / u - \sum_i \lfloor p_i / u \rfloor` units left go one each to
    the largest remainders :math:`p_i / u - \lfloor p_i / u \rfloor`. Equal remainders
    (compared to nine decimals, so that float noise such as ``42.85714285714287`` against
    ``42.85714285714285`` does not part equal weights) form groups, and the units go to whole
    groups when some groups fill the :math:`R` units exactly: the first such choice taking
    the groups in order of remainder, largest first. When none does, they go one each to the
    largest remainders, the key listed first on a tie. Every percentage is its exact value
    rounded down or up by less than one unit, and they sum to ``total``, which rounding each
    on its own can miss (three thirds are ``33.33 + 33.33 + 33.33 = 99.99``).

    Args:
        weights: Key → weight, fractions summing to 1 (within float error).
        decimals: Decimals of the percentages, 0 or more.
        total: What the percentages sum to.

    Returns:
        Key → percentage, in the order of ``weights``.

    Examples:
        >>> largest_remainder({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
        {'a': Decimal('33.34'), 'b': Decimal('33.33'), 'c': Decimal('33.33')}
        >>> largest_remainder({"a": 0.4285714285714287, "b": 0.4285714285714285,
        ...                    "c": 0.1428571428571428})
        {'a': Decimal('42.86'), 'b': Decimal('42.86'), 'c': Decimal('14.28')}
    """
    scale = 10**decimals
    quotas = {k: Fraction(w) * total * scale for k, w in weights.items()}
    units = {k: math.floor(q) for k, q in quotas.items()}
    left = max(0, min(len(units), round(total * scale - sum(units.values()))))
    rest = {k: round(float(quotas[k] - units[k]), 9) for k in quotas}
    order = sorted(quotas, key=lambda k: -rest[k])
    groups: dict[float, list[str]] = {}
    for key in order:
        groups.setdefault(rest[key], []).append(key)
    # Serve whole groups of equal remainders that fill the units left exactly, the largest
    # remainders first (fits[i][u]: the groups from i on can fill u units exactly).
    sizes = [len(g) if r > 0 else left + 1 for r, g in groups.items()]
    fits = [[False] * (left + 1) for _ in range(len(sizes) + 1)]
    fits[len(sizes)][0] = True
    for i in range(len(sizes) - 1, -1, -1):
        for u in range(left + 1):
            fits[i][u] = fits[i + 1][u] or (sizes[i] <= u and fits[i + 1][u - sizes[i]])
    served: set[str] = set()
    if fits[0][left]:
        for i, group in enumerate(groups.values()):
            if sizes[i] <= left and fits[i + 1][left - sizes[i]]:
                served.update(group)
                left -= sizes[i]
    for key in order:
        if left and key not in served:
            served.add(key)
            left -= 1
    return {k: Decimal(u + (k in served)).scaleb(-decimals) for k, u in units.items()}


def rounded_weighting(weighting: Weighting, *, decimals: int = 2) -> Weighting:
    """The weighting with each level rounded by :func:`largest_remainder`, as files show it.

    Each level (the dimensions, and the indicators of each dimension) becomes percentages with
    ``decimals`` decimals summing to exactly 100, so that a scorecard file people review shows
    ``55.84`` rather than the float noise of a computed weight (``55.84245430947975``) and
    two equal judgements the same number. ``csperf weights --write`` writes this form.

    Args:
        weighting: The :class:`~csperf.Weighting`.
        decimals: Decimals of the percentages.

    Returns:
        A :class:`~csperf.Weighting` whose weights are the rounded percentages over 100.

    Examples:
        >>> from csperf import Weighting
        >>> w = Weighting({"quality": 0.5584245430947975, "speed": 0.4415754569052025},
        ...               {"quality": {"csat": 1.0}, "speed": {"frt": 1.0}})
        >>> dict(rounded_weighting(w).dimensions)
        {'quality': 0.5584, 'speed': 0.4416}
    """

    def level(values: Mapping[str, float]) -> dict[str, float]:
        found = largest_remainder(values, decimals=decimals)
        return {k: float(v.scaleb(-2)) for k, v in found.items()}

    return Weighting(
        level(weighting.dimensions),
        {d: level(inner) for d, inner in weighting.indicators.items()},
    )
