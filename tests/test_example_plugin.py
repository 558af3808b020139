"""The example plugin package of the "Writing a plugin" guide, installed and exercised."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import csperf
from csperf.hooks import DISABLED_ENV, get_plugin_manager
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
    assert "example" in dict(pm.list_name_plugin())
    assert pm.distributions["example"] == "csperf-example-plugin 1.0.0"
    assert "budget" in csperf.weight_strategies(pm)
    assert "jsonl" in csperf.metric_sources(pm)


def test_the_weight_strategy_computes_a_weighting(installed, manager_card):
    strategy = csperf.weight_strategy("budget", get_plugin_manager())
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
    with pytest.raises(csperf.WeightingError, match="every dimension"):
        strategy.compute(manager_card, points={"service_quality": 1})


def test_the_metric_source_feeds_a_scorecard(installed, manager_card, li_wei, tmp_path):
    path = tmp_path / "teams.jsonl"
    path.write_text(
        json.dumps({"subject": "north", **li_wei})
        + "\n"
        + json.dumps({"subject": "south", **{**li_wei, "complaint_rate": 0.02}})
        + "\n"
    )
    source_type = csperf.metric_source("jsonl", get_plugin_manager())
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
    assert "budget" not in csperf.weight_strategies(pm)
    with pytest.raises(csperf.UnknownNameError, match="unknown metric source 'jsonl'"):
        csperf.metric_source("jsonl", pm)
