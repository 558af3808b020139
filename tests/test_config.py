"""Scorecard files: round trips, the malformed-file corpus, plugins in files, atomic writes."""

from __future__ import annotations

import functools
import json
import math
import pickle
import sys
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf import (
    ConfigError,
    Dimension,
    Direction,
    Indicator,
    PluginError,
    Scorecard,
    ScoringRule,
    Weighting,
    get_plugin_manager,
    hookimpl,
)
from csperf._files import Problem, parse
from csperf.config import (
    FORMATS,
    dump_scorecard,
    dumps_scorecard,
    load_document,
    load_scorecard,
    loads_scorecard,
    scorecard_schema,
)
from csperf.errors import format_key_path
from csperf.templates import customer_service_manager
from strategies import examples, scorecards
from support import ROOT

DATA = ROOT / "tests" / "data" / "config"
SHIPPED = Path(str(resources.files("csperf.templates") / "customer-service-manager.toml"))
SUFFIX = {"toml": ".toml", "yaml": ".yaml", "json": ".json"}


@functools.cache
def shared_pm() -> Any:
    """One plugin manager for the hypothesis tests (function-scoped fixtures do not mix)."""
    return get_plugin_manager(entry_points=False)


def mini_toml() -> str:
    return (DATA / "valid" / "mini.toml").read_text(encoding="utf-8")


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_manager_template_round_trips_through_a_file(fmt, tmp_path, pm, manager_card):
    path = dump_scorecard(manager_card, tmp_path / f"card{SUFFIX[fmt]}")
    back = load_scorecard(path, plugins=pm)
    assert back == manager_card
    assert back.fingerprint == manager_card.fingerprint


@pytest.mark.slow
@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(scorecards())
def test_generated_cards_round_trip_in_every_format(card):
    for fmt in FORMATS:
        text = dumps_scorecard(card, fmt)
        back = loads_scorecard(text, fmt, plugins=shared_pm())
        assert back == card, fmt
        assert back.fingerprint == card.fingerprint, fmt


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*path, i))
    return found


@pytest.mark.slow
@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.too_slow])
@given(scorecards())
def test_every_key_path_of_a_written_file_has_the_line_that_holds_it(card):
    for fmt in FORMATS:
        text = dumps_scorecard(card, fmt)
        data, lines = parse(text, fmt)
        source = text.split("\n")  # files count lines by LF only; NEL is no line break
        for path in _paths(data):
            line = lines(path)
            assert line is not None, (fmt, path)
            last = path[-1]
            if isinstance(last, str) and last.isidentifier() and last.isascii():
                # The line names the key itself, or the array of tables it sits in.
                assert last in source[line - 1], (fmt, path, source[line - 1])


def test_hand_written_yaml_and_json_give_the_toml_card(pm):
    cards = [load_scorecard(DATA / "valid" / f"mini{SUFFIX[fmt]}", plugins=pm) for fmt in FORMATS]
    assert cards[0] == cards[1] == cards[2]
    assert len({c.fingerprint for c in cards}) == 1
    frt = cards[0].indicator("frt")
    # steps with open ends: -inf / null below 60 s, inf / .inf / null above 300 s
    assert frt.score(5) == 100
    assert frt.score(60) == 100  # closed on the right: (lower, upper]
    assert frt.score(86400) == 0


def test_defaults_fill_the_keys_a_file_leaves_out(pm):
    card = loads_scorecard(mini_toml(), "toml", plugins=pm)
    assert card.precision == 2
    assert card.missing.value == "error"
    assert card.max_points == 100
    assert card.grade_scale.keys == ("excellent", "good", "pass", "fail")
    assert card.indicator("csat").metric == "csat"
    assert card.indicator("csat").standards is None
    assert card.dimension("quality").description == ""


def test_percentages_are_read_exactly(pm):
    # 33.3 + 33.3 + 33.4 = 100 exactly as decimals; as binary floats the sum is 99.99999999999999
    text = (
        mini_toml()
        .replace("quality = 60, speed = 40 }", "quality = 33.3, speed = 66.7 }")
        .replace("csat = 60, complaints = 40", "csat = 33.3, complaints = 66.7")
    )
    card = loads_scorecard(text, "toml", plugins=pm)
    assert card.weighting.dimensions == {"quality": 0.333, "speed": 0.667}
    assert card.weighting.indicators["quality"] == {"csat": 0.333, "complaints": 0.667}


def test_awkward_weights_are_written_as_exact_percentages(pm):
    card = customer_service_manager()
    thirds = Weighting(
        {"service_quality": 1 / 3, "efficiency": 1 / 3, "capability": 0.2, "teamwork": 2 / 15},
        card.weighting.indicators,
    )
    card = attrs.evolve(card, weighting=thirds)
    text = dumps_scorecard(card)
    assert "service_quality = 33.33333333333333," in text  # repr(1/3) moved two places
    assert loads_scorecard(text, "toml", plugins=pm).weighting == thirds


def test_open_ends_are_spelled_per_format(manager_card):
    assert "upper = inf }" in dumps_scorecard(manager_card, "toml")
    assert "upper: .inf" in dumps_scorecard(manager_card, "yaml")
    assert '"upper": null}' in dumps_scorecard(manager_card, "json")


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_written_files_start_with_a_header_naming_csperf_the_card_and_its_fingerprint(
    fmt, manager_card
):
    head = dumps_scorecard(manager_card, fmt).splitlines()[:3]
    assert head[0] == "# csperf scorecard customer_service_manager"
    assert head[1] == f"# fingerprint {manager_card.fingerprint}"
    assert "percent" in head[2]


