"""Two-level weights: across dimensions, and across the indicators within each dimension."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._numbers import as_real, exact
from csperf.errors import WeightingError

__all__ = ["Weighting"]

TOLERANCE = 1e-9
"""How far a level's weights may sum from 1 (or from 100 for percentages)."""


def _entries(entries: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in entries.items())


def _level(value: Any, level: str) -> FrozenDict[str, float]:
    if not isinstance(value, Mapping):
        raise WeightingError(
            msg=f"{level} must be a mapping of key to weight, got {type(value).__name__}",
            obj="Weighting",
            field=level,
            value=value,
        )
    result: dict[str, float] = {}
    for key, weight in value.items():
        if not isinstance(key, str):
            raise WeightingError(
                msg=f"{level} has a non-text key {key!r}", obj="Weighting", field=level, value=key
            )
        number = as_real(
            weight,
            obj="Weighting",
            field=(level, key),
            name=f"{level}[{key!r}]",
            error=WeightingError,
        )
        if number < 0:
            raise WeightingError(
                msg=f"{level} weight {key}={number:g} is negative",
                obj="Weighting",
                field=(level, key),
                value=number,
            )
        result[key] = number
    if not result:
        raise WeightingError(
            msg=f"{level} holds no weights", obj="Weighting", field=level, value={}
        )
    return FrozenDict(result)


def _check_sum(entries: Mapping[str, float], level: str, total: float = 1.0) -> None:
    found = math.fsum(entries.values())
    if abs(found - total) > TOLERANCE * total:
        raise WeightingError(
            msg=f"Weighting for {level} sums to {found:.10g}, expected {total:g} "
            f"({_entries(entries)})",
            field=level,
            value=found,
        )


def _dimensions(value: Any) -> FrozenDict[str, float]:
    return _level(value, "dimensions")


def _indicators(value: Any) -> FrozenDict[str, FrozenDict[str, float]]:
    if not isinstance(value, Mapping):
        raise WeightingError(
            msg="indicators must map dimension key to {indicator key: weight}, "
            f"got {type(value).__name__}",
            obj="Weighting",
            field="indicators",
            value=value,
        )
    return FrozenDict({dim: _level(inner, f"dimension {dim!r}") for dim, inner in value.items()})


def key_mismatch(
    given: Iterable[Any], expected: Iterable[Any], missing: str, unknown: str
) -> tuple[str, list[Any], list[Any]]:
    """How ``given`` keys differ from ``expected``: ``"{missing} a, b; {unknown} c"``.

    Returns:
        The text ("" when they agree), the expected keys not given, the given keys not expected.
    """
    given, expected = list(given), list(expected)
    lost = [k for k in expected if k not in given]
    extra = [k for k in given if k not in expected]
    parts = [f"{missing} {', '.join(map(str, lost))}"] if lost else []
    parts += [f"{unknown} {', '.join(map(str, extra))}"] if extra else []
    return "; ".join(parts), lost, extra


