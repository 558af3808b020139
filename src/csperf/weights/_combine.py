"""Linear combination of weightings: subjective and objective weights blended."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from csperf._numbers import exact
from csperf.errors import WeightingError
from csperf.weighting import Weighting
from csperf.weights._common import exact_levels, groups_of, rebuild
from csperf.weights._result import WeightResult

__all__ = ["combine"]


def _weighting(value: Any, i: int) -> Weighting:
    if isinstance(value, WeightResult):
        return value.weighting
    if isinstance(value, Weighting):
        return value
    raise WeightingError(
        msg=f"weightings[{i}] must be a Weighting or a WeightResult, got {type(value).__name__}",
        obj="combine",
        field=("weightings", i),
        value=value,
    )


def _coefficient(value: Any, i: int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value) >= 0:
        raise WeightingError(
            msg=f"coefficients[{i}] must be a non-negative number, got {value!r}",
            obj="combine",
            field=("coefficients", i),
            value=value,
        )
    try:
        return exact(value)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        raise WeightingError(
            msg=f"coefficients[{i}] must be finite, got {value!r}",
            obj="combine",
            field=("coefficients", i),
            value=value,
        ) from None


NEIGHBOURS = 8
"""How many floats on each side of a within-dimension weight :func:`combine` tries."""


def _within(dim: float, plain: float, target: Fraction) -> float:
    """The float nearest ``plain`` whose product with ``dim`` rounds to ``target``'s float.

    :meth:`~csperf.Weighting.effective` multiplies the shortest decimals of the two levels'
    floats exactly and rounds once; the plain float of an inner weight such as 1/3 can make
    that product miss the correctly rounded effective weight by an ulp or more
    (0.16999999999999998 for 0.17). Among the floats within :data:`NEIGHBOURS` ulps of
    ``plain``, the one whose product rounds nearest to the effective weight is taken (the
    nearest to ``plain`` among equals), so the product rounds right whenever such a float
    exists and is otherwise the closest float product the two levels can give.
    """
    wanted = float(target)
    scale = exact(dim)
    candidates = [plain]
    up = down = plain
    for _ in range(NEIGHBOURS):
        up, down = math.nextafter(up, math.inf), math.nextafter(down, -math.inf)
        candidates += [up, down]
    admissible = [value for value in candidates if 0 <= value <= 1]
    # nearest to the exact effective weight first, then nearest to ``plain`` (list order)
    return min(admissible, key=lambda value: abs(float(scale * exact(value)) - wanted))


def _cleaned(
    weighting: Weighting, effective: Mapping[str, Fraction], groups: Mapping[str, Sequence[str]]
) -> Weighting:
    """``weighting`` with each within-dimension weight nudged by :func:`_within`."""
    grand = sum(effective.values(), Fraction(0))
    inner = {
        d: {
            k: _within(weighting.dimensions[d], weighting.indicators[d][k], effective[k] / grand)
            if effective[k] > 0
            else weighting.indicators[d][k]
            for k in ks
        }
        for d, ks in groups.items()
    }
    return Weighting(dict(weighting.dimensions), inner)


def combine(
    weightings: Sequence[Weighting | WeightResult], coefficients: Sequence[float]
) -> Weighting:
    r"""The linear combination of several weightings of the same indicators, renormalised.

    Appraisal practice often blends subjective weights (AHP, the form's own) with objective
    ones (entropy, CRITIC), e.g. 0.6 AHP + 0.4 entropy. The coefficients :math:`c_k` are
    renormalised to sum to 1 and the effective indicator weights are combined:

    .. math::

        w_i = \frac{\sum_k c_k \, w^{(k)}_i}{\sum_k c_k}

    then the two-level weighting is rebuilt: a dimension weighs the sum of its indicators'
    combined weights, an indicator weighs its share of that sum. (A dimension that every input
    weighs 0 gets the coefficient-weighted mean of the inputs' within-dimension weights.)

    What is exact: the arithmetic is done in fractions on the shortest decimals of the inputs'
    floats and the coefficients (0.1 is 1/10), so the order of the inputs does not change the
    result, and each dimension weight is the exact sum rounded once to a float. A weighting
    keeps two floats per indicator, and :meth:`~csperf.Weighting.effective` multiplies their
    shortest decimals exactly and rounds once; so each within-dimension weight is taken as the
    float, among the few nearest its exact share, whose product with the dimension weight
    rounds to the exact combined effective weight: ``effective()`` gives 0.17, not
    0.16999999999999998. When no float within a few ulps does (the decimals of the floats
    near some shares skip the one needed), the nearest float is kept and the effective weight
    is off by an ulp or two.

    Args:
        weightings: Two-level weightings (or strategy results) over the same dimensions and
            indicators.
        coefficients: One non-negative coefficient per weighting, not all 0.

    Returns:
        The combined :class:`~csperf.Weighting`, in the dimension and indicator order of the
        first input.

    Raises:
        WeightingError: When the counts differ, a coefficient is negative or all are 0, or the
            weightings group different indicators.

    Examples:
        >>> from csperf import Weighting
        >>> a = Weighting({"q": 0.5, "s": 0.5}, {"q": {"csat": 1.0}, "s": {"frt": 1.0}})
        >>> b = Weighting({"q": 0.9, "s": 0.1}, {"q": {"csat": 1.0}, "s": {"frt": 1.0}})
        >>> combine([a, b], [0.6, 0.4]).dimensions["q"]
        0.66
        >>> a = Weighting({"q": 0.1, "s": 0.9}, {"q": {"csat": 0.3, "nps": 0.7}, "s": {"frt": 1.0}})
        >>> b = Weighting({"q": 0.4, "s": 0.6}, {"q": {"csat": 0.2, "nps": 0.8}, "s": {"frt": 1.0}})
        >>> combine([a, b], [0.6, 0.4]).effective()
        {'csat': 0.05, 'nps': 0.17, 'frt': 0.78}
    """
    if isinstance(weightings, (Weighting, WeightResult)) or not isinstance(weightings, Sequence):
        raise WeightingError(
            msg="weightings must be a sequence of weightings",
            obj="combine",
            field="weightings",
            value=weightings,
        )
    if not isinstance(coefficients, Sequence) or isinstance(coefficients, str):
        raise WeightingError(
            msg="coefficients must be a sequence of numbers",
            obj="combine",
            field="coefficients",
            value=coefficients,
        )
    if not weightings or len(weightings) != len(coefficients):
        raise WeightingError(
            msg=f"needs one coefficient per weighting, got {len(weightings)} weighting(s) "
            f"and {len(coefficients)} coefficient(s)",
            obj="combine",
            field="coefficients",
            value=list(coefficients),
        )
    parts = [_weighting(w, i) for i, w in enumerate(weightings)]
    coefs = [_coefficient(c, i) for i, c in enumerate(coefficients)]
    total = sum(coefs, Fraction(0))
    if total == 0:
        raise WeightingError(
            msg="the coefficients are all 0",
            obj="combine",
            field="coefficients",
            value=list(coefficients),
        )
    groups = groups_of(parts[0])
    shape = {d: sorted(ks) for d, ks in groups.items()}
    for i, part in enumerate(parts[1:], start=1):
        other = {d: sorted(ks) for d, ks in groups_of(part).items()}
        if other != shape:
            raise WeightingError(
                msg=f"weightings[{i}] groups its indicators differently from "
                f"weightings[0] ({other} against {shape})",
                obj="combine",
                field=("weightings", i),
                value=other,
            )
    shares = [c / total for c in coefs]
    effective = {key: Fraction(0) for keys in groups.values() for key in keys}
    fallback = {d: {k: Fraction(0) for k in ks} for d, ks in groups.items()}
    for share, part in zip(shares, parts):
        for key, value in part.exact_effective().items():
            effective[key] += share * value
        _, inner = exact_levels(part)
        for d, ks in groups.items():
            for k in ks:
                fallback[d][k] += share * inner[d][k]
    rebuilt = rebuild(effective, groups, fallback)
    return _cleaned(rebuilt, effective, groups)