def test_json_has_no_comment_and_is_standard_json(manager_card):
    text = dumps_scorecard(manager_card, "json")

    def reject(name: str) -> None:
        raise AssertionError(f"non-standard constant {name}")

    assert json.loads(text, parse_constant=reject)["key"] == "customer_service_manager"


# -- the shipped template file ---------------------------------------------------------------


def test_shipped_template_file_is_the_template(pm):
    card = load_scorecard(SHIPPED, plugins=pm)
    assert card == customer_service_manager()
    assert card.fingerprint == customer_service_manager().fingerprint


def test_shipped_template_file_is_what_dumps_writes():
    expected = dumps_scorecard(customer_service_manager())
    assert SHIPPED.read_text(encoding="utf-8") == expected, (
        "src/csperf/templates/customer-service-manager.toml has drifted from the template; "
        "rewrite it with dump_scorecard(customer_service_manager(), path)"
    )


# -- the malformed-file corpus ---------------------------------------------------------------

# file name: (key path, line, part of the message). Every line was checked by eye.
CORPUS: dict[str, tuple[tuple[str | int, ...] | None, int | None, str]] = {
    "broken_syntax.json": (None, 8, "JSON syntax error: Expecting value (column 3)"),
    "broken_syntax.toml": (None, 46, "TOML syntax error: Unclosed inline table"),
    "broken_syntax.yaml": (None, 15, "flow mapping that starts on line 14"),
    "dimension_weights_99.toml": (
        ("weighting", "dimensions"),
        46,
        "weights sum to 99 %, expected 100 % (quality=59, speed=40)",
    ),
    "dimension_without_indicators.toml": (("dimensions", 2), 14, "'teamwork' has no indicators"),
    "duplicate_indicator_keys.toml": (("indicators", 2, "key"), 30, "repeats the key 'csat'"),
    "duplicate_key.json": (("dimensions", 0, "key"), 6, "the key 'key' appears twice"),
    "duplicate_key.yaml": (("indicators", 0, "unit"), 14, "the key 'unit' appears twice"),
    "empty.toml": (("key",), None, "required key is missing"),
    "indicator_weights_101.yaml": (
        ("weighting", "indicators", "quality"),
        35,
        "weights sum to 101 %, expected 100 % (csat=61, complaints=40)",
    ),
    "infinity.json": (("max_points",), 5, "Infinity is not valid JSON"),
    "missing_required_key.toml": (("indicators", 0, "direction"), 14, "required key is missing"),
    "nan.json": (("indicators", 0, "scoring", "points", 0, 1), 16, "NaN is not valid JSON"),
    "nan.toml": (("indicators", 0, "scoring", "points", 1, 1), 20, "NaN is not a number"),
    "nan.yaml": (("weighting", "dimensions", "quality"), 33, "NaN is not a number"),
    "not_an_object.json": (None, None, "holds an object at the top, got an array"),
    "not_utf8.toml": (None, 3, "not UTF-8"),
    "open_end_as_string.toml": (
        ("indicators", 2, "scoring", "steps", 0, 0),
        40,
        "must be a real number, got str '-inf'",
    ),
    "overlapping_grade_bands.toml": (
        ("grade_scale", "bands", 1, "upper"),
        19,
        "bands 'good' [80, 91] and 'excellent' [90, 100] overlap",
    ),
    "rule_disagrees_with_direction.toml": (
        ("indicators", 1, "scoring"),
        27,
        "disagrees with direction lower_is_better",
    ),
    "strategy_unknown_parameter.toml": (
        ("weighting", "weights"),
        48,
        "unknown parameter(s) weights",
    ),
    "text_wrong_type.toml": (("indicators", 0, "name"), 16, "got an integer (5)"),
    "unknown_dimension.json": (("indicators", 1, "dimension"), 21, "unknown dimension 'qualty'"),
    "unknown_indicator_key.toml": (("indicators", 1, "weight"), 27, "unknown key 'weight'"),
    "unknown_indicator_key.yaml": (("indicators", 1, "weight"), 19, "unknown key 'weight'"),
    "unknown_scoring_kind.toml": (
        ("indicators", 2, "scoring", "kind"),
        37,
        "unknown scoring rule 'stepz'; available: piecewise, ratio_to_target, steps",
    ),
    "unknown_strategy.toml": (("weighting", "strategy"), 46, "unknown weight strategy 'magic'"),
    "unknown_template.toml": (("template",), 2, "unknown template 'customer-service-director'"),
    "unknown_top_level_key.toml": (("colour",), 5, "unknown key 'colour'"),
    "unsafe_tag.yaml": (("version",), 4, "python/object/apply:os.system is not allowed"),
    "weight_for_unknown_indicator.yaml": (
        ("weighting", "indicators", "quality", "complaint"),
        35,
        "'complaint' is not an indicator of dimension 'quality'",
    ),
    "wrong_type.json": (("precision",), 5, "expected an integer, got a string ('2')"),
    "yaml_alias_bomb.yaml": (("a6",), 8, "the data holds more than 1,000,000 values"),
    "yaml_bad_tag.yaml": (("version",), 4, "cannot read 'x' as a YAML int"),
    "huge_exponent.toml": (
        ("weighting", "indicators", "quality", "csat"),
        49,
        "the number 1.000000e-9999999 is out of range",
    ),
    "deep_nesting.json": (("title",), 3, "the data nests too deeply (more than 64 levels)"),
    "wrong_type.toml": (
        ("indicators", 0, "scoring", "points", 1, 1),
        20,
        "must be a real number, got str '100'",
    ),
    "wrong_type_version.toml": (("version",), 4, "expected a string, got an integer (2024)"),
}


