"""`csperf validate` and `csperf score` show a card's veto and bonus/deduction items."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from csperf import dump_scorecard
from csperf.cli import cli
from csperf.templates import customer_service_manager
from support import LI_WEI

HEADER = [*LI_WEI, "serious_complaints", "commendations"]


@pytest.fixture
def files(tmp_path):
    card = tmp_path / "card.toml"
    dump_scorecard(
        customer_service_manager(serious_complaint_veto=True, commendation_bonus=True), card
    )
    rows = [
        ["li_wei", *LI_WEI.values(), 1, 3],
        ["chen", *LI_WEI.values(), 0, 0],
    ]
    table = tmp_path / "m.csv"
    table.write_text(
        "\n".join(",".join(map(str, r)) for r in [["subject", *HEADER], *rows]) + "\n",
        encoding="utf-8",
    )
    return card, table


def test_validate_lists_the_items(files):
    card, _ = files
    out = CliRunner().invoke(cli, ["validate", str(card)])
    assert out.exit_code == 0, out.output
    assert "bonus commendations (Customer commendations): +1 per commendations, at most 5" in (
        out.output
    )
    assert (
        "veto serious_complaint (Verified serious complaint): serious_complaints >= 1 → "
        "cap_grade pass" in out.output
    )


def test_score_prints_the_item_lines(files):
    card, table = files
    expected = customer_service_manager(serious_complaint_veto=True, commendation_bonus=True)
    result = expected.evaluate({**LI_WEI, "serious_complaints": 1, "commendations": 3})
    out = CliRunner().invoke(cli, ["score", str(card), "--measurements", str(table)])
    assert out.exit_code == 0, out.output
    line = (
        f"li_wei: weighted {result.weighted_total:.2f}; commendations +3.00; "
        f"veto serious_complaint: grade at most pass → {result.total:.2f}"
    )
    assert line in out.output
    assert "chen: weighted" in out.output
    zh = CliRunner().invoke(cli, ["score", str(card), "--measurements", str(table), "--lang", "zh"])
    assert "等级最高为 合格" in zh.output


def test_a_missing_veto_input_is_one_line_not_a_traceback(files, tmp_path):
    card, table = files
    text = table.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].rsplit(",", 2)[0] + ",,3"
    table.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["score", str(card), "--measurements", str(table)])
    assert out.exit_code != 0
    assert "Traceback" not in out.output
    assert "no measurement 'serious_complaints' for subject 'li_wei'" in out.output
