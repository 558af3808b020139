"""Reading measurements from tables: one reader for every kind of table a scorecard scores.

:meth:`csperf.Scorecard.evaluate_many` reads a whole table with :func:`read_table`, and
:meth:`csperf.Scorecard.evaluate` one row with :func:`read_row`. Both apply the same three
options:

``subject``
    The name of the column (or of a pandas index) that holds the subjects. ``None`` means the
    column or index named ``subject``, when there is one.
``extra``
    ``"error"`` refuses a column that no indicator reads and that is not the subject column (a
    misspelt metric); ``"ignore"`` skips it. The default is ``"error"`` for a table and
    ``"ignore"`` for one row (a source's rollup of one subject holds every metric measured).
``nan``
    ``"error"`` (the default) refuses NaN as it refuses infinities; ``"missing"`` counts NaN as a
    missing value, which is what an empty cell of ``pandas.read_csv`` becomes.

None, pandas ``NA``, a masked numpy entry and an Arrow null are always missing values.

How each kind of table is read (no value goes through Python unless the column holds Python
objects):

* pandas: numpy columns as they are; nullable (``Float64``, ``Int64``) and Arrow-backed numeric
  columns through ``to_numpy`` with the ``isna()`` mask; the index can be the subject column.
* Polars, PyArrow and any other table that exports the Arrow C stream interface
  (``__arrow_c_stream__``): through :mod:`pyarrow`, numeric columns with their validity mask,
  decimal columns cast to float with their exact :class:`~decimal.Decimal` values kept.
* A mapping of column name to values (lists, tuples, numpy or masked arrays, pandas Series,
  Arrow arrays), or an object with a ``to_columns()`` method returning one.

pandas is read natively rather than through Arrow because its Arrow export turns NaN into null
(so ``nan="error"`` could not be told from a missing value) and sets the index aside.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from csperf.errors import MeasurementError, ValidationError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from csperf.indicators import Indicator

__all__ = ["Column", "SubjectColumn", "Table", "check_options", "read_row", "read_table"]

EXTRA = ("error", "ignore")
"""The values of ``extra=``."""

NAN = ("error", "missing")
"""The values of ``nan=``."""

SUBJECT = "subject"
"""The subject column's name when ``subject=`` is not given."""


class Column(NamedTuple):
    """One indicator's column, read.

    Attributes:
        values: The raw values as floats (NaN where missing).
        present: Where a value is present (False for a missing value).
        exact: The exact input values where the column held Python objects or decimals
            (:class:`~decimal.Decimal`, :class:`int`, :class:`~fractions.Fraction`, float;
            None where missing), or None when the column was a float or small-integer array,
            whose floats are the exact inputs (a float's exact value is its shortest decimal).
    """

    values: NDArray[np.float64]
    present: NDArray[np.bool_]
    exact: NDArray[np.object_] | None = None


class Table(NamedTuple):
    """A table, read for one scorecard.

    Attributes:
        n: The number of rows.
        subjects: One subject per row (None entries when the table names none).
        columns: Indicator key → its :class:`Column`, for every indicator of the card (an
            absent column is all missing).
    """

    n: int
    subjects: SubjectColumn
    columns: dict[str, Column]

    @property
    def raw(self) -> dict[str, NDArray[np.float64]]:
        """Indicator key → raw floats (NaN where missing)."""
        return {key: column.values for key, column in self.columns.items()}

    @property
    def present(self) -> dict[str, NDArray[np.bool_]]:
        """Indicator key → where a value is present."""
        return {key: column.present for key, column in self.columns.items()}


def check_options(card: str, extra: Any, nan: Any) -> None:
    """Refuse an ``extra=`` or ``nan=`` that is none of its choices.

    Raises:
        ValidationError: Naming the option and its choices.
    """
    for field, value, choices in (("extra", extra, EXTRA), ("nan", nan, NAN)):
        if value not in choices:
            raise ValidationError(
                msg=f"{field}= must be one of {', '.join(repr(c) for c in choices)}, got {value!r}",
                obj=f"Scorecard {card!r}",
                field=field,
                value=value,
            )


