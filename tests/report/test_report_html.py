"""The HTML report: self-contained, escaped, charts that match the numbers, and a real browser."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from csperf import (
    Dimension,
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    Piecewise,
    Scorecard,
    Weighting,
)
from csperf.report import Report, SampleInfo, render_html, write_report
from csperf.report._svg import histogram_bins
from csperf.templates import customer_service_manager
from test_report import PEOPLE, population, redistributing_report


class Page(HTMLParser):
    """The tags of a page, checked for balance, with text gathered."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "col"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack, f"</{tag}> without an opening tag"
        opened = self.stack.pop()
        assert opened == tag, f"<{opened}> closed by </{tag}>"

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]


def test_page_is_well_formed_and_self_contained():
    text = render_html(population("en", period="2024-Q2", notes=["AHP weights"]))
    page = Page(text)
    assert page.stack == []
    assert text.startswith("<!DOCTYPE html>")
    # Nothing is fetched: no external URL but the SVG namespace, no link/src/import/url().
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= {"http://www.w3.org/2000/svg"}
    for forbidden in ("<link", " src=", "@import", "url(", "<img", "<iframe"):
        assert forbidden not in text
    assert page.find("style")
    assert len(page.find("script")) == 4
    assert len([s for s in page.find("script") if s.get("type") == "application/json"]) == 1


def test_one_radar_per_subject_and_one_histogram():
    report = population()
    page = Page(render_html(report))
    assert len(page.find("svg", "radar")) == len(PEOPLE)
    assert len(page.find("svg", "histogram")) == 1
    assert len(page.find("details", "subject")) == len(PEOPLE)


def test_radar_vertices_sit_at_the_dimension_points():
    report = population()
    text = render_html(report)
    polygons = re.findall(r'<polygon class="mark area" points="([^"]+)"', text)
    assert len(polygons) == len(PEOPLE)
    card = report.scorecard
    for polygon, result in zip(polygons, report.results):
        vertices = [tuple(map(float, p.split(","))) for p in polygon.split()]
        # Axis k points up (k = 0) and turns clockwise by 360°/n. The outer ring (the fifth
        # grid polygon) is at max_points: its top vertex gives the centre's x and, with its
        # right vertex, the centre's y and the radius R. A vertex lies at R · points / max.
        outer = re.findall(r'<polygon class="grid" points="([^"]+)"', text)[4]
        top, right = (tuple(map(float, v.split(","))) for v in outer.split()[:2])
        cx, cy = top[0], right[1]
        radius = cy - top[1]
        assert right[0] - cx == pytest.approx(radius, abs=0.01)
        for k, (dim, (x, y)) in enumerate(zip(card.dimensions, vertices)):
            points = result.dimensions[dim.key].points
            distance = math.hypot(x - cx, y - cy)
            assert distance == pytest.approx(radius * points / card.max_points, abs=0.02), dim.key
            angle = math.degrees(math.atan2(y - cy, x - cx))
            if distance > 0.5:
                assert angle == pytest.approx(-90 + 360 * k / len(card.dimensions), abs=0.5)


def test_histogram_counts_every_subject_in_its_grade():
    report = population()
    text = render_html(report)
    histogram = re.search(r'<svg class="chart histogram".*?</svg>', text).group(0)
    bars = re.findall(r"<title>([\d.]+)–([\d.]+): (\d+)</title>", histogram)
    assert sum(int(n) for _, _, n in bars) == len(PEOPLE)
    for lo, hi, n in bars:
        inside = [
            r.total
            for r in report.results
            if float(lo) <= r.total < float(hi) or (r.total == float(hi) == 100.0)
        ]
        assert len(inside) == int(n), (lo, hi)
    # 陈静's 80.00 (79.995 rounded) is counted on the "good" side of the 80 edge.
    assert ("80", "85", "1") in bars
    labels = dict(re.findall(r'class="band-label"[^>]*>([^<]+) · (\d+)</text>', histogram))
    counts = report.grade_counts()
    scale = report.scorecard.grade_scale
    assert {k: int(v) for k, v in labels.items()} == {
        scale.band(key).text("en"): n for key, n in counts.items()
    }