def test_the_corpus_table_lists_every_file():
    assert {p.name for p in DATA.iterdir() if p.is_file()} == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_malformed_file_gives_its_error(name, pm):
    key_path, line, part = CORPUS[name]
    path = DATA / name
    with pytest.raises(ConfigError) as info:
        load_scorecard(path, plugins=pm)
    error = info.value
    assert error.path == str(path)
    assert error.field == (key_path or ())
    assert error.line == line
    where = str(path) if line is None else f"{path}:{line}"
    prefix = f"{where}: {format_key_path(key_path)}: " if key_path else f"{where}: "
    assert error.message.startswith(prefix), error.message
    assert part in error.message


def test_an_unsafe_yaml_tag_is_never_constructed(pm, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("os.system", lambda *a: calls.append(a))
    with pytest.raises(ConfigError):
        load_scorecard(DATA / "unsafe_tag.yaml", plugins=pm)
    text = "key: x\nversion: !!python/object/apply:os.system ['echo owned']\n"
    with pytest.raises(ConfigError, match="python/object/apply"):
        loads_scorecard(text, "yaml", plugins=pm)
    assert calls == []


def test_config_error_survives_pickling(pm):
    with pytest.raises(ConfigError) as info:
        load_scorecard(DATA / "wrong_type.toml", plugins=pm)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.path, copy.field, copy.line) == (
        info.value.path,
        ("indicators", 0, "scoring", "points", 1, 1),
        20,
    )
    assert str(copy) == str(info.value)


def test_model_errors_keep_their_cause(pm):
    with pytest.raises(ConfigError) as info:
        load_scorecard(DATA / "rule_disagrees_with_direction.toml", plugins=pm)
    assert info.value.__cause__ is not None
    assert info.value.__cause__.key_path == "scoring"


@pytest.mark.parametrize(
    ("old", "new", "key_path", "part"),
    [
        ('version = "2024-1"', 'version = "2024-1"\nprecision = 2.0', ("precision",), "an integer"),
        (
            'version = "2024-1"',
            'version = "2024-1"\nmax_points = "100"',
            ("max_points",),
            "a string",
        ),
        ('unit = "s"', "unit = 1", ("indicators", 2, "unit"), "expected a string"),
        (
            'direction = "higher_is_better"',
            "direction = true",
            ("indicators", 0, "direction"),
            "boolean",
        ),
        (
            "speed = { frt = 100 }",
            'speed = { frt = "100" }',
            ("weighting", "indicators", "speed", "frt"),
            "a string",
        ),
        (
            "quality = 60, speed = 40",
            "quality = 60, speed = true",
            ("weighting", "dimensions", "speed"),
            "boolean",
        ),
        (
            'name = "Quality"',
            'name = { zh = "质量", en = 1 }',
            ("dimensions", 0, "name", "en"),
            "integer",
        ),
    ],
)
def test_values_of_the_wrong_type_are_never_coerced(old, new, key_path, part, pm):
    text = mini_toml().replace(old, new, 1)
    assert text != mini_toml()
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", source="card.toml", plugins=pm)
    assert info.value.field == key_path
    assert part in info.value.message


def test_an_error_from_building_a_rule_points_into_the_rule(pm):
    text = mini_toml().replace("[[0.5, 0], [0.95, 100]]", "[[0.5, 0], [0.4, 100]]")
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", source="card.toml", plugins=pm)
    assert info.value.field == ("indicators", 0, "scoring", "points", 1, 0)
    assert info.value.line == 20
    assert info.value.message.startswith("card.toml:20: indicators[0].scoring.points[1][0]: ")


def test_a_weight_for_an_indicator_of_another_dimension_is_named(pm):
    text = mini_toml().replace("speed = { frt = 100 }", "speed = { frt = 100, csat = 0 }")
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", plugins=pm)
    assert info.value.field == ("weighting", "indicators", "speed", "csat")
    assert "belongs to dimension 'quality', not 'speed'" in info.value.message


def test_the_line_look_up_follows_tables_arrays_of_tables_and_long_arrays():
    # TOML gives no positions: a best-effort look-up walks the key path down the text.
    text = """a = 1
"quoted.key" = 'x'
c.d = { e = 1, "f g" = [1, 2] }
steps = [
    [1, 2],
    [3, 4],
]

[[t.u]]
x = 1
[[t.u]]
y = 2

[t.u.v]
z = -inf
"""
    _, lines = parse(text, "toml")
    assert lines(("a",)) == 1
    assert lines(("quoted.key",)) == 2
    assert lines(("c", "d", "e")) == 3
    assert lines(("c", "d", "f g", 1)) == 3
    assert lines(("steps", 1, 0)) == 6
    assert lines(("t", "u", 0, "x")) == 10
    assert lines(("t", "u", 1)) == 11
    assert lines(("t", "u", 1, "y")) == 12
    assert lines(("t", "u", 1, "v", "z")) == 15
    assert lines(("t", "u", 0, "y")) == 9  # not in that table: the table's line
    assert lines(("nowhere",)) is None


