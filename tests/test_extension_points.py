"""A third-party scoring rule, metric and report format work everywhere a built-in does.

One throwaway plugin, ``acme``, is written below as the module of a fake installed distribution
(:func:`_install_acme`): two scoring rules (``acme_capped`` without an Excel formula,
``acme_capped_xl`` with one), a metric (``acme_resolved_share``) and a report format (``acme``).
Tests in code register the module on a fresh ``get_plugin_manager(entry_points=False)``; the
CLI, which builds its own manager, finds it as the entry point ``acme``.

Each test below runs over every built-in and the plugin's item alike, through the same public
contract: scorecard files (dump, load, fingerprint, JSON Schema), scoring (``evaluate`` and
``evaluate_many``), measurement (``measure`` and the records source), reports (every format), the
Excel form (a formula with the exact points, or a refusal naming the rule's kind and module) and
the CLI (``validate``, ``score``, ``plugins``, ``schema``, ``form``).
"""

from __future__ import annotations

import html
import importlib
import io
import json
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import csperf
from csperf import (
    Dimension,
    Direction,
    Indicator,
    MeasurementError,
    Piecewise,
    RatioToTarget,
    Scorecard,
    ScoringRule,
    Steps,
    TargetTolerance,
    ValidationError,
    Weighting,
)
from csperf.cli import cli
from csperf.config import dumps_scorecard, loads_scorecard, scorecard_schema
from csperf.hooks import PluginManager
from csperf.metrics import Ticket, measure
from csperf.report import Report, json_schema, write_form_xlsx, write_report
from csperf.sources import RecordsSource

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HIGHER, LOWER, TARGET = (
    Direction.HIGHER_IS_BETTER,
    Direction.LOWER_IS_BETTER,
    Direction.TARGET_IS_BEST,
)

MODULE = "acme_csperf"
"""The plugin's module; its distribution registers it as the entry point ``acme``."""

PLUGIN_SOURCE = '''
"""Acme's csperf plugin: a scoring rule (two variants), a metric and a report format."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

import attrs

import csperf
from csperf.metrics import MetricSpec
from csperf.report import ReportFormat


@attrs.frozen
class Capped(csperf.ScoringRule):
    """Points ``min(100, slope * raw)`` for a raw value of at least 0."""

    kind: ClassVar[str] = "acme_capped"
    slope: float = attrs.field(default=1.0, converter=float)  # 120 and 120.0: one rule

    @property
    def max_points(self) -> float:
        return 100.0

    def check_direction(self, direction: csperf.Direction, *, obj: str) -> None:
        if direction is not csperf.Direction.HIGHER_IS_BETTER:
            raise csperf.ValidationError(
                msg=f"{self.kind} suits higher-is-better only", obj=obj, field="scoring"
            )

    def exact_points(self, raw: Fraction) -> Fraction:
        if raw < 0:
            raise csperf.MeasurementError(
                msg=f"{self.kind} cannot score {float(raw)}", obj=self.kind, value=float(raw)
            )
        return min(Fraction(100), Fraction(self.slope) * raw)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "slope": self.slope}

    @classmethod
    def from_dict(cls, data: Any) -> Capped:
        unknown = sorted(set(data) - {"kind", "slope"})
        if unknown:
            raise csperf.ValidationError(
                msg=f"unknown field {unknown[0]!r}", obj=cls.__name__, field=unknown[0]
            )
        return cls(slope=float(data.get("slope", 1.0)))

    def describe(self, lang: str) -> str:
        if lang == "zh":
            return f"实际值乘以 {self.slope:g}，最高 100 分"
        return f"{self.slope:g} points per unit, at most 100"


@attrs.frozen
class CappedXl(Capped):
    """``acme_capped`` with a live Excel formula."""

    kind: ClassVar[str] = "acme_capped_xl"

    def excel_formula(self, cell: str) -> str:
        return f"IF({cell}<0,NA(),MIN(100,{self.slope!r}*{cell}))"


def resolved_share(selected, everything=()):
    """Share of the tickets that were resolved."""
    if not selected:
        return None, 0, ()
    return sum(t.resolved_at is not None for t in selected) / len(selected), len(selected), ()


RESOLVED_SHARE = MetricSpec(
    name="acme_resolved_share",
    record_kind="tickets",
    unit="fraction",
    direction=csperf.Direction.HIGHER_IS_BETTER,
    domain=(0, 1),
    description="Share of the tickets that were resolved.",
    compute=resolved_share,
)


def render_acme(report) -> str:
    """One line per subject, then each indicator's rule in the report's language."""
    lines = [f"{r.subject}: {r.total:g}" for r in report.results]
    lines += [f"{i.key}: {i.scoring.describe(report.lang)}" for i in report.scorecard.indicators]
    return "\\n".join(lines) + "\\n"


@csperf.hookimpl
def csperf_scoring_rules():
    return [Capped, CappedXl]


@csperf.hookimpl
def csperf_metrics():
    return [RESOLVED_SHARE]


@csperf.hookimpl
def csperf_report_formats():
    return [ReportFormat("acme", ".acme", render_acme, summary="Acme's plain list")]
'''