# -- one row ------------------------------------------------------------------------------


def read_row(
    measurements: Mapping[str, Any] | Any,
    card: str,
    indicators: Sequence[Indicator],
    *,
    subject: str | None,
    extra: str = "ignore",
    nan: str = "error",
) -> dict[str, Any]:
    """One subject's measurements as a mapping of metric → value (None when missing).

    Args:
        measurements: A mapping of measurement name to value, a pandas Series (its index
            holds the names), or an object with a ``row(subject)`` method (a source's
            :class:`~csperf.sources.Measurements`, whose metrics the card does not read are
            skipped whatever ``extra`` says).
        card: The scorecard's key, for messages.
        indicators: The card's indicators.
        subject: The subject, for messages.
        extra: ``"error"`` or ``"ignore"``: what to do with a name no indicator reads.
        nan: ``"error"`` or ``"missing"``: what NaN means.

    Returns:
        Metric → the value as given (exact: a Decimal stays a Decimal), None for a missing
        value (None, pandas NA, and NaN under ``nan="missing"``). NaN under ``nan="error"``
        raises.

    Raises:
        MeasurementError: For an unknown name (under ``extra="error"``), for NaN (under
            ``nan="error"``), or when ``measurements`` is no mapping.
    """
    check_options(card, extra, nan)
    if not isinstance(measurements, Mapping) and hasattr(measurements, "row"):
        # A source's table (csperf.sources.Measurements) holds the metrics the source
        # measured, often more than one card reads: those are not misspelt names.
        measurements, extra = measurements.row(subject), "ignore"
    if _is_pandas(measurements) and _is_series(measurements):
        series: Any = measurements
        measurements = dict(zip(map(str, series.index), series.tolist()))
    if not isinstance(measurements, Mapping):
        raise MeasurementError(
            msg="measurements must be a mapping of measurement name to "
            f"value, got {type(measurements).__name__}",
            obj=f"Scorecard {card!r}",
            field="measurements",
            subject=subject,
            value=measurements,
        )
    metrics = {ind.metric: ind for ind in indicators}
    if extra == "error":
        unknown = [name for name in measurements if name not in metrics]
        if unknown:
            _unknown_names(unknown, metrics, card, subject, what="name")
    row: dict[str, Any] = {}
    for metric, ind in metrics.items():
        value = measurements.get(metric)
        if value is not None and _is_na(value):
            value = None
        if value is not None and _is_nan(value):
            if nan == "error":
                _nan_error(ind, subject)
            value = None
        row[metric] = value
    return row


# -- a whole table ------------------------------------------------------------------------


def read_table(
    table: Any,
    card: str,
    indicators: Sequence[Indicator],
    *,
    subject: str | None = None,
    extra: str = "error",
    nan: str = "error",
) -> Table:
    """Read a table for a scorecard's indicators.

    Args:
        table: A pandas DataFrame, a Polars DataFrame, a PyArrow Table or RecordBatch, any
            object exporting ``__arrow_c_stream__``, a mapping of column name to values, or an
            object with a ``to_columns()`` method returning such a mapping (a source's
            :class:`~csperf.sources.Measurements`, whose metrics the card does not read are
            skipped whatever ``extra`` says).
        card: The scorecard's key, for messages.
        indicators: The card's indicators (each reads the column named by its metric).
        subject: The subject column (or pandas index) name; None for ``subject`` if present.
        extra: ``"error"`` or ``"ignore"``: what to do with a column no indicator reads.
        nan: ``"error"`` or ``"missing"``: what NaN in a column means.

    Returns:
        The :class:`Table`.

    Raises:
        MeasurementError: For a table of an unknown kind, columns of different lengths, an
            unknown column, a subject column that is absent or holds a non-string, NaN (under
            ``nan="error"``), or a value that is no finite real number (naming the first
            subject at fault).
    """
    check_options(card, extra, nan)
    if hasattr(table, "to_columns") and not isinstance(table, Mapping):
        # A source's table: its extra metrics are not misspelt names (see read_row).
        table, extra = table.to_columns(), "ignore"
    columns, index = _columns(table, card)
    n = _row_count(columns, index, card)
    metrics = {ind.metric: ind for ind in indicators}
    subjects, subject_column = _subjects(columns, index, n, card, subject, metrics)
    if extra == "error":
        unknown = [name for name in columns if name not in metrics and name != subject_column]
        if unknown:
            _unknown_names(unknown, metrics, card, None, what="column")
    read = {
        ind.key: _column_values(columns.get(ind.metric), n, ind, subjects, nan)
        for ind in indicators
    }
    return Table(n=n, subjects=subjects, columns=read)