def test_the_json_line_look_up_counts_the_items_of_arrays():
    text = '{\n  "items": [\n    {"key": "a", "n": 1},\n    {"key": "b",\n     "n": 2}\n  ]\n}\n'
    _, lines = parse(text, "json")
    assert lines(("items",)) == 2
    assert lines(("items", 0, "n")) == 3
    assert lines(("items", 1, "n")) == 5
    assert lines(("items", 1)) == 4


def test_key_paths_are_shown_as_people_write_them():
    assert (
        format_key_path(("indicators", 3, "scoring", "points", 1)) == "indicators[3].scoring.points[1]"
    )
    assert format_key_path(("weighting", "indicators", "a b")) == 'weighting.indicators["a b"]'
    assert format_key_path(()) == ""


# -- templates in files ----------------------------------------------------------------------


def test_a_file_can_start_from_a_template_and_replace_whole_sections(pm):
    text = """
template = "customer-service-manager"
key = "night_shift"
title = "Night-shift manager"

[weighting]
dimensions = { service_quality = 25, efficiency = 25, capability = 25, teamwork = 25 }

[weighting.indicators]
service_quality = { customer_satisfaction = 50, complaint_rate = 50 }
efficiency = { first_response_time = 50, resolution_time = 50 }
capability = { product_knowledge = 50, script_compliance = 50 }
teamwork = { collaboration_rating = 50, information_sharing_rate = 50 }
"""
    card = loads_scorecard(text, "toml", plugins=pm)
    manager = customer_service_manager()
    assert card.key == "night_shift"
    assert card.title == "Night-shift manager"
    assert card.indicators == manager.indicators
    assert card.grade_scale == manager.grade_scale
    assert card.weighting.dimensions == dict.fromkeys(card.weighting.dimensions, 0.25)


def test_a_replaced_section_is_replaced_whole_not_merged(pm):
    text = """
template = "customer-service-manager"

[[dimensions]]
key = "service_quality"
name = "Service quality"

[[indicators]]
key = "customer_satisfaction"
name = "CSAT"
dimension = "service_quality"
direction = "higher_is_better"
scoring = { kind = "piecewise", points = [[0.5, 0], [0.95, 100]] }

[weighting]
dimensions = { service_quality = 100 }
indicators = { service_quality = { customer_satisfaction = 100 } }
"""
    card = loads_scorecard(text, "toml", plugins=pm)
    assert [i.key for i in card.indicators] == ["customer_satisfaction"]
    assert card.indicators[0].standards is None  # not taken from the template's indicator
    assert card.key == "customer_service_manager"


def test_an_error_in_a_section_from_the_template_points_at_the_template_line(pm):
    text = (
        'key = "x"\ntemplate = "customer-service-manager"\n[[dimensions]]\nkey = "a"\nname = "A"\n'
    )
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", source="card.toml", plugins=pm)
    assert info.value.field == ("indicators", 0, "dimension")
    assert info.value.line == 2
    assert info.value.message.endswith("(from template 'customer-service-manager')")


# -- plugins in files ------------------------------------------------------------------------


@attrs.frozen
class CappedLinear(ScoringRule):
    """Throwaway plugin rule: ``min(cap, slope * raw)``, for higher-is-better indicators."""

    kind: ClassVar[str] = "capped_linear"
    slope: float
    cap: float = 100.0

    @property
    def max_points(self) -> float:
        return self.cap

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        if direction is not Direction.HIGHER_IS_BETTER:
            raise ValueError("unused in these tests")

    def exact_points(self, raw: Any) -> Any:
        from fractions import Fraction

        return min(Fraction(self.cap), Fraction(self.slope) * raw)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "slope": self.slope, "cap": self.cap}


class RulePlugin:
    @hookimpl
    def csperf_scoring_rules(self) -> list[type[ScoringRule]]:
        return [CappedLinear]


PLUGIN_RULE_CARD = """
key = "plugged"
title = "Plugged"
dimensions = [{ key = "q", name = "Quality" }]

[[indicators]]
key = "csat"
name = "CSAT"
dimension = "q"
direction = "higher_is_better"
scoring = { kind = "capped_linear", slope = 125 }

[weighting]
dimensions = { q = 100 }
indicators = { q = { csat = 100 } }
"""


def test_a_plugin_rule_can_be_used_in_a_file(pm):
    pm.register(RulePlugin())
    card = loads_scorecard(PLUGIN_RULE_CARD, "toml", plugins=pm)
    assert card.indicators[0].scoring == CappedLinear(125.0)
    assert card.evaluate({"csat": 0.6}).total == 75
    for fmt in FORMATS:
        assert loads_scorecard(dumps_scorecard(card, fmt), fmt, plugins=pm) == card


def test_a_plugin_rule_is_unknown_without_its_plugin(pm):
    with pytest.raises(ConfigError, match="unknown scoring rule 'capped_linear'"):
        loads_scorecard(PLUGIN_RULE_CARD, "toml", plugins=pm)


