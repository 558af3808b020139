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