def _columns(table: Any, card: str) -> tuple[Mapping[str, Any], Any]:
    """Column name → column, and the pandas index (or None)."""
    if _is_pandas(table) and hasattr(table, "columns") and hasattr(table, "index"):
        index = None if _is_range_index(table.index) else table.index
        return {str(c): table[c] for c in table.columns}, index
    if isinstance(table, Mapping):
        return table, None
    if hasattr(table, "__arrow_c_stream__") or _is_arrow_table(table):
        arrow = _arrow_table(table, card)
        return {str(name): arrow.column(i) for i, name in enumerate(arrow.column_names)}, None
    module = type(table).__module__.split(".")[0]
    if module in ("dask", "pyspark"):
        raise MeasurementError(
            msg=f"a {module} DataFrame is scored where it lies, partition by partition: see "
            "csperf.distributed (score_partition for Dask, score_batches for Spark)",
            obj=f"Scorecard {card!r}",
            field="table",
            value=type(table).__name__,
        )
    raise MeasurementError(
        msg="evaluate_many needs a mapping of column name to values or a table (pandas, "
        f"Polars, PyArrow or any Arrow stream), got {type(table).__name__}",
        obj=f"Scorecard {card!r}",
        field="table",
        value=type(table).__name__,
    )


def _row_count(columns: Mapping[str, Any], index: Any, card: str) -> int:
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise MeasurementError(
            msg=f"columns have different lengths ({lengths})",
            obj=f"Scorecard {card!r}",
            field="table",
            value=lengths,
        )
    if index is not None:
        return len(index)
    return next(iter(lengths.values()), 0)


def _subjects(
    columns: Mapping[str, Any],
    index: Any,
    n: int,
    card: str,
    subject: str | None,
    metrics: Mapping[str, Indicator],
) -> tuple[SubjectColumn, str | None]:
    """The subjects, and the name of the column they came from (None for the index)."""
    index_name = None if index is None else index.name
    if subject is not None:
        if not isinstance(subject, str):
            raise ValidationError(
                msg=f"subject= must name a column or the index, got {subject!r}",
                obj=f"Scorecard {card!r}",
                field="subject",
                value=subject,
            )
        if subject in columns:
            return _subject_values(columns[subject], n, card, subject), subject
        if index_name == subject:
            return _subject_values(index, n, card, subject), None
        names = [*columns, *([] if index_name is None else [f"{index_name} (the index)"])]
        raise MeasurementError(
            msg=f"subject={subject!r} names no column"
            + (" nor the index" if index is not None else "")
            + f" (columns: {', '.join(map(str, names)) or 'none'})",
            obj=f"Scorecard {card!r}",
            field="subject",
            value=subject,
        )
    if SUBJECT in columns:
        return _subject_values(columns[SUBJECT], n, card, SUBJECT), SUBJECT
    if index is not None and index_name == SUBJECT:
        return _subject_values(index, n, card, SUBJECT), None
    candidates = [
        name for name, values in columns.items() if name not in metrics and _holds_text(values)
    ]
    if index is not None and index_name is not None and _holds_text(index):
        candidates.append(str(index_name))
    if candidates:
        raise MeasurementError(
            msg=f"the table has no column named {SUBJECT!r}; name the subject column with "
            f"subject={candidates[0]!r}"
            + (
                f" (columns no indicator reads: {', '.join(map(repr, candidates))})"
                if len(candidates) > 1
                else ""
            ),
            obj=f"Scorecard {card!r}",
            field="subject",
            value=candidates[0],
        )
    return SubjectColumn(None, n), None


