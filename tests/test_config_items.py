"""Scorecard files carry veto and bonus/deduction items: round trips, schema, key paths."""

from __future__ import annotations

import json

import attrs
import pytest

from csperf import Adjustment, ConfigError, Veto, dumps_scorecard, loads_scorecard
from csperf.config import scorecard_schema
from csperf.templates import customer_service_manager

CARD = attrs.evolve(
    customer_service_manager(serious_complaint_veto=True, commendation_bonus=True),
    vetoes=[
        *customer_service_manager(serious_complaint_veto=True).vetoes,
        Veto("breach", {"en": "Data breach", "zh": "数据安全事件"}, effect="cap_total", cap=59),
        Veto("fraud", "Fraud", metric="fraud_cases", effect="zero", operator="!=", threshold=0),
    ],
    adjustments=[
        *customer_service_manager(commendation_bonus=True).adjustments,
        Adjustment("complaints", "Complaints", "deduction", 2, floor=60, reason="-2 each"),
    ],
    bonus_cap=4.5,
)


@pytest.mark.parametrize("fmt", ["toml", "json", "yaml"])
def test_items_round_trip_in_every_format(fmt):
    if fmt == "yaml":
        pytest.importorskip("yaml")
    back = loads_scorecard(dumps_scorecard(CARD, fmt), fmt)
    assert back == CARD
    assert back.fingerprint == CARD.fingerprint


def test_a_veto_is_written_as_the_rule_it_states():
    text = dumps_scorecard(CARD)
    assert (
        '[[vetoes]]\nkey = "breach"\nlabel = { en = "Data breach", zh = "数据安全事件" }\n'
        'operator = ">="\nthreshold = 1.0\neffect = "cap_total"\ncap = 59.0\n'
    ) in text
    assert "bonus_cap = 4.5" in text


def test_a_card_without_items_writes_no_item_keys():
    text = dumps_scorecard(customer_service_manager())
    assert "vetoes" not in text and "adjustments" not in text and "bonus_cap" not in text


@pytest.mark.parametrize(
    ("old", "new", "path", "match"),
    [
        ('grade = "pass"', 'grade = "best"', "vetoes[0].grade", "no band of the grade scale"),
        ('operator = "!="', 'operator = "=~"', "vetoes[2].operator", "must be one of >="),
        ('effect = "zero"', 'effect = "nil"', "vetoes[2].effect", "cap_grade, cap_total, zero"),
        ("cap = 59.0", "cap = 59.125", "vetoes[1].cap", "more decimals than"),
        ("points = 2.0", "points = 0", "adjustments[1].points", "must be positive"),
        ('kind = "deduction"', 'kind = "malus"', "adjustments[1].kind", "bonus, deduction"),
        ("floor = 60.0", "flor = 60.0", "adjustments[1].flor", "did you mean 'floor'"),
        ("bonus_cap = 4.5", "bonus_cap = -1", "bonus_cap", "must be positive"),
        ("threshold = 0.0", 'threshold = "none"', "vetoes[2].threshold", "expected a number"),
    ],
)
def test_bad_item_values_are_refused_with_their_key_paths(old, new, path, match):
    text = dumps_scorecard(CARD)
    assert old in text
    with pytest.raises(ConfigError, match=match) as info:
        loads_scorecard(text.replace(old, new, 1), "toml")
    assert info.value.key_path == path


def test_the_schema_describes_the_items():
    schema = scorecard_schema()
    assert schema["properties"]["vetoes"]["items"] == {"$ref": "#/$defs/Veto"}
    veto = schema["$defs"]["Veto"]
    assert veto["properties"]["effect"]["enum"] == ["cap_grade", "cap_total", "zero"]
    assert veto["properties"]["operator"]["enum"] == [">=", ">", "<=", "<", "==", "!="]
    assert veto["required"] == ["key", "label"]
    adjustment = schema["$defs"]["Adjustment"]
    assert adjustment["required"] == ["key", "label", "kind", "points"]
    assert adjustment["properties"]["kind"]["enum"] == ["bonus", "deduction"]
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(dumps_scorecard(CARD, "json")), schema)
