"""One zh/en label table for reports, the Excel form and ScorecardResult.explain()."""

from __future__ import annotations

import doctest
import re
import string
from pathlib import Path

import pytest

import csperf._labels as labels
import csperf.report._form
import csperf.report._format
import csperf.report._model
import csperf.results
import csperf.weights
from csperf._labels import LABELS, LANGUAGES, check_lang, label
from csperf.errors import ValidationError
from csperf.hooks import get_plugin_manager
from csperf.report import Report
from csperf.templates import customer_service_manager
from csperf.text import localize
from csperf.weights import SwotFactor, SwotKind, WeightResult, swot


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_docstring_examples():
    result = doctest.testmod(labels)
    assert result.attempted > 0
    assert result.failed == 0


def test_reports_and_explain_read_the_one_table():
    for module in (
        csperf.report._form,
        csperf.report._format,
        csperf.report._model,
        csperf.results,
    ):
        assert module.label is label


def test_every_label_exists_in_every_language_with_the_same_fields():
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["zh"]), key


def test_other_languages_get_english():
    assert label("total", "zh") == "总分"
    assert label("total", None) == label("total", "fr") == "Total"
    # a field may be called key or lang: the label's own arguments are positional only
    assert label("explain.grade", "en", label="A", key="a", lower=1, upper=2).startswith("grade")
    with pytest.raises(ValidationError, match="must be one of en, zh"):
        check_lang("fr")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_explain_takes_its_wording_from_the_table(lang, monkeypatch):
    card = customer_service_manager()
    result = card.evaluate(
        {i.metric: min(50.0, i.value_domain.upper) for i in card.indicators}, "ann"
    )
    before = result.explain(lang)
    assert before.splitlines()[0].startswith(
        label("explain.card", lang, card=card.key, version=card.version, who="")[:8]
    )
    patched = {**LABELS["explain.total"], lang: "TOTAL {total}"}
    monkeypatch.setitem(LABELS, "explain.total", patched)
    after = result.explain(lang)
    assert after.splitlines()[-2] == f"TOTAL {result.total:.2f}"
    assert after.splitlines()[:-2] == before.splitlines()[:-2]


# -- the reports of the weight strategies --------------------------------------------------------

