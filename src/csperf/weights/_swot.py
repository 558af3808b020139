"""The SWOT adjuster: move weights within set ranges for a SWOT analysis's findings.

Strengths, weaknesses, opportunities and threats move their targets' weights; the difference is
taken from the untargeted weights in proportion.
"""

from __future__ import annotations

import datetime
import enum
import numbers
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

import attrs

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._keys import check_key
from csperf._labels import check_lang, label
from csperf._numbers import exact
from csperf.errors import ValidationError, WeightingError
from csperf.weighting import Weighting
from csperf.weights._common import exact_levels, percent, rebuild

__all__ = ["SwotChange", "SwotFactor", "SwotKind", "SwotPolicy", "SwotResult", "swot"]


class SwotKind(str, enum.Enum):
    """The four kinds of SWOT factor.

    Attributes:
        STRENGTH: Something the team does well: its target's weight may fall (to at most
            ``hi - intensity × (hi - lo)``), freeing weight for what needs attention.
        WEAKNESS: Something the team does badly: its target's weight rises.
        OPPORTUNITY: Something to seize, usually for a while (set ``expires``): its target's
            weight rises.
        THREAT: Something outside that endangers the team: its target's weight rises.
    """

    STRENGTH = "strength"
    WEAKNESS = "weakness"
    OPPORTUNITY = "opportunity"
    THREAT = "threat"

    def __str__(self) -> str:
        return self.value

    @property
    def raises(self) -> bool:
        """True for the kinds that raise their target's weight (all but strength)."""
        return self is not SwotKind.STRENGTH


_KIND_ORDER = {kind: i for i, kind in enumerate(SwotKind)}


def _kind(value: Any) -> SwotKind:
    try:
        return SwotKind(value)
    except ValueError:
        raise ValidationError(
            msg=f"field 'kind' must be one of {', '.join(k.value for k in SwotKind)}, "
            f"got {value!r}",
            obj="SwotFactor",
            field="kind",
            value=value,
        ) from None


def _date(value: Any, *, obj: str = "SwotFactor", field: str = "expires") -> datetime.date | None:
    """A date from a date or an ISO date text (None stays None)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        raise ValidationError(
            msg=f"field {field!r} must be a date, not a date and time ({value!r})",
            obj=obj,
            field=field,
            value=value,
        )
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(
        msg=f"field {field!r} must be a date or an ISO date text such as '2026-12-31', "
        f"got {value!r}",
        obj=obj,
        field=field,
        value=value,
    )


def as_of_date(value: Any, *, obj: str = "swot") -> datetime.date:
    """The day :func:`swot` judges expiry on: ``value`` (a date or ISO text), or today."""
    found = _date(value, obj=obj, field="as_of")
    return datetime.date.today() if found is None else found


def _is_intensity(value: Any) -> bool:
    """A real number (not a boolean) from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return bool(0 <= cast(float, value) <= 1)  # an int, Fraction... compares as it is


def _intensity(value: Any) -> Any:
    """An intensity as a float; anything else as given, for the validator to name."""
    return float(value) if _is_intensity(value) else value


