r"""Subjective indicators rated by several raters: 360-degree ratings and their anonymity.

An indicator such as "collaboration" is not measured from tickets but rated by people: the
subject themself (自评), peers (互评), the manager (上级评), subordinates (下级评, upward
feedback) and customers. The indicator declares the :class:`RatingScale` its raters use
(:attr:`Indicator.scale <csperf.Indicator.scale>`) and the :class:`RatingSources` it
combines (:attr:`Indicator.raters <csperf.Indicator.raters>`): each :class:`Source` with a
weight and a minimum number of raters, the anonymity threshold ``k`` and what happens to a
source without enough ratings (:class:`NoRatings`). :func:`rate` turns a table of
:class:`Rating` rows into one :class:`RatedValue` per subject and indicator: the value the
scorecard scores, and its provenance (raters per source, weights moved, sources withheld).

The formula, for one subject and one indicator, with exact fractions throughout:

.. math::

    m_g = \frac{1}{n_g} \sum_{j=1}^{n_g} p_{g,j} \qquad
    V = \frac{\sum_{g \in E} w_g\, m_g}{\sum_{g \in E} w_g}

where :math:`p_{g,j}` are the points of the ratings of source :math:`g` (one per rater),
:math:`n_g` its number of raters, :math:`w_g` its declared weight, and :math:`E` the sources
with at least :math:`t_g` raters: :math:`t_g = \max(\text{min\_raters}_g, k)` for an anonymous
source (peers and subordinates by default), :math:`t_g = \text{min\_raters}_g` otherwise. A
source outside :math:`E` takes no part at all: its ratings are dropped before anything is
computed, so no output depends on them (that is the anonymity guarantee), and its weight is
moved to the others in proportion (:attr:`NoRatings.REDISTRIBUTE`) or the subject is refused
(:attr:`NoRatings.ERROR`). With :math:`E` empty there is no value.

This module is part of the model: it imports only the leaf and the model's helpers.
"""

from __future__ import annotations

import csv
import enum
import numbers
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NoReturn

import attrs

from csperf._canonical import CanonicalForm
from csperf._cells import clean, parse_number
from csperf._frozen import FrozenDict
from csperf._labels import label
from csperf._numbers import exact
from csperf._periods import parse_datetime
from csperf.errors import MeasurementError, Reason, ValidationError
from csperf.units import ValueDomain

if TYPE_CHECKING:
    from csperf.scorecard import Scorecard

__all__ = [
    "ANONYMOUS_SOURCES",
    "NoRatings",
    "RatedValue",
    "RatedValues",
    "Rating",
    "RatingScale",
    "RatingSources",
    "ScaleLabel",
    "Source",
    "SourceResult",
    "SourceRule",
    "rate",
    "read_ratings",
]