def test_a_plugin_rule_missing_a_required_key_is_named(pm):
    pm.register(RulePlugin())
    text = PLUGIN_RULE_CARD.replace('kind = "capped_linear", slope = 125', 'kind = "capped_linear"')
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", plugins=pm)
    assert info.value.field == ("indicators", 0, "scoring", "slope")
    assert info.value.line == 11


STRATEGY_CARD = mini_toml()[: mini_toml().index("[weighting]")]


def test_a_built_in_weight_strategy_can_be_used_in_a_file(pm):
    text = STRATEGY_CARD + (
        "[weighting]\n"
        'strategy = "rank_order"\n'
        'dimensions = ["speed", "quality"]\n'
        'indicators = { quality = ["complaints", "csat"] }\n'
    )
    card = loads_scorecard(text, "toml", plugins=pm)
    # rank-order centroid weights of 2 items: 3/4 and 1/4
    assert card.weighting.dimensions == {"quality": 0.25, "speed": 0.75}
    assert card.weighting.indicators["quality"] == {"csat": 0.25, "complaints": 0.75}


class FavourFirst:
    """Throwaway weight strategy: ``share`` percent on each level's first key, the rest equal."""

    name = "favour_first"

    def __init__(self) -> None:
        self.seen: list[Scorecard] = []

    def compute(self, card: Scorecard, *, share: float) -> Any:
        self.seen.append(card)

        def level(keys: list[str]) -> dict[str, float]:
            if len(keys) == 1:
                return {keys[0]: 1.0}
            rest = (100 - share) / 100 / (len(keys) - 1)
            return {k: share / 100 if i == 0 else rest for i, k in enumerate(keys)}

        groups = {
            d.key: [i.key for i in card.indicators if i.dimension == d.key] for d in card.dimensions
        }
        weighting = Weighting(level(list(groups)), {d: level(ks) for d, ks in groups.items()})
        return type("Result", (), {"weighting": weighting})()


class StrategyPlugin:
    def __init__(self, strategy: Any) -> None:
        self.strategy = strategy

    @hookimpl
    def csperf_weight_strategies(self) -> list[Any]:
        return [self.strategy]


def test_a_plugin_weight_strategy_gets_its_parameters_and_an_equally_weighted_card(pm):
    strategy = FavourFirst()
    pm.register(StrategyPlugin(strategy))
    text = STRATEGY_CARD + '[weighting]\nstrategy = "favour_first"\nshare = 70\n'
    card = loads_scorecard(text, "toml", plugins=pm)
    assert card.weighting.dimensions == {"quality": 0.7, "speed": 0.3}
    (seen,) = strategy.seen
    assert seen.weighting.dimensions == {"quality": 0.5, "speed": 0.5}
    assert seen.weighting.indicators["quality"] == {"csat": 0.5, "complaints": 0.5}


@pytest.mark.parametrize(
    ("params", "key_path", "line", "part"),
    [
        ("share = 70\nbonus = 1\n", ("weighting", "bonus"), 48, "takes no parameter 'bonus'"),
        ("", ("weighting", "share"), 45, "required key is missing"),
        # the weighting the strategy computed is invalid: placed in it, at the [weighting] line
        ("share = 140\n", ("weighting", "dimensions", "speed"), 45, "speed=-0.4 is negative"),
    ],
)
def test_a_plugin_strategy_parameter_error_is_placed(params, key_path, line, part, pm):
    pm.register(StrategyPlugin(FavourFirst()))
    text = STRATEGY_CARD + f'[weighting]\nstrategy = "favour_first"\n{params}'
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", plugins=pm)
    assert info.value.field == key_path
    assert info.value.line == line
    assert part in info.value.message


def test_a_strategy_that_returns_no_weighting_is_a_plugin_error(pm):
    class Broken:
        name = "broken"

        def compute(self, card: Scorecard) -> Any:
            return {"dimensions": {}}

    pm.register(StrategyPlugin(Broken()))
    with pytest.raises(PluginError, match="'broken'"):
        loads_scorecard(STRATEGY_CARD + '[weighting]\nstrategy = "broken"\n', "toml", plugins=pm)


# -- writing -------------------------------------------------------------------------------


@attrs.frozen
class Unwritable(ScoringRule):
    """A plugin rule whose description holds None, which TOML cannot spell."""

    kind: ClassVar[str] = "unwritable"

    @property
    def max_points(self) -> float:
        return 100.0

    def check_direction(self, direction: Direction, *, obj: str) -> None:
        return None

    def exact_points(self, raw: Any) -> Any:
        return raw

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "note": None}


def unwritable_card() -> Scorecard:
    return Scorecard(
        key="odd",
        title="Odd",
        dimensions=[Dimension("q", "Q")],
        indicators=[Indicator("x", "X", "q", Direction.HIGHER_IS_BETTER, Unwritable())],
        weighting=Weighting({"q": 1}, {"q": {"x": 1}}),
    )


def test_a_value_the_format_cannot_spell_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        dumps_scorecard(unwritable_card(), "toml")
    assert info.value.field == ("indicators", 0, "scoring", "note")
    assert "TOML has no null" in info.value.message
    assert '"note": null' in dumps_scorecard(unwritable_card(), "json")


