r"""What-if and weight sensitivity: would a reasonable other choice of weights change a grade?

:func:`whatif` re-scores a population under alternative weightings (each SWOT scenario, AHP
against entropy, a shift of one dimension's weight made by :func:`shift_dimension`) and lists
whose grade changes and by how much. :func:`weight_sensitivity` perturbs the weights at random
within bounds (seeded) and one dimension at a time, and measures how far the ranking and the
grades move. Both score through :meth:`Scorecard.evaluate_many <csperf.Scorecard.evaluate_many>`, so
every re-scored total is exactly the one :meth:`~csperf.Scorecard.evaluate` would give.

The statistics, all on rounded totals (those that earn grades and ranks), baseline against
alternative:

* **Spearman's ρ**: the Pearson correlation of the two columns of average ranks (tied values
  share the mean of the ranks they span).
* **Kendall's τ-b**, which allows ties:

  .. math::

     \tau_b = \frac{n_c - n_d}{\sqrt{(n_0 - n_1)(n_0 - n_2)}}

  with :math:`n_0 = n(n-1)/2` pairs, :math:`n_c` and :math:`n_d` the concordant and discordant
  pairs, :math:`n_1` and :math:`n_2` the pairs tied in the first and in the second column.
  Both are NaN when a column is constant, as in :func:`scipy.stats.kendalltau`.
* **Top-k overlap**: with :math:`A` the subjects ranked :math:`k` or better in the baseline
  (competition ranks, so a tie at place :math:`k` brings all its members in) and :math:`B` the
  same in the alternative, :math:`|A \cap B| / \max(|A|, |B|)`; without ties, the share of the
  baseline's top :math:`k` still in the top :math:`k`. **Bottom-k** likewise from the bottom.
* **Flipped**: the share of subjects whose grade differs from the baseline's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._numbers import exact
from csperf.errors import ValidationError, WeightingError
from csperf.weighting import Weighting

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from csperf.results import BatchResult
    from csperf.scorecard import Scorecard

__all__ = [
    "GradeChange",
    "Perturbation",
    "RankAgreement",
    "Scenario",
    "Sensitivity",
    "WhatIf",
    "kendall_tau",
    "shift_dimension",
    "spearman",
    "weight_sensitivity",
    "whatif",
]

METHODS = ("uniform", "dirichlet")
"""The Monte Carlo perturbations :func:`weight_sensitivity` knows."""


# -- rank statistics -------------------------------------------------------------------------


def _pair(x: ArrayLike, y: ArrayLike, name: str) -> tuple[NDArray[np.float64], ...]:
    a = np.asarray(x, dtype=float).reshape(-1)
    b = np.asarray(y, dtype=float).reshape(-1)
    if a.shape != b.shape:
        raise ValidationError(
            msg=f"the two columns differ in length ({len(a)} and {len(b)})",
            obj=name,
            field="y",
            value=len(b),
        )
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValidationError(msg="the columns hold NaN", obj=name, field="x", value=math.nan)
    return a, b


def _average_ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks from 1, ties sharing the mean of the ranks they span."""
    _distinct, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts
    mean = first + (counts + 1) / 2.0
    return mean[inverse.reshape(-1)]


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    """Spearman's rank correlation ρ, with average ranks for ties.

    Args:
        x: The first column of values.
        y: The second, as long.

    Returns:
        ρ from -1 to 1; NaN when a column is constant or has fewer than two values.

    Raises:
        ValidationError: When the columns differ in length or hold NaN.

    Examples:
        >>> spearman([1, 2, 3, 4], [10, 20, 30, 40])
        1.0
        >>> round(spearman([1, 2, 3, 4], [1, 3, 2, 2]), 6)
        0.316228
    """
    a, b = _pair(x, y, "spearman")
    if len(a) < 2:
        return math.nan
    ra, rb = _average_ranks(a), _average_ranks(b)
    da, db = ra - ra.mean(), rb - rb.mean()
    denominator = math.sqrt(float(np.dot(da, da)) * float(np.dot(db, db)))
    if denominator == 0:
        return math.nan
    return max(-1.0, min(1.0, float(np.dot(da, db)) / denominator))


