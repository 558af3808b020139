"""Reports: the Report object, the terminal table, JSON, CSV, Markdown and atomic writing."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csperf import (
    ConfigError,
    CsperfError,
    Dimension,
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    MissingPolicy,
    Piecewise,
    Scorecard,
    Steps,
    ValidationError,
    Weighting,
)
from csperf._escape import unquote_spreadsheet_text
from csperf._labels import LABELS
from csperf.errors import UnknownNameError
from csperf.hooks import get_plugin_manager
from csperf.report import (
    LANGUAGES,
    SCHEMA,
    Report,
    SampleInfo,
    json_schema,
    read_samples,
    render,
    render_csv,
    render_json,
    render_markdown,
    render_table,
    report_data,
    write_report,
)
from csperf.report._csv import csv_columns
from csperf.report._table import display_width
from csperf.templates import customer_service_manager
from support import CHEN_JING, LI_WEI

# -- shared data (imported by the other test_report_* modules) -------------------------------

PEOPLE = {
    "li_wei": dict(LI_WEI),
    "王芳": {
        "customer_satisfaction": 0.81,
        "complaint_rate": 0.012,
        "first_response_time": 95,
        "resolution_time": 30000,
        "product_knowledge": 75,
        "script_compliance": 0.88,
        "collaboration_rating": 3.9,
        "information_sharing_rate": 0.9,
    },
    "zhang_min": {
        "customer_satisfaction": 0.66,
        "complaint_rate": 0.03,
        "first_response_time": 280,
        "resolution_time": 90000,
        "product_knowledge": 52,
        "script_compliance": 0.79,
        "collaboration_rating": 2.8,
        "information_sharing_rate": 0.75,
    },
    # 79.995 exactly: rounds to 80.00, a "good" total on the band edge.
    "陈静": dict(CHEN_JING),
}


def population(lang: str = "en", **kwargs: Any) -> Report:
    """The manager card and four appraised managers."""
    card = customer_service_manager()
    results = [card.evaluate(values, subject) for subject, values in PEOPLE.items()]
    return Report(card, results, lang=lang, **kwargs)


def redistributing_report() -> Report:
    """Missing values under MissingPolicy.REDISTRIBUTE, one dimension emptied."""
    card = attrs.evolve(customer_service_manager(), missing=MissingPolicy.REDISTRIBUTE)
    values = dict(PEOPLE["li_wei"], complaint_rate=None)
    values.update(collaboration_rating=None, information_sharing_rate=None)
    return Report(card, [card.evaluate(values, "gap"), card.evaluate(PEOPLE["王芳"], "full")])


# -- Report ----------------------------------------------------------------------------------


class TestReport:
    def test_defaults(self):
        report = population()
        assert report.heading() == "Customer-service manager scorecard"
        assert report.lang == "en"
        assert report.period is None
        assert report.notes == ()
        assert not report.has_samples

    def test_title_and_language(self):
        report = population("zh", title={"zh": "二季度考核", "en": "Q2 appraisal"})
        assert report.heading() == "二季度考核"
        assert report.field("total", 80) == "总分：80"
        assert population().field("total", 80) == "Total: 80"

    def test_grade_counts_and_mean(self):
        report = population()
        counts = report.grade_counts()
        assert list(counts) == ["excellent", "good", "pass", "fail"]
        assert sum(counts.values()) == len(PEOPLE)
        assert counts == {key: sum(r.grade.key == key for r in report.results) for key in counts}
        assert report.mean_total() == pytest.approx(
            sum(r.total for r in report.results) / len(PEOPLE)
        )

    def test_unknown_language(self):
        with pytest.raises(ValidationError, match="'lang' must be one of en, zh, got 'fr'"):
            population("fr")

    def test_needs_results(self):
        with pytest.raises(ValidationError, match="at least one result"):
            Report(customer_service_manager(), [])

    def test_results_must_come_from_the_scorecard(self):
        card = customer_service_manager()
        other = attrs.evolve(card, version="2")
        result = other.evaluate(PEOPLE["li_wei"], "li_wei")
        with pytest.raises(ValidationError, match=r"results\[0\] \(subject 'li_wei'\)") as info:
            Report(card, [result])
        assert info.value.subject == "li_wei"

    def test_results_must_be_results(self):
        with pytest.raises(ValidationError, match=r"results\[0\] must be a ScorecardResult"):
            Report(customer_service_manager(), [{"total": 1}])

    def test_results_not_a_mapping(self):
        with pytest.raises(ValidationError, match="sequence of ScorecardResult"):
            Report(customer_service_manager(), {"a": 1})

    def test_period_must_be_text(self):
        with pytest.raises(ValidationError, match="'period'"):
            population(period="")

    def test_samples_must_name_known_subjects_and_indicators(self):
        with pytest.raises(ValidationError, match="subject 'nobody'"):
            population(samples={"nobody": {}})
        with pytest.raises(ValidationError, match="unknown indicator 'speed'"):
            population(samples={"li_wei": {"speed": SampleInfo(3)}})
        with pytest.raises(ValidationError, match="must be a SampleInfo"):
            population(samples={"li_wei": {"complaint_rate": 3}})

    def test_sample_info_is_validated(self):
        for bad in (-1, 2.5, True, "7"):
            with pytest.raises(ValidationError, match="sample_size"):
                SampleInfo(bad)
        with pytest.raises(ValidationError, match="flags"):
            SampleInfo(1, "small_sample")
        with pytest.raises(ValidationError, match="flag"):
            SampleInfo(1, [""])

    def test_subject_name_of_a_result_without_subject(self):
        card = customer_service_manager()
        report = Report(card, [card.evaluate(PEOPLE["li_wei"])])
        assert report.subject_name(0) == "#1"

    def test_notes_may_be_localized(self):
        report = population("zh", notes=[{"zh": "权重：层次分析法", "en": "Weights: AHP"}])
        assert report.text(report.notes[0]) == "权重：层次分析法"


def test_read_samples_uses_measurement_names_and_skips_unknown():
    class Source:
        def sample_size(self, subject: str, metric: str) -> int:
            if metric == "complaint_rate":
                raise LookupError(metric)
            return len(metric)

        def flags(self, subject: str, metric: str) -> tuple[str, ...]:
            return ("small_sample",) if metric == "product_knowledge" else ()

    card = customer_service_manager()
    samples = read_samples(card, Source(), ["li_wei"])
    assert "complaint_rate" not in samples["li_wei"]
    assert samples["li_wei"]["product_knowledge"] == SampleInfo(17, ("small_sample",))
    report = population(samples=samples)
    assert report.sample(0, "product_knowledge") == SampleInfo(17, ("small_sample",))
    assert report.sample(1, "product_knowledge") is None


def test_every_label_exists_in_every_language():
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


# -- terminal table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width"),
    [("Total", 5), ("服务质量", 8), ("ＡＢ", 4), ("e\u0301", 1), ("王芳 ok", 7), ("", 0)],
)
def test_display_width(text, width):
    assert display_width(text) == width


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (2.675, 2, "2.68"),  # a person rounds the 5 up; f"{2.675:.2f}" gives 2.67
        (60.375, 2, "60.38"),
        (60.125, 2, "60.13"),  # half-even would give 60.12
        (-1.475, 2, "-1.48"),
        (-0.001, 2, "0.00"),
        (89.995, 0, "90"),
        (None, 2, "—"),
        (7.0, 3, "7.000"),
    ],
)
def test_numbers_round_half_away_from_zero(value, decimals, text):
    from csperf.report._format import fixed

    assert fixed(value, decimals) == text


def _columns(rule: str) -> list[tuple[int, int]]:
    """Display-column spans of the dashes of the table's rule line."""
    return [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """The cells of ``line`` read by display column (wide characters take two)."""
    columns: list[str] = []
    for char in line:
        columns += [char] + [""] * (display_width(char) - 1)
    return ["".join(columns[a:b]).strip() for a, b in spans]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_aligns_every_cell_by_display_width(lang):
    report = population(lang)
    lines = render_table(report).splitlines()
    header_index = next(i for i, line in enumerate(lines) if line.startswith("-")) - 1
    spans = _columns(lines[header_index + 1])
    card = report.scorecard
    assert len(spans) == len(card.dimensions) + 3
    header = _cells(lines[header_index], spans)
    names = [report.text(d.name) for d in card.dimensions]
    assert header == [report.label("subject"), *names, report.label("total"), report.label("grade")]
    rows = lines[header_index + 2 : header_index + 2 + len(PEOPLE)]
    for row, result in zip(rows, report.results):
        cells = _cells(row, spans)
        assert cells[0] == result.subject
        assert cells[-2] == f"{result.total:.2f}"
        assert cells[-1] == report.text(result.grade.label)
        for cell, dim in zip(cells[1:-2], card.dimensions):
            assert float(cell) == pytest.approx(result.dimensions[dim.key].points, abs=0.0051)
        # Numbers are right-aligned: each ends at its column's right edge.
        assert display_width(row[: row.index(cells[-2]) + len(cells[-2])]) == spans[-2][1]


def test_table_in_chinese_and_meta():
    text = render_table(population("zh", period="2024-Q2", notes=["权重说明"]))
    assert text.splitlines()[0] == "客服主管绩效考核表"
    assert "考核周期：2024-Q2" in text
    for word in ("被考核人", "服务质量", "总分", "等级", "合格", "良好", "人数：4", "权重说明"):
        assert word in text


def test_table_shows_an_emptied_dimension_as_a_dash():
    report = redistributing_report()
    row = render_table(report).splitlines()[5]
    assert row.startswith("gap")
    assert "—" in row


# -- JSON ------------------------------------------------------------------------------------

_KEYWORDS = {
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "required",
    "additionalProperties",
    "properties",
    "items",
    "minItems",
    "const",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "anyOf",
}
_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _type_ok(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    """A JSON Schema validator for the keywords the report schema uses (checked in the test)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        validate(value, root["$defs"][name], root, path)
        return
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(value, option, root, path)
            except AssertionError as exc:
                errors.append(str(exc))
            else:
                break
        else:
            raise AssertionError(f"{path}: matches no option: {errors}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        assert any(_type_ok(value, t) for t in types), f"{path}: {value!r} is not {types}"
    if "const" in schema:
        assert value == schema["const"], f"{path}: {value!r} != {schema['const']!r}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{path}: {value!r} !~ {schema['pattern']}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema:
            assert value >= schema["minimum"], f"{path}: {value} < {schema['minimum']}"
        if "maximum" in schema:
            assert value <= schema["maximum"], f"{path}: {value} > {schema['maximum']}"
        if "exclusiveMinimum" in schema:
            assert value > schema["exclusiveMinimum"], f"{path}: {value} too small"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            assert key in value, f"{path}: missing {key!r}"
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                validate(item, properties[key], root, f"{path}.{key}")
            else:
                assert schema.get("additionalProperties", True) is not False, (
                    f"{path}: unexpected property {key!r}"
                )
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), f"{path}: too few items"
        if "items" in schema:
            for i, item in enumerate(value):
                validate(item, schema["items"], root, f"{path}[{i}]")


def _keywords(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found |= _keywords(sub)
            else:
                found.add(key)
                found |= _keywords(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _keywords(item)
    return found


def test_schema_uses_only_keywords_the_test_validator_knows():
    schema = json_schema()
    assert _keywords(schema) <= _KEYWORDS
    assert schema["properties"]["schema"]["const"] == SCHEMA == "csperf.report/2"


def _strict_loads(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"non-JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "make",
    [
        lambda: population("en"),
        lambda: population("zh", period="2024-Q2", notes=["a"], title="T"),
        redistributing_report,
        lambda: population(samples={"li_wei": {"complaint_rate": SampleInfo(40, ["x"])}}),
    ],
)
def test_json_follows_its_schema(make):
    data = _strict_loads(render_json(make()))
    validate(data, json_schema(), json_schema())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("subjects"), "missing 'subjects'"),
        (lambda d: d.update(schema="csperf.report/1"), "csperf.report/1"),
        (lambda d: d["subjects"][0].update(total="80"), "is not"),
        (lambda d: d["subjects"][0].update(extra=1), "unexpected property 'extra'"),
        (lambda d: d["scorecard"].update(fingerprint="abc"), "!~"),
        (lambda d: d["subjects"][0]["indicators"][0].update(points=-1), "< 0"),
        (lambda d: d["subjects"][0]["indicators"][0].update(standard=3), "no option"),
        (lambda d: d.update(lang="fr"), "not in"),
    ],
)
def test_schema_check_rejects_broken_documents(mutate, message):
    data = report_data(population())
    mutate(data)
    with pytest.raises(AssertionError, match=message):
        validate(data, json_schema(), json_schema())


def test_json_round_trips_the_results():
    report = population()
    data = _strict_loads(render_json(report))
    assert data["schema"] == "csperf.report/2"
    assert [s["subject"] for s in data["subjects"]] == list(PEOPLE)
    for item, result in zip(data["subjects"], report.results):
        assert item["total"] == result.total
        assert item["unrounded_total"] == result.unrounded_total
        assert item["grade"] == {"key": result.grade.key, "label": result.grade.text("en")}
        contributions = math.fsum(d["contribution"] for d in item["dimensions"])
        assert contributions == pytest.approx(result.unrounded_total, rel=1e-12)
        for ind in item["indicators"]:
            assert ind["raw"] == result.indicators[ind["key"]].raw
            assert ind["points"] == result.indicators[ind["key"]].points
        assert item["explanation"] == result.explain("en").splitlines()
    assert data["summary"]["count"] == len(PEOPLE)
    assert {g["key"]: g["count"] for g in data["summary"]["grades"]} == report.grade_counts()
    assert data["summary"]["max"] == max(r.total for r in report.results)
    weights = {i["key"]: i["weight"] for i in data["scorecard"]["indicators"]}
    assert weights == pytest.approx(report.scorecard.weighting.effective())


def test_json_labels_follow_the_language():
    data = json.loads(render_json(population("zh")))
    assert data["lang"] == "zh"
    assert data["title"] == "客服主管绩效考核表"
    assert data["scorecard"]["dimensions"][0]["name"] == "服务质量"
    assert data["subjects"][3]["grade"] == {"key": "good", "label": "良好"}


def test_json_writes_infinite_bounds_as_null():
    card = Scorecard(
        key="open",
        title="Open ends",
        dimensions=[Dimension("d", "D")],
        indicators=[
            Indicator(
                "wait",
                "Wait",
                "d",
                Direction.LOWER_IS_BETTER,
                Steps([(None, 60, 100), (60, None, 50)], closed="right"),
                standards=GradeScale(
                    (GradeBand("ok", "ok", 0, 60), GradeBand("slow", "slow", 60, math.inf)),
                    closed="right",
                ),
            )
        ],
        weighting=Weighting({"d": 1}, {"d": {"wait": 1}}),
        grade_scale=GradeScale(
            (GradeBand("hi", "hi", 50, math.inf), GradeBand("lo", "lo", -math.inf, 50))
        ),
    )
    text = render_json(Report(card, [card.evaluate({"wait": 75}, "a")]))
    data = _strict_loads(text)
    bands = data["scorecard"]["grade_scale"]["bands"]
    assert (bands[0]["upper"], bands[1]["lower"]) == (None, None)
    assert data["scorecard"]["indicators"][0]["scoring"]["steps"] == [
        [None, 60, 100],
        [60, None, 50],
    ]
    validate(data, json_schema(), json_schema())


def test_json_of_missing_values():
    data = json.loads(render_json(redistributing_report()))
    gap = data["subjects"][0]
    by_key = {i["key"]: i for i in gap["indicators"]}
    assert by_key["complaint_rate"]["raw"] is None
    assert by_key["complaint_rate"]["missing"] is True
    assert by_key["complaint_rate"]["weight"] == 0
    teamwork = next(d for d in gap["dimensions"] if d["key"] == "teamwork")
    assert teamwork["points"] is None
    assert {(r["source"], r["level"]) for r in gap["redistributed"]} == {
        ("complaint_rate", "indicator"),
        ("teamwork", "dimension"),
    }


def test_json_single_line():
    text = render_json(population(), indent=None)
    assert text.count("\n") == 1
    assert json.loads(text)["summary"]["count"] == 4


# -- CSV -------------------------------------------------------------------------------------


def test_csv_parses_back_to_the_results():
    report = population("zh")
    rows = list(csv.DictReader(io.StringIO(render_csv(report), newline="")))
    assert len(rows) == len(PEOPLE)
    assert list(rows[0]) == csv_columns(report)
    for row, result in zip(rows, report.results):
        assert row["subject"] == result.subject
        assert float(row["total"]) == result.total
        assert float(row["unrounded_total"]) == result.unrounded_total
        assert row["grade"] == result.grade.key
        assert row["grade_label"] == result.grade.text("zh")
        for key, item in result.indicators.items():
            assert float(row[f"raw.{key}"]) == item.raw
            assert float(row[f"points.{key}"]) == item.points
        for key, dim in result.dimensions.items():
            assert float(row[f"dimension.{key}"]) == dim.points


def test_csv_leaves_unscored_cells_empty():
    rows = list(csv.DictReader(io.StringIO(render_csv(redistributing_report()), newline="")))
    gap = rows[0]
    assert gap["raw.complaint_rate"] == ""
    assert gap["points.complaint_rate"] == ""
    assert gap["dimension.teamwork"] == ""
    assert float(gap["points.customer_satisfaction"]) > 0


def test_csv_zero_policy_keeps_zero_points():
    card = attrs.evolve(customer_service_manager(), missing=MissingPolicy.ZERO)
    result = card.evaluate(dict(PEOPLE["li_wei"], complaint_rate=None), "z")
    row = next(csv.DictReader(io.StringIO(render_csv(Report(card, [result])), newline="")))
    assert (row["raw.complaint_rate"], row["points.complaint_rate"]) == ("", "0.0")


def test_csv_quotes_awkward_subjects():
    card = customer_service_manager()
    result = card.evaluate(PEOPLE["li_wei"], 'Li, "Wei"\nteam a')
    rows = list(csv.DictReader(io.StringIO(render_csv(Report(card, [result])), newline="")))
    assert rows[0]["subject"] == 'Li, "Wei"\nteam a'


# -- Markdown --------------------------------------------------------------------------------


def _table_after(text: str, heading: str) -> list[list[str]]:
    lines = text.splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip() and rows:
            break
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip() for c in cells])
    return rows


def test_markdown_summary_has_one_row_per_subject():
    report = population()
    text = render_markdown(report)
    table = _table_after(text, "## Summary")
    header, rule, *rows = table
    assert header == [
        "Rank",
        "Subject",
        "Service quality",
        "Efficiency",
        "Capability",
        "Teamwork",
        "Total",
        "Grade",
        "Percentile",
    ]
    assert rule == ["---:", "---", "---:", "---:", "---:", "---:", "---:", "---", "---:"]
    assert len(rows) == len(PEOPLE)
    # Input order; competition ranks and mid-point percentile ranks of the four totals.
    totals = [r.total for r in report.results]
    for row, result in zip(rows, report.results):
        assert row[1] == result.subject
        higher = sum(t > result.total for t in totals)
        lower = sum(t < result.total for t in totals)
        assert row[0] == str(higher + 1)
        assert row[-1] == f"{100 * (lower + 0.5) / len(totals):.1f}"
        assert row[-3:-1] == [f"{result.total:.2f}", result.grade.text("en")]
    # One section per subject, each with its indicator table and explanation.
    for result in report.results:
        heading = f"### {result.subject}: {result.total:.2f} ({result.grade.text('en')})"
        indicator_rows = _table_after(text, heading)[2:]
        assert len(indicator_rows) == len(report.scorecard.indicators)
    assert text.count("```text") == len(PEOPLE)


def test_markdown_in_chinese():
    text = render_markdown(population("zh", notes=["说明一"]))
    assert text.startswith("# 客服主管绩效考核表\n")
    for word in (
        "## 汇总",
        "## 整体情况",
        "## 说明",
        "- 说明一",
        "| 被考核人 |",
        "| 等级 |",
        "良好",
    ):
        assert word in text


def test_markdown_escapes_pipes():
    card = customer_service_manager()
    result = card.evaluate(PEOPLE["li_wei"], "a|b")
    text = render_markdown(Report(card, [result]))
    rows = _table_after(text, "## Summary")[2:]
    assert rows[0][1] == "a\\|b"
    assert len(rows[0]) == 9


# -- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "format", [f for f in get_plugin_manager(entry_points=False).report_formats() if f != "xlsx"]
)
def test_write_report_writes_what_render_gives(tmp_path, format):
    report = population("zh")
    path = write_report(report, tmp_path / f"out.{format}", format)
    bom = "\ufeff" if format == "csv" else ""  # so that Excel on Windows reads UTF-8
    assert path.read_bytes().decode("utf-8") == bom + render(report, format)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out.{format}"]


def test_write_report_xlsx(tmp_path):
    path = write_report(population(), tmp_path / "out.xlsx", "xlsx")
    assert path.read_bytes()[:2] == b"PK"


def test_unknown_format(tmp_path):
    with pytest.raises(UnknownNameError, match="unknown report format 'pdf'") as info:
        write_report(population(), tmp_path / "x.pdf", "pdf")
    assert "html" in info.value.available
    with pytest.raises(UnknownNameError, match="not text"):
        render(population(), "xlsx")
    assert list(tmp_path.iterdir()) == []


def test_write_report_refuses_to_overwrite_its_input(tmp_path):
    source = tmp_path / "measurements.csv"
    source.write_text("subject,total\n")
    with pytest.raises(ConfigError, match="refusing to overwrite"):
        write_report(population(), source, "csv", inputs=[tmp_path / "card.toml", source])
    assert source.read_text() == "subject,total\n"


@pytest.mark.parametrize("format", ["html", "xlsx"])
def test_a_failing_renderer_leaves_no_file(tmp_path, monkeypatch, format):
    import csperf.report._excel as excel
    import csperf.report._write as write

    def broken(*args: Any) -> Any:
        raise RuntimeError("renderer failed")

    if format == "xlsx":  # half-way: the summary sheet streamed, the details sheet fails
        monkeypatch.setattr(excel, "_details_sheet", broken)
    else:
        formats = [
            f if f.name != format else attrs.evolve(f, render=broken) for f in write.BUILTIN_FORMATS
        ]
        monkeypatch.setattr(write, "BUILTIN_FORMATS", tuple(formats))
    target = tmp_path / f"report.{format}"
    with pytest.raises(RuntimeError, match="renderer failed"):
        write_report(population(), target, format)
    assert list(tmp_path.iterdir()) == []
    target.write_text("previous report")
    with pytest.raises(RuntimeError, match="renderer failed"):
        write_report(population(), target, format)
    assert target.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"report.{format}"]


def test_a_write_failing_halfway_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("previous report")
    real = Path.write_text

    def half(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        real(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", half)
    with pytest.raises(OSError, match="disk full"):
        write_report(population(), target, "markdown")
    monkeypatch.undo()
    assert target.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_excel_without_openpyxl(tmp_path, monkeypatch):
    from csperf.report import write_form_xlsx

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(CsperfError, match=r"pip install 'csperf\[excel\]'") as info:
        write_report(population(), tmp_path / "r.xlsx", "xlsx")
    assert "csperf[excel]" in str(info.value)
    with pytest.raises(CsperfError, match="openpyxl"):
        write_form_xlsx(customer_service_manager(), tmp_path / "f.xlsx")
    assert list(tmp_path.iterdir()) == []


# -- any card --------------------------------------------------------------------------------


@st.composite
def small_reports(draw: st.DrawFn) -> Report:
    """Reports on small random cards with two or three indicators."""
    n = draw(st.integers(2, 3))
    keys = [f"i{k}" for k in range(n)]
    dims = ["a", "b"] if n == 3 else ["a"]
    groups = {"a": keys[:2], "b": keys[2:]} if n == 3 else {"a": keys}
    names = draw(
        st.lists(st.text(min_size=1, max_size=8).filter(str.strip), min_size=n, max_size=n)
    )
    indicators = [
        Indicator(
            key,
            {"zh": names[k], "en": names[k]},
            next(d for d in dims if key in groups[d]),
            Direction.HIGHER_IS_BETTER,
            Piecewise([(0, 0), (10, 100)]),
        )
        for k, key in enumerate(keys)
    ]
    card = Scorecard(
        key="small",
        title=draw(st.text(min_size=1, max_size=10).filter(str.strip)),
        dimensions=[Dimension(d, d.upper()) for d in dims],
        indicators=indicators,
        weighting=Weighting.from_effective({k: 1 / n for k in keys}, {d: groups[d] for d in dims}),
    )
    names = st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=6)
    subjects = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    raw = st.decimals(0, 10, places=2).map(float)
    results = [card.evaluate({k: draw(raw) for k in keys}, s) for s in subjects]
    return Report(card, results, lang=draw(st.sampled_from(LANGUAGES)))


@given(report=small_reports())
def test_text_renderers_keep_every_subject_and_total(report):
    rows = list(csv.DictReader(io.StringIO(render_csv(report), newline="")))
    assert [float(r["total"]) for r in rows] == [r.total for r in report.results]
    # (a subject a spreadsheet would run as a formula is written with a leading ')
    subjects = [unquote_spreadsheet_text(r["subject"]) for r in rows]
    assert subjects == [r.subject for r in report.results]
    data = _strict_loads(render_json(report))
    validate(data, json_schema(), json_schema())
    assert [s["total"] for s in data["subjects"]] == [r.total for r in report.results]
    table = render_table(report)
    assert len(table.splitlines()) == 5 + len(report.results) + 2
    summary = _table_after(render_markdown(report), f"## {report.label('summary')}")
    assert len(summary) == 2 + len(report.results)


def test_a_subject_with_a_nul_character_is_refused():
    from csperf.templates import customer_service_manager

    card = customer_service_manager()
    values = {i.metric: 1.0 for i in card.indicators}
    result = card.evaluate(values, "bad\x00name")
    with pytest.raises(ValidationError, match="NUL character") as info:
        Report(card, [result])
    assert info.value.subject == "bad\x00name"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.8146279949558638, "0.814628"),
        (226.6801866342037, "226.68"),
        (20000.0, "20000"),
        (0.004, "0.004"),
        (2_500_000.4, "2500000"),
        (None, "—"),
    ],
)
def test_measured_values_read_with_six_significant_digits(value, text):
    from csperf.report._format import measured_text

    assert measured_text(value) == text
