"""Scoring a Spark or a Dask DataFrame partition by partition (the how-to on Spark and Dask).

tests/test_distributed.py runs both recipes and checks them against ``evaluate_many``.
"""

from __future__ import annotations

from typing import Any

from csperf import Scorecard


# -- Spark -----------------------------------------------------------------------------------
def score_spark(card: Scorecard, measurements: Any) -> Any:
    """Score a PySpark DataFrame of measurements, one row per employee."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    from csperf.distributed import score_batches, spark_schema

    scored = measurements.mapInArrow(
        lambda batches: score_batches(batches, card, subject="employee_id", nan="missing"),
        spark_schema(card),
    )
    # A rank compares every row, so Spark computes it ("1224": ties share a rank).
    return scored.withColumn("rank", F.rank().over(Window.orderBy(F.desc("total"))))


# -- Dask ------------------------------------------------------------------------------------
def score_dask(card: Scorecard, measurements: Any) -> Any:
    """Score a Dask DataFrame of measurements, one row per employee."""
    from csperf.distributed import partition_meta, score_partition

    return measurements.map_partitions(
        score_partition,
        card,
        subject="employee_id",
        nan="missing",
        meta=partition_meta(card),
    )