def _dense(values: NDArray[np.float64]) -> NDArray[np.int64]:
    return np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _tied_pairs(codes: NDArray[np.int64]) -> int:
    counts = np.unique(codes, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _inversions(codes: NDArray[np.int64]) -> int:
    """Pairs ``i < j`` with ``codes[i] > codes[j]``: a bottom-up merge sort, one level a pass.

    At width ``w`` the array is sorted within blocks of ``w``; for each element of a right
    half, the elements of its left half that are greater are counted with one
    :func:`numpy.searchsorted` over keys ``block × m + code`` (which sort by block, then code).
    """
    n = len(codes)
    if n < 2:
        return 0
    m = int(codes.max()) + 1
    index = np.arange(n, dtype=np.int64)
    values = codes.astype(np.int64)
    total = 0
    width = 1
    while width < n:
        block = index // (2 * width)
        right = (index // width) % 2 == 1
        keys = block * m + values
        left_keys = keys[~right]
        found = np.searchsorted(left_keys, keys[right], side="right")
        not_greater = found - block[right] * width  # left elements of this block <= the value
        total += int((width - not_greater).sum())
        keys.sort()
        values = keys - block * m
        width *= 2
    return total


def kendall_tau(x: ArrayLike, y: ArrayLike) -> float:
    r"""Kendall's rank correlation τ-b, which allows ties (Knight's :math:`O(n \log^2 n)` count).

    Args:
        x: The first column of values.
        y: The second, as long.

    Returns:
        τ-b from -1 to 1; NaN when a column is constant or has fewer than two values.

    Raises:
        ValidationError: When the columns differ in length or hold NaN.

    Examples:
        >>> kendall_tau([1, 2, 3], [3, 2, 1])
        -1.0
        >>> round(kendall_tau([1, 2, 2, 3], [1, 3, 2, 4]), 6)
        0.912871
    """
    a, b = _pair(x, y, "kendall_tau")
    n = len(a)
    if n < 2:
        return math.nan
    ca, cb = _dense(a), _dense(b)
    n0 = n * (n - 1) // 2
    n1, n2 = _tied_pairs(ca), _tied_pairs(cb)
    n3 = _tied_pairs(ca * (int(cb.max()) + 1) + cb)
    order = np.lexsort((cb, ca))  # by x, then y: pairs tied in x are never counted discordant
    discordant = _inversions(cb[order])
    if n0 in (n1, n2):
        return math.nan
    difference = n0 - n1 - n2 + n3 - 2 * discordant  # concordant minus discordant
    return max(-1.0, min(1.0, difference / math.sqrt((n0 - n1) * (n0 - n2))))


def _from_top(totals: NDArray[np.float64]) -> NDArray[np.int64]:
    _d, inverse, counts = np.unique(-totals, return_inverse=True, return_counts=True)
    return ((np.cumsum(counts) - counts)[inverse.reshape(-1)] + 1).astype(np.int64)


def _overlap(a: NDArray[np.bool_], b: NDArray[np.bool_]) -> float:
    size = max(int(a.sum()), int(b.sum()))
    return 1.0 if size == 0 else int((a & b).sum()) / size


@attrs.frozen
class RankAgreement:
    """How far an alternative scoring agrees with the baseline (see the module docs).

    Attributes:
        spearman: Spearman's ρ of the rounded totals.
        kendall: Kendall's τ-b of the rounded totals.
        k: The size of the top and bottom groups compared.
        top_k: Overlap of the top-k groups, from 0 to 1.
        bottom_k: Overlap of the bottom-k groups, from 0 to 1.
        flipped: Share of subjects whose grade differs.

    Examples:
        >>> from csperf import shift_dimension, whatif
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> more = shift_dimension(card.weighting, "teamwork", 5)
        >>> found = whatif(card, table, {"teamwork +5": more})
        >>> agreement = found.scenarios[0].agreement
        >>> agreement.spearman, agreement.kendall, agreement.top_k, agreement.flipped
        (1.0, 1.0, 1.0, 0.5)
    """

    spearman: float
    kendall: float
    k: int
    top_k: float
    bottom_k: float
    flipped: float

    @classmethod
    def between(cls, baseline: BatchResult, other: BatchResult, k: int) -> RankAgreement:
        """The agreement of ``other`` with ``baseline`` (the same subjects, row by row).

        Raises:
            ValidationError: When the batches differ in length or ``k`` is below 1.
        """
        if len(baseline) != len(other):
            raise ValidationError(
                msg=f"the batches differ in length ({len(baseline)} and {len(other)})",
                obj="RankAgreement",
                field="other",
                value=len(other),
            )
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValidationError(
                msg=f"k must be a whole number >= 1, got {k!r}",
                obj="RankAgreement",
                field="k",
                value=k,
            )
        a, b = baseline.totals, other.totals
        flips = float(np.mean(baseline.grades != other.grades)) if len(a) else 0.0
        return cls(
            spearman=spearman(a, b),
            kendall=kendall_tau(a, b),
            k=k,
            top_k=_overlap(_from_top(a) <= k, _from_top(b) <= k),
            bottom_k=_overlap(_from_top(-a) <= k, _from_top(-b) <= k),
            flipped=flips,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (NaN as None)."""
        return {
            name: (None if isinstance(v, float) and math.isnan(v) else v)
            for name, v in attrs.asdict(self).items()
        }


# -- what-if ---------------------------------------------------------------------------------


def shift_dimension(weighting: Weighting, dimension: str, points: float) -> Weighting:
    r"""Move one dimension's weight by ``points`` percentage points, the others in proportion.

    The dimension's weight becomes :math:`w_d + p/100`; each other dimension's weight
    :math:`w_e` becomes :math:`w_e \cdot (1 - w_d - p/100) / (1 - w_d)`, so the weights still
    sum to 1 and keep their ratios. Weights within the dimensions do not change. The arithmetic
    is exact on the weights' decimal values.

    Args:
        weighting: The weighting to start from.
        dimension: The key of the dimension to move.
        points: The shift in percentage points (``5`` or ``-5``).

    Returns:
        The new :class:`~csperf.Weighting`.

    Raises:
        WeightingError: For an unknown dimension, a shift that takes the weight below 0 or above
            100%, or a shift of the only weighted dimension.

    Examples:
        >>> w = Weighting({"quality": 0.6, "speed": 0.3, "team": 0.1},
        ...               {"quality": {"csat": 1.0}, "speed": {"frt": 1.0}, "team": {"peer": 1.0}})
        >>> dict(shift_dimension(w, "quality", 5).dimensions)
        {'quality': 0.65, 'speed': 0.2625, 'team': 0.0875}
    """
    if dimension not in weighting.dimensions:
        raise WeightingError(
            msg=f"no dimension {dimension!r} (dimensions: {', '.join(weighting.dimensions)})",
            obj="shift_dimension",
            field="dimension",
            value=dimension,
        )
    levels = {k: exact(v) for k, v in weighting.dimensions.items()}
    old = levels[dimension]
    new = old + exact(points) / 100
    if not 0 <= new <= 1:
        raise WeightingError(
            msg=f"shifting dimension {dimension!r} by {points:g} points takes its weight "
            f"from {float(old * 100):g}% to {float(new * 100):g}%, outside 0-100%",
            obj="shift_dimension",
            field=("dimensions", dimension),
            value=points,
        )
    rest = 1 - old
    if rest == 0:
        if new == old:
            return weighting
        raise WeightingError(
            msg=f"dimension {dimension!r} holds the whole weight: there is nothing to move "
            "its shift to or from",
            obj="shift_dimension",
            field=("dimensions", dimension),
            value=points,
        )
    scale = (1 - new) / rest
    moved = {k: float(new if k == dimension else v * scale) for k, v in levels.items()}
    return Weighting(moved, weighting.indicators)


def _weighting_of(name: str, value: Any) -> Weighting:
    found = value if isinstance(value, Weighting) else getattr(value, "weighting", None)
    if not isinstance(found, Weighting):
        raise ValidationError(
            msg=f"scenario {name!r} must be a Weighting or a weight result with one, got "
            f"{type(value).__name__}",
            obj="whatif",
            field=("scenarios", name),
            value=value,
        )
    return found


@attrs.frozen
class GradeChange:
    """One subject whose grade an alternative weighting changes.

    Attributes:
        row: The subject's row.
        subject: The subject (None when the table named none).
        before: The baseline total.
        after: The total under the alternative.
        delta: ``after - before``, rounded to the card's precision.
        grade_before: The baseline grade's key.
        grade_after: The alternative grade's key.
        steps: Bands moved: positive when the grade improves (``+1`` from good to excellent).
        rank_before: Competition rank in the baseline.
        rank_after: Competition rank under the alternative.

    Examples:
        >>> from csperf import shift_dimension, whatif
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> more = shift_dimension(card.weighting, "teamwork", 5)
        >>> found = whatif(card, table, {"teamwork +5": more})
        >>> change = found.scenarios[0].changes[0]
        >>> change.subject, change.before, change.after, change.delta, change.steps
        ('ann', 90.3, 89.84, -0.46, -1)
    """

    row: int
    subject: str | None
    before: float
    after: float
    delta: float
    grade_before: str
    grade_after: str
    steps: int
    rank_before: int
    rank_after: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return attrs.asdict(self)


@attrs.frozen(eq=False)
class Scenario:
    """A population re-scored under one alternative weighting.

    Attributes:
        name: The scenario's name.
        weighting: The weighting used.
        batch: The re-scored :class:`~csperf.BatchResult`.
        agreement: Its :class:`RankAgreement` with the baseline.
        changes: Every subject whose grade changes, in row order.
        deltas: Each row's total minus the baseline's, rounded to the card's precision.

    Examples:
        >>> from csperf import shift_dimension, whatif
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> more = shift_dimension(card.weighting, "teamwork", 5)
        >>> found = whatif(card, table, {"teamwork +5": more})
        >>> scenario = found.scenarios[0]
        >>> scenario.name, scenario.deltas.tolist(), scenario.batch.grades.tolist()
        ('teamwork +5', [-0.46, -0.32], ['good', 'good'])
    """

    name: str
    weighting: Weighting
    batch: BatchResult
    agreement: RankAgreement
    changes: tuple[GradeChange, ...]
    deltas: NDArray[np.float64]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: weights in percent, agreement, deltas and changes."""
        return {
            "name": self.name,
            "weighting": self.weighting.as_percentages(),
            "agreement": self.agreement.to_dict(),
            "deltas": [
                {"subject": subject, "delta": delta}
                for subject, delta in zip(self.batch.subjects, self.deltas.tolist())
            ],
            "changes": [c.to_dict() for c in self.changes],
        }


@attrs.frozen(eq=False)
class WhatIf:
    """A baseline and the same population under alternative weightings.

    Attributes:
        baseline: The :class:`~csperf.BatchResult` under the card's own weighting.
        scenarios: One :class:`Scenario` per alternative, in the order given.

    Examples:
        >>> from csperf import shift_dimension, whatif
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> more = shift_dimension(card.weighting, "teamwork", 5)
        >>> found = whatif(card, table, {"teamwork +5": more})
        >>> found.baseline.grades.tolist(), [s.name for s in found.scenarios]
        (['excellent', 'good'], ['teamwork +5'])
    """

    baseline: BatchResult
    scenarios: tuple[Scenario, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the baseline totals and grades and of each scenario."""
        return {
            "scorecard": self.baseline.scorecard,
            "version": self.baseline.version,
            "fingerprint": self.baseline.fingerprint,
            "baseline": [
                {"subject": s, "total": t, "grade": g}
                for s, t, g in zip(
                    self.baseline.subjects,
                    self.baseline.totals.tolist(),
                    self.baseline.grades.tolist(),
                )
            ],
            "scenarios": [s.to_dict() for s in self.scenarios],
        }


def _default_k(n: int) -> int:
    return max(1, math.ceil(n / 10))


def _check_k(k: int | None, n: int, obj: str) -> int:
    if k is None:
        return _default_k(n)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValidationError(
            msg=f"k must be a whole number >= 1, got {k!r}", obj=obj, field="k", value=k
        )
    return k


def _changes(card: Scorecard, baseline: BatchResult, other: BatchResult) -> tuple[Any, ...]:
    order = {b.key: i for i, b in enumerate(card.grade_scale.ordered)}  # lowest first
    before_ranks, after_ranks = baseline.ranks(), other.ranks()
    deltas = np.round(other.totals - baseline.totals, card.precision)
    deltas[deltas == 0] = 0.0  # no -0.0
    subjects = baseline.subjects
    changes = tuple(
        GradeChange(
            row=row,
            subject=subjects[row],
            before=float(baseline.totals[row]),
            after=float(other.totals[row]),
            delta=float(deltas[row]),
            grade_before=str(baseline.grades[row]),
            grade_after=str(other.grades[row]),
            steps=order[str(other.grades[row])] - order[str(baseline.grades[row])],
            rank_before=int(before_ranks[row]),
            rank_after=int(after_ranks[row]),
        )
        for row in np.flatnonzero(baseline.grades != other.grades).tolist()
    )
    return changes, deltas


def whatif(
    card: Scorecard,
    table: Any,
    scenarios: Mapping[str, Any],
    *,
    k: int | None = None,
    subject: str | None = None,
    extra: str = "error",
    nan: str = "error",
) -> WhatIf:
    """Re-score a population under alternative weightings and show whose grade changes.

    Args:
        card: The scorecard; its own weighting gives the baseline.
        table: The measurements, anything :meth:`Scorecard.evaluate_many
            <csperf.Scorecard.evaluate_many>` reads.
        scenarios: Name → a :class:`~csperf.Weighting`, or a result holding one as
            ``.weighting`` (a :class:`~csperf.weights.WeightResult` from AHP, entropy, SWOT...).
        k: The size of the top and bottom groups compared (default: a tenth of the
            population, at least 1).
        subject: As in :meth:`~csperf.Scorecard.evaluate_many`.
        extra: As in :meth:`~csperf.Scorecard.evaluate_many`.
        nan: As in :meth:`~csperf.Scorecard.evaluate_many`.

    Returns:
        A :class:`WhatIf`: the baseline and one :class:`Scenario` per alternative.

    Raises:
        ValidationError: For a scenario that holds no weighting, or a bad ``k``.
        WeightingError: When a weighting does not fit the card.
        MeasurementError: As :meth:`~csperf.Scorecard.evaluate_many`.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> more = shift_dimension(card.weighting, "teamwork", 5)
        >>> result = whatif(card, table, {"teamwork +5": more})
        >>> result.baseline.totals.tolist(), result.scenarios[0].batch.totals.tolist()
        ([90.3, 87.8], [89.84, 87.48])
        >>> [(c.subject, c.grade_before, c.grade_after, c.delta, c.steps)
        ...  for c in result.scenarios[0].changes]
        [('ann', 'excellent', 'good', -0.46, -1)]
    """
    baseline = card.evaluate_many(table, subject=subject, extra=extra, nan=nan)
    size = _check_k(k, len(baseline), "whatif")
    found: list[Scenario] = []
    for name, value in scenarios.items():
        weighting = _weighting_of(str(name), value)
        other = attrs.evolve(card, weighting=weighting).evaluate_many(
            table, subject=subject, extra=extra, nan=nan
        )
        changes, deltas = _changes(card, baseline, other)
        found.append(
            Scenario(
                name=str(name),
                weighting=weighting,
                batch=other,
                agreement=RankAgreement.between(baseline, other, size),
                changes=changes,
                deltas=deltas,
            )
        )
    return WhatIf(baseline, tuple(found))


# -- sensitivity -----------------------------------------------------------------------------


@attrs.frozen
class Perturbation:
    """One dimension's weight moved, the others in proportion (see :func:`shift_dimension`).

    Attributes:
        dimension: The dimension moved.
        shift: The shift applied, in percentage points (clipped so the weight stays in 0-100%).
        agreement: The :class:`RankAgreement` with the baseline.
        flipped_subjects: The subjects whose grade changes, in row order.

    Examples:
        >>> from csperf import weight_sensitivity
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> result = weight_sensitivity(card, table, draws=10, seed=0)
        >>> [(p.dimension, p.shift, p.flipped_subjects) for p in result.one_at_a_time][-2:]
        [('teamwork', -5.0, ()), ('teamwork', 5.0, ('ann',))]
    """

    dimension: str
    shift: float
    agreement: RankAgreement
    flipped_subjects: tuple[str | None, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "dimension": self.dimension,
            "shift": self.shift,
            "agreement": self.agreement.to_dict(),
            "flipped_subjects": list(self.flipped_subjects),
        }


def _nan_stats(values: NDArray[np.float64]) -> dict[str, float | None]:
    kept = values[~np.isnan(values)]
    if not len(kept):
        return {"mean": None, "min": None, "p05": None, "median": None}
    return {
        "mean": float(kept.mean()),
        "min": float(kept.min()),
        "p05": float(np.percentile(kept, 5)),
        "median": float(np.median(kept)),
    }


@attrs.frozen(eq=False)
class Sensitivity:
    """How the ranking and grades move when the weights do.

    Arrays of length :attr:`draws` hold one value per Monte Carlo draw; :attr:`flip_rate` holds
    one per subject.

    Attributes:
        baseline: The :class:`~csperf.BatchResult` under the card's own weighting.
        method: ``"uniform"`` or ``"dirichlet"``.
        draws: The number of Monte Carlo draws.
        spread: The uniform method's bound on the relative change of each weight.
        concentration: The Dirichlet method's concentration.
        seed: The seed of the draws.
        k: The size of the top and bottom groups compared.
        spearman: Spearman's ρ of each draw with the baseline.
        kendall: Kendall's τ-b of each draw.
        top_k: Top-k overlap of each draw.
        bottom_k: Bottom-k overlap of each draw.
        flipped: Share of subjects whose grade flips, per draw.
        flip_rate: Per subject, the share of draws in which its grade differs from the
            baseline: "would a reasonable other choice of weights have changed this grade?"
        one_at_a_time: One :class:`Perturbation` per dimension and direction of the step.

    Examples:
        >>> from csperf import weight_sensitivity
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo"], **{k: [v, v] for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 70]
        >>> result = weight_sensitivity(card, table, draws=10, seed=0)
        >>> result.draws, result.k, len(result.spearman), result.flip_rate.tolist()
        (10, 1, 10, [0.1, 0.0])
    """

    baseline: BatchResult
    method: str
    draws: int
    spread: float
    concentration: float
    seed: int
    k: int
    spearman: NDArray[np.float64]
    kendall: NDArray[np.float64]
    top_k: NDArray[np.float64]
    bottom_k: NDArray[np.float64]
    flipped: NDArray[np.float64]
    flip_rate: NDArray[np.float64]
    one_at_a_time: tuple[Perturbation, ...]

    def summary(self) -> dict[str, dict[str, float | None]]:
        """Mean, minimum, 5th percentile and median of each statistic over the draws."""
        return {
            name: _nan_stats(getattr(self, name))
            for name in ("spearman", "kendall", "top_k", "bottom_k", "flipped")
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: the settings, the summary, per-subject flip rates, OAT."""
        return {
            "scorecard": self.baseline.scorecard,
            "version": self.baseline.version,
            "fingerprint": self.baseline.fingerprint,
            "method": self.method,
            "draws": self.draws,
            "spread": self.spread,
            "concentration": self.concentration,
            "seed": self.seed,
            "k": self.k,
            "summary": self.summary(),
            "flip_rate": [
                {"subject": s, "grade": g, "flip_rate": r}
                for s, g, r in zip(
                    self.baseline.subjects,
                    self.baseline.grades.tolist(),
                    self.flip_rate.tolist(),
                )
            ],
            "one_at_a_time": [p.to_dict() for p in self.one_at_a_time],
        }


def _draw(
    rng: np.random.Generator,
    weights: NDArray[np.float64],
    method: str,
    spread: float,
    concentration: float,
) -> NDArray[np.float64]:
    if method == "uniform":
        factors = 1.0 + spread * rng.uniform(-1.0, 1.0, size=len(weights))
        drawn = weights * factors
    else:
        drawn = np.zeros_like(weights)
        positive = weights > 0
        drawn[positive] = rng.dirichlet(concentration * weights[positive])
    return np.asarray(drawn / drawn.sum(), dtype=float)


def _check_number(name: str, value: Any, low: float, high: float, *, closed: bool) -> float:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
        and low <= value
        and (value <= high if closed else value < high)
    )
    if not ok:
        bound = "]" if closed else ")"
        raise ValidationError(
            msg=f"{name} must be a number in [{low:g}, {high:g}{bound}, got {value!r}",
            obj="weight_sensitivity",
            field=name,
            value=value,
        )
    return float(value)


def weight_sensitivity(
    card: Scorecard,
    table: Any,
    *,
    draws: int = 200,
    method: str = "uniform",
    spread: float = 0.2,
    concentration: float = 100.0,
    step: float = 5.0,
    k: int | None = None,
    seed: int = 0,
    subject: str | None = None,
    extra: str = "error",
    nan: str = "error",
) -> Sensitivity:
    r"""Perturb the weights by Monte Carlo and one dimension at a time; measure what moves.

    Each Monte Carlo draw perturbs the card's *effective* indicator weights :math:`w`
    (dimension weight × weight within it) and rebuilds the two levels from them
    (:meth:`Weighting.from_effective <csperf.Weighting.from_effective>`):

    * ``"uniform"`` (bounded, renormalised): :math:`w'_i = w_i (1 + s u_i)` with
      :math:`u_i \sim U(-1, 1)` and :math:`s` the ``spread``, then :math:`w' / \sum w'`. Each
      weight moves by at most :math:`\pm s` relative before the renormalisation; zero weights
      stay zero. ``spread=0`` gives back the card's weights exactly.
    * ``"dirichlet"``: :math:`w' \sim \mathrm{Dirichlet}(c\,w)` over the positive weights, with
      :math:`c` the ``concentration``: the mean is :math:`w`, the variance
      :math:`w_i (1 - w_i) / (c + 1)`.

    One at a time, each dimension's weight is moved by :math:`-\text{step}` and
    :math:`+\text{step}` percentage points (:func:`shift_dimension`, clipped to 0-100%).

    Args:
        card: The scorecard; its weighting is the baseline.
        table: The measurements, anything :meth:`Scorecard.evaluate_many
            <csperf.Scorecard.evaluate_many>` reads.
        draws: Monte Carlo draws (0 for one-at-a-time only).
        method: ``"uniform"`` or ``"dirichlet"``.
        spread: The uniform method's relative bound, from 0 up to (not including) 1.
        concentration: The Dirichlet concentration, above 0.
        step: The one-at-a-time shift in percentage points, from 0 to 100 (0 skips it).
        k: The size of the top and bottom groups (default: a tenth of the population, at
            least 1).
        seed: Seed of :func:`numpy.random.default_rng`: the same seed gives the same draws.
        subject: As in :meth:`~csperf.Scorecard.evaluate_many`.
        extra: As in :meth:`~csperf.Scorecard.evaluate_many`.
        nan: As in :meth:`~csperf.Scorecard.evaluate_many`.

    Returns:
        A :class:`Sensitivity`.

    Raises:
        ValidationError: For a setting out of range or an unknown method.
        MeasurementError: As :meth:`~csperf.Scorecard.evaluate_many`.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo", "cy"], **{k: [v] * 3 for k, v in row.items()}}
        >>> table["product_knowledge"] = [100, 86, 70]
        >>> result = weight_sensitivity(card, table, draws=20, seed=1)
        >>> float(result.spearman.min()), result.flip_rate.tolist()
        (1.0, [0.0, 0.0, 0.0])
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise ValidationError(
            msg=f"draws must be a whole number >= 0, got {draws!r}",
            obj="weight_sensitivity",
            field="draws",
            value=draws,
        )
    if method not in METHODS:
        raise ValidationError(
            msg=f"method must be one of {', '.join(METHODS)}, got {method!r}",
            obj="weight_sensitivity",
            field="method",
            value=method,
        )
    spread = _check_number("spread", spread, 0.0, 1.0, closed=False)
    step = _check_number("step", step, 0.0, 100.0, closed=True)
    concentration = _check_number("concentration", concentration, 0.0, math.inf, closed=False)
    if concentration == 0:
        raise ValidationError(
            msg="concentration must be above 0",
            obj="weight_sensitivity",
            field="concentration",
            value=concentration,
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(
            msg=f"seed must be a whole number, got {seed!r}",
            obj="weight_sensitivity",
            field="seed",
            value=seed,
        )
    baseline = card.evaluate_many(table, subject=subject, extra=extra, nan=nan)
    n = len(baseline)
    size = _check_k(k, n, "weight_sensitivity")
    effective = card.weighting.effective()
    keys = list(effective)
    weights = np.array([effective[key] for key in keys], dtype=float)
    groups = {dim: [i.key for i in inds] for dim, inds in card.groups().items()}
    rng = np.random.default_rng(seed)
    stats = np.full((5, draws), np.nan)
    flips = np.zeros(n)

    def rescore(weighting: Weighting) -> tuple[BatchResult, RankAgreement]:
        other = attrs.evolve(card, weighting=weighting).evaluate_many(
            table, subject=subject, extra=extra, nan=nan
        )
        return other, RankAgreement.between(baseline, other, size)

    for d in range(draws):
        drawn = _draw(rng, weights, method, spread, concentration)
        if np.array_equal(drawn, weights) or (method == "uniform" and spread == 0):
            weighting = card.weighting  # nothing moved: the card's weights, exactly
        else:
            weighting = Weighting.from_effective(dict(zip(keys, drawn.tolist())), groups)
        other, agreement = rescore(weighting)
        stats[:, d] = (
            agreement.spearman,
            agreement.kendall,
            agreement.top_k,
            agreement.bottom_k,
            agreement.flipped,
        )
        flips += baseline.grades != other.grades
    steps: list[Perturbation] = []
    if step > 0:
        levels = {key: exact(v) for key, v in card.weighting.dimensions.items()}
        for dim, weight in levels.items():
            if weight == 1:
                continue  # the only weighted dimension: nothing to move it against
            for sign in (-1, 1):
                shift = exact(step) * sign
                shift = max(-weight * 100, min((1 - weight) * 100, shift))
                points = float(Fraction(shift))
                if points == 0:
                    continue
                other, agreement = rescore(shift_dimension(card.weighting, dim, points))
                flipped = tuple(
                    baseline.subjects[i]
                    for i in np.flatnonzero(baseline.grades != other.grades).tolist()
                )
                steps.append(Perturbation(dim, points, agreement, flipped))
    return Sensitivity(
        baseline=baseline,
        method=method,
        draws=draws,
        spread=spread,
        concentration=concentration,
        seed=seed,
        k=size,
        spearman=stats[0],
        kendall=stats[1],
        top_k=stats[2],
        bottom_k=stats[3],
        flipped=stats[4],
        flip_rate=flips / draws if draws else np.zeros(n),
        one_at_a_time=tuple(steps),
    )
