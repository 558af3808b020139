"""The example plugin package of the "Writing a plugin" guide, installed and exercised."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

import csperf
from csperf.cli import cli
from csperf.hooks import DISABLED_ENV, get_plugin_manager
from csperf.metrics import Ticket, measure
from csperf.units import ValueDomain
from support import ROOT

pytestmark = pytest.mark.slow  # pip-installs the example package

EXAMPLE = ROOT / "docs" / "examples" / "csperf-example-plugin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """pip-install the example package into a fresh directory and put it on sys.path."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))
    for name in [m for m in sys.modules if m.startswith("csperf_example")]:
        del sys.modules[name]


def test_the_entry_point_plugin_is_found(installed):
    pm = get_plugin_manager()
    assert "example" in pm.names
    assert pm.distributions["example"] == "csperf-example-plugin 1.0.0"
    assert "budget" in pm.weight_strategies()
    assert "jsonl" in pm.metric_sources()
    assert "reopen_rate" in pm.metrics()
    assert "ranking" in pm.report_formats()
    assert ("example", "metric", "reopen_rate") in pm.offers()


def test_the_weight_strategy_computes_a_weighting(installed, manager_card):
    strategy = get_plugin_manager().weight_strategy("budget")
    result = strategy.compute(
        manager_card,
        points={"service_quality": 500, "efficiency": 250, "capability": 150, "teamwork": 100},
    )
    assert result.weighting.dimensions == {
        "service_quality": 0.5,
        "efficiency": 0.25,
        "capability": 0.15,
        "teamwork": 0.1,
    }
    assert result.weighting.indicators["efficiency"] == {
        "first_response_time": 0.5,
        "resolution_time": 0.5,
    }
    assert result.lines[0] == "service_quality: 500 of 1000 points = 50.0%"
    with pytest.raises(csperf.errors.WeightingError, match="every dimension"):
        strategy.compute(manager_card, points={"service_quality": 1})


def test_the_metric_source_feeds_a_scorecard(installed, manager_card, li_wei, tmp_path):
    path = tmp_path / "teams.jsonl"
    path.write_text(
        json.dumps({"subject": "north", **li_wei})
        + "\n"
        + json.dumps({"subject": "south", **{**li_wei, "complaint_rate": 0.02}})
        + "\n"
    )
    source_type = get_plugin_manager().metric_source("jsonl")
    measurements = source_type.from_options({"path": str(path)}).measure()
    assert measurements.subjects == ("north", "south")
    batch = manager_card.evaluate_many(measurements)
    # north is Li Wei (90.48); south's complaint rate 2 % scores 60 instead of 92:
    # 90.48 - 0.16 * (92 - 60) = 85.36
    assert batch.totals.tolist() == [90.48, 85.36]
    assert manager_card.evaluate(measurements, "south").total == 85.36


def test_the_plugin_can_be_blocked_by_name(installed, monkeypatch):
    monkeypatch.setenv(DISABLED_ENV, "example")
    pm = get_plugin_manager()
    assert "budget" not in pm.weight_strategies()
    assert "reopen_rate" not in pm.metrics()
    with pytest.raises(csperf.errors.UnknownNameError, match="unknown metric source 'jsonl'"):
        pm.metric_source("jsonl")
    result = CliRunner().invoke(cli, ["plugins"])
    assert "example" not in result.output


# -- the metric and the report format ---------------------------------------------------------

DAY = datetime(2024, 3, 4, tzinfo=timezone.utc)

REOPEN_CARD = """\
key = "reopens"
title = "Reopens"

[[dimensions]]
key = "quality"
name = "Quality"

[[indicators]]
key = "reopen_rate"
name = "Reopen rate"
dimension = "quality"
direction = "lower_is_better"
unit = "fraction"
scoring = { kind = "piecewise", points = [[0.0, 100], [0.5, 0]] }

[weighting]
dimensions = { quality = 100 }
indicators = { quality = { reopen_rate = 100 } }
"""


