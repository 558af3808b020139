"""Rater agreement, calibration sessions and rater severity.

When people score (QA reviewers scoring interactions, managers and peers scoring agents), the
scores are only as good as the raters' agreement. This module measures it:

* :func:`icc`: the intraclass correlation ICC(2,1) or ICC(2,k) of Shrout & Fleiss (1979),
  two-way random effects, absolute agreement, with its F-based confidence interval;
* :func:`cohen_kappa`: Cohen's kappa (1960) for two raters, unweighted or weighted (linear or
  quadratic, Cohen 1968), with the asymptotic standard error of Fleiss, Cohen & Everitt (1969);
* :func:`fleiss_kappa`: Fleiss' kappa (1971) for many raters, with the standard error under
  no agreement of Fleiss, Nee & Landis (1979);
* :func:`krippendorff_alpha`: Krippendorff's α for nominal, ordinal and interval data, on
  incomplete designs (missing ratings), with a seeded bootstrap confidence interval;
* :func:`calibration_session`: each reviewer's deviation from the consensus or from an expert,
  and the share of reviews within a tolerance, against a target;
* :func:`rater_severity`: each rater's mean offset from the consensus, and an optional
  correction (offset, or z-score within rater) that is always reported.

Every function reads a *long table* of ratings, one rating per row: the rater, the item rated
(an interaction, or a ratee) and the score. A table is a list of mappings, a mapping of column
name to values, a DataFrame (pandas, Polars: anything with ``columns`` whose columns convert to
lists) or a PyArrow table; the column names default to ``rater``, ``item`` and ``score``. A
row whose score is None (or pandas ``NA``) is no rating; NaN is refused unless
``nan="missing"`` (what an empty cell of ``pandas.read_csv`` becomes). A rater who rates the
same item twice is refused.

Every formula is written out in :doc:`/explanation/rater-agreement`, with its source.

Example:
    >>> from csperf.agreement import icc
    >>> ratings = [
    ...     {"rater": r, "item": i, "score": s}
    ...     for i, row in enumerate([(9, 2, 5, 8), (6, 1, 3, 2), (8, 4, 6, 8),
    ...                              (7, 1, 2, 6), (10, 5, 6, 9), (6, 2, 4, 7)])
    ...     for r, s in zip("ABCD", row)
    ... ]
    >>> print(icc(ratings))
    ICC(2,1) = 0.290 (95% CI 0.019 to 0.761; 6 items, 4 raters, 24 ratings)
"""

from __future__ import annotations

import math
import numbers
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import attrs
import numpy as np

from csperf._frozen import FrozenDict
from csperf._numbers import exact_input
from csperf.errors import MeasurementError, ValidationError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "Agreement",
    "CalibrationSession",
    "ConfidenceInterval",
    "RaterSeverity",
    "ReviewerCalibration",
    "Severity",
    "calibration_session",
    "cohen_kappa",
    "fleiss_kappa",
    "icc",
    "krippendorff_alpha",
    "rater_severity",
]


# -- results ------------------------------------------------------------------------------


