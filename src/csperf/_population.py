"""One period's results of a population as arrays, sorted by subject.

The history stores it, the health review and the period comparison read it. Whatever order the
results came in, the rows are sorted by subject, so that every statistic computed from them is
the same for every order of the input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf.errors import ValidationError
from csperf.results import BatchResult, ScorecardResult

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from csperf.scorecard import Scorecard

__all__ = ["Population"]


@attrs.frozen(eq=False)
class Population:
    """The results of one period, one row per subject, sorted by subject.

    Attributes:
        scorecard: The scorecard's key.
        version: The scorecard's version.
        fingerprint: The scorecard's fingerprint.
        subjects: The subjects, sorted.
        teams: The team of each subject, or None.
        raw: Indicator key → raw values (NaN where missing).
        points: Indicator key → points (NaN where missing and the weight redistributed).
        weights: Indicator key → effective weight used for each row.
        dimensions: Dimension key → points (NaN for an emptied dimension).
        totals: Rounded totals.
        unrounded: Totals before rounding.
        grades: Grade keys.
        standards: Indicator key → the raw value's standard band key (None when missing or
            when the indicator has no standards).
        redistributed: Per row, what the missing-value policy moved (``to_dict`` of each
            :class:`~csperf.results.Redistribution`), or None when not recorded.
    """

    scorecard: str
    version: str
    fingerprint: str
    subjects: tuple[str, ...]
    teams: tuple[str | None, ...]
    raw: dict[str, NDArray[np.float64]]
    points: dict[str, NDArray[np.float64]]
    weights: dict[str, NDArray[np.float64]]
    dimensions: dict[str, NDArray[np.float64]]
    totals: NDArray[np.float64]
    unrounded: NDArray[np.float64]
    grades: tuple[str, ...]
    standards: dict[str, tuple[str | None, ...]]
    redistributed: tuple[Any, ...]

    def __len__(self) -> int:
        return len(self.subjects)

    @property
    def indicators(self) -> tuple[str, ...]:
        """The indicator keys, in the scorecard's order."""
        return tuple(self.points)

    def contributions(self, key: str) -> NDArray[np.float64]:
        """``weight × points`` of one indicator per row (0 where the weight was moved)."""
        points = np.nan_to_num(self.points[key], nan=0.0)
        out: NDArray[np.float64] = self.weights[key] * points
        return out

    def row(self, subject: str) -> int:
        """The position of a subject.

        Raises:
            ValidationError: When the subject is not in the population.
        """
        i = int(np.searchsorted(np.array(self.subjects, dtype=object), subject))
        if i >= len(self.subjects) or self.subjects[i] != subject:
            raise ValidationError(
                msg=f"no subject {subject!r} in the results",
                obj="Population",
                field="subjects",
                subject=subject,
                value=subject,
            )
        return i

    @classmethod
    def from_results(
        cls,
        results: BatchResult | Sequence[ScorecardResult],
        card: Scorecard,
        teams: Mapping[str, str] | None = None,
    ) -> Population:
        """Read a :class:`~csperf.BatchResult` or a sequence of results of ``card``.

        Raises:
            ValidationError: When the results are empty, come from another card (fingerprint),
                name no subject or the same subject twice, or when a result is not one.
        """
        obj = "results"
        if isinstance(results, BatchResult):
            _same_card(results.fingerprint, card, obj, None)
            columns = _from_batch(results, card)
        else:
            if isinstance(results, (str, bytes, Mapping)) or not isinstance(results, Sequence):
                raise ValidationError(
                    msg="results must be a BatchResult or a sequence of ScorecardResult, "
                    f"got {type(results).__name__}",
                    obj=obj,
                    value=type(results).__name__,
                )
            columns = _from_results(results, card)
        subjects: list[str | None] = columns.pop("subjects")
        if not subjects:
            raise ValidationError(msg="no results: the population is empty", obj=obj, value=0)
        seen: set[str] = set()
        for i, s in enumerate(subjects):
            if not isinstance(s, str):
                raise ValidationError(
                    msg=f"result {i} names no subject; every result must name one",
                    obj=obj,
                    field=i,
                    value=s,
                )
            if s in seen:
                raise ValidationError(
                    msg=f"subject {s!r} appears twice",
                    obj=obj,
                    field=i,
                    subject=s,
                    value=s,
                )
            seen.add(s)
        order = sorted(range(len(subjects)), key=lambda i: subjects[i])  # type: ignore[arg-type, return-value]
        index = np.array(order, dtype=np.intp)
        names = tuple(str(subjects[i]) for i in order)
        # A roster-wide mapping may name more subjects than were scored: those are ignored.
        team_of = dict(teams or {})
        for subject, team in team_of.items():
            if not isinstance(team, str) or not team:
                raise ValidationError(
                    msg=f"the team of subject {subject!r} must be a non-empty text, got {team!r}",
                    obj=obj,
                    field=("teams", str(subject)),
                    subject=subject,
                    value=team,
                )

        def take(arrays: dict[str, NDArray[np.float64]]) -> dict[str, NDArray[np.float64]]:
            return {k: np.ascontiguousarray(v[index], dtype=np.float64) for k, v in arrays.items()}

        return cls(
            scorecard=card.key,
            version=card.version,
            fingerprint=card.fingerprint,
            subjects=names,
            teams=tuple(team_of.get(s) for s in names),
            raw=take(columns["raw"]),
            points=take(columns["points"]),
            weights=take(columns["weights"]),
            dimensions=take(columns["dimensions"]),
            totals=np.asarray(columns["totals"], dtype=np.float64)[index],
            unrounded=np.asarray(columns["unrounded"], dtype=np.float64)[index],
            grades=tuple(str(columns["grades"][i]) for i in order),
            standards={k: tuple(v[i] for i in order) for k, v in columns["standards"].items()},
            redistributed=tuple(columns["redistributed"][i] for i in order),
        )


