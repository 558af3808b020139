"""The JSON report's structured veto and bonus/deduction lines, checked against the schema."""

from __future__ import annotations

import json

import pytest

from csperf.report import Report, json_schema, render_json, report_data
from csperf.templates import customer_service_manager
from csperf.text import localize
from support import LI_WEI
from test_report import validate
from test_report_form_items import ITEM_VALUES, card_with


def subjects(lang: str = "en") -> tuple[Report, list[dict]]:
    card = card_with()
    results = [
        card.evaluate({**LI_WEI, **items}, f"s{i}") for i, items in enumerate(ITEM_VALUES)
    ]
    report = Report(card, results, lang=lang)
    data = json.loads(render_json(report))
    validate(data, json_schema(), json_schema())
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, json_schema())
    return report, data["subjects"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_items_follow_the_schema_and_the_results(lang):
    report, found = subjects(lang)
    for subject, result in zip(found, report.results):
        assert subject["weighted_total"] == result.weighted_total
        assert subject["adjusted_total"] == result.adjusted_total
        assert [a["key"] for a in subject["adjustments"]] == [
            "commendations",
            "complaints",
            "tiny",
            "late",
        ]
        for line, item in zip(subject["adjustments"], result.adjustments):
            assert (line["events"], line["points_per_event"], line["cap"]) == (
                item.events,
                item.points_per_event,
                item.cap,
            )
            assert (line["amount"], line["applied"]) == (item.amount, item.applied)
        assert [v["key"] for v in subject["vetoes"]] == ["serious_complaint", "breach", "fraud"]
        assert subject["explanation"] == result.explain(lang).splitlines()  # the lines stay


def test_hand_worked_lines():
    _, found = subjects()
    first, second, third, fourth = found[:4]
    # s0: 3 commendations (+3, the bonus cap 4.5 leaves room), 1 complaint (−2), tiny 1 × 0.0005,
    # late 2 × 0.25 = 0.5 (cap 1) → −0.5.
    lines = {a["key"]: a for a in first["adjustments"]}
    assert (lines["commendations"]["amount"], lines["commendations"]["applied"]) == (3, 3)
    assert lines["complaints"]["applied"] == -2 and lines["complaints"]["kind"] == "deduction"
    assert lines["late"]["amount"] == 0.5 and lines["late"]["applied"] == -0.5
    assert lines["commendations"]["label"] == "Commendations"
    assert not any(v["fired"] for v in first["vetoes"])
    assert all(v["applied"] is None for v in first["vetoes"])
    # s1: 8 commendations: the item's cap 5, then the card's bonus cap 4.5.
    lines = {a["key"]: a for a in second["adjustments"]}
    assert (lines["commendations"]["amount"], lines["commendations"]["applied"]) == (5, 4.5)
    complaint = second["vetoes"][0]
    assert complaint["fired"] and complaint["value"] == 1
    assert complaint["effect"] == "cap_grade" and complaint["cap"] is None
    assert complaint["grade"] == {"key": "pass", "label": "pass"}
    assert complaint["applied"] == "grade at most pass"
    assert second["grade"]["key"] == "pass"
    # s2: a data breach caps the total at 59.
    breach = third["vetoes"][1]
    assert (breach["fired"], breach["effect"], breach["cap"], breach["grade"]) == (
        True,
        "cap_total",
        59,
        None,
    )
    assert breach["applied"] == "total at most 59" and third["total"] <= 59
    # s3: fraud (!= 0) zeroes the total.
    fraud = fourth["vetoes"][2]
    assert (fraud["fired"], fraud["condition"], fraud["applied"]) == (
        True,
        "fraud != 0",
        "total set to 0",
    )
    assert fourth["total"] == 0


def test_reasons_and_chinese_labels():
    card = customer_service_manager(serious_complaint_veto=True, commendation_bonus=True)
    result = card.evaluate({**LI_WEI, "serious_complaints": 1, "commendations": 3}, "li")
    data = json.loads(render_json(Report(card, [result], lang="zh")))
    validate(data, json_schema(), json_schema())
    subject = data["subjects"][0]
    veto = subject["vetoes"][0]
    assert veto["reason"] == localize(card.vetoes[0].reason, "zh") != ""
    assert veto["grade"]["label"] == "合格" and veto["applied"] == "等级最高为 合格"
    assert subject["adjustments"][0]["reason"] == localize(card.adjustments[0].reason, "zh")
    assert subject["adjustments"][0]["label"] == localize(card.adjustments[0].label, "zh")


def test_a_card_without_items_has_empty_item_fields():
    card = customer_service_manager()
    data = json.loads(render_json(Report(card, [card.evaluate(LI_WEI, "li")])))
    validate(data, json_schema(), json_schema())
    subject = data["subjects"][0]
    assert (subject["weighted_total"], subject["adjusted_total"]) == (None, None)
    assert (subject["adjustments"], subject["vetoes"]) == ([], [])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["vetoes"][0].update(effect="cap"), "not in"),
        (lambda s: s["adjustments"][0].update(amount=-1), "< 0"),
        (lambda s: s["adjustments"][0].pop("applied"), "missing 'applied'"),
        (lambda s: s.pop("vetoes"), "missing 'vetoes'"),
    ],
)
def test_the_schema_rejects_broken_item_lines(mutate, message):
    report, _ = subjects()
    data = report_data(report)
    mutate(data["subjects"][0])
    with pytest.raises(AssertionError, match=message):
        validate(data, json_schema(), json_schema())
