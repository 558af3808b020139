r"""Calibration to a distribution: quotas such as 20/70/10 over a ranked population.

:func:`calibrate` takes the :class:`~csperf.BatchResult` of a population and quotas over the
card's grade bands, best band first, and gives each subject a *calibrated* grade beside the
original one. Totals never change; the result lists every subject whose grade moved and why.

The rules (see also the explanation page *Calibration and sensitivity*):

1. **Quota sizes** by the largest remainder (Hamilton) method. For ``n`` subjects and shares
   :math:`p_1, \dots, p_m` (summing to 1), band :math:`j` is owed :math:`q_j = n p_j` places;
   it receives :math:`\lfloor q_j \rfloor`, and the :math:`n - \sum_j \lfloor q_j \rfloor`
   places left go one each to the bands with the largest remainders
   :math:`q_j - \lfloor q_j \rfloor`; equal remainders favour the better band. The sizes sum to
   ``n`` and each is within one place of :math:`q_j`. Shares are read as exact decimals, so
   20/70/10 of 7 subjects owes exactly 1.4, 4.9 and 0.7 places: sizes 1, 5, 1.
2. **Ranking.** Subjects are ordered by rounded total, highest first (the ranking of
   :meth:`~csperf.BatchResult.ranks`); positions ``1..s_1`` form the first band's quota,
   the next ``s_2`` positions the second's, and so on.
3. **Ties.** Subjects with equal rounded totals always receive the same calibrated grade. A
   tied group whose positions straddle a quota boundary goes, whole, to the band that holds
   the most of its positions; when two bands hold equally many, to the better one. A band may
   so receive more or fewer subjects than its quota: by at most the size of the tied groups
   that straddle its boundaries. This rule is the one least dependent on where the tie falls:
   a group of two straddling a boundary at its midpoint goes up (benefit of the doubt to the
   subject), any other straddling group goes where most of its members were placed, and no
   band boundary moves for the subjects outside the tie.
4. **Scope.** With ``teams``, each team is ranked and given its quotas on its own; without,
   the whole population is one scope.

Raw values, points and totals are those of the batch; only the grades are recalibrated.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._labels import label
from csperf._numbers import competition_ranks, exact
from csperf.errors import ValidationError
from csperf.grading import GradeScale

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from csperf.results import BatchResult

__all__ = ["Calibration", "CalibrationMove", "Quota", "calibrate", "quota_sizes"]

_TOLERANCE = Fraction(1, 10**9)


@attrs.frozen
class Quota:
    """One band's quota in one scope: what was asked and what was met.

    Attributes:
        scope: The team, or None when the whole population is one scope.
        band: The grade band's key.
        share: The share asked, a fraction from 0 to 1.
        size: Places owed by the largest remainder method (the target count).
        met: Subjects given the band (differs from ``size`` only through ties).

    Examples:
        >>> from csperf import calibrate
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo", "cy"], **{k: [v] * 3 for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 88, 70]
        >>> result = calibrate(card.evaluate_many(table), [0, 50, 50, 0])
        >>> [(q.band, q.share, q.size, q.met) for q in result.quotas]
        [('excellent', 0.0, 0, 0), ('good', 0.5, 2, 2), ('pass', 0.5, 1, 1), ('fail', 0.0, 0, 0)]
    """

    scope: str | None
    band: str
    share: float
    size: int
    met: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "scope": self.scope,
            "band": self.band,
            "share": self.share,
            "size": self.size,
            "met": self.met,
        }


@attrs.frozen
class CalibrationMove:
    """One subject whose grade calibration changed, and why.

    Attributes:
        row: The subject's row in the batch.
        subject: The subject (None when the batch named none).
        scope: The team it was ranked in, or None.
        total: Its rounded total (unchanged).
        rank: Its competition rank within the scope (1 for the highest total).
        original: The grade band key the total earned.
        calibrated: The grade band key the quotas gave.
        first: The first position (from 1) of its tied group in the scope's ranking.
        last: The last position of its tied group (``first`` when it is not tied).
        of: The number of subjects in the scope.
        held: How many positions of its tied group lie in the calibrated band's quota.
        share: The calibrated band's share asked, from 0 to 1.
        places: The calibrated band's quota size in the scope.
    """

    row: int
    subject: str | None
    scope: str | None
    total: float
    rank: int
    original: str
    calibrated: str
    first: int
    last: int
    of: int
    held: int
    share: float
    places: int

    @property
    def tied(self) -> int:
        """The size of its tied group (1 when it is not tied)."""
        return self.last - self.first + 1

    @property
    def reason(self) -> str:
        """Why its grade moved, in English (:meth:`describe` for another language)."""
        return self.describe()

    def describe(self, lang: str | None = None) -> str:
        """Why its grade moved, in one line of ``lang`` (``"en"``, the default, or ``"zh"``).

        Examples:
            >>> move = CalibrationMove(1, "q", None, 90.3, 2, "a", "b", 2, 2, 7, 1, 0.7, 5)
            >>> move.describe()
            "position 2 of 7 in the population: the quota of 'b' is 70% (5 places); total 90.3 earned 'a'"
        """  # noqa: E501
        where = (
            label("calibration.where.all", lang)
            if self.scope is None
            else label("calibration.where.team", lang, team=repr(self.scope))
        )
        if self.tied == 1:
            key = "calibration.reason.single"
        elif self.held == self.tied:
            key = "calibration.reason.tied"
        else:
            key = "calibration.reason.across"
        values = {
            "first": self.first,
            "of": self.of,
            "where": where,
            "band": repr(self.calibrated),
            "share": f"{self.share * 100:.4g}%",
            "places": self.places,
            "total": f"{self.total:g}",
            "original": repr(self.original),
        }
        if key != "calibration.reason.single":
            values.update(last=self.last, tied=self.tied)
        if key == "calibration.reason.across":
            values.update(held=self.held)
        return label(key, lang, **values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, the English reason included."""
        return {**attrs.asdict(self), "reason": self.reason}