def _install_acme(path) -> None:
    """Write the plugin as an installed distribution whose entry point ``acme`` is the module."""
    (path / f"{MODULE}.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    info = path / f"{MODULE}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {MODULE}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[csperf]\nacme = {MODULE}\n")


@pytest.fixture
def acme(tmp_path, monkeypatch):
    """The plugin module, installed (on ``sys.path``, with its entry point) for this test."""
    site = tmp_path / "site"
    site.mkdir()
    _install_acme(site)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, MODULE, raising=False)
    module = importlib.import_module(MODULE)
    yield module
    sys.modules.pop(MODULE, None)


@pytest.fixture
def plugged(acme):
    """A fresh manager: the built-ins, and the plugin registered in code as ``acme``."""
    pm = csperf.get_plugin_manager(entry_points=False)
    assert pm.register(acme, name="acme") == "acme"
    return pm


# -- the cases: every built-in and the plugin's ------------------------------------------------


def _rule_cases(acme: Any) -> dict[str, tuple[ScoringRule, Direction, list[float]]]:
    """Kind → (a rule, its indicator's direction, raw values it scores) for every kind."""
    return {
        "piecewise": (Piecewise([(0.5, 0), (0.8, 80), (0.95, 100)]), HIGHER, [0.2, 0.62, 0.97]),
        "steps": (Steps([(0.9, None, 100), (0.7, 0.9, 70), (None, 0.7, 0)]), HIGHER, [0.5, 0.9]),
        "ratio_to_target": (RatioToTarget(60), LOWER, [30, 60, 95.5]),
        "target_tolerance": (
            TargetTolerance(target=1.0, tolerance=0.05, slope=400),
            TARGET,
            [0.9, 1.02, 1.2],
        ),
        "acme_capped": (acme.Capped(slope=120), HIGHER, [0.25, 0.5, 0.9]),
        "acme_capped_xl": (acme.CappedXl(slope=2.5), HIGHER, [0, 12.3, 77]),
    }


RULE_KINDS = [
    "piecewise",
    "steps",
    "ratio_to_target",
    "target_tolerance",
    "acme_capped",
    "acme_capped_xl",
]
METRICS = ["complaint_rate", "first_response_time", "acme_resolved_share"]
"""Two built-in metrics of tickets and the plugin's, run through the same tests."""
REPORT_FORMATS = ["table", "json", "csv", "markdown", "html", "xlsx", "acme"]
SHOWS_RULES = {"markdown", "html", "acme"}
"""The formats with a scorecard section, where each rule is written out by ``describe``."""
FILE_FORMATS = ["toml", "yaml", "json"]


