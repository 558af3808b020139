r"""Group AHP: weights from several stakeholders' pairwise judgements.

Two ways to combine the stakeholders (Forman & Peniwati 1998):

* **AIJ**, aggregation of individual judgements: for each pair, the weighted geometric mean of
  the judgements of the stakeholders who gave it, then :func:`~csperf.weights.ahp` on the
  aggregated judgements. It suits a group that acts as one unit (a panel that sets the form's
  weights together).
* **AIP**, aggregation of individual priorities: each stakeholder's own :func:`ahp` weights,
  combined by the weighted geometric mean and scaled to sum to 1. It suits individuals who act
  separately, each with their own view.

Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
analytic hierarchy process. European Journal of Operational Research 108(1), 165-169. They
show that the geometric mean, not the arithmetic mean, keeps the reciprocal property
(the aggregate of :math:`a_{ij}` is the reciprocal of the aggregate of :math:`a_{ji}`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._numbers import exact
from csperf.errors import CsperfError, WeightingError
from csperf.weights._ahp import (
    AHP_METHODS,
    AhpResult,
    RandomIndexTable,
    _from_judgements,
    _pair,
    ahp,
)
from csperf.weights._common import check_choice, percent_list

__all__ = ["GROUP_AGGREGATIONS", "GroupAhpResult", "group_ahp"]

GROUP_AGGREGATIONS = ("aij", "aip")
"""The ways :func:`group_ahp` combines stakeholders: individual judgements or priorities."""

_OBJ = "group AHP"


@attrs.frozen
class GroupAhpResult(CanonicalForm):
    r"""Group weights from several stakeholders' judgements, with who said what.

    Attributes:
        keys: The keys compared.
        weights: Key → group weight, summing to 1.
        aggregation: ``"aij"`` (individual judgements) or ``"aip"`` (individual priorities).
        method: How priorities were derived from each matrix (see :func:`ahp`).
        stakeholder_weights: Stakeholder → weight, scaled to sum to 1.
        individual: Stakeholder → their own :class:`AhpResult` (their weights and
            consistency ratio).
        aggregate: With AIJ, the :class:`AhpResult` of the aggregated judgements (its
            ``matrix`` is the group's matrix, its consistency ratio the group's); None with AIP.
        distances: Stakeholder → the distance of their priorities from the group's,
            :math:`d_k = \sqrt{\frac{2}{n(n-1)} \sum_{i<j} \left(\ln\frac{w^k_i}{w^k_j} -
            \ln\frac{w_i}{w_j}\right)^2}` (0 when they agree with the group; 0 for n = 1).
        most_departing: The stakeholder with the largest distance (ties: the first by name),
            or None when every distance is 0 within 1e-9.
    """

    keys: tuple[str, ...]
    weights: FrozenDict[str, float]
    aggregation: str
    method: str
    stakeholder_weights: FrozenDict[str, float]
    individual: FrozenDict[str, AhpResult]
    aggregate: AhpResult | None
    distances: FrozenDict[str, float]
    most_departing: str | None

    def summary(self) -> str:
        """One line: the aggregation, the group's CR (AIJ) and who departs most."""
        how = "AIJ" if self.aggregation == "aij" else "AIP"
        parts = [f"group of {len(self.individual)}, {how}"]
        if self.aggregate is not None and self.aggregate.consistency_ratio is not None:
            parts.append(f"group CR = {self.aggregate.consistency_ratio:.4f}")
        if self.most_departing is None:
            parts.append("all stakeholders agree")
        else:
            name = self.most_departing
            parts.append(f"{name} departs most (d = {self.distances[name]:.4f})")
        return ", ".join(parts)

    def stakeholder_lines(self) -> list[str]:
        """One line per stakeholder: weight, their own priorities, CR and distance."""
        lines = []
        for name, result in self.individual.items():
            cr = result.consistency_ratio
            cr_text = "CR not computed" if cr is None else f"CR = {cr:.4f}"
            lines.append(
                f"{name} ({self.stakeholder_weights[name] * 100:.4g}%): "
                f"{percent_list(result.weights)}; {cr_text}, d = {self.distances[name]:.4f}"
            )
        return lines


