"""The agreement, calibration-session and rater-severity commands."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from csperf.agreement import icc, rater_severity
from csperf.cli import EXIT_DATA, EXIT_USAGE, cli

SHROUT_FLEISS = [(9, 2, 5, 8), (6, 1, 3, 2), (8, 4, 6, 8), (7, 1, 2, 6), (10, 5, 6, 9), (6, 2, 4, 7)]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def ratings(tmp_path):
    path = tmp_path / "ratings.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["rater", "item", "score"])
        for i, row in enumerate(SHROUT_FLEISS):
            for rater, score in zip("ABCD", row):
                writer.writerow([rater, f"t{i}", score])
    return path


def _rows():
    return [
        {"rater": r, "item": f"t{i}", "score": float(s)}
        for i, row in enumerate(SHROUT_FLEISS)
        for r, s in zip("ABCD", row)
    ]


def test_agreement_icc(runner, ratings):
    result = runner.invoke(cli, ["agreement", str(ratings), "--method", "icc"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [str(icc(_rows())), "BMS = 11.2417, JMS = 32.4861, EMS = 1.0194"]
    assert result.output.startswith("ICC(2,1) = 0.290 (95% CI 0.019 to 0.761; 6 items, 4 raters")


def test_agreement_json(runner, ratings):
    result = runner.invoke(cli, ["agreement", str(ratings), "--method", "icc", "--average", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    expected = icc(_rows(), average=True)
    assert document["method"] == "ICC(2,k)"
    assert document["value"] == expected.value
    assert document["ci"] == {
        "low": expected.ci.low, "high": expected.ci.high, "level": 0.95, "method": "F",
        "resamples": None, "seed": None,
    }  # fmt: skip
    assert (document["items"], document["raters"], document["ratings"]) == (6, 4, 24)


def test_agreement_alpha_and_fleiss(runner, ratings):
    alpha = runner.invoke(
        cli, ["agreement", str(ratings), "--method", "alpha", "--level", "interval",
              "--resamples", "50", "--seed", "5"],
    )  # fmt: skip
    assert alpha.exit_code == 0, alpha.output
    assert alpha.output.startswith("Krippendorff's alpha (interval) = ")
    assert "percentile bootstrap over items, 50 resamples, seed 5" in alpha.output
    fleiss = runner.invoke(cli, ["agreement", str(ratings), "--method", "fleiss"])
    assert fleiss.exit_code == 0, fleiss.output
    assert "standard error under no agreement" in fleiss.output


def test_agreement_kappa_with_labels(runner, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "reviewer,call,grade\n"
        "a,1,good\nb,1,good\na,2,poor\nb,2,fair\na,3,fair\nb,3,fair\na,4,poor\nb,4,poor\n",
        encoding="utf-8",
    )
    columns = ["--rater-column", "reviewer", "--item-column", "call", "--score-column", "grade"]
    result = runner.invoke(
        cli, ["agreement", str(path), "--method", "kappa", "--weights", "linear",
              "--categories", "poor,fair,good", *columns],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("weighted kappa (linear) = ")
    assert "standard error:" in result.output


def test_agreement_errors_name_the_line(runner, ratings, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("rater,item,score\nA,1,9\nB,1,nan\nA,2,4\nB,2,５\n", encoding="utf-8")
    result = runner.invoke(cli, ["agreement", str(bad), "--method", "icc"])
    assert result.exit_code == EXIT_DATA
    assert result.output.strip() == (
        f"csperf: error: {bad}:3: rater 'B' gives item '1' the score 'nan' (row 1); "
        "ICC(2,1) needs numbers"
    )
    bad.write_text("rater,item,score\nA,1,9\nB,1,\nA,2,4\nB,2,５\n", encoding="utf-8")
    missing = runner.invoke(cli, ["agreement", str(bad), "--method", "icc"])
    assert missing.exit_code == EXIT_DATA  # an empty cell is no rating; a full-width ５ is 5
    assert "rater 'B' has no rating of item '1'" in missing.output
    kappa = runner.invoke(cli, ["agreement", str(ratings), "--method", "kappa"])
    assert kappa.exit_code == EXIT_DATA
    assert f"{ratings}: Cohen's kappa: Cohen's kappa needs exactly 2 raters, got 4" in kappa.output
    misplaced = runner.invoke(cli, ["agreement", str(ratings), "--method", "icc", "--weights", "linear"])
    assert misplaced.exit_code == EXIT_USAGE
    assert "--weights does not apply to --method icc" in misplaced.output
    for flags in (["--method", "fleiss", "--confidence", "0.9"], ["--method", "icc", "--seed", "1"],
                  ["--method", "kappa", "--level", "ordinal"]):
        wrong = runner.invoke(cli, ["agreement", str(ratings), *flags])
        assert wrong.exit_code == EXIT_USAGE
        assert f"{flags[2]} does not apply to --method {flags[1]}" in wrong.output
    nocolumn = runner.invoke(cli, ["agreement", str(ratings), "--method", "icc", "--rater-column", "who"])
    assert nocolumn.exit_code == EXIT_USAGE
    assert "no column 'who' (columns: rater, item, score)" in nocolumn.output
    assert "Traceback" not in result.output + kappa.output + misplaced.output


def test_calibration_session(runner, tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text(
        "rater,item,score\nlead,1,80\nann,1,85\nbo,1,60\nlead,2,90\nann,2,90\nbo,2,88\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["calibration-session", str(path), "--expert", "lead"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "calibration against expert 'lead', tolerance ±10, target 85.0%",
        "3 of 4 reviews within tolerance (75.0%): target not met",
    ]
    loose = runner.invoke(
        cli, ["calibration-session", str(path), "--expert", "lead", "--tolerance", "20",
              "--target", "0.9", "--json"],
    )  # fmt: skip
    document = json.loads(loose.output)
    assert (document["within"], document["meets_target"], document["target"]) == (4, True, 0.9)
    assert [r["reviewer"] for r in document["reviewers"]] == ["ann", "bo"]
    median = runner.invoke(cli, ["calibration-session", str(path), "--consensus", "median"])
    assert median.exit_code == 0 and "against the median" in median.output
    missing = runner.invoke(cli, ["calibration-session", str(path), "--expert", "boss"])
    assert missing.exit_code == EXIT_DATA
    assert "the expert 'boss' has no review" in missing.output


def test_rater_severity_reports_the_correction_and_writes_the_scores(runner, ratings, tmp_path):
    out = tmp_path / "corrected.csv"
    result = runner.invoke(
        cli, ["rater-severity", str(ratings), "--correction", "offset", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("correction: offset (score − rater's offset from the item mean)")
    expected = rater_severity(_rows(), correction="offset")
    with out.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["rater"], r["item"], r["score"]) for r in written][:2] == [("A", "t0", "9"), ("B", "t0", "2")]
    assert {(r["rater"], r["item"]): float(r["corrected"]) for r in written} == dict(expected.scores)
    as_json = json.loads(
        runner.invoke(cli, ["rater-severity", str(ratings), "--correction", "zscore", "--json"]).output
    )
    assert as_json["correction"] == "zscore"
    assert [r["rater"] for r in as_json["raters"]] == ["A", "B", "C", "D"]
    refuse = runner.invoke(cli, ["rater-severity", str(ratings), "--output", str(ratings)])
    assert refuse.exit_code == EXIT_USAGE
    assert "refusing to overwrite the input file" in refuse.output


@pytest.mark.parametrize(
    "command", [["agreement", "--method", "icc"], ["calibration-session"]], ids=["agreement", "session"]
)
def test_output_goes_with_a_view(runner, ratings, tmp_path, command):
    target = tmp_path / "view.html"
    args = [*command, str(ratings), "--output", str(target)]
    done = runner.invoke(cli, args)
    assert done.exit_code == EXIT_USAGE
    assert "--output goes with --format html or xlsx" in done.output
    assert not target.exists()
    done = runner.invoke(cli, [*args, "--format", "html"])
    assert done.exit_code == 0, done.output
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