def test_the_cases_cover_every_rule_and_report_format(plugged):
    assert sorted(plugged.scoring_rules()) == sorted(RULE_KINDS)
    assert sorted(plugged.report_formats()) == sorted(REPORT_FORMATS)
    assert set(METRICS) <= set(plugged.metrics())
    assert ("acme", "scoring rule", "acme_capped") in plugged.offers()
    assert ("acme", "metric", "acme_resolved_share") in plugged.offers()
    assert ("acme", "report format", "acme") in plugged.offers()


def _card(rule: ScoringRule, direction: Direction, metric: str = "x") -> Scorecard:
    """A card of one indicator ``x`` that reads ``metric`` and scores it with ``rule``."""
    return Scorecard(
        "contract",
        {"en": "Contract", "zh": "契约"},
        [Dimension("q", {"en": "Quality", "zh": "质量"})],
        [
            Indicator(
                "x",
                {"en": "X", "zh": "指标"},
                "q",
                metric=metric,
                direction=direction,
                scoring=rule,
            )
        ],
        weighting=Weighting({"q": 1.0}, {"q": {"x": 1.0}}),
    )


def _case(acme: Any, kind: str) -> tuple[Scorecard, ScoringRule, list[float]]:
    rule, direction, raws = _rule_cases(acme)[kind]
    card = _card(rule, direction)
    return card, card.indicators[0].scoring, raws


def _parse(text: str, fmt: str) -> Any:
    if fmt == "toml":
        return tomllib.loads(text)
    if fmt == "yaml":
        import yaml  # the csperf[yaml] extra, as the YAML cards need

        return yaml.safe_load(text)
    return json.loads(text)


# -- scorecard files ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FILE_FORMATS)
@pytest.mark.parametrize("kind", RULE_KINDS)
def test_a_card_round_trips_through_its_file(plugged, acme, kind, fmt):
    card, rule, _ = _case(acme, kind)
    text = dumps_scorecard(card, fmt)
    again = loads_scorecard(text, fmt, plugins=plugged)
    assert again == card
    assert again.fingerprint == card.fingerprint
    assert type(again.indicators[0].scoring) is type(rule)
    assert _parse(text, fmt)["indicators"][0]["scoring"]["kind"] == kind
    assert loads_scorecard(dumps_scorecard(again, fmt), fmt, plugins=plugged) == card


