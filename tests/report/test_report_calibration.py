"""The before/after grade table and the sensitivity chart (csperf.report._calibration)."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from csperf import ValidationError, calibrate, shift_dimension, weight_sensitivity, whatif
from csperf.report import render_calibration, render_whatif, write_calibration, write_whatif
from support import CHEN_JING, LI_WEI

ROWS = [
    ("li", LI_WEI),
    ("chen", CHEN_JING),
    ("wang", dict(LI_WEI, product_knowledge=95)),
    ("zhao", dict(LI_WEI, product_knowledge=70, collaboration_rating=3.5)),
]


@pytest.fixture
def table():
    return {"subject": [n for n, _ in ROWS], **{k: [r[k] for _, r in ROWS] for k in LI_WEI}}


@pytest.fixture
def calibration(manager_card, table):
    return calibrate(manager_card.evaluate_many(table), {"excellent": 25, "good": 50, "pass": 25})


@pytest.fixture
def analysis(manager_card, table):
    alternative = shift_dimension(manager_card.weighting, "teamwork", -5)
    found = whatif(manager_card, table, {"teamwork -5": alternative})
    return found, weight_sensitivity(manager_card, table, draws=6, spread=0.6, seed=3)


def test_calibration_table_and_csv(calibration):
    assert calibration.moved
    text = render_calibration(calibration)
    assert text.splitlines()[0] == "Calibration to a distribution"
    for m in calibration.moved:
        assert f"{m.subject}: {m.describe()}" in text
    bands = calibration.bands
    for m in calibration.moved:
        arrow = "↑" if bands.index(m.calibrated) < bands.index(m.original) else "↓"
        line = next(x for x in text.splitlines() if x.startswith(f"{m.subject} "))
        assert line.endswith(arrow)
    assert text.count("↑") + text.count("↓") == len(calibration.moved)
    rows = list(csv.reader(io.StringIO(render_calibration(calibration, "csv"))))
    assert rows[0] == ["Subject", "Total", "Rank", "Earned grade", "Calibrated grade", "Moved"]
    assert [r[4] for r in rows[1:]] == calibration.calibrated.tolist()
    assert [float(r[1]) for r in rows[1:]] == calibration.totals.tolist()
    assert json.loads(render_calibration(calibration, "json")) == json.loads(
        json.dumps(calibration.to_dict())
    )


def test_calibration_in_chinese(calibration):
    text = render_calibration(calibration, lang="zh")
    assert "强制分布校准" in text and "校准等级" in text and "优秀" in text


def test_calibration_html_and_xlsx(calibration, tmp_path):
    page = render_calibration(calibration, "html")
    assert page.startswith("<!DOCTYPE html>") and page.count("<table>") == 2
    assert page.count('class="pill"') == 2 * len(calibration) + len(calibration.quotas)
    path = write_calibration(calibration, tmp_path / "cal.xlsx")
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 3
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [v[0] for v in values] == [n for n, _ in ROWS]
    assert [v[1] for v in values] == calibration.totals.tolist()
    audit = [[c.value for c in row] for row in book.worksheets[2].iter_rows(min_row=4)]
    assert [a[1] for a in audit] == [m.describe() for m in calibration.moved]
    assert write_calibration(calibration, tmp_path / "cal.html").read_text().startswith("<!DOC")


def test_whatif_views(analysis, tmp_path):
    found, sensitivity = analysis
    text = render_whatif(found, sensitivity)
    assert "Weight sensitivity (6 draws, uniform)" in text
    assert "teamwork -5" in text and "One dimension at a time" in text
    rows = list(csv.reader(io.StringIO(render_whatif(found, sensitivity, "csv"))))
    assert [r[1] for r in rows[1:]] == [c.subject for c in found.scenarios[0].changes]
    page = render_whatif(found, sensitivity, "html")
    flipping = int((sensitivity.flip_rate > 0).sum())
    assert page.count("<svg") == (1 if flipping else 0)  # the flip-rate chart
    assert page.count('class="mark bar"') == flipping
    held = len(ROWS) - flipping
    assert f"{held} of {len(ROWS)} grades held in every draw." in page
    assert f"{held} of {len(ROWS)} grades held in every draw." in text
    data = json.loads(render_whatif(found, sensitivity, "json"))
    assert data["sensitivity"]["draws"] == 6
    path = write_whatif(found, tmp_path / "w.xlsx", sensitivity)
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 3
    assert len(book.worksheets[2]._charts) == 1
    changes = [[c.value for c in row] for row in book.worksheets[1].iter_rows(min_row=4)]
    assert [c[4] for c in changes] == [c.delta for c in found.scenarios[0].changes]
    without = render_whatif(found)
    assert "Weight sensitivity" not in without


def test_bad_format_is_named(calibration, analysis, tmp_path):
    with pytest.raises(ValidationError, match="format must be one of"):
        render_calibration(calibration, "xlsx")
    with pytest.raises(ValidationError, match=r"cannot tell the format from the suffix '\.pdf'"):
        write_whatif(analysis[0], tmp_path / "w.pdf")
    with pytest.raises(ValidationError, match="lang"):
        render_calibration(calibration, lang="fr")


def test_docstring_examples():
    import doctest

    import csperf.report._calibration

    result = doctest.testmod(csperf.report._calibration, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_calibration_by_team_shows_the_team(manager_card, table):
    teams = {"li": "a", "chen": "a", "wang": "b", "zhao": "b"}
    found = calibrate(manager_card.evaluate_many(table), [50, 50, 0, 0], teams=teams)
    lines = render_calibration(found).splitlines()
    assert lines[2].split()[:3] == ["Subject", "Team", "Total"]
    first = lines[4].split()
    assert first[:2] == ["li", "a"] and float(first[2]) == found.totals[0]
    quota_lines = lines[lines.index("Quotas") + 4 :]
    assert [line.split()[0] for line in quota_lines] == ["a"] * 4 + ["b"] * 4
    rows = list(csv.reader(io.StringIO(render_calibration(found, "csv"))))
    assert [r[1] for r in rows[1:]] == ["a", "a", "b", "b"]