def test_a_failing_dump_leaves_no_file(tmp_path):
    target = tmp_path / "card.toml"
    with pytest.raises(ConfigError) as info:
        dump_scorecard(unwritable_card(), target)
    assert info.value.path == str(target)
    assert str(info.value).startswith(f"{target}: cannot write scorecard 'odd' as TOML")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_dump_does_not_clobber_an_existing_file(tmp_path, manager_card):
    target = dump_scorecard(manager_card, tmp_path / "card.toml")
    before = target.read_bytes()
    with pytest.raises(ConfigError):
        dump_scorecard(unwritable_card(), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["card.toml"]


def test_a_failure_while_writing_leaves_the_old_file(tmp_path, manager_card, monkeypatch):
    target = dump_scorecard(manager_card, tmp_path / "card.toml")
    before = target.read_bytes()

    def fail(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        dump_scorecard(attrs.evolve(manager_card, key="renamed"), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["card.toml"]


def test_the_format_comes_from_the_suffix_or_the_argument(tmp_path, manager_card, pm):
    path = dump_scorecard(manager_card, tmp_path / "card.txt", format="json")
    assert json.loads(path.read_text(encoding="utf-8"))["key"] == "customer_service_manager"
    assert load_scorecard(path, format="json", plugins=pm) == manager_card
    yml = dump_scorecard(manager_card, tmp_path / "card.yml")
    assert load_scorecard(yml, plugins=pm) == manager_card
    with pytest.raises(ConfigError, match=r"cannot tell the format from the suffix '\.txt'"):
        load_scorecard(path, plugins=pm)
    with pytest.raises(ConfigError, match="unknown scorecard file format 'ini'"):
        dump_scorecard(manager_card, tmp_path / "card.ini", format="ini")
    assert not (tmp_path / "card.ini").exists()


def test_dumps_wants_a_scorecard():
    with pytest.raises(ConfigError, match="expected a Scorecard, got dict"):
        dumps_scorecard({"key": "x"})  # type: ignore[arg-type]


# -- reading files -----------------------------------------------------------------------


def test_a_missing_file_is_a_config_error(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as info:
        load_scorecard(path)
    assert info.value.path == str(path)
    assert str(info.value).startswith(f"{path}: cannot read the file")


def test_a_byte_order_mark_is_accepted(tmp_path, pm):
    path = tmp_path / "card.toml"
    path.write_bytes(b"\xef\xbb\xbf" + mini_toml().encode("utf-8"))
    assert load_scorecard(path, plugins=pm).key == "mini"


def test_yaml_without_pyyaml_names_the_extra(monkeypatch, manager_card, tmp_path):
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ConfigError, match=r"pip install 'csperf\[yaml\]'") as info:
        load_scorecard(DATA / "valid" / "mini.yaml")
    assert info.value.path == str(DATA / "valid" / "mini.yaml")
    with pytest.raises(ConfigError, match=r"csperf\[yaml\]"):
        dump_scorecard(manager_card, tmp_path / "card.yaml")
    assert list(tmp_path.iterdir()) == []


def test_yaml_merge_keys_work_and_the_mapping_s_own_keys_win(pm):
    text = """
key: merged
title: Merged
dimensions: [{key: q, name: Q}]
defaults: &rule {kind: piecewise, points: [[0, 0], [1, 100]]}
"""
    with pytest.raises(ConfigError, match="unknown key 'defaults'"):
        loads_scorecard(text, "yaml", plugins=pm)
    text = """
key: merged
title: Merged
dimensions: [{key: q, name: Q}]
indicators:
  - &first {key: a, name: A, dimension: q, direction: higher_is_better,
            scoring: {kind: piecewise, points: [[0, 0], [1, 100]]}}
  - <<: *first
    key: b
weighting: {dimensions: {q: 100}, indicators: {q: {a: 50, b: 50}}}
"""
    card = loads_scorecard(text, "yaml", plugins=pm)
    assert [i.key for i in card.indicators] == ["a", "b"]
    assert card.indicators[1].scoring == card.indicators[0].scoring


def test_a_recursive_yaml_alias_is_refused(pm):
    with pytest.raises(ConfigError, match="recursive alias") as info:
        loads_scorecard("key: x\nmissing: &a [*a]\n", "yaml", source="card.yaml", plugins=pm)
    assert info.value.line == 2


def test_loads_names_its_source(pm):
    with pytest.raises(ConfigError) as info:
        loads_scorecard('key = "x"\n', "toml", plugins=pm)
    assert str(info.value) == "<string>: title: required key is missing"
    assert info.value.path is None


def test_a_number_too_large_for_a_float_is_refused(pm):
    text = mini_toml().replace(
        'version = "2024-1"', 'version = "2024-1"\nmax_points = ' + "9" * 400
    )
    with pytest.raises(ConfigError, match="too large") as info:
        loads_scorecard(text, "toml", plugins=pm)
    assert info.value.field == ("max_points",)


def test_infinite_max_points_is_refused(pm):
    text = mini_toml().replace('version = "2024-1"', 'version = "2024-1"\nmax_points = inf')
    with pytest.raises(ConfigError, match="expected a finite number, got Infinity"):
        loads_scorecard(text, "toml", plugins=pm)
    assert math.isinf(loads_scorecard(mini_toml(), "toml", plugins=pm).indicators[2].scoring.steps[2][1])


# -- other documents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".toml", 'judgements = [["a", "b", 3]]\nmax_cr = 0.1\n'),
        (".yaml", "judgements:\n  - [a, b, 3]\nmax_cr: 0.1\n"),
        (".json", '{"judgements": [["a", "b", 3]], "max_cr": 0.1}'),
    ],
)
def test_load_document_reads_plain_data(suffix, text, tmp_path):
    path = tmp_path / f"params{suffix}"
    path.write_text(text, encoding="utf-8")
    data = load_document(path)
    assert data == {"judgements": [["a", "b", 3]], "max_cr": 0.1}
    assert type(data["max_cr"]) is float


@pytest.mark.parametrize(
    ("suffix", "text", "key_path", "line"),
    [
        (".toml", "a = 1\nb = [1, nan]\n", ("b", 1), 2),
        (".yaml", "a: 1\na: 2\n", ("a",), 2),
        (".json", '{\n  "a": [1,\n  Infinity]\n}', ("a", 1), 3),
        (".toml", "a = 1\nb = \n", None, 2),
    ],
)
def test_load_document_refuses_what_scorecard_files_refuse(suffix, text, key_path, line, tmp_path):
    path = tmp_path / f"params{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_document(path)
    assert (info.value.path, info.value.field, info.value.line) == (str(path), key_path or (), line)


def test_a_file_that_only_names_a_template_is_the_template(pm, manager_card):
    card = loads_scorecard('template = "customer-service-manager"\n', "toml", plugins=pm)
    assert card == manager_card
    assert card.fingerprint == manager_card.fingerprint


@pytest.mark.parametrize("section", ["dimensions", "indicators"])
def test_empty_dimensions_or_indicators_are_named(section, pm):
    text = f'template = "customer-service-manager"\n{section} = []\n'
    with pytest.raises(ConfigError) as info:
        loads_scorecard(text, "toml", plugins=pm)
    assert (info.value.field, info.value.line) == ((section,), 2)
    assert f"{section} must not be empty" in info.value.message


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["quality", "speed", "csat", "piecewise", "steps", "lower_is_better"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["key", "name", "kind", "points"]) | st.text(max_size=5),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)
_MINI = json.loads((DATA / "valid" / "mini.json").read_text(encoding="utf-8"))


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_paths(_MINI)), _json_values, st.booleans())
def test_whatever_a_file_holds_only_config_errors_come_out(path, value, delete):
    data = json.loads(json.dumps(_MINI))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    outcome: Any
    try:
        outcome = loads_scorecard(json.dumps(data), "json", plugins=shared_pm())
    except ConfigError as error:  # anything else (KeyError, TypeError...) fails the test
        outcome = error
    assert isinstance(outcome, Scorecard) or str(outcome).startswith("<string>")


