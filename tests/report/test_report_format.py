"""Values as people read them, ranks and percentiles, the details choice, the period label."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import ValidationError
from csperf._labels import LABELS, LANGUAGES
from csperf.report import Report
from csperf.report._format import (
    display_for,
    percent_column,
    period_text,
    shared_decimals,
    unit_kind,
)
from csperf.templates import customer_service_manager
from strategies import examples
from test_report import PEOPLE, population

# -- units --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "column", "value", "lang", "shown"),
    [
        # The issue's own examples: 0.814628 fraction and 10282.8 s.
        ("fraction", [0.814628, 0.9], 0.814628, "en", "81.5%"),
        ("fraction", [0.814628, 0.9], 0.9, "en", "90.0%"),
        ("fraction", [0.9, 1.0], 1.0, "en", "100%"),
        # Small rates get the decimals that show them: 0.4%, 1.2%; 0.045%.
        ("fraction", [0.004, 0.012], 0.004, "en", "0.4%"),
        ("fraction", [0.00045], 0.00045, "en", "0.045%"),
        ("%", [97.25, 90], 97.25, "en", "97.3%"),
        # 10282.8 s = 171.38 min → 171 min = 2 h 51 min.
        ("s", [10282.8, 95], 10282.8, "en", "2 h 51 min"),
        ("s", [10282.8, 95], 10282.8, "zh", "2小时51分钟"),
        # the column reaches an hour: shown to the minute (95 s = 1.58 min → 2 min)
        ("s", [10282.8, 95], 95, "en", "2 min"),
        # below an hour, to the second: 95 s = 1 min 35 s
        ("s", [95, 45], 95, "en", "1 min 35 s"),
        ("s", [95, 45], 45, "en", "45 s"),
        ("s", [95, 45], 95, "zh", "1分35秒"),
        # below a minute: seconds, one decimal when a value is not whole (45.25 → 45.3)
        ("s", [45.25, 12], 45.25, "en", "45.3 s"),
        ("s", [45.25, 12], 12, "zh", "12.0秒"),
        ("ms", [1500], 1500, "en", "1.5 s"),
        ("h", [2.5], 2.5, "en", "2 h 30 min"),
        ("min", [90.5], 90.5, "en", "1 h 31 min"),  # 90.5 min rounds half up to 91
        ("rating 1-5", [4.0, 3.5], 4.0, "en", "4.0 / 5"),
        ("rating 1-5", [4.0, 3.85], 4.0, "en", "4.00 / 5"),
        ("points", [88, 75], 88, "en", "88 pts"),
        ("points", [88, 75.5], 88, "zh", "88.0 分"),
        ("count", [1234.0], 1234.0, "en", "1,234"),
        ("NPS", [42.5], 42.5, "en", "42.5 NPS"),
        ("", [0.123456789], 0.123456789, "en", "0.123457"),
    ],
)
def test_values_as_people_read_them(unit, column, value, lang, shown):
    assert display_for(unit, column, lang)(value) == shown


def test_missing_and_non_finite_values():
    show = display_for("fraction", [0.5, None])
    assert show(None) == "—"
    assert show(math.inf) == "∞"


def test_unit_kinds():
    assert unit_kind(" Fraction ") == "fraction"
    assert unit_kind("scale 0-10") == "rating"
    assert unit_kind("rating 1–5") == "rating"
    assert unit_kind("seconds") == "duration"
    assert unit_kind("calls/h") == "other"


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_a_percentage_column_shares_one_precision_and_reads_back(values):
    show = display_for("fraction", values)
    texts = [show(v) for v in values]
    decimals = {len(t[:-1].partition(".")[2]) for t in texts}
    assert len(decimals) == 1
    (d,) = decimals
    for value, text in zip(values, texts):
        assert text.endswith("%")
        assert abs(float(text[:-1]) - value * 100) <= 0.5 * 10**-d + 1e-9


def _seconds(text: str) -> float:
    parts = dict((u, float(n)) for n, u in re.findall(r"([\d.]+) (h|min|s)\b", text))
    return parts.get("h", 0) * 3600 + parts.get("min", 0) * 60 + parts.get("s", 0)


@given(st.lists(st.floats(0, 200_000), min_size=1, max_size=12))
def test_a_duration_reads_back_within_half_its_last_unit(values):
    show = display_for("s", values)
    texts = [show(v) for v in values]
    longest = max(values)
    half = 30 if longest >= 3600 else 0.5 if longest >= 60 else 0.05
    for value, text in zip(values, texts):
        assert re.fullmatch(r"(\d+ h )?(\d+ min ?)?([\d.]+ s)?", text), text
        assert abs(_seconds(text) - value) <= half + 1e-9, (value, text)
        if longest >= 3600:
            assert " s" not in text
        if re.match(r"0 (h|min) ", text):
            pytest.fail(f"leading zero part in {text!r}")


def test_shared_decimals_and_weights():
    assert shared_decimals([1.25, 2.5], 0, 2) == 2
    assert shared_decimals([1.0, 2.0], 0, 2) == 0
    assert shared_decimals([1 / 3], 0, 2) == 2
    # The terminal mix (12.2%, 7.977%, 23.93%) at one precision:
    assert percent_column([0.122, 0.07977, 0.2393], most=1) == ["12.2%", "8.0%", "23.9%"]
    assert percent_column([0.5, 0.25, 0.25]) == ["50%", "25%", "25%"]


# -- period -------------------------------------------------------------------------------


def test_a_half_open_period_shows_its_last_day():
    # [1 Jan, 1 Apr) is the first quarter: its last day is 31 March, 2024 being a leap year
    # or not.
    assert period_text(date(2024, 1, 1), date(2024, 4, 1)) == "2024-01-01 – 2024-03-31"
    assert period_text(date(2024, 2, 1), date(2024, 3, 1)) == "2024-02-01 – 2024-02-29"
    assert period_text(date(2023, 2, 1), date(2023, 3, 1), "zh") == "2023-02-01 至 2023-02-28"
    shanghai = timezone(timedelta(hours=8))
    start, end = datetime(2024, 7, 1, tzinfo=shanghai), datetime(2024, 10, 1, tzinfo=shanghai)
    assert period_text(start, end) == "2024-07-01 – 2024-09-30"
    noon = datetime(2024, 7, 1, 12, 0, tzinfo=shanghai)
    assert period_text(start, noon) == "2024-07-01 – before 2024-07-01 12:00"
    assert period_text(start, noon, "zh") == "2024-07-01 至 2024-07-01 12:00 之前"


def test_a_report_writes_out_a_period_it_is_given():
    from csperf.sources import Period

    utc = timezone.utc
    report = population(period=(date(2024, 1, 1), date(2024, 4, 1)))
    assert report.period == "2024-01-01 – 2024-03-31"
    zh = population("zh", period=(date(2024, 1, 1), date(2024, 4, 1)))
    assert zh.period == "2024-01-01 至 2024-03-31"
    q1 = Period(datetime(2024, 1, 1, tzinfo=utc), datetime(2024, 4, 1, tzinfo=utc), "2024-Q1")
    assert population(period=q1).period == "2024-Q1 (2024-01-01 – 2024-03-31)"
    assert population(period="2024-Q2").period == "2024-Q2"
    for bad in ((date(2024, 4, 1), date(2024, 1, 1)), (date(2024, 1, 1), datetime(2024, 4, 1))):
        with pytest.raises(ValidationError, match="period must end after it starts"):
            population(period=bad)


# -- ranks, percentiles, details, teams ----------------------------------------------------


def test_ranks_and_percentiles_by_hand():
    report = population()
    totals = report.totals()
    assert totals == [90.48, 79.03, 49.99, 80.0]
    assert report.ranks() == [1, 3, 4, 2]
    # (B + E/2) / n: 3.5/4, 1.5/4, 0.5/4, 2.5/4
    assert report.percentiles() == [87.5, 37.5, 12.5, 62.5]


@given(st.lists(st.sampled_from([55, 70, 88, 95]), min_size=1, max_size=9))
@settings(max_examples=examples(25))
def test_ranks_agree_with_the_batch_and_percentiles_average_fifty(knowledge):
    card = customer_service_manager()
    rows = [dict(PEOPLE["li_wei"], product_knowledge=k) for k in knowledge]
    report = Report(card, [card.evaluate(r, f"s{i}") for i, r in enumerate(rows)])
    table = {key: [r[key] for r in rows] for key in rows[0]}
    assert report.ranks() == card.evaluate_many(table).ranks().tolist()
    percentiles = report.percentiles()
    assert all(0 < p < 100 for p in percentiles)
    assert math.fsum(percentiles) / len(percentiles) == pytest.approx(50)


def test_details_choice():
    report = population()
    assert report.details == "auto"
    assert report.detailed() == [0, 1, 2, 3]
    assert Report(report.scorecard, report.results, details="none").detailed() == []
    # top 2: li_wei (90.48) and 陈静 (80.00), in input order
    assert Report(report.scorecard, report.results, details=2).detailed() == [0, 3]
    assert Report(report.scorecard, report.results, details="top 1").detailed() == [0]
    for bad in (0, -1, "some", True, 1.5, "top x"):
        with pytest.raises(ValidationError, match="'details' must be"):
            Report(report.scorecard, report.results, details=bad)


def test_details_auto_leaves_a_large_population_out():
    card = customer_service_manager()
    result = card.evaluate(PEOPLE["li_wei"])
    import attrs

    results = [attrs.evolve(result, subject=f"s{i}") for i in range(101)]
    assert Report(card, results).detailed() == []
    assert Report(card, results[:100]).detailed() == list(range(100))


def test_teams_are_checked():
    report = population()
    with pytest.raises(ValidationError, match="teams name subject 'nobody'"):
        Report(report.scorecard, report.results, teams={"nobody": "A"})
    with pytest.raises(ValidationError, match="team of subject 'li_wei'"):
        Report(report.scorecard, report.results, teams={"li_wei": ""})
    with pytest.raises(ValidationError, match="must map subject to team"):
        Report(report.scorecard, report.results, teams=["A"])
    teamed = Report(report.scorecard, report.results, teams={"li_wei": "A"})
    assert teamed.team(0) == "A" and teamed.team(1) is None


# -- every word in Chinese -----------------------------------------------------------------


def test_every_metric_flag_has_a_label_in_every_language():
    from csperf.metrics import FLAGS

    for flag in FLAGS:
        assert set(LABELS[f"flag.{flag}"]) == set(LANGUAGES), flag


def _english_left(text: str) -> set[str]:
    """English words of the labels' English texts that a Chinese page still shows."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r'<span class="key">.*?</span>|<code>.*?</code>', " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)

    def words(s: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z]+(?:_[A-Za-z]+)*", s) if "_" not in w}

    english = set().union(*(words(t["en"]) for t in LABELS.values()))
    # Latin words a Chinese label means to show (details="all" in a hint), not a label left
    # untranslated (a zh text equal to the English one).
    english -= set().union(*(words(t["zh"]) for t in LABELS.values() if t["zh"] != t["en"]))
    english = {w for w in english if len(w) >= 3}
    return words(text) & english


