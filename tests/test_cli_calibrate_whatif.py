"""`csperf calibrate` and `csperf whatif` through click's runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from csperf import calibrate, load_scorecard, shift_dimension, whatif
from csperf.cli import EXIT_USAGE, cli
from csperf.sources import Measurements
from support import ROOT

TEMPLATE = ROOT / "src/csperf/templates/customer-service-manager.toml"
HEADER = [
    "subject",
    "customer_satisfaction",
    "complaint_rate",
    "first_response_time",
    "resolution_time",
    "product_knowledge",
    "script_compliance",
    "collaboration_rating",
    "information_sharing_rate",
]
ROWS = [
    ["li", 0.92, 0.004, 45, 20000, 88, 0.93, 4.2, 0.97],  # 90.48, worked in test_scorecard.py
    ["zhang", 0.86, 0.009, 95, 26000, 82, 0.91, 4.0, 0.9],  # 83.01
    ["wang", 0.92, 0.004, 45, 20000, 95, 0.93, 4.2, 0.97],
    ["zhao", 0.9, 0.006, 60, 22000, 75, 0.9, 3.6, 0.92],
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def measurements(tmp_path) -> Path:
    path = tmp_path / "measurements.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def _api_batch(measurements):
    card = load_scorecard(TEMPLATE)
    table = Measurements.read(measurements, metrics=[i.metric for i in card.indicators])
    return card, table, card.evaluate_many(table, extra="ignore")


def test_calibrate_prints_what_the_api_gives(runner, measurements):
    args = ["calibrate", str(TEMPLATE), "--measurements", str(measurements)]
    out = runner.invoke(cli, [*args, "--quotas", "25/50/25/0", "--format", "csv"])
    assert out.exit_code == 0, out.output
    _card, _table, batch = _api_batch(measurements)
    expected = calibrate(batch, [25, 50, 25, 0])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["Calibrated grade"] for r in rows] == expected.calibrated.tolist()
    by_band = runner.invoke(cli, [*args, "--quotas", "excellent=25,good=50,pass=25"])
    assert by_band.exit_code == 0, by_band.output
    assert "Every grade that moved, and why" in by_band.stdout
    data = json.loads(
        runner.invoke(cli, [*args, "--quotas", "25/50/25/0", "--format", "json"]).stdout
    )
    assert [m["subject"] for m in data["moved"]] == [m.subject for m in expected.moved]


def test_calibrate_by_team_and_to_files(runner, measurements, tmp_path):
    teams = tmp_path / "teams.csv"
    teams.write_text("subject,team\nli,a\nzhang,a\nwang,b\nzhao,b\n", encoding="utf-8")
    args = ["calibrate", str(TEMPLATE), "--measurements", str(measurements)]
    out = runner.invoke(
        cli, [*args, "--quotas", "50/50/0/0", "--teams", str(teams), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {q["scope"] for q in data["quotas"]} == {"a", "b"}
    for name in ("cal.xlsx", "cal.html"):
        written = runner.invoke(
            cli, [*args, "--quotas", "50/50/0/0", "--output", str(tmp_path / name)]
        )
        assert written.exit_code == 0, written.output
        assert (tmp_path / name).stat().st_size > 0
    assert len(openpyxl.load_workbook(tmp_path / "cal.xlsx").sheetnames) == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quotas", "20/70/x"], "expected shares such as 20/70/10"),
        (["--quotas", "20/70/10"], "3 quotas for 4 grade bands"),
        (["--quotas", "20/80/0/0", "--format", "xlsx"], "--format xlsx needs --output"),
    ],
)
def test_calibrate_errors_are_one_line(runner, measurements, extra, message):
    out = runner.invoke(
        cli, ["calibrate", str(TEMPLATE), "--measurements", str(measurements), *extra]
    )
    assert out.exit_code == EXIT_USAGE
    assert message in out.output
    assert "Traceback" not in out.output


def test_bad_teams_file_names_the_line(runner, measurements, tmp_path):
    teams = tmp_path / "teams.csv"
    teams.write_text("subject,team\nli,a\nli,b\n", encoding="utf-8")
    out = runner.invoke(
        cli,
        [
            "calibrate",
            str(TEMPLATE),
            "--measurements",
            str(measurements),
            "--quotas",
            "50/50/0/0",
            "--teams",
            str(teams),
        ],
    )
    assert out.exit_code == EXIT_USAGE
    assert "teams.csv:3: subject repeated: subject 'li', team 'b'" in out.output


def test_whatif_scenarios_and_shift(runner, measurements, tmp_path):
    scenarios = tmp_path / "scenarios.toml"
    scenarios.write_text(
        '[equal]\nstrategy = "equal"\n\n[entropy]\nstrategy = "entropy"\n\n'
        '[weak_efficiency]\nstrategy = "swot"\n'
        'factors = [{kind = "weakness", target = "efficiency", reason = "slow", intensity = 1}]\n',
        encoding="utf-8",
    )
    args = ["whatif", str(TEMPLATE), "--measurements", str(measurements)]
    out = runner.invoke(
        cli,
        [
            *args,
            "--scenarios",
            str(scenarios),
            "--shift",
            "teamwork=-5",
            "--draws",
            "4",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    names = [s["name"] for s in data["whatif"]["scenarios"]]
    assert names == ["equal", "entropy", "weak_efficiency", "teamwork -5"]
    card, table, _batch = _api_batch(measurements)
    direct = whatif(
        card, table, {"t": shift_dimension(card.weighting, "teamwork", -5)}, extra="ignore"
    )
    assert data["whatif"]["scenarios"][3]["deltas"] == [
        {"subject": s, "delta": d}
        for s, d in zip(direct.baseline.subjects, direct.scenarios[0].deltas.tolist())
    ]
    assert data["sensitivity"]["draws"] == 4
    text = runner.invoke(cli, [*args, "--shift", "teamwork=5", "--draws", "3", "--lang", "zh"])
    assert text.exit_code == 0, text.output
    assert "权重敏感性" in text.stdout
    written = runner.invoke(cli, [*args, "--draws", "3", "--output", str(tmp_path / "w.xlsx")])
    assert written.exit_code == 0, written.output
    assert len(openpyxl.load_workbook(tmp_path / "w.xlsx").sheetnames) == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--shift", "teamwork"], "expected DIMENSION=POINTS"),
        (["--shift", "nowhere=5"], "no dimension 'nowhere'"),
        (["--shift", "teamwork=95"], "outside 0-100%"),
    ],
)
def test_whatif_errors_are_one_line(runner, measurements, extra, message):
    out = runner.invoke(
        cli, ["whatif", str(TEMPLATE), "--measurements", str(measurements), "--draws", "0", *extra]
    )
    assert out.exit_code == EXIT_USAGE, out.output
    assert message in out.output
    assert "Traceback" not in out.output


def test_bad_scenario_names_file_and_scenario(runner, measurements, tmp_path):
    scenarios = tmp_path / "scenarios.toml"
    scenarios.write_text('[mine]\nstrategy = "swot"\n', encoding="utf-8")
    out = runner.invoke(
        cli,
        [
            "whatif",
            str(TEMPLATE),
            "--measurements",
            str(measurements),
            "--scenarios",
            str(scenarios),
            "--draws",
            "0",
        ],
    )
    assert out.exit_code == EXIT_USAGE
    assert "scenario 'mine'" in out.output and "factors" in out.output


def test_outputs_never_overwrite_an_input(runner, measurements):
    for command in (["calibrate", "--quotas", "50/50/0/0"], ["whatif", "--draws", "0"]):
        out = runner.invoke(
            cli,
            [
                command[0],
                str(TEMPLATE),
                "--measurements",
                str(measurements),
                *command[1:],
                "--output",
                str(measurements),
                "--format",
                "csv",
            ],
        )
        assert out.exit_code == EXIT_USAGE, out.output
        assert "refusing to overwrite the input file" in out.output
    assert measurements.read_text().startswith("subject,")
