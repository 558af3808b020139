"""The command line through its real entry point (click's runner, and one real process)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from csperf import load_scorecard
from csperf.cli import EXIT_DATA, EXIT_USAGE, cli, cli_words
from csperf.templates import customer_service_manager
from support import ROOT

TEMPLATE = ROOT / "src/csperf/templates/customer-service-manager.toml"

ROWS = [
    # Li Wei worked by hand in test_scorecard.py: 90.48; Zhang Min: 83.01.
    ["Li Wei", 0.92, 0.004, 45, 20000, 88, 0.93, 4.2, 0.97],
    ["Zhang Min", 0.86, 0.009, 95, 26000, 82, 0.91, 4.0, 0.9],
]
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


def test_console_script_runs_as_a_real_process():
    out = subprocess.run(
        [sys.executable, "-m", "csperf", "template"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("customer-service-manager: ")


def test_demo_prints_the_table_and_writes_both_reports(runner, tmp_path):
    result = runner.invoke(cli, ["demo", "--output", str(tmp_path / "out"), "--managers", "2"])
    assert result.exit_code == 0, result.output
    assert "Subject" in result.output and "Total" in result.output
    assert "M01" in result.output and "M02" in result.output
    assert "efficiency 30% → 35%: weakness, average response time too long" in result.output
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "M02" in html
    assert (tmp_path / "out" / "report.xlsx").read_bytes()[:2] == b"PK"
    # the two-quarter comparison (issue 12)
    assert "compare 2024-Q1 → 2024-Q2" in result.output
    assert "M01: " in result.output.split("compare 2024-Q1")[1]
    assert "<svg" in (tmp_path / "out" / "compare.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "compare.xlsx").read_bytes()[:2] == b"PK"


def test_demo_in_chinese(runner):
    result = runner.invoke(cli, ["demo", "--lang", "zh", "--managers", "1"])
    assert result.exit_code == 0, result.output
    assert "服务质量" in result.output and "总分" in result.output
    assert "对比 2024-Q1 → 2024-Q2" in result.output and "排名" in result.output
    assert "compare" not in result.output and " rank " not in result.output


def test_validate_summarises_a_card(runner):
    result = runner.invoke(cli, ["validate", str(TEMPLATE)])
    assert result.exit_code == 0, result.output
    assert f"fingerprint: {customer_service_manager().fingerprint}" in result.output
    assert "service_quality (Service quality): 40%" in result.output
    assert "  complaint_rate: 40% (lower_is_better, piecewise)" in result.output


def test_validate_reports_a_broken_card_in_one_line(runner, tmp_path):
    bad = tmp_path / "card.toml"
    bad.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace("service_quality = 40", "service_quality = 39")
    )
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == EXIT_USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"csperf: error: {bad}:")
    assert "weights sum to 99 %, expected 100 %" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(runner, tmp_path):
    bad = tmp_path / "card.toml"
    bad.write_text("key = 3\n")
    result = runner.invoke(cli, ["--debug", "validate", str(bad)])
    assert result.exit_code != 0
    assert result.exception is not None


def test_score_measurements_in_every_text_format(runner, measurements):
    table = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(measurements)])
    assert table.exit_code == 0, table.output
    assert "90.48" in table.output and "83.01" in table.output
    data = json.loads(
        runner.invoke(
            cli, ["score", str(TEMPLATE), "--measurements", str(measurements), "--format", "json"]
        ).stdout
    )
    assert data["schema"] == "csperf.report/2"
    assert [s["total"] for s in data["subjects"]] == [90.48, 83.01]
    rows = list(
        csv.DictReader(
            runner.invoke(
                cli,
                ["score", str(TEMPLATE), "--measurements", str(measurements), "--format", "csv"],
            ).stdout.splitlines()
        )
    )
    assert [r["total"] for r in rows] == ["90.48", "83.01"]
    markdown = runner.invoke(
        cli,
        [
            "score",
            str(TEMPLATE),
            "--measurements",
            str(measurements),
            "--format",
            "markdown",
            "--lang",
            "zh",
        ],
    ).stdout
    assert "优秀" in markdown and "良好" in markdown


def test_score_writes_files_and_refuses_to_overwrite_its_input(runner, measurements, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(
        cli,
        [
            "score",
            str(TEMPLATE),
            "--measurements",
            str(measurements),
            "--format",
            "html",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Li Wei" in out.read_text(encoding="utf-8")
    before = measurements.read_bytes()
    clobber = runner.invoke(
        cli,
        [
            "score",
            str(TEMPLATE),
            "--measurements",
            str(measurements),
            "--format",
            "csv",
            "--output",
            str(measurements),
        ],
    )
    assert clobber.exit_code == EXIT_USAGE
    assert "refusing to overwrite" in clobber.stderr
    assert measurements.read_bytes() == before


@pytest.mark.slow
def test_score_from_a_csv_source(runner, tmp_path):
    from csperf.datasets import contact_centre

    data = contact_centre(seed=3, managers=1)
    data.write_csv(tmp_path / "export")
    result = runner.invoke(
        cli,
        [
            "score",
            str(TEMPLATE),
            "--source",
            "csv",
            "--source-option",
            f"path={tmp_path / 'export'}",
            "--level",
            "team",
            "--period",
            "2024-Q1",
            "--tz",
            "Asia/Shanghai",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    subjects = [s["subject"] for s in json.loads(result.stdout)["subjects"]]
    assert len(subjects) == 2


def test_score_exit_codes(runner, measurements, tmp_path):
    both = runner.invoke(cli, ["score", str(TEMPLATE)])
    assert both.exit_code == EXIT_USAGE
    unknown = runner.invoke(cli, ["score", str(TEMPLATE), "--source", "nosuch"])
    assert unknown.exit_code == EXIT_USAGE
    assert "unknown metric source 'nosuch'; available:" in unknown.stderr
    gap = tmp_path / "gap.csv"
    gap.write_text(measurements.read_text().replace(",0.009,", ",,"))
    missing = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(gap)])
    assert missing.exit_code == EXIT_DATA
    assert "Zhang Min" in missing.stderr and "complaint_rate" in missing.stderr
    xlsx = runner.invoke(
        cli, ["score", str(TEMPLATE), "--measurements", str(measurements), "--format", "xlsx"]
    )
    assert xlsx.exit_code == EXIT_USAGE


def test_weights_ahp_from_a_judgements_file_and_write_back(runner, tmp_path):
    judgements = tmp_path / "ahp.toml"
    judgements.write_text(
        "[dimensions.judgements]\n"
        '"service_quality/efficiency" = 2\n'
        '"service_quality/capability" = 3\n'
        '"service_quality/teamwork" = 4\n'
        '"efficiency/capability" = 2\n'
        '"efficiency/teamwork" = 3\n'
        '"capability/teamwork" = 2\n'
    )
    out = tmp_path / "card.toml"
    result = runner.invoke(cli, ["weights", "ahp", "--input", str(judgements), "--write", str(out)])
    assert result.exit_code == 0, result.output
    assert "CR = 0.0115" in result.output
    assert "service_quality: 46.73%" in result.output
    card = load_scorecard(out)
    assert round(card.weighting.dimensions["service_quality"], 4) == 0.4673


def test_weights_inconsistent_judgements_are_a_data_error(runner, tmp_path):
    judgements = tmp_path / "ahp.json"
    judgements.write_text(
        json.dumps(
            {
                "dimensions": {
                    "judgements": {
                        "service_quality/efficiency": 2,
                        "service_quality/capability": 3,
                        "service_quality/teamwork": 4,
                        "efficiency/capability": 2,
                        "efficiency/teamwork": 3,
                        "capability/teamwork": "1/4",
                    }
                }
            }
        )
    )
    result = runner.invoke(cli, ["weights", "ahp", "--input", str(judgements)])
    assert result.exit_code == EXIT_DATA
    assert "consistency ratio" in result.stderr


def test_weights_ahp_from_several_stakeholders_says_who_said_what(runner, tmp_path):
    judgements = tmp_path / "group.toml"
    judgements.write_text(
        'aggregation = "aij"\n'
        "[[stakeholders]]\n"
        'name = "team lead"\n'
        "weight = 2\n"
        "[stakeholders.dimensions.judgements]\n"
        '"service_quality/efficiency" = 2\n'
        '"service_quality/capability" = 3\n'
        '"service_quality/teamwork" = 4\n'
        '"efficiency/capability" = 2\n'
        '"efficiency/teamwork" = 3\n'
        '"capability/teamwork" = 2\n'
        "[[stakeholders]]\n"
        'name = "sales"\n'
        "weight = 1\n"
        "[stakeholders.dimensions.judgements]\n"
        '"service_quality/efficiency" = "1/2"\n'
        '"efficiency/capability" = 2\n'
        '"capability/teamwork" = 2\n'
    )
    out = tmp_path / "card.toml"
    result = runner.invoke(cli, ["weights", "ahp", "--input", str(judgements), "--write", str(out)])
    assert result.exit_code == 0, result.output
    assert "group AHP (AIJ) of team lead, sales" in result.output
    assert "sales departs most" in result.output
    assert "  team lead (66.67%): service_quality 46.73%" in result.output
    assert "CR = 0.0115" in result.output
    shown = [line for line in result.output.splitlines() if line.startswith("service_quality: ")]
    card = load_scorecard(out)
    share = card.weighting.dimensions["service_quality"] * 100
    assert shown == [f"service_quality: {share:.2f}%"]  # the weight written, 0.01 % steps
    as_json = runner.invoke(cli, ["weights", "ahp", "--input", str(judgements), "--json"])
    details = json.loads(as_json.stdout)["details"]
    assert details["dimensions"]["most_departing"] == "sales"
    assert set(details["dimensions"]["individual"]) == {"team lead", "sales"}


def test_weights_ahp_an_inconsistent_stakeholder_is_a_data_error(runner, tmp_path):
    judgements = tmp_path / "group.json"
    judgements.write_text(
        json.dumps(
            {
                "stakeholders": [
                    {
                        "name": "qa",
                        "dimensions": {
                            "judgements": {
                                "service_quality/efficiency": 9,
                                "efficiency/capability": 9,
                                "service_quality/capability": "1/9",
                                "capability/teamwork": 1,
                            }
                        },
                    }
                ]
            }
        )
    )
    result = runner.invoke(cli, ["weights", "ahp", "--input", str(judgements)])
    assert result.exit_code == EXIT_DATA
    assert "stakeholder 'qa'" in result.stderr
    assert "consistency ratio" in result.stderr


def test_weights_entropy_from_a_data_csv(runner, tmp_path, measurements):
    result = runner.invoke(cli, ["weights", "entropy", "--data", str(measurements), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["strategy"] == "entropy"
    assert abs(sum(data["weighting"]["dimensions"].values()) - 1) < 1e-9
    bad = tmp_path / "bad.csv"
    bad.write_text("subject,customer_satisfaction\nann,high\n")
    result = runner.invoke(cli, ["weights", "entropy", "--data", str(bad)])
    assert result.exit_code == EXIT_USAGE
    assert f"{bad}:2:" in result.stderr


def test_weights_swot_with_factors(runner, tmp_path):
    factors = tmp_path / "swot.yaml"
    factors.write_text(
        "factors:\n"
        "  - kind: weakness\n"
        "    target: efficiency\n"
        "    reason: average response time too long\n"
    )
    result = runner.invoke(cli, ["weights", "swot", "--input", str(factors)])
    assert result.exit_code == 0, result.output
    assert "efficiency 30% → 40%: weakness, average response time too long" in result.output
    chinese = runner.invoke(cli, ["weights", "swot", "--input", str(factors), "--lang", "zh"])
    assert chinese.exit_code == 0, chinese.output
    assert "efficiency 30% → 40%：劣势，average response time too long" in chinese.output
    assert "service_quality 40% → 34.29%：未列入调整，按比例缩放" in chinese.output
    assert "customer_satisfaction: 60.00%（综合权重 20.57%）" in chinese.output
    assert "untargeted" not in chinese.output and "effective" not in chinese.output
    as_json = runner.invoke(
        cli, ["weights", "swot", "--input", str(factors), "--lang", "zh", "--json"]
    )
    assert (
        json.loads(as_json.stdout)["lines"][0]
        == "efficiency 30% → 40%：劣势，average response time too long"
    )


def test_weights_swot_leaves_out_an_expired_factor_and_says_so(runner, tmp_path):
    text = (
        "factors:\n"
        "  - {kind: weakness, target: efficiency, reason: slow replies}\n"
        "  - {kind: opportunity, target: product_knowledge, reason: launch,"
        " expires: 2026-06-30}\n"
    )
    factors = tmp_path / "swot.yaml"
    factors.write_text(text + "as_of: 2026-07-01\n", encoding="utf-8")
    result = runner.invoke(cli, ["weights", "swot", "--input", str(factors), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["lines"][-1] == (
        "left out, expired 2026-06-30: product_knowledge (opportunity, launch)"
    )
    assert found["details"]["as_of"] == "2026-07-01"
    assert [f["target"] for f in found["details"]["expired"]] == ["product_knowledge"]
    assert [c["target"] for c in found["details"]["changes"]] == ["efficiency"]
    # on its last day it still applies, and the note says what happens after
    factors.write_text(text + "as_of: 2026-06-30\n", encoding="utf-8")
    result = runner.invoke(cli, ["weights", "swot", "--input", str(factors)])
    assert result.exit_code == 0, result.output
    assert "product_knowledge 10% → 30%: opportunity, launch" in result.output
    assert "left out from the day after" in result.output
    # a bad day is one line naming the parameter
    factors.write_text(text + "as_of: soon\n", encoding="utf-8")
    result = runner.invoke(cli, ["weights", "swot", "--input", str(factors)])
    assert result.exit_code == EXIT_USAGE
    assert "as_of" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_form_writes_a_workbook(runner, tmp_path):
    out = tmp_path / "form.xlsx"
    result = runner.invoke(cli, ["form", str(TEMPLATE), "--output", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(out)
    text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    assert "客户满意度" in text
    refused = runner.invoke(cli, ["form", str(TEMPLATE), "--output", str(TEMPLATE)])
    assert refused.exit_code == EXIT_USAGE


def test_template_prints_the_shipped_file(runner):
    result = runner.invoke(cli, ["template", "customer-service-manager"])
    assert result.exit_code == 0
    assert result.stdout == TEMPLATE.read_text(encoding="utf-8")
    unknown = runner.invoke(cli, ["template", "nosuch"])
    assert unknown.exit_code == EXIT_USAGE


def test_schema_prints_the_json_schema_of_scorecard_files(runner):
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "piecewise" in schema["$defs"]["ScoringRule"]["properties"]["kind"]["enum"]
    assert schema["properties"]["template"]["enum"] == ["customer-service-manager"]


def test_plugins_lists_what_each_plugin_provides(runner):
    result = runner.invoke(cli, ["plugins"])
    assert result.exit_code == 0
    assert "csperf.plugins.weights (csperf)" in result.output
    assert "  weight strategy swot" in result.output
    assert "  metric source csv" in result.output
    assert "  scoring rule piecewise" in result.output


def test_usage_errors_exit_2(runner):
    assert runner.invoke(cli, ["nosuch"]).exit_code == 2
    assert runner.invoke(cli, ["validate"]).exit_code == 2
    assert runner.invoke(cli, ["validate", "/nonexistent/card.toml"]).exit_code == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_none_when_piped(monkeypatch):
    from csperf import cli as cli_module

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(cli_module._progress(list(range(500)), "Scoring")) == list(range(500))
    assert "Scoring" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert list(cli_module._progress(list(range(500)), "Scoring")) == list(range(500))
    assert piped.getvalue() == ""


def test_unreadable_data_files_give_one_line_errors(runner, tmp_path):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\xff")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for path in (binary, empty):
        weights = runner.invoke(cli, ["weights", "entropy", "--data", str(path)])
        assert weights.exit_code == EXIT_USAGE
        assert weights.stderr.startswith(f"csperf: error: {path}")
        score = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(path)])
        assert score.exit_code == EXIT_USAGE
        assert score.stderr.startswith(f"csperf: error: {path}")
        assert "Traceback" not in score.output


# -- the report format from --output, short flags, set-up (issue 14) ------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("r.json", "json"),
        ("r.CSV", "csv"),
        ("r.md", "markdown"),
        ("r.htm", "html"),
        ("r.txt", "table"),
    ],
)
def test_the_output_suffix_gives_the_format(runner, measurements, tmp_path, name, fmt):
    out = tmp_path / name
    args = ["score", str(TEMPLATE), "--measurements", str(measurements), "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    expected = runner.invoke(cli, [*args[:-2], "--format", fmt]).stdout
    text = out.read_bytes().decode("utf-8-sig")
    assert text.replace("\r\n", "\n").rstrip() == expected.replace("\r\n", "\n").rstrip()


def test_the_output_suffix_gives_xlsx(runner, measurements, tmp_path):
    out = tmp_path / "report.xlsx"
    args = ["score", str(TEMPLATE), "--measurements", str(measurements), "--output", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_a_format_that_contradicts_the_suffix_is_refused(runner, measurements, tmp_path):
    out = tmp_path / "report.xlsx"
    args = ["score", str(TEMPLATE), "--measurements", str(measurements), "-o", str(out)]
    result = runner.invoke(cli, [*args, "--format", "table"])
    assert result.exit_code == EXIT_USAGE
    assert "--format table does not match --output" in result.stderr
    assert "table files end in .txt" in result.stderr
    assert not out.exists()
    unknown = runner.invoke(cli, [*args[:-1], str(tmp_path / "report.pdf")])
    assert unknown.exit_code == EXIT_USAGE
    assert "cannot tell the report format from the suffix '.pdf'" in unknown.stderr
    assert ".xlsx" in unknown.stderr and "--format" in unknown.stderr


def test_source_options_have_no_short_flag(runner):
    help_text = runner.invoke(cli, ["score", "--help"]).output
    assert "-o, --output" in help_text
    assert "--source-option, --option NAME=VALUE" in help_text
    for command in ("demo", "form"):
        assert "-o, --output" in runner.invoke(cli, [command, "--help"]).output


def test_the_csv_report_file_starts_with_a_bom_for_excel(runner, measurements, tmp_path):
    out = tmp_path / "r.csv"
    args = ["score", str(TEMPLATE), "--measurements", str(measurements), "--lang", "zh"]
    assert runner.invoke(cli, [*args, "-o", str(out)]).exit_code == 0
    assert out.read_bytes().startswith("\ufeffsubject,".encode())
    printed = runner.invoke(cli, [*args, "--format", "csv"]).stdout
    assert printed.startswith("subject,")  # no BOM on stdout


def test_demo_without_openpyxl_writes_the_html_and_says_how_to_get_excel(
    runner, tmp_path, monkeypatch
):
    import csperf.cli

    real = csperf.cli._installed
    monkeypatch.setattr(csperf.cli, "_installed", lambda name: name != "openpyxl" and real(name))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["demo", "-o", str(out), "--managers", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").exists()
    assert not (out / "report.xlsx").exists()
    assert f"skipped {out / 'report.xlsx'}: Excel output needs openpyxl" in result.stderr
    assert "pip install -e '.[demo]'" in result.stderr


def test_demo_without_the_metric_engine_says_what_to_install(runner, monkeypatch):
    import csperf.cli

    monkeypatch.setattr(csperf.cli, "_installed", lambda name: name != "ibis")
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.count("\n") == 1
    assert "pip install -e '.[demo]'" in result.stderr


# -- measurement files, errors in CLI words, parameter files (issue 14) ---------------------


def _gbk_table(tmp_path) -> Path:
    path = tmp_path / "gbk.csv"
    text = (
        ",".join(HEADER)
        + "\n"
        + "\n".join(
            ",".join(map(str, [name, *row[1:]])) for name, row in zip(["刘洋", "吴敏"], ROWS)
        )
    )
    path.write_bytes((text + "\n").encode("gb18030"))
    return path


def test_a_gb18030_file_names_the_encoding_flag(runner, tmp_path):
    path = _gbk_table(tmp_path)
    args = ["score", str(TEMPLATE), "--measurements", str(path)]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == EXIT_USAGE
    assert refused.stderr.startswith(f"csperf: error: {path}:2: the file is not UTF-8 text")
    assert "pass --encoding gb18030" in refused.stderr
    assert "encoding=" not in refused.stderr
    read = runner.invoke(cli, [*args, "--encoding", "gb18030", "--format", "json"])
    assert read.exit_code == 0, read.output
    totals = {s["subject"]: s["total"] for s in json.loads(read.stdout)["subjects"]}
    assert totals == {"刘洋": 90.48, "吴敏": 83.01}  # Li Wei's and Zhang Min's, by hand


def test_a_semicolon_file_and_an_excel_workbook_score_as_the_csv(runner, measurements, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    expected = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(measurements)])
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text(measurements.read_text().replace(",", ";"))
    wb = openpyxl.Workbook()
    with measurements.open(newline="") as handle:
        for i, row in enumerate(csv.reader(handle)):
            wb.active.append(row if i == 0 else [row[0], *map(float, row[1:])])
    workbook = tmp_path / "m.xlsx"
    wb.save(workbook)
    for path in (semicolons, workbook):
        result = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(path)])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected.stdout


def test_extra_columns_are_kept_or_ignored(runner, measurements, tmp_path):
    lines = measurements.read_text().splitlines()
    extra = tmp_path / "extra.csv"
    rows = [f"{lines[0]},team,备注", f"{lines[1]},north,", f"{lines[2]},south,new"]
    extra.write_text("\n".join(rows) + "\n", encoding="utf-8")
    expected = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(measurements)])
    args = ["score", str(TEMPLATE), "--measurements", str(extra)]
    for more in ([], ["--ignore-columns", "team,备注"], ["--ignore-columns", "team"]):
        result = runner.invoke(cli, [*args, *more])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected.stdout
    typo = tmp_path / "typo.csv"
    typo.write_text(measurements.read_text().replace("complaint_rate", "complaint_rat"))
    refused = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(typo)])
    assert refused.exit_code == EXIT_USAGE
    assert "did you mean 'complaint_rate'" in refused.stderr
    assert "leave it out with --ignore-columns complaint_rat" in refused.stderr


def test_file_options_go_with_measurements(runner):
    result = runner.invoke(cli, ["score", str(TEMPLATE), "--source", "records", "--encoding", "x"])
    assert result.exit_code == EXIT_USAGE
    assert "--encoding goes with --measurements" in result.stderr


def test_a_missing_value_names_the_line_and_the_missing_option(runner, measurements, tmp_path):
    gap = tmp_path / "gap.csv"
    gap.write_text(measurements.read_text().replace(",0.009,", ",,"))
    result = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(gap)])
    assert result.exit_code == EXIT_DATA
    line = result.stderr.strip()
    assert line.startswith(f"csperf: error: {gap}:3: ")  # Zhang Min's row
    assert "no measurement 'complaint_rate' for subject 'Zhang Min'" in line
    assert "missing = 'redistribute'" in line and "missing = 'zero'" in line


def test_a_header_only_file_is_named(runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(HEADER) + "\n")
    result = runner.invoke(cli, ["score", str(TEMPLATE), "--measurements", str(empty)])
    assert result.exit_code == EXIT_DATA
    assert result.stderr == (
        f"csperf: error: {empty}: no subjects to score: the file has a header row but no rows "
        "of data\n"
    )


@pytest.mark.slow
def test_a_period_without_records(runner, tmp_path):
    from csperf.datasets import contact_centre

    contact_centre(seed=3, managers=1).write_csv(tmp_path / "export")
    args = ["score", str(TEMPLATE), "--source", "csv"]
    args += ["--source-option", f"path={tmp_path / 'export'}", "--level", "team"]
    result = runner.invoke(cli, [*args, "--period", "2031-Q3", "--tz", "Asia/Shanghai"])
    assert result.exit_code == EXIT_DATA
    assert "no records in 2031-Q3 (source csv, team level)" in result.stderr
    naive = runner.invoke(cli, [*args, "--period", "2031-Q3"])
    assert "pass --tz (e.g. --tz Asia/Shanghai" in naive.stderr
    assert "tz=" not in naive.stderr


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("pass tz (e.g. tz='Asia/Shanghai')", "pass --tz (e.g. --tz Asia/Shanghai)"),
        ("pass encoding='gb18030', or", "pass --encoding gb18030, or"),
        ("pass encoding= naming it", "pass --encoding naming it"),
        ("use ignore_columns=['x y']", "use --ignore-columns x y"),
        ("name the file .toml, or pass format=", "name the file .toml"),
        ("a tz of 'UTC'", "a tz of 'UTC'"),
    ],
)
def test_cli_words(message, expected):
    assert cli_words(message) == expected


def test_help_shows_the_input_layouts(runner):
    score = runner.invoke(cli, ["score", "--help"]).output
    assert "subject,team,customer_satisfaction,complaint_rate" in score
    assert "  li_wei,north,0.92,0.004,45" in score  # not re-wrapped
    assert "--encoding gb18030" in score
    weights = runner.invoke(cli, ["weights", "--help"]).output
    lines = [line.strip() for line in weights.splitlines()]
    at = lines.index("[dimensions.judgements]")
    assert lines[at + 1] == '"service_quality/efficiency" = 2'
    at = lines.index("[policy]")
    assert lines[at + 1] == "efficiency = [30, 40]"
    assert "[[factors]]" in lines


def test_parameter_file_errors_name_the_line(runner, tmp_path):
    judgements = tmp_path / "ahp.toml"
    judgements.write_text(
        "[dimensions.judgements]\n"
        '"service_quality/efficiency" = 2\n'
        '"service_quality/capability" = 30\n'
    )
    result = runner.invoke(cli, ["weights", "ahp", "--input", str(judgements)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(f"csperf: error: {judgements}:3: ")
    assert "off Saaty's scale" in result.stderr


def test_swot_on_a_custom_card_names_every_missing_range(runner, tmp_path):
    card = tmp_path / "card.toml"
    text = TEMPLATE.read_text(encoding="utf-8")
    card.write_text(text.replace("efficiency", "speed").replace("teamwork", "team"))
    factors = tmp_path / "swot.toml"
    factors.write_text(
        '[[factors]]\nkind = "weakness"\ntarget = "speed"\nreason = "slow"\n'
        '[[factors]]\nkind = "threat"\ntarget = "team"\nreason = "silos"\n'
    )
    args = ["weights", "swot", "--card", str(card), "--input", str(factors)]
    result = runner.invoke(cli, args)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.count("\n") == 1
    assert f"{factors}:" in result.stderr
    assert "no range for the targets 'speed', 'team'" in result.stderr
    assert "policy = { speed = [LO, HI], team = [LO, HI] }" in result.stderr
    factors.write_text(factors.read_text() + "[policy]\nspeed = [30, 40]\nteam = [10, 20]\n")
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert "speed 30% → 40%: weakness, slow" in done.stdout


def test_weights_written_by_ahp_are_rounded_to_sum_to_100(runner, tmp_path):
    judgements = tmp_path / "ahp.toml"
    judgements.write_text(
        "[dimensions.judgements]\n"
        '"service_quality/efficiency" = 3\n'
        '"service_quality/capability" = 3\n'
        '"service_quality/teamwork" = 2\n'
        '"efficiency/capability" = 1\n'
        '"efficiency/teamwork" = 1\n'
        '"capability/teamwork" = 1\n'
    )
    out = tmp_path / "card.toml"
    args = ["weights", "ahp", "--input", str(judgements), "--write", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "largest remainder" in result.stderr
    card = load_scorecard(out)
    percent = card.weighting.as_percentages()["dimensions"]
    assert all(round(v, 2) == v for v in percent.values())
    assert sum(Decimal(repr(v)) for v in percent.values()) == 100
    assert percent["efficiency"] == percent["capability"]  # equal judgements, equal weights
    line = next(x for x in out.read_text().splitlines() if x.startswith("dimensions = "))
    assert "e-" not in line and all(len(n.split(".")[-1]) <= 2 for n in re.findall(r"[\d.]+", line))


def test_score_details_and_team_roll_ups_from_a_team_column(runner, tmp_path):
    path = tmp_path / "teams.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "team"])
        writer.writerow([*ROWS[0], "North"])
        writer.writerow([*ROWS[1], "South"])
        writer.writerow(["Wu Lan", *ROWS[1][1:], "North"])
    out = tmp_path / "r.html"
    result = runner.invoke(
        cli, ["score", str(TEMPLATE), "--measurements", str(path), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<details class="subject"') == 3  # auto: everyone, up to 100
    teams = page[page.index('<table class="teams">') :]
    teams = teams[: teams.index("</table>")]
    assert "North" in teams and "South" in teams
    top = runner.invoke(
        cli,
        ["score", str(TEMPLATE), "--measurements", str(path), "-o", str(out), "--details", "top 1"],
    )
    assert top.exit_code == 0, top.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<details class="subject"') == 1
    assert 'id="subject-1"' in page  # Li Wei, the highest total
    none = runner.invoke(
        cli,
        [
            "score",
            str(TEMPLATE),
            "--measurements",
            str(path),
            "-o",
            str(out),
            "--details",
            "none",
            "--team-column",
            "site",
        ],
    )
    assert none.exit_code == 0, none.output
    page = out.read_text(encoding="utf-8")
    assert '<details class="subject"' not in page and '<table class="teams">' not in page
    bad = runner.invoke(
        cli, ["score", str(TEMPLATE), "--measurements", str(path), "--details", "maybe"]
    )
    assert bad.exit_code != 0
    assert "details" in bad.output and "Traceback" not in bad.output
    assert len(bad.output.strip().splitlines()) == 1
