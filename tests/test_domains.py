"""Value domains: impossible raw values are refused everywhere a scorecard reads them."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import (
    Dimension,
    Direction,
    Indicator,
    MeasurementError,
    Piecewise,
    Scorecard,
    ValidationError,
    Weighting,
    dumps_scorecard,
    loads_scorecard,
)
from csperf.units import (
    COUNT,
    FRACTION,
    NON_NEGATIVE,
    POINTS,
    REAL,
    ValueDomain,
    domain_of_unit,
)
from strategies import examples

# The case: each one impossible, each one scored 97.10 "excellent" before.
IMPOSSIBLE = [
    ("customer_satisfaction", 1.7),
    ("complaint_rate", -0.01),
    ("resolution_time", -30_000.0),
    ("product_knowledge", 130.0),
    ("collaboration_rating", 7.5),
]


@pytest.mark.parametrize(("metric", "value"), IMPOSSIBLE)
def test_the_manager_template_refuses_impossible_values(manager_card, li_wei, metric, value):
    row = {**li_wei, metric: value}
    with pytest.raises(MeasurementError) as info:
        manager_card.evaluate(row, subject="ann")
    error = info.value
    assert (error.subject, error.value, error.field) == ("ann", value, (metric,))
    assert f"Indicator {metric!r}" in str(error) and "ann" in str(error)
    assert repr(value) in str(error)
    columns: dict[str, Any] = {k: np.array([v, v, v]) for k, v in li_wei.items()}
    columns[metric] = np.array([li_wei[metric], value, value])
    columns["subject"] = ["bob", "ann", "eve"]
    for table in (columns, {k: list(v) for k, v in columns.items()}):
        with pytest.raises(MeasurementError) as info:
            manager_card.evaluate_many(table)
        assert (info.value.subject, info.value.value) == ("ann", value)


def test_every_template_indicator_declares_its_domain(manager_card):
    domains = {i.key: i.domain for i in manager_card.indicators}
    assert all(d is not None for d in domains.values())
    assert domains["collaboration_rating"] == ValueDomain(1, 5)
    assert domains["product_knowledge"] == POINTS
    assert domains["resolution_time"] == NON_NEGATIVE
    assert domains["customer_satisfaction"] == FRACTION


@pytest.mark.parametrize(
    ("unit", "domain"),
    [
        ("fraction", FRACTION),
        ("points", POINTS),
        ("%", POINTS),
        ("s", NON_NEGATIVE),
        ("Minutes", NON_NEGATIVE),
        ("count", COUNT),
        ("rating 1-5", ValueDomain(1, 5)),
        ("scale 0 to 10", ValueDomain(0, 10)),
        ("", REAL),
        ("NPS points (-100 to 100)", REAL),
    ],
)
def test_an_indicator_inherits_the_domain_of_its_unit(unit, domain):
    assert domain_of_unit(unit) == domain
    ind = Indicator(
        "x", "x", "d", Direction.HIGHER_IS_BETTER, Piecewise([(0, 0), (1, 100)]), unit=unit
    )
    assert ind.value_domain == domain
    assert attrs.evolve(ind, domain=REAL).value_domain == REAL  # a declared domain wins


def card_with(domain: ValueDomain) -> Scorecard:
    return Scorecard(
        key="c",
        title="C",
        dimensions=[Dimension("d", "D")],
        indicators=[
            Indicator(
                "x",
                "x",
                "d",
                Direction.HIGHER_IS_BETTER,
                Piecewise([(-1e9, 0), (1e9, 100)]),
                domain=domain,
            )
        ],
        weighting=Weighting({"d": 1}, {"d": {"x": 1}}),
    )


domains = st.builds(
    lambda a, b, whole: ValueDomain(min(a, b), max(a, b), whole),
    st.integers(-100, 100),
    st.integers(-100, 100),
    st.booleans(),
)


@settings(max_examples=examples(80))
@given(domains, st.integers(-2000, 2000).map(lambda i: i / 10))
def test_a_value_is_scored_exactly_when_it_lies_in_the_domain(domain, value):
    card = card_with(domain)
    inside = domain.lower <= value <= domain.upper and (not domain.whole or value == int(value))
    assert domain.contains(value) is inside
    if inside:
        one = card.evaluate({"x": value})
        assert card.evaluate_many({"x": np.array([value])}).totals[0] == one.total
        return
    with pytest.raises(MeasurementError, match="outside"):
        card.evaluate({"x": value}, subject="s")
    for column in (np.array([value]), [value], [Decimal(repr(value))]):
        with pytest.raises(MeasurementError, match="outside") as info:
            card.evaluate_many({"x": column, "subject": ["s"]})
        assert info.value.subject == "s"


def test_decimals_are_checked_at_their_exact_value():
    card = card_with(FRACTION)
    assert card.evaluate({"x": Decimal("1")}).total == card.evaluate({"x": 1.0}).total
    for value in (Decimal("1.0000000000000000001"), Decimal("-1E-30")):
        assert float(value) in (0.0, 1.0) or float(value) < 0  # the float alone would pass
        with pytest.raises(MeasurementError, match="outside"):
            card.evaluate({"x": value})
        with pytest.raises(MeasurementError, match="outside"):
            card.evaluate_many({"x": [value]})
    assert ValueDomain(0.1, 1).contains(Decimal("0.1"))


def test_counts_are_whole_numbers():
    card = card_with(COUNT)
    card.evaluate({"x": 3})
    with pytest.raises(MeasurementError, match="whole numbers"):
        card.evaluate({"x": 2.5})
    with pytest.raises(MeasurementError, match="whole numbers"):
        card.evaluate_many({"x": np.array([1.0, 2.5])})


def test_a_domain_is_validated():
    with pytest.raises(ValidationError, match="below lower"):
        ValueDomain(1, 0)
    with pytest.raises(ValidationError, match="whole"):
        ValueDomain(0, 1, "yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="ValueDomain or None"):
        Indicator("x", "x", "d", "higher_is_better", Piecewise([(0, 0), (1, 100)]), domain=(0, 1))


# -- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_a_scorecard_file_carries_domains(fmt, manager_card):
    card = attrs.evolve(
        manager_card,
        indicators=[
            attrs.evolve(manager_card.indicators[0], domain=ValueDomain(0, 1, whole=False)),
            attrs.evolve(manager_card.indicators[1], domain=None),
            attrs.evolve(manager_card.indicators[2], domain=COUNT),
            *manager_card.indicators[3:],
        ],
    )
    text = dumps_scorecard(card, fmt)
    assert loads_scorecard(text, fmt) == card


def test_a_bad_domain_in_a_file_is_a_config_error(manager_card):
    text = dumps_scorecard(manager_card).replace(
        "domain = { lower = 0.0, upper = 1.0 }", "domain = { lower = 2.0, upper = 1.0 }", 1
    )
    with pytest.raises(ValidationError, match="indicators\\[0\\]\\.domain"):
        loads_scorecard(text, "toml")


def test_the_schema_describes_domains():
    from csperf.config import scorecard_schema

    schema = scorecard_schema()
    indicator = schema["$defs"]["Indicator"]["properties"]["domain"]
    assert {"$ref": "#/$defs/ValueDomain"} in indicator["anyOf"]
    assert set(schema["$defs"]["ValueDomain"]["properties"]) == {"lower", "upper", "whole"}


HEADER = "subject,customer_satisfaction,complaint_rate\n"


def test_measurement_files_refuse_values_outside_the_domain_with_file_and_line(tmp_path):
    from csperf.sources import Measurements

    path = tmp_path / "m.csv"
    path.write_text(HEADER + "north,0.92,0.004\nsouth,1.7,0.004\n", encoding="utf-8")
    with pytest.raises(MeasurementError) as info:
        Measurements.read(path)
    assert str(info.value).startswith(f"{path}:3: subject 'south', metric 'customer_satisfaction'")
    assert (info.value.line, info.value.subject, info.value.value) == (3, "south", 1.7)
    # the card's own domains, as the CLI passes them
    with pytest.raises(MeasurementError, match=":3:"):
        Measurements.read(path, metrics={"customer_satisfaction": FRACTION, "complaint_rate": None})
    assert len(Measurements.read(path, metrics=["customer_satisfaction", "complaint_rate"])) == 2
    good = Measurements.read(path, metrics=["customer_satisfaction", "complaint_rate"])
    with pytest.raises(MeasurementError, match="outside"):
        Measurements.read(good.write(tmp_path / "m.json"))


@pytest.mark.parametrize(("metric", "value"), IMPOSSIBLE)
def test_the_cli_refuses_impossible_values_in_one_line(tmp_path, li_wei, metric, value):
    from click.testing import CliRunner

    from csperf.cli import cli

    row = {**li_wei, metric: value}
    path = tmp_path / "m.csv"
    path.write_text(
        "subject," + ",".join(row) + "\nann," + ",".join(map(repr, row.values())) + "\n",
        encoding="utf-8",
    )
    card = tmp_path / "card.toml"
    runner = CliRunner()
    card.write_text(runner.invoke(cli, ["template", "customer-service-manager"]).output)
    result = runner.invoke(cli, ["score", str(card), "--measurements", str(path)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and f"{path}:2:" in lines[0] and metric in lines[0]
    assert not math.isnan(value)