def test_a_strategy_on_a_template_starts_from_the_template_weights():
    # rank_order given only the dimension ranking keeps the within-dimension weights of its
    # base card: the template's 60/40 and 40/60, not equal weights.
    card = loads_scorecard(
        'template = "customer-service-manager"\n'
        "[weighting]\n"
        'strategy = "rank_order"\n'
        'dimensions = ["service_quality", "efficiency", "capability", "teamwork"]\n',
        "toml",
    )
    assert card.weighting.indicators["service_quality"] == {
        "customer_satisfaction": 0.6,
        "complaint_rate": 0.4,
    }
    assert round(card.weighting.dimensions["service_quality"], 4) == 0.5208


# -- the JSON Schema -------------------------------------------------------------------------

SCHEMA_FILE = Path(str(resources.files("csperf") / "scorecard.schema.json"))

# The malformed files whose fault a JSON Schema cannot state, and why. The schema must accept
# them (so this list stays true); every other malformed file that parses must fail it.
BEYOND_THE_SCHEMA = {
    "dimension_weights_99.toml": "a sum over the values of a level (weights sum to 100)",
    "indicator_weights_101.yaml": "a sum over the values of a level (weights sum to 100)",
    "dimension_without_indicators.toml": "a reference across sections (indicators per dimension)",
    "unknown_dimension.json": "a reference across sections (an indicator's dimension)",
    "weight_for_unknown_indicator.yaml": "a reference across sections (weights name indicators)",
    "duplicate_indicator_keys.toml": "one field unique among the items of an array",
    "overlapping_grade_bands.toml": "arithmetic between items (bands meet without overlap)",
    "rule_disagrees_with_direction.toml": "the shape of a rule's points against a direction",
    "strategy_unknown_parameter.toml": "a strategy checks its own parameters (compute(**params))",
}
# The files the parser refuses before there is any data to check.
UNPARSED = {
    "broken_syntax.json",
    "broken_syntax.toml",
    "broken_syntax.yaml",
    "duplicate_key.json",
    "duplicate_key.yaml",
    "infinity.json",
    "nan.json",
    "nan.toml",
    "nan.yaml",
    "not_utf8.toml",
    "unsafe_tag.yaml",
    "yaml_alias_bomb.yaml",
    "yaml_bad_tag.yaml",
    "huge_exponent.toml",
    "deep_nesting.json",
}


@functools.cache
def validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _data(path: Path) -> Any:
    return parse(path.read_bytes().decode("utf-8-sig"), SUFFIX_FORMAT[path.suffix])[0]


SUFFIX_FORMAT = {suffix: fmt for fmt, suffix in SUFFIX.items()}


