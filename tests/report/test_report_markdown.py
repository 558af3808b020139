"""The Markdown report's scorecard section: every scoring rule in its own words."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import pytest

import csperf
from csperf import Direction, ScoringRule, loads_scorecard
from csperf.report import Report, render_markdown
from csperf.report._format import direction_text, percent, standards_text
from csperf.templates import customer_service_manager


def _scorecard_rows(text: str, lang: str) -> list[list[str]]:
    heading = "## 考核表" if lang == "zh" else "## Scorecard:"
    section = text[text.rindex(heading) :]
    rows = []
    for line in section.splitlines()[2:]:
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_scorecard_section_describes_every_rule(lang):
    card = customer_service_manager()
    result = card.evaluate(
        {i.metric: min(50.0, i.value_domain.upper) for i in card.indicators}, "ann"
    )
    report = Report(card, [result], lang=lang)
    text = render_markdown(report)
    header, rule, *rows = _scorecard_rows(text, lang)
    assert len(header) == 7 and rule == ["---"] * 5 + ["---:", "---:"]
    assert len(rows) == len(card.indicators)
    effective = card.weighting.effective()
    for row, ind in zip(rows, card.indicators):
        assert row[0].startswith(report.text(card.dimension(ind.dimension).name))
        assert row[1].startswith(report.text(ind.name))
        assert row[2] == direction_text(ind.direction, lang)
        assert row[3] == standards_text(ind.standards, lang)
        assert row[4] == ind.scoring.describe(lang)
        assert row[6] == percent(effective[ind.key])
    assert text.endswith("|\n")


@attrs.frozen
class Folded(ScoringRule):
    """Throwaway plugin rule with its own wording, holding a pipe and a line break."""

    kind: ClassVar[str] = "folded"

    @property
    def max_points(self) -> float:
        return 100.0

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        pass

    def exact_points(self, raw: Fraction) -> Fraction:
        return min(Fraction(100), abs(raw))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def describe(self, lang: str) -> str:
        return {"zh": "|实际值|，\n最多 100"}.get(lang, "|raw|,\nat most 100")


CARD = """
key = "folded"
title = "Folded"
dimensions = [{ key = "q", name = "Quality" }]

[[indicators]]
key = "csat"
name = "CSAT"
dimension = "q"
direction = "higher_is_better"
scoring = { kind = "folded" }

[weighting]
dimensions = { q = 100 }
indicators = { q = { csat = 100 } }
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_plugin_rule_is_described_in_its_own_words(lang):
    class FoldedPlugin:
        @csperf.hookimpl
        def csperf_scoring_rules(self) -> list[type[ScoringRule]]:
            return [Folded]

    pm = csperf.get_plugin_manager(entry_points=False)
    pm.register(FoldedPlugin(), name="folded")
    card = loads_scorecard(CARD, "toml", plugins=pm)
    text = render_markdown(Report(card, [card.evaluate({"csat": -40}, "ann")], lang=lang))
    [row] = _scorecard_rows(text, lang)[2:]
    wanted = " ".join(Folded().describe(lang).split())
    assert row[4] == wanted
    assert "{" not in row[4]  # not shown as its document form
