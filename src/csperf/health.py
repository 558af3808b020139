r"""The scorecard health review: does each indicator still discriminate, and does it weigh?

:func:`review` reads one period of a population's results and reports, per indicator, the
distribution of raw values and points, the share of subjects in each standard band, ceiling and
floor effects and zero variance; the redundant pairs of indicators; each indicator's effective
influence on the totals against its nominal weight; and suggested recalibrated standards, as a
new scorecard version with every change listed. Nothing is applied: the new card is returned
for a person to read, save and adopt.

The formulas (also in the docs, :doc:`/explanation/review`):

* a quantile is numpy's default ("linear", Hyndman and Fan's type 7): for sorted values
  :math:`x_0 \le \dots \le x_{n-1}` and :math:`h = (n - 1)p`,
  :math:`Q(p) = x_{\lfloor h \rfloor} + (h - \lfloor h \rfloor)(x_{\lfloor h \rfloor + 1} -
  x_{\lfloor h \rfloor})`;
* the standard deviation is the sample one, :math:`\sqrt{\sum (x - \bar x)^2 / (n - 1)}`;
* Spearman's :math:`\rho` is Pearson's correlation of the average ranks (ties share the mean
  of their ranks), on the subjects measured on both indicators;
* the effective influence of indicator :math:`i`, whose contribution to subject :math:`r`'s
  total is :math:`c_{ri} = w_{ri} p_{ri}` (effective weight × points), with
  :math:`T_r = \sum_i c_{ri}`, is
  :math:`I_i = \operatorname{Cov}(c_i, T) / \operatorname{Var}(T)`; since
  :math:`\sum_i \operatorname{Cov}(c_i, T) = \operatorname{Var}(T)`, the influences sum to 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from csperf._frozen import FrozenDict
from csperf._population import Population
from csperf.errors import ValidationError
from csperf.grading import GradeBand, GradeScale
from csperf.history import PeriodRecord
from csperf.rules import Piecewise
from csperf.sensitivity import spearman

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from csperf.indicators import Indicator
    from csperf.results import BatchResult, ScorecardResult
    from csperf.scorecard import Scorecard

__all__ = [
    "CEILING_SHARE",
    "REDUNDANCY",
    "Distribution",
    "IndicatorHealth",
    "Recalibration",
    "RedundantPair",
    "Review",
    "StandardChange",
    "review",
]

CEILING_SHARE = 0.15
"""The default share of subjects at full (or zero) points above which an indicator has a
ceiling (or floor) effect: 15 %, the criterion of Terwee et al. (2007), *Quality criteria were
proposed for measurement properties of health status questionnaires*, J Clin Epidemiol 60."""

REDUNDANCY = 0.9
"""The default absolute Spearman ρ above which two indicators are reported as a redundant pair."""

_TINY = 1e-9


def _none(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@attrs.frozen
class Distribution:
    """Summary of one set of values (missing ones left out).

    Attributes:
        n: How many values.
        missing: How many subjects had none.
        mean: The arithmetic mean (NaN without values).
        sd: The sample standard deviation, ``n - 1`` in the denominator (NaN below 2 values).
        min: The smallest value.
        q1: The 25th percentile (numpy's linear quantile).
        median: The 50th percentile.
        q3: The 75th percentile.
        max: The largest value.

    Example:
        >>> d = Distribution.of(np.array([1.0, 2.0, 3.0, 4.0, np.nan]))
        >>> d.n, d.missing, d.mean, d.median, d.q1, round(d.sd, 6)
        (4, 1, 2.5, 2.5, 1.75, 1.290994)
    """

    n: int
    missing: int
    mean: float
    sd: float
    min: float
    q1: float
    median: float
    q3: float
    max: float

    @classmethod
    def of(cls, values: NDArray[np.float64]) -> Distribution:
        """The distribution of the finite values of an array (NaN counts as missing)."""
        present = values[~np.isnan(values)]
        n = int(present.size)
        if n == 0:
            nan = math.nan
            return cls(0, int(values.size), nan, nan, nan, nan, nan, nan, nan)
        ordered = np.sort(present)
        q1, median, q3 = (float(q) for q in np.quantile(ordered, [0.25, 0.5, 0.75]))
        return cls(
            n=n,
            missing=int(values.size) - n,
            mean=math.fsum(ordered.tolist()) / n,
            sd=float(np.std(ordered, ddof=1)) if n > 1 else math.nan,
            min=float(ordered[0]),
            q1=q1,
            median=median,
            q3=q3,
            max=float(ordered[-1]),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (None for NaN)."""
        return {k: _none(v) if isinstance(v, float) else v for k, v in attrs.asdict(self).items()}


@attrs.frozen
class IndicatorHealth:
    """How one indicator behaved over a population.

    Attributes:
        key: The indicator's key.
        weight: Its nominal effective weight on the card (dimension weight × weight within).
        raw: The :class:`Distribution` of its raw values.
        points: The :class:`Distribution` of its points.
        bands: Standard band key → share of the measured subjects in it (of those whose raw
            value lies within the standards), in the standards' order; empty when the
            indicator has no standards.
        at_full: Share of the measured subjects at the rule's full points.
        at_zero: Share of the measured subjects at zero points.
        ceiling: Whether ``at_full`` is above the review's ceiling share.
        floor: Whether ``at_zero`` is above the review's floor share.
        zero_variance: Whether every measured subject got the same points (or fewer than two
            were measured): the indicator does not discriminate.
        influence: Its share of the variance of the totals,
            ``Cov(contribution, total) / Var(total)``; None when the totals do not vary.
    """

    key: str
    weight: float
    raw: Distribution
    points: Distribution
    bands: FrozenDict[str, float]
    at_full: float
    at_zero: float
    ceiling: bool
    floor: bool
    zero_variance: bool
    influence: float | None

    @property
    def flags(self) -> tuple[str, ...]:
        """The problems found: ``"ceiling"``, ``"floor"``, ``"zero_variance"``."""
        found = [("ceiling", self.ceiling), ("floor", self.floor)]
        found.append(("zero_variance", self.zero_variance))
        return tuple(name for name, on in found if on)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "weight": self.weight,
            "raw": self.raw.to_dict(),
            "points": self.points.to_dict(),
            "bands": dict(self.bands),
            "at_full": self.at_full,
            "at_zero": self.at_zero,
            "flags": list(self.flags),
            "influence": self.influence,
        }