class Source(str, enum.Enum):
    """Who gives a rating, in relation to the subject rated.

    A table may also name a source by its Chinese word: 自评, 互评 (or 同事), 上级 (or 上级评),
    下级 (or 下级评), 客户 (or 客户评).

    Attributes:
        SELF: The subject rates themself (自评); the rater must be the ratee.
        PEER: A colleague at the same level (互评).
        MANAGER: The subject's manager (上级评).
        SUBORDINATE: Someone the subject manages: upward feedback (下级评).
        CUSTOMER: A customer (客户评).

    Examples:
        >>> Source("peer"), Source.of("上级")
        (<Source.PEER: 'peer'>, <Source.MANAGER: 'manager'>)
    """

    SELF = "self"
    PEER = "peer"
    MANAGER = "manager"
    SUBORDINATE = "subordinate"
    CUSTOMER = "customer"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def of(cls, value: Any, *, obj: str = "Rating") -> Source:
        """The source a value names: a member, its value or its Chinese word.

        Raises:
            ValidationError: For anything else; the error names ``obj``.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            word = clean(value).lower()
            word = _SOURCE_WORDS.get(word, word)
            try:
                return cls(word)
            except ValueError:
                pass
        raise ValidationError(
            msg=f"field 'source' must be one of {', '.join(s.value for s in cls)}, got {value!r}",
            obj=obj,
            field="source",
            value=value,
        )


_SOURCE_WORDS = {
    "自评": "self",
    "互评": "peer",
    "同事": "peer",
    "同事评": "peer",
    "上级": "manager",
    "上级评": "manager",
    "下级": "subordinate",
    "下级评": "subordinate",
    "客户": "customer",
    "客户评": "customer",
    "upward": "subordinate",
}

ANONYMOUS_SOURCES: frozenset[Source] = frozenset({Source.PEER, Source.SUBORDINATE})
"""The sources anonymous by default: their raters are protected by the threshold ``k``."""


class NoRatings(str, enum.Enum):
    """What a source with too few raters (none included) does to a subject's value.

    Attributes:
        REDISTRIBUTE: Its weight moves to the sources that have enough raters, in proportion
            to their weights; the :class:`RatedValue` lists it in
            :attr:`~RatedValue.redistributed`. With no source left there is no value.
        ERROR: The subject is refused with a :class:`~csperf.errors.MeasurementError`.
    """

    REDISTRIBUTE = "redistribute"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


# -- the scale ------------------------------------------------------------------------------


def _real(obj: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
        raise ValidationError(
            msg=f"field {name!r} must be a number, got {value!r}", obj=obj, field=name, value=value
        )
    result = float(value)
    if result != result or result in (float("inf"), float("-inf")):
        raise ValidationError(
            msg=f"field {name!r} must be a finite number, got {value!r}",
            obj=obj,
            field=name,
            value=value,
        )
    return result


def _label_text(value: Any) -> str:
    if not isinstance(value, str) or not clean(value):
        raise ValidationError(
            msg=f"field 'label' must be a non-empty string, got {value!r}",
            obj="ScaleLabel",
            field="label",
            value=value,
        )
    return clean(value)


def _label_points(value: Any) -> float:
    return _real("ScaleLabel", "points", value)


@attrs.frozen
class ScaleLabel:
    """One word of a labelled rating scale and the points it stands for.

    Attributes:
        label: The word raters write (``"优秀"``); compared after NFKC normalisation and
            trimming.
        points: The points it counts as.

    Examples:
        >>> ScaleLabel("优秀", 4)
        ScaleLabel(label='优秀', points=4.0)
    """

    label: str = attrs.field(converter=_label_text)
    points: float = attrs.field(converter=_label_points)


def _labels(value: Any) -> tuple[ScaleLabel, ...]:
    if isinstance(value, Mapping):
        return tuple(ScaleLabel(k, v) for k, v in value.items())
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(
            msg=f"field 'labels' must be a sequence of ScaleLabel, got {value!r}",
            obj="RatingScale",
            field="labels",
            value=value,
        )
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, ScaleLabel):
            raise ValidationError(
                msg=f"labels[{i}] must be a ScaleLabel, got {item!r}",
                obj="RatingScale",
                field=("labels", i),
                value=item,
            )
    return items


def _low(value: Any) -> float | None:
    return None if value is None else _real("RatingScale", "low", value)


def _high(value: Any) -> float | None:
    return None if value is None else _real("RatingScale", "high", value)


def _whole_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            msg=f"field 'whole' must be true or false, got {value!r}",
            obj="RatingScale",
            field="whole",
            value=value,
        )
    return value


@attrs.frozen
class RatingScale(CanonicalForm):
    """The scale raters use: numbers from ``low`` to ``high``, or labels mapped to points.

    A numeric scale (``labels`` empty) accepts the numbers in ``[low, high]`` (whole ones only
    when ``whole``), given as numbers or as numeric text (``"4"``, full-width ``"４"``). A
    labelled scale accepts its labels only; ``low`` and ``high`` default to the lowest and
    highest points of its labels. Either way the value of a rated indicator, a weighted mean
    of points, lies in :attr:`domain`.

    Attributes:
        low: The lowest points (required for a numeric scale).
        high: The highest points (required for a numeric scale), above ``low``.
        whole: Whether a numeric scale takes whole numbers only (``1, 2, 3, 4, 5``).
        labels: The :class:`ScaleLabel` words of a labelled scale, in display order; empty
            for a numeric scale. A mapping of label to points is accepted.

    Raises:
        ValidationError: For missing or reversed bounds, repeated labels, or a label's points
            outside ``[low, high]``.

    Examples:
        >>> five = RatingScale(1, 5)
        >>> five.points(4), str(five.domain)
        (Fraction(4, 1), '[1, 5]')
        >>> words = RatingScale.labelled({"优秀": 4, "良好": 3, "合格": 2, "不合格": 1})
        >>> words.points("良好"), str(words.domain)
        (Fraction(3, 1), '[1, 4]')
    """

    low: float | None = attrs.field(default=None, converter=_low)
    high: float | None = attrs.field(default=None, converter=_high)
    whole: bool = attrs.field(default=True, converter=_whole_flag)
    labels: tuple[ScaleLabel, ...] = attrs.field(default=(), converter=_labels)

    def __attrs_post_init__(self) -> None:
        if not self.labels and (self.low is None or self.high is None):
            raise ValidationError(
                msg="a numeric scale needs both 'low' and 'high'",
                obj="RatingScale",
                field="low" if self.low is None else "high",
                value=None,
            )
        seen: set[str] = set()
        for i, item in enumerate(self.labels):
            if item.label in seen:
                raise ValidationError(
                    msg=f"label {item.label!r} appears twice",
                    obj="RatingScale",
                    field=("labels", i, "label"),
                    value=item.label,
                )
            seen.add(item.label)
        low, high = self.bounds
        if not low < high:
            raise ValidationError(
                msg=f"'high' ({high:g}) must be above 'low' ({low:g})",
                obj="RatingScale",
                field="high",
                value=high,
            )
        for i, item in enumerate(self.labels):
            if not low <= item.points <= high:
                raise ValidationError(
                    msg=f"label {item.label!r} is worth {item.points:g} points, outside "
                    f"[{low:g}, {high:g}]",
                    obj="RatingScale",
                    field=("labels", i, "points"),
                    value=item.points,
                )

    @classmethod
    def labelled(cls, labels: Mapping[str, float]) -> RatingScale:
        """A labelled scale from a mapping of label to points, in the mapping's order.

        Examples:
            >>> RatingScale.labelled({"good": 2, "poor": 1}).accepted
            ('good', 'poor')
        """
        return cls(labels=labels)

    @property
    def bounds(self) -> tuple[float, float]:
        """``(low, high)``; for a labelled scale without them, its labels' lowest and highest."""
        points = [item.points for item in self.labels]
        low = self.low if self.low is not None else min(points)
        high = self.high if self.high is not None else max(points)
        return low, high

    @property
    def domain(self) -> ValueDomain:
        """The :class:`~csperf.units.ValueDomain` ``[low, high]`` of a rated value."""
        return ValueDomain(*self.bounds)

    @property
    def accepted(self) -> tuple[str, ...]:
        """The labels of a labelled scale, in order (empty for a numeric scale)."""
        return tuple(item.label for item in self.labels)

    def points(
        self,
        score: Any,
        *,
        rater: str | None = None,
        ratee: str | None = None,
        item: str | None = None,
    ) -> Fraction:
        """The exact points of one rating on this scale.

        Args:
            score: A label (labelled scale), or a number or numeric text (numeric scale). A
                float counts at its shortest decimal (``4.1`` is 41/10).
            rater: Who gave the rating, for the error message.
            ratee: Who was rated, for the error message.
            item: What was rated, for the error message.

        Raises:
            MeasurementError: For a label not on the scale, a number outside it (or not whole
                on a whole-number scale), or a value of another type; the error names rater,
                ratee, item and value, with reason ``off_scale``.
        """
        where = f"rating by {rater!r} of {ratee!r} on {item!r}"
        if self.labels:
            text = clean(score) if isinstance(score, str) else None
            for entry in self.labels:
                if entry.label == text:
                    return exact(entry.points)
            self._off(
                f"{where}: {score!r} is not on the scale ({', '.join(self.accepted)})",
                score,
                ratee,
                item,
            )
        value = self._number(score)
        if value is None:
            self._off(f"{where}: {score!r} is not a number", score, ratee, item)
        low, high = (exact(b) for b in self.bounds)
        if not low <= value <= high or (self.whole and value.denominator != 1):
            whole = " whole numbers" if self.whole else ""
            self._off(
                f"{where}: {score!r} is outside the scale [{self.bounds[0]:g}, "
                f"{self.bounds[1]:g}]{whole}",
                score,
                ratee,
                item,
            )
        return value

    @staticmethod
    def _number(score: Any) -> Fraction | None:
        if isinstance(score, bool) or type(score).__name__ == "bool_":  # numpy's too
            return None
        if isinstance(score, Decimal):
            return Fraction(score) if score.is_finite() else None
        if isinstance(score, (numbers.Integral, Fraction)):  # numpy integers included
            return Fraction(int(score)) if isinstance(score, numbers.Integral) else score
        if isinstance(score, numbers.Real):  # float, numpy floats
            value = float(score)
            return None if value != value or abs(value) == float("inf") else exact(value)
        if isinstance(score, str) and parse_number(score) is not None:
            try:
                return Fraction(Decimal(clean(score)))
            except (InvalidOperation, ValueError):  # pragma: no cover - parse_number agreed
                return None
        return None

    @staticmethod
    def _off(msg: str, score: Any, ratee: str | None, item: str | None) -> NoReturn:
        raise MeasurementError(
            msg=msg,
            obj="RatingScale",
            field=item,
            subject=ratee,
            value=score,
            reason=Reason.OFF_SCALE,
        )


