"""The analytic hierarchy process (AHP): weights from pairwise comparisons."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf._labels import label
from csperf._numbers import exact
from csperf.errors import InconsistentJudgementsError, WeightingError
from csperf.weights._common import check_choice, check_keys, normalised

__all__ = [
    "AHP_METHODS",
    "AHP_TOLERANCE",
    "RANDOM_INDEX",
    "AhpResult",
    "RandomIndexTable",
    "ahp",
]

AHP_TOLERANCE = 1e-9
r"""The relative tolerance of AHP's input checks.

A judgement or matrix cell :math:`a` is on Saaty's scale when
:math:`\tfrac19 (1 - 10^{-9}) \le a \le 9 (1 + 10^{-9})`; two values are reciprocal when
:math:`|a_{ij} a_{ji} - 1| \le 10^{-9}`, and a diagonal cell is 1 when
:math:`|a_{ii} - 1| \le 10^{-9}`. A float carries a relative error of about :math:`10^{-16}`,
so the float ``1/9`` (0.1111111111111111, just below the exact :math:`1/9`) is on the scale
and ``1/3`` is the reciprocal of 3, while 0.1, 9.01 or 0.333 are not. Exact inputs (integers,
fractions, texts such as ``"1/9"``) stay exact.
"""

AHP_METHODS = ("eigenvector", "geometric_mean")
"""The ways :func:`ahp` derives priorities from the matrix."""

_OBJ = "AHP"


def _ri_values(value: Any) -> FrozenDict[int, float]:
    if not isinstance(value, Mapping) or not value:
        raise WeightingError(
            msg="values must be a non-empty mapping of matrix size to random index",
            obj="RandomIndexTable",
            field="values",
            value=value,
        )
    result: dict[int, float] = {}
    for n, ri in sorted(value.items()):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise WeightingError(
                msg=f"matrix size {n!r} is not a whole number ≥ 1",
                obj="RandomIndexTable",
                field="values",
                value=n,
            )
        if isinstance(ri, bool) or not isinstance(ri, numbers.Real) or not math.isfinite(ri):
            raise WeightingError(
                msg=f"random index for n = {n} must be a finite number, got {ri!r}",
                obj="RandomIndexTable",
                field=("values", n),
                value=ri,
            )
        if (n >= 3 and ri <= 0) or ri < 0:
            raise WeightingError(
                msg=f"random index for n = {n} must be positive, got {ri!r}",
                obj="RandomIndexTable",
                field=("values", n),
                value=ri,
            )
        result[n] = float(ri)
    return FrozenDict(result)


@attrs.frozen
class RandomIndexTable:
    """Saaty's random index: the mean consistency index of random reciprocal matrices.

    The consistency ratio divides a matrix's consistency index by the random index for its size.
    Matrices of size 1 and 2 are always consistent; their random index is 0 and their
    consistency ratio is 0.

    Attributes:
        key: The table's name (``"saaty1980"``...).
        source: Where the numbers come from.
        values: Matrix size → random index. Sizes 1 and 2 need not be listed.

    Examples:
        >>> RANDOM_INDEX["saaty1980"].index(4)
        0.9
    """

    key: str
    source: str
    values: FrozenDict[int, float] = attrs.field(converter=_ri_values)

    @property
    def max_size(self) -> int:
        """The largest matrix size the table covers."""
        return max(max(self.values), 2)

    def covers(self, n: int) -> bool:
        """Whether the table gives the random index of an ``n`` × ``n`` matrix."""
        return n <= 2 or n in self.values

    def index(self, n: int) -> float:
        """The random index for an ``n`` × ``n`` matrix (0 for ``n`` ≤ 2).

        Raises:
            WeightingError: When the table does not cover ``n``.
        """
        if n <= 2:
            return 0.0
        if n not in self.values:
            raise WeightingError(
                msg=f"the random index table {self.key!r} covers matrices up to "
                f"{self.max_size} × {self.max_size}, not {n} × {n}; choose another table "
                f"({', '.join(RANDOM_INDEX)}) or give your own",
                obj=_OBJ,
                field="ri",
                value=n,
            )
        return self.values[n]


RANDOM_INDEX: FrozenDict[str, RandomIndexTable] = FrozenDict(
    {
        table.key: table
        for table in (
            RandomIndexTable(
                "saaty1980",
                "Saaty, T. L. (1980). The Analytic Hierarchy Process. New York: McGraw-Hill "
                "(random index for n = 1 to 10).",
                {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49},
            ),
            RandomIndexTable(
                "saaty2005",
                "Saaty, T. L. (2005). Theory and Applications of the Analytic Network Process. "
                "Pittsburgh: RWS Publications, p. 31 (random index for n = 1 to 15, from "
                "larger simulations than the 1980 table).",
                {
                    3: 0.52,
                    4: 0.89,
                    5: 1.11,
                    6: 1.25,
                    7: 1.35,
                    8: 1.40,
                    9: 1.45,
                    10: 1.49,
                    11: 1.52,
                    12: 1.54,
                    13: 1.56,
                    14: 1.58,
                    15: 1.59,
                },
            ),
            RandomIndexTable(
                "tummala_ling1998",
                "Tummala, V. M. R. & Ling, H. (1998). A note on the computation of the mean "
                "random consistency index of the analytic hierarchy process (AHP). Theory and "
                "Decision 44(3), 221-230 (mean random consistency index for n = 3 to 15; the "
                "values as reproduced by the pymcdm library).",
                {
                    3: 0.5799,
                    4: 0.8921,
                    5: 1.1159,
                    6: 1.2358,
                    7: 1.3322,
                    8: 1.3952,
                    9: 1.4537,
                    10: 1.4882,
                    11: 1.5117,
                    12: 1.5356,
                    13: 1.5571,
                    14: 1.5714,
                    15: 1.5831,
                },
            ),
            RandomIndexTable(
                "alonso_lamata2006",
                "Alonso, J. A. & Lamata, M. T. (2006). Consistency in the analytic hierarchy "
                "process: a new approach. International Journal of Uncertainty, Fuzziness and "
                "Knowledge-Based Systems 14(4), 445-459 (their simulated random index for n = 3 "
                "to 15, as public AHP code reproduces their table, not their regression "
                "line).",
                {
                    3: 0.5247,
                    4: 0.8816,
                    5: 1.1086,
                    6: 1.2479,
                    7: 1.3417,
                    8: 1.4057,
                    9: 1.4499,
                    10: 1.4854,
                    11: 1.5140,
                    12: 1.5365,
                    13: 1.5551,
                    14: 1.5713,
                    15: 1.5838,
                },
            ),
        )
    }
)
"""The built-in random index tables by name (see :class:`RandomIndexTable`)."""


def _table(ri: Any) -> RandomIndexTable:
    if isinstance(ri, RandomIndexTable):
        return ri
    if isinstance(ri, str):
        if ri not in RANDOM_INDEX:
            raise WeightingError(
                msg=f"unknown random index table {ri!r} (known: {', '.join(RANDOM_INDEX)})",
                obj=_OBJ,
                field="ri",
                value=ri,
            )
        return RANDOM_INDEX[ri]
    if isinstance(ri, Mapping):
        return RandomIndexTable("custom", "given by the caller", dict(ri))
    raise WeightingError(
        msg="ri must be a table name, a RandomIndexTable or a mapping of size to index, "
        f"got {type(ri).__name__}",
        obj=_OBJ,
        field="ri",
        value=ri,
    )


def _number(value: Any, field: str) -> Fraction:
    """A judgement or matrix cell as an exact fraction: a real number or a text like ``"1/3"``."""
    if isinstance(value, str):
        try:
            result = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise WeightingError(
                msg=f"{field} = {value!r} is not a number (write e.g. 3, 0.5 or '1/3')",
                obj=_OBJ,
                field=field,
                value=value,
            ) from None
    elif isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise WeightingError(
            msg=f"{field} must be a number, got {type(value).__name__} {value!r}",
            obj=_OBJ,
            field=field,
            value=value,
        )
    else:
        if isinstance(value, float) and not math.isfinite(value):
            raise WeightingError(
                msg=f"{field} must be a finite number, got {value!r}",
                obj=_OBJ,
                field=field,
                value=value,
            )
        result = value if isinstance(value, Fraction) else exact(value)  # type: ignore[arg-type]
    if result <= 0:
        raise WeightingError(
            msg=f"{field} = {value!r} must be positive", obj=_OBJ, field=field, value=value
        )
    return result


def _pair(key: Any) -> tuple[str, str]:
    if isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key):
        return key[0].strip(), key[1].strip()
    if isinstance(key, str) and key.count("/") == 1:
        a, b = key.split("/")
        return a.strip(), b.strip()
    raise WeightingError(
        msg=f"judgement key {key!r} must be a pair (a, b) or a text 'a/b'",
        obj=_OBJ,
        field="judgements",
        value=key,
    )


_SCALE_LOW = Fraction(1, 9) * (1 - Fraction(AHP_TOLERANCE))
_SCALE_HIGH = 9 * (1 + Fraction(AHP_TOLERANCE))


def _on_scale(value: Fraction) -> bool:
    return _SCALE_LOW <= value <= _SCALE_HIGH


def _agree(one: Fraction, other: Fraction) -> bool:
    """Whether ``one`` and ``1 / other`` are the same judgement within the tolerance."""
    return abs(one * other - 1) <= AHP_TOLERANCE


Cells = list[list[Fraction | None]]


def _from_judgements(
    judgements: Mapping[Any, Any], keys: Iterable[str] | None
) -> tuple[tuple[str, ...], Cells]:
    pairs: dict[tuple[str, str], tuple[Fraction, Any]] = {}
    order: list[str] = []
    for raw_key, raw_value in judgements.items():
        a, b = _pair(raw_key)
        where = f"judgements[{a}/{b}]"
        field = ("judgements", a, b)
        if a == b:
            raise WeightingError(
                msg=f"{where} compares {a!r} with itself", obj=_OBJ, field=field, value=raw_key
            )
        value = _number(raw_value, where)
        if not _on_scale(value):
            raise WeightingError(
                msg=f"{where} = {raw_value!r} is off Saaty's scale (1/9 to 9)",
                obj=_OBJ,
                field=field,
                value=raw_value,
            )
        for known, implied in (((a, b), value), ((b, a), 1 / value)):
            if known in pairs:
                given, raw_given = pairs[known]
                if not _agree(given, 1 / implied):
                    means = "" if known == (a, b) else f", which means {a}/{b} = {_text(1 / given)}"
                    raise WeightingError(
                        msg=f"the pair {a}/{b} is judged twice and the two disagree: "
                        f"{a}/{b} = {raw_value!r}, but {known[0]}/{known[1]} = {raw_given!r}"
                        f"{means} (give each pair once, or reciprocal values both ways)",
                        obj=_OBJ,
                        field=field,
                        value=raw_value,
                    )
                break
        else:
            pairs[(a, b)] = (value, raw_value)
        order.extend(k for k in (a, b) if k not in order)
    names = check_keys(order if keys is None else keys, _OBJ)
    unknown = [k for k in order if k not in names]
    if unknown:
        raise WeightingError(
            msg=f"judgements name {', '.join(map(repr, unknown))}, which are not among the "
            f"keys {', '.join(names)}",
            obj=_OBJ,
            field="judgements",
            value=unknown,
        )
    n = len(names)
    matrix: Cells = [[Fraction(1) if i == j else None for j in range(n)] for i in range(n)]
    for (a, b), (value, _) in pairs.items():
        i, j = names.index(a), names.index(b)
        matrix[i][j], matrix[j][i] = value, 1 / value
    _check_connected(names, matrix)
    return names, matrix


def _text(value: Fraction) -> str:
    return str(value) if value.denominator < 100 else f"{float(value):.6g}"


def _check_connected(names: tuple[str, ...], matrix: Cells) -> None:
    """Every key must be linked to every other by a chain of judgements."""
    n = len(names)
    reached = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j in range(n):
            if matrix[i][j] is not None and j not in reached:
                reached.add(j)
                frontier.append(j)
    if len(reached) < n:
        apart = [names[j] for j in range(n) if j not in reached]
        linked = [names[j] for j in sorted(reached)]
        raise WeightingError(
            msg=f"no judgement links {', '.join(apart)} to {', '.join(linked)}, directly or "
            "through other keys, so their weights relative to the others are unknown (judge "
            "at least one pair across)",
            obj=_OBJ,
            field="judgements",
            value=apart,
        )


def _from_matrix(matrix: Any, keys: Any) -> tuple[tuple[str, ...], Cells]:
    if keys is None:
        raise WeightingError(
            msg="a matrix needs its keys (the order of its rows and columns)",
            obj=_OBJ,
            field="keys",
        )
    names = check_keys(keys, _OBJ)
    n = len(names)
    rows = _rows(matrix)
    if len(rows) != n or any(len(row) != n for row in rows):
        shape = f"{len(rows)} rows of lengths {[len(r) for r in rows]}"
        raise WeightingError(
            msg=f"the matrix must be square, {n} × {n} for the keys {', '.join(names)}; "
            f"got {shape}",
            obj=_OBJ,
            field="matrix",
            value=shape,
        )
    cells = [[_number(rows[i][j], f"matrix[{i}][{j}]") for j in range(n)] for i in range(n)]
    for i in range(n):
        if abs(cells[i][i] - 1) > AHP_TOLERANCE:
            raise WeightingError(
                msg=f"the diagonal must be 1, but matrix[{i}][{i}] ({names[i]} over itself) is "
                f"{rows[i][i]!r}",
                obj=_OBJ,
                field=("matrix", i, i),
                value=rows[i][i],
            )
        cells[i][i] = Fraction(1)
    for i in range(n):
        for j in range(n):
            if i != j and not _on_scale(cells[i][j]):
                raise WeightingError(
                    msg=f"matrix[{i}][{j}] ({names[i]} over {names[j]}) = {rows[i][j]!r} is "
                    "off Saaty's scale (1/9 to 9)",
                    obj=_OBJ,
                    field=("matrix", i, j),
                    value=rows[i][j],
                )
    for i in range(n):
        for j in range(i + 1, n):
            if not _agree(cells[i][j], cells[j][i]):
                raise WeightingError(
                    msg=f"the matrix is not reciprocal at matrix[{j}][{i}] ({names[j]} over "
                    f"{names[i]}) = {rows[j][i]!r}: it must be 1/matrix[{i}][{j}] = "
                    f"1/{rows[i][j]!r}",
                    obj=_OBJ,
                    field=("matrix", j, i),
                    value=rows[j][i],
                )
    return names, [list[Fraction | None](row) for row in cells]


def _rows(matrix: Any) -> list[list[Any]]:
    if isinstance(matrix, np.ndarray):
        return [list(row) for row in matrix.tolist()] if matrix.ndim == 2 else [[]]
    if isinstance(matrix, (str, bytes)) or not isinstance(matrix, Sequence):
        raise WeightingError(
            msg=f"the matrix must be a sequence of rows, got {type(matrix).__name__}",
            obj=_OBJ,
            field="matrix",
            value=matrix,
        )
    rows = []
    for i, row in enumerate(matrix):
        if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)):
            raise WeightingError(
                msg=f"matrix row {i} must be a sequence of numbers, got {row!r}",
                obj=_OBJ,
                field=("matrix", i),
                value=row,
            )
        rows.append(list(row))
    return rows


@attrs.frozen
class AhpResult(CanonicalForm):
    r"""Weights from a pairwise comparison matrix, with their consistency.

    Attributes:
        keys: The keys compared, in the order of the matrix's rows.
        matrix: The reciprocal comparison matrix used: ``matrix[i][j]`` says how many times
            ``keys[i]`` matters more than ``keys[j]``. A pair that was not judged (see
            ``filled``) holds the ratio of the weights, :math:`w_i / w_j`.
        weights: Key → weight, scaled to sum to 1: the principal eigenvector, or the
            normalised row geometric mean (see ``method``).
        lambda_max: The principal eigenvalue :math:`\lambda_{\max}` (≥ n) of ``matrix``.
        consistency_index: :math:`CI = (\lambda_{\max} - n) / (n - 1)` (0 for n = 1).
        random_index: The random index :math:`RI` for n (0 for n ≤ 2), or None when the table
            does not cover n and no ``max_cr`` asked for it.
        consistency_ratio: :math:`CR = CI / RI` (0 for n ≤ 2), or None with ``random_index``.
        ri: The name of the random index table used (``"custom"`` for one given as a mapping).
        most_inconsistent: The pair ``(a, b)`` whose judgement departs most from the weights'
            ratio :math:`w_a / w_b`, or None when the judgements are consistent.
        method: How the weights were derived: ``"eigenvector"`` or ``"geometric_mean"``.
        filled: The pairs ``(a, b)`` (in key order) that were not judged and were filled from
            the other judgements; empty for a complete set.
    """

    keys: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    weights: FrozenDict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float | None
    consistency_ratio: float | None
    ri: str
    most_inconsistent: tuple[str, str] | None
    method: str = "eigenvector"
    filled: tuple[tuple[str, str], ...] = ()

    def summary(self, lang: str | None = None) -> str:
        """One line: λmax, CI and CR with the random index used (and the pairs filled).

        Args:
            lang: The language of the words (``"en"``, ``"zh"``); None for English.
        """
        n = len(self.keys)
        method = "" if self.method == "eigenvector" else label("weights.ahp.geometric", lang)
        filled = (
            label(
                "weights.ahp.filled",
                lang,
                n=len(self.filled),
                pairs=", ".join(f"{a}/{b}" for a, b in self.filled),
            )
            if self.filled
            else ""
        )
        if n <= 2:
            return label("weights.ahp.small", lang, n=n, method=method, filled=filled)
        common = {
            "lambda_max": f"{self.lambda_max:.4f}",
            "ci": f"{self.consistency_index:.4f}",
            "ri": self.ri,
            "n": n,
            "method": method,
            "filled": filled,
        }
        if self.consistency_ratio is None:
            return label("weights.ahp.no_ri", lang, **common)
        return label(
            "weights.ahp.summary",
            lang,
            cr=f"{self.consistency_ratio:.4f}",
            ri_value=f"{self.random_index:g}",
            **common,
        )


_EIGEN_NOISE = 1e-12
"""Relative distance from n below which lambda_max is taken as exactly n."""


def _principal(matrix: np.ndarray) -> tuple[list[float], float]:
    """The principal eigenvector (scaled to sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(matrix)
    index = int(np.argmax(values.real))
    vector = np.abs(vectors[:, index].real)
    return normalised([float(v) for v in vector]), float(values[index].real)


def _harker(cells: Cells) -> list[float]:
    r"""Harker's (1987) eigenvector of an incomplete matrix.

    :math:`c_{ij} = a_{ij}` where judged, 0 where not, and :math:`c_{ii} = 1 + m_i` with
    :math:`m_i` the number of pairs missing in row :math:`i`.
    """
    n = len(cells)
    c = np.zeros((n, n))
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            if i != j and cell is not None:
                c[i][j] = float(cell)
        c[i][i] = 1 + sum(1 for j, cell in enumerate(row) if cell is None)
    return _principal(c)[0]


def _geometric_mean(cells: Cells) -> list[float]:
    r"""Row geometric means, normalised (logarithmic least squares for an incomplete matrix).

    For an incomplete matrix, :math:`L y = r` with :math:`L` the judgement graph's Laplacian,
    :math:`r_i = \sum_{j \text{ judged}} \ln a_{ij}` and :math:`w = e^y`.
    """
    n = len(cells)
    laplacian = np.zeros((n, n))
    logs = np.zeros(n)
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            if i != j and cell is not None:
                laplacian[i][j] = -1
                laplacian[i][i] += 1
                logs[i] += math.log(cell)
    if all(cell is not None for row in cells for cell in row):
        y = [float(v) / n for v in logs]  # the row geometric mean, ln w_i = (1/n) sum ln a_ij
    else:
        y = [float(v) for v in np.linalg.lstsq(laplacian, logs, rcond=None)[0]]
    top = max(y)
    return normalised([math.exp(v - top) for v in y])


def ahp(
    matrix_or_judgements: Any,
    keys: Iterable[str] | None = None,
    max_cr: float | None = 0.10,
    ri: str | RandomIndexTable | Mapping[int, float] = "saaty1980",
    method: str = "eigenvector",
) -> AhpResult:
    r"""Weights from pairwise comparisons by Saaty's eigenvector method or the geometric mean.

    The reciprocal matrix :math:`A` (with :math:`a_{ij}` how many times key :math:`i` matters
    more than key :math:`j`, :math:`a_{ji} = 1/a_{ij}`, :math:`a_{ii} = 1`) has a principal
    eigenvalue :math:`\lambda_{\max} \ge n`; with ``method="eigenvector"`` its eigenvector,
    scaled to sum to 1, gives the weights. With ``method="geometric_mean"`` the weights are
    the row geometric means, scaled to sum to 1 (Crawford & Williams 1985):

    .. math::

        w_i = \frac{\left(\prod_j a_{ij}\right)^{1/n}}{\sum_k \left(\prod_j a_{kj}\right)^{1/n}}

    The judgements' consistency is measured, for either method, by Saaty's

    .. math::

        CI = \frac{\lambda_{\max} - n}{n - 1}, \qquad CR = \frac{CI}{RI_n}

    with :math:`\lambda_{\max}` the principal eigenvalue of :math:`A` and :math:`RI_n` the
    random index for size :math:`n` from the chosen table (:data:`RANDOM_INDEX`). A
    consistency ratio above ``max_cr`` (Saaty's rule: 0.10) means the judgements contradict
    each other too much to be used.

    Judgements may leave pairs out, as long as every key is linked to every other by a chain
    of judged pairs. With the eigenvector, the missing pairs are filled by Harker's (1987)
    method: the weights are the principal eigenvector of :math:`C`, with :math:`c_{ij} =
    a_{ij}` where judged, :math:`c_{ij} = 0` where not and :math:`c_{ii} = 1 + m_i`,
    :math:`m_i` the number of pairs missing in row :math:`i`; with the geometric mean, by
    logarithmic least squares over the judged pairs. Either way a missing :math:`a_{ij}` is
    then :math:`w_i / w_j`, and :attr:`AhpResult.filled` lists those pairs.

    Judgements and matrix cells must be on Saaty's scale, 1/9 to 9, within the relative
    tolerance :data:`AHP_TOLERANCE` (so the float ``1/9`` is accepted).

    Args:
        matrix_or_judgements: Either the square matrix (rows of numbers; a cell may also be a
            text such as ``"1/3"``), or judgements ``{(a, b): value}`` (or ``{"a/b": value}``)
            on Saaty's 1–9 scale, meaning *a* matters ``value`` times as much as *b*; the
            reciprocal is implied, and a pair given both ways must agree within
            :data:`AHP_TOLERANCE`.
        keys: The keys in matrix order. Required for a matrix; for judgements it defaults to
            the keys in order of first appearance.
        max_cr: The largest accepted consistency ratio, or None to accept any (then no random
            index is needed: CR is None when the table does not cover the size).
        ri: The random index table: a name from :data:`RANDOM_INDEX`, a
            :class:`RandomIndexTable`, or a mapping of matrix size to random index.
        method: ``"eigenvector"`` (Saaty's, the default) or ``"geometric_mean"``.

    Returns:
        An :class:`AhpResult`.

    Raises:
        WeightingError: When the matrix is not square, positive, reciprocal with a unit
            diagonal or on Saaty's scale (the message names the cell), a judgement is off the
            scale or given both ways with values that disagree, the judgements leave keys
            unconnected, or the random index table does not cover the size while ``max_cr``
            needs it.
        InconsistentJudgementsError: When the consistency ratio exceeds ``max_cr``; it carries
            ``consistency_ratio``, ``max_cr`` and the most inconsistent ``pair``.

    Examples:
        >>> result = ahp({("quality", "speed"): 2, ("quality", "skill"): 4,
        ...               ("speed", "skill"): 2})
        >>> {k: round(w, 4) for k, w in result.weights.items()}
        {'quality': 0.5714, 'speed': 0.2857, 'skill': 0.1429}
        >>> round(result.consistency_ratio, 6)
        0.0
        >>> partial = ahp({("quality", "speed"): 2, ("speed", "skill"): 2})
        >>> partial.filled
        (('quality', 'skill'),)
        >>> {k: round(w, 4) for k, w in partial.weights.items()}
        {'quality': 0.5714, 'speed': 0.2857, 'skill': 0.1429}
    """
    table = _table(ri)
    if max_cr is not None and (
        isinstance(max_cr, bool) or not isinstance(max_cr, numbers.Real) or not max_cr >= 0
    ):
        raise WeightingError(
            msg=f"max_cr must be a non-negative number or None, got {max_cr!r}",
            obj=_OBJ,
            field="max_cr",
            value=max_cr,
        )
    check_choice(method, AHP_METHODS, obj=_OBJ, field="method")
    if isinstance(matrix_or_judgements, Mapping):
        names, cells = _from_judgements(matrix_or_judgements, keys)
    else:
        names, cells = _from_matrix(matrix_or_judgements, keys)
    n = len(names)
    random_index = table.index(n) if max_cr is not None or table.covers(n) else None
    complete = all(cell is not None for row in cells for cell in row)
    if n == 1:
        weights = [1.0]
    elif method == "geometric_mean":
        weights = _geometric_mean(cells)
    elif complete:
        weights, lambda_max = _principal(np.array([[float(c) for c in row] for row in cells]))  # type: ignore[arg-type]
    else:
        weights = _harker(cells)
    filled = tuple(
        (names[i], names[j]) for i in range(n) for j in range(i + 1, n) if cells[i][j] is None
    )
    floats = np.array(
        [
            [weights[i] / weights[j] if cell is None else float(cell) for j, cell in enumerate(row)]
            for i, row in enumerate(cells)
        ]
    )
    if n == 1:
        lambda_max = 1.0
    elif method == "geometric_mean" or not complete:
        lambda_max = _principal(floats)[1]
    # lambda_max >= n in exact arithmetic, with equality for a consistent matrix; the
    # eigensolver's rounding noise (a few ulps either side of n) is reported as n.
    if lambda_max - n <= _EIGEN_NOISE * n:
        lambda_max = float(n)
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = None if random_index is None else ci / random_index if n > 2 else 0.0
    pair = _most_inconsistent(names, floats, weights)
    result = AhpResult(
        keys=names,
        matrix=tuple(tuple(float(c) for c in row) for row in floats),
        weights=FrozenDict(dict(zip(names, weights))),
        lambda_max=lambda_max,
        consistency_index=ci,
        random_index=random_index,
        consistency_ratio=cr,
        ri=table.key,
        most_inconsistent=pair,
        method=method,
        filled=filled,
    )
    if max_cr is not None and cr is not None and cr > max_cr:
        worst = ""
        if pair is not None:
            i, j = names.index(pair[0]), names.index(pair[1])
            worst = (
                f"; the most inconsistent judgement is {pair[0]} over {pair[1]}: "
                f"{floats[i][j]:.4g} given, the weights imply {weights[i] / weights[j]:.4g}"
            )
        raise InconsistentJudgementsError(
            msg=f"consistency ratio {cr:.4f} exceeds the accepted {float(max_cr):g} "
            f"({result.summary()}){worst}",
            obj=_OBJ,
            field="judgements",
            value=cr,
            consistency_ratio=cr,
            max_cr=float(max_cr),
            pair=pair,
            lambda_max=lambda_max,
            keys=names,
        )
    return result


def _most_inconsistent(
    names: tuple[str, ...], matrix: np.ndarray, weights: Sequence[float]
) -> tuple[str, str] | None:
    r"""The pair :math:`(a, b)` with the largest :math:`\varepsilon_{ab} = a_{ab} w_b / w_a`.

    :math:`\varepsilon_{ab} > 1` means *a* was judged more important over *b* than the weights
    support (Saaty 2003). Ties go to the alphabetically first pair, so the answer does not
    depend on the order of the keys. None when every :math:`\varepsilon` is 1 within 1e-9.
    """
    best: tuple[float, str, str] | None = None
    n = len(names)
    for i in range(n):
        for j in range(n):
            if i == j or weights[i] <= 0 or weights[j] <= 0:
                continue
            deviation = math.log(matrix[i][j] * weights[j] / weights[i])
            if deviation <= 1e-9:
                continue
            candidate = (-round(deviation, 12), names[i], names[j])
            if best is None or candidate < best:
                best = candidate
    return None if best is None else (best[1], best[2])
