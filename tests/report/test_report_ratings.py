"""Rated indicators in the reports: withheld values, per-source lines, the JSON items."""

from __future__ import annotations

import csv
import io
from typing import Any

import attrs

from csperf import MissingPolicy
from csperf.ratings import rate
from csperf.report import Report, read_samples, render_csv
from test_ratings import POPULATION, card


def population_report(lang: str = "en", *, missing_speed: bool = False) -> Report:
    """ann, ben, cy rated; dee withheld (one peer); with ``missing_speed`` cy has no speed."""
    scored = attrs.evolve(card(), missing=MissingPolicy.REDISTRIBUTE)
    rated = rate(scored, POPULATION)
    results = []
    for s in rated.subjects:
        speed = None if missing_speed and s == "cy" else 50
        results.append(scored.evaluate({**rated.row(s), "speed": speed}, s))
    return Report(scored, results, lang=lang, samples=read_samples(scored, rated, rated.subjects))


def csv_rows(report: Report) -> dict[str, dict[str, Any]]:
    return {row["subject"]: row for row in csv.DictReader(io.StringIO(render_csv(report)))}


def test_csv_shows_a_withheld_rating_as_too_few_raters():
    rows = csv_rows(population_report())
    assert rows["dee"]["raw.collab"] == "too few raters"
    assert rows["dee"]["points.collab"] == ""  # not scored: redistributed
    assert float(rows["ann"]["raw.collab"]) == 3.5  # (20·4 + 30·4 + 50·3) / 100
    assert float(rows["ben"]["raw.collab"]) == 30 / 7  # a source withheld, the value is there


def test_csv_withheld_in_chinese_and_truly_missing_stays_empty():
    rows = csv_rows(population_report("zh", missing_speed=True))
    assert rows["dee"]["raw.collab"] == "评分人数不足"
    assert rows["cy"]["raw.speed"] == ""  # truly missing: no sample says it was withheld
    assert rows["cy"]["points.speed"] == ""
    assert rows["dee"]["raw.speed"] == "50.0"


# -- per-source lines in explain() ------------------------------------------------------------


def explained(ratings: Any = POPULATION, lang: str = "en") -> dict[str, str]:
    scored = attrs.evolve(card(), missing=MissingPolicy.REDISTRIBUTE)
    rated = rate(scored, ratings)
    out = {}
    for s in rated.subjects:
        result = scored.evaluate({**rated.row(s), "speed": 50}, s)
        out[s] = result.with_ratings({"collab": rated.get(s, "collab")}).explain(lang)
    return out


def lines_under_collab(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  collab"))
    return [line.strip() for line in lines[start + 1 :] if line.startswith("    ")]


def test_explain_gives_each_source_and_the_combined_value():
    found = explained()
    # ann: (20·4 + 30·4 + 50·3) / 100 = 3.5
    assert lines_under_collab(found["ann"]) == [
        "self: 1 rater(s), mean 4, weight 20%",
        "peer: 3 rater(s), mean 4, weight 30%",
        "manager: 1 rater(s), mean 3, weight 50%",
        "combined value: 20% × 4 + 30% × 4 + 50% × 3 = 3.5",
    ]
    # ben: peers withheld (2 < 3); (20·5 + 50·4) / 70 = 30/7
    assert lines_under_collab(found["ben"]) == [
        "self: 1 rater(s), mean 5, weight 28.5714%",
        "peer: too few raters (2 of 3 needed); weight moved to the other sources",
        "manager: 1 rater(s), mean 4, weight 71.4286%",
        "combined value: 28.5714% × 5 + 71.4286% × 4 = 4.2857",
    ]
    # dee: the one peer withheld, no value
    assert lines_under_collab(found["dee"]) == [
        "self: no ratings (1 needed)",
        "peer: too few raters (1 of 3 needed)",
        "manager: no ratings (1 needed)",
        "combined value: too few raters (no value)",
    ]


def test_explain_lines_are_the_describe_lines_in_both_languages():
    scored = card()
    rated = rate(scored, POPULATION)
    for lang in ("en", "zh"):
        found = explained(lang=lang)
        for s in rated.subjects:
            described = rated.get(s, "collab").describe(lang, combined=True).splitlines()
            assert lines_under_collab(found[s]) == described
    zh = explained(lang="zh")
    assert "互评：评分人数不足（2 人，至少需要 3 人）" in lines_under_collab(zh["ben"])[1]
    assert lines_under_collab(zh["dee"])[-1] == "综合评分：评分人数不足（无分值）"


def test_explain_keeps_anonymity():
    """Any score for the withheld peers of ben and dee: the explanations do not change."""
    base = explained()
    for score in (1, 2, 5):
        changed = [
            attrs.evolve(r, score=score) if r.ratee in ("ben", "dee") and r.source == "peer" else r
            for r in POPULATION
        ]
        assert explained(changed) == base
    assert explained() != explained(
        [attrs.evolve(r, score=1) if r.ratee == "ann" and r.source == "peer" else r
         for r in POPULATION]
    )  # a source used does show


def test_without_ratings_explain_is_unchanged_and_equality_ignores_them():
    scored = card()
    rated = rate(scored, POPULATION)
    plain = scored.evaluate({**rated.row("ann"), "speed": 50}, "ann")
    rich = plain.with_ratings({"collab": rated.get("ann", "collab")})
    assert rich == plain and not plain.ratings
    assert [line for line in rich.explain().splitlines() if not line.startswith("    ")] == (
        plain.explain().splitlines()
    )


def test_with_ratings_refuses_a_value_that_was_not_scored():
    import pytest

    from csperf.errors import ValidationError

    scored = card()
    rated = rate(scored, POPULATION)
    ann = scored.evaluate({**rated.row("ann"), "speed": 50}, "ann")
    with pytest.raises(ValidationError, match="not those of the value scored") as info:
        ann.with_ratings({"collab": rated.get("ben", "collab")})
    assert info.value.field == ("ratings", "collab") and info.value.subject == "ann"
    with pytest.raises(ValidationError, match="no indicator of the result"):
        ann.with_ratings({"speedy": rated.get("ann", "collab")})


def test_cli_json_explanation_has_the_source_lines(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli
    from csperf.config import dumps_scorecard

    path = tmp_path / "card.toml"
    path.write_text(
        dumps_scorecard(attrs.evolve(card(), missing=MissingPolicy.REDISTRIBUTE)),
        encoding="utf-8",
    )
    ratings = tmp_path / "r.csv"
    lines = ["rater,source,ratee,item,score"]
    lines += [f"{r.rater},{r.source.value},{r.ratee},collab,{r.score}" for r in POPULATION]
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    measured = tmp_path / "m.csv"
    measured.write_text("subject,speed\nann,50\nben,50\ncy,50\ndee,50\n", encoding="utf-8")
    args = ["score", str(path), "--measurements", str(measured), "--ratings", str(ratings)]
    done = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    import json

    data = {s["subject"]: s for s in json.loads(done.stdout)["subjects"]}
    assert "    combined value: 20% × 4 + 30% × 4 + 50% × 3 = 3.5" in data["ann"]["explanation"]
    assert "    combined value: too few raters (no value)" in data["dee"]["explanation"]
    csv_done = CliRunner().invoke(cli, [*args, "--format", "csv", "--lang", "zh"])
    rows = {r["subject"]: r for r in csv.DictReader(io.StringIO(csv_done.stdout))}
    assert rows["dee"]["raw.collab"] == "评分人数不足"