def _stakeholder_weight(name: str, value: Any) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise WeightingError(
            msg=f"stakeholder {name!r} has weight {value!r}, not a number",
            obj=_OBJ,
            field=("stakeholders", name),
            value=value,
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise WeightingError(
            msg=f"stakeholder {name!r} has weight {value!r}, not a finite number",
            obj=_OBJ,
            field=("stakeholders", name),
            value=value,
        )
    weight = value if isinstance(value, Fraction) else exact(value)  # type: ignore[arg-type]
    if weight <= 0:
        raise WeightingError(
            msg=f"stakeholder {name!r} has weight {value!r}; weights must be positive",
            obj=_OBJ,
            field=("stakeholders", name),
            value=value,
        )
    return weight


def _read(
    stakeholders: Any,
) -> dict[str, tuple[Fraction, Mapping[Any, Any]]]:
    if not isinstance(stakeholders, Mapping) or not stakeholders:
        raise WeightingError(
            msg="stakeholders must be a non-empty mapping of name to (weight, judgements)",
            obj=_OBJ,
            field="stakeholders",
            value=stakeholders,
        )
    result: dict[str, tuple[Fraction, Mapping[Any, Any]]] = {}
    for name, entry in stakeholders.items():
        if not isinstance(name, str) or not name.strip():
            raise WeightingError(
                msg=f"stakeholder name {name!r} must be a non-empty text",
                obj=_OBJ,
                field="stakeholders",
                value=name,
            )
        if (
            isinstance(entry, (str, bytes, Mapping))
            or not isinstance(entry, Sequence)
            or len(entry) != 2
        ):
            raise WeightingError(
                msg=f"stakeholder {name!r} must be given as (weight, judgements)",
                obj=_OBJ,
                field=("stakeholders", name),
                value=entry,
            )
        weight, judgements = entry
        if not isinstance(judgements, Mapping):
            raise WeightingError(
                msg=f"stakeholder {name!r}: judgements must be a mapping {{(a, b): value}}",
                obj=_OBJ,
                field=("stakeholders", name),
                value=judgements,
            )
        result[name] = (_stakeholder_weight(name, weight), judgements)
    return result


def _as_path(field: Any) -> tuple[Any, ...]:
    if field is None:
        return ()
    return field if isinstance(field, tuple) else (field,)


def _theirs(exc: CsperfError, name: str) -> CsperfError:
    """A stakeholder's error, seen from the group: it names the stakeholder."""
    return exc.evolve(field=("stakeholders", name, *_as_path(exc.field))).inside(
        f"{_OBJ}: stakeholder {name!r}"
    )


def _wgm(values: Sequence[float | Fraction], shares: Sequence[Fraction]) -> float | Fraction:
    r"""The weighted geometric mean :math:`\exp(\sum s_k \ln v_k / \sum s_k)`.

    Equal values are returned as they are (exactly), so identical stakeholders aggregate to
    their common value bit for bit.
    """
    if all(v == values[0] for v in values):
        return values[0]
    total = float(sum(shares, Fraction(0)))
    return math.exp(sum(float(s) * math.log(v) for v, s in zip(values, shares)) / total)


def _keys(judgements: Iterable[Mapping[Any, Any]]) -> list[str]:
    order: list[str] = []
    for given in judgements:
        for raw in given:
            try:
                a, b = _pair(raw)
            except WeightingError:
                continue  # reported by the stakeholder's own ahp()
            order.extend(k for k in (a, b) if k not in order)
    return order


def _distance(mine: Mapping[str, float], group: Mapping[str, float]) -> float:
    keys = list(group)
    n = len(keys)
    if n < 2:
        return 0.0
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            a, b = keys[i], keys[j]
            total += (math.log(mine[a] / mine[b]) - math.log(group[a] / group[b])) ** 2
    return math.sqrt(total * 2 / (n * (n - 1)))


def group_ahp(
    stakeholders: Mapping[str, tuple[float, Mapping[Any, Any]]],
    keys: Iterable[str] | None = None,
    *,
    aggregation: str = "aij",
    method: str = "eigenvector",
    max_cr: float | None = 0.10,
    ri: str | RandomIndexTable | Mapping[int, float] = "saaty1980",
) -> GroupAhpResult:
    r"""Weights from several stakeholders' pairwise judgements (group AHP).

    Each stakeholder :math:`k` has a weight :math:`s_k > 0` (scaled so that
    :math:`\sum_k s_k = 1`) and judgements on the keys, as :func:`ahp` takes them.

    With ``aggregation="aij"`` (aggregation of individual judgements) each pair's group
    judgement is the weighted geometric mean over the stakeholders :math:`K_{ij}` who judged
    the pair, their weights renormalised for that pair:

    .. math::

        a^G_{ij} = \exp\left(\frac{\sum_{k \in K_{ij}} s_k \ln a^k_{ij}}
                                  {\sum_{k \in K_{ij}} s_k}\right)

    and the group weights are :func:`ahp` of those judgements. With ``aggregation="aip"``
    (aggregation of individual priorities) each stakeholder's :func:`ahp` weights
    :math:`w^k` are combined as

    .. math::

        w_i = \frac{\prod_k (w^k_i)^{s_k}}{\sum_l \prod_k (w^k_l)^{s_k}}

    Forman & Peniwati (1998) show that AIJ suits a group acting as one unit and AIP
    individuals acting separately, and that the geometric mean, not the arithmetic, keeps the
    reciprocal property :math:`a^G_{ji} = 1 / a^G_{ij}`.

    Each stakeholder's consistency ratio is checked against ``max_cr`` (and, with AIJ, the
    group's). The distance of each stakeholder's priorities from the group's is
    :math:`d_k = \sqrt{\frac{2}{n(n-1)} \sum_{i<j} (\ln(w^k_i/w^k_j) - \ln(w_i/w_j))^2}`,
    the root mean square difference of the log weight ratios; the largest names the
    stakeholder whose view departs most.

    Args:
        stakeholders: Stakeholder name → ``(weight, judgements)``, the judgements
            ``{(a, b): value}`` or ``{"a/b": value}`` as for :func:`ahp`. Each stakeholder's
            judgements must link every key (pairs may be left out).
        keys: The keys; by default those named in the judgements, in order of first
            appearance.
        aggregation: ``"aij"`` (the default) or ``"aip"``.
        method: ``"eigenvector"`` or ``"geometric_mean"``, as for :func:`ahp`.
        max_cr: The largest accepted consistency ratio of each stakeholder (and of the AIJ
            aggregate), or None to accept any.
        ri: The random index table, as for :func:`ahp`.

    Returns:
        A :class:`GroupAhpResult`.

    Raises:
        WeightingError: For a bad stakeholder weight or judgements (the error names the
            stakeholder), or an unknown aggregation.
        InconsistentJudgementsError: When a stakeholder's consistency ratio exceeds
            ``max_cr``.

    Examples:
        >>> result = group_ahp({
        ...     "team lead": (2, {("quality", "speed"): 3}),
        ...     "sales": (1, {("quality", "speed"): "1/3"}),
        ... })
        >>> {k: round(w, 4) for k, w in result.weights.items()}
        {'quality': 0.5905, 'speed': 0.4095}
        >>> result.most_departing
        'sales'
    """
    check_choice(aggregation, GROUP_AGGREGATIONS, obj=_OBJ, field="aggregation")
    check_choice(method, AHP_METHODS, obj=_OBJ, field="method")
    given = _read(stakeholders)
    total = sum((w for w, _ in given.values()), Fraction(0))
    shares = {name: w / total for name, (w, _) in given.items()}
    names = list(keys) if keys is not None else _keys(j for _, j in given.values())
    individual: dict[str, AhpResult] = {}
    cells = {}
    for name, (_, judgements) in given.items():
        try:
            individual[name] = ahp(judgements, names, max_cr=max_cr, ri=ri, method=method)
            cells[name] = _from_judgements(judgements, names)[1]
        except CsperfError as exc:
            raise _theirs(exc, name) from None
    order = individual[next(iter(individual))].keys
    aggregate = None
    if aggregation == "aij":
        n = len(order)
        pooled: dict[tuple[str, str], float | Fraction] = {}
        for i in range(n):
            for j in range(i + 1, n):
                who = [k for k in given if cells[k][i][j] is not None]
                if who:
                    values = [cells[k][i][j] for k in who]
                    pooled[(order[i], order[j])] = _wgm(values, [shares[k] for k in who])  # type: ignore[arg-type]
        try:
            aggregate = ahp(pooled, order, max_cr=max_cr, ri=ri, method=method)
        except CsperfError as exc:
            raise exc.inside(f"{_OBJ}: the aggregated judgements") from None
        group = dict(aggregate.weights)
    else:
        first = individual[next(iter(individual))].weights
        if all(r.weights == first for r in individual.values()):
            group = dict(first)
        else:
            logs = {
                key: sum(float(shares[k]) * math.log(r.weights[key]) for k, r in individual.items())
                for key in order
            }
            top = max(logs.values())
            raw = {key: math.exp(v - top) for key, v in logs.items()}
            scale = sum(raw.values())
            group = {key: v / scale for key, v in raw.items()}
    distances = {k: _distance(r.weights, group) for k, r in individual.items()}
    worst = max(sorted(distances), key=lambda k: distances[k])
    return GroupAhpResult(
        keys=order,
        weights=FrozenDict(group),
        aggregation=aggregation,
        method=method,
        stakeholder_weights=FrozenDict({k: float(s) for k, s in shares.items()}),
        individual=FrozenDict(individual),
        aggregate=aggregate,
        distances=FrozenDict(distances),
        most_departing=worst if distances[worst] > 1e-9 else None,
    )