@attrs.frozen
class Weighting(CanonicalForm):
    r"""Weights on two levels.

    ``dimensions`` maps each dimension key to its weight; ``indicators`` maps each dimension key
    to the weights of its indicators within that dimension. Each level sums to 1 (within
    1e-9). The *effective* weight of an indicator is its dimension's weight times its weight
    within the dimension:

    .. math::

        w_{\text{eff}}(i) = w_{\text{dim}}(d(i)) \cdot w_{\text{within}}(i)

    Attributes:
        dimensions: Dimension key → weight.
        indicators: Dimension key → {indicator key → weight within the dimension}.

    Raises:
        WeightingError: When a weight is negative or not finite, a level does not sum to 1,
            a dimension has no indicator weights (or indicator weights name an unknown
            dimension), or an indicator appears in two dimensions.

    Examples:
        >>> w = Weighting(
        ...     {"quality": 0.6, "speed": 0.4},
        ...     {"quality": {"csat": 0.5, "complaints": 0.5}, "speed": {"frt": 1.0}},
        ... )
        >>> w.effective()
        {'csat': 0.3, 'complaints': 0.3, 'frt': 0.4}
    """

    dimensions: FrozenDict[str, float] = attrs.field(converter=_dimensions)
    indicators: FrozenDict[str, FrozenDict[str, float]] = attrs.field(converter=_indicators)

    @indicators.validator
    def _check_levels(
        self, attribute: attrs.Attribute[Any], value: FrozenDict[str, FrozenDict[str, float]]
    ) -> None:
        """Both levels sum to 1 and name the same dimensions; no indicator is weighted twice."""
        _check_sum(self.dimensions, "dimensions")
        text, missing, extra = key_mismatch(
            self.indicators,
            self.dimensions,
            "no indicator weights for dimension(s)",
            "indicator weights for unknown dimension(s)",
        )
        if text:
            raise WeightingError(
                msg=text,
                obj="Weighting",
                field="indicators",
                value=missing or extra,
            )
        seen: dict[str, str] = {}
        for dim, inner in self.indicators.items():
            _check_sum(inner, f"dimension {dim!r}")
            for key in inner:
                if key in seen:
                    raise WeightingError(
                        msg=f"indicator {key!r} is weighted in both dimension "
                        f"{seen[key]!r} and dimension {dim!r}",
                        obj="Weighting",
                        field=("indicators", dim),
                        value=key,
                    )
                seen[key] = dim

    @classmethod
    def from_percentages(
        cls,
        dimensions: Mapping[str, float],
        indicators: Mapping[str, Mapping[str, float]],
    ) -> Weighting:
        """Build a weighting from percentages (each level sums to 100).

        Examples:
            >>> w = Weighting.from_percentages(
            ...     {"quality": 40, "speed": 60},
            ...     {"quality": {"csat": 100}, "speed": {"frt": 50, "aht": 50}},
            ... )
            >>> w.dimensions["quality"]
            0.4
        """
        checked = _dimensions(dimensions)
        _check_sum(checked, "dimensions (percent)", 100.0)
        inner = _indicators(indicators)
        for dim, weights in inner.items():
            _check_sum(weights, f"dimension {dim!r} (percent)", 100.0)
        return cls(
            {k: float(exact(v) / 100) for k, v in checked.items()},
            {d: {k: float(exact(v) / 100) for k, v in w.items()} for d, w in inner.items()},
        )

    @classmethod
    def from_effective(
        cls,
        effective: Mapping[str, float],
        groups: Mapping[str, Iterable[str]],
    ) -> Weighting:
        """Rebuild a two-level weighting from effective indicator weights.

        A dimension's weight is the sum of its indicators' effective weights; an indicator's
        weight within the dimension is its share of that sum. A dimension whose effective
        weights are all 0 gets equal weights within it.

        Args:
            effective: Indicator key → effective weight; the weights sum to 1.
            groups: Dimension key → the keys of its indicators, each indicator in one group.

        Raises:
            WeightingError: When the groups and the effective weights name different indicators,
                or the weights are invalid.
        """
        flat = _level(effective, "effective weights")
        _check_sum(flat, "effective weights")
        grouped = {dim: list(keys) for dim, keys in groups.items()}
        listed = [k for keys in grouped.values() for k in keys]
        if sorted(listed) != sorted(flat):
            raise WeightingError(
                msg="the groups list indicators "
                f"{sorted(set(listed) ^ set(flat))} that the effective weights do not "
                "(or the other way round)",
                obj="Weighting",
                field="groups",
                value=sorted(set(listed) ^ set(flat)),
            )
        dimensions: dict[str, float] = {}
        indicators: dict[str, dict[str, float]] = {}
        for dim, keys in grouped.items():
            total = math.fsum(flat[k] for k in keys)
            dimensions[dim] = total
            if total > 0:
                indicators[dim] = {k: flat[k] / total for k in keys}
            else:
                indicators[dim] = {k: 1 / len(keys) for k in keys}
        return cls(dimensions, indicators)

    def dimension_of(self, indicator: str) -> str:
        """The key of the dimension an indicator is weighted in.

        Raises:
            WeightingError: When the indicator is not weighted.
        """
        for dim, inner in self.indicators.items():
            if indicator in inner:
                return dim
        raise WeightingError(
            msg=f"no weight for indicator {indicator!r}",
            obj="Weighting",
            field="indicators",
            value=indicator,
        )

    def exact_effective(self) -> dict[str, Fraction]:
        """Effective weights as exact fractions of the weights' decimal values."""
        return {
            key: exact(self.dimensions[dim]) * exact(weight)
            for dim, inner in self.indicators.items()
            for key, weight in inner.items()
        }

    def effective(self) -> dict[str, float]:
        """Indicator key → effective weight (dimension weight × weight within the dimension)."""
        return {key: float(value) for key, value in self.exact_effective().items()}

    def as_percentages(self) -> dict[str, Any]:
        """The weights in percent, in the shape :meth:`from_percentages` takes."""
        return {
            "dimensions": {k: float(exact(v) * 100) for k, v in self.dimensions.items()},
            "indicators": {
                d: {k: float(exact(v) * 100) for k, v in inner.items()}
                for d, inner in self.indicators.items()
            },
        }
