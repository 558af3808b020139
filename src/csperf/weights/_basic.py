"""Weights that need no data: fixed, equal and rank-order (ROC, rank-sum, rank-reciprocal)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

from csperf.errors import WeightingError
from csperf.weighting import Weighting
from csperf.weights._common import check_choice, check_keys, to_weighting

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


RANK_METHODS = ("roc", "rs", "rr")
"""The rank-order weighting methods :func:`rank_order` knows: centroid, sum and reciprocal."""


def _position_weights(n: int, method: str) -> list[Fraction]:
    """The exact weights of positions 1..n (most important first) under ``method``."""
    if method == "roc":
        tails = [Fraction(0)] * (n + 1)
        for k in range(n, 0, -1):
            tails[k - 1] = tails[k] + Fraction(1, k)
        return [tails[i] / n for i in range(n)]
    if method == "rs":
        return [Fraction(2 * (n + 1 - i), n * (n + 1)) for i in range(1, n + 1)]
    harmonic = sum((Fraction(1, j) for j in range(1, n + 1)), Fraction(0))
    return [Fraction(1, i) / harmonic for i in range(1, n + 1)]


def _ranks(ranking: Any) -> dict[str, int]:
    """Key → rank (1 = most important), checked to be standard competition ranks."""
    if not isinstance(ranking, Mapping):
        return {key: i for i, key in enumerate(check_keys(ranking, "rank_order"), start=1)}
    keys = check_keys(list(ranking), "rank_order", "ranking")
    ranks: dict[str, int] = {}
    for key in keys:
        rank = ranking[key]
        if isinstance(rank, bool) or not isinstance(rank, numbers.Integral) or rank < 1:
            raise WeightingError(
                msg=f"the rank of {key!r} must be a whole number from 1, got {rank!r}",
                obj="rank_order",
                field=("ranking", key),
                value=rank,
            )
        ranks[key] = int(rank)
    for key, rank in ranks.items():
        before = sum(1 for r in ranks.values() if r < rank)
        if rank != before + 1:
            raise WeightingError(
                msg=f"the rank of {key!r} is {rank}, but {before} key(s) rank before it, so it "
                f"should be {before + 1} (tied keys share a rank and the next rank skips: "
                "1, 2, 2, 4)",
                obj="rank_order",
                field=("ranking", key),
                value=rank,
            )
    return ranks


def exact_rank_order(
    ranking: Iterable[str] | Mapping[str, int], *, method: str = "roc"
) -> dict[str, Fraction]:
    """The weights of :func:`rank_order` as exact fractions, summing to exactly 1.

    Args:
        ranking: As for :func:`rank_order`.
        method: As for :func:`rank_order`.

    Returns:
        Key → exact weight, in the order given.

    Raises:
        WeightingError: As for :func:`rank_order`.

    Examples:
        >>> w = exact_rank_order({"a": 1, "b": 2, "c": 2, "d": 4}, method="rs")
        >>> [str(v) for v in w.values()], sum(w.values())
        (['2/5', '1/4', '1/4', '1/10'], Fraction(1, 1))
    """
    check_choice(method, RANK_METHODS, obj="rank_order", field="method")
    ranks = _ranks(ranking)
    positions = _position_weights(len(ranks), method)
    weights: dict[str, Fraction] = {}
    for key, rank in ranks.items():
        tied = sum(1 for r in ranks.values() if r == rank)
        shared = positions[rank - 1 : rank - 1 + tied]
        weights[key] = sum(shared, Fraction(0)) / tied
    return weights


def rank_order(
    ranking: Iterable[str] | Mapping[str, int], *, method: str = "roc"
) -> dict[str, float]:
    r"""Rank-order weights: centroid (ROC), rank-sum (RS) or rank-reciprocal (RR).

    With the :math:`n` keys ranked from most (rank 1) to least important (rank :math:`n`), the
    key ranked :math:`i` gets

    * with ``method="roc"`` (the default), the rank-order centroid (Barron & Barrett 1996),
      the centroid of all weight vectors that agree with the ranking,
      :math:`w_i = \frac{1}{n} \sum_{k=i}^{n} \frac{1}{k}`;
    * with ``method="rs"``, rank-sum weights (Stillwell, Seaver & Edwards 1981; Barron &
      Barrett 1996), :math:`w_i = \frac{2(n + 1 - i)}{n(n + 1)}`;
    * with ``method="rr"``, rank-reciprocal weights (the same sources),
      :math:`w_i = \frac{1/i}{\sum_{j=1}^{n} 1/j}`.

    Tied keys share a rank, and the next rank skips the places they take (standard
    competition ranks: 1, 2, 2, 4). Tied keys share equally the weights of the positions they
    occupy: with ranks 1, 2, 2, 4 the two keys ranked 2 each get the mean of the weights of
    positions 2 and 3. The weights are computed exactly, in fractions that sum to exactly 1,
    then rounded once to floats.

    Args:
        ranking: The keys, most important first; or key → rank (a whole number from 1),
            where tied keys share a rank.
        method: ``"roc"``, ``"rs"`` or ``"rr"``.

    Returns:
        Key → weight, in the order given.

    Raises:
        WeightingError: When the ranking is empty, repeats a key, a rank is not a whole
            number from 1 or does not follow competition ranking, or the method is unknown.

    Examples:
        >>> w = rank_order(["quality", "speed", "skill", "team"])
        >>> {k: round(v, 4) for k, v in w.items()}
        {'quality': 0.5208, 'speed': 0.2708, 'skill': 0.1458, 'team': 0.0625}
        >>> rank_order(["quality", "speed", "skill", "team"], method="rs")
        {'quality': 0.4, 'speed': 0.3, 'skill': 0.2, 'team': 0.1}
        >>> rank_order({"quality": 1, "speed": 2, "skill": 2, "team": 4}, method="rs")
        {'quality': 0.4, 'speed': 0.25, 'skill': 0.25, 'team': 0.1}
    """
    return {key: float(w) for key, w in exact_rank_order(ranking, method=method).items()}