def test_histogram_bins_never_straddle_a_grade():
    scale = GradeScale.default()
    bins = histogram_bins(scale, 0, 100, 5)
    assert bins[0][1] == 0
    assert bins[-1][2] == 100
    for (band, lo, hi), (_, next_lo, _) in zip(bins, bins[1:]):
        assert hi == pytest.approx(next_lo)
        assert band.lower <= lo < hi <= band.upper
    assert len(bins) == 20
    odd = GradeScale((GradeBand("hi", "hi", 87.5, math.inf), GradeBand("lo", "lo", -5, 87.5)))
    bins = histogram_bins(odd, 0, 100, 5)
    assert [b[0].key for b in bins].count("hi") == round(12.5 / 5)
    assert bins[0][1] == 0
    assert bins[-1][2] == 100


def test_indicator_table_shows_raw_unit_standard_points_weight_contribution():
    report = population("en")
    page = Page(render_html(report))
    text = " ".join(page.text)
    li = report.results[0]
    item = li.indicators["first_response_time"]
    assert "45" in text
    assert "Average first-response time" in text
    # Row of first_response_time: raw 45 s, standard excellent, 92.67 points, 12 %, 11.1200.
    html = render_html(report)
    section = re.search(r'<details class="subject" id="subject-1".*?</details>', html, re.S)
    assert section is not None
    section = section.group(0)
    row = re.search(r"<tr><td>Average first-response time.*?</tr>", section).group(0)
    cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells[2] == ["45", "s"]
    assert cells[3] == ["excellent"]
    assert cells[4] == [f"{item.points:.2f}"]
    assert cells[5] == ["12%"]
    assert cells[6] == [f"{item.contribution:.4f}"]
    assert li.explain("en").splitlines()[0] in text


def test_chinese_labels_and_language():
    text = render_html(population("zh", period="2024年第二季度"))
    assert '<html lang="zh-CN">' in text
    for word in (
        "汇总",
        "总分分布",
        "等级分布",
        "指标明细",
        "得分计算过程",
        "考核周期：2024年第二季度",
    ):
        assert word in text
    assert "服务质量" in text
    assert "Distribution of totals" not in text


def test_everything_is_escaped():
    card = attrs.evolve(customer_service_manager(), title={"en": "Q&A <team>", "zh": "问答 & <组>"})
    result = card.evaluate(PEOPLE["li_wei"], '<script>alert("x")</script>')
    report = Report(card, [result], notes=["<b>bold</b> & more"], period="<p>")
    text = render_html(report)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "Q&amp;A &lt;team&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in text
    assert Page(text).stack == []


def test_samples_column_appears_when_known():
    plain = render_html(population())
    assert "Sample" not in plain
    report = population(samples={"li_wei": {"complaint_rate": SampleInfo(12, ["small_sample"])}})
    text = render_html(report)
    assert '<th class="num">Sample</th>' in text
    assert "small sample" in text
    assert "样本量小" in render_html(attrs.evolve(report, lang="zh"))


def test_missing_values_and_emptied_dimension():
    text = render_html(redistributing_report())
    assert '<span class="missing">missing</span>' in text
    assert "—" in text  # the emptied dimension's points


def test_two_dimensions_get_bars_instead_of_a_radar():
    card = Scorecard(
        key="two",
        title="Two",
        dimensions=[Dimension("a", "A"), Dimension("b", "B")],
        indicators=[
            Indicator("x", "X", "a", Direction.HIGHER_IS_BETTER, Piecewise([(0, 0), (1, 100)])),
            Indicator("y", "Y", "b", Direction.HIGHER_IS_BETTER, Piecewise([(0, 0), (1, 100)])),
        ],
        weighting=Weighting({"a": 0.5, "b": 0.5}, {"a": {"x": 1}, "b": {"y": 1}}),
    )
    report = Report(card, [card.evaluate({"x": 0.25, "y": 1}, "s")])
    page = Page(render_html(report))
    assert page.find("svg", "radar") == []
    bars = page.find("rect", "bar")
    histogram_bars = 1
    assert len(bars) == 2 + histogram_bars
    widths = [float(b["width"]) for b in bars[-2:]]  # the histogram comes first
    assert widths[1] == pytest.approx(4 * widths[0])


