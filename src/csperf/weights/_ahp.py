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
from csperf._numbers import exact
from csperf.errors import InconsistentJudgementsError, WeightingError
from csperf.weights._common import check_keys, normalised

__all__ = ["RANDOM_INDEX", "AhpResult", "RandomIndexTable", "ahp"]

RECIPROCAL_TOLERANCE = 1e-9
"""How far ``a_ij * a_ji`` may be from 1 (and ``a_ii`` from 1) in a matrix given as is."""

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


def _from_judgements(
    judgements: Mapping[Any, Any], keys: Iterable[str] | None
) -> tuple[tuple[str, ...], list[list[Fraction]]]:
    pairs: dict[tuple[str, str], Fraction] = {}
    order: list[str] = []
    for raw_key, raw_value in judgements.items():
        a, b = _pair(raw_key)
        where = f"judgements[{a}/{b}]"
        if a == b:
            raise WeightingError(
                msg=f"{where} compares {a!r} with itself", obj=_OBJ, field=where, value=raw_key
            )
        if (a, b) in pairs or (b, a) in pairs:
            raise WeightingError(
                msg=f"the pair {a}/{b} is judged twice (give each pair once)",
                obj=_OBJ,
                field=where,
                value=raw_key,
            )
        value = _number(raw_value, where)
        if not Fraction(1, 9) <= value <= 9:
            raise WeightingError(
                msg=f"{where} = {raw_value!r} is off Saaty's scale (1/9 to 9)",
                obj=_OBJ,
                field=where,
                value=raw_value,
            )
        pairs[(a, b)] = value
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
    matrix = [[Fraction(1)] * n for _ in range(n)]
    missing: list[str] = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = names[i], names[j]
            if (a, b) in pairs:
                matrix[i][j] = pairs[(a, b)]
            elif (b, a) in pairs:
                matrix[i][j] = 1 / pairs[(b, a)]
            else:
                missing.append(f"{a}/{b}")
                continue
            matrix[j][i] = 1 / matrix[i][j]
    if missing:
        raise WeightingError(
            msg=f"no judgement for the pair(s) {', '.join(missing)} (every pair of "
            f"{', '.join(names)} needs one)",
            obj=_OBJ,
            field="judgements",
            value=missing,
        )
    return names, matrix