@attrs.frozen(eq=False)
class Calibration:
    """Calibrated grades beside the original ones.

    Row ``i`` of every array belongs to row ``i`` of :attr:`batch`.

    Attributes:
        batch: The :class:`~csperf.BatchResult` calibrated; its totals and grades are untouched.
        bands: The band keys the quotas are over, best first.
        original: The grades the totals earned (``batch.grades``).
        calibrated: The grades the quotas gave.
        teams: Each row's team, or None when the population is one scope.
        ranks: Each row's competition rank within its scope.
        quotas: For each scope (teams sorted) and band, the share asked, size owed, count met.
        moved: Every subject whose calibrated grade differs from its original one, in row order.

    Examples:
        >>> from csperf import calibrate
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": ["ann", "bo", "cy"], **{k: [v] * 3 for k, v in row.items()}}
        >>> table["product_knowledge"] = [95, 88, 70]
        >>> result = calibrate(card.evaluate_many(table), [0, 50, 50, 0])
        >>> result.totals.tolist(), result.original.tolist(), result.calibrated.tolist()
        ([90.3, 89.6, 87.8], ['excellent', 'good', 'good'], ['good', 'good', 'pass'])
        >>> [m.subject for m in result.moved], result.ranks.tolist()
        (['ann', 'cy'], [1, 2, 3])
    """

    batch: BatchResult
    bands: tuple[str, ...]
    original: NDArray[np.str_]
    calibrated: NDArray[np.str_]
    teams: tuple[str, ...] | None
    ranks: NDArray[np.int64]
    quotas: tuple[Quota, ...]
    moved: tuple[CalibrationMove, ...]

    def __len__(self) -> int:
        return len(self.calibrated)

    @property
    def totals(self) -> NDArray[np.float64]:
        """The batch's rounded totals (calibration never changes them)."""
        return self.batch.totals

    @property
    def subjects(self) -> tuple[str | None, ...]:
        """The batch's subjects."""
        return self.batch.subjects

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per subject: subject, team, total, rank, both grades, moved."""
        teams = self.teams or (None,) * len(self)
        return [
            {
                "subject": subject,
                "team": team,
                "total": total,
                "rank": rank,
                "original": original,
                "calibrated": calibrated,
                "moved": original != calibrated,
            }
            for subject, team, total, rank, original, calibrated in zip(
                self.subjects,
                teams,
                self.totals.tolist(),
                self.ranks.tolist(),
                self.original.tolist(),
                self.calibrated.tolist(),
            )
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: scorecard, bands, quotas, subjects and moves."""
        return {
            "scorecard": self.batch.scorecard,
            "version": self.batch.version,
            "fingerprint": self.batch.fingerprint,
            "bands": list(self.bands),
            "quotas": [q.to_dict() for q in self.quotas],
            "subjects": self.to_records(),
            "moved": [m.to_dict() for m in self.moved],
        }


