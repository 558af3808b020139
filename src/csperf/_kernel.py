"""The scoring kernel: one definition of weights, totals and rounding for one row or many.

:meth:`Scorecard.evaluate <csperf.Scorecard.evaluate>` and
:meth:`Scorecard.evaluate_many <csperf.Scorecard.evaluate_many>` both run here:

- :meth:`Kernel.weights` gives the effective weights of one *missing-value pattern* (which
  indicators of a row have a value), exactly, computed once per pattern and cached;
- :meth:`Kernel.exact_total` sums one row exactly (:class:`~fractions.Fraction`);
- :meth:`Kernel.batch` sums a whole population in float64 with numpy, then settles the rows
  whose float total lies near a rounding tie (``x.xx5`` at two decimals) with an exact
  computation on each input's exact decimal value: in whole numbers, vectorised, for the
  built-in rules, which are linear between edges; value by value through the rule's
  ``exact_points`` for any other rule and for inputs that carry more digits than a float
  (:class:`~decimal.Decimal`).

The formulas are written out in ``docs/explanation/scoring.rst``.
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

from csperf._numbers import exact, exact_input, round_half_up
from csperf.adjustments import Applied, Plan, exact_value
from csperf.errors import MissingMeasurementError
from csperf.results import Redistribution

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from csperf._tables import Column
    from csperf.adjustments import Input
    from csperf.indicators import Indicator
    from csperf.scorecard import Scorecard
    from csperf.units import ValueDomain

__all__ = [
    "TIE_GUARD",
    "BatchArrays",
    "ItemColumns",
    "ItemsRow",
    "Kernel",
    "Weights",
    "check_domain",
    "exact_items",
    "exact_row",
    "item_columns",
]

TIE_GUARD = 1e-6
"""Rows of a batch whose scaled float total (``total × 10^precision``) lies this close to a
rounding tie are settled exactly; the guard grows with the precision and the card's
``max_points`` so that it always exceeds the float error of a total."""

_DECIMALS = 9
"""The most decimals an input may have for the whole-number settlement of ties."""

_INT64 = 2**62
"""Whole-number sums below this stay in int64; larger ones use Python integers."""

_CHUNK = 1 << 16
"""Rows a batch computes at a time: the temporaries of one chunk stay in cache."""


@attrs.frozen
class Weights:
    """The effective weights of one missing-value pattern, exact.

    Attributes:
        dimensions: Weight of each dimension across dimensions, in the card's order.
        within: Weight of each indicator within its dimension, in the card's order.
        indicators: Effective weight of each indicator: its dimension's weight × its weight
            within the dimension.
        emptied: Per dimension, whether it has no measured indicator left (redistribution).
        moved: What redistribution moved, in order.
    """

    dimensions: tuple[Fraction, ...]
    within: tuple[Fraction, ...]
    indicators: tuple[Fraction, ...]
    emptied: tuple[bool, ...]
    moved: tuple[Redistribution, ...]


@attrs.frozen(eq=False)
class BatchArrays:
    """What :meth:`Kernel.batch` computes, one array (or one broadcast view) per output.

    Attributes:
        totals: Rounded totals.
        unrounded: Totals before rounding.
        grades: The grade band keys (an object array of the scale's key strings).
        points: Points per indicator, in the card's order.
        weights: Effective weight per indicator (a read-only broadcast view when every row
            has the same weights).
        dimension_points: Points per dimension, in the card's order.
        ties: The rows settled exactly.
        weighted: The weighted totals before the card's bonus, deduction and veto items, or
            None when it has none.
        applied: The signed points each bonus or deduction item added, in the card's order.
        positions: The grade positions when a veto capped some grade, else None.
    """

    totals: NDArray[np.float64]
    unrounded: NDArray[np.float64]
    grades: NDArray[Any]
    points: list[NDArray[np.float64]]
    weights: list[NDArray[np.float64]]
    dimension_points: list[NDArray[np.float64]]
    ties: NDArray[np.intp]
    weighted: NDArray[np.float64] | None = None
    applied: list[NDArray[np.float64]] = attrs.field(factory=list)
    positions: NDArray[np.intp] | None = None


@attrs.frozen(eq=False)
class ItemColumns:
    """The inputs of a card's veto and bonus or deduction items over a batch, read and judged.

    Attributes:
        fired: Per veto, whether it fired in each row (a missing value fires under ``zero``).
        events: Per adjustment, the number of events in each row (0 where missing).
        present: Per adjustment, where the number of events was given.
        exact: Per adjustment, the column's exact values (:attr:`Column.exact`), or None.
    """

    fired: list[NDArray[np.bool_]]
    events: list[NDArray[np.float64]]
    present: list[NDArray[np.bool_]]
    exact: list[Any]


@attrs.frozen
class ItemsRow:
    """The inputs of a card's veto and bonus or deduction items for one row, judged.

    Attributes:
        values: Per veto, the value read (None when missing).
        fired: Per veto, whether it fired.
        events: Per adjustment, the number of events (None when missing).
        exact_events: Per adjustment, the exact number of events (0 when missing).
    """

    values: list[float | None]
    fired: list[bool]
    events: list[float | None]
    exact_events: list[Fraction]


class Kernel:
    """Weights, totals and rounding of one scorecard; built once per card.

    Args:
        card: The scorecard.
    """

    def __init__(self, card: Scorecard) -> None:
        from csperf.scorecard import MissingPolicy

        self.card = card
        self.policy = card.missing
        self.redistribute = card.missing is MissingPolicy.REDISTRIBUTE
        self.error = card.missing is MissingPolicy.ERROR
        self.indicators = card.indicators
        self.dims = tuple(d.key for d in card.dimensions)
        self.dim_of = tuple(self.dims.index(i.dimension) for i in card.indicators)
        dims = {k: exact(v) for k, v in card.weighting.dimensions.items()}
        level = sum(dims.values(), Fraction(0))
        self._dims = {k: v / level for k, v in dims.items()}
        self._within: dict[str, dict[str, Fraction]] = {}
        for dim, inner in card.weighting.indicators.items():
            weights = {k: exact(v) for k, v in inner.items()}
            level = sum(weights.values(), Fraction(0))
            self._within[dim] = {k: v / level for k, v in weights.items()}
        self._cache: dict[tuple[bool, ...], Weights] = {}
        self.full = self.weights((True,) * len(card.indicators), None)
        scale = 10**card.precision
        self.guard = max(TIE_GUARD, 1e-10 * card.max_points * scale)
        self.plan = Plan(card.vetoes, card.adjustments, card.bonus_cap, card.max_points)
        ordered = [b.key for b in card.grade_scale.ordered]
        self.grade_caps = tuple(
            None if v.grade is None else ordered.index(v.grade) for v in card.vetoes
        )

    # -- weights ----------------------------------------------------------------------------

    def weights(self, present: tuple[bool, ...], subject: str | None) -> Weights:
        """The exact weights for a row whose indicators are present as ``present`` says.

        Without redistribution every pattern has the card's weights.

        Raises:
            MissingMeasurementError: When redistribution leaves nothing to score.
        """
        if not self.redistribute or all(present):
            present = (True,) * len(self.indicators)
        found = self._cache.get(present)
        if found is None:
            found = self._pattern(present, subject)
            self._cache[present] = found
        return found

    def _pattern(self, present: tuple[bool, ...], subject: str | None) -> Weights:
        missing = {ind.key for ind, there in zip(self.indicators, present) if not there}
        moved: list[Redistribution] = []
        within: dict[str, dict[str, Fraction]] = {}
        emptied: list[str] = []
        for dim, weights in self._within.items():
            kept = {k: w for k, w in weights.items() if k not in missing}
            level = sum(kept.values(), Fraction(0))
            if level == 0:
                within[dim] = {k: Fraction(0) for k in weights}
                emptied.append(dim)
                continue
            recipients = tuple(k for k, w in kept.items() if w > 0)
            for key in weights:
                if key in missing and weights[key] > 0:
                    moved.append(Redistribution(key, "indicator", float(weights[key]), recipients))
            within[dim] = {k: (kept[k] / level if k in kept else Fraction(0)) for k in weights}
        remaining = {d: w for d, w in self._dims.items() if d not in emptied}
        level = sum(remaining.values(), Fraction(0))
        if level == 0:
            who = f" for subject {subject!r}" if subject is not None else ""
            raise MissingMeasurementError(
                msg=f"nothing left to score{who}: every weighted indicator "
                f"is missing ({', '.join(sorted(missing))})",
                obj=f"Scorecard {self.card.key!r}",
                field="measurements",
                subject=subject,
                missing=sorted(missing),
            )
        recipients = tuple(d for d, w in remaining.items() if w > 0)
        for dim in emptied:
            if self._dims[dim] > 0:
                moved.append(Redistribution(dim, "dimension", float(self._dims[dim]), recipients))
        dims = {d: (remaining[d] / level if d in remaining else Fraction(0)) for d in self._dims}
        dim_w = tuple(dims[d] for d in self.dims)
        inner = tuple(within[i.dimension][i.key] for i in self.indicators)
        return Weights(
            dimensions=dim_w,
            within=inner,
            indicators=tuple(dim_w[d] * w for d, w in zip(self.dim_of, inner)),
            emptied=tuple(sum(within[d].values(), Fraction(0)) == 0 for d in self.dims),
            moved=tuple(moved),
        )

    # -- one row ----------------------------------------------------------------------------

    def exact_total(self, points: Sequence[Fraction], weights: Weights) -> Fraction:
        """The exact total: ``Σ_d W_d · Σ_{i∈d} w_i · p_i`` (missing points count as 0)."""
        dims = [Fraction(0)] * len(self.dims)
        for d, w, p in zip(self.dim_of, weights.within, points):
            dims[d] += w * p
        return sum((w * p for w, p in zip(weights.dimensions, dims)), Fraction(0))

    # -- many rows --------------------------------------------------------------------------

    def batch(
        self,
        raw: list[NDArray[np.float64]],
        present: list[NDArray[np.bool_] | None],
        subjects: Sequence[str | None],
        originals: list[Any],
        unchecked: Sequence[bool] = (),
        items: ItemColumns | None = None,
    ) -> BatchArrays:
        """Score checked columns: raw floats (any value where missing) and present masks.

        ``present[i]`` is None when indicator ``i`` has a value in every row (the fast path).
        Columns marked ``unchecked`` (float64 arrays read in place) are checked here, chunk by
        chunk, for finiteness and their domain (:func:`check_domain`).
        ``originals`` are the columns as given, read again only for the rows settled exactly,
        so that an input with more digits than a float keeps them. ``items`` holds the
        inputs of the card's veto and bonus or deduction items (:func:`item_columns`); they
        are applied to each row's weighted total before it is rounded (:class:`Plan`).
        """
        n = len(subjects)
        card = self.card
        plan = self.plan if self.plan.active and items is not None else None
        weighted = np.empty(n) if plan is not None else None
        applied_out = [np.empty(n) for _ in self.card.adjustments] if plan is not None else []
        masks = [m for m in present if m is not None]
        inverse: NDArray[np.intp] | None = None
        patterns: list[Weights] = [self.full]
        if self.redistribute and masks:
            code = np.zeros(n, dtype=np.int64)
            for bit, mask in enumerate(present):
                if mask is not None:
                    code |= (~mask).astype(np.int64) << bit
            codes, first, inverse = np.unique(code, return_index=True, return_inverse=True)
            patterns = [
                self.weights(
                    tuple(not (int(c) >> bit) & 1 for bit in range(len(self.indicators))),
                    subjects[int(row)],
                )
                for c, row in zip(codes.tolist(), first.tolist())
            ]
        within_rows: list[Any] = []
        for i in range(len(self.indicators)):
            if inverse is None:
                within_rows.append(float(patterns[0].within[i]))
            else:
                within_rows.append(np.array([float(w.within[i]) for w in patterns])[inverse])
        dim_rows: list[Any] = []
        for d in range(len(self.dims)):
            if inverse is None:
                dim_rows.append(float(patterns[0].dimensions[d]))
            else:
                dim_rows.append(np.array([float(w.dimensions[d]) for w in patterns])[inverse])
        members = [
            [i for i, dim in enumerate(self.dim_of) if dim == d] for d in range(len(self.dims))
        ]
        points = [np.empty(n) for _ in self.indicators]
        dimension_points = [np.empty(n) for _ in self.dims]
        unrounded = np.empty(n)
        totals = np.empty(n)
        band_keys = np.array([b.key for b in card.grade_scale.ordered], dtype=object)
        grades = np.empty(n, dtype=object)
        factor = 10.0**card.precision
        low, high = 0.5 - self.guard, 0.5 + self.guard
        found: list[NDArray[np.intp]] = []
        # Chunk by chunk, so that every temporary stays in the processor's cache.
        for start in range(0, n, _CHUNK):
            c = slice(start, min(start + _CHUNK, n))
            size = c.stop - c.start
            tmp = np.empty(size)

            def rows(value: Any) -> Any:
                return value if isinstance(value, float) else value[c]  # noqa: B023

            for i, ind in enumerate(self.indicators):
                mask = None if present[i] is None else present[i][c]  # type: ignore[index]
                if i < len(unchecked) and unchecked[i]:
                    check_domain(ind, raw[i][c], mask, subjects, offset=start)
                out = points[i][c]
                out[...] = ind._points_array(raw[i][c], subjects, mask, offset=start)
                if mask is not None:
                    np.copyto(out, 0.0, where=~mask)
            for d, inside in enumerate(members):
                acc = dimension_points[d][c]
                if not inside:
                    acc[...] = 0.0
                for k, i in enumerate(inside):
                    if k == 0:
                        np.multiply(points[i][c], rows(within_rows[i]), out=acc)
                    else:
                        np.multiply(points[i][c], rows(within_rows[i]), out=tmp)
                        acc += tmp
            total = unrounded[c]
            np.multiply(dimension_points[0][c], rows(dim_rows[0]), out=total)
            for d in range(1, len(self.dims)):
                np.multiply(dimension_points[d][c], rows(dim_rows[d]), out=tmp)
                total += tmp
            spread: Any = None
            if plan is not None:
                assert items is not None
                assert weighted is not None
                weighted[c] = total
                done = plan.apply_floats(
                    weighted[c], [e[c] for e in items.events], [f[c] for f in items.fired]
                )
                total[...] = done.total
                for out_applied, change in zip(applied_out, done.applied):
                    out_applied[c] = change
                # The float error of a total grows with the points the items moved.
                spread = 1e-12 * factor * plan.magnitude(done)
            # Round half up: floor(t + 1/2) with t the scaled total; find the near ties.
            scaled = np.multiply(total, factor, out=tmp)
            rounded = totals[c]
            np.floor(scaled, out=rounded)
            scaled -= rounded  # the fraction above the floor, in [0, 1)
            if spread is None:
                near = scaled > low
                near &= scaled < high
            else:
                near = np.abs(scaled - 0.5) < self.guard + spread
            if near.any():
                found.append(np.flatnonzero(near) + start)
            np.greater_equal(scaled, 0.5, out=near)
            rounded += near
            rounded /= factor
            grades[c] = band_keys[card.grade_scale._indices(rounded)]
        ties = np.concatenate(found) if found else np.zeros(0, dtype=np.intp)
        if len(ties) and plan is None:
            exact_totals, exact_unrounded = self._settle(
                ties, raw, present, subjects, originals, patterns, inverse
            )
            totals[ties] = exact_totals
            unrounded[ties] = exact_unrounded
            grades[ties] = band_keys[card.grade_scale._indices(exact_totals)]
        elif len(ties):
            assert items is not None
            assert weighted is not None
            sums, denominator, _bound, _wide = self._exact_sums(
                ties, raw, present, subjects, originals, patterns, inverse
            )
            for j, row in enumerate(ties.tolist()):
                weighted_total = Fraction(int(sums[j]), denominator)
                done = self._apply_exact(weighted_total, items, row)
                rounded_total = float(round_half_up(done.total, card.precision))
                totals[row] = rounded_total
                unrounded[row] = float(done.total)
                weighted[row] = float(weighted_total)
                for out_applied, change in zip(applied_out, done.applied):
                    out_applied[row] = float(change)
            grades[ties] = band_keys[card.grade_scale._indices(totals[ties])]
        positions: NDArray[np.intp] | None = None
        if plan is not None and any(cap is not None for cap in self.grade_caps):
            assert items is not None
            highest = np.full(n, len(band_keys) - 1, dtype=np.intp)
            for cap, fired in zip(self.grade_caps, items.fired):
                if cap is not None:
                    np.copyto(highest, np.minimum(highest, cap), where=fired)
            positions = np.minimum(card.grade_scale.indices(totals), highest)
            grades = band_keys[positions]
        weights: list[NDArray[np.float64]] = []
        for i in range(len(self.indicators)):
            if inverse is None:
                weights.append(np.broadcast_to(np.float64(patterns[0].indicators[i]), (n,)))
            else:
                table = np.array([float(w.indicators[i]) for w in patterns])
                weights.append(table[inverse])
        if self.redistribute:
            for out, mask in zip(points, present):
                if mask is not None:
                    np.copyto(out, np.nan, where=~mask)
            if inverse is not None:
                for d, dim_points in enumerate(dimension_points):
                    table = np.array([w.emptied[d] for w in patterns])
                    np.copyto(dim_points, np.nan, where=table[inverse])
        return BatchArrays(
            totals=totals,
            unrounded=unrounded,
            grades=grades,
            points=points,
            weights=weights,
            dimension_points=dimension_points,
            ties=ties,
            weighted=weighted,
            applied=applied_out,
            positions=positions,
        )

    def _apply_exact(self, total: Fraction, items: ItemColumns, row: int) -> Applied:
        """The card's items applied exactly to one row of a batch."""
        events: list[Fraction] = []
        for values, there, column in zip(items.events, items.present, items.exact):
            if not there[row]:
                events.append(Fraction(0))
                continue
            item = None if column is None else column[row]
            value = float(values[row])
            events.append(exact_value(item, value) if item is not None else exact(value))
        return self.plan.apply_exact(total, events, [bool(f[row]) for f in items.fired])

    # -- exact settlement of near ties -------------------------------------------------------

    def _settle(
        self,
        rows: NDArray[np.intp],
        raw: list[NDArray[np.float64]],
        present: list[NDArray[np.bool_] | None],
        subjects: Sequence[str | None],
        originals: list[Any],
        patterns: list[Weights],
        inverse: NDArray[np.intp] | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Exact rounded and unrounded totals of ``rows``, as :meth:`exact_total` gives them.

        Each indicator's exact points on those rows come as whole numbers over one
        denominator; the weights of the rows' patterns likewise; the total is then one sum of
        products of whole numbers, rounded half up by an integer division.
        """
        total, denominator, bound, wide = self._exact_sums(
            rows, raw, present, subjects, originals, patterns, inverse
        )
        scale = 10**self.card.precision
        rounded = (total * (2 * scale) + denominator) // (2 * denominator)
        if not wide and bound < 2**53 and denominator < 2**53 and scale < 2**53:
            # Whole numbers below 2^53 are exact floats, and one float division rounds
            # correctly: the same floats as Python's int / int.
            return rounded.astype(np.float64) / scale, total.astype(np.float64) / denominator
        exact_totals = np.array([int(r) / scale for r in rounded.tolist()])
        exact_unrounded = np.array([int(t) / denominator for t in total.tolist()])
        return exact_totals, exact_unrounded

    def _exact_sums(
        self,
        rows: NDArray[np.intp],
        raw: list[NDArray[np.float64]],
        present: list[NDArray[np.bool_] | None],
        subjects: Sequence[str | None],
        originals: list[Any],
        patterns: list[Weights],
        inverse: NDArray[np.intp] | None,
    ) -> tuple[Any, int, int, bool]:
        """The exact weighted totals of ``rows`` as whole numbers over one denominator.

        Returns:
            The numerators (int64, or Python integers when ``wide``), the denominator, a
            bound on the numerators' size, and whether they are Python integers.
        """
        scaled: list[tuple[Any, int]] = []
        for i, ind in enumerate(self.indicators):
            mask = None if present[i] is None else present[i][rows]  # type: ignore[index]
            scaled.append(_exact_points(ind, raw[i][rows], mask, rows, subjects, originals[i]))
        used = [0] if inverse is None else sorted(set(inverse[rows].tolist()))
        which = np.zeros(len(rows), dtype=np.intp) if inverse is None else inverse[rows]
        wden = 1
        for q in used:
            for w in patterns[q].indicators:
                wden = math.lcm(wden, w.denominator)
        common = 1
        for _, den in scaled:
            common = math.lcm(common, den)
        terms: list[tuple[Any, Any, int]] = []
        bound = 0
        for i, (num, den) in enumerate(scaled):
            table = [
                int(patterns[q].indicators[i] * wden) if q in used else 0
                for q in range(len(patterns))
            ]
            factor = common // den
            top = max(abs(t) for t in table) * _max_abs(num) * factor
            bound += top
            terms.append((table, num, factor))
        denominator = wden * common
        scale = 10**self.card.precision
        wide = bound * 2 * scale + denominator >= _INT64
        total: Any = None
        for table, num, factor in terms:
            if wide:
                weight = np.array(table, dtype=object)[which]
                term = weight * np.asarray(num).astype(object) * factor
            else:
                weight = np.array(table, dtype=np.int64)[which]
                term = weight * np.asarray(num, dtype=np.int64) * np.int64(factor)
            total = term if total is None else total + term
        return total, denominator, bound, wide


def _within(values: NDArray[np.float64], domain: ValueDomain) -> bool:
    """Whether every value is finite and inside ``domain``: two reductions, no masks."""
    if not len(values):
        return True
    low, high = float(values.min()), float(values.max())  # NaN if any value is NaN
    if not (math.isfinite(low) and math.isfinite(high)):
        return False
    if not domain.lower <= low or not high <= domain.upper:
        return False
    return not domain.whole or bool((values == np.floor(values)).all())


def check_domain(
    ind: Indicator,
    values: NDArray[np.float64],
    mask: NDArray[np.bool_] | None,
    subjects: Sequence[str | None],
    offset: int = 0,
) -> None:
    """Refuse the first value outside the indicator's domain, as :meth:`Indicator.check_raw`.

    Row ``j`` belongs to ``subjects[offset + j]``; a NaN or an infinity is refused as such.
    """
    domain = ind.value_domain
    if mask is None and _within(values, domain):
        return
    if mask is None:  # a NaN or an infinity first, in row order
        finite = np.isfinite(values)
        if not finite.all():
            row = int(np.argmin(finite))
            ind.check_raw(float(values[row]), subject=subjects[offset + row])
    if not domain.bounded:
        return
    ok: NDArray[np.bool_] | None = None
    if not math.isinf(domain.lower):
        ok = values >= domain.lower
    if not math.isinf(domain.upper):
        below = values <= domain.upper
        ok = below if ok is None else ok & below
    if domain.whole:
        whole = values == np.floor(values)
        ok = whole if ok is None else ok & whole
    if ok is None:
        return
    if mask is not None:
        ok |= ~mask
    if not ok.all():
        row = int(np.argmin(ok))
        ind.check_raw(float(values[row]), subject=subjects[offset + row])
        ind._domain_error(float(values[row]), subjects[offset + row])


def _max_abs(num: Any) -> int:
    values = np.asarray(num)
    if values.size == 0:
        return 0
    if values.dtype == object:
        return max(abs(int(v)) for v in values.tolist())
    return int(np.abs(values).max())


def _needs_own_digits(item: Any) -> bool:
    return isinstance(item, (Decimal, Fraction)) or (
        isinstance(item, numbers.Integral) and not isinstance(item, bool) and abs(int(item)) > 2**53
    )


def _originals_at(column: Any, rows: NDArray[np.intp]) -> list[Any] | None:
    """The items of ``column`` at ``rows`` when some carry more digits than a float, else None."""
    if column is None or (isinstance(column, np.ndarray) and column.dtype.kind in "fb"):
        return None
    if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
        items = column[rows].tolist()
    elif isinstance(column, (list, tuple)) or (
        isinstance(column, np.ndarray) and column.dtype == object
    ):
        items = [column[r] for r in rows.tolist()]
    elif hasattr(column, "iloc"):  # a pandas Series
        items = column.iloc[rows].tolist()
    else:
        try:
            items = [column[r] for r in rows.tolist()]
        except Exception:
            return None
    return items if any(_needs_own_digits(item) for item in items) else None


def _exact_points(
    ind: Any,
    values: NDArray[np.float64],
    mask: NDArray[np.bool_] | None,
    rows: NDArray[np.intp],
    subjects: Sequence[str | None],
    original: Any,
) -> tuple[Any, int]:
    """Exact points of ``ind`` at ``values`` as ``(numerators, denominator)``; 0 where missing."""
    values = np.where(mask, values, 0.0) if mask is not None else values
    items = _originals_at(original, rows)
    pieces = ind.scoring._linear_pieces()
    if items is None and pieces is not None:
        found = _decimals(values)
        if found is not None:
            return _linear(pieces, values, *found, mask)
    # Value by value, through the rule itself.
    exact_points: list[Fraction] = []
    cache: dict[Any, Fraction] = {}
    for j, value in enumerate(values.tolist()):
        if mask is not None and not mask[j]:
            exact_points.append(Fraction(0))
            continue
        item = items[j] if items is not None else value
        key = (type(item), item)
        if key not in cache:
            cache[key] = ind._rule_points(exact_input(item, value), item, subjects[int(rows[j])])
        exact_points.append(cache[key])
    den = 1
    for p in exact_points:
        den = math.lcm(den, p.denominator)
    nums = [p.numerator * (den // p.denominator) for p in exact_points]
    if max((abs(v) for v in nums), default=0) < _INT64:
        return np.array(nums, dtype=np.int64), den
    return np.array(nums, dtype=object), den


def _decimals(values: NDArray[np.float64]) -> tuple[NDArray[np.int64], int] | None:
    """Each float as ``m / 10^K`` at its shortest decimal, or None when one has too many digits.

    A float whose shortest decimal has at most 15 significant digits and at most
    :data:`_DECIMALS` decimals is the ``m / 10^k`` with the least ``k`` that reads back as the
    float (``m / 10^k == x`` in float division, which rounds correctly).
    """
    k = np.full(len(values), -1, dtype=np.int64)
    m = np.zeros(len(values))
    for places in range(_DECIMALS + 1):
        todo = k < 0
        if not todo.any():
            break
        factor = 10.0**places
        candidate = np.rint(values * factor)
        ok = todo & (np.abs(candidate) < 1e15) & (candidate / factor == values)
        k[ok] = places
        np.copyto(m, candidate, where=ok)
    if (k < 0).any():
        return None
    top = int(k.max()) if len(k) else 0
    if len(m) and float(np.abs(m).max()) * 10.0 ** (top - int(k.min())) >= 2**62:
        return None
    whole = m.astype(np.int64) * (10 ** (top - k))
    return whole, top


def _linear(
    pieces: Any,
    values: NDArray[np.float64],
    whole: NDArray[np.int64],
    places: int,
    mask: NDArray[np.bool_] | None,
) -> tuple[Any, int]:
    """Exact points ``a_j + b_j·x`` on the piece ``j`` of each value, ``x = whole / 10^places``."""
    segment = np.searchsorted(pieces.edges, values, side=pieces.side)
    den, a_whole, b_whole = pieces.whole
    power = 10**places
    a_num = [a * power for a in a_whole]
    b_num = list(b_whole)
    largest = int(np.abs(whole).max()) if len(whole) else 0
    if max(abs(v) for v in a_num) + max(abs(v) for v in b_num) * largest < _INT64:
        a_arr, b_arr = np.array(a_num, dtype=np.int64), np.array(b_num, dtype=np.int64)
        num: Any = a_arr[segment] + b_arr[segment] * whole
    else:
        a_obj, b_obj = np.array(a_num, dtype=object), np.array(b_num, dtype=object)
        num = a_obj[segment] + b_obj[segment] * whole.astype(object)
    if mask is not None:
        num = np.where(mask, num, 0)
    return num, den * power


def exact_row(
    kernel: Kernel, measurements: Mapping[str, Any], subject: str | None
) -> tuple[list[float | None], list[Fraction | None]]:
    """The checked floats and exact points of one row (None where a value is missing)."""
    floats: list[float | None] = []
    points: list[Fraction | None] = []
    for ind in kernel.indicators:
        raw = measurements.get(ind.metric)
        if raw is None:
            floats.append(None)
            points.append(None)
            continue
        value = ind.check_raw(raw, subject=subject)
        floats.append(value)
        points.append(ind._rule_points(exact_input(raw, value), raw, subject))
    return floats, points


# -- veto and bonus or deduction items --------------------------------------------------------


def _missing_item(
    kernel: Kernel, reader: Input, subject: str | None, also: Sequence[str] = ()
) -> None:
    """Raise for a missing input of a veto or an item under the card's policy."""
    who = f" for subject {subject!r}" if subject is not None else ""
    if kernel.redistribute:
        why = (
            "; a veto has no weight to redistribute and a missing value is never taken as "
            "no veto: give the value, or use missing='zero' to count it as fired"
        )
    else:
        why = " (missing policy error)"
    raise MissingMeasurementError(
        msg=f"no measurement {reader.metric!r}{who} for {reader.owner}{why}"
        + (f"; also missing: {', '.join(also)}" if also else ""),
        obj=f"Scorecard {kernel.card.key!r}",
        field=reader.metric,
        subject=subject,
        missing=[reader.metric, *also],
    )


def exact_items(kernel: Kernel, measurements: Mapping[str, Any], subject: str | None) -> ItemsRow:
    """The checked inputs of a card's vetoes and adjustments for one row, judged exactly.

    Raises:
        MeasurementError: For an input that is no finite real number (or a negative count).
        MissingMeasurementError: For a missing veto input under ``error`` or
            ``redistribute``, a missing count under ``error``.
    """
    plan = kernel.plan
    values: list[float | None] = []
    fired: list[bool] = []
    for veto, reader, threshold in zip(plan.vetoes, plan.veto_inputs, plan.thresholds):
        raw = measurements.get(veto.metric)
        if raw is None:
            if kernel.policy.value != "zero":
                _missing_item(kernel, reader, subject)
            values.append(None)
            fired.append(True)
            continue
        value = reader.check_raw(raw, subject=subject)
        values.append(value)
        fired.append(bool(_compare(veto.operator, exact_value(raw, value), threshold)))
    events: list[float | None] = []
    exact_events: list[Fraction] = []
    for item, reader in zip(plan.adjustments, plan.adjustment_inputs):
        raw = measurements.get(item.metric)
        if raw is None:
            if kernel.error:
                _missing_item(kernel, reader, subject)
            events.append(None)
            exact_events.append(Fraction(0))
            continue
        value = reader.check_raw(raw, subject=subject)
        events.append(value)
        exact_events.append(exact_value(raw, value))
    return ItemsRow(values=values, fired=fired, events=events, exact_events=exact_events)


def _compare(op: str, value: Any, threshold: Any) -> Any:
    from csperf.adjustments import OPERATORS

    return OPERATORS[op](value, threshold)


def item_columns(
    kernel: Kernel, columns: Mapping[str, Column], subjects: Sequence[str | None]
) -> ItemColumns:
    """The inputs of a card's vetoes and adjustments over a batch, judged.

    A veto's condition is compared in floats, which agree with the exact comparison for
    float inputs (both sides are floats, read at their shortest decimals); a column of
    Python objects or decimals (:attr:`Column.exact`) is compared exactly.

    Raises:
        MissingMeasurementError: As :func:`exact_items`, for the first row at fault.
    """
    plan = kernel.plan
    fired: list[NDArray[np.bool_]] = []
    for veto, reader, threshold in zip(plan.vetoes, plan.veto_inputs, plan.thresholds):
        column = columns[reader.key]
        there = column.present
        if not there.all() and kernel.policy.value != "zero":
            _missing_item(kernel, reader, subjects[int(np.argmin(there))])
        with np.errstate(invalid="ignore"):
            hit = np.asarray(_compare(veto.operator, column.values, float(threshold)))
        if column.exact is not None:
            for row in np.flatnonzero(there).tolist():
                item = column.exact[row]
                if item is not None:
                    value = exact_value(item, float(column.values[row]))
                    hit[row] = bool(_compare(veto.operator, value, threshold))
        hit = hit | ~there  # a missing value fires (policy zero)
        fired.append(hit)
    events: list[NDArray[np.float64]] = []
    present: list[NDArray[np.bool_]] = []
    exact_columns: list[Any] = []
    for reader in plan.adjustment_inputs:
        column = columns[reader.key]
        there = column.present
        if not there.all() and kernel.error:
            _missing_item(kernel, reader, subjects[int(np.argmin(there))])
        negative = there & (column.values < 0)
        if negative.any():
            row = int(np.argmax(negative))
            reader.check_raw(float(column.values[row]), subject=subjects[row])
        events.append(np.where(there, column.values, 0.0) if not there.all() else column.values)
        present.append(there)
        exact_columns.append(column.exact)
    return ItemColumns(fired=fired, events=events, present=present, exact=exact_columns)