# -- the sources ----------------------------------------------------------------------------


def _rule_source(value: Any) -> Source:
    return Source.of(value, obj="SourceRule")


def _default_anonymous(self: Any) -> bool:
    return self.source in ANONYMOUS_SOURCES


def _positive_weight(value: Any) -> float:
    weight = _real("SourceRule", "weight", value)
    if weight <= 0:
        raise ValidationError(
            msg=f"field 'weight' must be above 0, got {value!r}",
            obj="SourceRule",
            field="weight",
            value=value,
        )
    return weight


def _count(obj: str, name: str, least: int) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValidationError(
                msg=f"field {name!r} must be a whole number ≥ {least}, got {value!r}",
                obj=obj,
                field=name,
                value=value,
            )

    return check


def _flag(obj: str, name: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, bool):
            raise ValidationError(
                msg=f"field {name!r} must be true or false, got {value!r}",
                obj=obj,
                field=name,
                value=value,
            )

    return check


@attrs.frozen
class SourceRule:
    """One source of ratings an indicator combines: its weight and how many raters it needs.

    Attributes:
        source: The :class:`Source` (or its value).
        weight: Its weight, above 0. Only ratios count: 20/30/50 and 0.2/0.3/0.5 are the same
            mix.
        min_raters: The fewest distinct raters the source needs to count (default 1).
        anonymous: Whether its raters are protected by the threshold ``k`` of
            :class:`RatingSources`; by default true for peers and subordinates
            (:data:`ANONYMOUS_SOURCES`), false otherwise.

    Examples:
        >>> SourceRule("peer", 30, min_raters=3)
        SourceRule(source=<Source.PEER: 'peer'>, weight=30.0, min_raters=3, anonymous=True)
    """

    source: Source = attrs.field(converter=_rule_source)
    weight: float = attrs.field(converter=_positive_weight)
    min_raters: int = attrs.field(default=1, validator=_count("SourceRule", "min_raters", 1))
    anonymous: bool = attrs.field(
        default=attrs.Factory(_default_anonymous, takes_self=True),
        validator=_flag("SourceRule", "anonymous"),
    )