def _from_matrix(matrix: Any, keys: Any) -> tuple[tuple[str, ...], list[list[Fraction]]]:
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
        if abs(cells[i][i] - 1) > RECIPROCAL_TOLERANCE:
            raise WeightingError(
                msg=f"the diagonal must be 1, but matrix[{i}][{i}] ({names[i]} over itself) is "
                f"{rows[i][i]!r}",
                obj=_OBJ,
                field=("matrix", i, i),
                value=rows[i][i],
            )
        cells[i][i] = Fraction(1)
    for i in range(n):
        for j in range(i + 1, n):
            if abs(cells[i][j] * cells[j][i] - 1) > RECIPROCAL_TOLERANCE:
                raise WeightingError(
                    msg=f"the matrix is not reciprocal at matrix[{j}][{i}] ({names[j]} over "
                    f"{names[i]}) = {rows[j][i]!r}: it must be 1/matrix[{i}][{j}] = "
                    f"1/{rows[i][j]!r}",
                    obj=_OBJ,
                    field=("matrix", j, i),
                    value=rows[j][i],
                )
    return names, cells


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
            ``keys[i]`` matters more than ``keys[j]``.
        weights: Key → weight: the principal eigenvector, scaled to sum to 1.
        lambda_max: The principal eigenvalue :math:`\lambda_{\max}` (≥ n).
        consistency_index: :math:`CI = (\lambda_{\max} - n) / (n - 1)` (0 for n = 1).
        random_index: The random index :math:`RI` for n (0 for n ≤ 2).
        consistency_ratio: :math:`CR = CI / RI` (0 for n ≤ 2).
        ri: The name of the random index table used (``"custom"`` for one given as a mapping).
        most_inconsistent: The pair ``(a, b)`` whose judgement departs most from the weights'
            ratio :math:`w_a / w_b`, or None when the judgements are consistent.
    """

    keys: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    weights: FrozenDict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    ri: str
    most_inconsistent: tuple[str, str] | None

    def summary(self) -> str:
        """One line: λmax, CI and CR with the random index used."""
        n = len(self.keys)
        if n <= 2:
            return f"n = {n}, consistent by construction"
        return (
            f"λmax = {self.lambda_max:.4f}, CI = {self.consistency_index:.4f}, "
            f"CR = {self.consistency_ratio:.4f} (RI = {self.random_index:g} for n = {n}, "
            f"{self.ri})"
        )


_EIGEN_NOISE = 1e-12
"""Relative distance from n below which lambda_max is taken as exactly n."""


def _principal(matrix: np.ndarray) -> tuple[list[float], float]:
    """The principal eigenvector (scaled to sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(matrix)
    index = int(np.argmax(values.real))
    vector = np.abs(vectors[:, index].real)
    return normalised([float(v) for v in vector]), float(values[index].real)


def ahp(
    matrix_or_judgements: Any,
    keys: Iterable[str] | None = None,
    max_cr: float | None = 0.10,
    ri: str | RandomIndexTable | Mapping[int, float] = "saaty1980",
) -> AhpResult:
    r"""Weights from pairwise comparisons by Saaty's eigenvector method.

    The reciprocal matrix :math:`A` (with :math:`a_{ij}` how many times key :math:`i` matters
    more than key :math:`j`, :math:`a_{ji} = 1/a_{ij}`, :math:`a_{ii} = 1`) has a principal
    eigenvalue :math:`\lambda_{\max} \ge n`; its eigenvector, scaled to sum to 1, gives the
    weights. The judgements' consistency is measured by

    .. math::

        CI = \frac{\lambda_{\max} - n}{n - 1}, \qquad CR = \frac{CI}{RI_n}

    where :math:`RI_n` is the random index for size :math:`n` from the chosen table
    (:data:`RANDOM_INDEX`). A consistency ratio above ``max_cr`` (Saaty's rule: 0.10) means the
    judgements contradict each other too much to be used.

    Args:
        matrix_or_judgements: Either the square matrix (rows of numbers; a cell may also be a
            text such as ``"1/3"``), or judgements ``{(a, b): value}`` (or ``{"a/b": value}``)
            on Saaty's 1–9 scale, meaning *a* matters ``value`` times as much as *b*; each pair
            is judged once, its reciprocal is implied.
        keys: The keys in matrix order. Required for a matrix; for judgements it defaults to
            the keys in order of first appearance.
        max_cr: The largest accepted consistency ratio, or None to accept any.
        ri: The random index table: a name from :data:`RANDOM_INDEX`, a
            :class:`RandomIndexTable`, or a mapping of matrix size to random index.

    Returns:
        An :class:`AhpResult`.

    Raises:
        WeightingError: When the matrix is not square, positive, reciprocal with a unit
            diagonal (the message names the cell), a judgement is missing, repeated or off the
            1–9 scale, or the random index table does not cover the size.
        InconsistentJudgementsError: When the consistency ratio exceeds ``max_cr``; it carries
            ``consistency_ratio``, ``max_cr`` and the most inconsistent ``pair``.

    Examples:
        >>> result = ahp({("quality", "speed"): 2, ("quality", "skill"): 4,
        ...               ("speed", "skill"): 2})
        >>> {k: round(w, 4) for k, w in result.weights.items()}
        {'quality': 0.5714, 'speed': 0.2857, 'skill': 0.1429}
        >>> round(result.consistency_ratio, 6)
        0.0
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
    if isinstance(matrix_or_judgements, Mapping):
        names, cells = _from_judgements(matrix_or_judgements, keys)
    else:
        names, cells = _from_matrix(matrix_or_judgements, keys)
    n = len(names)
    random_index = table.index(n)
    floats = np.array([[float(c) for c in row] for row in cells])
    if n == 1:
        weights, lambda_max = [1.0], 1.0
    else:
        weights, lambda_max = _principal(floats)
    # lambda_max >= n in exact arithmetic, with equality for a consistent matrix; the
    # eigensolver's rounding noise (a few ulps either side of n) is reported as n.
    if lambda_max - n <= _EIGEN_NOISE * n:
        lambda_max = float(n)
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = ci / random_index if n > 2 else 0.0
    pair = _most_inconsistent(names, floats, weights)
    result = AhpResult(
        keys=names,
        matrix=tuple(tuple(float(c) for c in row) for row in cells),
        weights=FrozenDict(dict(zip(names, weights))),
        lambda_max=lambda_max,
        consistency_index=ci,
        random_index=random_index,
        consistency_ratio=cr,
        ri=table.key,
        most_inconsistent=pair,
    )
    if max_cr is not None and cr > max_cr:
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
