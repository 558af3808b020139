"""Scoring inside Spark and Dask (csperf.distributed and the recipes of its how-to page).

Spark and Dask are optional: without them these tests skip, saying why; with
``CSPERF_REQUIRE_BACKENDS=1`` (as CI sets it) a missing pyspark, Java or Dask is a failure.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.distributed import partition_meta, score_batches, score_partition, spark_schema
from csperf.errors import MeasurementError
from csperf.templates import customer_service_manager
from strategies import examples
from support import ROOT
from test_tables import METRICS, RANGES, tables

CARD = attrs.evolve(customer_service_manager(), missing="redistribute")
REQUIRED = os.environ.get("CSPERF_REQUIRE_BACKENDS") == "1"


def unavailable(reason: str) -> None:
    """Skip, or fail when CI requires the backends."""
    if REQUIRED:
        pytest.fail(f"{reason} (CSPERF_REQUIRE_BACKENDS=1 requires it)")
    pytest.skip(reason)


def need(module: str, extra: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        unavailable(f"{module} is not installed (pip install 'csperf[{extra}]')")


def recipes():
    spec = importlib.util.spec_from_file_location(
        "recipes", ROOT / "docs" / "examples" / "distributed" / "recipes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workforce(n: int, seed: int = 3) -> pd.DataFrame:
    """Rounded, tie-heavy measurements with missing values and NaN, as read_csv gives them."""
    rng = np.random.default_rng(seed)
    data = {"employee_id": [f"e{i:05d}" for i in range(n)]}
    for metric in METRICS:
        low, high, places = RANGES[metric]
        values = np.round(rng.uniform(low, high, n), places)
        values[rng.random(n) < 0.05] = np.nan
        data[metric] = values
    return pd.DataFrame(data)


def rounding_ties(frame: pd.DataFrame) -> int:
    """How many rows' totals lie on a rounding tie (where float and exact rounding can part)."""
    batch = CARD.evaluate_many(frame, subject="employee_id", nan="missing")
    scaled = batch.unrounded_totals * 10**CARD.precision
    return int((np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).sum())


def test_the_workforce_has_rounding_ties():
    assert rounding_ties(workforce(3000)) >= 5


def expected(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        CARD.evaluate_many(frame, subject="employee_id", nan="missing")
        .to_pandas()
        .drop(columns="rank")
        .astype({"grade": str, "grade_label": str})
    )


def same_frames(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.sort_values("subject").reset_index(drop=True)
    want = want.sort_values("subject").reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    for name in want.columns:
        a, b = got[name].to_numpy(), want[name].to_numpy()
        if a.dtype.kind == "f":
            np.testing.assert_array_equal(a, b, err_msg=name)  # NaN equals NaN here
        else:
            assert a.tolist() == b.tolist(), name


# -- the helpers on their own ----------------------------------------------------------------


@settings(max_examples=examples(40), deadline=None)
@given(table=tables(), cuts=st.lists(st.integers(0, 12), max_size=4))
def test_batch_by_batch_equals_evaluate_many(table, cuts):
    frame = pd.DataFrame(table).rename(columns={"subject": "employee_id"})
    frame = frame.astype({m: "float64" for m in METRICS})
    try:
        want = expected(frame)
    except Exception as exc:  # every indicator of a row missing: each batch refuses it too
        with pytest.raises(type(exc)):
            list(
                score_batches(
                    pa.Table.from_pandas(frame).to_batches(),
                    CARD,
                    nan="missing",
                    subject="employee_id",
                )
            )
        return
    edges = sorted({0, len(frame), *(c for c in cuts if c < len(frame))})
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    batches = [arrow.slice(a, b - a).to_batches()[0] for a, b in zip(edges, edges[1:])]
    out = list(score_batches(batches, CARD, subject="employee_id", nan="missing"))
    got = pa.Table.from_batches(out).to_pandas()
    same_frames(got, want)
    parts = [frame.iloc[a:b] for a, b in zip(edges, edges[1:])]
    got = pd.concat([score_partition(p, CARD, subject="employee_id", nan="missing") for p in parts])
    same_frames(got, want)


def test_the_declared_schemas_match_the_output():
    out = next(
        score_batches(
            [pa.RecordBatch.from_pandas(workforce(5))], CARD, subject="employee_id", nan="missing"
        )
    )
    ddl = spark_schema(CARD)
    assert [part.split(" ")[0].strip("`") for part in ddl.split(", ")] == out.schema.names
    assert set(out.schema.types) == {pa.string(), pa.float64()}
    meta = partition_meta(CARD)
    part = score_partition(workforce(5), CARD, subject="employee_id", nan="missing")
    assert list(meta.columns) == list(part.columns) == out.schema.names
    assert meta.dtypes.to_dict() == part.dtypes.to_dict()
    assert len(meta) == 0


def test_a_partition_keeps_its_index_and_empty_batches_yield_nothing():
    frame = workforce(4)
    frame.index = [10, 11, 12, 13]
    assert score_partition(frame, CARD, subject="employee_id", nan="missing").index.tolist() == [
        10,
        11,
        12,
        13,
    ]
    empty = pa.RecordBatch.from_pandas(frame.iloc[:0], preserve_index=False)
    assert list(score_batches([empty], CARD, subject="employee_id")) == []


# -- Dask --------------------------------------------------------------------------------------


def test_the_dask_recipe_scores_partition_by_partition():
    dd = need("dask.dataframe", "dask")
    frame = workforce(3000)
    measurements = dd.from_pandas(frame, npartitions=4)
    scored = recipes().score_dask(CARD, measurements)
    assert scored.npartitions == 4
    same_frames(scored.compute(), expected(frame))
    with pytest.raises(MeasurementError, match=r"csperf\.distributed"):
        CARD.evaluate_many(measurements, subject="employee_id")


# -- Spark -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark():
    """One local Spark session per test process, stopped at the end of the session.

    Session-scoped, so that a session another module has started (``getOrCreate`` returns it)
    is not stopped under it when this module ends.
    """
    need("pyspark", "spark")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        unavailable("Spark needs a Java runtime (JAVA_HOME, or java on the PATH)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("csperf-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


# PySpark 4 warns that it does not fully support pandas 3 when it meets pandas; the recipe uses
# Arrow only, the test builds its input from pandas.
SPARK_WARNINGS = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")


@pytest.mark.slow
@SPARK_WARNINGS
def test_the_spark_recipe_scores_partition_by_partition(spark):
    frame = workforce(3000)
    measurements = spark.createDataFrame(pa.Table.from_pandas(frame)).repartition(3)
    assert measurements.rdd.getNumPartitions() == 3
    scored = recipes().score_spark(CARD, measurements)
    got = scored.toArrow().to_pandas()
    want = expected(frame)
    ranks = CARD.evaluate_many(frame, subject="employee_id", nan="missing").ranks()
    same_frames(got.drop(columns="rank"), want)
    by_subject = dict(zip(got["subject"], got["rank"]))
    assert [by_subject[s] for s in frame["employee_id"]] == ranks.tolist()


@pytest.mark.slow
@SPARK_WARNINGS
def test_spark_scores_with_a_partial_too(spark):
    frame = workforce(50)
    measurements = spark.createDataFrame(pa.Table.from_pandas(frame))
    scorer = functools.partial(score_batches, card=CARD, subject="employee_id", nan="missing")
    got = measurements.mapInArrow(scorer, spark_schema(CARD)).toArrow().to_pandas()
    same_frames(got, expected(frame))