def _same_card(fingerprint: str, card: Scorecard, obj: str, field: Any) -> None:
    if fingerprint != card.fingerprint:
        raise ValidationError(
            msg=f"the results were scored on a card with fingerprint {fingerprint[:12]}, not "
            f"on {card.key!r} v{card.version} ({card.fingerprint[:12]})",
            obj=obj,
            field=field,
            value=fingerprint,
        )


def _standard_keys(card: Scorecard, key: str, raw: NDArray[np.float64]) -> tuple[str | None, ...]:
    ind = card.indicator(key)
    if ind.standards is None:
        return (None,) * len(raw)
    out: list[str | None] = []
    for value in raw.tolist():  # as ScorecardResult does: None outside the standards
        band = None if np.isnan(value) else ind.standard(float(value))
        out.append(None if band is None else band.key)
    return tuple(out)


def _from_batch(batch: BatchResult, card: Scorecard) -> dict[str, Any]:
    keys = [i.key for i in card.indicators]
    if not batch.raw:
        raise ValidationError(
            msg="the batch result holds no raw values (it was built without them)",
            obj="results",
            field="raw",
            value=None,
        )
    raw = {k: np.asarray(batch.raw[k], dtype=np.float64) for k in keys}
    return {
        "subjects": list(batch.subjects),
        "raw": raw,
        "points": {k: np.asarray(batch.points[k], dtype=np.float64) for k in keys},
        "weights": {k: np.asarray(batch.weights[k], dtype=np.float64) for k in keys},
        "dimensions": {
            k: np.asarray(v, dtype=np.float64) for k, v in batch.dimension_points.items()
        },
        "totals": batch.totals,
        "unrounded": batch.unrounded_totals,
        "grades": [str(g) for g in batch.grades.tolist()],
        "standards": {k: _standard_keys(card, k, raw[k]) for k in keys},
        "redistributed": [None] * len(batch),
    }


def _from_results(results: Sequence[ScorecardResult], card: Scorecard) -> dict[str, Any]:
    keys = [i.key for i in card.indicators]
    dims = [d.key for d in card.dimensions]
    n = len(results)
    raw = {k: np.full(n, np.nan) for k in keys}
    points = {k: np.full(n, np.nan) for k in keys}
    weights = {k: np.zeros(n) for k in keys}
    dimensions = {k: np.full(n, np.nan) for k in dims}
    standards: dict[str, list[str | None]] = {k: [None] * n for k in keys}
    for row, result in enumerate(results):
        if not isinstance(result, ScorecardResult):
            raise ValidationError(
                msg=f"result {row} is a {type(result).__name__}, not a ScorecardResult",
                obj="results",
                field=row,
                value=type(result).__name__,
            )
        _same_card(result.fingerprint, card, "results", row)
        for k in keys:
            ind = result.indicators[k]
            raw[k][row] = np.nan if ind.raw is None else ind.raw
            moved = ind.missing and ind.weight == 0
            points[k][row] = np.nan if moved else ind.points
            weights[k][row] = ind.weight
            standards[k][row] = None if ind.standard is None else ind.standard.key
        for d in dims:
            value = result.dimensions[d].points
            dimensions[d][row] = np.nan if value is None else value
    return {
        "subjects": [r.subject for r in results],
        "raw": raw,
        "points": points,
        "weights": weights,
        "dimensions": dimensions,
        "totals": np.array([r.total for r in results], dtype=np.float64),
        "unrounded": np.array([r.unrounded_total for r in results], dtype=np.float64),
        "grades": [r.grade.key for r in results],
        "standards": {k: tuple(v) for k, v in standards.items()},
        "redistributed": [[m.to_dict() for m in r.redistributed] for r in results],
    }
