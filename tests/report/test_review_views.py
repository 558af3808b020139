"""The HTML and Excel views of the health review and the period comparison."""

from __future__ import annotations

import re

import pytest

from csperf import History, compare, review
from csperf.report import render_review_html, write_review_xlsx
from csperf.templates import customer_service_manager

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


@pytest.fixture(scope="module")
def card():
    return customer_service_manager()


@pytest.fixture(scope="module")
def periods(card):
    history = History.open(":memory:")
    for period, knowledge in (("Q1", (60, 75, 90)), ("Q2", (95, 70, 80))):
        results = [
            card.evaluate({**BASE, "product_knowledge": k, "complaint_rate": 0.004 * (i + 1)}, s)
            for i, (s, k) in enumerate(zip(("ann", "bo", "cy"), knowledge))
        ]
        history.add(period, results, card, teams={"ann": "T1", "bo": "T1", "cy": "T2"})
    yield history
    history.close_connection()


def test_review_page_charts_weight_against_influence(card, periods):
    health = review(periods.show("Q1"))
    page = render_review_html(health.to_dict())
    for key, h in health.indicators.items():
        assert f"<title>{key} weight {h.weight * 100:.1f}%</title>" in page
        shown = "–" if h.influence is None else f"{h.influence * 100:.1f}%"
        assert f"<title>{key} influence {shown}</title>" in page
    assert page.count('class="mark weight"') == len(card.indicators)
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_comparison_page_has_a_trend_per_subject_and_team(periods):
    comparison = compare(periods)
    page = render_review_html(comparison.to_dict())
    assert page.count('class="chart trend"') == 3 + 2
    # one y range for every subject: the labels of the range are the same in each chart
    lows = re.findall(r'text-anchor="end">([0-9.]+)</text><line', page)
    assert len(set(lows[:3])) == 1
    assert "<title>ann: total</title>" in page and "<title>team T2: mean total</title>" in page
    first = comparison.subjects["ann"]["total"].values[0]
    assert f"<title>Q1: {first:g}</title>" in page  # a point's tooltip: ann's Q1 total


def test_workbooks(periods, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_review_xlsx(review(periods.show("Q2")).to_dict(), tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Indicators", "Standards", "Redundant pairs", "Recalibration"]
    assert wb["Indicators"]["A2"].value == "customer_satisfaction"
    assert len(wb["Indicators"]._charts) == 1
    comparison = compare(periods)
    q1, q2 = comparison.subjects["ann"]["total"].values
    path = write_review_xlsx(comparison.to_dict(), tmp_path / "compare.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Subjects", "Teams", "Ranks"]
    assert [c.value for c in wb["Subjects"][2]] == ["ann", q1, q2, q2 - q1, q2 - q1]
    assert len(wb["Subjects"]._charts) == 1 and len(wb["Teams"]._charts) == 1