ARROW_CHECK = 65_536
"""From this many rows up, an object column of subjects is checked by converting it to Arrow
(when pyarrow is installed): the conversion checks each entry's type in C++ at about the cost
of a Python type scan, and the result's Arrow and Polars tables then reuse it."""


def _subject_values(values: Any, n: int, card: str, name: str) -> SubjectColumn:
    """The subject column as the table holds it, every entry checked to be a string.

    Arrow string columns (Polars, PyArrow, pandas ``str`` columns backed by Arrow) and numpy
    string arrays are strings by type: only their nulls are looked for. Python objects are
    checked by their types in one pass; no tuple of the subjects is built here.
    """
    if _is_pandas(values) and hasattr(values, "array"):
        values = _pandas_subjects(values)
    if _is_arrow_array(values):
        if _arrow_is_text(values.type) and not values.null_count:
            return SubjectColumn(values, n)
        values = _object_array(values.to_pylist())
    elif isinstance(values, np.ndarray) and values.dtype.kind in ("U", "T"):
        return SubjectColumn(values, n)
    elif not (isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1):
        values = _object_array(_python_list(values))
    arrow = _arrow_strings(values) if len(values) >= ARROW_CHECK else None
    if arrow is None and not set(map(type, values)) <= {str}:
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise MeasurementError(
                    msg=f"{name}[{i}] must be a string, got {value!r}",
                    obj=f"Scorecard {card!r}",
                    field=name,
                    value=value,
                )
    return SubjectColumn(values, n, arrow=arrow)


def _arrow_strings(values: NDArray[np.object_]) -> Any:
    """The objects as an Arrow string array when every one is a ``str``, else None."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - pyarrow is installed with the test extras
        return None
    try:
        # Inferred, not cast: bytes make a binary array, None a null, anything else fails.
        arrow = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return arrow if pa.types.is_string(arrow.type) and not arrow.null_count else None


def _pandas_subjects(series: Any) -> Any:
    """A pandas column or index of subjects as an Arrow array or a numpy array."""
    dtype = getattr(series, "dtype", None)
    if getattr(dtype, "storage", None) == "pyarrow" or hasattr(dtype, "pyarrow_dtype"):
        # pandas' Arrow-backed strings (the default ``str`` of pandas 3): no copy.
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        return pa.array(series.array)
    if isinstance(dtype, np.dtype):
        return np.asarray(series.to_numpy())
    return np.asarray(series.to_numpy(dtype=object, na_value=None))


def _arrow_is_text(kind: Any) -> bool:
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or getattr(pa.types, "is_string_view", lambda _: False)(kind)
    )


def _object_array(items: Sequence[Any]) -> NDArray[np.object_]:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


class SubjectColumn(Sequence[str | None]):
    """The subjects of a scored table, kept as the table held them.

    A sequence of ``str`` (or of None when the table names no subjects) that converts to a
    tuple, a numpy object array, an Arrow array, a pandas or a Polars column only when asked,
    without a Python loop when the table held an Arrow or numpy string column.
    :class:`~csperf.BatchResult` keeps one, so that scoring never builds a million Python
    strings nobody asked for, and its table methods pass the table's own column through.

    Args:
        values: An Arrow string array or chunked array without nulls, a numpy string or
            object array, any sequence of strings, or None (no subjects).
        n: The number of rows (only read when ``values`` is None).
        arrow: The same subjects as an Arrow string array, when already made.
    """

    __slots__ = ("_arrow", "_n", "_values")

    def __init__(self, values: Any, n: int | None = None, *, arrow: Any = None) -> None:
        if values is not None and not (_is_arrow_array(values) or isinstance(values, np.ndarray)):
            values = _object_array(list(values))
        self._values = values
        self._arrow = values if _is_arrow_array(values) else arrow
        self._n = len(values) if values is not None else int(n or 0)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self.as_tuple()[index]
        if self._values is None:
            if not -self._n <= index < self._n:
                raise IndexError(index)
            return None
        item = self._values[index]
        return item.as_py() if _is_arrow_array(self._values) else str(item)

    def __iter__(self) -> Any:
        return iter(self.as_tuple())

    @property
    def named(self) -> bool:
        """Whether the table had a subject column (False: every entry is None)."""
        return self._values is not None

    @property
    def arrow(self) -> bool:
        """Whether the subjects are at hand as an Arrow array (no conversion in ``as_arrow``)."""
        return self._arrow is not None

    def as_tuple(self) -> tuple[str | None, ...]:
        """The subjects as a tuple of ``str`` (or of None)."""
        values = self._values
        if values is None:
            return (None,) * self._n
        if _is_arrow_array(values):
            return tuple(values.to_pylist())
        if values.dtype == object:
            return tuple(values)
        return tuple(values.tolist())

    def as_objects(self) -> NDArray[np.object_]:
        """The subjects as a numpy object array (the table's own array when it was one)."""
        values = self._values
        if values is None:
            return np.full(self._n, None, dtype=object)
        if isinstance(values, np.ndarray):
            return values if values.dtype == object else values.astype(object)
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)

    def as_arrow(self, *, same_type: bool = True) -> Any:
        """The subjects as an Arrow array or chunked array (needs pyarrow).

        Args:
            same_type: Cast to ``string`` whatever the table held (Polars exports large
                strings or string views); False passes an Arrow column through as it is.
        """
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        if self._values is None:
            return pa.nulls(self._n, pa.string())
        arrow = self._arrow
        if arrow is None:
            return pa.array(self._values, type=pa.string())
        if not same_type or arrow.type == pa.string():
            return arrow
        return arrow.cast(pa.string())

    def as_pandas(self) -> Any:
        """The subjects as a pandas Series named ``subject`` (needs pandas).

        Python objects stay an ``object`` column sharing the table's array; an Arrow column
        becomes what pyarrow gives pandas for it (pandas 3's Arrow-backed ``str``, no copy).
        """
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]

        if _is_arrow_array(self._values):
            series = self.as_arrow().to_pandas()
            series.name = SUBJECT
            return series
        return pd.Series(self.as_objects(), dtype=object, copy=False, name=SUBJECT)

    def as_polars(self) -> Any:
        """The subjects as a Polars String Series named ``subject`` (needs polars).

        An Arrow column is handed to Polars as it is (no copy for Polars' own strings).
        """
        import polars as pl  # type: ignore[import-not-found, unused-ignore]

        if self.arrow:
            return pl.Series(SUBJECT, self.as_arrow(same_type=False))
        if not self.named:
            return pl.repeat(None, self._n, dtype=pl.String, eager=True).alias(SUBJECT)
        return pl.Series(SUBJECT, self.as_objects(), dtype=pl.String)


