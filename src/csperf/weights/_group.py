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
from csperf._labels import label
from csperf._numbers import exact
from csperf.errors import CsperfError, WeightingError
from csperf.weights._ahp import (
    AHP_METHODS,
    AhpResult,
    RandomIndexTable,
    _from_judgements,
    _from_matrix,
    _pair,
    _rows,
    ahp,
)
from csperf.weights._common import check_choice, percent_list

__all__ = ["GROUP_AGGREGATIONS", "GroupAhpResult", "Stakeholder", "group_ahp"]

GROUP_AGGREGATIONS = ("aij", "aip")
"""The ways :func:`group_ahp` combines stakeholders: individual judgements or priorities."""

_OBJ = "group AHP"


def _stakeholder_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise WeightingError(
            msg=f"stakeholder name {name!r} must be a non-empty text",
            obj=_OBJ,
            field="stakeholders",
            value=name,
        )
    return name


def _optional_mapping(value: Any) -> Any:
    return FrozenDict(value) if isinstance(value, Mapping) else value


def _optional_rows(value: Any) -> Any:
    if value is None:
        return None
    try:
        return tuple(tuple(row) for row in _rows(value))
    except WeightingError:
        return value  # reported, with the stakeholder's name, by the check below


def _optional_keys(value: Any) -> Any:
    if value is None or isinstance(value, (str, bytes)):
        return value
    try:
        return tuple(value)
    except TypeError:
        return value


