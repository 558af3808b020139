"""The SQL definitions in docs/explanation/metrics.rst give the catalog's numbers.

Every ``.. code-block:: postgresql`` block of the page whose first line is ``-- <metric>`` is
run in DuckDB over the sample centre and compared with the catalog function's defaults.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from csperf.datasets import contact_centre
from csperf.hooks import get_plugin_manager
from csperf.metrics import measure
from support import ROOT

CATALOG = get_plugin_manager(entry_points=False).metrics()
duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pandas")

PAGE = ROOT / "docs" / "explanation" / "metrics.rst"
BLOCK = re.compile(r"\.\. code-block:: postgresql\n\n((?:[ ]+.*\n|\n)+)")


def sql_blocks() -> dict[str, str]:
    blocks = {}
    for match in BLOCK.finditer(PAGE.read_text(encoding="utf-8")):
        lines = [line.strip() for line in match.group(1).strip("\n").splitlines()]
        name = lines[0].removeprefix("--").strip()
        blocks[name] = "\n".join(lines[1:])
    return blocks


@pytest.fixture(scope="module")
def centre():
    data = contact_centre(seed=11, managers=1, teams_per_manager=2, agents_per_team=3, days=42)
    connection = duckdb.connect()
    for name, frame in data.to_frames().items():
        connection.register(name, frame)
    yield data, connection
    connection.close()


def test_every_metric_has_its_sql():
    assert set(CATALOG) <= set(sql_blocks())


@pytest.mark.parametrize("name", list(CATALOG))
def test_sql_agrees_with_the_catalog(centre, name):
    data, connection = centre
    # a period that cuts the data, from day 6 16:00 UTC (day 7 00:00 +08:00) to day 35
    start = datetime(2024, 1, 6, 16, 0, tzinfo=timezone.utc)
    end = data.start + timedelta(days=35)
    spec = CATALOG[name]
    expected = spec.function(getattr(data, spec.record_kind), period=(start, end))
    value, size = connection.execute(sql_blocks()[name], [start, end]).fetchone()
    assert size == expected.sample_size
    assert expected.value is not None
    assert value == pytest.approx(expected.value, rel=1e-9)


def test_team_rollup_sql_agrees(centre):
    data, connection = centre
    rollup = measure(
        {"surveys": data.surveys}, level="team", roster=data.roster, period=data.period
    )
    rows = connection.execute(
        sql_blocks()["customer_satisfaction by team"], [data.start, data.end]
    ).fetchall()
    assert {team for team, _, _ in rows} == set(rollup)
    for team, value, size in rows:
        expected = rollup[team]["customer_satisfaction"]
        assert (size, value) == (expected.sample_size, pytest.approx(expected.value, rel=1e-9))