def _unknown_names(
    unknown: Sequence[str],
    metrics: Mapping[str, Indicator],
    card: str,
    subject: str | None,
    *,
    what: str,
) -> None:
    who = f" for subject {subject!r}" if subject is not None else ""
    hint = f"; pass extra='ignore' to skip {what}s no indicator reads"
    raise MeasurementError(
        msg=f"unknown {what}{'s' if len(unknown) > 1 else ''} "
        f"{', '.join(map(repr, unknown))}{who} (the card reads: {', '.join(metrics)}){hint}",
        obj=f"Scorecard {card!r}",
        field=unknown[0],
        subject=subject,
        value=list(unknown),
    )


def _nan_error(ind: Indicator, subject: str | None) -> None:
    who = f" for subject {subject!r}" if subject is not None else ""
    raise MeasurementError(
        msg=f"field {ind.metric!r} must be a finite number, got nan{who} (pass nan='missing' "
        "to count NaN as a missing value)",
        obj=f"Indicator {ind.key!r}",
        field=ind.metric,
        subject=subject,
        value=math.nan,
    )


def _column_values(
    column: Any, n: int, ind: Indicator, subjects: Sequence[str | None], nan: str
) -> Column:
    """One indicator's column: raw floats (NaN where missing), presence mask, exact values."""
    if column is None:
        return Column(np.full(n, np.nan), np.zeros(n, dtype=bool))
    mask: NDArray[np.bool_] | None = None
    if _is_pandas(column) and hasattr(column, "isna"):
        if isinstance(column.dtype, np.dtype):
            array = column.to_numpy()
        elif getattr(column.dtype, "kind", "O") in "fiu":
            # A nullable or Arrow-backed numeric column: NA is missing, read in one pass.
            mask = ~np.asarray(column.isna(), dtype=bool)
            array = column.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            mask = ~np.asarray(column.isna(), dtype=bool)
            array = np.asarray(column.to_numpy(dtype=object, na_value=None))
    elif isinstance(column, np.ma.MaskedArray):
        mask = ~np.ma.getmaskarray(column)
        array = np.asarray(column.data)
    elif isinstance(column, np.ndarray):
        array = column
    elif _is_arrow_array(column) or hasattr(column, "__arrow_c_stream__"):
        return _arrow_values(column, n, ind, subjects, nan)
    else:
        # Python sequences go through object arrays, so that a stray string or boolean is
        # reported rather than coerced by numpy.
        array = np.empty(len(column), dtype=object)
        array[:] = list(column)
    if array.dtype.kind in "fiu":
        return _numeric(array, mask, n, ind, subjects, nan)
    return _objects(array, mask, n, ind, subjects, nan)