def test_the_shipped_schema_is_the_generated_one():
    expected = json.dumps(scorecard_schema(shared_pm()), indent=2, ensure_ascii=False) + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, (
        "src/csperf/scorecard.schema.json is stale; rewrite it with "
        "python -c 'import csperf.config as c; c._write_schema()'"
    )


def test_the_schema_describes_every_part_of_a_card():
    schema = scorecard_schema(shared_pm())
    assert set(schema["$defs"]) >= {"Dimension", "Indicator", "GradeBand", "GradeScale", "Text"}
    indicator = schema["$defs"]["Indicator"]
    assert indicator["required"] == ["key", "name", "dimension", "direction", "scoring"]
    assert indicator["properties"]["direction"]["enum"] == [d.value for d in Direction]
    assert schema["$defs"]["rule:steps"]["required"] == ["kind", "steps"]


@pytest.mark.parametrize(
    "path", [SHIPPED, *sorted((DATA / "valid").iterdir())], ids=lambda p: p.name
)
def test_valid_files_pass_the_schema(path):
    assert list(validator().iter_errors(_data(path))) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_written_files_pass_the_schema(fmt, manager_card):
    data = parse(dumps_scorecard(manager_card, fmt), fmt)[0]
    assert list(validator().iter_errors(data)) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scorecards())
def test_generated_cards_pass_the_schema(card):
    for fmt in FORMATS:
        data = parse(dumps_scorecard(card, fmt), fmt)[0]
        assert list(validator().iter_errors(data)) == [], fmt


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_malformed_file_the_schema_can_state_fails_it(name):
    path = DATA / name
    if name in UNPARSED:
        with pytest.raises((Problem, UnicodeDecodeError)):
            _data(path)
        return
    errors = list(validator().iter_errors(_data(path)))
    if name in BEYOND_THE_SCHEMA:
        assert errors == [], f"the schema now catches {name}: take it off BEYOND_THE_SCHEMA"
    else:
        assert errors, name


def test_a_plugin_rule_is_in_the_schema_of_its_plugin_manager(pm):
    pm.register(RulePlugin())
    schema = scorecard_schema(pm)
    rule = schema["$defs"]["rule:capped_linear"]
    assert rule["required"] == ["kind", "slope"]
    assert rule["properties"]["cap"]["type"] == ["number", "null"]
    card = loads_scorecard(PLUGIN_RULE_CARD, "toml", plugins=pm)
    import jsonschema

    jsonschema.validate(parse(dumps_scorecard(card, "json"), "json")[0], schema)


# -- the canonical form behind the fingerprint -------------------------------------------------


def _canonical_oracle(card: Scorecard) -> dict[str, Any]:
    """The canonical form spelt out by hand, as Scorecard.to_dict was written before cattrs."""
    return {
        "key": card.key,
        "title": card.title if isinstance(card.title, str) else dict(card.title),
        "version": card.version,
        "precision": card.precision,
        "missing": card.missing.value,
        "max_points": card.max_points,
        "grade_scale": card.grade_scale.to_dict(),
        "dimensions": [d.to_dict() for d in card.dimensions],
        "indicators": [i.to_dict() for i in card.indicators],
        "weighting": card.weighting.to_dict(),
        **_canonical_items(card),
    }


def _canonical_items(card: Scorecard) -> dict[str, Any]:
    """The veto and bonus/deduction items spelt out by hand; absent when the card has none."""

    def text(value: Any) -> Any:
        return value if isinstance(value, str) else dict(value)

    items: dict[str, Any] = {}
    if card.vetoes:
        items["vetoes"] = [
            {
                "key": v.key,
                "label": text(v.label),
                "metric": v.metric,
                "effect": v.effect.value,
                "operator": v.operator,
                "threshold": v.threshold,
                "cap": v.cap,
                "grade": v.grade,
                "reason": text(v.reason),
            }
            for v in card.vetoes
        ]
    if card.adjustments:
        items["adjustments"] = [
            {
                "key": a.key,
                "label": text(a.label),
                "kind": a.kind.value,
                "points": a.points,
                "metric": a.metric,
                "cap": a.cap,
                "floor": a.floor,
                "reason": text(a.reason),
            }
            for a in card.adjustments
        ]
    if card.bonus_cap is not None:
        items["bonus_cap"] = card.bonus_cap
    return items


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scorecards())
def test_the_canonical_converter_gives_the_hand_written_canonical_form(card):
    expected = _canonical_oracle(card)
    assert card.to_dict() == expected
    assert json.dumps(card.to_dict(), sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_a_plugin_rule_takes_part_in_the_canonical_form_by_its_to_dict(pm):
    pm.register(RulePlugin())
    card = loads_scorecard(PLUGIN_RULE_CARD, "toml", plugins=pm)
    assert card.to_dict()["indicators"][0]["scoring"] == CappedLinear(125.0).to_dict()
    assert card.to_dict() == _canonical_oracle(card)


def test_an_error_in_a_model_inside_a_model_names_its_own_key_path():
    """cattrs' notes of an inner model are not read again one level up (they were)."""
    text = dumps_scorecard(customer_service_manager()).replace(
        "lower = 4.5, upper = 5.0", 'lower = "x", upper = 5.0'
    )
    with pytest.raises(ConfigError, match=r"indicators\[6\]\.standards\.bands\[0\]\.lower: "):
        loads_scorecard(text, "toml")