def _rules(value: Any) -> tuple[SourceRule, ...]:
    if isinstance(value, Mapping):
        value = [SourceRule(k, v) for k, v in value.items()]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(
            msg=f"field 'sources' must be a sequence of SourceRule, got {value!r}",
            obj="RatingSources",
            field="sources",
            value=value,
        )
    rules = tuple(value)
    seen: set[Source] = set()
    for i, rule in enumerate(rules):
        if not isinstance(rule, SourceRule):
            raise ValidationError(
                msg=f"sources[{i}] must be a SourceRule, got {rule!r}",
                obj="RatingSources",
                field=("sources", i),
                value=rule,
            )
        if rule.source in seen:
            raise ValidationError(
                msg=f"source {rule.source.value!r} appears twice",
                obj="RatingSources",
                field=("sources", i, "source"),
                value=rule.source.value,
            )
        seen.add(rule.source)
    if not rules:
        raise ValidationError(
            msg="field 'sources' must name at least one source",
            obj="RatingSources",
            field="sources",
            value=(),
        )
    return rules


def _no_ratings(value: Any) -> NoRatings:
    try:
        return NoRatings(value)
    except ValueError:
        raise ValidationError(
            msg=f"field 'no_ratings' must be one of {', '.join(p.value for p in NoRatings)}, "
            f"got {value!r}",
            obj="RatingSources",
            field="no_ratings",
            value=value,
        ) from None


@attrs.frozen
class RatingSources(CanonicalForm):
    """Which sources rate an indicator, with what weights, and how anonymity is kept.

    Attributes:
        sources: The :class:`SourceRule` of each source, each source at most once. A mapping
            of source to weight is accepted (``{"self": 20, "peer": 30, "manager": 50}``).
        k: The anonymity threshold: an anonymous source counts only with at least ``k``
            distinct raters (default 3, the usual floor of 360-degree reports); below that
            its ratings are withheld from every output.
        no_ratings: The :class:`NoRatings` policy for a source with fewer raters than it
            needs (default: redistribute its weight).

    Examples:
        >>> mix = RatingSources({"self": 20, "peer": 30, "manager": 50})
        >>> [(str(s.source), mix.needed(s.source)) for s in mix.sources]
        [('self', 1), ('peer', 3), ('manager', 1)]
    """

    sources: tuple[SourceRule, ...] = attrs.field(converter=_rules)
    k: int = attrs.field(default=3, validator=_count("RatingSources", "k", 1))
    no_ratings: NoRatings = attrs.field(default=NoRatings.REDISTRIBUTE, converter=_no_ratings)

    def rule(self, source: Source) -> SourceRule | None:
        """The rule of ``source``, or None when the indicator does not take it."""
        for rule in self.sources:
            if rule.source is source:
                return rule
        return None

    def needed(self, source: Source) -> int:
        r"""The raters ``source`` needs to count: :math:`t_g`.

        ``max(min_raters, k)`` for an anonymous source, ``min_raters`` otherwise.

        Raises:
            KeyError: When the indicator does not take ``source``.
        """
        rule = self.rule(source)
        if rule is None:
            raise KeyError(source)
        return max(rule.min_raters, self.k) if rule.anonymous else rule.min_raters

    def combine(
        self,
        points: Mapping[Source, Iterable[Fraction]] | Mapping[str, Iterable[Fraction]],
        *,
        ratee: str,
        item: str,
    ) -> RatedValue:
        """One subject's value from the points of its ratings, one list per source.

        Each list holds one entry per distinct rater (:func:`rate` checks that). The formula
        is in the module documentation: a source with fewer than :meth:`needed` raters is
        withheld, its weight redistributed or refused by :attr:`no_ratings`.

        Args:
            points: Source → the exact points of its ratings. A source the indicator does not
                take is an error; a source left out has no ratings.
            ratee: The subject, for the result and errors.
            item: The measurement rated (the indicator's metric), for the result and errors.

        Returns:
            The :class:`RatedValue`.

        Raises:
            MeasurementError: Under :attr:`NoRatings.ERROR`, for a source with too few raters;
                the message gives the source, its number of raters and the number needed,
                never a score.
            ValidationError: For a source the indicator does not take.

        Examples:
            >>> mix = RatingSources({"self": 20, "peer": 30, "manager": 50})
            >>> value = mix.combine({"self": [Fraction(5)], "peer": [Fraction(4)] * 2,
            ...                      "manager": [Fraction(3)]}, ratee="ann", item="collab")
            >>> value.value, [str(s) for s in value.redistributed]
            (Fraction(25, 7), ['peer'])
        """
        groups: dict[Source, list[Fraction]] = {}
        for key, items in points.items():
            source = Source.of(key)
            if self.rule(source) is None:
                raise ValidationError(
                    msg=f"source {source.value!r} does not rate {item!r} "
                    f"(it takes {', '.join(r.source.value for r in self.sources)})",
                    obj="RatingSources",
                    field="source",
                    subject=ratee,
                    value=source.value,
                )
            groups[source] = [Fraction(p) for p in items]
        counts = {rule.source: len(groups.get(rule.source, ())) for rule in self.sources}
        eligible = [r for r in self.sources if counts[r.source] >= self.needed(r.source)]
        short = [r for r in self.sources if counts[r.source] < self.needed(r.source)]
        if short and self.no_ratings is NoRatings.ERROR:
            rule = short[0]
            raise MeasurementError(
                msg=f"{item!r} of {ratee!r}: source {rule.source.value!r} has "
                f"{counts[rule.source]} rater(s), it needs {self.needed(rule.source)} "
                "(no_ratings = 'error')",
                obj="RatingSources",
                field=item,
                subject=ratee,
                value=counts[rule.source],
            )
        total = sum((exact(r.weight) for r in eligible), Fraction(0))
        results = []
        value: Fraction | None = Fraction(0) if eligible else None
        for rule in self.sources:
            n = counts[rule.source]
            used = rule in eligible
            mean = sum(groups[rule.source], Fraction(0)) / n if used else None
            share = exact(rule.weight) / total if used else Fraction(0)
            if used and value is not None and mean is not None:
                value += share * mean
            status = "used" if used else ("no_ratings" if n == 0 else "too_few_raters")
            results.append(
                SourceResult(rule.source, n, self.needed(rule.source), share, mean, status)
            )
        return RatedValue(
            ratee=ratee,
            item=item,
            value=value,
            sources=tuple(results),
            policy=self.no_ratings,
        )