def _numeric(
    array: NDArray[Any],
    mask: NDArray[np.bool_] | None,
    n: int,
    ind: Indicator,
    subjects: Sequence[str | None],
    nan: str,
) -> Column:
    """A numeric array: checked in one vectorised pass."""
    exact: NDArray[np.object_] | None = None
    if array.dtype.kind in "iu" and array.size and np.abs(array).max() > 2**53:
        exact = array.astype(object)  # integers a float cannot hold exactly
    values = array.astype(np.float64, copy=False)
    if mask is None and exact is None and _all_finite(values):
        return Column(values, np.ones(n, dtype=bool))  # the common case: two reductions
    present = np.ones(n, dtype=bool) if mask is None else mask
    nans = present & np.isnan(values)
    if nans.any():
        if nan == "error":
            _nan_error(ind, subjects[int(np.argmax(nans))])
        present = present & ~nans
    bad = present & ~np.isfinite(values)
    if bad.any():
        row = int(np.argmax(bad))
        ind.check_raw(float(values[row]), subject=subjects[row])
    if mask is not None and not present.all():
        values = np.where(present, values, np.nan)
    if exact is not None:
        exact[~present] = None
    return Column(values, present, exact)


def _all_finite(values: NDArray[np.float64]) -> bool:
    """Whether no value is NaN or infinite (NaN propagates through ``min`` and ``max``)."""
    return not values.size or bool(np.isfinite(values.min()) and np.isfinite(values.max()))


def _objects(
    array: NDArray[Any],
    mask: NDArray[np.bool_] | None,
    n: int,
    ind: Indicator,
    subjects: Sequence[str | None],
    nan: str,
) -> Column:
    """Mixed or object data: one pass that checks each value as evaluate() does."""
    values = np.full(n, np.nan)
    present = np.zeros(n, dtype=bool)
    exact = np.full(n, None, dtype=object)
    # Numpy scalars as they are: tolist() would turn datetime64 into plain integers.
    for row, item in enumerate(array):
        if item is None or (mask is not None and not mask[row]) or _is_na(item):
            continue
        if _is_nan(item):
            if nan == "error":
                _nan_error(ind, subjects[row])
            continue
        values[row] = ind.check_raw(item, subject=subjects[row])
        present[row] = True
        exact[row] = item
    return Column(values, present, exact)