def _shares(
    quotas: Mapping[str, Any] | Sequence[Any], scale: GradeScale
) -> tuple[tuple[str, ...], list[Fraction]]:
    """The band keys best first and their exact shares (summing to 1)."""
    best_first = tuple(b.key for b in reversed(scale.ordered))
    if isinstance(quotas, Mapping):
        unknown = [k for k in quotas if k not in best_first]
        if unknown:
            raise ValidationError(
                msg=f"quota for unknown band {unknown[0]!r} (bands, best first: "
                f"{', '.join(best_first)})",
                obj="calibrate",
                field=("quotas", str(unknown[0])),
                value=unknown[0],
            )
        given = [(key, quotas.get(key, 0)) for key in best_first]
    elif isinstance(quotas, (str, bytes)) or not isinstance(quotas, Sequence):
        raise ValidationError(
            msg="quotas must be a sequence of shares (best band first) or a mapping of band "
            f"key to share, got {type(quotas).__name__}",
            obj="calibrate",
            field="quotas",
            value=quotas,
        )
    else:
        if len(quotas) != len(best_first):
            raise ValidationError(
                msg=f"{len(quotas)} quotas for {len(best_first)} grade bands "
                f"({', '.join(best_first)}); give one share per band, best first, or a "
                "mapping of band key to share",
                obj="calibrate",
                field="quotas",
                value=list(quotas),
            )
        given = list(zip(best_first, quotas))
    shares: list[Fraction] = []
    for key, value in given:
        if (
            isinstance(value, bool)
            or not isinstance(value, (numbers.Real, Decimal))
            or not math.isfinite(float(value))
        ):
            raise ValidationError(
                msg=f"quota for band {key!r} must be a finite number, got {value!r}",
                obj="calibrate",
                field=("quotas", key),
                value=value,
            )
        share = exact(value if isinstance(value, (Decimal, Fraction, int)) else float(value))
        if share < 0:
            raise ValidationError(
                msg=f"quota for band {key!r} is negative ({value!r})",
                obj="calibrate",
                field=("quotas", key),
                value=value,
            )
        shares.append(share)
    total = sum(shares, Fraction(0))
    for scale_total in (Fraction(1), Fraction(100)):
        if abs(total - scale_total) <= _TOLERANCE * scale_total:
            return best_first, [s / total for s in shares]
    raise ValidationError(
        msg=f"quotas sum to {float(total):g}, expected 1 (fractions) or 100 (percent) "
        f"({', '.join(f'{k}={v!r}' for k, v in given)})",
        obj="calibrate",
        field="quotas",
        value=float(total),
    )