# -- results --------------------------------------------------------------------------------


@attrs.frozen
class SourceResult:
    r"""How one source took part in a subject's value.

    Attributes:
        source: The :class:`Source`.
        raters: How many distinct raters of this source rated the subject.
        needed: How many it needed (:meth:`RatingSources.needed`).
        weight: The effective weight :math:`w_g / \sum_{E} w`, exact; 0 when withheld.
        mean: The mean points :math:`m_g`, exact, or None when the source was withheld (its
            ratings are dropped, never kept).
        status: ``"used"``, ``"too_few_raters"`` (some ratings, fewer than needed) or
            ``"no_ratings"``.
    """

    source: Source
    raters: int
    needed: int
    weight: Fraction
    mean: Fraction | None
    status: str

    @property
    def used(self) -> bool:
        """Whether the source counted."""
        return self.status == "used"


@attrs.frozen
class RatedValue:
    """A rated indicator's value for one subject, with where it came from.

    Attributes:
        ratee: The subject.
        item: The measurement rated (the indicator's :attr:`~csperf.Indicator.metric`).
        value: The value :math:`V` as an exact fraction, or None when no source had enough
            raters.
        sources: One :class:`SourceResult` per declared source, in declared order.
        policy: The :class:`NoRatings` policy that applied.
    """

    ratee: str
    item: str
    value: Fraction | None
    sources: tuple[SourceResult, ...]
    policy: NoRatings

    @property
    def redistributed(self) -> tuple[Source, ...]:
        """The sources withheld whose weight moved to the others (empty when none)."""
        if self.value is None:
            return ()
        return tuple(s.source for s in self.sources if not s.used)

    @property
    def suppressed(self) -> tuple[Source, ...]:
        """The sources whose ratings were withheld although some were given."""
        return tuple(s.source for s in self.sources if s.status == "too_few_raters")

    @property
    def sample_size(self) -> int:
        """The number of ratings the value rests on (withheld ones not counted)."""
        return sum(s.raters for s in self.sources if s.used)

    @property
    def flags(self) -> tuple[str, ...]:
        """Remarks for reports: ``too_few_raters``, ``weight_redistributed``, ``no_data``."""
        flags = []
        if self.suppressed:
            flags.append("too_few_raters")
        if self.redistributed:
            flags.append("weight_redistributed")
        if self.value is None and not self.suppressed:
            flags.append("no_data")
        return tuple(flags)

    def describe(self, lang: str | None = None, *, combined: bool = False) -> str:
        r"""One readable line per source, in English (the default) or Chinese (``lang="zh"``).

        A withheld source shows its number of raters and the number it needed, never a score.
        With ``combined``, a last line gives the combined value
        :math:`V = \sum_{g \in E} (w_g / \sum_E w)\, m_g` term by term (the effective weight
        × the mean of each source used), or "too few raters" when no source had enough raters
        (never a partial sum): the line :meth:`ScorecardResult.explain
        <csperf.ScorecardResult.explain>` prints under a rated indicator.

        Examples:
            >>> mix = RatingSources({"peer": 1, "manager": 1})
            >>> value = mix.combine({"peer": [Fraction(5)], "manager": [Fraction(4)]},
            ...                     ratee="ann", item="collab")
            >>> print(value.describe())
            peer: too few raters (1 of 3 needed); weight moved to the other sources
            manager: 1 rater(s), mean 4, weight 100%
            >>> print(value.describe(combined=True).splitlines()[-1])
            combined value: 100% × 4 = 4
        """
        lines = []
        for s in self.sources:
            name = label(f"source.{s.source.value}", lang)
            if s.used and s.mean is not None:
                lines.append(
                    label(
                        "rating.used",
                        lang,
                        source=name,
                        raters=s.raters,
                        mean=_short(s.mean),
                        weight=f"{_short(s.weight * 100)}%",
                    )
                )
                continue
            key = "rating.too_few" if s.status == "too_few_raters" else "rating.none"
            text = label(key, lang, source=name, raters=s.raters, needed=s.needed)
            if self.value is not None:
                text += label("rating.moved", lang)
            lines.append(text)
        if combined:
            if self.value is None:
                lines.append(label("rating.combined_withheld", lang))
            else:
                parts = " + ".join(
                    f"{_short(s.weight * 100)}% × {_short(s.mean)}"
                    for s in self.sources
                    if s.used and s.mean is not None
                )
                lines.append(
                    label("rating.combined", lang, parts=parts, value=_short(self.value))
                )
        return "\n".join(lines)


