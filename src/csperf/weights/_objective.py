"""Objective weights from a population's indicator values: the entropy and CRITIC methods."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from csperf._canonical import CanonicalForm
from csperf._frozen import FrozenDict
from csperf.errors import MeasurementError, WeightingError
from csperf.units import Direction
from csperf.weighting import key_mismatch
from csperf.weights._common import check_keys, normalised

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["CriticResult", "EntropyResult", "critic", "entropy"]

PERFECT_CORRELATION = 1e-12
"""Indicators whose every ``1 - r`` is below this are taken as perfectly correlated."""


def _bad_value(key: str, i: int, value: Any, obj: str) -> MeasurementError:
    return MeasurementError(
        msg=f"value {i} of {key!r} is {float(value)!r}; NaN and infinite values cannot "
        "be weighted (drop or fix the subject first)",
        obj=obj,
        field=key,
        subject=i,
        value=float(value),
    )


def _check_finite(matrix: NDArray[np.float64], names: Sequence[str], obj: str) -> None:
    """Refuse NaN and infinities, naming the first bad cell (column by column, then row)."""
    finite = np.isfinite(matrix)
    if finite.all():
        return
    j = int(np.flatnonzero(~finite.all(axis=0))[0])
    i = int(np.flatnonzero(~finite[:, j])[0])
    raise _bad_value(names[j], i, matrix[i, j], obj)


def _column(values: Any, key: str, obj: str) -> NDArray[np.float64]:
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()  # a pandas Series
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu" and values.ndim == 1:
        column = np.asarray(values, dtype=np.float64)  # no copy yet: _stacked copies
    else:
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(
            values, (Sequence, np.ndarray)
        ):
            raise WeightingError(
                msg=f"the values of {key!r} must be a sequence of numbers, "
                f"got {type(values).__name__}",
                obj=obj,
                field=key,
                value=values,
            )
        items = list(values)
        for i, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, (numbers.Real, np.number)):
                raise MeasurementError(
                    msg=f"value {i} of {key!r} must be a number, got {item!r}",
                    obj=obj,
                    field=key,
                    subject=i,
                    value=item,
                )
        column = np.array([float(item) for item in items], dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(column))
    if bad.size:
        i = int(bad[0])
        raise _bad_value(key, i, column[i], obj)
    return column


def _array(data: Any) -> NDArray[Any]:
    """``data`` as an array: a numpy array as it is, anything else as an array of objects.

    An array of objects keeps each cell as given, so that each can be checked (``True`` is not
    taken for 1).
    """
    if isinstance(data, np.ndarray):
        return data
    return np.asarray(data, dtype=object)


def _stacked(columns: Sequence[NDArray[np.float64]], n: int) -> NDArray[np.float64]:
    """The columns side by side in a column-major matrix.

    Every step of the methods works down the columns; in column-major order each column is
    contiguous, so its sums are numpy's pairwise sums and its minima and maxima are fast.
    """
    matrix = np.empty((len(columns[0]) if columns else 0, n), dtype=np.float64, order="F")
    for j, column in enumerate(columns):
        matrix[:, j] = column
    return matrix


def _table(
    data: Any,
    keys: Any,
    obj: str,
    columns: Any = None,
) -> tuple[tuple[str, ...], NDArray[np.float64], bool]:
    """The indicator keys and the subjects × indicators matrix of a data argument.

    Also returns whether the keys were made up (``c1``, ``c2``... for an array given without
    ``columns=``). The matrix is a new column-major array the methods may change in place.
    """
    if hasattr(data, "columns") and hasattr(data, "to_numpy") and not isinstance(data, Mapping):
        data = {str(c): data[c].to_numpy() for c in data.columns}
    if isinstance(data, Mapping):
        if columns is not None:
            raise WeightingError(
                msg="columns= names the columns of a 2-D array; the keys of a mapping already "
                "name its indicators (use keys= to order them)",
                obj=obj,
                field=("columns",),
                value=columns,
            )
        names = check_keys(list(data), obj, "data")
        if keys is not None:
            wanted = check_keys(keys, obj)
            if set(wanted) != set(names):
                raise WeightingError(
                    msg=f"keys {', '.join(wanted)} differ from the data's indicators "
                    f"{', '.join(names)}",
                    obj=obj,
                    field="keys",
                    value=sorted(set(wanted) ^ set(names)),
                )
            names = wanted
        cols = [_column(data[k], k, obj) for k in names]
        lengths = {len(c) for c in cols}
        if len(lengths) > 1:
            sizes = ", ".join(f"{k}: {len(c)}" for k, c in zip(names, cols))
            raise WeightingError(
                msg=f"every indicator needs one value per subject, got {sizes}",
                obj=obj,
                field="data",
                value=sizes,
            )
        return names, _stacked(cols, len(names)), False
    array = _array(data)
    made_up = False
    if (
        columns is not None
        and keys is not None
        and check_keys(columns, obj, "columns") != check_keys(keys, obj)
    ):
        raise WeightingError(
            msg=f"columns {', '.join(columns)} and keys {', '.join(keys)} differ; give "
            "columns= only",
            obj=obj,
            field=("columns",),
            value=list(columns),
        )
    given = columns if columns is not None else keys
    if given is None:
        if array.ndim != 2:
            raise WeightingError(
                msg="data must be a mapping of indicator to values or a subjects × "
                f"indicators array, got shape {array.shape}",
                obj=obj,
                field="data",
                value=array.shape,
            )
        given = [f"c{j + 1}" for j in range(array.shape[1])]
        made_up = True
    names = check_keys(given, obj, "columns" if columns is not None else "keys")
    if array.ndim != 2 or array.shape[1] != len(names):
        raise WeightingError(
            msg=f"data must be a subjects × indicators array with {len(names)} columns, "
            f"got shape {array.shape}",
            obj=obj,
            field="data",
            value=array.shape,
        )
    if array.dtype.kind in "fiu":  # a numeric numpy array: converted and checked whole
        matrix = np.array(array, dtype=np.float64, order="F")  # a copy the methods may change
        _check_finite(matrix, names, obj)
    else:  # nested lists, booleans, text, objects: checked cell by cell
        cells = array.astype(object)  # Python scalars, as a nested list would give
        cols = [_column(list(cells[:, j]), k, obj) for j, k in enumerate(names)]
        matrix = _stacked(cols, len(names))
    return names, matrix, made_up


def _directions(
    directions: Any, names: tuple[str, ...], obj: str, made_up: bool = False
) -> list[Direction]:
    if isinstance(directions, (Direction, str)):
        given: list[Any] = [directions] * len(names)
    elif isinstance(directions, Mapping):
        text, missing, extra = key_mismatch(
            directions, names, "no direction for", "directions for unknown indicator(s)"
        )
        if text:
            if made_up:
                text += (
                    f" (the array's columns are named {', '.join(names)}; pass columns= to name "
                    "them, a mapping's order is never used)"
                )
            raise WeightingError(msg=text, obj=obj, field="directions", value=missing or extra)
        given = [directions[k] for k in names]
    elif isinstance(directions, Sequence) and len(directions) == len(names):
        given = list(directions)
    else:
        raise WeightingError(
            msg="directions must be a mapping of indicator key to direction, or one "
            f"direction per indicator ({len(names)})",
            obj=obj,
            field="directions",
            value=directions,
        )
    result: list[Direction] = []
    for key, value in zip(names, given):
        try:
            direction = Direction(value)
        except ValueError:
            raise WeightingError(
                msg=f"direction of {key!r} must be one of "
                f"{', '.join(d.value for d in Direction)}, got {value!r}",
                obj=obj,
                field=("directions", key),
                value=value,
            ) from None
        if direction is Direction.TARGET_IS_BEST:
            raise WeightingError(
                msg=f"indicator {key!r} is target_is_best; the method needs to know whether "
                "more or less is better (min–max normalisation has no documented treatment of "
                "a target value); weight it with another strategy",
                obj=obj,
                field=("directions", key),
                value=direction.value,
            )
        result.append(direction)
    return result


def _min_max(
    matrix: NDArray[np.float64], directions: Sequence[Direction]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Direction-aware min–max normalised columns, and which columns are constant.

    Works in place: ``matrix`` (the methods' own copy of the data) becomes the normalised
    matrix, one contiguous column at a time.
    """
    lo, hi = matrix.min(axis=0), matrix.max(axis=0)
    span = hi - lo
    constant = span == 0
    for j, direction in enumerate(directions):
        column = matrix[:, j]
        if constant[j]:
            column[:] = 0.0
            continue
        if direction is Direction.LOWER_IS_BETTER:
            np.subtract(hi[j], column, out=column)
        else:
            np.subtract(column, lo[j], out=column)
        column /= span[j]
    return matrix, constant