def quota_sizes(n: int, shares: Sequence[float | Fraction]) -> list[int]:
    r"""Split ``n`` places by the largest remainder (Hamilton) method.

    Each share :math:`p_j` owes :math:`q_j = n p_j` places (shares are read as exact decimals
    and normalised to sum to 1); each gets :math:`\lfloor q_j \rfloor`, and the places left go
    one each to the largest remainders, equal remainders to the earlier share (the better band).

    Args:
        n: The number of places (subjects), 0 or more.
        shares: The shares, best band first; they must not be negative and must not all be 0.

    Returns:
        The sizes, summing to ``n``, each within one of :math:`n p_j`.

    Raises:
        ValidationError: For a negative ``n``, or shares that are negative or all zero.

    Examples:
        >>> quota_sizes(7, [0.2, 0.7, 0.1])
        [1, 5, 1]
        >>> quota_sizes(10, [10, 20, 40, 20, 10])
        [1, 2, 4, 2, 1]
        >>> quota_sizes(3, [0.5, 0.5])
        [2, 1]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValidationError(
            msg=f"the number of places must be a whole number >= 0, got {n!r}",
            obj="quota_sizes",
            field="n",
            value=n,
        )
    exact_shares = [exact(s) for s in shares]
    if any(s < 0 for s in exact_shares) or not any(exact_shares):
        raise ValidationError(
            msg="shares must not be negative nor all zero",
            obj="quota_sizes",
            field="shares",
            value=list(shares),
        )
    total = sum(exact_shares, Fraction(0))
    owed = [n * s / total for s in exact_shares]
    sizes = [math.floor(q) for q in owed]
    left = n - sum(sizes)
    by_remainder = sorted(range(len(owed)), key=lambda j: (-(owed[j] - sizes[j]), j))
    for j in by_remainder[:left]:
        sizes[j] += 1
    return sizes


def _scope_of(
    batch: BatchResult, teams: Mapping[str, Any] | Sequence[Any] | None
) -> tuple[str, ...] | None:
    if teams is None:
        return None
    n = len(batch)
    if isinstance(teams, Mapping):
        found: list[str] = []
        for row, subject in enumerate(batch.subjects):
            if subject is None or subject not in teams:
                raise ValidationError(
                    msg=f"no team for subject {subject!r} (row {row})",
                    obj="calibrate",
                    field="teams",
                    subject=subject,
                    value=subject,
                )
            found.append(teams[subject])
    elif isinstance(teams, (str, bytes)) or not isinstance(teams, Sequence):
        raise ValidationError(
            msg="teams must map subject to team or list one team per row, got "
            f"{type(teams).__name__}",
            obj="calibrate",
            field="teams",
            value=teams,
        )
    else:
        if len(teams) != n:
            raise ValidationError(
                msg=f"{len(teams)} teams for {n} subjects",
                obj="calibrate",
                field="teams",
                value=len(teams),
            )
        found = list(teams)
    for row, team in enumerate(found):
        if not isinstance(team, str) or not team:
            subject = batch.subjects[row]
            raise ValidationError(
                msg=f"the team of subject {subject!r} must be a non-empty text, got {team!r}",
                obj="calibrate",
                field=("teams", row),
                subject=subject,
                value=team,
            )
    return tuple(found)


def _assign(
    totals: NDArray[np.float64], sizes: list[int]
) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.int64]]:
    """Per subject of one scope: band index (best first), rank, and (first, last, held).

    ``first`` and ``last`` are the 1-based positions of the subject's tied group, ``held`` how
    many of them lie in the quota of the band the group is given.
    """
    ends = np.cumsum(sizes)  # position p (0-based) is in band j when ends[j-1] <= p < ends[j]
    ranks = competition_ranks(totals)
    distinct, inverse, counts = np.unique(-totals, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts  # 0-based first position of each tied group
    group_band = np.empty(len(distinct), dtype=np.intp)
    group_info = np.empty((len(distinct), 3), dtype=np.int64)
    for g, (start, count) in enumerate(zip(first.tolist(), counts.tolist())):
        positions = np.arange(start, start + count)
        bands = np.searchsorted(ends, positions, side="right")
        held = np.bincount(bands, minlength=len(sizes))
        chosen = int(np.argmax(held))  # the first maximum: the better band on a tie
        group_band[g] = chosen
        group_info[g] = (start + 1, start + count, int(held[chosen]))
    rows = inverse.reshape(-1)
    return group_band[rows], ranks, group_info[rows]


def calibrate(
    batch: BatchResult,
    quotas: Mapping[str, Any] | Sequence[Any],
    *,
    teams: Mapping[str, Any] | Sequence[Any] | None = None,
    scale: GradeScale | None = None,
) -> Calibration:
    """Grade a ranked population by quotas (forced distribution), beside its earned grades.

    See the module documentation for the rules: largest remainder sizes, rounded totals
    ranked highest first, a tied group kept together in the band that holds most of it (the
    better band when two hold equally many), each team on its own when ``teams`` is given.

    Args:
        batch: The population's :class:`~csperf.BatchResult` (from
            :meth:`Scorecard.evaluate_many <csperf.Scorecard.evaluate_many>`).
        quotas: The shares, in percent (summing to 100) or fractions (summing to 1): a sequence
            with one share per grade band, best band first, or a mapping of band key to share
            (bands left out get 0).
        teams: Subject → team, or one team per row: each team is calibrated on its own.
        scale: The grade scale of the batch's grades, used only when the batch was built
            without one.

    Returns:
        A :class:`Calibration`: original and calibrated grades, ranks, quotas asked and met,
        and the subjects whose grade moved, with the reason.

    Raises:
        ValidationError: For quotas that are not one share per band, name an unknown band,
            are negative or do not sum to 1 or 100; for a subject without a team; for a batch
            without a grade scale when none is given.

    Examples:
        >>> from csperf import GradeBand, GradeScale
        >>> from csperf.templates import customer_service_manager
        >>> scale = GradeScale((GradeBand("a", "A", 90, 100), GradeBand("b", "B", 70, 90),
        ...                     GradeBand("c", "C", 0, 70)))
        >>> card = customer_service_manager()
        >>> import attrs
        >>> card = attrs.evolve(card, grade_scale=scale)
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> table = {"subject": list("pqrstuv"), **{k: [v] * 7 for k, v in row.items()}}
        >>> table["product_knowledge"] = [99, 95, 90, 88, 80, 70, 60]
        >>> result = calibrate(card.evaluate_many(table), [20, 70, 10])
        >>> result.totals.tolist()
        [90.7, 90.3, 89.8, 89.6, 88.8, 87.8, 86.8]
        >>> result.original.tolist()
        ['a', 'a', 'b', 'b', 'b', 'b', 'b']
        >>> result.calibrated.tolist()
        ['a', 'b', 'b', 'b', 'b', 'b', 'c']
        >>> [(m.subject, m.original, m.calibrated) for m in result.moved]
        [('q', 'a', 'b'), ('v', 'b', 'c')]
    """
    chosen = batch.grade_scale if batch.grade_scale is not None else scale
    if chosen is None:
        raise ValidationError(
            msg="the batch has no grade scale: pass scale=",
            obj="calibrate",
            field="scale",
        )
    bands, shares = _shares(quotas, chosen)
    scopes = _scope_of(batch, teams)
    totals = np.asarray(batch.totals, dtype=float)
    n = len(totals)
    calibrated_index = np.zeros(n, dtype=np.intp)
    ranks = np.zeros(n, dtype=np.int64)
    info = np.zeros((n, 3), dtype=np.int64)
    scope_size = np.zeros(n, dtype=np.int64)
    quota_rows: list[Quota] = []
    groups: list[tuple[str | None, NDArray[np.intp]]]
    if scopes is None:
        groups = [(None, np.arange(n))]
    else:
        names = np.array(scopes, dtype=object)
        groups = [(team, np.flatnonzero(names == team)) for team in sorted(set(scopes))]
    for team, rows in groups:
        sizes = quota_sizes(len(rows), shares)
        index, scope_ranks, where = _assign(totals[rows], sizes)
        calibrated_index[rows] = index
        ranks[rows] = scope_ranks
        info[rows] = where
        scope_size[rows] = len(rows)
        met = np.bincount(index, minlength=len(bands))
        quota_rows.extend(
            Quota(team, band, float(share), size, int(count))
            for band, share, size, count in zip(bands, shares, sizes, met.tolist())
        )
    calibrated = np.array(bands, dtype=np.str_)[calibrated_index] if n else np.array([], str)
    original = np.asarray(batch.grades).astype(np.str_)
    shares_by_band = dict(zip(bands, shares))
    sizes_by_scope = {(q.scope, q.band): q for q in quota_rows}
    moved: list[CalibrationMove] = []
    subjects = batch.subjects
    for row in np.flatnonzero(calibrated != original).tolist():
        team = None if scopes is None else scopes[row]
        band = str(calibrated[row])
        first, last, held = (int(v) for v in info[row])
        moved.append(
            CalibrationMove(
                row=row,
                subject=subjects[row],
                scope=team,
                total=float(totals[row]),
                rank=int(ranks[row]),
                original=str(original[row]),
                calibrated=band,
                first=first,
                last=last,
                of=int(scope_size[row]),
                held=held,
                share=float(shares_by_band[band]),
                places=sizes_by_scope[(team, band)].size,
            )
        )
    return Calibration(
        batch=batch,
        bands=bands,
        original=original,
        calibrated=calibrated,
        teams=scopes,
        ranks=ranks,
        quotas=tuple(quota_rows),
        moved=tuple(moved),
    )
