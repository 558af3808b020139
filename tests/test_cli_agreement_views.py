"""``--format html`` and ``--format xlsx`` of the agreement, calibration-session and
rater-severity commands."""

from __future__ import annotations

import io

import pytest

from csperf.cli import EXIT_USAGE, cli
from test_cli_agreement import ratings, runner  # noqa: F401 (fixtures)

openpyxl = pytest.importorskip("openpyxl")
REVIEWS = "rater,item,score\nlead,1,80\nann,1,85\nbo,1,60\nlead,2,90\nann,2,90\nbo,2,88\n"


def test_agreement_html_to_stdout_and_to_a_file(runner, ratings, tmp_path):  # noqa: F811
    shown = runner.invoke(cli, ["agreement", str(ratings), "--method", "icc", "--format", "html"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("<!DOCTYPE html>")
    assert "<td>Items</td><td class=num>6</td>" in shown.stdout
    assert "<td>95% confidence interval: lower limit</td><td class=num>0.019</td>" in shown.stdout
    out = tmp_path / "icc.html"
    written = runner.invoke(
        cli,
        ["agreement", str(ratings), "--method", "icc", "--format", "html", "-o", str(out),
         "--lang", "zh"],
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    assert "<td>条目数</td><td class=num>6</td>" in out.read_text(encoding="utf-8")


def test_agreement_xlsx(runner, ratings, tmp_path):  # noqa: F811
    out = tmp_path / "alpha.xlsx"
    done = runner.invoke(
        cli,
        ["agreement", str(ratings), "--method", "alpha", "--level", "interval",
         "--resamples", "50", "--format", "xlsx", "--output", str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    ws = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active
    cells = {r[0]: r[1] for r in ws.iter_rows(min_row=4, max_col=2, values_only=True)}
    assert cells["Statistic"] == "Krippendorff's alpha (interval)"
    assert (cells["Items"], cells["Raters"], cells["Ratings"]) == (6, 4, 24)
    assert cells["Interval"] == "percentile bootstrap over items, 50 resamples, seed 0"


def test_session_views(runner, tmp_path):  # noqa: F811
    path = tmp_path / "reviews.csv"
    path.write_text(REVIEWS, encoding="utf-8")
    page = runner.invoke(
        cli, ["calibration-session", str(path), "--expert", "lead", "--format", "html"]
    )
    assert page.exit_code == 0, page.output
    assert "3 of 4 reviews within ±10 (75.0%): target 85.0% not met" in page.stdout
    out = tmp_path / "session.xlsx"
    book = runner.invoke(
        cli,
        ["calibration-session", str(path), "--expert", "lead", "--format", "xlsx", "-o",
         str(out), "--lang", "zh"],
    )  # fmt: skip
    assert book.exit_code == 0, book.output
    ws = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active
    assert ws.title == "质检校准会"
    facts = {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_row=10, max_col=2, values_only=True)}
    assert facts["基准"] == "专家 lead" and facts["结论"] == "未达标"


def test_severity_views_and_the_corrected_csv(runner, ratings, tmp_path):  # noqa: F811
    out = tmp_path / "severity.xlsx"
    done = runner.invoke(
        cli,
        ["rater-severity", str(ratings), "--correction", "offset", "--format", "xlsx",
         "--output", str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert [ws.title for ws in book.worksheets] == ["Rater severity", "Scores after the correction"]
    assert book.worksheets[0]["A2"].value.startswith("Correction applied: offset")
    assert book.worksheets[1].max_row == 3 + 24
    page = runner.invoke(
        cli, ["rater-severity", str(ratings), "--correction", "zscore", "--format", "html"]
    )
    assert page.exit_code == 0 and "Correction applied: z-score: " in page.stdout
    csv_out = tmp_path / "corrected.csv"
    plain = runner.invoke(
        cli, ["rater-severity", str(ratings), "--correction", "offset", "--output", str(csv_out)]
    )
    assert plain.exit_code == 0 and csv_out.read_text(encoding="utf-8").startswith(
        "rater,item,score,corrected"
    )  # without --format html/xlsx, --output is still the corrected ratings


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agreement", "{r}", "--method", "icc", "--format", "xlsx"], "needs --output"),
        (["agreement", "{r}", "--method", "icc", "--json", "--format", "html"], "--json goes"),
        (["agreement", "{r}", "--method", "icc", "-o", "{o}"], "--output goes with --format"),
        (["calibration-session", "{r}", "--format", "xlsx"], "needs --output"),
        (["rater-severity", "{r}", "--format", "xlsx"], "needs --output"),
        (["agreement", "{r}", "--method", "icc", "--format", "html", "-o", "{r}"], "refusing"),
    ],
)
def test_view_usage_errors(runner, ratings, tmp_path, args, message):  # noqa: F811
    filled = [a.format(r=ratings, o=tmp_path / "x.html") for a in args]
    done = runner.invoke(cli, filled)
    assert done.exit_code == EXIT_USAGE, done.output
    assert message in done.output and "Traceback" not in done.output
