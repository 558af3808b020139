"""The HTML and Excel views of rater agreement, calibration sessions and rater severity.

Values are read back: the HTML tables parsed, the workbook opened with openpyxl.
"""

from __future__ import annotations

import io
import math
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from csperf.agreement import (
    calibration_session,
    cohen_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
    rater_severity,
)
from csperf.errors import ValidationError
from csperf.report import render_agreement_html, write_agreement_xlsx
from test_agreement import SAS_TABLE, SHROUT_FLEISS, from_counts, krippendorff_rows, rows_of

openpyxl = pytest.importorskip("openpyxl")


class Tables(HTMLParser):
    """The text of every table cell, table by table; and the headings."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)


def pairs(table: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[1] for row in table[1:]}


def by_column(table: list[list[str]]) -> dict[str, dict[str, str]]:
    head = table[0]
    return {row[0]: dict(zip(head, row)) for row in table[1:]}


def workbook(result: Any, tmp_path: Path, lang: str = "en") -> Any:
    path = write_agreement_xlsx(result, tmp_path / "view.xlsx", lang=lang)
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()))


def sheet_pairs(ws: Any) -> dict[Any, Any]:
    return {row[0]: row[1] for row in ws.iter_rows(min_row=4, max_col=2, values_only=True)}


# -- a statistic ------------------------------------------------------------------------------


def test_icc_view_shrout_fleiss(tmp_path):
    result = icc(rows_of(SHROUT_FLEISS))  # ICC(2,1) = .29, 95% CI .019 to .761
    page = Tables(render_agreement_html(result))
    shown = pairs(page.tables[0])
    assert shown["Statistic"] == "ICC(2,1)" and shown["Value"] == "0.290"
    assert (shown["Items"], shown["Raters"], shown["Ratings"]) == ("6", "4", "24")
    assert shown["95% confidence interval: lower limit"] == "0.019"
    assert shown["95% confidence interval: upper limit"] == "0.761"
    assert shown["Interval"] == "F distribution"
    assert {k: round(float(v), 2) for k, v in pairs(page.tables[1]).items()} == {
        "BMS": 11.24,
        "JMS": 32.49,
        "EMS": 1.02,
    }
    ws = workbook(result, tmp_path).active
    cells = sheet_pairs(ws)
    # openpyxl writes a float to 16 significant digits, hence approx
    assert cells["Value"] == pytest.approx(result.value, rel=1e-15)
    assert (cells["Items"], cells["Raters"], cells["Ratings"]) == (6, 4, 24)
    assert cells["95% confidence interval: lower limit"] == pytest.approx(result.ci.low, rel=1e-15)
    assert cells["95% confidence interval: upper limit"] == pytest.approx(result.ci.high, rel=1e-15)
    assert ws["B5"].number_format == "0.000"
    assert cells["BMS"] == pytest.approx(result.components["BMS"], rel=1e-15)


def test_kappa_fleiss_and_alpha_views_say_how_the_interval_was_found(tmp_path):
    kappa = cohen_kappa(from_counts(SAS_TABLE))  # the SAS printout of test_agreement.py
    shown = pairs(Tables(render_agreement_html(kappa)).tables[0])
    assert shown["Interval"] == "normal (± z × standard error)"
    assert float(shown["Standard error"]) == pytest.approx(kappa.standard_error, abs=5e-5)
    fleiss = fleiss_kappa(rows_of(SHROUT_FLEISS))
    shown = pairs(Tables(render_agreement_html(fleiss, lang="zh")).tables[0])
    assert shown["区间"] == "无（该方法不提供）"  # Fleiss' kappa gives no interval
    assert float(shown["z 值"]) == pytest.approx(fleiss.z, abs=5e-4)
    alpha = krippendorff_alpha(krippendorff_rows(), resamples=200, seed=7)
    shown = pairs(Tables(render_agreement_html(alpha)).tables[0])
    assert shown["Interval"] == (
        f"percentile bootstrap over items, {alpha.ci.resamples} resamples, seed 7"
    )
    assert shown["Value"] == f"{alpha.value:.3f}"
    cells = sheet_pairs(workbook(alpha, tmp_path, "zh").active)
    assert cells["数值"] == pytest.approx(alpha.value, rel=1e-15)
    assert cells["条目数"] == alpha.items


def test_an_infinite_limit_is_written_as_such(tmp_path):
    # ICC(2,1)'s lower limit is below −1/(k − 1), so ICC(2,k)'s is −∞ (Spearman-Brown's pole)
    result = icc(rows_of([(2, 1, 4), (1, 4, 4), (5, 1, 4)]), average=True)
    assert result.ci.low == -math.inf
    shown = pairs(Tables(render_agreement_html(result)).tables[0])
    assert shown["95% confidence interval: lower limit"] == "-∞"  # as the reports write bounds
    assert shown["95% confidence interval: upper limit"] == f"{result.ci.high:.3f}"
    cells = sheet_pairs(workbook(result, tmp_path).active)
    assert cells["95% confidence interval: lower limit"] == "-∞"


# -- a calibration session --------------------------------------------------------------------

SESSION = [
    ("lead", 1, 80),
    ("ann", 1, 85),
    ("<b>bo&co</b>", 1, 60),
    ("lead", 2, 90),
    ("ann", 2, 90),
    ("<b>bo&co</b>", 2, 88),
]


def session(rows=SESSION, **options):
    return calibration_session(
        [dict(zip(("rater", "item", "score"), r)) for r in rows], expert="lead", **options
    )


def test_session_view_hand_worked(tmp_path):
    # ann: +5, 0 → mean 2.5, |mean| 2.5, largest +5, 2 within ±10 (100%), met.
    # bo: −20, −2 → mean −11, |mean| 11, largest −20, 1 within (50%), not met.
    # All: 3 of 4 (75%) against a target of 85%: not met.
    page = render_agreement_html(session())
    found = Tables(page)
    assert "3 of 4 reviews within ±10 (75.0%): target 85.0% not met" in found.headings
    rows = by_column(found.tables[0])
    assert rows["ann"] == {
        "Reviewer": "ann",
        "Reviews": "2",
        "Mean deviation": "+2.50",
        "Mean |deviation|": "2.50",
        "Largest deviation": "+5.00",
        "Within ±10": "2",
        "Share within ±10": "100.0%",
        "Target 85.0%": "met",
    }
    bo = rows["<b>bo&co</b>"]  # the name is text, escaped in the page
    assert (bo["Mean deviation"], bo["Largest deviation"], bo["Share within ±10"]) == (
        "-11.00",
        "-20.00",
        "50.0%",
    )
    assert bo["Target 85.0%"] == "not met"
    assert "&lt;b&gt;bo&amp;co&lt;/b&gt;" in page and "<b>bo" not in page
    ws = workbook(session(), tmp_path).active
    facts = {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_row=10, max_col=2, values_only=True)}
    assert facts["Baseline"] == "expert lead" and facts["Tolerance"] == 10
    assert facts["Share within ±10"] == 0.75 and facts["Target"] == 0.85
    assert facts["Result"] == "not met"
    table = [r for r in ws.iter_rows(min_row=12, values_only=True) if r[0] is not None]
    assert table[0][0] == "Reviewer"
    reviewers = {r[0]: r for r in table[1:]}
    assert reviewers["ann"] == ("ann", 2, 2.5, 2.5, 5.0, 2, 1.0, "met")
    assert reviewers["<b>bo&co</b>"] == ("<b>bo&co</b>", 2, -11.0, 11.0, -20.0, 1, 0.5, "not met")
    assert len(reviewers) == 2


def test_session_view_in_chinese_with_another_tolerance_and_target():
    page = Tables(render_agreement_html(session(tolerance=20, target=0.9), lang="zh"))
    assert "4 次评审中 4 次在 ±20 以内（100.0%）：目标 90.0%，达标" in page.headings
    rows = by_column(page.tables[0])
    assert rows["ann"]["目标 90.0%"] == "达标"


# -- rater severity ---------------------------------------------------------------------------

SEVERITY = [("a", 1, 80), ("b", 1, 70), ("a", 2, 90), ("b", 2, 80)]


def severity(correction: str, rows=SEVERITY):
    table = [dict(zip(("rater", "item", "score"), r)) for r in rows]
    return rater_severity(table, correction=correction)


@pytest.mark.parametrize(
    ("correction", "words", "corrected"),
    [
        # item means 75 and 85: a is +5, b is −5; the offset correction moves both onto them.
        ("offset", "offset: score − the rater's offset from each item's mean", [75, 75, 85, 85]),
        # grand mean 80, sd √(200/3) = 8.16; each rater's z-scores are −1/√2 and +1/√2.
        (
            "zscore",
            "z-score: 80.00 + 8.16 × the score's z-score within its rater",
            [80 - 8.16496580927726 / math.sqrt(2), 80 - 8.16496580927726 / math.sqrt(2),
             80 + 8.16496580927726 / math.sqrt(2), 80 + 8.16496580927726 / math.sqrt(2)],
        ),
        ("none", "none: the scores as given", [80, 70, 90, 80]),
    ],
)
def test_severity_view_states_the_correction(tmp_path, correction, words, corrected):
    result = severity(correction)
    page = Tables(render_agreement_html(result))
    assert f"Correction applied: {words}" in page.headings
    rows = by_column(page.tables[0])
    assert (rows["a"]["Offset"], rows["b"]["Offset"]) == ("+5.00", "-5.00")
    assert (rows["a"]["Mean"], rows["b"]["Mean"]) == ("85.00", "75.00")
    if correction == "none":
        assert len(page.tables) == 1
    else:
        shown = [float(r[2]) for r in page.tables[1][1:]]
        assert shown == pytest.approx(corrected, abs=0.005)
    book = workbook(result, tmp_path)
    raters, scores = book.worksheets
    assert raters["A2"].value == f"Correction applied: {words}"
    assert scores["A1"].value == raters["A2"].value  # beside the scores too: never silent
    assert [r[5] for r in raters.iter_rows(min_row=6, max_row=7, values_only=True)] == [5, -5]
    values = [r[2] for r in scores.iter_rows(min_row=4, values_only=True)]
    assert values == pytest.approx(corrected, rel=1e-12)


def test_severity_view_in_chinese():
    page = Tables(render_agreement_html(severity("offset"), lang="zh"))
    assert "所用校正：偏移：分数 − 评分人相对各条目均值的偏移" in page.headings
    assert page.tables[0][0] == ["评分人", "评分条数", "共评条目", "均分", "标准差", "偏移"]


# -- safety -----------------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1-2", "-3+4", "@SUM(A1)", "\tx"]


def test_names_that_look_like_formulas_stay_text_in_excel(tmp_path):
    rows = [(name, item, score) for name in FORMULAS for item, score in ((1, 70), (2, 80))]
    result = severity("offset", rows)
    book = workbook(result, tmp_path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in FORMULAS:
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value
    names = {c.value for c in book.worksheets[0]["A"] if c.value in FORMULAS}
    assert names == set(FORMULAS)
    page = render_agreement_html(result)
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in page


def test_other_objects_are_refused():
    with pytest.raises(ValidationError, match="expected an Agreement"):
        render_agreement_html(object())  # type: ignore[arg-type]