# -- in a real browser -----------------------------------------------------------------------


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is required in CI for the HTML report test (apt-get install chromium)"
            )
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return found


def _dump_dom(browser: str, page: Path, profile: Path) -> str:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=3000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _body(dom: str) -> dict[str, str]:
    tag = re.search(r"<body([^>]*)>", dom)
    assert tag is not None, dom[:500]
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(1)))


@pytest.mark.slow
def test_charts_render_without_script_errors_in_a_browser(tmp_path):
    browser = _chromium()
    report = population("zh", period="2024-Q2")
    page = write_report(report, tmp_path / "report.html", "html")
    body = _body(_dump_dom(browser, page, tmp_path / "profile"))
    assert body.get("data-errors") == ""
    assert body.get("data-charts") == str(len(PEOPLE) + 1)
    assert body.get("data-charts-ok") == "1"

    # The check is live: a page whose script fails, and a page with an empty chart, are caught.
    broken = page.read_text(encoding="utf-8").replace(
        "</main>", "<script>undefinedFunction();</script></main>"
    )
    broken = broken.replace('<polygon class="mark area"', '<polygon class="area"', 1)
    broken = re.sub(r'<circle class="mark dot"', '<circle class="dot"', broken, count=4)
    bad = tmp_path / "broken.html"
    bad.write_text(broken, encoding="utf-8")
    body = _body(_dump_dom(browser, bad, tmp_path / "profile2"))
    assert "undefinedFunction" in body.get("data-errors", "")
    assert body.get("data-charts-ok") == "0"


def test_without_chromium_the_browser_test_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(Path, "exists", lambda self: False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        _chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        _chromium()


def test_long_axis_labels_are_cut_short_with_the_full_name_kept():
    from csperf.report._svg import LABEL_WIDTH

    long_name = "Product knowledge and selling skills"
    card = customer_service_manager()
    card = attrs.evolve(
        card,
        dimensions=tuple(
            attrs.evolve(d, name=long_name) if d.key == "capability" else d for d in card.dimensions
        ),
    )
    report = Report(card, [card.evaluate(PEOPLE["li_wei"], "li_wei")])
    text = render_html(report)
    label = re.search(r"<title>" + long_name + r"</title><tspan>([^<]+)</tspan>", text)
    assert label is not None
    assert label.group(1).endswith("…")
    assert long_name.startswith(label.group(1)[:-1])
    assert len(label.group(1)) <= LABEL_WIDTH


@pytest.mark.parametrize("top", [1, 3, 7, 51, 255, 999, 40_000])
def test_histogram_counts_axis_has_round_steps_and_reaches_the_top(top):
    scale = GradeScale.default()
    totals = [72.5] * top + [95.0]
    from csperf.report._svg import histogram

    chart = histogram(
        totals,
        [scale.grade(t).key for t in totals],
        scale,
        100,
        labels={b.key: b.text("en") for b in scale.bands},
        mean=72.5,
        mean_label="Mean",
        axis_label="Total",
        count_label="Subjects",
        title="t",
        decimals=2,
    )
    ticks = [
        int(t.replace(",", ""))
        for t in re.findall(
            r'class="tick" x="[\d.]+" y="[\d.]+" text-anchor="end">([\d,]+)<', chart
        )
    ]
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and all(b - a == step for a, b in zip(ticks, ticks[1:]))
    assert re.fullmatch(r"[125]0*", str(step))
    assert ticks[-1] >= top > ticks[-2]
    assert len(ticks) <= 6


def test_a_weight_column_shares_one_precision():
    # Redistributed weights are not whole percentages: every weight of the column shows the
    # same number of decimals (the emptied dimension's indicators 0.00% too).
    html = render_html(redistributing_report())
    section = re.search(r'<details class="subject" id="subject-1".*?</details>', html, re.S)
    tables = re.findall(r"<tbody>(.*?)</tbody>", section.group(0), re.S)
    for table, column in ((tables[0], 1), (tables[1], 5)):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column] for row in rows]
        assert all(c.endswith("%") for c in cells), cells
        decimals = {len(c[:-1].partition(".")[2]) for c in cells}
        assert len(decimals) == 1, cells
    assert any("." in c for c in cells)