def _zh_everything() -> Report:
    from csperf.metrics import FLAGS
    from csperf.report import SampleInfo

    flags = {"li_wei": {"complaint_rate": SampleInfo(12, sorted(FLAGS))}}
    teams = {"li_wei": "北区", "王芳": "南区"}
    return population("zh", period="2024-Q2", notes=["说明"], samples=flags, teams=teams)


@pytest.mark.parametrize("renderer", ["html", "markdown", "table"])
def test_a_chinese_report_shows_no_english_label(renderer):
    from csperf.report import render

    report = _zh_everything()
    assert _english_left(render(report, renderer)) == set()
    assert _english_left(render(attrs_evolve(report, details="none"), renderer)) == set()


def test_the_english_check_fails_on_a_label_left_in_english(monkeypatch):
    from csperf.report import render_html

    monkeypatch.setitem(
        LABELS, "flag.unresolved", {"en": "unresolved tickets", "zh": "unresolved tickets"}
    )
    monkeypatch.setitem(LABELS, "percentile", {"en": "Percentile", "zh": "Percentile"})
    left = _english_left(render_html(_zh_everything()))
    assert {"unresolved", "tickets", "percentile"} <= left


def attrs_evolve(report: Report, **changes: object) -> Report:
    import attrs

    return attrs.evolve(report, **changes)


