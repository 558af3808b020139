"""The result every weight strategy returns: a weighting and the report of how it was reached."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from csperf.errors import ValidationError
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

    Examples:
        >>> from csperf.weights import WeightResult, equal
        >>> weighting = equal({"quality": ["csat", "complaints"], "speed": ["frt"]})
        >>> result = WeightResult(weighting, ["dimensions: equal, 50% each"], "equal")
        >>> result.weighting.dimensions["speed"]
        0.5
        >>> result.lines[0]
        'dimensions: equal, 50% each'
    """

    weighting: Weighting = attrs.field(validator=attrs.validators.instance_of(Weighting))
    lines: tuple[str, ...] = attrs.field(converter=_lines)
    strategy: str = attrs.field(validator=attrs.validators.instance_of(str))
    details: dict[str, Any] = attrs.field(factory=dict, converter=_details, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: strategy, weighting, lines and details."""
        return {
            "strategy": self.strategy,
            "weighting": self.weighting.to_dict(),
            "lines": list(self.lines),
            "details": self.details,
        }

    def apply(self, card: Scorecard) -> Scorecard:
        """A copy of ``card`` that uses this result's weighting.

        Raises:
            WeightingError: When the weighting does not fit the card's dimensions and indicators.
        """
        return attrs.evolve(card, weighting=self.weighting)
