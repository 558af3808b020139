"""Weights that need no data: fixed, equal and rank-order centroid weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Literal

from csperf.errors import WeightingError
from csperf.weighting import Weighting
from csperf.weights._common import check_keys, to_weighting

__all__ = ["equal", "fixed", "rank_order"]


def fixed(
    dimensions: Mapping[str, float],
    indicators: Mapping[str, Mapping[str, float]],
    *,
    unit: Literal["percent", "fraction"] = "percent",
) -> Weighting:
    """Weights set by hand, as an appraisal form states them.

    Args:
        dimensions: Dimension key → weight.
        indicators: Dimension key → {indicator key → weight within the dimension}.
        unit: ``"percent"`` (each level sums to 100, the default) or ``"fraction"`` (each level
            sums to 1).

    Returns:
        The :class:`~csperf.Weighting`.

    Raises:
        WeightingError: When a level does not sum to 100 (or 1), a weight is negative, or the
            unit is unknown.

    Examples:
        >>> w = fixed({"quality": 60, "speed": 40}, {"quality": {"csat": 100},
        ...           "speed": {"frt": 50, "aht": 50}})
        >>> w.effective()
        {'csat': 0.6, 'frt': 0.2, 'aht': 0.2}
    """
    if unit == "percent":
        return Weighting.from_percentages(dimensions, indicators)
    if unit == "fraction":
        return Weighting(dimensions, indicators)
    raise WeightingError(
        msg=f"unit must be 'percent' or 'fraction', got {unit!r}",
        obj="fixed",
        field="unit",
        value=unit,
    )


def equal(
    groups: Mapping[str, Sequence[str]],
    *,
    mode: Literal["levels", "indicators"] = "levels",
) -> Weighting:
    r"""Equal weights.

    With ``mode="levels"`` each of the :math:`D` dimensions weighs :math:`1/D` and each of the
    :math:`n_d` indicators of dimension :math:`d` weighs :math:`1/n_d` within it. With
    ``mode="indicators"`` each of the :math:`N` indicators has the same effective weight
    :math:`1/N`, so dimension :math:`d` weighs :math:`n_d/N`.

    Args:
        groups: Dimension key → the keys of its indicators.
        mode: ``"levels"`` (the default) or ``"indicators"``.

    Raises:
        WeightingError: When a group is empty, a key repeats, or the mode is unknown.

    Examples:
        >>> groups = {"quality": ["csat", "complaints"], "speed": ["frt"]}
        >>> equal(groups).effective()
        {'csat': 0.25, 'complaints': 0.25, 'frt': 0.5}
        >>> equal(groups, mode="indicators").dimensions["quality"]
        0.6666666666666666
    """
    if mode not in ("levels", "indicators"):
        raise WeightingError(
            msg=f"mode must be 'levels' or 'indicators', got {mode!r}",
            obj="equal",
            field="mode",
            value=mode,
        )
    if not isinstance(groups, Mapping) or not groups:
        raise WeightingError(
            msg="groups must be a non-empty mapping of dimension key to indicator keys",
            obj="equal",
            field="groups",
            value=groups,
        )
    keys = {dim: check_keys(inds, "equal", f"groups[{dim!r}]") for dim, inds in groups.items()}
    total = sum(len(k) for k in keys.values())
    if mode == "levels":
        dims = {dim: Fraction(1, len(keys)) for dim in keys}
    else:
        dims = {dim: Fraction(len(inds), total) for dim, inds in keys.items()}
    inner = {dim: {k: Fraction(1, len(inds)) for k in inds} for dim, inds in keys.items()}
    return to_weighting(dims, inner)


def rank_order(keys: Iterable[str]) -> dict[str, float]:
    r"""Rank-order centroid weights (Barron & Barrett 1996).

    With the :math:`n` keys ranked from most to least important, the key ranked :math:`i` gets

    .. math::

        w_i = \frac{1}{n} \sum_{k=i}^{n} \frac{1}{k}

    which is the centroid of all weight vectors that agree with the ranking. The sums are taken
    exactly, then rounded once to floats.

    Args:
        keys: The keys, most important first.

    Returns:
        Key → weight, in the order given.

    Raises:
        WeightingError: When ``keys`` is empty or repeats a key.

    Examples:
        >>> w = rank_order(["quality", "speed", "skill", "team"])
        >>> {k: round(v, 4) for k, v in w.items()}
        {'quality': 0.5208, 'speed': 0.2708, 'skill': 0.1458, 'team': 0.0625}
    """
    ranked = check_keys(keys, "rank_order")
    n = len(ranked)
    weights = [
        sum((Fraction(1, k) for k in range(i, n + 1)), Fraction(0)) / n for i in range(1, n + 1)
    ]
    return {key: float(w) for key, w in zip(ranked, weights)}