def _tickets() -> list[Ticket]:
    pattern = [("ann", True), ("ann", False), ("ann", False), ("ann", False), ("bob", False)]
    return [
        Ticket(i, agent, "chat", DAY, resolved_at=DAY, reopened=reopened)
        for i, (agent, reopened) in enumerate(pattern)
    ]


def test_the_metric_is_measured_and_scored(installed):
    rollup = measure({"tickets": _tickets()}, metrics=["reopen_rate", "complaint_rate"])
    assert rollup["ann"]["reopen_rate"].value == 0.25
    assert rollup["ann"]["reopen_rate"].sample_size == 4
    assert rollup["bob"]["reopen_rate"].value == 0.0
    card = csperf.loads_scorecard(REOPEN_CARD, "toml")
    result = csperf.Appraisal(card).evaluate(rollup.raw("ann"), "ann")
    # 0.25 on the line from (0, 100) to (0.5, 0): 50 points
    assert result.total == 50.0
    spec = get_plugin_manager().metric("reopen_rate")
    assert spec.direction is csperf.Direction.LOWER_IS_BETTER
    assert spec.domain == ValueDomain(0, 1)


def test_the_cli_lists_the_metric_and_the_format(installed):
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    assert "example (csperf-example-plugin 1.0.0)" in result.output
    assert "  metric reopen_rate" in result.output
    assert "  report format ranking" in result.output


def test_the_cli_scores_the_metric_from_a_source(installed, tmp_path):
    card = tmp_path / "reopens.toml"
    card.write_text(REOPEN_CARD, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(card),
            "--source",
            "records",
            "--source-option",
            "dataset=contact_centre",
            "--level",
            "manager",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    subjects = json.loads(result.output)["subjects"]
    assert subjects
    raws = [i["raw"] for s in subjects for i in s["indicators"] if i["key"] == "reopen_rate"]
    assert len(raws) == len(subjects)
    assert all(0 <= raw <= 1 for raw in raws)


def test_the_cli_writes_the_report_format(installed, tmp_path, li_wei):
    card = tmp_path / "reopens.toml"
    card.write_text(REOPEN_CARD, encoding="utf-8")
    table = tmp_path / "measurements.csv"
    table.write_text("subject,reopen_rate\nnorth,0.1\nsouth,0.3\n", encoding="utf-8")
    out = tmp_path / "ranking.txt"
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(card),
            "--measurements",
            str(table),
            "--format",
            "ranking",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    # north: 100 - 0.1 / 0.5 * 100 = 80; south: 40
    assert lines[0].startswith("1. north: 80 (")
    assert lines[1].startswith("2. south: 40 (")
    printed = CliRunner().invoke(
        cli, ["score", str(card), "--measurements", str(table), "--format", "ranking"]
    )
    assert printed.output.splitlines() == lines
    unknown = CliRunner().invoke(
        cli, ["score", str(card), "--measurements", str(table), "--format", "nosuch"]
    )
    assert unknown.exit_code == 2
    assert "unknown report format 'nosuch'" in unknown.output


def test_the_sql_sources_measure_the_builtins_and_refuse_the_plugin_metric(installed, tmp_path):
    pytest.importorskip("duckdb")
    from csperf.datasets import contact_centre
    from csperf.sources import DuckDbSource

    folder = tmp_path / "centre"
    contact_centre(seed=1, managers=1, agents_per_team=3, days=14).write_csv(folder)
    source = DuckDbSource(folder)
    period = "2024-01-01..2024-01-15"
    measured = source.measure(period=period, tz="Asia/Shanghai", level="manager")
    assert "complaint_rate" in measured.metrics
    assert "reopen_rate" not in measured.metrics
    with pytest.raises(csperf.errors.UnknownNameError, match="'reopen_rate' has no SQL definition"):
        source.measure(period=period, tz="Asia/Shanghai", metrics=["reopen_rate"])