@attrs.frozen
class RedundantPair:
    """Two indicators whose raw values rank the subjects almost alike.

    Attributes:
        first: One indicator's key (the earlier on the card).
        second: The other's.
        rho: Spearman's rank correlation of their raw values.
        n: How many subjects were measured on both.
    """

    first: str
    second: str
    rho: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return attrs.asdict(self)


@attrs.frozen
class StandardChange:
    """One change the recalibration suggests.

    Attributes:
        indicator: The indicator's key.
        part: ``"standards"`` or ``"scoring"``.
        before: The old value, as text.
        after: The new value, as text ("" when nothing could be suggested).
        why: The reason.
    """

    indicator: str
    part: str
    before: str
    after: str
    why: str

    def line(self) -> str:
        """One readable line."""
        if not self.after:
            return f"{self.indicator}.{self.part}: unchanged ({self.why})"
        return f"{self.indicator}.{self.part}: {self.before} → {self.after} ({self.why})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return attrs.asdict(self)


@attrs.frozen
class Recalibration:
    """Suggested standards: a new scorecard version, and every change that makes it.

    Attributes:
        card: The new :class:`~csperf.Scorecard` (a new version), or None when nothing changes.
        changes: Every :class:`StandardChange`, including the indicators left unchanged and why.
        shares: The target share of each standard band used (band key → share).
    """

    card: Scorecard | None
    changes: tuple[StandardChange, ...]
    shares: FrozenDict[str, FrozenDict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (the card by key, version and fingerprint)."""
        card = self.card
        return {
            "card": None
            if card is None
            else {"key": card.key, "version": card.version, "fingerprint": card.fingerprint},
            "changes": [c.to_dict() for c in self.changes],
            "shares": {k: dict(v) for k, v in self.shares.items()},
        }


@attrs.frozen
class Review:
    """The health review of a scorecard over one period of a population.

    Attributes:
        scorecard: The card's key.
        version: The card's version.
        fingerprint: The card's fingerprint.
        period: The period's label, when the results came from the history.
        subjects: How many subjects.
        indicators: Indicator key → :class:`IndicatorHealth`, in the card's order.
        redundant: The :class:`RedundantPair` objects above the threshold, strongest first.
        recalibration: The suggested standards (:class:`Recalibration`).
        ceiling_share: The share above which a ceiling or floor effect is flagged.
        redundancy: The absolute Spearman ρ above which a pair is redundant.
        totals: The :class:`Distribution` of the rounded totals.

    Example:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> row = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> health = review([card.evaluate({**row, "product_knowledge": k}, f"s{k}")
        ...                  for k in (60, 75, 90)], card)
        >>> bands = health.indicators["product_knowledge"].bands
        >>> health.subjects, health.totals.mean, {k: round(v, 3) for k, v in bands.items()}
        (3, 88.3, {'excellent': 0.333, 'good': 0.0, 'pass': 0.667, 'fail': 0.0})
        >>> health.lines()[0]
        'review of customer_service_manager v1 [...]: 3 subjects, totals mean 88.30 sd 1.50'
    """

    scorecard: str
    version: str
    fingerprint: str
    period: str | None
    subjects: int
    indicators: FrozenDict[str, IndicatorHealth]
    redundant: tuple[RedundantPair, ...]
    recalibration: Recalibration
    ceiling_share: float
    redundancy: float
    totals: Distribution

    def lines(self) -> list[str]:
        """The review as readable lines."""
        when = f" {self.period}" if self.period else ""
        out = [
            f"review of {self.scorecard} v{self.version} [{self.fingerprint[:12]}]{when}: "
            f"{self.subjects} subjects, totals mean {self.totals.mean:.2f} "
            f"sd {self.totals.sd:.2f}"
        ]
        for h in self.indicators.values():
            influence = "n/a" if h.influence is None else f"{h.influence * 100:.1f}%"
            flags = f" [{', '.join(h.flags)}]" if h.flags else ""
            out.append(
                f"  {h.key}: weight {h.weight * 100:.1f}%, influence {influence}; points mean "
                f"{h.points.mean:.1f} sd {h.points.sd:.1f}; at full {h.at_full * 100:.0f}%, "
                f"at zero {h.at_zero * 100:.0f}%{flags}"
            )
            if h.bands:
                out.append(
                    "    standards: " + ", ".join(f"{k} {v * 100:.0f}%" for k, v in h.bands.items())
                )
        for pair in self.redundant:
            out.append(
                f"  redundant: {pair.first} ~ {pair.second} (ρ = {pair.rho:.3f}, n = {pair.n})"
            )
        card = self.recalibration.card
        if card is not None:
            out.append(f"suggested card: {card.key} v{card.version} [{card.fingerprint[:12]}]")
        out.extend(f"  {c.line()}" for c in self.recalibration.changes)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (what the HTML and Excel views render)."""
        return {
            "scorecard": self.scorecard,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "period": self.period,
            "subjects": self.subjects,
            "totals": self.totals.to_dict(),
            "ceiling_share": self.ceiling_share,
            "redundancy": self.redundancy,
            "indicators": {k: v.to_dict() for k, v in self.indicators.items()},
            "redundant": [p.to_dict() for p in self.redundant],
            "recalibration": self.recalibration.to_dict(),
        }


def _influences(pop: Population) -> dict[str, float | None]:
    """Each indicator's ``Cov(c_i, T) / Var(T)`` (None when the totals do not vary)."""
    contributions = {k: pop.contributions(k) for k in pop.indicators}
    total = np.sum(np.vstack(list(contributions.values())), axis=0)
    centred = total - total.mean()
    variance = float(centred @ centred)
    if variance <= _TINY * max(1.0, float(total.mean()) ** 2) * len(total):
        return dict.fromkeys(contributions)
    return {k: float((c - c.mean()) @ centred) / variance for k, c in contributions.items()}


def _band_shares(ind: Indicator, standards: Sequence[str | None]) -> dict[str, float]:
    if ind.standards is None:
        return {}
    known = [s for s in standards if s is not None]
    if not known:
        return {b.key: math.nan for b in ind.standards.bands}
    return {b.key: sum(s == b.key for s in known) / len(known) for b in ind.standards.bands}


def _significant(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def _shares_for(
    scale: GradeScale, shares: Mapping[str, float] | None, key: str
) -> dict[str, float]:
    bands = [b.key for b in scale.bands]
    if shares is None:
        return {b: 1 / len(bands) for b in bands}
    missing = [b for b in bands if b not in shares]
    if missing:
        raise ValidationError(
            msg=f"shares give no share for the standard band(s) {', '.join(missing)} of "
            f"indicator {key!r}",
            obj="review",
            field=("shares", missing[0]),
            value=dict(shares),
        )
    chosen = {b: float(shares[b]) for b in bands}
    total = math.fsum(chosen.values())
    if any(not math.isfinite(v) or v < 0 for v in chosen.values()) or abs(total - 1) > 1e-9:
        raise ValidationError(
            msg=f"the shares of indicator {key!r}'s standard bands must be ≥ 0 and sum to 1, "
            f"got {chosen}",
            obj="review",
            field="shares",
            value=chosen,
        )
    return chosen


def _scale_text(scale: GradeScale) -> str:
    return ", ".join(f"{b.key} [{b.lower:g}, {b.upper:g}]" for b in scale.ordered)


def _recalibrate_one(
    ind: Indicator, raw: NDArray[np.float64], shares: dict[str, float]
) -> tuple[Indicator | None, list[StandardChange]]:
    scale = ind.standards
    assert scale is not None
    ordered = scale.ordered
    present = np.sort(raw[~np.isnan(raw)])
    if present.size < 2:
        return None, [
            StandardChange(
                ind.key, "standards", _scale_text(scale), "", "fewer than two measured subjects"
            )
        ]
    cumulative = np.cumsum([shares[b.key] for b in ordered])[:-1]
    edges = (
        [_significant(float(q)) for q in np.quantile(present, cumulative)]
        if len(cumulative)
        else []
    )
    bounds = [ordered[0].lower, *edges, ordered[-1].upper]
    if any(a >= b for a, b in zip(bounds, bounds[1:])):
        return None, [
            StandardChange(
                ind.key,
                "standards",
                _scale_text(scale),
                "",
                "the observed percentiles "
                + ", ".join(f"{e:g}" for e in edges)
                + " do not make strictly increasing band edges within "
                f"[{ordered[0].lower:g}, {ordered[-1].upper:g}]",
            )
        ]
    bands = [GradeBand(b.key, b.label, bounds[j], bounds[j + 1]) for j, b in enumerate(ordered)]
    by_key = {b.key: b for b in bands}
    new_scale = GradeScale(tuple(by_key[b.key] for b in scale.bands), closed=scale.closed)
    percent = ", ".join(f"{b.key} {shares[b.key] * 100:g}%" for b in scale.bands)
    changes = [
        StandardChange(
            ind.key,
            "standards",
            _scale_text(scale),
            _scale_text(new_scale),
            f"edges at the observed percentiles for {percent}",
        )
    ]
    updated = attrs.evolve(ind, standards=new_scale)
    rule = ind.scoring
    if isinstance(rule, Piecewise):
        old_edges = [b.upper for b in ordered[:-1]]
        moved = {old: new for old, new in zip(old_edges, edges)}
        points = [(moved.get(x, x), p) for x, p in rule.points]
        xs = [x for x, _ in points]
        if points == list(rule.points):
            pass
        elif all(a < b for a, b in zip(xs, xs[1:])):
            new_rule = Piecewise(points)
            updated = attrs.evolve(updated, scoring=new_rule)
            changes.append(
                StandardChange(
                    ind.key,
                    "scoring",
                    _points_text(rule.points),
                    _points_text(new_rule.points),
                    "the breakpoints on the old band edges move with them; their points stay",
                )
            )
        else:
            changes.append(
                StandardChange(
                    ind.key,
                    "scoring",
                    _points_text(rule.points),
                    "",
                    "moving its breakpoints with the band edges would put them out of order",
                )
            )
    return updated, changes


def _points_text(points: Sequence[tuple[float, float]]) -> str:
    return ", ".join(f"{x:g}→{p:g}" for x, p in points)


def _next_version(version: str) -> str:
    return str(int(version) + 1) if version.isdigit() else f"{version}-recalibrated"


def _recalibrate(
    card: Scorecard,
    pop: Population,
    health: Mapping[str, IndicatorHealth],
    shares: Mapping[str, Any] | None,
    which: Sequence[str] | None,
    version: str | None,
) -> Recalibration:
    if which is None:
        chosen = [k for k, h in health.items() if h.ceiling or h.floor]
    else:
        for k in which:
            card.indicator(k)
        chosen = list(which)
    changes: list[StandardChange] = []
    used: dict[str, FrozenDict[str, float]] = {}
    replaced: dict[str, Indicator] = {}
    for key in chosen:
        ind = card.indicator(key)
        if ind.standards is None:
            changes.append(
                StandardChange(
                    key, "standards", "none", "", "the indicator has no standards to recalibrate"
                )
            )
            continue
        given = shares.get(key, shares) if isinstance(shares, Mapping) else None
        if isinstance(given, Mapping) and all(isinstance(v, Mapping) for v in given.values()):
            given = None  # per-indicator shares, none for this indicator: the default
        per = _shares_for(ind.standards, given, key)
        used[key] = FrozenDict(per)
        updated, found = _recalibrate_one(ind, pop.raw[key], per)
        changes.extend(found)
        if updated is not None:
            replaced[key] = updated
    new_card = None
    if replaced:
        new_card = attrs.evolve(
            card,
            indicators=tuple(replaced.get(i.key, i) for i in card.indicators),
            version=_next_version(card.version) if version is None else version,
        )
    return Recalibration(new_card, tuple(changes), FrozenDict(used))


def review(
    results: PeriodRecord | BatchResult | Sequence[ScorecardResult],
    card: Scorecard | None = None,
    *,
    ceiling_share: float = CEILING_SHARE,
    redundancy: float = REDUNDANCY,
    shares: Mapping[str, Any] | None = None,
    recalibrate: Sequence[str] | None = None,
    version: str | None = None,
) -> Review:
    """Review a scorecard's health over one period of a population.

    Args:
        results: One period: a :class:`~csperf.history.PeriodRecord` from
            :meth:`History.show <csperf.History.show>`, a :class:`~csperf.BatchResult`, or a
            sequence of :class:`~csperf.ScorecardResult` naming their subjects.
        card: The scorecard the results were scored on (not needed for a ``PeriodRecord``).
        ceiling_share: An indicator with more than this share of its measured subjects at
            full points has a ceiling effect; at zero points, a floor effect
            (:data:`CEILING_SHARE`, 15 %, by default).
        redundancy: Pairs whose absolute Spearman ρ is above this are redundant
            (:data:`REDUNDANCY`).
        shares: The target share of each standard band for the recalibration: band key →
            share (summing to 1), or indicator key → such a mapping; equal shares by default.
        recalibrate: The indicators whose standards to recalibrate; by default those with a
            ceiling or floor effect.
        version: The new card's version; by default the old one plus 1 (or
            ``"<old>-recalibrated"`` when it is not a whole number).

    Returns:
        The :class:`Review`. Its results do not depend on the order of the input.

    Raises:
        ValidationError: For results that do not fit the card, or bad thresholds or shares.

    Example:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> base = {"customer_satisfaction": 0.92, "complaint_rate": 0.008,
        ...     "first_response_time": 45, "resolution_time": 14400, "product_knowledge": 88,
        ...     "script_compliance": 0.95, "collaboration_rating": 4.2,
        ...     "information_sharing_rate": 0.9}
        >>> results = [card.evaluate({**base, "product_knowledge": k, "first_response_time": t},
        ...     f"s{i}") for i, (k, t) in enumerate([(60, 20), (75, 25), (88, 28), (95, 29)])]
        >>> health = review(results, card)
        >>> health.indicators["first_response_time"].flags
        ('ceiling', 'zero_variance')
        >>> round(health.indicators["product_knowledge"].influence, 6)
        1.0
    """
    period = None
    if isinstance(results, PeriodRecord):
        period = results.period
        card = results.card if card is None else card
        pop = results.population
        if card.fingerprint != pop.fingerprint:
            raise ValidationError(
                msg="the card given is not the one the period was scored on",
                obj="review",
                field="card",
                value=card.fingerprint,
            )
    else:
        if card is None:
            raise ValidationError(
                msg="review needs the scorecard the results were scored on",
                obj="review",
                field="card",
                value=None,
            )
        pop = Population.from_results(results, card)
    for name, value in (("ceiling_share", ceiling_share), ("redundancy", redundancy)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValidationError(
                msg=f"{name} must be a number from 0 to 1, got {value!r}",
                obj="review",
                field=name,
                value=value,
            )
    nominal = card.weighting.effective()
    influence = _influences(pop)
    health: dict[str, IndicatorHealth] = {}
    for ind in card.indicators:
        points = pop.points[ind.key]
        measured = points[~np.isnan(points)]
        n = int(measured.size)
        full = ind.scoring.max_points
        at_full = float(np.sum(measured >= full - _TINY)) / n if n else 0.0
        at_zero = float(np.sum(measured <= _TINY)) / n if n else 0.0
        spread = float(measured.max() - measured.min()) if n else 0.0
        health[ind.key] = IndicatorHealth(
            key=ind.key,
            weight=nominal[ind.key],
            raw=Distribution.of(pop.raw[ind.key]),
            points=Distribution.of(points),
            bands=FrozenDict(_band_shares(ind, pop.standards[ind.key])),
            at_full=at_full,
            at_zero=at_zero,
            ceiling=at_full > ceiling_share,
            floor=at_zero > ceiling_share,
            zero_variance=n < 2 or spread <= _TINY,
            influence=influence[ind.key],
        )
    pairs: list[RedundantPair] = []
    keys = list(pop.indicators)
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            x, y = pop.raw[keys[a]], pop.raw[keys[b]]
            both = ~np.isnan(x) & ~np.isnan(y)
            if int(both.sum()) < 3:
                continue
            rho = spearman(x[both], y[both])
            if not math.isnan(rho) and abs(rho) > redundancy:
                pairs.append(RedundantPair(keys[a], keys[b], rho, int(both.sum())))
    pairs.sort(key=lambda p: (-abs(p.rho), keys.index(p.first), keys.index(p.second)))
    return Review(
        scorecard=card.key,
        version=card.version,
        fingerprint=card.fingerprint,
        period=period,
        subjects=len(pop),
        indicators=FrozenDict(health),
        redundant=tuple(pairs),
        recalibration=_recalibrate(card, pop, health, shares, recalibrate, version),
        ceiling_share=float(ceiling_share),
        redundancy=float(redundancy),
        totals=Distribution.of(pop.totals),
    )
