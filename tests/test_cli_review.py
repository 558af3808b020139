"""csperf history add|list|show|close, csperf review, csperf compare."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from csperf import History, load_scorecard
from csperf.cli import EXIT_USAGE, cli
from support import ROOT

TEMPLATE = ROOT / "src/csperf/templates/customer-service-manager.toml"
BASE = {
    "customer_satisfaction": 0.92,
    "complaint_rate": 0.008,
    "first_response_time": 45,
    "resolution_time": 14400,
    "product_knowledge": 88,
    "script_compliance": 0.95,
    "collaboration_rating": 4.2,
    "information_sharing_rate": 0.9,
}


def write_measurements(path, knowledge):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject", *BASE])
        for subject, k in knowledge.items():
            writer.writerow([subject, *({**BASE, "product_knowledge": k}.values())])
    return str(path)


@pytest.fixture
def store(tmp_path):
    runner = CliRunner()
    q1 = write_measurements(tmp_path / "q1.csv", {"ann": 88, "bo": 60, "cy": 100})
    q2 = write_measurements(tmp_path / "q2.csv", {"ann": 60, "bo": 95, "cy": 100})
    teams = tmp_path / "teams.csv"
    teams.write_text("subject,team\nann,T1\nbo,T1\ncy,T2\n", encoding="utf-8")
    path = str(tmp_path / "h.duckdb")
    for period, file in (("2024-Q1", q1), ("2024-Q2", q2)):
        result = runner.invoke(
            cli,
            [
                "history",
                "add",
                period,
                str(TEMPLATE),
                "--measurements",
                file,
                "--teams",
                str(teams),
                "--store",
                path,
            ],
        )
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{period} r1 customer_service_manager v1 [")
    return path, q1


def test_history_commands(store):
    path, q1 = store
    runner = CliRunner()
    listed = runner.invoke(cli, ["history", "list", "--store", path])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == ["2024-Q1", "2024-Q2"]
    closed = runner.invoke(cli, ["history", "close", "2024-Q1", "--store", path, "--note", "ok"])
    assert closed.exit_code == 0 and "closed" in closed.output
    refused = runner.invoke(
        cli, ["history", "add", "2024-Q1", str(TEMPLATE), "--measurements", q1, "--store", path]
    )
    assert refused.exit_code == EXIT_USAGE
    assert refused.output.startswith("csperf: error: History: period '2024-Q1' is closed")
    assert "Traceback" not in refused.output
    again = runner.invoke(
        cli,
        [
            "history",
            "add",
            "2024-Q1",
            str(TEMPLATE),
            "--measurements",
            q1,
            "--store",
            path,
            "--reason",
            "a survey was counted twice",
        ],
    )
    assert again.exit_code == 0 and "r2" in again.output
    shown = runner.invoke(cli, ["history", "show", "2024-Q1", "--revision", "1", "--store", path])
    assert "ann (T1): 89.6 good" in shown.output and "closed" in shown.output
    as_json = runner.invoke(cli, ["history", "show", "2024-Q1", "--json", "--store", path])
    document = json.loads(as_json.output)
    assert document["revision"] == 2 and document["rows"][0]["subject"] == "ann"
    missing = runner.invoke(cli, ["history", "show", "2030-Q1", "--store", path])
    assert missing.exit_code == EXIT_USAGE and "no period '2030-Q1'" in missing.output


def test_review_command_writes_a_new_card_and_the_views(store, tmp_path):
    path, _ = store
    runner = CliRunner()
    new = tmp_path / "new.toml"
    result = runner.invoke(
        cli,
        [
            "review",
            "2024-Q1",
            "--store",
            path,
            "--recalibrate",
            "product_knowledge",
            "--share",
            "excellent=0.34",
            "--share",
            "good=0.33",
            "--share",
            "pass=0.33",
            "--share",
            "fail=0",
            "--write",
            str(new),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "review of customer_service_manager v1" in result.output
    assert "product_knowledge.standards:" in result.output
    card = load_scorecard(new)
    assert card.version == "2"
    with History.open(path) as history:
        assert history.show("2024-Q1").card.indicator("product_knowledge") != card.indicator(
            "product_knowledge"
        )
    for fmt, head in (("html", b"<!DOCTYPE html>"), ("xlsx", b"PK"), ("json", b"{")):
        out = tmp_path / f"review.{fmt}"
        done = runner.invoke(
            cli, ["review", "2024-Q1", "--store", path, "--format", fmt, "--output", str(out)]
        )
        assert done.exit_code == 0, done.output
        assert out.read_bytes().startswith(head)
    bad = runner.invoke(cli, ["review", "2024-Q1", "--store", path, "--share", "excellent"])
    assert bad.exit_code == EXIT_USAGE and "BAND=SHARE" in bad.output
    needs = runner.invoke(cli, ["review", "2024-Q1", "--store", path, "--format", "xlsx"])
    assert needs.exit_code == EXIT_USAGE and "needs --output" in needs.output


def test_compare_command(store, tmp_path):
    path, _ = store
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", "--store", path])
    assert result.exit_code == 0, result.output
    assert "ann: 89.6 → 86.8 (Δ -2.80); rank 2 → 3; good → good" in result.output
    assert "team T1: mean total 88.20 → 88.55 (Δ +0.35)" in result.output
    html = tmp_path / "compare.html"
    done = runner.invoke(
        cli, ["compare", "--store", path, "--format", "html", "--output", str(html)]
    )
    assert done.exit_code == 0 and html.read_text(encoding="utf-8").count("<svg") == 5
    one = runner.invoke(cli, ["compare", "2024-Q1", "--store", path])
    assert one.exit_code == EXIT_USAGE and "two periods or more" in one.output


def test_history_add_keeps_the_provenance_of_the_weights(tmp_path):
    from csperf import dump_scorecard
    from csperf.cli import SAMPLE_SWOT
    from csperf.hooks import get_plugin_manager

    base = load_scorecard(TEMPLATE)
    factors = [{**f, "reason": f["reason"]["en"]} for f in SAMPLE_SWOT]
    adjusted = get_plugin_manager().weight_strategy("swot").compute(base, factors=factors)
    card = tmp_path / "swot.toml"
    dump_scorecard(adjusted.apply(base), card)
    provenance = tmp_path / "weights.json"
    provenance.write_text(json.dumps(adjusted.to_dict()), encoding="utf-8")
    q1 = write_measurements(tmp_path / "q1.csv", {"ann": 88})
    store = str(tmp_path / "h.duckdb")
    runner = CliRunner()
    args = ["history", "add", "Q1", "--measurements", q1, "--provenance", str(provenance)]
    done = runner.invoke(cli, [*args, str(card), "--store", store])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(cli, ["history", "show", "Q1", "--store", store])
    assert "  weights: efficiency 30% → 35%: weakness, average response time too long" in (
        shown.output
    )
    refused = runner.invoke(cli, [*args, str(TEMPLATE), "--store", store])
    assert refused.exit_code == EXIT_USAGE
    assert "describes other weights than the card's" in refused.output
