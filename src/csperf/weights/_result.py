"""The result every weight strategy returns: a weighting and the report of how it was reached."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from csperf._labels import check_lang
from csperf.errors import ValidationError
from csperf.text import LocalizedText, Text, localize, to_text
from csperf.weighting import Weighting

if TYPE_CHECKING:
    from csperf.scorecard import Scorecard

__all__ = ["WeightResult"]


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