def _arrow_values(
    column: Any, n: int, ind: Indicator, subjects: Sequence[str | None], nan: str
) -> Column:
    """An Arrow column: numeric and decimal types vectorised, anything else refused."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

    if not isinstance(column, (pa.Array, pa.ChunkedArray)):
        column = pa.chunked_array(column)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if len(column) != n:
        raise MeasurementError(
            msg=f"column {ind.metric!r} has {len(column)} values, expected {n}",
            obj=f"Scorecard of indicator {ind.key!r}",
            field=ind.metric,
            value=len(column),
        )
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    if pa.types.is_null(kind):
        return Column(np.full(n, np.nan), np.zeros(n, dtype=bool))
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    mask = None if column.null_count == 0 else valid
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        filled = column if mask is None else pc.fill_null(column.cast(pa.float64()), math.nan)
        array = filled.to_numpy(zero_copy_only=False)
        return _numeric(array, mask, n, ind, subjects, nan)
    if pa.types.is_decimal(kind):
        exact = column.to_numpy(zero_copy_only=False)
        nans = np.array([d is not None and d.is_nan() for d in exact.tolist()], dtype=bool)
        present = valid & ~nans
        if nans.any():
            if nan == "error":
                _nan_error(ind, subjects[int(np.argmax(nans))])
            exact[nans] = None
        # Through text: Arrow's decimal-to-float cast is not correctly rounded (0.8440 gives
        # 0.8440000000000001), its text-to-float parse is.
        as_float = column.cast(pa.string()).cast(pa.float64())
        values = pc.fill_null(as_float, math.nan).to_numpy(zero_copy_only=False)
        values = np.where(present, values, np.nan)
        bad = present & ~np.isfinite(values)
        if bad.any():
            row = int(np.argmax(bad))
            ind.check_raw(exact[row], subject=subjects[row])
        return Column(values, present, exact)
    if pa.types.is_boolean(kind) and getattr(ind, "flag", False):
        # A veto's flag (csperf.adjustments.Input): True and False read as 1 and 0.
        flags = pc.fill_null(column.cast(pa.float64()), math.nan)
        return _numeric(flags.to_numpy(zero_copy_only=False), mask, n, ind, subjects, nan)
    if not valid.any():  # a column of nulls of any type: all missing
        return Column(np.full(n, np.nan), np.zeros(n, dtype=bool))
    # Booleans, strings, dates...: the first present value is refused as evaluate() refuses it.
    row = int(np.argmax(valid))
    ind.check_raw(column[row].as_py(), subject=subjects[row])
    raise AssertionError("unreachable: check_raw accepts no non-numeric Arrow value")


# -- recognising kinds of table without importing their libraries -------------------------


def _is_pandas(value: Any) -> bool:
    return type(value).__module__.startswith("pandas")


def _is_series(value: Any) -> bool:
    return all(hasattr(value, name) for name in ("dtype", "index", "tolist"))


def _is_range_index(index: Any) -> bool:
    return type(index).__name__ == "RangeIndex" and index.name is None


def _is_arrow_table(value: Any) -> bool:
    module = type(value).__module__
    return module.startswith("pyarrow") and hasattr(value, "column_names")


def _is_arrow_array(value: Any) -> bool:
    return type(value).__module__.startswith("pyarrow") and hasattr(value, "null_count")


def _arrow_table(table: Any, card: str) -> Any:
    try:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - pyarrow is installed with the test extras
        raise MeasurementError(
            msg=f"reading a {type(table).__name__} needs pyarrow (pip install 'csperf[arrow]')",
            obj=f"Scorecard {card!r}",
            field="table",
            value=type(table).__name__,
        ) from None
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    if isinstance(table, pa.Table):
        return table
    return pa.table(table)


def _holds_text(values: Any) -> bool:
    """Whether a column holds text (a likely subject column), judged on its first value."""
    dtype = getattr(values, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", None) in ("U", "S", "T"):
        return True
    kind = getattr(values, "type", None)
    if kind is not None and type(kind).__module__.startswith("pyarrow"):
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        return bool(
            pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
            or getattr(pa.types, "is_string_view", lambda _: False)(kind)
        )
    try:
        first = next(iter(values), None)
    except TypeError:
        return False
    return isinstance(first, str)


def _python_list(values: Any) -> list[Any]:
    if hasattr(values, "to_pylist"):
        result: list[Any] = values.to_pylist()
        return result
    if hasattr(values, "tolist"):
        result = values.tolist()
        return result
    return list(values)


def _is_na(value: Any) -> bool:
    """Pandas NA / NaT (compared without importing pandas)."""
    return type(value).__name__ in ("NAType", "NaTType")


def _is_nan(value: Any) -> bool:
    if isinstance(value, (float, np.floating)):
        return bool(value != value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False