@pytest.mark.parametrize("fmt", FILE_FORMATS)
@pytest.mark.parametrize("kind", RULE_KINDS)
def test_the_schema_names_the_rule_and_the_file_validates(plugged, acme, kind, fmt):
    card, _, _ = _case(acme, kind)
    schema = scorecard_schema(plugged)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert kind in schema["$defs"]["ScoringRule"]["properties"]["kind"]["enum"]
    assert f"rule:{kind}" in schema["$defs"]
    document = _parse(dumps_scorecard(card, fmt), fmt)
    jsonschema.validate(document, schema)
    document["indicators"][0]["scoring"]["no_such_field"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_the_plugin_rule_fields_are_in_the_schema(plugged):
    rule = scorecard_schema(plugged)["$defs"]["rule:acme_capped"]
    assert rule["properties"]["kind"] == {"const": "acme_capped"}
    assert "slope" in rule["properties"]
    assert rule["additionalProperties"] is False
    assert "acme_capped" not in json.dumps(
        scorecard_schema(csperf.get_plugin_manager(entry_points=False))
    )


ACME_CARD = """\
key = "acme_card"
title = { en = "Acme card", zh = "Acme 考核表" }
dimensions = [{ key = "quality", name = "Quality" }]

[[indicators]]
key = "resolved"
name = "Resolved share"
dimension = "quality"
metric = "acme_resolved_share"
direction = "higher_is_better"
unit = "fraction"
scoring = { kind = "acme_capped_xl", slope = 100 }

[[indicators]]
key = "complaints"
name = "Complaints"
dimension = "quality"
metric = "complaint_rate"
direction = "lower_is_better"
unit = "fraction"
scoring = { kind = "piecewise", points = [[0.0, 100], [0.5, 0]] }

[weighting]
dimensions = { quality = 100 }
indicators = { quality = { resolved = 60, complaints = 40 } }
"""


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_a_hand_written_card_naming_the_plugin_loads_in_every_format(plugged, acme, fmt):
    card = loads_scorecard(ACME_CARD, "toml", plugins=plugged)
    assert isinstance(card.indicators[0].scoring, acme.CappedXl)
    assert card.indicators[0].metric == "acme_resolved_share"
    again = loads_scorecard(dumps_scorecard(card, fmt), fmt, plugins=plugged)
    assert again == card and again.fingerprint == card.fingerprint
    jsonschema.validate(tomllib.loads(ACME_CARD), scorecard_schema(plugged))


def test_a_card_naming_the_rule_is_refused_without_the_plugin(acme):
    builtins_only = csperf.get_plugin_manager(entry_points=False)
    with pytest.raises(csperf.ConfigError, match="unknown scoring rule 'acme_capped_xl'"):
        loads_scorecard(ACME_CARD, "toml", plugins=builtins_only)


def test_a_bad_value_of_the_plugin_rule_is_located(plugged):
    bad = ACME_CARD.replace("slope = 100", "slope = 100, speed = 3")
    with pytest.raises(csperf.ConfigError, match=r"indicators\[0\]\.scoring") as info:
        loads_scorecard(bad, "toml", plugins=plugged)
    assert "speed" in str(info.value)


# -- scoring -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_evaluate_and_evaluate_many_agree(acme, kind):
    card, rule, raws = _case(acme, kind)
    batch = card.evaluate_many({"subject": [f"s{i}" for i in range(len(raws))], "x": raws})
    for i, raw in enumerate(raws):
        one = card.evaluate({"x": raw}, f"s{i}")
        assert batch.totals[i] == one.total
        assert batch.grades[i] == one.grade.key
        assert one.indicators["x"].points == pytest.approx(rule.score(raw), abs=0.01)


def test_a_raw_value_the_plugin_rule_cannot_score_is_a_measurement_error(acme):
    card, _, _ = _case(acme, "acme_capped")
    with pytest.raises(MeasurementError, match="cannot score -1"):
        card.evaluate({"x": -1.0})
    with pytest.raises(MeasurementError, match="cannot score -1"):
        card.evaluate_many({"x": [0.5, -1.0]})


# -- measurement -------------------------------------------------------------------------------

DAY = datetime(2024, 3, 4, 9, tzinfo=timezone.utc)


def _tickets() -> list[Ticket]:
    """ann: 4 tickets, 3 resolved, 1 complaint; bob: 2 tickets, 1 resolved."""
    rows = [
        ("ann", True, True),
        ("ann", True, False),
        ("ann", True, False),
        ("ann", False, False),
        ("bob", True, False),
        ("bob", False, False),
    ]
    return [
        Ticket(
            i,
            agent,
            "chat",
            DAY + timedelta(minutes=i),
            first_response_at=DAY + timedelta(minutes=i + 2),
            resolved_at=DAY + timedelta(hours=1) if resolved else None,
            complaint=complaint,
        )
        for i, (agent, resolved, complaint) in enumerate(rows)
    ]


def _by_hand(metric: str, agent: str) -> float:
    """The oracle: each metric of ``_tickets()`` worked out by hand."""
    return {
        ("acme_resolved_share", "ann"): 0.75,
        ("acme_resolved_share", "bob"): 0.5,
        ("complaint_rate", "ann"): 0.25,
        ("complaint_rate", "bob"): 0.0,
        ("first_response_time", "ann"): 120.0,
        ("first_response_time", "bob"): 120.0,
    }[metric, agent]


@pytest.mark.parametrize("metric", METRICS)
def test_measure_computes_the_metric(plugged, metric):
    rollup = measure({"tickets": _tickets()}, metrics=[metric], plugins=plugged)
    for agent in ("ann", "bob"):
        assert rollup[agent][metric].value == pytest.approx(_by_hand(metric, agent))
    everything = measure({"tickets": _tickets()}, plugins=plugged)
    assert everything["ann"][metric].value == rollup["ann"][metric].value


@pytest.mark.parametrize("metric", METRICS)
def test_the_records_source_measures_the_metric(acme, metric):
    # the source builds its own manager: the plugin is found as the installed entry point
    measured = RecordsSource({"tickets": _tickets()}).measure(period=None, metrics=[metric])
    assert measured.subjects == ("ann", "bob")
    assert measured.row("ann")[metric] == pytest.approx(_by_hand(metric, "ann"))


@pytest.mark.parametrize("metric", METRICS)
def test_the_records_source_measures_a_metric_registered_in_code(plugged, metric):
    source = RecordsSource({"tickets": _tickets()}, plugins=plugged)
    measured = source.measure(period=None, metrics=[metric])
    assert measured.row("bob")[metric] == pytest.approx(_by_hand(metric, "bob"))
    everything = source.measure(period=None)
    assert metric in everything.metrics


def test_the_records_source_refuses_a_metric_its_manager_lacks(plugged):
    source = RecordsSource({"tickets": _tickets()}, plugins=PluginManager())
    with pytest.raises(csperf.errors.UnknownNameError, match="unknown metric 'acme_resolved"):
        source.measure(period=None, metrics=["acme_resolved_share"])


def test_the_sql_source_refuses_the_plugin_metric_by_name(acme, centre, tmp_path):
    # SQL cannot express a metric defined in Python: the DuckDB source says which one
    pytest.importorskip("duckdb")
    from csperf.sources import DuckDbSource

    folder = tmp_path / "centre"
    centre.write_csv(folder)
    source = DuckDbSource(folder)
    measured = source.measure(period=None, level="team")
    assert "complaint_rate" in measured.metrics
    assert "acme_resolved_share" not in measured.metrics
    with pytest.raises(
        csperf.errors.UnknownNameError, match="'acme_resolved_share' has no SQL definition"
    ):
        source.measure(period=None, metrics=["acme_resolved_share"])


@pytest.mark.parametrize("metric", METRICS)
def test_a_card_naming_the_metric_scores_its_measurement(plugged, metric):
    spec = plugged.metric(metric)
    ends = (
        [(0.0, 0.0), (1000.0, 100.0)] if spec.direction is HIGHER else [(0.0, 100.0), (1000.0, 0.0)]
    )
    card = _card(Piecewise(ends), spec.direction, metric)
    rollup = measure({"tickets": _tickets()}, metrics=[metric], plugins=plugged)
    result = csperf.Appraisal(card, plugged).evaluate(rollup.raw("ann"), "ann")
    assert result.indicators["x"].raw == pytest.approx(_by_hand(metric, "ann"))
    again = loads_scorecard(dumps_scorecard(card), "toml", plugins=plugged)
    assert again.indicators[0].metric == metric


ALL_METRICS = [
    "customer_satisfaction",
    "nps",
    "complaint_rate",
    "first_response_time",
    "resolution_time",
    "fcr",
    "service_level",
    "abandonment_rate",
    "aht",
    "script_compliance",
    "critical_failures",
    "product_knowledge",
    "collaboration_rating",
    "information_sharing_rate",
    "acme_resolved_share",
]


def test_every_metric_is_covered(plugged):
    assert list(plugged.metrics()) == ALL_METRICS


@pytest.fixture(scope="module")
def centre():
    """A small sample contact centre: records of every kind, and a roster."""
    from csperf.datasets import contact_centre

    return contact_centre(seed=1, managers=1, teams_per_manager=2, agents_per_team=4, days=35)


@pytest.mark.parametrize("metric", ALL_METRICS)
def test_every_metric_measures_teams_within_its_domain_and_the_source_agrees(
    plugged, acme, centre, metric
):
    spec = plugged.metric(metric)
    records = centre.records_by_kind()
    rollup = measure(records, level="team", roster=centre.roster, metrics=[metric], plugins=plugged)
    values = {team: rollup[team][metric].value for team in rollup}
    assert len(values) == 2
    assert all(
        v is not None and spec.domain.lower <= v <= spec.domain.upper for v in values.values()
    )
    # the records source builds its own manager, which finds the plugin by its entry point
    measured = RecordsSource(records, centre.roster).measure(
        period=None, level="team", metrics=[metric]
    )
    assert {team: measured.row(team)[metric] for team in measured.subjects} == values


# -- reports -----------------------------------------------------------------------------------


def _report_text(path, fmt: str) -> str:
    if fmt != "xlsx":
        return path.read_text(encoding="utf-8")
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return "\n".join(
        str(cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    )


RAW_JSON = ('"kind"', "'kind'", "&quot;kind&quot;", "&#x27;kind&#x27;", "kind=")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", REPORT_FORMATS)
@pytest.mark.parametrize("kind", RULE_KINDS)
def test_reports_describe_the_rule(plugged, acme, tmp_path, kind, fmt, lang):
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    card, rule, raws = _case(acme, kind)
    results = [card.evaluate({"x": raw}, f"s{i}") for i, raw in enumerate(raws)]
    report = Report(card, results, lang=lang)
    suffix = plugged.report_format(fmt).suffixes[0]
    path = write_report(report, tmp_path / f"report{suffix}", fmt, plugins=plugged)
    text = _report_text(path, fmt)
    if fmt == "json":
        data = json.loads(text)
        jsonschema.validate(data, json_schema())
        assert data["scorecard"]["indicators"][0]["scoring"] == json.loads(
            json.dumps(rule.to_dict())
        )
        return
    for raw_json in RAW_JSON:
        assert raw_json not in text, (fmt, raw_json)
    if fmt in SHOWS_RULES:
        described = rule.describe(lang)
        shown = {"html": html.escape(described), "markdown": described.replace("|", "\\|")}
        assert shown.get(fmt, described) in text, (fmt, described)
        other = rule.describe("zh" if lang == "en" else "en")
        assert other not in text


# -- the Excel form ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", RULE_KINDS)
def test_the_form_computes_the_rule_or_refuses_it_by_name(acme, tmp_path, kind, lang):
    openpyxl = pytest.importorskip("openpyxl")
    from csperf.report._form import FORM_COLUMNS, FORM_FIRST_ROW
    from excel_formulas import Sheet

    card, rule, raws = _case(acme, kind)
    path = tmp_path / "form.xlsx"
    if rule.excel_formula("A1") is None:
        with pytest.raises(ValidationError) as info:
            write_form_xlsx(card, path, lang=lang)
        message = str(info.value)
        assert f"kind {kind!r} has no Excel formula" in message
        assert f"from {type(rule).__module__!r}" in message
        assert MODULE in message
        assert not path.exists()
        return
    write_form_xlsx(card, path, lang=lang)
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    row = FORM_FIRST_ROW
    assert ws[f"{FORM_COLUMNS['scoring_rule']}{row}"].value == rule.describe(lang)
    sheet = Sheet(ws)
    for raw in raws:
        sheet[f"{FORM_COLUMNS['raw_value']}{row}"] = raw
        want = card.evaluate({"x": raw}).indicators["x"].points
        assert sheet[f"{FORM_COLUMNS['points']}{row}"] == pytest.approx(want, abs=1e-9), raw


def test_only_the_plugin_rule_without_a_formula_lacks_one(acme):
    cases = _rule_cases(acme)
    missing = [
        k for k, (rule, d, _) in cases.items() if rule.bind(d, obj=k).excel_formula("A1") is None
    ]
    assert missing == ["acme_capped"]


# -- the CLI -----------------------------------------------------------------------------------


@pytest.fixture
def card_file(acme, tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(ACME_CARD, encoding="utf-8")
    return path


def test_cli_plugins_lists_the_rule_the_metric_and_the_format(acme):
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    assert f"acme ({MODULE} 1.0)" in result.output
    section = result.output.split(f"acme ({MODULE} 1.0)")[1]
    for item in (
        "scoring rule acme_capped",
        "scoring rule acme_capped_xl",
        "metric acme_resolved_share",
        "report format acme",
    ):
        assert f"  {item}\n" in section


def test_cli_validate_reads_a_card_naming_the_plugin(card_file):
    result = CliRunner().invoke(cli, ["validate", str(card_file)])
    assert result.exit_code == 0, result.output
    assert "valid scorecard 'acme_card'" in result.output
    assert "resolved: 60% (higher_is_better, acme_capped_xl)" in result.output
    card = loads_scorecard(ACME_CARD, "toml")  # the installed plugin, found by entry point
    assert f"fingerprint: {card.fingerprint}" in result.output


def test_cli_validate_refuses_the_card_when_the_plugin_is_blocked(card_file, monkeypatch):
    monkeypatch.setenv(csperf.hooks.DISABLED_ENV, "acme")
    result = CliRunner().invoke(cli, ["validate", str(card_file)])
    assert result.exit_code != 0
    assert "unknown scoring rule 'acme_capped_xl'" in result.output


def test_cli_schema_includes_the_rule(acme):
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert "acme_capped" in schema["$defs"]["ScoringRule"]["properties"]["kind"]["enum"]
    assert "rule:acme_capped_xl" in schema["$defs"]
    jsonschema.validate(tomllib.loads(ACME_CARD), schema)


MEASUREMENTS = "subject,acme_resolved_share,complaint_rate\nnorth,0.9,0.1\nsouth,0.5,0.25\n"


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_cli_score_writes_every_format(card_file, tmp_path, fmt):
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    table = tmp_path / "m.csv"
    table.write_text(MEASUREMENTS, encoding="utf-8")
    suffix = {"table": ".txt", "markdown": ".md"}.get(fmt, f".{fmt}")
    out = tmp_path / f"out{suffix}"
    args = ["score", str(card_file), "--measurements", str(table), "--format", fmt, "-o"]
    result = CliRunner().invoke(cli, [*args[:-1], "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = _report_text(out, fmt)
    assert "north" in text and "south" in text
    if fmt == "acme":
        # north: 0.6 * 90 + 0.4 * 80 = 86; south: 0.6 * 50 + 0.4 * 50 = 50
        assert text.splitlines()[:2] == ["north: 86", "south: 50"]
        assert "resolved: 100 points per unit, at most 100" in text


def test_cli_score_prints_the_plugin_format(card_file, tmp_path):
    table = tmp_path / "m.csv"
    table.write_text(MEASUREMENTS, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["score", str(card_file), "--measurements", str(table), "--format", "acme", "--lang", "zh"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "north: 86"
    assert "resolved: 实际值乘以 100，最高 100 分" in result.output


def test_cli_score_measures_the_plugin_metric_from_a_source(card_file):
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(card_file),
            "--source",
            "records",
            "--source-option",
            "dataset=contact_centre",
            "--source-option",
            "days=14",
            "--level",
            "manager",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    subjects = json.loads(result.output)["subjects"]
    raws = [i["raw"] for s in subjects for i in s["indicators"] if i["key"] == "resolved"]
    assert len(raws) == len(subjects) > 0
    assert all(0 <= raw <= 1 for raw in raws)


def test_cli_form_refuses_the_rule_without_a_formula_by_name(acme, tmp_path):
    path = tmp_path / "card.toml"
    path.write_text(ACME_CARD.replace("acme_capped_xl", "acme_capped"), encoding="utf-8")
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(cli, ["form", str(path), "--output", str(out)])
    assert result.exit_code != 0
    assert "kind 'acme_capped' has no Excel formula" in result.output
    assert MODULE in result.output
    assert not out.exists()


def test_cli_form_writes_the_rule_with_a_formula(card_file, tmp_path):
    pytest.importorskip("openpyxl")
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(cli, ["form", str(card_file), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_the_plugin_source_is_a_plain_module():
    # the plugin is ordinary code a third party would ship: it imports only public names
    imports = [
        line
        for line in textwrap.dedent(PLUGIN_SOURCE).splitlines()
        if line.startswith(("import ", "from "))
    ]
    assert all("._" not in line for line in imports), imports