def _level(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0 < value < 1:
        raise ValidationError(
            msg=f"{attribute.name} must lie strictly between 0 and 1, got {value!r}",
            obj=type(instance).__name__,
            field=attribute.name,
            value=value,
        )


@attrs.frozen
class ConfidenceInterval:
    """A confidence interval of an agreement statistic, with how it was obtained.

    Attributes:
        low: The lower limit.
        high: The upper limit.
        level: The confidence level (0.95 for a 95 % interval).
        method: How the interval was obtained: ``"F"`` (the F-distribution interval of Shrout &
            Fleiss 1979), ``"normal"`` (statistic ± z times the asymptotic standard error) or
            ``"bootstrap"`` (percentile bootstrap over items).
        resamples: The bootstrap resamples used (those where the statistic is defined), or
            None for an analytic interval.
        seed: The seed of the bootstrap's random generator, or None.

    Example:
        >>> print(ConfidenceInterval(0.2, 0.8, 0.95, "normal"))
        95% CI 0.200 to 0.800
    """

    low: float
    high: float
    level: float = attrs.field(validator=_level)
    method: Literal["F", "normal", "bootstrap"]
    resamples: int | None = None
    seed: int | None = None

    def __str__(self) -> str:
        return f"{self.level:.0%} CI {self.low:.3f} to {self.high:.3f}"


@attrs.frozen
class Agreement:
    """An agreement statistic with what it was computed from.

    Attributes:
        method: The statistic: ``"ICC(2,1)"``, ``"ICC(2,k)"``, ``"Cohen's kappa"``,
            ``"weighted kappa (linear)"``, ``"weighted kappa (quadratic)"``,
            ``"Fleiss' kappa"``, ``"Krippendorff's alpha (nominal)"``, ``(ordinal)`` or
            ``(interval)``.
        value: The statistic.
        items: The number of items (interactions, ratees) that entered the statistic.
        raters: The number of distinct raters.
        ratings: The number of ratings that entered the statistic.
        ci: The confidence interval, or None where the method gives none.
        standard_error: The asymptotic standard error of the statistic (the one the interval
            uses), or None.
        null_standard_error: The standard error under the hypothesis of no agreement beyond
            chance (for a z test), or None.
        components: The intermediate quantities, by name: the mean squares of an ICC
            (``BMS``, ``JMS``, ``EMS``), the observed and expected agreement of a kappa
            (``observed``, ``expected``), the observed and expected disagreement of α
            (``observed``, ``expected``).

    Example:
        >>> from csperf.agreement import cohen_kappa
        >>> rows = [("a", i, 1) for i in range(3)] + [("b", i, 1) for i in range(2)]
        >>> rows += [("b", 2, 2), ("a", 3, 2), ("b", 3, 2)]
        >>> result = cohen_kappa([dict(zip(("rater", "item", "score"), r)) for r in rows])
        >>> result.method, round(result.value, 4), result.items, result.raters
        ("Cohen's kappa", 0.5, 4, 2)
    """

    method: str
    value: float
    items: int
    raters: int
    ratings: int
    ci: ConfidenceInterval | None = None
    standard_error: float | None = None
    null_standard_error: float | None = None
    components: FrozenDict[str, float] = attrs.field(factory=FrozenDict, converter=FrozenDict)

    @property
    def z(self) -> float | None:
        """The z statistic of the test of no agreement, ``value / null_standard_error``."""
        if self.null_standard_error is None or self.null_standard_error == 0:
            return None
        return self.value / self.null_standard_error

    def __str__(self) -> str:
        counts = f"{self.items} items, {self.raters} raters, {self.ratings} ratings"
        inner = counts if self.ci is None else f"{self.ci}; {counts}"
        return f"{self.method} = {self.value:.3f} ({inner})"


# -- reading a long table -------------------------------------------------------------------


class _Rating(NamedTuple):
    rater: Hashable
    item: Hashable
    score: Any
    position: int


def _sort_key(key: Any) -> tuple[int, Any]:
    """Numbers first in numeric order, then everything else by its text."""
    if isinstance(key, numbers.Real) and not isinstance(key, bool):
        return (0, key)
    return (1, str(key))


def _is_missing(value: Any) -> bool:
    """None, or pandas ``NA`` / ``NaT`` (told by type name, without importing pandas)."""
    return value is None or type(value).__name__ in ("NAType", "NaTType")


def _column_list(values: Any) -> list[Any]:
    for name in ("tolist", "to_list", "to_pylist"):
        method = getattr(values, name, None)
        if callable(method):
            return list(method())
    return list(values)


def _rows(table: Any, columns: tuple[str, str, str], obj: str) -> list[tuple[Any, Any, Any]]:
    """The (rater, item, score) of every row of ``table``, in order."""
    if hasattr(table, "column_names") and hasattr(table, "column"):  # a PyArrow table
        table = {str(name): table.column(name) for name in table.column_names}
    if hasattr(table, "columns") and not isinstance(table, Mapping):
        names = [str(c) for c in table.columns]
        missing = [c for c in columns if c not in names]
        if missing:
            raise ValidationError(
                msg=f"the table has no column {missing[0]!r} (columns: {', '.join(names)})",
                obj=obj,
                field=missing[0],
                value=names,
            )
        lists = [_column_list(table[c]) for c in columns]
        return list(zip(*lists))
    if isinstance(table, Mapping):
        missing = [c for c in columns if c not in table]
        if missing:
            raise ValidationError(
                msg=f"the table has no column {missing[0]!r} "
                f"(columns: {', '.join(map(str, table))})",
                obj=obj,
                field=missing[0],
                value=list(table),
            )
        lists = [_column_list(table[c]) for c in columns]
        lengths = {c: len(v) for c, v in zip(columns, lists)}
        if len(set(lengths.values())) > 1:
            raise ValidationError(
                msg=f"the columns have different lengths ({lengths})",
                obj=obj,
                field="table",
                value=lengths,
            )
        return list(zip(*lists))
    if isinstance(table, (str, bytes)) or not isinstance(table, Iterable):
        raise ValidationError(
            msg="ratings must be a list of rows, a mapping of column name to values or a "
            f"DataFrame, got {type(table).__name__}",
            obj=obj,
            field="table",
            value=type(table).__name__,
        )
    rows = []
    for position, row in enumerate(table):
        if not isinstance(row, Mapping):
            raise ValidationError(
                msg=f"row {position} must be a mapping of column name to value, "
                f"got {type(row).__name__}",
                obj=obj,
                field=("table", position),
                value=row,
            )
        for column in columns:
            if column not in row:
                raise ValidationError(
                    msg=f"row {position} has no {column!r}",
                    obj=obj,
                    field=("table", position, column),
                    value=dict(row),
                )
        rows.append(tuple(row[c] for c in columns))
    return rows


def _read(
    table: Any,
    obj: str,
    *,
    rater: str,
    item: str,
    score: str,
    nan: str,
) -> list[_Rating]:
    """The ratings of a long table, checked: keys present, no NaN, no rater twice on an item."""
    if nan not in ("error", "missing"):
        raise ValidationError(
            msg=f"nan= must be 'error' or 'missing', got {nan!r}",
            obj=obj,
            field="nan",
            value=nan,
        )
    ratings: list[_Rating] = []
    seen: dict[tuple[Any, Any], int] = {}
    for position, (who, what, value) in enumerate(_rows(table, (rater, item, score), obj)):
        for column, key in ((rater, who), (item, what)):
            if _is_missing(key) or (isinstance(key, float) and math.isnan(key)):
                raise MeasurementError(
                    msg=f"row {position} has no {column}",
                    obj=obj,
                    field=(column, position),
                    position=position,
                    value=key,
                )
        who, what = _plain(who), _plain(what)
        if _is_missing(value):
            continue
        value = _plain(value)
        if isinstance(value, (float, Decimal)) and math.isnan(value):
            if nan == "missing":
                continue
            raise MeasurementError(
                msg=f"rater {who!r} gives item {what!r} a score of NaN (row {position}); "
                "pass nan='missing' to read NaN as no rating",
                obj=obj,
                field=(score, position),
                subject=who,
                position=position,
                value=value,
            )
        if isinstance(value, (float, Decimal)) and math.isinf(value):
            raise MeasurementError(
                msg=f"rater {who!r} gives item {what!r} an infinite score (row {position})",
                obj=obj,
                field=(score, position),
                subject=who,
                position=position,
                value=value,
            )
        pair = (who, what)
        if pair in seen:
            raise MeasurementError(
                msg=f"rater {who!r} rates item {what!r} twice (rows {seen[pair]} and {position})",
                obj=obj,
                field=(score, position),
                subject=who,
                position=position,
                value=value,
            )
        seen[pair] = position
        ratings.append(_Rating(who, what, value, position))
    return ratings


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds; anything else as it is."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


def _numeric(ratings: Sequence[_Rating], obj: str, score: str) -> None:
    for r in ratings:
        if not _is_number(r.score):
            raise MeasurementError(
                msg=f"rater {r.rater!r} gives item {r.item!r} the score {r.score!r} "
                f"(row {r.position}); {obj} needs numbers",
                obj=obj,
                field=(score, r.position),
                subject=r.rater,
                position=r.position,
                value=r.score,
            )


def _keys(ratings: Sequence[_Rating]) -> tuple[tuple[Hashable, ...], tuple[Hashable, ...]]:
    raters = tuple(sorted({r.rater for r in ratings}, key=_sort_key))
    items = tuple(sorted({r.item for r in ratings}, key=_sort_key))
    return raters, items


def _at_least_two_raters(raters: Sequence[Hashable], obj: str) -> None:
    if len(raters) < 2:
        raise MeasurementError(
            msg=f"agreement needs at least 2 raters, got {len(raters)}"
            + (f" ({raters[0]!r})" if raters else ""),
            obj=obj,
            field="rater",
            value=list(raters),
        )


def _complete(
    ratings: Sequence[_Rating], obj: str, why: str
) -> tuple[tuple[Hashable, ...], tuple[Hashable, ...], dict[tuple[Hashable, Hashable], Any]]:
    """Raters, items and the (rater, item) → score of a design where every rater rates all."""
    raters, items = _keys(ratings)
    _at_least_two_raters(raters, obj)
    cells = {(r.rater, r.item): r.score for r in ratings}
    for what in items:
        for who in raters:
            if (who, what) not in cells:
                raise MeasurementError(
                    msg=f"rater {who!r} has no rating of item {what!r}; {why}",
                    obj=obj,
                    field=("item", what),
                    subject=who,
                    value=what,
                )
    return raters, items, cells


def _z(confidence: float, obj: str) -> float:
    _check_confidence(confidence, obj)
    return statistics.NormalDist().inv_cdf(0.5 + confidence / 2)


def _check_confidence(confidence: float, obj: str) -> None:
    if not (_is_number(confidence) and 0 < float(confidence) < 1):
        raise ValidationError(
            msg=f"confidence= must lie strictly between 0 and 1, got {confidence!r}",
            obj=obj,
            field="confidence",
            value=confidence,
        )


# -- the F distribution (for the ICC's interval) ----------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return h


def _beta_cdf(x: float, y: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b), given x and y = 1 − x.

    Both are passed so that neither is computed by a cancelling subtraction.
    """
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, y) / b


def _f_cdf(f: float, d1: float, d2: float) -> float:
    """P(F ≤ f) = I_x(d1/2, d2/2) with x = d1·f / (d1·f + d2)."""
    x = 1.0 / (1.0 + d2 / (d1 * f))
    y = 1.0 / (1.0 + d1 * f / d2)
    return _beta_cdf(x, y, d1 / 2, d2 / 2)


def _f_quantile(q: float, d1: float, d2: float) -> float:
    """The ``q`` quantile of the F distribution with ``d1`` and ``d2`` degrees of freedom.

    Found by bisection on log f, so that the tiny degrees of freedom of a degenerate design
    (quantiles of 1e40 and more) are found as precisely as ordinary ones; ``inf`` beyond the
    largest float.
    """
    low, high = -745.0, 709.0
    if _f_cdf(math.exp(high), d1, d2) < q:
        return math.inf
    for _ in range(200):
        mid = (low + high) / 2
        if mid in (low, high):
            break
        if _f_cdf(math.exp(mid), d1, d2) < q:
            low = mid
        else:
            high = mid
    return math.exp((low + high) / 2)


def _spearman_brown(limit: float, k: int) -> float:
    """k·L / (1 + (k − 1)·L): a limit of ICC(2,1) carried to the mean of k raters.

    The map rises from −∞ at L = −1/(k − 1); a limit at or below that is −∞.
    """
    den = 1 + (k - 1) * limit
    return k * limit / den if den > 0 else -math.inf


# -- ICC ------------------------------------------------------------------------------------


def icc(
    table: Any,
    *,
    average: bool = False,
    confidence: float = 0.95,
    rater: str = "rater",
    item: str = "item",
    score: str = "score",
    nan: Literal["error", "missing"] = "error",
) -> Agreement:
    """The intraclass correlation ICC(2,1) or ICC(2,k) (Shrout & Fleiss 1979, case 2).

    Two-way random effects, absolute agreement: every rater rates every item, and raters are
    taken as a sample of raters. From the two-way ANOVA of the n items × k raters table, with
    BMS the items' (between targets) mean square, JMS the raters' (judges) mean square and EMS
    the residual mean square::

        ICC(2,1) = (BMS − EMS) / (BMS + (k − 1)·EMS + k·(JMS − EMS)/n)
        ICC(2,k) = (BMS − EMS) / (BMS + (JMS − EMS)/n)

    ICC(2,1) is the reliability of one rater's score, ICC(2,k) that of the mean of the k
    raters. The interval is Shrout & Fleiss's F interval with Satterthwaite's degrees of
    freedom ν; ICC(2,k)'s is ICC(2,1)'s carried over by the Spearman-Brown formula (a lower
    limit at or below −1/(k − 1) becomes −∞). When ν is 0 (every item has the same mean) the
    interval is undefined and ``ci`` is None.

    Args:
        table: The long table of ratings (see the module's description).
        average: ICC(2,k), the reliability of the raters' mean, instead of ICC(2,1).
        confidence: The level of the confidence interval.
        rater: The column of raters.
        item: The column of items.
        score: The column of scores (numbers).
        nan: ``"error"`` refuses a NaN score, ``"missing"`` reads it as no rating.

    Returns:
        The statistic, with ``components`` ``BMS``, ``JMS``, ``EMS`` and the F interval.

    Raises:
        MeasurementError: A NaN or non-numeric score, fewer than 2 raters or 2 items, a rater
            without a rating of some item (use :func:`krippendorff_alpha` for an incomplete
            design), or ratings without any variance.
        ValidationError: A table without the columns, a bad ``confidence``.

    Example:
        >>> rows = [("A", 1, 9), ("B", 1, 7), ("A", 2, 4), ("B", 2, 5), ("A", 3, 8), ("B", 3, 8)]
        >>> result = icc({"rater": [r for r, _, _ in rows], "item": [i for _, i, _ in rows],
        ...               "score": [s for _, _, s in rows]}, average=True)
        >>> result.method, round(result.value, 3), result.items, result.raters
        ('ICC(2,k)', 0.894, 3, 2)
    """
    method = "ICC(2,k)" if average else "ICC(2,1)"
    obj = method
    _check_confidence(confidence, obj)
    ratings = _read(table, obj, rater=rater, item=item, score=score, nan=nan)
    _numeric(ratings, obj, score)
    raters, items, cells = _complete(
        ratings,
        obj,
        "the ICC needs every rater to rate every item (krippendorff_alpha takes an "
        "incomplete design)",
    )
    n, k = len(items), len(raters)
    if n < 2:
        raise MeasurementError(
            msg=f"the ICC needs at least 2 items, got {n}",
            obj=obj,
            field="item",
            value=list(items),
        )
    y = np.array([[float(cells[(who, what)]) for who in raters] for what in items])
    # The sums of squares in exact arithmetic on the floats' values: the same numbers whatever
    # the order of raters and items (float sums are not), and an exact 0 where every item
    # (or rater) has the same mean, which decides whether the F interval exists.
    exact = [[Fraction(v) for v in row] for row in y.tolist()]
    grand = sum((sum(row, Fraction(0)) for row in exact), Fraction(0)) / (n * k)
    item_means = [sum(row, Fraction(0)) / k for row in exact]
    rater_means = [sum((row[j] for row in exact), Fraction(0)) / n for j in range(k)]
    ss_items_x = k * sum(((m - grand) ** 2 for m in item_means), Fraction(0))
    ss_raters_x = n * sum(((m - grand) ** 2 for m in rater_means), Fraction(0))
    ss_total_x = sum(((v - grand) ** 2 for row in exact for v in row), Fraction(0))
    bms = float(ss_items_x / (n - 1))
    jms = float(ss_raters_x / (k - 1))
    ems = float((ss_total_x - ss_items_x - ss_raters_x) / ((n - 1) * (k - 1)))
    single_den = bms + (k - 1) * ems + k * (jms - ems) / n
    if single_den <= 0 or bms + (jms - ems) / n <= 0:
        raise MeasurementError(
            msg=f"the ratings have no variance (every score is {y.flat[0]:g}): the ICC is "
            "undefined",
            obj=obj,
            field=score,
            value=float(y.flat[0]),
        )
    rho = (bms - ems) / single_den
    value = rho if not average else (bms - ems) / (bms + (jms - ems) / n)
    # Satterthwaite's degrees of freedom (Shrout & Fleiss 1979, eq. for case 2), multiplied
    # through by EMS² so that EMS = 0 (raters who differ by a constant) stays finite.
    tail = n * (1 + (k - 1) * rho) - k * rho
    v_num = (k - 1) * (n - 1) * (k * rho * jms + tail * ems) ** 2
    v_den = (n - 1) * (k * rho * jms) ** 2 + (tail * ems) ** 2
    v = v_num / v_den if v_den > 0 else float((k - 1) * (n - 1))
    ci = None
    if v > 0 and math.isfinite(v):
        tail_p = 0.5 + confidence / 2
        f_upper = _f_quantile(tail_p, n - 1, v)
        f_lower = _f_quantile(tail_p, v, n - 1)
        mixed = k * jms + (k * n - k - n) * ems
        # Shrout & Fleiss's limits, numerator and denominator divided by the F quantile (the
        # same values, and finite limits when a quantile is infinite)
        low = n * (bms / f_upper - ems) / (mixed + n * bms / f_upper)
        high = n * (bms - ems / f_lower) / (mixed / f_lower + n * bms)
        if average:
            low, high = _spearman_brown(low, k), _spearman_brown(high, k)
        if not (math.isnan(low) or math.isnan(high)):
            ci = ConfidenceInterval(float(low), float(high), confidence, "F")
    return Agreement(
        method=method,
        value=float(value),
        items=n,
        raters=k,
        ratings=n * k,
        ci=ci,
        components={"BMS": bms, "JMS": jms, "EMS": ems},
    )


# -- categories -----------------------------------------------------------------------------


def _categories(
    ratings: Sequence[_Rating],
    categories: Sequence[Any] | None,
    obj: str,
    score: str,
    *,
    ordered: bool,
) -> tuple[Any, ...]:
    """The categories in order: those given (every score must be one), else the scores seen."""
    if categories is not None:
        given = tuple(_plain(c) for c in categories)
        if len(set(given)) != len(given):
            raise ValidationError(
                msg=f"categories= lists a category twice: {list(given)!r}",
                obj=obj,
                field="categories",
                value=list(given),
            )
        known = set(given)
        for r in ratings:
            if r.score not in known:
                raise MeasurementError(
                    msg=f"rater {r.rater!r} gives item {r.item!r} the score {r.score!r} "
                    f"(row {r.position}), which is none of the categories "
                    f"{', '.join(map(repr, given))}",
                    obj=obj,
                    field=(score, r.position),
                    subject=r.rater,
                    position=r.position,
                    value=r.score,
                )
        return given
    seen = {r.score for r in ratings}
    if ordered and not all(_is_number(s) for s in seen):
        bad = next(r for r in ratings if not _is_number(r.score))
        raise MeasurementError(
            msg=f"rater {bad.rater!r} gives item {bad.item!r} the label {bad.score!r} "
            f"(row {bad.position}); an ordered method needs numbers, or categories= "
            "giving the labels in order",
            obj=obj,
            field=(score, bad.position),
            subject=bad.rater,
            position=bad.position,
            value=bad.score,
        )
    return tuple(sorted(seen, key=_sort_key))


def _scale(categories: Sequence[Any]) -> NDArray[np.float64]:
    """The numeric position of each category: its value when all are numbers, else its rank."""
    if all(_is_number(c) for c in categories):
        return np.array([float(c) for c in categories])
    return np.arange(len(categories), dtype=np.float64)


# -- Cohen's kappa --------------------------------------------------------------------------


def cohen_kappa(
    table: Any,
    *,
    weights: Literal["linear", "quadratic"] | None = None,
    categories: Sequence[Any] | None = None,
    confidence: float = 0.95,
    rater: str = "rater",
    item: str = "item",
    score: str = "score",
    nan: Literal["error", "missing"] = "error",
) -> Agreement:
    """Cohen's kappa of two raters, unweighted (1960) or weighted (1968).

    With p_ij the share of items the first rater puts in category i and the second in j,
    ``p_i·`` and ``p_·j`` the margins and ``w_ij`` the agreement weights::

        p_o = Σ w_ij·p_ij,   p_e = Σ w_ij·p_i·p_·j,   κ = (p_o − p_e) / (1 − p_e)

    Unweighted, w_ij is 1 on the diagonal and 0 elsewhere. Weighted, with x_i the position of
    category i (its value when the categories are numbers, else its rank in ``categories``)::

        linear:     w_ij = 1 − |x_i − x_j| / (x_max − x_min)
        quadratic:  w_ij = 1 − (x_i − x_j)² / (x_max − x_min)²

    The standard error is Fleiss, Cohen & Everitt's (1969) large-sample one, with
    ``w̄_i = Σ_j p_·j·w_ij`` and ``w̄_j = Σ_i p_i·w_ij``::

        SE² = [Σ p_ij·(w_ij − (w̄_i + w̄_j)(1 − κ))² − (κ − p_e(1 − κ))²] / (n·(1 − p_e)²)

    and the interval is κ ± z·SE. Under no agreement the standard error is::

        SE₀² = [Σ p_i·p_·j·(w_ij − (w̄_i + w̄_j))² − p_e²] / (n·(1 − p_e)²)

    Args:
        table: The long table of ratings, with exactly two raters.
        weights: None for Cohen's kappa, ``"linear"`` or ``"quadratic"`` for weighted kappa.
        categories: The categories in order, when some may be unobserved or the scores are
            labels (``["poor", "fair", "good"]``); by default the scores seen, sorted.
        confidence: The level of the confidence interval.
        rater: The column of raters.
        item: The column of items.
        score: The column of scores (numbers or labels).
        nan: ``"error"`` refuses a NaN score, ``"missing"`` reads it as no rating.

    Returns:
        The statistic, with ``components`` ``observed`` (p_o) and ``expected`` (p_e).

    Raises:
        MeasurementError: Not exactly two raters, an item only one of them rated, a score
            outside ``categories``, a label where weighted kappa needs an order, a single
            category used throughout (κ is undefined).
        ValidationError: An unknown ``weights``, a bad ``confidence``.

    Example:
        >>> rows = [("a", "x", 1), ("b", "x", 1), ("a", "y", 2), ("b", "y", 3),
        ...         ("a", "z", 3), ("b", "z", 3)]
        >>> table = [dict(zip(("rater", "item", "score"), row)) for row in rows]
        >>> round(cohen_kappa(table).value, 4), round(cohen_kappa(table, weights="linear").value, 4)
        (0.5, 0.6667)
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValidationError(
            msg=f"weights= must be None, 'linear' or 'quadratic', got {weights!r}",
            obj="Cohen's kappa",
            field="weights",
            value=weights,
        )
    method = "Cohen's kappa" if weights is None else f"weighted kappa ({weights})"
    obj = method
    z = _z(confidence, obj)
    ratings = _read(table, obj, rater=rater, item=item, score=score, nan=nan)
    raters, items = _keys(ratings)
    if len(raters) != 2:
        raise MeasurementError(
            msg=f"Cohen's kappa needs exactly 2 raters, got {len(raters)}"
            + (f" ({', '.join(map(repr, raters))})" if raters else "")
            + ("; fleiss_kappa or krippendorff_alpha take more" if len(raters) > 2 else ""),
            obj=obj,
            field=rater,
            value=list(raters),
        )
    raters, items, cells = _complete(ratings, obj, "Cohen's kappa needs both raters on every item")
    cats = _categories(ratings, categories, obj, score, ordered=weights is not None)
    index = {c: i for i, c in enumerate(cats)}
    c = len(cats)
    # Exact arithmetic throughout (counts, weights and every sum are fractions): a kappa of 0
    # is 0, a variance of 0 is 0, and swapping the raters changes nothing, to the last digit.
    counts = [[0] * c for _ in range(c)]
    for what in items:
        counts[index[cells[(raters[0], what)]]][index[cells[(raters[1], what)]]] += 1
    n = len(items)
    w = _kappa_weights(cats, weights)
    p = [[Fraction(count, n) for count in row] for row in counts]
    rows = [sum(row, Fraction(0)) for row in p]
    cols = [sum((p[i][j] for i in range(c)), Fraction(0)) for j in range(c)]
    cells_ij = [(i, j) for i in range(c) for j in range(c)]
    p_o = sum((w[i][j] * p[i][j] for i, j in cells_ij), Fraction(0))
    p_e = sum((w[i][j] * rows[i] * cols[j] for i, j in cells_ij), Fraction(0))
    if p_e >= 1:
        raise MeasurementError(
            msg=f"both raters give every item the same category ({cats[0]!r}): kappa is "
            "undefined (0/0)",
            obj=obj,
            field=score,
            value=cats[0],
        )
    kappa = (p_o - p_e) / (1 - p_e)
    w_row = [sum((cols[j] * w[i][j] for j in range(c)), Fraction(0)) for i in range(c)]
    w_col = [sum((rows[i] * w[i][j] for i in range(c)), Fraction(0)) for j in range(c)]
    scale = n * (1 - p_e) ** 2
    var = (
        sum(
            (p[i][j] * (w[i][j] - (w_row[i] + w_col[j]) * (1 - kappa)) ** 2 for i, j in cells_ij),
            Fraction(0),
        )
        - (kappa - p_e * (1 - kappa)) ** 2
    ) / scale
    var0 = (
        sum(
            (rows[i] * cols[j] * (w[i][j] - (w_row[i] + w_col[j])) ** 2 for i, j in cells_ij),
            Fraction(0),
        )
        - p_e**2
    ) / scale
    se = math.sqrt(max(float(var), 0.0))
    return Agreement(
        method=method,
        value=float(kappa),
        items=n,
        raters=2,
        ratings=2 * n,
        ci=ConfidenceInterval(float(kappa) - z * se, float(kappa) + z * se, confidence, "normal"),
        standard_error=se,
        null_standard_error=math.sqrt(max(float(var0), 0.0)),
        components={"observed": float(p_o), "expected": float(p_e)},
    )


def _kappa_weights(cats: Sequence[Any], weights: str | None) -> list[list[Fraction]]:
    """The agreement weights w_ij, exact: identity, linear or quadratic in the positions."""
    c = len(cats)
    if weights is None:
        return [[Fraction(int(i == j)) for j in range(c)] for i in range(c)]
    if all(_is_number(v) for v in cats):
        x = [exact_input(v, float(v)) for v in cats]
    else:
        x = [Fraction(i) for i in range(c)]
    spread = max(x) - min(x)
    if spread == 0:
        return [[Fraction(1)] * c for _ in range(c)]
    d = [[abs(a - b) / spread for b in x] for a in x]
    if weights == "linear":
        return [[1 - v for v in row] for row in d]
    return [[1 - v * v for v in row] for row in d]


# -- Fleiss' kappa --------------------------------------------------------------------------


def fleiss_kappa(
    table: Any,
    *,
    categories: Sequence[Any] | None = None,
    rater: str = "rater",
    item: str = "item",
    score: str = "score",
    nan: Literal["error", "missing"] = "error",
) -> Agreement:
    """Fleiss' kappa (1971): agreement of many raters on nominal categories.

    Every item has the same number m ≥ 2 of ratings; the raters may differ from item to item.
    With N items, n_ij the raters who put item i in category j::

        p_j = Σ_i n_ij / (N·m)                 P_i = (Σ_j n_ij² − m) / (m·(m − 1))
        P̄ = Σ_i P_i / N,   P̄_e = Σ_j p_j²,     κ = (P̄ − P̄_e) / (1 − P̄_e)

    The method gives no confidence interval; its standard error under no agreement is that of
    Fleiss, Nee & Landis (1979), with q_j = 1 − p_j::

        SE₀ = √(2 / (N·m·(m − 1))) · √((Σ p_j·q_j)² − Σ p_j·q_j·(q_j − p_j)) / Σ p_j·q_j

    Args:
        table: The long table of ratings.
        categories: The categories, when some may be unobserved (they change nothing but the
            check that every score is one of them).
        rater: The column of raters.
        item: The column of items.
        score: The column of scores (numbers or labels).
        nan: ``"error"`` refuses a NaN score, ``"missing"`` reads it as no rating.

    Returns:
        The statistic, with ``null_standard_error`` and ``components`` ``observed`` (P̄) and
        ``expected`` (P̄_e); ``raters`` counts the distinct raters.

    Raises:
        MeasurementError: Fewer than 2 raters, an item with another number of ratings than the
            first item, an item with a single rating, a score outside ``categories``, a single
            category used throughout (κ is undefined).

    Example:
        >>> rows = [(r, i, s) for i, scores in enumerate(["aab", "bbb", "acc", "aaa"])
        ...         for r, s in zip("XYZ", scores)]
        >>> result = fleiss_kappa([dict(zip(("rater", "item", "score"), r)) for r in rows])
        >>> round(result.value, 4), result.items, result.raters
        (0.4545, 4, 3)
    """
    obj = "Fleiss' kappa"
    ratings = _read(table, obj, rater=rater, item=item, score=score, nan=nan)
    raters, items = _keys(ratings)
    _at_least_two_raters(raters, obj)
    cats = _categories(ratings, categories, obj, score, ordered=False)
    index = {c: i for i, c in enumerate(cats)}
    row_of = {what: i for i, what in enumerate(items)}
    counts = np.zeros((len(items), len(cats)))
    for r in ratings:
        counts[row_of[r.item], index[r.score]] += 1
    per_item = counts.sum(axis=1)
    m = int(per_item[0])
    for i, what in enumerate(items):
        if per_item[i] != m or m < 2:
            raise MeasurementError(
                msg=f"item {what!r} has {int(per_item[i])} ratings"
                + (
                    f", item {items[0]!r} has {m}: Fleiss' kappa needs the same number of "
                    "ratings on every item (krippendorff_alpha takes an incomplete design)"
                    if m >= 2
                    else ": Fleiss' kappa needs at least 2 ratings per item"
                ),
                obj=obj,
                field=("item", what),
                value=int(per_item[i]),
            )
    big_n = len(items)
    p_j = counts.sum(axis=0) / (big_n * m)
    p_i = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    p_bar = float(p_i.mean())
    p_e = float((p_j**2).sum())
    if p_e >= 1:
        raise MeasurementError(
            msg=f"every rating is the same category ({cats[0]!r}): kappa is undefined (0/0)",
            obj=obj,
            field=score,
            value=cats[0],
        )
    kappa = (p_bar - p_e) / (1 - p_e)
    pq = p_j * (1 - p_j)
    spq = float(pq.sum())
    var0_core = spq**2 - float((pq * ((1 - p_j) - p_j)).sum())
    se0 = math.sqrt(2 / (big_n * m * (m - 1))) * math.sqrt(max(var0_core, 0.0)) / spq
    return Agreement(
        method="Fleiss' kappa",
        value=kappa,
        items=big_n,
        raters=len(raters),
        ratings=len(ratings),
        null_standard_error=se0,
        components={"observed": p_bar, "expected": p_e},
    )


# -- Krippendorff's alpha -------------------------------------------------------------------


class _Reliability(NamedTuple):
    """The pairable values of a reliability data matrix, ready for α and its bootstrap.

    Per value: its unit and its category; per unit u: its number of values m_u and, for the
    nominal and interval levels, what it adds to Σ o_ck·δ²_ck (``within``). The ordinal δ²
    depends on the marginal counts, so its ``within`` is computed for each count.
    """

    unit: NDArray[np.intp]  # the unit of each value
    code: NDArray[np.intp]  # the category of each value
    m: NDArray[np.float64]  # the number of values of each unit
    within: NDArray[np.float64] | None  # nominal, interval: each unit's Σ_ck o_ck·δ²_ck
    scale: NDArray[np.float64]  # the position of each category (interval)
    categories: int


def _within(data: _Reliability, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each unit's Σ_{a≠b} (x_a − x_b)² / (m_u − 1) = 2·m_u·Σ_a (x_a − x̄_u)² / (m_u − 1).

    ``x`` holds the position of each value; the sum runs over the ordered pairs of the unit's
    values, which is what the unit adds to Σ o_ck·δ²_ck when δ²_ck = (x_c − x_k)².
    """
    units = len(data.m)
    mean = np.bincount(data.unit, weights=x, minlength=units) / data.m
    centred = x - mean[data.unit]
    squares = np.bincount(data.unit, weights=centred * centred, minlength=units)
    result: NDArray[np.float64] = 2 * data.m * squares / (data.m - 1)
    return result


def _reliability(
    coded: Sequence[Sequence[int]], scale: NDArray[np.float64], level: str
) -> _Reliability:
    unit = np.repeat(np.arange(len(coded), dtype=np.intp), [len(values) for values in coded])
    code = np.array([c for values in coded for c in values], dtype=np.intp)
    m = np.array([len(values) for values in coded], dtype=np.float64)
    data = _Reliability(unit, code, m, None, scale, len(scale))
    if level == "nominal":
        # a unit's ordered pairs of different values: m_u² − Σ_c n_uc²
        cells, counts = np.unique(unit * len(scale) + code, return_counts=True)
        pairs_alike = np.bincount(
            cells // len(scale), weights=counts.astype(np.float64) ** 2, minlength=len(coded)
        )
        return data._replace(within=(m * m - pairs_alike) / (m - 1))
    if level == "interval":
        return data._replace(within=_within(data, scale[code]))
    return data


def _alpha_of(
    data: _Reliability, level: str, weights: NDArray[np.float64] | None = None
) -> tuple[float, float, float]:
    """α, D_o and D_e, each unit counted ``weights[u]`` times (NaN α when all values are alike).

    ``D_o = Σ o_ck·δ²_ck / n`` sums each unit's ``within``; ``D_e = Σ n_c·n_k·δ²_ck / (n(n − 1))``
    is ``(n² − Σ n_c²) / (n(n − 1))`` for nominal data, and ``2n·Σ n_c·(x_c − x̄)² / (n(n − 1))``
    when δ²_ck = (x_c − x_k)²: for interval data x_c is the value, for ordinal data its mid-rank
    ``x_c = Σ_{g<c} n_g + n_c/2``, since Σ_{g=c..k} n_g − (n_c + n_k)/2 = x_k − x_c.
    """
    w = np.ones(len(data.m)) if weights is None else weights
    per_value = w[data.unit]
    n_c = np.bincount(data.code, weights=per_value, minlength=data.categories).astype(np.float64)
    if int((n_c > 0).sum()) < 2:  # every value alike: D_e = 0, α undefined
        return math.nan, 0.0, 0.0
    n = float(n_c.sum())
    if level == "nominal":
        assert data.within is not None
        observed = float((w * data.within).sum())
        expected = (n * n - float((n_c * n_c).sum())) / (n - 1)
    else:
        if level == "ordinal":
            x = np.cumsum(n_c) - n_c / 2  # the mid-ranks
            within = _within(data, x[data.code])
        else:
            assert data.within is not None
            x, within = data.scale, data.within
        observed = float((w * within).sum())
        centred = x - float((n_c * x).sum()) / n
        expected = 2 * n * float((n_c * centred * centred).sum()) / (n - 1)
    d_o, d_e = observed / n, expected / n
    return 1.0 - d_o / d_e, d_o, d_e


def krippendorff_alpha(
    table: Any,
    *,
    level: Literal["nominal", "ordinal", "interval"] = "nominal",
    categories: Sequence[Any] | None = None,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
    rater: str = "rater",
    item: str = "item",
    score: str = "score",
    nan: Literal["error", "missing"] = "error",
) -> Agreement:
    """Krippendorff's α for nominal, ordinal or interval data, missing ratings allowed.

    Items rated by one rater only are not pairable and are left out. Each item u with m_u ≥ 2
    ratings adds 1/(m_u − 1) to the coincidence o_ck for each ordered pair of its ratings (two
    different raters) with values c and k; n_c = Σ_k o_ck and n = Σ_c n_c. Then::

        D_o = Σ o_ck·δ²_ck / n,   D_e = Σ n_c·n_k·δ²_ck / (n·(n − 1)),   α = 1 − D_o / D_e

    with the difference function δ²_ck of the level of measurement (Krippendorff 2011)::

        nominal:   0 if c = k, else 1
        ordinal:   (Σ_{g=c..k} n_g − (n_c + n_k)/2)²   (the values in their order)
        interval:  (c − k)²

    The confidence interval is a percentile bootstrap over items (Efron): ``resamples`` times,
    the pairable items are drawn with replacement and α recomputed; the interval runs between
    the (1 − confidence)/2 and (1 + confidence)/2 quantiles (numpy's linear interpolation). A
    resample where α is undefined (every value alike) is left out, and ``ci.resamples`` says how
    many counted. The generator is ``numpy.random.default_rng(seed)``, so the same data and seed
    give the same interval. (Krippendorff's own bootstrap resamples pairs of values instead; it
    is not what is computed here.)

    Args:
        table: The long table of ratings.
        level: The level of measurement.
        categories: The categories in order: for ordinal labels (``["poor", "fair",
            "good"]``), or to check that every score is one of them.
        confidence: The level of the confidence interval.
        resamples: The bootstrap resamples; 0 gives no interval.
        seed: The seed of the bootstrap.
        rater: The column of raters.
        item: The column of items.
        score: The column of scores (numbers; labels for nominal data, or ordinal data with
            ``categories``).
        nan: ``"error"`` refuses a NaN score, ``"missing"`` reads it as no rating.

    Returns:
        The statistic, with ``components`` ``observed`` (D_o) and ``expected`` (D_e); ``items``
        and ``ratings`` count the pairable items and their ratings.

    Raises:
        MeasurementError: Fewer than 2 raters, no item rated twice, a label where the level
            needs numbers, a score outside ``categories``, every pairable value alike (α is
            undefined).
        ValidationError: An unknown ``level``, a bad ``confidence``, ``resamples`` or ``seed``.

    Example:
        >>> rows = [("A", 1, 1), ("B", 1, 1), ("A", 2, 2), ("B", 2, 2), ("C", 2, 2),
        ...         ("A", 3, 1), ("C", 3, 2), ("B", 4, 2)]
        >>> table = [dict(zip(("rater", "item", "score"), row)) for row in rows]
        >>> result = krippendorff_alpha(table)
        >>> round(result.value, 4), result.items, result.ratings
        (0.5, 3, 7)
    """
    if level not in ("nominal", "ordinal", "interval"):
        raise ValidationError(
            msg=f"level= must be 'nominal', 'ordinal' or 'interval', got {level!r}",
            obj="Krippendorff's alpha",
            field="level",
            value=level,
        )
    obj = f"Krippendorff's alpha ({level})"
    _check_confidence(confidence, obj)
    for name, number, least in (("resamples", resamples, 0), ("seed", seed, 0)):
        if isinstance(number, bool) or not isinstance(number, numbers.Integral) or number < least:
            raise ValidationError(
                msg=f"{name}= must be a whole number ≥ {least}, got {number!r}",
                obj=obj,
                field=name,
                value=number,
            )
    ratings = _read(table, obj, rater=rater, item=item, score=score, nan=nan)
    raters, _ = _keys(ratings)
    _at_least_two_raters(raters, obj)
    if level == "interval":
        _numeric(ratings, obj, score)
    cats = _categories(ratings, categories, obj, score, ordered=level != "nominal")
    if level == "interval" and not all(_is_number(c) for c in cats):
        raise ValidationError(
            msg="interval data need numeric categories",
            obj=obj,
            field="categories",
            value=list(cats),
        )
    index = {c: i for i, c in enumerate(cats)}
    by_item: dict[Any, list[int]] = {}
    for r in ratings:
        by_item.setdefault(r.item, []).append(index[r.score])
    coded = [by_item[what] for what in sorted(by_item, key=_sort_key) if len(by_item[what]) > 1]
    if not coded:
        raise MeasurementError(
            msg="no item has two ratings: α needs pairable values",
            obj=obj,
            field=item,
            value=len(by_item),
        )
    data = _reliability(coded, _scale(cats), level)
    alpha, d_o, d_e = _alpha_of(data, level)
    if math.isnan(alpha):
        raise MeasurementError(
            msg="every pairable rating has the same value: α is undefined (0/0)",
            obj=obj,
            field=score,
            value=cats[coded[0][0]],
        )
    ci = None
    if resamples:
        rng = np.random.default_rng(int(seed))
        draws = []
        for _ in range(int(resamples)):
            drawn = rng.integers(0, len(coded), len(coded))
            counts = np.bincount(drawn, minlength=len(coded)).astype(np.float64)
            a, _, _ = _alpha_of(data, level, counts)
            if not math.isnan(a):
                draws.append(a)
        if draws:
            low, high = np.quantile(draws, [0.5 - confidence / 2, 0.5 + confidence / 2])
            ci = ConfidenceInterval(
                float(low), float(high), confidence, "bootstrap", len(draws), int(seed)
            )
    return Agreement(
        method=f"Krippendorff's alpha ({level})",
        value=alpha,
        items=len(coded),
        raters=len(raters),
        ratings=sum(len(values) for values in coded),
        ci=ci,
        components={"observed": d_o, "expected": d_e},
    )


# -- consensus ------------------------------------------------------------------------------


def _check_consensus(consensus: Any, obj: str) -> None:
    if consensus not in ("mean", "median"):
        raise ValidationError(
            msg=f"consensus= must be 'mean' or 'median', got {consensus!r}",
            obj=obj,
            field="consensus",
            value=consensus,
        )


def _consensus(values: Sequence[Fraction], consensus: str) -> Fraction:
    """The mean, or the median (the mean of the two middle values of an even count)."""
    if consensus == "mean":
        return sum(values, Fraction(0)) / len(values)
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[half]
    return (ordered[half - 1] + ordered[half]) / 2


def _exact(r: _Rating) -> Fraction:
    return exact_input(r.score, float(r.score))


# -- calibration sessions -------------------------------------------------------------------


@attrs.frozen
class ReviewerCalibration:
    """One reviewer's results in a calibration session.

    A deviation is the reviewer's score minus the baseline of the interaction.

    Attributes:
        reviewer: The reviewer.
        reviews: The interactions the reviewer scored.
        mean_deviation: The mean deviation: above 0 the reviewer scores more leniently than the
            baseline, below 0 more severely.
        mean_absolute_deviation: The mean of the deviations' absolute values.
        largest_deviation: The deviation of largest absolute value (with its sign).
        within: The reviews whose deviation lies within the tolerance (inclusive).
        share_within: ``within / reviews``.
        meets_target: Whether ``share_within`` reaches the session's target.

    Example:
        >>> ReviewerCalibration("li", 4, -2.5, 5.0, -12.0, 3, 0.75, False).share_within
        0.75
    """

    reviewer: Hashable
    reviews: int
    mean_deviation: float
    mean_absolute_deviation: float
    largest_deviation: float
    within: int
    share_within: float
    meets_target: bool


@attrs.frozen
class CalibrationSession:
    """The results of a calibration session (:func:`calibration_session`).

    Attributes:
        baseline: What each score is compared with: ``"mean"`` or ``"median"`` (the consensus
            of every reviewer of the interaction) or ``"expert"``.
        expert: The expert whose scores are the baseline, or None.
        tolerance: The largest deviation counted as agreement (points, inclusive).
        target: The share of reviews within the tolerance the session aims at.
        items: The interactions compared.
        reviewers: Each reviewer's results, in the reviewers' order (the expert is none of
            them).
        reviews: The reviews compared, all reviewers together.
        within: The reviews within the tolerance.
        share_within: ``within / reviews``.
        meets_target: Whether ``share_within`` reaches ``target``.

    Example:
        >>> rows = [("lead", 1, 80), ("ann", 1, 85), ("bo", 1, 60),
        ...         ("lead", 2, 90), ("ann", 2, 90), ("bo", 2, 88)]
        >>> session = calibration_session(
        ...     [dict(zip(("rater", "item", "score"), row)) for row in rows], expert="lead"
        ... )
        >>> print(session)
        calibration against expert 'lead', tolerance ±10, target 85.0%
        3 of 4 reviews within tolerance (75.0%): target not met
        reviewer  reviews  mean deviation  mean |deviation|  within  share   target
        ann             2            2.50              2.50       2  100.0%  met
        bo              2          -11.00             11.00       1   50.0%  not met
    """

    baseline: Literal["mean", "median", "expert"]
    expert: Hashable | None
    tolerance: float
    target: float
    items: int
    reviewers: tuple[ReviewerCalibration, ...]
    reviews: int
    within: int
    share_within: float
    meets_target: bool

    def reviewer(self, name: Hashable) -> ReviewerCalibration:
        """One reviewer's results.

        Args:
            name: The reviewer.

        Returns:
            The reviewer's :class:`ReviewerCalibration`.

        Raises:
            UnknownNameError: When no reviewer has that name.
        """
        for found in self.reviewers:
            if found.reviewer == name:
                return found
        from csperf.errors import UnknownNameError

        raise UnknownNameError("reviewer", name, [str(r.reviewer) for r in self.reviewers])

    def __str__(self) -> str:
        against = f"expert {self.expert!r}" if self.baseline == "expert" else f"the {self.baseline}"
        head = (
            f"calibration against {against}, tolerance ±{self.tolerance:g}, target "
            f"{self.target:.1%}\n{self.within} of {self.reviews} reviews within tolerance "
            f"({self.share_within:.1%}): target {'met' if self.meets_target else 'not met'}"
        )
        width = max([8, *(len(str(r.reviewer)) for r in self.reviewers)])
        lines = [
            head,
            f"{'reviewer':<{width}}  reviews  mean deviation  mean |deviation|  within  share"
            "   target",
        ]
        for r in self.reviewers:
            lines.append(
                f"{r.reviewer!s:<{width}}  {r.reviews:>7}  {r.mean_deviation:>14.2f}  "
                f"{r.mean_absolute_deviation:>16.2f}  {r.within:>6}  {r.share_within:>6.1%}  "
                f"{'met' if r.meets_target else 'not met'}"
            )
        return "\n".join(lines)


def calibration_session(
    table: Any,
    *,
    expert: Hashable | None = None,
    consensus: Literal["mean", "median"] = "mean",
    tolerance: float = 10,
    target: float = 0.85,
    rater: str = "rater",
    item: str = "item",
    score: str = "score",
    nan: Literal["error", "missing"] = "error",
) -> CalibrationSession:
    """Compare reviewers who scored the same interactions with a consensus or an expert.

    The baseline of an interaction is the expert's score when ``expert`` is given, else the
    mean (or median) of every reviewer's score of it, the reviewer compared included. Each
    review's deviation is its score minus the baseline; it counts as agreement when
    ``|deviation| ≤ tolerance``. Contact-centre practice aims at 85–90 % of reviews within
    ±10 points of the calibrated score (the default ``target`` is 0.85). Deviations and the
    comparison with the tolerance are computed exactly (each score read at its shortest
    decimal), so a deviation of exactly 10 counts.

    Args:
        table: The long table of reviews: reviewer, interaction, score (points).
        expert: The reviewer whose scores are the baseline (the expert is not compared).
        consensus: ``"mean"`` or ``"median"``: the baseline without an expert.
        tolerance: The largest deviation counted as agreement (≥ 0).
        target: The share of reviews within the tolerance aimed at (0 to 1).
        rater: The column of reviewers.
        item: The column of interactions.
        score: The column of scores (numbers).
        nan: ``"error"`` refuses a NaN score, ``"missing"`` reads it as no rating.

    Returns:
        The session's results, per reviewer and overall.

    Raises:
        MeasurementError: A non-numeric or NaN score; with an expert, an interaction the expert
            did not score, or no other reviewer; without one, fewer than 2 reviewers or an
            interaction only one reviewer scored.
        ValidationError: A negative ``tolerance``, a ``target`` outside 0 to 1, an unknown
            ``consensus``.
    """
    obj = "calibration session"
    _check_consensus(consensus, obj)
    for name, number, top in (("tolerance", tolerance, math.inf), ("target", target, 1)):
        if not _is_number(number) or not 0 <= float(number) <= top:
            raise ValidationError(
                msg=f"{name}= must be a number from 0 to {top:g}, got {number!r}",
                obj=obj,
                field=name,
                value=number,
            )
    ratings = _read(table, obj, rater=rater, item=item, score=score, nan=nan)
    _numeric(ratings, obj, score)
    raters, items = _keys(ratings)
    by_item: dict[Hashable, list[_Rating]] = {}
    for r in ratings:
        by_item.setdefault(r.item, []).append(r)
    if expert is not None:
        if expert not in raters:
            raise MeasurementError(
                msg=f"the expert {expert!r} has no review "
                f"(reviewers: {', '.join(map(repr, raters))})",
                obj=obj,
                field=rater,
                value=expert,
            )
        reviewers = tuple(who for who in raters if who != expert)
        if not reviewers:
            raise MeasurementError(
                msg=f"no reviewer besides the expert {expert!r}",
                obj=obj,
                field=rater,
                value=list(raters),
            )
    else:
        reviewers = raters
        _at_least_two_raters(raters, obj)
    baselines: dict[Hashable, Fraction] = {}
    for what in items:
        group = by_item[what]
        if expert is not None:
            own = [r for r in group if r.rater == expert]
            if len(group) > len(own) and not own:
                raise MeasurementError(
                    msg=f"the expert {expert!r} did not score interaction {what!r}, which "
                    f"{', '.join(repr(r.rater) for r in group)} scored",
                    obj=obj,
                    field=(item, what),
                    subject=expert,
                    value=what,
                )
            if own:
                baselines[what] = _exact(own[0])
        else:
            if len(group) < 2:
                raise MeasurementError(
                    msg=f"only {group[0].rater!r} scored interaction {what!r}: a consensus "
                    "needs at least 2 reviewers",
                    obj=obj,
                    field=(item, what),
                    subject=group[0].rater,
                    value=what,
                )
            baselines[what] = _consensus([_exact(r) for r in group], consensus)
    limit = exact_input(tolerance, float(tolerance))
    results = []
    all_reviews = all_within = 0
    compared_items: set[Hashable] = set()
    for who in reviewers:
        deviations = [
            _exact(r) - baselines[r.item] for r in ratings if r.rater == who and r.item in baselines
        ]
        compared_items.update(r.item for r in ratings if r.rater == who and r.item in baselines)
        if not deviations:
            continue
        within = sum(1 for d in deviations if abs(d) <= limit)
        share = within / len(deviations)
        results.append(
            ReviewerCalibration(
                reviewer=who,
                reviews=len(deviations),
                mean_deviation=float(sum(deviations, Fraction(0)) / len(deviations)),
                mean_absolute_deviation=float(
                    sum((abs(d) for d in deviations), Fraction(0)) / len(deviations)
                ),
                largest_deviation=float(max(deviations, key=abs)),
                within=within,
                share_within=share,
                meets_target=Fraction(within, len(deviations))
                >= exact_input(target, float(target)),
            )
        )
        all_reviews += len(deviations)
        all_within += within
    return CalibrationSession(
        baseline="expert" if expert is not None else consensus,
        expert=expert,
        tolerance=float(tolerance),
        target=float(target),
        items=len(compared_items),
        reviewers=tuple(results),
        reviews=all_reviews,
        within=all_within,
        share_within=all_within / all_reviews if all_reviews else math.nan,
        meets_target=all_reviews > 0
        and Fraction(all_within, all_reviews) >= exact_input(target, float(target)),
    )


# -- rater severity -------------------------------------------------------------------------


@attrs.frozen
class RaterSeverity:
    """One rater's severity: how far the rater's scores lie from the consensus.

    Attributes:
        rater: The rater.
        ratings: The rater's ratings.
        shared: The rater's ratings of items someone else rated too (those the offset is the
            mean over).
        mean: The mean of the rater's scores.
        sd: The sample standard deviation of the rater's scores (None with one rating).
        offset: The mean of score − consensus over the shared items: above 0 lenient, below 0
            severe.

    Example:
        >>> RaterSeverity("li", 3, 3, 70.0, 10.0, -5.0).offset
        -5.0
    """

    rater: Hashable
    ratings: int
    shared: int
    mean: float
    sd: float | None
    offset: float


@attrs.frozen
class Severity:
    """The raters' severity, and the scores after the correction chosen (:func:`rater_severity`).

    Attributes:
        consensus: The consensus the offsets are measured from: ``"mean"`` or ``"median"`` of
            each item's ratings.
        correction: The correction applied: ``"none"``, ``"offset"`` or ``"zscore"``.
        raters: Each rater's severity.
        scores: (rater, item) → the score after the correction (the score itself under
            ``"none"``), in the table's order.
        grand_mean: The mean of every score (the centre of the z-score correction).
        grand_sd: The sample standard deviation of every score (the spread of the z-score
            correction).

    Example:
        >>> rows = [("a", 1, 80), ("b", 1, 70), ("a", 2, 90), ("b", 2, 80)]
        >>> result = rater_severity(
        ...     [dict(zip(("rater", "item", "score"), row)) for row in rows], correction="offset"
        ... )
        >>> print(result)
        correction: offset (score − rater's offset from the item mean)
        rater  ratings  mean   offset
        a            2  85.00    5.00
        b            2  75.00   -5.00
        >>> result.scores[("b", 2)]
        85.0
    """

    consensus: Literal["mean", "median"]
    correction: Literal["none", "offset", "zscore"]
    raters: tuple[RaterSeverity, ...]
    scores: FrozenDict[tuple[Hashable, Hashable], float] = attrs.field(converter=FrozenDict)
    grand_mean: float
    grand_sd: float | None

    def rater(self, name: Hashable) -> RaterSeverity:
        """One rater's severity.

        Args:
            name: The rater.

        Returns:
            The rater's :class:`RaterSeverity`.

        Raises:
            UnknownNameError: When no rater has that name.
        """
        for found in self.raters:
            if found.rater == name:
                return found
        from csperf.errors import UnknownNameError

        raise UnknownNameError("rater", name, [str(r.rater) for r in self.raters])

    def to_columns(self) -> dict[str, list[Any]]:
        """The corrected scores as a long table: ``rater``, ``item``, ``score`` columns.

        Returns:
            A mapping of column name to values, which every function of this module reads.
        """
        return {
            "rater": [who for who, _ in self.scores],
            "item": [what for _, what in self.scores],
            "score": list(self.scores.values()),
        }

    def __str__(self) -> str:
        how = {
            "none": "none (scores as given)",
            "offset": f"offset (score − rater's offset from the item {self.consensus})",
            "zscore": (
                f"zscore (mean {self.grand_mean:.2f} + sd {self.grand_sd or 0:.2f} × the "
                "score's z-score within its rater)"
            ),
        }[self.correction]
        width = max([5, *(len(str(r.rater)) for r in self.raters)])
        lines = [f"correction: {how}", f"{'rater':<{width}}  ratings  mean   offset"]
        for r in self.raters:
            lines.append(f"{r.rater!s:<{width}}  {r.ratings:>7}  {r.mean:.2f}  {r.offset:>7.2f}")
        return "\n".join(lines)


def rater_severity(
    table: Any,
    *,
    correction: Literal["none", "offset", "zscore"] = "none",
    consensus: Literal["mean", "median"] = "mean",
    rater: str = "rater",
    item: str = "item",
    score: str = "score",
    nan: Literal["error", "missing"] = "error",
) -> Severity:
    """Each rater's mean offset from the consensus, and optionally the scores corrected for it.

    The consensus c_i of an item is the mean (or median) of all its ratings. A rater's offset
    is the mean of x_ri − c_i over the rater's items that someone else rated too (an item
    rated once is its own consensus and tells nothing of severity). The correction, applied to
    every rating before the ratings are aggregated, is reported in the result:

    * ``"none"``: the scores as given (the offsets are still reported);
    * ``"offset"``: x_ri − offset_r, a severe rater's scores raised by the rater's offset;
    * ``"zscore"``: M + S·(x_ri − mean_r) / sd_r, each rater's scores standardised within the
      rater and put back on the scale of all scores (M and S the mean and sample standard
      deviation of every score). It suits raters who rate comparable mixes of items, not
      shared ones.

    Offsets and the offset correction are computed exactly (each score read at its shortest
    decimal), then given as floats.

    Args:
        table: The long table of ratings.
        correction: ``"none"``, ``"offset"`` or ``"zscore"``.
        consensus: ``"mean"`` or ``"median"``: each item's consensus.
        rater: The column of raters.
        item: The column of items.
        score: The column of scores (numbers).
        nan: ``"error"`` refuses a NaN score, ``"missing"`` reads it as no rating.

    Returns:
        The raters' severity, the correction and the corrected scores.

    Raises:
        MeasurementError: A non-numeric or NaN score, fewer than 2 raters, a rater who shares no
            item with another rater; for ``"zscore"``, a rater with a single rating or whose
            ratings are all equal (no spread to standardise by).
        ValidationError: An unknown ``correction`` or ``consensus``.
    """
    obj = "rater severity"
    if correction not in ("none", "offset", "zscore"):
        raise ValidationError(
            msg=f"correction= must be 'none', 'offset' or 'zscore', got {correction!r}",
            obj=obj,
            field="correction",
            value=correction,
        )
    _check_consensus(consensus, obj)
    ratings = _read(table, obj, rater=rater, item=item, score=score, nan=nan)
    _numeric(ratings, obj, score)
    raters, _ = _keys(ratings)
    _at_least_two_raters(raters, obj)
    by_item: dict[Hashable, list[Fraction]] = {}
    for r in ratings:
        by_item.setdefault(r.item, []).append(_exact(r))
    centre = {what: _consensus(values, consensus) for what, values in by_item.items()}
    floats = np.array([float(r.score) for r in ratings])
    grand_mean = float(floats.mean())
    grand_sd = float(floats.std(ddof=1)) if len(floats) > 1 else None
    severities: dict[Hashable, RaterSeverity] = {}
    exact_offsets: dict[Hashable, Fraction] = {}
    for who in raters:
        own = [r for r in ratings if r.rater == who]
        shared = [r for r in own if len(by_item[r.item]) > 1]
        if not shared:
            raise MeasurementError(
                msg=f"rater {who!r} shares no item with another rater: the offset is undefined",
                obj=obj,
                field=rater,
                subject=who,
                value=[r.item for r in own],
            )
        offset = sum((_exact(r) - centre[r.item] for r in shared), Fraction(0)) / len(shared)
        values = np.array([float(r.score) for r in own])
        sd = float(values.std(ddof=1)) if len(own) > 1 else None
        if correction == "zscore" and (sd is None or sd == 0):
            raise MeasurementError(
                msg=f"rater {who!r} has "
                + ("a single rating" if sd is None else f"every rating equal to {values[0]:g}")
                + ": the z-score correction needs a spread of ratings within each rater",
                obj=obj,
                field=rater,
                subject=who,
                value=[float(v) for v in values],
            )
        exact_offsets[who] = offset
        severities[who] = RaterSeverity(
            rater=who,
            ratings=len(own),
            shared=len(shared),
            mean=float(values.mean()),
            sd=sd,
            offset=float(offset),
        )
    scores: dict[tuple[Hashable, Hashable], float] = {}
    for r in ratings:
        if correction == "none":
            scores[(r.rater, r.item)] = float(r.score)
        elif correction == "offset":
            scores[(r.rater, r.item)] = float(_exact(r) - exact_offsets[r.rater])
        else:
            own_sev = severities[r.rater]
            z = (float(r.score) - own_sev.mean) / (own_sev.sd or 1.0)
            scores[(r.rater, r.item)] = grand_mean + (grand_sd or 0.0) * z
    return Severity(
        consensus=consensus,
        correction=correction,
        raters=tuple(severities[who] for who in raters),
        scores=scores,
        grand_mean=grand_mean,
        grand_sd=grand_sd,
    )
