"""One zh/en label table for reports, the Excel form and ScorecardResult.explain()."""

from __future__ import annotations

import doctest
import string

import pytest

import csperf._labels as labels
import csperf.report._form
import csperf.report._format
import csperf.report._model
import csperf.results
from csperf._labels import LABELS, LANGUAGES, check_lang, label
from csperf.errors import ValidationError
from csperf.templates import customer_service_manager


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_docstring_examples():
    result = doctest.testmod(labels)
    assert result.attempted > 0
    assert result.failed == 0


def test_reports_and_explain_read_the_one_table():
    for module in (csperf.report._form, csperf.report._format, csperf.report._model, csperf.results):
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
    result = card.evaluate({i.metric: min(50.0, i.value_domain.upper) for i in card.indicators}, "ann")
    before = result.explain(lang)
    assert before.splitlines()[0].startswith(
        label("explain.card", lang, card=card.key, version=card.version, who="")[:8]
    )
    patched = {**LABELS["explain.total"], lang: "TOTAL {total}"}
    monkeypatch.setitem(LABELS, "explain.total", patched)
    after = result.explain(lang)
    assert after.splitlines()[-2] == f"TOTAL {result.total:.2f}"
    assert after.splitlines()[:-2] == before.splitlines()[:-2]