_JUDGEMENTS = {
    "service_quality/efficiency": 2,
    "service_quality/capability": 3,
    "service_quality/teamwork": 4,
    "efficiency/capability": 2,
    "efficiency/teamwork": 3,
    "capability/teamwork": 2,
}
_POPULATION = {
    "customer_satisfaction": [0.91, 0.85, 0.88, 0.93, 0.79],
    "complaint_rate": [0.004, 0.010, 0.006, 0.003, 0.015],
    "first_response_time": [45, 80, 60, 40, 150],
    "resolution_time": [20000, 30000, 25000, 18000, 50000],
    "product_knowledge": [88, 75, 82, 92, 70],
    "script_compliance": [0.93, 0.90, 0.92, 0.96, 0.85],
    "collaboration_rating": [4.2, 3.8, 4.0, 4.5, 3.5],
    "information_sharing_rate": [0.97, 0.90, 0.95, 0.98, 0.88],
}
_DIMS = ["service_quality", "efficiency", "capability", "teamwork"]
# one call per branch that writes a line of a strategy's report
_CALLS = {
    "fixed": ("fixed", {"dimensions": dict(zip(_DIMS, [40, 30, 20, 10]))}),
    "equal": ("equal", {}),
    "equal per indicator": ("equal", {"mode": "indicators"}),
    "rank order": (
        "rank_order",
        {
            "dimensions": ["efficiency", "service_quality", "capability", "teamwork"],
            "indicators": {"efficiency": {"first_response_time": 1, "resolution_time": 1}},
            "method": "rs",
        },
    ),
    "ahp, pairs filled": (
        "ahp",
        {
            "dimensions": {
                "judgements": {k: v for k, v in _JUDGEMENTS.items() if k != "capability/teamwork"}
            },
            "indicators": {"efficiency": {"matrix": [[1, "1/2"], [2, 1]]}},
            "method": "geometric_mean",
        },
    ),
    "ahp, no random index": (
        "ahp",
        {
            "dimensions": {"judgements": _JUDGEMENTS},
            "indicators": {
                "efficiency": {"judgements": {"first_response_time/resolution_time": 2}}
            },
            "ri": {"3": 0.58},
            "max_cr": None,
        },
    ),
    "group ahp": (
        "ahp",
        {
            "stakeholders": [
                {
                    "name": "王芳",
                    "role": "组长",
                    "weight": 2,
                    "dimensions": {"judgements": _JUDGEMENTS},
                },
                {
                    "name": "李强",
                    "dimensions": {
                        "judgements": {
                            "service_quality/efficiency": "1/2",
                            "efficiency/capability": 2,
                            "capability/teamwork": 2,
                        }
                    },
                },
            ]
        },
    ),
    "group ahp, agreed": (
        "ahp",
        {
            "stakeholders": [
                {"name": "王芳", "indicators": {"teamwork": {"matrix": [[1, 2], ["1/2", 1]]}}},
                {"name": "李强", "indicators": {"teamwork": {"matrix": [[1, 2], ["1/2", 1]]}}},
            ],
            "aggregation": "aip",
        },
    ),
    "entropy": ("entropy", {"data": _POPULATION}),
    "entropy within": (
        "entropy",
        {"data": _POPULATION, "scope": "within", "normalization": "share"},
    ),
    "critic within": ("critic", {"data": _POPULATION, "scope": "within"}),
    "combine": (
        "combine",
        {
            "parts": [
                {
                    "strategy": "ahp",
                    "params": {"dimensions": {"judgements": _JUDGEMENTS}},
                    "coefficient": 3,
                },
                {"strategy": "critic", "params": {"data": _POPULATION}, "coefficient": 2},
                {"weighting": {"strategy": "equal"}, "coefficient": 1},
            ]
        },
    ),
    "swot on a base strategy, with expiry": (
        "swot",
        {
            "factors": [
                {"kind": "weakness", "target": "efficiency", "reason": "响应慢", "intensity": 0.2},
                {
                    "kind": "opportunity",
                    "target": "service_quality",
                    "reason": "新系统上线",
                    "intensity": 0.1,
                    "expires": "2025-06-30",
                },
                {
                    "kind": "strength",
                    "target": "product_knowledge",
                    "reason": "培训到位",
                    "intensity": 0.1,
                },
                {
                    "kind": "threat",
                    "target": "teamwork",
                    "reason": "旺季已过",
                    "intensity": 0.3,
                    "expires": "2025-03-31",
                },
            ],
            "base": {"strategy": "equal"},
            "as_of": "2025-04-01",  # one factor expired (left out), one still to expire
        },
    ),
    "swot, bounds narrowed": (
        "swot",
        {
            "factors": [
                {"kind": "threat", "target": "teamwork", "reason": "人员流动", "intensity": 0.2},
                {
                    "kind": "weakness",
                    "target": "collaboration_rating",
                    "reason": "协作差",
                    "intensity": 0.5,
                },
                {
                    "kind": "weakness",
                    "target": "information_sharing_rate",
                    "reason": "共享少",
                    "intensity": 0.5,
                },
            ],
            "policy": {
                "teamwork": [5, 30],
                "collaboration_rating": [5, 12],
                "information_sharing_rate": [5, 12],
            },
        },
    ),
    "swot, no factors": ("swot", {"factors": [], "base": customer_service_manager().weighting}),
}
# words a Chinese report may keep: keys, strategy and table names, and the methods' symbols
_KEPT_WORDS = re.compile(
    r"\b(?:[a-z]+(?:_[a-z]+)+|ahp|critic|equal|rs|saaty1980|custom|"
    r"AHP|AIJ|AIP|CRITIC|SWOT|CR|CI|RI|efficiency|capability|teamwork)\b|λmax"
)


def _strategy(name):
    return get_plugin_manager(entry_points=False).weight_strategy(name)