def _short(value: Fraction) -> str:
    """A fraction as a decimal of at most 4 places (display only)."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _frozen_values(value: Any) -> FrozenDict[str, FrozenDict[str, RatedValue]]:
    return FrozenDict({subject: FrozenDict(row) for subject, row in value.items()})


def _subjects(self: Any) -> tuple[str, ...]:
    return tuple(sorted(self.values))


@attrs.frozen
class RatedValues:
    """The rated indicators' values of every subject: what :func:`rate` returns.

    It reads like :class:`csperf.sources.Measurements` for the rated indicators:
    :meth:`row` is what :meth:`Scorecard.evaluate <csperf.Scorecard.evaluate>` reads, and
    :meth:`sample_size` and :meth:`flags` are what :func:`csperf.report.read_samples` reads,
    so reports show ``too_few_raters`` where a source was withheld.

    Attributes:
        values: Subject → measurement name → :class:`RatedValue`.
        subjects: The subjects, sorted (computed).
    """

    values: FrozenDict[str, FrozenDict[str, RatedValue]] = attrs.field(converter=_frozen_values)
    subjects: tuple[str, ...] = attrs.field(
        init=False, default=attrs.Factory(_subjects, takes_self=True)
    )

    def get(self, subject: str, metric: str) -> RatedValue:
        """The :class:`RatedValue` of one subject and measurement.

        Raises:
            KeyError: When there is none (a ``LookupError``, as ``read_samples`` expects).
        """
        return self.values[subject][metric]

    def row(self, subject: str) -> dict[str, Fraction | None]:
        """Measurement name → exact value (None when there is none) of one subject."""
        return {metric: rated.value for metric, rated in self.values[subject].items()}

    def sample_size(self, subject: str, metric: str) -> int:
        """The number of ratings behind one value (see :attr:`RatedValue.sample_size`)."""
        return self.get(subject, metric).sample_size

    def flags(self, subject: str, metric: str) -> tuple[str, ...]:
        """The flags of one value (see :attr:`RatedValue.flags`)."""
        return self.get(subject, metric).flags


# -- the ratings ----------------------------------------------------------------------------


def _name(field: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value:
            raise ValidationError(
                msg=f"field {field!r} must be a non-empty string, got {value!r}",
                obj="Rating",
                field=field,
                value=value,
            )

    return check


def _day(value: Any) -> date | datetime | None:
    if value is None or isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        text = clean(value)
        if not text:
            return None
        try:
            return date.fromisoformat(text) if len(text) == 10 else parse_datetime(text)
        except ValueError:
            pass
    raise ValidationError(
        msg=f"field 'date' must be a date, a datetime or ISO-8601 text, got {value!r}",
        obj="Rating",
        field="date",
        value=value,
    )


def _rating_source(value: Any) -> Source:
    return Source.of(value, obj="Rating")


@attrs.frozen
class Rating:
    """One rating: who rated whom, on what, from which source, how, and when.

    Attributes:
        rater: Who gave the rating.
        source: The rater's :class:`Source` (or its value or Chinese word).
        ratee: The subject rated.
        item: The measurement rated: the indicator's :attr:`~csperf.Indicator.metric`
            (its key unless it names another).
        score: The rating as given: a number or numeric text on a numeric scale, a label on
            a labelled one (checked by :func:`rate`, against the indicator's scale).
        date: When it was given (a date, a datetime, ISO-8601 text or None).

    Examples:
        >>> Rating("bob", "互评", "ann", "collaboration_rating", 4).source
        <Source.PEER: 'peer'>
    """

    rater: str = attrs.field(validator=_name("rater"))
    source: Source = attrs.field(converter=_rating_source)
    ratee: str = attrs.field(validator=_name("ratee"))
    item: str = attrs.field(validator=_name("item"))
    score: Any = attrs.field()
    date: date | datetime | None = attrs.field(default=None, converter=_day)


_COLUMNS = ("rater", "source", "ratee", "item", "score", "date")
_REQUIRED = _COLUMNS[:5]


def _as_ratings(ratings: Any) -> list[Rating]:
    """Ratings from Rating objects, mappings, or a pandas DataFrame (its records)."""
    if hasattr(ratings, "to_dict") and hasattr(ratings, "columns"):
        ratings = ratings.to_dict("records")
    if isinstance(ratings, (str, bytes, Mapping)) or not isinstance(ratings, Iterable):
        raise ValidationError(
            msg="ratings must be a sequence of Rating or of mappings, or a DataFrame, "
            f"got {type(ratings).__name__}",
            obj="rate",
            field="ratings",
            value=ratings,
        )
    out = []
    for i, row in enumerate(ratings):
        if isinstance(row, Rating):
            out.append(row)
            continue
        if not isinstance(row, Mapping):
            raise ValidationError(
                msg=f"ratings[{i}] must be a Rating or a mapping, got {row!r}",
                obj="rate",
                field=("ratings", i),
                value=row,
            )
        unknown = sorted(set(row) - set(_COLUMNS))
        missing = [c for c in _REQUIRED if c not in row]
        if unknown or missing:
            name = unknown[0] if unknown else missing[0]
            what = "unknown column" if unknown else "missing column"
            raise ValidationError(
                msg=f"ratings[{i}]: {what} {name!r} (columns: {', '.join(_COLUMNS)})",
                obj="rate",
                field=("ratings", i, name),
                value=name,
                position=i,
            )
        try:
            out.append(Rating(**{k: _na(v) for k, v in row.items()}))
        except ValidationError as exc:
            raise exc.evolve(
                msg=f"ratings[{i}]: {exc.msg}", field=("ratings", i, *exc.field), position=i
            ) from None
    return out


def _na(value: Any) -> Any:
    """A pandas missing value (NaN, NaT, NA) as None."""
    if value is None:
        return None
    try:
        return None if bool(value != value) else value
    except TypeError:  # pandas.NA: its comparisons are NA, which has no truth value
        return None


def read_ratings(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", delimiter: str = ","
) -> tuple[Rating, ...]:
    """Read the ratings of a CSV file.

    The header names the columns ``rater``, ``source``, ``ratee``, ``item``, ``score`` and,
    optionally, ``date``, in any order. Cells are read as text, trimmed and NFKC-normalised
    (full-width digits become ASCII); the score is checked later, against the indicator's
    scale, by :func:`rate`.

    Args:
        path: The file.
        encoding: Its encoding (a UTF-8 byte-order mark is skipped).
        delimiter: The cell delimiter.

    Returns:
        The :class:`Rating` rows, in file order.

    Raises:
        MeasurementError: For an unreadable file, a missing or unknown column, a row with the
            wrong number of cells or a bad cell; with the file and line.
    """
    source = os.fspath(path)
    if encoding.lower().replace("-", "").replace("_", "") == "utf8":
        encoding = "utf-8-sig"

    def fail(line: int | None, msg: str, value: Any = None) -> MeasurementError:
        return MeasurementError(
            msg=msg, obj="ratings", field="ratings", value=value, path=source, line=line
        )

    out: list[Rating] = []
    try:
        with open(source, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            header = [clean(h) for h in next(reader, [])]
            if not header:
                raise fail(1, "the file is empty; expected a header row")
            for name in header:
                if name not in _COLUMNS or header.count(name) > 1:
                    why = "appears twice" if name in _COLUMNS else "is no rating column"
                    raise fail(1, f"column {name!r} {why} (columns: {', '.join(_COLUMNS)})", name)
            for name in _REQUIRED:
                if name not in header:
                    raise fail(1, f"no column {name!r} (required: {', '.join(_REQUIRED)})", name)
            for cells in reader:
                line = reader.line_num
                if not cells:
                    continue
                if len(cells) != len(header):
                    raise fail(
                        line, f"expected {len(header)} cells as in the header, got {len(cells)}"
                    )
                row: dict[str, Any] = {n: clean(c) or None for n, c in zip(header, cells)}
                try:
                    out.append(Rating(**row))
                except ValidationError as exc:
                    raise fail(line, exc.msg, exc.value) from None
    except OSError as exc:
        raise fail(None, f"cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise fail(None, f"not {encoding} text ({exc.reason})") from exc
    except csv.Error as exc:
        raise fail(None, f"unreadable CSV ({exc})") from exc
    return tuple(out)


def rate(
    scorecard: Scorecard,
    ratings: Any,
    *,
    subjects: Iterable[str] = (),
) -> RatedValues:
    """The values of a scorecard's rated indicators, from a table of ratings.

    Every indicator with :attr:`~csperf.Indicator.raters` is rated; each rating names it by
    its measurement (:attr:`~csperf.Indicator.metric`) in ``item``. Each rating is checked
    against the indicator's :attr:`~csperf.Indicator.scale` and its sources; then each
    subject's value is :meth:`RatingSources.combine` of the points, source by source. The
    result does not depend on the order of the ratings.

    Args:
        scorecard: The :class:`~csperf.Scorecard`.
        ratings: :class:`Rating` objects, mappings with the fields of :class:`Rating`, or a
            pandas DataFrame with those columns (:func:`read_ratings` reads a CSV file).
        subjects: Subjects to give values to besides the ratees (e.g. every subject of the
            measurements): one nobody rated gets no value, or an error under
            :attr:`NoRatings.ERROR`.

    Returns:
        The :class:`RatedValues`, for every ratee and every subject in ``subjects``.

    Raises:
        ValidationError: For a bad row, or a scorecard without a rated indicator.
        MeasurementError: For a rating of an item no rated indicator reads, from a source it
            does not take, a self-rating by another rater (or a non-self rating by the ratee),
            a second rating by the same rater of the same ratee and item, or a score off the
            scale (each naming rater, ratee, item and value); and under
            :attr:`NoRatings.ERROR` for a source with too few raters.

    Examples:
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> rows = [Rating(r, "peer", "ann", "collaboration_rating", s)
        ...         for r, s in [("bob", 4), ("cy", 5), ("dee", 4)]]
        >>> rated = rate(card, rows + [Rating("eve", "peer", "fay", "collaboration_rating", 5)])
        >>> rated.get("ann", "collaboration_rating").value
        Fraction(13, 3)
        >>> rated.row("fay"), rated.flags("fay", "collaboration_rating")
        ({'collaboration_rating': None}, ('too_few_raters',))
    """
    rated = {ind.metric: ind for ind in scorecard.indicators if ind.raters is not None}
    if not rated:
        raise ValidationError(
            msg=f"scorecard {scorecard.key!r} has no rated indicator (none declares raters)",
            obj="rate",
            field="scorecard",
            value=scorecard.key,
        )
    rows = _as_ratings(ratings)
    points: dict[tuple[str, str], dict[Source, dict[str, Fraction]]] = {}
    for r in rows:
        where = f"rating by {r.rater!r} of {r.ratee!r} on {r.item!r}"

        def refuse(msg: str, value: Any, rating: Rating = r) -> MeasurementError:
            return MeasurementError(
                msg=msg, obj="rate", field=rating.item, subject=rating.ratee, value=value
            )

        ind = rated.get(r.item)
        if ind is None:
            raise refuse(
                f"{where}: no rated indicator reads {r.item!r} (rated: {', '.join(sorted(rated))})",
                r.item,
            )
        assert ind.raters is not None
        assert ind.scale is not None
        if ind.raters.rule(r.source) is None:
            raise refuse(
                f"{where}: source {r.source.value!r} does not rate {r.item!r} "
                f"(it takes {', '.join(s.source.value for s in ind.raters.sources)})",
                r.source.value,
            )
        if (r.source is Source.SELF) != (r.rater == r.ratee):
            why = (
                "a self-rating must be by the ratee"
                if r.source is Source.SELF
                else (f"a {r.source.value} rating cannot be by the ratee")
            )
            raise refuse(f"{where}: {why}", r.rater)
        value = ind.scale.points(r.score, rater=r.rater, ratee=r.ratee, item=r.item)
        group = points.setdefault((r.ratee, r.item), {}).setdefault(r.source, {})
        if r.rater in group or any(
            r.rater in other for other in points[(r.ratee, r.item)].values()
        ):
            raise MeasurementError(
                msg=f"{where}: the rater rated this ratee on this item twice; keep one rating",
                obj="rate",
                field=r.item,
                subject=r.ratee,
                value=r.rater,
                reason=Reason.DUPLICATE,
            )
        group[r.rater] = value
    everyone = sorted({ratee for ratee, _ in points} | set(subjects))
    values: dict[str, dict[str, RatedValue]] = {}
    for subject in everyone:
        row: dict[str, RatedValue] = {}
        for metric, ind in rated.items():
            assert ind.raters is not None
            given = points.get((subject, metric), {})
            row[metric] = ind.raters.combine(
                {source: list(by.values()) for source, by in given.items()},
                ratee=subject,
                item=metric,
            )
        values[subject] = row
    return RatedValues(values)