def _enough_subjects(matrix: NDArray[np.float64], obj: str) -> None:
    if matrix.shape[0] < 2:
        raise WeightingError(
            msg=f"needs values for at least two subjects, got {matrix.shape[0]}",
            obj=obj,
            field="data",
            value=matrix.shape[0],
        )


def _all_constant(names: Sequence[str], obj: str) -> WeightingError:
    return WeightingError(
        msg=f"every indicator ({', '.join(names)}) has the same value for every subject, "
        "so the data carry no information to weight them by",
        obj=obj,
        field="data",
        value=list(names),
    )


@attrs.frozen
class EntropyResult(CanonicalForm):
    """Weights from the entropy weight method, with the figures behind them.

    Attributes:
        weights: Indicator key → weight (summing to 1).
        entropy: Indicator key → normalised entropy :math:`e_j` in [0, 1] (1 for a constant
            indicator).
        divergence: Indicator key → degree of divergence :math:`d_j = 1 - e_j`.
        normalization: ``"minmax"`` or ``"share"``.
        subjects: The number of subjects :math:`m`.
    """

    weights: FrozenDict[str, float]
    entropy: FrozenDict[str, float]
    divergence: FrozenDict[str, float]
    normalization: str
    subjects: int


def entropy(
    data: Any,
    directions: Any,
    *,
    keys: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    normalization: Literal["minmax", "share"] = "minmax",
) -> EntropyResult:
    r"""Objective weights by the entropy weight method (熵权法).

    From the values :math:`x_{ij}` of :math:`m` subjects (rows :math:`i`) on :math:`n`
    indicators (columns :math:`j`):

    1. Normalise each column. With ``normalization="minmax"`` (the default, the variant of
       most Chinese appraisal practice), direction-aware min–max normalisation:
       :math:`z_{ij} = (x_{ij} - \min_i x_{ij}) / (\max_i x_{ij} - \min_i x_{ij})` where more
       is better, :math:`(\max_i x_{ij} - x_{ij}) / (\max_i x_{ij} - \min_i x_{ij})` where
       less is better. With ``normalization="share"`` (Zeleny 1982; Xu 2004) the raw values
       are used, :math:`z_{ij} = x_{ij} \ge 0`, and the direction does not enter.
    2. :math:`p_{ij} = z_{ij} / \sum_i z_{ij}`.
    3. :math:`e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij}`, with :math:`0 \ln 0 = 0`.
    4. :math:`w_j = (1 - e_j) / \sum_k (1 - e_k)`.

    A constant indicator carries no information: it gets :math:`e_j = 1` and weight 0.

    Args:
        data: Indicator key → one value per subject; or a subjects × indicators 2-D array
            (named by ``columns``); or a pandas DataFrame (columns are indicators). A numeric
            numpy array is converted and checked whole; nested lists cell by cell.
        directions: Indicator key → :class:`~csperf.Direction` (or its value), a sequence
            aligned with the keys, or one direction for all. ``target_is_best`` is rejected.
            A mapping must name exactly the indicators: its order is never used, so an
            array's columns are named by ``columns``, not by this mapping.
        keys: For a mapping, the order wanted for the indicators; for a 2-D array, the same
            as ``columns`` (its older spelling).
        columns: The names of a 2-D array's columns, in column order (default ``c1``,
            ``c2``...).
        normalization: ``"minmax"`` or ``"share"``.

    Returns:
        An :class:`EntropyResult`.

    Raises:
        MeasurementError: When a value is NaN, infinite or not a number (naming the subject's
            row and the indicator; the first such cell, column by column).
        WeightingError: When there are fewer than two subjects, every indicator is constant,
            a direction is missing or ``target_is_best``, a directions mapping names other
            indicators than the columns, or (for ``"share"``) a value is negative.

    Examples:
        >>> result = entropy({"a": [0, 5, 10], "b": [1, 1, 2]}, "higher_is_better")
        >>> {k: round(w, 4) for k, w in result.weights.items()}
        {'a': 0.2961, 'b': 0.7039}
        >>> import numpy as np
        >>> rows = np.array([[0, 1], [5, 1], [10, 2]])
        >>> directions = {"b": "higher_is_better", "a": "higher_is_better"}
        >>> entropy(rows, directions, columns=["a", "b"]).weights == result.weights
        True
    """
    obj = "entropy"
    names, matrix, made_up = _table(data, keys, obj, columns)
    dirs = _directions(directions, names, obj, made_up)
    _enough_subjects(matrix, obj)
    m = matrix.shape[0]
    if normalization == "minmax":
        normal, constant = _min_max(matrix, dirs)
    elif normalization == "share":
        lo, hi = matrix.min(axis=0), matrix.max(axis=0)
        if (lo < 0).any():
            i, j = (int(v) for v in np.argwhere(matrix < 0)[0])
            raise WeightingError(
                msg=f"the 'share' normalisation needs non-negative values, but value {i} of "
                f"{names[j]!r} is {matrix[i, j]:g}",
                obj=obj,
                field=names[j],
                subject=i,
                value=float(matrix[i, j]),
            )
        normal = matrix
        constant = hi == lo
    else:
        raise WeightingError(
            msg=f"normalization must be 'minmax' or 'share', got {normalization!r}",
            obj=obj,
            field="normalization",
            value=normalization,
        )
    if constant.all():
        raise _all_constant(names, obj)
    sums = np.where(constant, 1.0, normal.sum(axis=0))
    normal /= sums  # p, in place: the matrix is the method's own copy
    plogp = np.zeros(len(names))
    for col in range(len(names)):
        if constant[col]:
            continue
        p = normal[:, col]  # one contiguous column at a time: small temporaries
        positive = p > 0
        if positive.all():
            terms = np.log(p)
        else:  # 0 ln 0 = 0
            terms = np.zeros_like(p)
            np.log(p, out=terms, where=positive)
        terms *= p
        plogp[col] = terms.sum()
    e = np.where(constant, 1.0, -plogp / math.log(m))
    e = np.clip(e, 0.0, 1.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    d = np.where(constant, 0.0, 1.0 - e)
    weights = normalised([float(v) for v in d])
    return EntropyResult(
        weights=FrozenDict(dict(zip(names, weights))),
        entropy=FrozenDict({k: float(v) for k, v in zip(names, e)}),
        divergence=FrozenDict({k: float(v) for k, v in zip(names, d)}),
        normalization=normalization,
        subjects=m,
    )


@attrs.frozen
class CriticResult(CanonicalForm):
    r"""Weights from the CRITIC method, with the figures behind them.

    Attributes:
        weights: Indicator key → weight (summing to 1).
        std: Indicator key → standard deviation :math:`\sigma_j` of the normalised values.
        correlation: Indicator key → {indicator key → Pearson correlation :math:`r_{jk}`},
            among the indicators that are not constant.
        information: Indicator key → information content :math:`C_j` (0 for a constant one).
        subjects: The number of subjects.
    """

    weights: FrozenDict[str, float]
    std: FrozenDict[str, float]
    correlation: FrozenDict[str, FrozenDict[str, float]]
    information: FrozenDict[str, float]
    subjects: int


def critic(
    data: Any,
    directions: Any,
    *,
    keys: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> CriticResult:
    r"""Objective weights by CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995).

    CRiteria Importance Through Intercriteria Correlation weighs an indicator by how much it
    varies and how little it agrees with the others:

    1. Direction-aware min–max normalisation of each column, as in :func:`entropy`.
    2. :math:`\sigma_j`: the standard deviation of column :math:`j` (population form; the
       weights do not depend on this choice, since it scales every :math:`C_j` alike).
    3. :math:`r_{jk}`: the Pearson correlation of columns :math:`j` and :math:`k`.
    4. :math:`C_j = \sigma_j \sum_k (1 - r_{jk})`, the information the indicator carries.
    5. :math:`w_j = C_j / \sum_k C_k`.

    A constant indicator carries no information: it gets weight 0 and is left out of the others'
    correlation sums. When a single indicator is not constant it gets weight 1 (the limit of
    the formula as the others' spread goes to 0).

    Args:
        data: As for :func:`entropy`.
        directions: As for :func:`entropy`.
        keys: As for :func:`entropy`.
        columns: As for :func:`entropy`.

    Returns:
        A :class:`CriticResult`.

    Raises:
        MeasurementError: When a value is NaN, infinite or not a number.
        WeightingError: When there are fewer than two subjects, every indicator is constant,
            the non-constant indicators are all perfectly correlated (every :math:`C_j` is 0),
            or a direction is missing or ``target_is_best``.

    Examples:
        >>> result = critic({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3]}, "higher_is_better")
        >>> {k: round(w, 4) for k, w in result.weights.items()}
        {'a': 0.5, 'b': 0.5}
    """
    obj = "critic"
    names, matrix, made_up = _table(data, keys, obj, columns)
    dirs = _directions(directions, names, obj, made_up)
    _enough_subjects(matrix, obj)
    normal, constant = _min_max(matrix, dirs)
    live = [j for j in range(len(names)) if not constant[j]]
    if not live:
        raise _all_constant(names, obj)
    std = normal.std(axis=0)
    if len(live) == 1:
        corr = np.ones((1, 1))
    else:
        corr = np.clip(np.corrcoef(normal[:, live], rowvar=False), -1.0, 1.0)
        np.fill_diagonal(corr, 1.0)
    discord = 1.0 - corr
    info = np.zeros(len(names))
    if len(live) == 1:
        weights = [1.0 if j == live[0] else 0.0 for j in range(len(names))]
    else:
        if (discord <= PERFECT_CORRELATION).all():
            live_names = [names[j] for j in live]
            raise WeightingError(
                msg=f"the indicators {', '.join(live_names)} are perfectly correlated, so "
                "each carries no information the others lack (every C_j is 0)",
                obj=obj,
                field="data",
                value=live_names,
            )
        for pos, j in enumerate(live):
            info[j] = std[j] * math.fsum(float(v) for v in discord[pos])
        weights = normalised([float(v) for v in info])
    return CriticResult(
        weights=FrozenDict(dict(zip(names, weights))),
        std=FrozenDict({k: float(s) for k, s in zip(names, std)}),
        correlation=FrozenDict(
            {
                names[j]: FrozenDict({names[k]: float(corr[a, b]) for b, k in enumerate(live)})
                for a, j in enumerate(live)
            }
        ),
        information=FrozenDict({k: float(c) for k, c in zip(names, info)}),
        subjects=int(matrix.shape[0]),
    )
