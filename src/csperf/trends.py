r"""Period comparison: several periods of the history side by side.

For every subject and indicator, :func:`compare` gives the values of each period, the change
from the first period to the last, the trend (the least-squares slope per period) and the
change of rank; for every team, the same of its mean total. Periods scored on forms with
different fingerprints are compared only on request (``across_forms=True``), and the
comparison then lists what changed between the forms.

Formulas (also in :doc:`/explanation/review`), for the values :math:`y_t` of the periods
:math:`t = 0, \dots, k-1` where the subject has one:

* change: :math:`\Delta = y_{\text{last}} - y_{\text{first}}`;
* trend: :math:`b = \sum (t - \bar t)(y_t - \bar y) / \sum (t - \bar t)^2` (None below two
  values);
* rank: competition ranking on the rounded total within each period, 1 for the highest;
  rank change :math:`r_{\text{first}} - r_{\text{last}}` (positive: moved up);
* a team's total in a period: the mean of its subjects' totals in that period (its members as
  that period's rows name them), computed exactly on the decimal values and rounded once to a
  float.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._frozen import FrozenDict
from csperf._numbers import competition_ranks
from csperf.errors import ValidationError
from csperf.history import History, PeriodRecord

if TYPE_CHECKING:
    from csperf.scorecard import Scorecard

__all__ = ["Comparison", "SeriesTrend", "compare"]

Series = tuple[float | None, ...]


def _slope(values: Series) -> float | None:
    points = [(t, v) for t, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    ts = np.array([t for t, _ in points], dtype=np.float64)
    ys = np.array([v for _, v in points], dtype=np.float64)
    dt = ts - ts.mean()
    return float(dt @ (ys - ys.mean())) / float(dt @ dt)


def _change(values: Series) -> float | None:
    present = [v for v in values if v is not None]
    return None if len(present) < 2 else present[-1] - present[0]


@attrs.frozen
class SeriesTrend:
    """One quantity over the compared periods.

    Attributes:
        values: One value per period (None where there is none).
        change: Last value minus first value (None below two values).
        slope: The least-squares slope per period (None below two values).

    Example:
        >>> t = SeriesTrend.of((80.0, None, 86.0))
        >>> t.change, t.slope
        (6.0, 3.0)
    """

    values: Series
    change: float | None
    slope: float | None

    @classmethod
    def of(cls, values: Sequence[float | None]) -> SeriesTrend:
        """The trend of a series of values."""
        series = tuple(None if v is None or math.isnan(v) else float(v) for v in values)
        return cls(series, _change(series), _slope(series))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {"values": list(self.values), "change": self.change, "slope": self.slope}


def _ranks(values: Sequence[float]) -> list[int | None]:
    """Competition ranks, 1 for the highest; None for NaN (not measured), which is not ranked."""
    return [None if r == 0 else int(r) for r in competition_ranks(values).tolist()]


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for k in value:
            _flatten(value[k], f"{path}.{k}" if path else str(k), out)
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(v, Mapping) and "key" in v for v in value)
    ):
        for v in value:
            _flatten({k: x for k, x in v.items() if k != "key"}, f"{path}[{v['key']}]", out)
    else:
        out[path] = value


def _form_changes(before: Scorecard, after: Scorecard) -> list[str]:
    """What changed from one scorecard to another, one line per changed part.

    Example:
        >>> import attrs
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> _form_changes(card, attrs.evolve(card, version="2", precision=1))
        ['precision: 2 → 1', 'version: 1 → 2']
    """
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(before.to_dict(), "", old)
    _flatten(after.to_dict(), "", new)
    lines = []
    for path in sorted(set(old) | set(new)):
        if path not in new:
            lines.append(f"{path}: removed (was {old[path]!r})")
        elif path not in old:
            lines.append(f"{path}: added ({new[path]!r})")
        elif old[path] != new[path]:
            lines.append(f"{path}: {_shown(old[path])} → {_shown(new[path])}")
    return lines


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@attrs.frozen
class Comparison:
    """Several periods side by side.

    Attributes:
        periods: The period labels, in the order compared.
        forms: Per period, ``(scorecard key, version, fingerprint)``.
        form_changes: What changed between consecutive forms, one line each, prefixed with
            the two periods (empty when every period used one form).
        indicators: The indicator keys compared (those of every period's card, in the first
            card's order).
        subjects: Subject → ``{"total": SeriesTrend, "rank": SeriesTrend, "<indicator>":
            SeriesTrend of its points, "rank.<indicator>": SeriesTrend of the rank on its
            points}``, subjects sorted. Ranks are competition ranks ("1224"), 1 for the
            highest.
        grades: Subject → the grade key per period (None where absent).
        grade_labels: Grade key → its label (text or ``{"en": ..., "zh": ...}``), from the
            periods' cards, for :meth:`lines` in another language.
        teams: Team → ``{"total": SeriesTrend of the mean total, "size": SeriesTrend of the
            number of subjects, "<indicator>": SeriesTrend of the mean points}``.

    Example:
        >>> from csperf import History
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> history = History.open(":memory:")
        >>> for period, k in (("2024-Q1", 88), ("2024-Q2", 95)):
        ...     _ = history.add(period, [card.evaluate({**row, "product_knowledge": k}, "li")],
        ...                     card)
        >>> compare(history).lines()
        ['compare 2024-Q1 → 2024-Q2', '  li: 89.6 → 90.3 (Δ +0.70); rank 1 → 1; good → excellent']
    """

    periods: tuple[str, ...]
    forms: tuple[tuple[str, str, str], ...]
    form_changes: tuple[str, ...]
    indicators: tuple[str, ...]
    subjects: FrozenDict[str, FrozenDict[str, SeriesTrend]]
    grades: FrozenDict[str, tuple[str | None, ...]]
    teams: FrozenDict[str, FrozenDict[str, SeriesTrend]]
    grade_labels: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, eq=False)

    def rank_change(self, subject: str) -> int | None:
        """First rank minus last rank of a subject (positive: moved up), or None."""
        change = self.subjects[subject]["rank"].change
        return None if change is None else -int(change)

    def lines(self, lang: str | None = None) -> list[str]:
        """The comparison as readable lines: one per subject, then one per team.

        Args:
            lang: The language of the words (``"en"`` or ``"zh"``); subjects, teams, grade keys
                and numbers are as they are.
        """
        from csperf._labels import label
        from csperf.text import localize

        out = [label("compare.title", lang, periods=" → ".join(self.periods))]
        if self.form_changes:
            out.append(label("compare.forms_differ", lang))
            out.extend(f"    {line}" for line in self.form_changes)
        for subject, trend in self.subjects.items():
            totals = " → ".join("-" if v is None else f"{v:g}" for v in trend["total"].values)
            ranks = " → ".join("-" if v is None else f"{v:g}" for v in trend["rank"].values)
            change = trend["total"].change
            delta = "" if change is None else f" (Δ {change:+.2f})"
            grades = " → ".join(
                "-" if g is None else localize(self.grade_labels.get(g, g), lang) if lang else g
                for g in self.grades[subject]
            )
            out.append(
                label(
                    "compare.subject",
                    lang,
                    subject=subject,
                    totals=totals,
                    delta=delta,
                    ranks=ranks,
                    grades=grades,
                )
            )
        for team, trend in self.teams.items():
            totals = " → ".join("-" if v is None else f"{v:.2f}" for v in trend["total"].values)
            change = trend["total"].change
            delta = "" if change is None else f" (Δ {change:+.2f})"
            out.append(label("compare.team", lang, team=team, totals=totals, delta=delta))
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (what the HTML and Excel views render)."""
        return {
            "periods": list(self.periods),
            "forms": [list(f) for f in self.forms],
            "form_changes": list(self.form_changes),
            "indicators": list(self.indicators),
            "subjects": {
                s: {k: t.to_dict() for k, t in trends.items()}
                for s, trends in self.subjects.items()
            },
            "grades": {s: list(g) for s, g in self.grades.items()},
            "teams": {
                team: {k: t.to_dict() for k, t in trends.items()}
                for team, trends in self.teams.items()
            },
        }


def compare(
    source: History | Sequence[PeriodRecord],
    periods: Sequence[str] | None = None,
    *,
    across_forms: bool = False,
) -> Comparison:
    """Compare several periods: per subject and indicator, and per team.

    Args:
        source: A :class:`~csperf.History` (the latest revision of each period is read) or a
            sequence of :class:`~csperf.history.PeriodRecord` (from
            :meth:`History.show <csperf.History.show>`), oldest first.
        periods: With a history, the periods to compare, oldest first (all, by label, by
            default).
        across_forms: Compare periods scored on scorecards with different fingerprints; the
            comparison then lists what changed between the forms.

    Returns:
        The :class:`Comparison`. It does not depend on the order of the rows in each period.

    Raises:
        ValidationError: For fewer than two periods, a period named twice, or forms that
            differ without ``across_forms=True`` (the message lists the first differences).

    Example:
        >>> from csperf import History
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> history = History.open(":memory:")
        >>> for period, knowledge in (("2024-Q1", (88, 60)), ("2024-Q2", (70, 95))):
        ...     results = [card.evaluate({**row, "product_knowledge": k}, s)
        ...                for s, k in zip(("li_wei", "zhang_min"), knowledge)]
        ...     _ = history.add(period, results, card, teams={"li_wei": "T1", "zhang_min": "T1"})
        >>> result = compare(history)
        >>> result.subjects["li_wei"]["total"].values, result.rank_change("zhang_min")
        ((89.6, 87.8), 1)
        >>> result.teams["T1"]["total"].values
        (88.2, 89.05)
    """
    if isinstance(source, History):
        chosen = [s.period for s in source.list()] if periods is None else list(periods)
        records = [source.show(p) for p in chosen]
    else:
        if periods is not None:
            raise ValidationError(
                msg="periods= goes with a History; records are compared as given",
                obj="compare",
                field="periods",
                value=list(periods),
            )
        records = list(source)
        for i, r in enumerate(records):
            if not isinstance(r, PeriodRecord):
                raise ValidationError(
                    msg=f"item {i} is a {type(r).__name__}, not a PeriodRecord",
                    obj="compare",
                    field=i,
                    value=type(r).__name__,
                )
    labels = [r.period for r in records]
    if len(records) < 2:
        raise ValidationError(
            msg=f"a comparison needs two periods or more, got {len(records)}",
            obj="compare",
            field="periods",
            value=labels,
        )
    twice = sorted({p for p in labels if labels.count(p) > 1})
    if twice:
        raise ValidationError(
            msg=f"period(s) {', '.join(twice)} named twice",
            obj="compare",
            field="periods",
            value=twice,
        )
    changes: list[str] = []
    for a, b in zip(records, records[1:]):
        if a.card.fingerprint != b.card.fingerprint:
            changes.extend(
                f"{a.period} → {b.period}: {line}" for line in _form_changes(a.card, b.card)
            )
    if changes and not across_forms:
        shown = "; ".join(changes[:3]) + ("; ..." if len(changes) > 3 else "")
        raise ValidationError(
            msg=f"the periods were scored on different forms ({shown}); pass across_forms=True "
            "(--across-forms) to compare them anyway",
            obj="compare",
            field="across_forms",
            value=[r.card.fingerprint[:12] for r in records],
        )
    keys = [i.key for i in records[0].card.indicators]
    for r in records[1:]:
        present = {i.key for i in r.card.indicators}
        keys = [k for k in keys if k in present]
    subjects = sorted({s for r in records for s in r.population.subjects})
    per_subject: dict[str, FrozenDict[str, SeriesTrend]] = {}
    grades: dict[str, tuple[str | None, ...]] = {}
    ranks = [
        dict(zip(r.population.subjects, _ranks(r.population.totals.tolist()))) for r in records
    ]
    indicator_ranks = {
        k: [
            dict(zip(r.population.subjects, _ranks(r.population.points[k].tolist())))
            for r in records
        ]
        for k in keys
    }
    positions = [{s: i for i, s in enumerate(r.population.subjects)} for r in records]
    for s in subjects:
        rows = [pos.get(s) for pos in positions]
        trends = {
            "total": SeriesTrend.of(
                [
                    None if i is None else float(r.population.totals[i])
                    for r, i in zip(records, rows)
                ]
            ),
            "rank": SeriesTrend.of([rk.get(s) for rk in ranks]),
        }
        for k in keys:
            trends[k] = SeriesTrend.of(
                [
                    None if i is None else float(r.population.points[k][i])
                    for r, i in zip(records, rows)
                ]
            )
            trends[f"rank.{k}"] = SeriesTrend.of([rk.get(s) for rk in indicator_ranks[k]])
        per_subject[s] = FrozenDict(trends)
        grades[s] = tuple(
            None if i is None else r.population.grades[i] for r, i in zip(records, rows)
        )
    team_names = sorted({t for r in records for t in r.population.teams if t is not None})
    per_team: dict[str, FrozenDict[str, SeriesTrend]] = {}
    for team in team_names:
        members = [[i for i, t in enumerate(r.population.teams) if t == team] for r in records]

        def mean(values: Any) -> float | None:
            # Exactly, on the decimal values shown (88.2, not 88.19999999999999).
            finite = [Fraction(repr(float(v))) for v in values if not math.isnan(v)]
            return float(sum(finite, Fraction(0)) / len(finite)) if finite else None

        trends = {
            "total": SeriesTrend.of(
                [mean(r.population.totals[m]) for r, m in zip(records, members)]
            ),
            "size": SeriesTrend.of([float(len(m)) for m in members]),
        }
        for k in keys:
            trends[k] = SeriesTrend.of(
                [mean(r.population.points[k][m]) for r, m in zip(records, members)]
            )
        per_team[team] = FrozenDict(trends)
    return Comparison(
        periods=tuple(labels),
        forms=tuple((r.card.key, r.card.version, r.card.fingerprint) for r in records),
        form_changes=tuple(changes),
        indicators=tuple(keys),
        subjects=FrozenDict(per_subject),
        grades=FrozenDict(grades),
        teams=FrozenDict(per_team),
        grade_labels=FrozenDict(
            {b.key: b.label for r in records for b in r.card.grade_scale.ordered}
        ),
    )
