"""Scoring inside a distributed engine: Spark and Dask score their own partitions.

When a workforce's measurements sit in a Spark or Dask DataFrame, the engine runs the scoring on
each partition where it lies, and nothing is collected to one machine. The helpers here are
what the engine calls on a partition:

* :func:`score_batches` takes an iterator of Arrow record batches and yields scored ones: the
  function of PySpark's ``DataFrame.mapInArrow``, with :func:`spark_schema` as its schema.
* :func:`score_partition` takes a pandas DataFrame and returns the scored one: the function of
  Dask's ``DataFrame.map_partitions``, with :func:`partition_meta` as its ``meta``.

Each batch or partition is scored by :meth:`csperf.Scorecard.evaluate_many`, so every row gets
exactly the total and grade that ``evaluate_many`` gives it on the whole table (rounding ties
included): a row's score depends on that row alone. The columns are those of
:meth:`csperf.BatchResult.to_arrow` without ``rank`` (a rank compares every row, so it belongs
to the engine: ``rank().over(Window.orderBy(desc("total")))`` in Spark), with ``grade`` and
``grade_label`` as plain strings.

Example:
    >>> import pandas as pd
    >>> from csperf.distributed import score_partition
    >>> from csperf.templates import customer_service_manager
    >>> card = customer_service_manager()
    >>> part = pd.DataFrame({"employee_id": ["e1", "e2"], "customer_satisfaction": [0.92, 0.8],
    ...     "complaint_rate": [0.008, 0.02], "first_response_time": [45, 90],
    ...     "resolution_time": [14400, 30000], "product_knowledge": [88, 70],
    ...     "script_compliance": [0.95, 0.9], "collaboration_rating": [4.2, 3.5],
    ...     "information_sharing_rate": [0.9, 0.8]})
    >>> score_partition(part, card, subject="employee_id")[["subject", "total", "grade"]]
      subject  total grade
    0      e1  89.60  good
    1      e2  74.83  pass
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csperf.results import BatchResult
    from csperf.scorecard import Scorecard

__all__ = ["partition_meta", "score_batches", "score_partition", "spark_schema"]


def _table(batch: BatchResult, lang: str | None) -> Any:
    """The result as an Arrow table without the rank, grades as plain strings."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    table = batch.to_arrow(lang).drop_columns(["rank"])
    for name in ("grade", "grade_label"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table.column(name).cast(pa.string()))
    return table


def score_batches(
    batches: Iterable[Any],
    card: Scorecard,
    *,
    subject: str | None = None,
    extra: str = "error",
    nan: str = "error",
    lang: str | None = None,
) -> Iterator[Any]:
    """Score Arrow record batches one by one (PySpark's ``mapInArrow``).

    The batches come first, as ``mapInArrow`` passes them:
    ``df.mapInArrow(functools.partial(score_batches, card=card), spark_schema(card))``.

    Args:
        batches: :class:`pyarrow.RecordBatch` objects (or any Arrow tables) of measurements.
        card: The scorecard.
        subject: The subject column, as in :meth:`~csperf.Scorecard.evaluate_many`.
        extra: As in :meth:`~csperf.Scorecard.evaluate_many`.
        nan: As in :meth:`~csperf.Scorecard.evaluate_many`.
        lang: The language of the grade labels.

    Yields:
        One :class:`pyarrow.RecordBatch` of results per batch given (none for an empty one),
        with the columns of :func:`spark_schema`.

    Raises:
        MeasurementError: As :meth:`~csperf.Scorecard.evaluate_many`, for the first batch at
            fault.

    Example:
        >>> import pyarrow as pa
        >>> from csperf.distributed import score_batches
        >>> from csperf.templates import customer_service_manager
        >>> card = customer_service_manager()
        >>> batch = pa.record_batch({"subject": ["e1"], "customer_satisfaction": [0.92],
        ...     "complaint_rate": [0.008], "first_response_time": [45.0],
        ...     "resolution_time": [14400.0], "product_knowledge": [88.0],
        ...     "script_compliance": [0.95], "collaboration_rating": [4.2],
        ...     "information_sharing_rate": [0.9]})
        >>> [out.column("total").to_pylist() for out in score_batches([batch], card)]
        [[89.6]]
    """
    for batch in batches:
        if batch.num_rows == 0:
            continue
        result = card.evaluate_many(batch, subject=subject, extra=extra, nan=nan)
        yield from _table(result, lang).to_batches()


def spark_schema(card: Scorecard) -> str:
    """The schema of :func:`score_batches`' output as Spark DDL, for ``mapInArrow``.

    Column names with a dot are quoted with backticks, as Spark needs them
    (``df["`points.complaint_rate`"]``).

    Example:
        >>> from csperf.distributed import spark_schema
        >>> from csperf.templates import customer_service_manager
        >>> spark_schema(customer_service_manager())[:60]
        'subject string, `raw.customer_satisfaction` double, `raw.com'
    """
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    schema = _table(_empty(card), None).schema
    names = {pa.string(): "string", pa.float64(): "double", pa.bool_(): "boolean"}
    return ", ".join(
        f"{f'`{f.name}`' if '.' in f.name else f.name} {names[f.type]}" for f in schema
    )


def score_partition(
    frame: Any,
    card: Scorecard,
    *,
    subject: str | None = None,
    extra: str = "error",
    nan: str = "error",
    lang: str | None = None,
) -> Any:
    """Score one pandas partition (Dask's ``map_partitions``).

    The partition comes first, as ``map_partitions`` passes it:
    ``ddf.map_partitions(score_partition, card, meta=partition_meta(card))``.

    Args:
        frame: A pandas DataFrame of measurements.
        card: The scorecard.
        subject: The subject column or index, as in :meth:`~csperf.Scorecard.evaluate_many`.
        extra: As in :meth:`~csperf.Scorecard.evaluate_many`.
        nan: As in :meth:`~csperf.Scorecard.evaluate_many`.
        lang: The language of the grade labels.

    Returns:
        A pandas DataFrame of results with the partition's index and the columns of
        :func:`partition_meta`.

    Raises:
        MeasurementError: As :meth:`~csperf.Scorecard.evaluate_many`.
    """
    result = card.evaluate_many(frame, subject=subject, extra=extra, nan=nan)
    out = _table(result, lang).to_pandas()
    out.index = frame.index
    return out


def partition_meta(card: Scorecard) -> Any:
    """An empty pandas DataFrame with the columns and types of :func:`score_partition`.

    Dask's ``map_partitions(score_partition, card, meta=partition_meta(card))`` then needs no
    trial run on made-up data to learn them.
    """
    return _table(_empty(card), None).to_pandas()


def _empty(card: Scorecard) -> BatchResult:
    return card.evaluate_many({ind.metric: [] for ind in card.indicators})