@pytest.mark.parametrize(
    ("unit", "column", "lang", "value", "stored", "number_format"),
    [
        ("fraction", [0.814628], "en", 0.814628, 0.814628, "0.0%"),
        ("fraction", [0.9, 1.0], "en", 0.9, 0.9, "0%"),
        ("%", [97.25], "en", 97.25, 0.9725, "0.0%"),  # as shown: 97.3%
        # 10282.8 s is 10282.8 / 86400 days, Excel's unit of time
        ("s", [10282.8], "en", 10282.8, 10282.8 / 86400, '[h]" h "mm" min"'),
        ("s", [10282.8], "zh", 10282.8, 10282.8 / 86400, '[h]"小时"mm"分钟"'),
        ("s", [95], "en", 95, 95 / 86400, '[m]" min "ss" s"'),
        ("s", [5.5], "zh", 5.5, 5.5, '0.0"秒"'),
        ("h", [2.5], "en", 2.5, 2.5 * 3600 / 86400, '[h]" h "mm" min"'),
        ("rating 1-5", [4.2], "en", 4.2, 4.2, '0.0" / 5"'),
        ("points", [88], "zh", 88, 88, '0" 分"'),
        ("count", [3], "en", 3, 3, "#,##0"),
        ("NPS", [42.5], "en", 42.5, 42.5, "General"),
    ],
)
def test_excel_keeps_the_number_and_formats_it(unit, column, lang, value, stored, number_format):
    number, fmt = display_for(unit, column, lang).excel(value)
    assert number == pytest.approx(stored, rel=1e-15)
    assert fmt == number_format