@attrs.frozen
class Stakeholder:
    r"""One person's pairwise judgements, with the weight their view carries in the group.

    A stakeholder gives either judgements ``{(a, b): value}`` (or ``{"a/b": value}``), as
    :func:`ahp` takes them, or a full reciprocal matrix with the keys of its rows. A matrix
    counts by its upper triangle, :math:`a_{ij}` for :math:`i < j` (its lower triangle is
    checked to be reciprocal, within :data:`AHP_TOLERANCE`), so a stakeholder given as a
    matrix is the same stakeholder as one giving those judgements.

    Attributes:
        name: Who this is (unique within a group): "team lead", "sales"...
        weight: How much their view counts, a positive number (scaled within the group to
            sum to 1); 1 by default.
        judgements: Their judgements, or None when they give a matrix.
        matrix: Their pairwise comparison matrix (rows of numbers or texts such as
            ``"1/3"``), or None when they give judgements.
        keys: The keys of the matrix's rows and columns (with ``matrix`` only).
        role: What they stand for (``"department head"``, ``"QA"``...), shown in reports;
            optional.

    Raises:
        WeightingError: For an empty name, a weight that is not a positive finite number,
            neither or both of ``judgements`` and ``matrix``, a matrix without its keys (or
            keys without a matrix), or judgements or a matrix that :func:`ahp` would refuse
            (off Saaty's scale, not reciprocal, not linking every key...); the error names
            the stakeholder.

    Examples:
        >>> lead = Stakeholder("team lead", 2, judgements={"quality/speed": 3}, role="lead")
        >>> qa = Stakeholder("QA", matrix=[[1, "1/2"], [2, 1]], keys=["quality", "speed"])
        >>> qa.pairs()
        {('quality', 'speed'): '1/2'}
    """

    name: str = attrs.field(converter=_stakeholder_name)
    weight: float | Fraction | Decimal = attrs.field(default=1)
    judgements: FrozenDict[Any, Any] | None = attrs.field(
        default=None, converter=_optional_mapping, kw_only=True
    )
    matrix: tuple[tuple[Any, ...], ...] | None = attrs.field(
        default=None, converter=_optional_rows, kw_only=True
    )
    keys: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_keys, kw_only=True)
    role: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        name = self.name
        _stakeholder_weight(name, self.weight)
        if self.role is not None and (not isinstance(self.role, str) or not self.role.strip()):
            raise WeightingError(
                msg=f"stakeholder {name!r} has role {self.role!r}; a role is a non-empty text",
                obj=_OBJ,
                field=("stakeholders", name, "role"),
                value=self.role,
            )
        if (self.judgements is None) == (self.matrix is None):
            raise WeightingError(
                msg=f"stakeholder {name!r} must give either judgements or a matrix (with its "
                "keys), not both or neither",
                obj=_OBJ,
                field=("stakeholders", name),
            )
        if self.judgements is not None:
            if not isinstance(self.judgements, Mapping):
                raise WeightingError(
                    msg=f"stakeholder {name!r}: judgements must be a mapping {{(a, b): value}}",
                    obj=_OBJ,
                    field=("stakeholders", name),
                    value=self.judgements,
                )
            if self.keys is not None:
                raise WeightingError(
                    msg=f"stakeholder {name!r}: keys go with a matrix; judgements name their "
                    "own keys",
                    obj=_OBJ,
                    field=("stakeholders", name, "keys"),
                    value=self.keys,
                )
        try:
            if self.judgements is not None:
                _from_judgements(self.judgements, None)
            else:
                _from_matrix(self.matrix, self.keys)
        except CsperfError as exc:
            raise _theirs(exc, name) from None

    def pairs(self) -> dict[Any, Any]:
        """Their judgements: as given, or the matrix's upper triangle ``{(a, b): a_ab}``."""
        if self.judgements is not None:
            return dict(self.judgements)
        assert self.matrix is not None  # checked on construction
        assert self.keys is not None
        keys, rows = self.keys, self.matrix
        n = len(keys)
        return {(keys[i], keys[j]): rows[i][j] for i in range(n) for j in range(i + 1, n)}


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
        roles: Stakeholder → role, for those given one.
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
    roles: FrozenDict[str, str] = attrs.field(factory=FrozenDict)

    def summary(self, lang: str | None = None) -> str:
        """One line: the aggregation, the group's CR (AIJ) and who departs most.

        Args:
            lang: The language of the words (``"en"``, ``"zh"``); None for English.
        """
        how = "AIJ" if self.aggregation == "aij" else "AIP"
        parts = [label("weights.group.of", lang, n=len(self.individual), how=how)]
        if self.aggregate is not None and self.aggregate.consistency_ratio is not None:
            parts.append(
                label("weights.group.cr", lang, cr=f"{self.aggregate.consistency_ratio:.4f}")
            )
        if self.most_departing is None:
            parts.append(label("weights.group.agree", lang))
        else:
            name = self.most_departing
            parts.append(
                label("weights.group.departs", lang, name=name, d=f"{self.distances[name]:.4f}")
            )
        return label("weights.sep", lang).join(parts)

    def stakeholder_lines(self, lang: str | None = None) -> list[str]:
        """One line per stakeholder: weight, their own priorities, CR and distance.

        Args:
            lang: The language of the words (``"en"``, ``"zh"``); None for English.
        """
        lines = []
        for name, result in self.individual.items():
            cr = result.consistency_ratio
            cr_text = label("weights.no_cr", lang) if cr is None else f"CR = {cr:.4f}"
            who = (
                name
                if name not in self.roles
                else label("weights.group.role", lang, name=name, role=self.roles[name])
            )
            lines.append(
                label(
                    "weights.group.stakeholder",
                    lang,
                    who=who,
                    weight=f"{self.stakeholder_weights[name] * 100:.4g}",
                    weights=percent_list(result.weights),
                    cr=cr_text,
                    d=f"{self.distances[name]:.4f}",
                )
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


def _read(stakeholders: Any) -> dict[str, Stakeholder]:
    """The stakeholders by name: from a list of :class:`Stakeholder` or the mapping form."""
    if isinstance(stakeholders, Mapping):
        people = [_from_entry(name, entry) for name, entry in stakeholders.items()]
    elif isinstance(stakeholders, (str, bytes)) or not isinstance(stakeholders, Iterable):
        people = []
    else:
        people = list(stakeholders)
    if not people:
        raise WeightingError(
            msg="stakeholders must be a non-empty mapping of name to (weight, judgements), "
            "or a list of Stakeholder",
            obj=_OBJ,
            field="stakeholders",
            value=stakeholders,
        )
    result: dict[str, Stakeholder] = {}
    for i, person in enumerate(people):
        if not isinstance(person, Stakeholder):
            raise WeightingError(
                msg=f"stakeholders[{i}] is a {type(person).__name__}, not a Stakeholder",
                obj=_OBJ,
                field=("stakeholders", i),
                value=person,
            )
        if person.name in result:
            raise WeightingError(
                msg=f"two stakeholders are named {person.name!r}",
                obj=_OBJ,
                field=("stakeholders", person.name),
                value=person.name,
            )
        result[person.name] = person
    return result


def _from_entry(name: Any, entry: Any) -> Stakeholder:
    """A stakeholder from the mapping form ``{name: (weight, judgements)}``."""
    name = _stakeholder_name(name)
    if isinstance(entry, Stakeholder):
        if entry.name != name:
            raise WeightingError(
                msg=f"the stakeholder under {name!r} is named {entry.name!r}",
                obj=_OBJ,
                field=("stakeholders", name),
                value=entry.name,
            )
        return entry
    pair = isinstance(entry, Sequence) and not isinstance(entry, (str, bytes))
    if not pair or isinstance(entry, Mapping) or len(entry) != 2:
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
    _stakeholder_weight(name, weight)
    return Stakeholder(name, weight, judgements=judgements)


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
    stakeholders: Iterable[Stakeholder] | Mapping[str, tuple[float, Mapping[Any, Any]]],
    keys: Iterable[str] | None = None,
    *,
    aggregation: str = "aij",
    method: str = "eigenvector",
    max_cr: float | None = 0.10,
    ri: str | RandomIndexTable | Mapping[int, float] = "saaty1980",
) -> GroupAhpResult:
    r"""Weights from several stakeholders' pairwise judgements (group AHP).

    Each stakeholder :math:`k` has a weight :math:`s_k > 0` (scaled so that
    :math:`\sum_k s_k = 1`) and judgements on the keys, as :func:`ahp` takes them, or a
    matrix (see :class:`Stakeholder`).

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
        stakeholders: A list of :class:`Stakeholder` (judgements or a matrix each), or the
            short form: name → ``(weight, judgements)``, the judgements ``{(a, b): value}``
            or ``{"a/b": value}`` as for :func:`ahp`. Each stakeholder's judgements must link
            every key (pairs may be left out). The result does not depend on their order
            (beyond the last bits of the floating-point sums).
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
        WeightingError: For a bad stakeholder weight, judgements or matrix (the error names
            the stakeholder), two stakeholders of one name, or an unknown aggregation.
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
        >>> same = group_ahp([
        ...     Stakeholder("team lead", 2, judgements={("quality", "speed"): 3}),
        ...     Stakeholder("sales", matrix=[[1, "1/3"], [3, 1]], keys=["quality", "speed"]),
        ... ])
        >>> same.weights == result.weights
        True
    """
    check_choice(aggregation, GROUP_AGGREGATIONS, obj=_OBJ, field="aggregation")
    check_choice(method, AHP_METHODS, obj=_OBJ, field="method")
    given = _read(stakeholders)
    pairs = {name: person.pairs() for name, person in given.items()}
    weights = {name: _stakeholder_weight(name, person.weight) for name, person in given.items()}
    total = sum(weights.values(), Fraction(0))
    shares = {name: w / total for name, w in weights.items()}
    names = list(keys) if keys is not None else _keys(pairs.values())
    individual: dict[str, AhpResult] = {}
    cells = {}
    for name, judgements in pairs.items():
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
        roles=FrozenDict({k: p.role for k, p in given.items() if p.role is not None}),
    )