def test_every_label_the_weight_strategies_use_exists_in_every_language():
    used = {f"swot.kind.{kind.value}" for kind in SwotKind}
    used |= {"weights.entropy.minmax", "weights.entropy.share"}
    for path in Path(csperf.weights.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\b(?:label|both)\(\s*"([a-z_.]+)"', text))
        used |= {f"weights.{key}" for key in re.findall(r'"weights\.([a-z_.]+)"', text)}
        used |= {f"swot.{key}" for key in re.findall(r'"swot\.([a-z_.]+)"', text)}
    assert len(used) > 50
    for key in used:
        assert key in LABELS, key
        assert set(LABELS[key]) == set(LANGUAGES), key


@pytest.mark.parametrize("case", list(_CALLS))
def test_every_line_of_a_weight_strategys_report_reads_in_chinese(case):
    """A line written in English only (an f-string, a label without zh) leaves English words."""
    name, params = _CALLS[case]
    result = _strategy(name).compute(customer_service_manager(), **params)
    english, chinese = result.text("en"), result.text("zh")
    assert english == result.lines == result.text()
    assert len(chinese) == len(english) > 0
    for en, zh in zip(english, chinese):
        assert re.search(r"[\u4e00-\u9fff\uff08\uff09\uff0c\uff1a\uff1b]", zh), zh
        left = _KEPT_WORDS.sub("", zh)
        assert not re.search(r"[A-Za-z]{2,}", left), (zh, left)
        # the numbers are the same in both languages
        numbers = [sorted(re.findall(r"\d+(?:\.\d+)?", text)) for text in (en, zh)]
        assert numbers[0] == numbers[1], (en, zh)


def test_the_untargeted_swot_note_in_both_languages():
    base = customer_service_manager().weighting
    factor = SwotFactor("weakness", "efficiency", "平均响应时间过长")
    english = swot(base, [factor]).lines
    chinese = swot(base, [factor], lang="zh").lines
    assert english[-1].endswith(": untargeted, scaled in proportion")
    assert chinese[-1].endswith("：" + LABELS["swot.untargeted"]["zh"])
    # the user's own reason stays as written
    assert chinese[0] == "efficiency 30% → 40%：劣势，平均响应时间过长"
    with pytest.raises(ValidationError, match="must be one of en, zh"):
        swot(base, [factor], lang="fr")


def test_a_weight_result_in_several_languages():
    weighting = customer_service_manager().weighting
    result = WeightResult.of(weighting, ["plain", {"en": "both", "zh": "双语"}], "fixed")
    assert result.lines == ("plain", "both")
    assert result.text("zh") == ("plain", "双语")
    assert result.to_dict("zh")["lines"] == ["plain", "双语"]
    assert result.to_dict()["lines"] == ["plain", "both"]
    assert [localize(n, "zh") for n in result.notes()] == ["plain", "双语"]
    only_english = WeightResult(weighting, ["plain"], "fixed")
    assert only_english.text("zh") == ("plain",) and only_english.notes() == ("plain",)
    with pytest.raises(ValidationError, match="1 zh line"):
        WeightResult(weighting, ["a", "b"], "fixed", translations={"zh": ["甲"]})
    with pytest.raises(ValidationError, match="must be one of en, zh"):
        WeightResult(weighting, ["a"], "fixed", translations={"fr": ["a"]})
    with pytest.raises(ValidationError, match="sequences of strings"):
        WeightResult(weighting, ["a"], "fixed", translations={"zh": 3})


def test_a_report_shows_the_weighting_notes_in_its_language():
    card = customer_service_manager()
    adjusted = _strategy("swot").compute(
        card, factors=[{"kind": "weakness", "target": "efficiency", "reason": "响应慢"}]
    )
    card = adjusted.apply(card)
    results = [
        card.evaluate({i.metric: min(50.0, i.value_domain.upper) for i in card.indicators}, "ann")
    ]
    for lang in LANGUAGES:
        report = Report(card, results, lang=lang, notes=adjusted.notes())
        assert [report.text(n) for n in report.notes] == list(adjusted.text(lang))