@attrs.frozen
class SwotFactor(CanonicalForm):
    """One finding of a SWOT analysis and the weight it bears on.

    Attributes:
        kind: A :class:`SwotKind` (or its value: ``"strength"``, ``"weakness"``,
            ``"opportunity"``, ``"threat"``).
        target: The key of the dimension or indicator whose weight it moves.
        reason: Why, in a few words; it appears in the report.
        intensity: From 0 to 1: how far into its range the factor pushes the target (1, the
            default, to the far end).
        expires: For a temporary factor (typically an opportunity), the last day it applies:
            a :class:`datetime.date` or an ISO text ``"2026-12-31"``. From the day after,
            :func:`swot` leaves it out (and says so).

    Examples:
        >>> f = SwotFactor("weakness", "efficiency", "average response time too long")
        >>> f.kind.raises, f.intensity
        (True, 1.0)
    """

    kind: SwotKind = attrs.field(converter=_kind)
    target: str = attrs.field()
    reason: str = attrs.field()
    intensity: float = attrs.field(default=1.0, converter=_intensity)
    expires: datetime.date | None = attrs.field(default=None, converter=_date)

    @target.validator
    def _check_target(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        check_key("SwotFactor", "target", value)

    @reason.validator
    def _check_reason(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(
                msg="field 'reason' must be a non-empty text",
                obj=f"SwotFactor {self.target!r}",
                field="reason",
                value=value,
            )

    @intensity.validator
    def _check_intensity(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not _is_intensity(value):
            raise ValidationError(
                msg=f"field 'intensity' must be a number from 0 to 1, got {value!r}",
                obj=f"SwotFactor {self.target!r}",
                field="intensity",
                value=value,
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SwotFactor:
        """Build a factor from ``{"kind": ..., "target": ..., "reason": ..., ...}``.

        Raises:
            ValidationError: For unknown or missing keys, or bad values.
        """
        if not isinstance(data, Mapping):
            raise ValidationError(
                msg=f"expected a mapping, got {type(data).__name__}",
                obj="SwotFactor",
                field="kind",
                value=data,
            )
        fields = [f for f in attrs.fields(cls) if f.init]
        known = [f.name for f in fields]
        unknown = sorted(set(data) - set(known))
        missing = [f.name for f in fields if f.default is attrs.NOTHING and f.name not in data]
        if unknown or missing:
            problem = (
                f"unknown key(s) {', '.join(map(str, unknown))}"
                if unknown
                else f"missing key(s) {', '.join(missing)}"
            )
            raise ValidationError(
                msg=f"{problem} (keys: {', '.join(known)})",
                obj="SwotFactor",
                field=(unknown or missing)[0],
                value=dict(data),
            )
        return cls(**data)


def _ranges(value: Any) -> FrozenDict[str, tuple[float, float]]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            msg="ranges must map target key to (lo, hi)",
            obj="SwotPolicy",
            field="ranges",
            value=value,
        )
    result: dict[str, tuple[float, float]] = {}
    for target, pair in value.items():
        check_key("SwotPolicy", f"ranges[{target!r}]", target)
        where = f"ranges[{target!r}]"
        try:
            lo, hi = pair
        except (TypeError, ValueError):
            raise ValidationError(
                msg=f"{where} must be a pair (lo, hi), got {pair!r}",
                obj="SwotPolicy",
                field=where,
                value=pair,
            ) from None
        for bound in (lo, hi):
            if isinstance(bound, bool) or not isinstance(bound, numbers.Real):
                raise ValidationError(
                    msg=f"{where} must hold numbers, got {pair!r}",
                    obj="SwotPolicy",
                    field=where,
                    value=pair,
                )
        if not 0 <= lo <= hi <= 1:
            raise ValidationError(
                msg=f"{where} = ({lo:g}, {hi:g}) must satisfy 0 ≤ lo ≤ hi ≤ 1 "
                "(weights are fractions; use SwotPolicy.from_percentages for percent)",
                obj="SwotPolicy",
                field=where,
                value=pair,
            )
        result[target] = (float(lo), float(hi))
    return FrozenDict(result)


@attrs.frozen
class SwotPolicy:
    """The range each SWOT target's weight may move in.

    For a dimension the range bounds the dimension's total weight; for an indicator it bounds
    the indicator's effective weight (its dimension's weight times its weight within it).

    Attributes:
        ranges: Target key → ``(lo, hi)``, fractions with ``0 ≤ lo ≤ hi ≤ 1``.

    Examples:
        >>> policy = SwotPolicy.default()
        >>> policy.range_of("efficiency")
        (0.3, 0.4)
        >>> SwotPolicy.from_percentages({"teamwork": (5, 15)}).range_of("teamwork")
        (0.05, 0.15)
    """

    ranges: FrozenDict[str, tuple[float, float]] = attrs.field(converter=_ranges)

    @classmethod
    def default(cls) -> SwotPolicy:
        """The appraisal guide's ranges for the manager template's keys.

        ================= =========== =====================================================
        target            range       the guide's example
        ================= =========== =====================================================
        capability        20 %–30 %   a strength in capability keeps it at 20–30 %
        efficiency        30 %–40 %   a weakness (slow responses) raises it to 30–40 %
        product_knowledge 20 %–30 %   an opportunity (a new product to learn) raises it
                                      to 20–30 % for a while
        service_quality   40 %–50 %   a threat (rivals' service improving) raises it to
                                      40–50 %
        ================= =========== =====================================================
        """
        return cls(
            {
                "capability": (0.20, 0.30),
                "efficiency": (0.30, 0.40),
                "product_knowledge": (0.20, 0.30),
                "service_quality": (0.40, 0.50),
            }
        )

    @classmethod
    def from_percentages(cls, ranges: Mapping[str, Sequence[float]]) -> SwotPolicy:
        """A policy from ranges in percent: ``{"efficiency": (30, 40)}``.

        Raises:
            ValidationError: When a range is not a pair of numbers with
                ``0 ≤ lo ≤ hi ≤ 100``.
        """
        if not isinstance(ranges, Mapping):
            raise ValidationError(
                msg="ranges must map target key to (lo, hi) in percent",
                obj="SwotPolicy",
                field="ranges",
                value=ranges,
            )
        converted: dict[str, Any] = {}
        for target, pair in ranges.items():
            try:
                lo, hi = pair
                converted[target] = (float(exact(lo) / 100), float(exact(hi) / 100))
            except (TypeError, ValueError):
                raise ValidationError(
                    msg=f"ranges[{target!r}] must be a pair of percentages, got {pair!r}",
                    obj="SwotPolicy",
                    field=("ranges", target),
                    value=pair,
                ) from None
        return cls(converted)

    def updated(self, other: SwotPolicy | Mapping[str, Sequence[float]]) -> SwotPolicy:
        """A policy with ``other``'s ranges added to (and replacing) this one's."""
        extra = other.ranges if isinstance(other, SwotPolicy) else SwotPolicy(other).ranges
        return SwotPolicy({**self.ranges, **extra})

    def range_of(self, target: str) -> tuple[float, float]:
        """The range of ``target``.

        Raises:
            WeightingError: When the policy has no range for it.
        """
        if target not in self.ranges:
            raise WeightingError(
                msg=f"no range for target {target!r} (ranges for: "
                f"{', '.join(self.ranges) or 'none'}); add one to the policy",
                obj="SwotPolicy",
                field="ranges",
                value=target,
            )
        return self.ranges[target]

    def as_percentages(self) -> dict[str, list[float]]:
        """The ranges in percent, as :meth:`from_percentages` takes them."""
        return {
            t: [float(exact(lo) * 100), float(exact(hi) * 100)]
            for t, (lo, hi) in self.ranges.items()
        }


@attrs.frozen
class SwotChange(CanonicalForm):
    """What the SWOT adjuster did to one target.

    Attributes:
        target: The dimension or indicator key.
        level: ``"dimension"`` or ``"indicator"``.
        before: Its weight before (a dimension's total, or an indicator's effective weight).
        after: Its weight after.
        range: The policy's range ``(lo, hi)`` for it.
        bounds: What its factors demand, ``(lower, upper)``, within the range (for a dimension,
            narrowed so the bounds of its targeted indicators fit in it).
        factors: The factors bearing on it, in a fixed order.
        note: Why the bounds were narrowed, when they were; empty otherwise (in the language
            :func:`swot` was asked for).
    """

    target: str
    level: str
    before: float
    after: float
    range: tuple[float, float]
    bounds: tuple[float, float]
    factors: tuple[SwotFactor, ...]
    note: str = ""

    @property
    def moved(self) -> bool:
        """Whether the weight changed."""
        return self.before != self.after

    def line(self, lang: str | None = None) -> str:
        """One readable line, e.g. ``'efficiency 30% → 40%: weakness, response too slow'``.

        Args:
            lang: The language of csperf's words (``"en"``, ``"zh"``); None for English. The
                factors' reasons stay as they were written.
        """
        why = label("weights.semicolon", lang).join(_factor_text(f, lang) for f in self.factors)
        if self.note:
            why += label("swot.note", lang, note=self.note)
        if self.moved:
            return label(
                "swot.moved",
                lang,
                target=self.target,
                before=percent(self.before),
                after=percent(self.after),
                why=why,
            )
        return label("swot.stays", lang, target=self.target, before=percent(self.before), why=why)


def _factor_text(factor: SwotFactor, lang: str | None) -> str:
    """``'weakness, response too slow'``: the kind in ``lang``, the reason as written."""
    return label(
        "swot.factor",
        lang,
        kind=label(f"swot.kind.{factor.kind.value}", lang),
        reason=factor.reason,
    )


@attrs.frozen
class SwotResult(CanonicalForm):
    """The outcome of the SWOT adjuster.

    Attributes:
        weighting: The adjusted :class:`~csperf.Weighting`.
        changes: One :class:`SwotChange` per target, in the base weighting's order (dimensions
            first, then indicators).
        lines: The readable report: one line per target, one per untargeted dimension whose
            weight changed, the next expiry when there is one, and one per factor left out
            as expired (in the language :func:`swot` was asked for).
        expires: The earliest expiry among the factors applied (temporary ones, usually
            opportunities), or None: from the day after, the adjuster leaves that factor
            out, so the weights change.
        scale: The factor the untargeted weights were multiplied by (1 when there were none).
        expired: The factors left out because they expired before ``as_of``, in the order
            of the report.
        as_of: The day expiry was judged on.
    """

    weighting: Weighting
    changes: tuple[SwotChange, ...]
    lines: tuple[str, ...]
    expires: datetime.date | None
    scale: float
    expired: tuple[SwotFactor, ...] = ()
    as_of: datetime.date | None = None


class _Infeasible(Exception):
    """Raised by :func:`_distribute` when the targets cannot all hold."""

    def __init__(self, side: str, need: Fraction, total: Fraction) -> None:
        super().__init__(side)
        self.side = side
        self.need = need
        self.total = total


def _clamp(value: Fraction, lower: Fraction, upper: Fraction) -> Fraction:
    return min(max(value, lower), upper)


def _distribute(
    total: Fraction,
    targets: Mapping[str, tuple[Fraction, Fraction, Fraction]],
    pool: Fraction,
) -> tuple[dict[str, Fraction], Fraction]:
    """Share ``total`` between targets ``{name: (base, lower, upper)}`` and a pool.

    Each target moves to the nearest point of ``[lower, upper]``; the pool (whose base weight
    is ``pool``) takes what is left. When what is left is negative, the pool gets 0 and the
    targets give back in proportion to their slack above ``lower``; when there is no pool and
    something is left, the targets take it in proportion to their room below ``upper``.

    Returns:
        The targets' values and the pool's new total.
    """
    wanted = {t: _clamp(b, lo, hi) for t, (b, lo, hi) in targets.items()}
    left = total - sum(wanted.values(), Fraction(0))
    if left == 0 or (left > 0 and pool > 0):
        return wanted, left
    if left < 0:
        floor = sum((lo for _, lo, _ in targets.values()), Fraction(0))
        if floor > total:
            raise _Infeasible("min", floor, total)
        slack = sum((wanted[t] - lo for t, (_, lo, _) in targets.items()), Fraction(0))
        share = -left / slack
        return {t: wanted[t] - share * (wanted[t] - lo) for t, (_, lo, _) in targets.items()}, (
            Fraction(0)
        )
    ceiling = sum((hi for _, _, hi in targets.values()), Fraction(0))
    if ceiling < total:
        raise _Infeasible("max", ceiling, total)
    room = sum((hi - wanted[t] for t, (_, _, hi) in targets.items()), Fraction(0))
    share = left / room
    return {t: wanted[t] + share * (hi - wanted[t]) for t, (_, _, hi) in targets.items()}, (
        Fraction(0)
    )


def _factor_order(f: SwotFactor) -> tuple[Any, ...]:
    return (
        f.target,
        _KIND_ORDER[f.kind],
        f.reason,
        f.intensity,
        f.expires or datetime.date.max,
    )


def _named(f: SwotFactor, lang: str | None) -> str:
    """``target (kind, reason)``, for the report's expiry lines."""
    kind = label(f"swot.kind.{f.kind.value}", lang)
    return label("swot.expiring", lang, target=f.target, kind=kind, reason=f.reason)


def _why(factors: Iterable[SwotFactor]) -> str:
    return "; ".join(f"{f.target}: {f.kind.value}, {f.reason}" for f in factors)


def swot(
    base: Weighting,
    factors: Iterable[SwotFactor | Mapping[str, Any]],
    policy: SwotPolicy | None = None,
    *,
    lang: str | None = None,
    as_of: datetime.date | str | None = None,
) -> SwotResult:
    r"""Adjust a weighting for the findings of a SWOT analysis.

    Each target (a dimension, or an indicator) has a range :math:`[lo, hi]` in the policy.
    Its factors set the bounds its weight must end within:

    * a weakness, opportunity or threat of intensity :math:`I` demands at least
      :math:`lo + I (hi - lo)` and at most :math:`hi`;
    * a strength of intensity :math:`I` demands at most :math:`hi - I (hi - lo)` and at
      least :math:`lo`;
    * several factors on one target combine (the tightest bounds win); a strength and a
      weakness on the same target contradict each other and are an error.

    The adjuster works on effective weights. Each target moves to the nearest point of its
    bounds (not at all when it is already within them). A dimension target moves as a block:
    its indicators scale in proportion. The difference is taken from (or given to) the
    untargeted indicators in proportion to their current weights, so their ratios are kept.
    When the untargeted weights cannot cover it, they go to 0 and the targets give back in
    proportion to their slack above their lower bounds; when nothing is untargeted, the
    targets share what is left in proportion to their room below their upper bounds. An
    indicator target inside a dimension target moves within that dimension: the dimension's
    total is set by its own bounds (narrowed so its indicators' bounds fit), and the
    indicator trades weight with its untargeted siblings only. The two-level weighting is
    then rebuilt. The arithmetic is exact, so the order of the factors does not matter.

    A factor applies through its ``expires`` day. One that expired before ``as_of`` (default
    today) is left out, as if it had not been given, and the report says so in a line of
    its own (:attr:`SwotResult.expired` lists them); its target must still be one of the
    weighting's. Give ``as_of`` to get the same weights on any day, say the last day of the
    period appraised.

    Args:
        base: The weighting to adjust.
        factors: :class:`SwotFactor` objects (or mappings for :meth:`SwotFactor.from_dict`).
        policy: The ranges; None for :meth:`SwotPolicy.default`.
        lang: The language of the report's words (``"en"``, ``"zh"``); None for English. The
            factors' reasons stay as they were written.
        as_of: The day to judge expiry on: a :class:`datetime.date` or an ISO text; None for
            today (the local date).

    Returns:
        A :class:`SwotResult`: every target within its bounds, the weights summing to 1,
        none negative.

    Raises:
        WeightingError: When a target is unknown or has no range, a strength and a weakness
            share a target, or the bounds cannot all hold (the message names the factors).
        ValidationError: For an ``as_of`` that is no date.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> base = customer_service_manager().weighting
        >>> result = swot(base, [SwotFactor("weakness", "efficiency",
        ...                                 "average response time too long")])
        >>> result.lines[0]
        'efficiency 30% → 40%: weakness, average response time too long'
        >>> round(result.weighting.dimensions["service_quality"], 4)
        0.3429
        >>> swot(base, [SwotFactor("weakness", "efficiency", "平均响应时间过长")],
        ...      lang="zh").lines[0]
        'efficiency 30% → 40%：劣势，平均响应时间过长'
    """
    if lang is not None:
        check_lang(lang)
    if not isinstance(base, Weighting):
        raise WeightingError(
            msg=f"base must be a Weighting, got {type(base).__name__}",
            obj="swot",
            field="base",
            value=base,
        )
    policy = SwotPolicy.default() if policy is None else policy
    if not isinstance(policy, SwotPolicy):
        raise WeightingError(
            msg=f"policy must be a SwotPolicy, got {type(policy).__name__}",
            obj="swot",
            field="policy",
            value=policy,
        )
    if isinstance(factors, (SwotFactor, Mapping, str)):
        raise WeightingError(
            msg="factors must be a sequence of SwotFactor objects (or mappings)",
            obj="swot",
            field="factors",
            value=factors,
        )
    day = as_of_date(as_of)
    given = [f if isinstance(f, SwotFactor) else SwotFactor.from_dict(f) for f in factors]
    given.sort(key=_factor_order)
    dims, inner = exact_levels(base)
    dim_of = {k: d for d, ws in inner.items() for k in ws}
    by_target: dict[str, list[SwotFactor]] = {}
    items: list[SwotFactor] = []
    expired: list[SwotFactor] = []
    for f in given:
        if f.target in dims and f.target in dim_of:
            raise WeightingError(
                msg=f"target {f.target!r} names both a dimension and an indicator",
                obj="swot",
                field="factors",
                value=f.target,
            )
        if f.target not in dims and f.target not in dim_of:
            raise WeightingError(
                msg=f"target {f.target!r} ({f.kind.value}, {f.reason}) is neither a "
                f"dimension ({', '.join(dims)}) nor an indicator of the weighting",
                obj="swot",
                field="factors",
                value=f.target,
            )
        if f.expires is not None and f.expires < day:
            expired.append(f)
            continue
        items.append(f)
        by_target.setdefault(f.target, []).append(f)
    unranged = [t for t in by_target if t not in policy.ranges]
    if unranged:
        wanted = ", ".join(f"{t} = [LO, HI]" for t in unranged)
        raise WeightingError(
            msg=f"no range for the target{'s' if len(unranged) > 1 else ''} "
            f"{', '.join(map(repr, unranged))} (ranges for: {', '.join(policy.ranges) or 'none'}); "
            f"give each the range its weight may move in, in percent: policy = {{ {wanted} }} "
            "in the parameters file (TOML), or "
            f"SwotPolicy.from_percentages({{{unranged[0]!r}: (LO, HI)}}) in Python",
            obj="SwotPolicy",
            field="ranges",
            value=unranged,
        )
    bounds = {t: _bounds(t, fs, policy) for t, fs in by_target.items()}

    effective = {k: dims[d] * w for d, ws in inner.items() for k, w in ws.items()}
    dim_targets = [d for d in dims if d in bounds]
    nested = {d: [k for k in inner[d] if k in bounds] for d in dim_targets}
    free_ind_targets = [k for k in effective if k in bounds and dim_of[k] not in bounds]

    top: dict[str, tuple[Fraction, Fraction, Fraction]] = {}
    notes: dict[str, str] = {}
    for d in dim_targets:
        lo, hi = bounds[d]
        inside = nested[d]
        if inside:
            lo = max(lo, sum((bounds[k][0] for k in inside), Fraction(0)))
            if sum((inner[d][k] for k in inner[d] if k not in bounds), Fraction(0)) == 0:
                hi = min(hi, sum((bounds[k][1] for k in inside), Fraction(0)))
            if lo > hi:
                involved = [f for t in (d, *inside) for f in by_target[t]]
                raise WeightingError(
                    msg=f"the factors on dimension {d!r} and on its indicators cannot all "
                    f"hold: {d} must end within {percent(bounds[d][0])}–{percent(bounds[d][1])} "
                    f"while its targeted indicators ({', '.join(inside)}) need at least "
                    f"{percent(sum((bounds[k][0] for k in inside), Fraction(0)))}"
                    + (
                        ""
                        if hi >= bounds[d][0]
                        else f" and, being all its weight, allow at most {percent(hi)}"
                    )
                    + f" ({_why(involved)})",
                    obj="swot",
                    field="factors",
                    value=[d, *inside],
                )
        top[d] = (dims[d], lo, hi)
        if (lo, hi) != bounds[d]:
            notes[d] = label("weights.sep", lang).join(
                part
                for part in (
                    label("swot.at_least", lang, share=percent(lo), targets=", ".join(inside))
                    if lo != bounds[d][0]
                    else "",
                    label("swot.at_most", lang, share=percent(hi)) if hi != bounds[d][1] else "",
                )
                if part
            )
            bounds[d] = (lo, hi)
    for k in free_ind_targets:
        top[k] = (effective[k], *bounds[k])
    pool_keys = [k for k in effective if k not in bounds and dim_of[k] not in bounds]
    pool = sum((effective[k] for k in pool_keys), Fraction(0))
    try:
        values, pool_total = _distribute(Fraction(1), top, pool)
    except _Infeasible as exc:
        raise _infeasible_error(exc, top, by_target, "") from None

    new: dict[str, Fraction] = {}
    scale = pool_total / pool if pool > 0 else Fraction(1)
    for k in pool_keys:
        new[k] = effective[k] * scale
    for k in free_ind_targets:
        new[k] = values[k]
    for d in dim_targets:
        inside = nested[d]
        members = [k for k in inner[d] if k not in bounds]
        share = sum((inner[d][k] for k in members), Fraction(0))
        inside_targets = {k: (effective[k], *bounds[k]) for k in inside}
        try:
            inside_values, members_total = _distribute(values[d], inside_targets, share)
        except _Infeasible as exc:  # pragma: no cover - excluded by the narrowed bounds above
            raise _infeasible_error(exc, inside_targets, by_target, f" within {d}") from None
        new.update(inside_values)
        for k in members:
            new[k] = inner[d][k] * members_total / share if share > 0 else Fraction(0)

    groups = {d: list(ws) for d, ws in inner.items()}
    weighting = rebuild(new, groups, inner)
    new_dims = {d: sum((new[k] for k in ks), Fraction(0)) for d, ks in groups.items()}
    changes = []
    for target in [*dims, *effective]:
        if target not in by_target:
            continue
        is_dim = target in dims
        before = dims[target] if is_dim else effective[target]
        after = new_dims[target] if is_dim else new[target]
        changes.append(
            SwotChange(
                target=target,
                level="dimension" if is_dim else "indicator",
                before=float(before),
                after=float(after),
                range=policy.range_of(target),
                bounds=(float(bounds[target][0]), float(bounds[target][1])),
                factors=tuple(by_target[target]),
                note=notes.get(target, ""),
            )
        )
    lines = [c.line(lang) for c in changes]
    for d in dims:
        if d not in bounds and new_dims[d] != dims[d]:
            held = [k for k in free_ind_targets if dim_of[k] == d]
            how = (
                label("swot.holds", lang, targets=", ".join(held))
                if held
                else label("swot.untargeted", lang)
            )
            lines.append(
                label(
                    "swot.moved",
                    lang,
                    target=d,
                    before=percent(dims[d]),
                    after=percent(new_dims[d]),
                    why=how,
                )
            )
    expiring = [f for f in items if f.expires is not None]
    expires = min((f.expires for f in expiring if f.expires is not None), default=None)
    if expires is not None:
        lines.append(
            label(
                "swot.expires",
                lang,
                date=expires.isoformat(),
                factors=label("weights.semicolon", lang).join(
                    _named(f, lang) for f in expiring if f.expires == expires
                ),
            )
        )
    expired.sort(key=lambda f: (f.expires, _factor_order(f)))
    for f in expired:
        date = cast(datetime.date, f.expires).isoformat()
        lines.append(label("swot.expired", lang, date=date, factor=_named(f, lang)))
    return SwotResult(
        weighting=weighting,
        changes=tuple(changes),
        lines=tuple(lines),
        expires=expires,
        scale=float(scale),
        expired=tuple(expired),
        as_of=day,
    )


def _bounds(
    target: str, factors: Sequence[SwotFactor], policy: SwotPolicy
) -> tuple[Fraction, Fraction]:
    kinds = {f.kind for f in factors}
    if SwotKind.STRENGTH in kinds and SwotKind.WEAKNESS in kinds:
        raise WeightingError(
            msg=f"target {target!r} has both a strength and a weakness, which contradict "
            f"each other ({_why(factors)})",
            obj="swot",
            field="factors",
            value=target,
        )
    lo_f, hi_f = policy.range_of(target)
    lo, hi = exact(lo_f), exact(hi_f)
    lower, upper = lo, hi
    for f in factors:
        step = exact(f.intensity) * (hi - lo)
        if f.kind.raises:
            lower = max(lower, lo + step)
        else:
            upper = min(upper, hi - step)
    if lower > upper:
        raise WeightingError(
            msg=f"the factors on {target!r} cannot all hold: they need at least "
            f"{percent(lower)} and at most {percent(upper)} ({_why(factors)})",
            obj="swot",
            field="factors",
            value=target,
        )
    return lower, upper


def _infeasible_error(
    exc: _Infeasible,
    targets: Mapping[str, tuple[Fraction, Fraction, Fraction]],
    by_target: Mapping[str, Sequence[SwotFactor]],
    where: str,
) -> WeightingError:
    if exc.side == "min":
        what = (
            f"their targets need at least {percent(exc.need)} together{where}, more than "
            f"{percent(exc.total)}"
        )
        sign, bound = "≥", 1
    else:
        what = (
            f"every weight{where} is targeted and the targets allow at most "
            f"{percent(exc.need)} together, less than {percent(exc.total)}"
        )
        sign, bound = "≤", 2
    detail = "; ".join(
        f"{t} {sign} {percent(limits[bound])}: "
        + ", ".join(f"{f.kind.value}, {f.reason}" for f in by_target.get(t, ()))
        for t, limits in targets.items()
    )
    return WeightingError(
        msg=f"the SWOT factors cannot all hold: {what} ({detail})",
        obj="swot",
        field="factors",
        value=list(targets),
    )
