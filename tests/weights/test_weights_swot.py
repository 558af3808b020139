"""The SWOT adjuster: the guide's examples worked by hand, conflicts, and properties."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from csperf import ValidationError, Weighting
from csperf.errors import WeightingError
from csperf.templates import customer_service_manager
from csperf.weights import SwotChange, SwotFactor, SwotKind, SwotPolicy, SwotResult, swot
from strategies import core_scorecards, examples

BASE = customer_service_manager().weighting  # 40 / 30 / 20 / 10, indicators as in the template


def _percent(weighting: Weighting) -> dict[str, float]:
    return {d: round(w * 100, 6) for d, w in weighting.dimensions.items()}


# -- the appraisal guide's four examples, each alone, with the default policy ---------------------


def test_weakness_raises_efficiency_to_the_top_of_its_range():
    # Efficiency 30 % -> 40 %; the other 70 % become 60 %, each scaled by 6/7:
    # service quality 40 * 6/7 = 34.285714, capability 20 * 6/7 = 17.142857, teamwork 8.571429.
    factor = SwotFactor("weakness", "efficiency", "average response time too long")
    result = swot(BASE, [factor])
    assert _percent(result.weighting) == {
        "service_quality": round(4000 / 7 * 6 / 100, 6),
        "efficiency": 40.0,
        "capability": round(2000 / 7 * 6 / 100, 6),
        "teamwork": round(1000 / 7 * 6 / 100, 6),
    }
    assert result.weighting.indicators == BASE.indicators  # blocks scale, inner shares kept
    assert result.lines[0] == "efficiency 30% → 40%: weakness, average response time too long"
    assert "service_quality 40% → 34.29%: untargeted, scaled in proportion" in result.lines
    assert result.scale == pytest.approx(6 / 7)
    assert result.expires is None


def test_threat_raises_service_quality():
    # 40 % -> 50 %; the other 60 % become 50 %: efficiency 25, capability 16.67, teamwork 8.33.
    result = swot(BASE, [SwotFactor("threat", "service_quality", "rivals' service improving")])
    assert result.weighting.dimensions == pytest.approx(
        {"service_quality": 0.5, "efficiency": 0.25, "capability": 1 / 6, "teamwork": 1 / 12}
    )


def test_opportunity_raises_an_indicator_for_a_while():
    # product_knowledge's effective weight is 20 % * 50 % = 10 %; intensity 1 takes it to the top
    # of its 20-30 % range, 30 %. Everything else (90 %) shrinks to 70 %, by 7/9.
    factor = SwotFactor(
        "opportunity", "product_knowledge", "new product to learn", expires="2026-06-30"
    )
    result = swot(BASE, [factor], as_of="2026-06-30")  # its last day
    eff = result.weighting.effective()
    assert eff["product_knowledge"] == pytest.approx(0.30)
    assert eff["script_compliance"] == pytest.approx(0.10 * 7 / 9)
    assert eff["customer_satisfaction"] == pytest.approx(0.24 * 7 / 9)
    assert result.weighting.dimensions["capability"] == pytest.approx(0.30 + 0.10 * 7 / 9)
    assert result.expires == datetime.date(2026, 6, 30)
    assert result.lines[0] == "product_knowledge 10% → 30%: opportunity, new product to learn"
    assert "capability 20% → 37.78%: holds the target(s) product_knowledge" in result.lines
    assert result.lines[-1] == (
        "expires 2026-06-30: product_knowledge (opportunity, new product to learn); "
        "left out from the day after, which changes the weights"
    )
    assert result.expired == ()
    assert result.as_of == datetime.date(2026, 6, 30)


def test_strength_keeps_capability_within_its_range():
    # Capability is already at 20 %, the bottom of 20-30 %: a full strength leaves it there.
    result = swot(BASE, [SwotFactor("strength", "capability", "well-trained team")])
    assert result.weighting == BASE
    assert result.lines == ("capability stays at 20%: strength, well-trained team",)
    assert not result.changes[0].moved


def test_strength_lowers_a_target_above_its_bound():
    # Capability 30 % with a full strength -> at most 20 %; the 10 % freed goes to the other
    # 70 % in proportion (x 8/7).
    base = Weighting(
        {"quality": 0.5, "capability": 0.3, "team": 0.2},
        {"quality": {"csat": 1.0}, "capability": {"pk": 1.0}, "team": {"collab": 1.0}},
    )
    result = swot(base, [SwotFactor("strength", "capability", "strong")])
    assert result.weighting.dimensions == pytest.approx(
        {"quality": 0.5 * 8 / 7, "capability": 0.2, "team": 0.2 * 8 / 7}
    )


def test_intensity_moves_part_of_the_way():
    # Half a weakness: at least 30 + 0.5 * (40 - 30) = 35 %.
    result = swot(BASE, [SwotFactor("weakness", "efficiency", "slow", intensity=0.5)])
    assert result.weighting.dimensions["efficiency"] == pytest.approx(0.35)
    # A strength of intensity 0.25 on a 20-30 % range: at most 27.5 %, at least 20 %.
    change = swot(BASE, [SwotFactor("strength", "capability", "ok", intensity=0.25)]).changes[0]
    assert change.bounds == pytest.approx((0.20, 0.275))


# -- several targets ------------------------------------------------------------------------------


def test_two_raising_factors_share_the_untargeted_weight():
    # Efficiency 40 %, service quality 50 %: capability and teamwork (30 %) shrink to 10 %, x 1/3.
    result = swot(
        BASE,
        [
            SwotFactor("weakness", "efficiency", "slow"),
            SwotFactor("threat", "service_quality", "rivals"),
        ],
    )
    assert result.weighting.dimensions == pytest.approx(
        {"service_quality": 0.5, "efficiency": 0.4, "capability": 0.2 / 3, "teamwork": 0.1 / 3}
    )
    assert result.scale == pytest.approx(1 / 3)


def test_an_indicator_inside_a_targeted_dimension_trades_with_its_siblings():
    # Capability: a weakness on a 20-40 % range at intensity 0.5 -> at least 30 %.
    # product_knowledge: an opportunity on 20-30 % at intensity 0 -> at least 20 % (from 10 %).
    # Capability moves to 30 % as a block; inside it product_knowledge takes 20 % and
    # script_compliance keeps the remaining 10 %. The other 80 % shrink to 70 %, x 7/8.
    policy = SwotPolicy.default().updated({"capability": (0.20, 0.40)})
    result = swot(
        BASE,
        [
            SwotFactor("weakness", "capability", "knowledge gaps", intensity=0.5),
            SwotFactor("opportunity", "product_knowledge", "new product", intensity=0),
        ],
        policy,
    )
    eff = result.weighting.effective()
    assert result.weighting.dimensions["capability"] == pytest.approx(0.30)
    assert eff["product_knowledge"] == pytest.approx(0.20)
    assert eff["script_compliance"] == pytest.approx(0.10)
    assert result.weighting.dimensions["service_quality"] == pytest.approx(0.40 * 7 / 8)


def test_an_indicator_target_can_push_its_dimension_within_the_dimensions_range():
    # A strength of intensity 0 keeps capability within 20-30 %; product_knowledge must reach
    # 25 %, so capability rises to 25 % (the least that holds it) and script_compliance gets 0.
    result = swot(
        BASE,
        [
            SwotFactor("strength", "capability", "solid", intensity=0),
            SwotFactor("opportunity", "product_knowledge", "new product", intensity=0.5),
        ],
    )
    eff = result.weighting.effective()
    assert result.weighting.dimensions["capability"] == pytest.approx(0.25)
    assert eff["product_knowledge"] == pytest.approx(0.25)
    assert eff["script_compliance"] == 0
    assert result.lines[0] == (
        "capability 20% → 25%: strength, solid (at least 25% to hold product_knowledge)"
    )


def test_when_the_untargeted_weight_runs_out_targets_give_back_their_slack():
    # a needs at least 60 % (from 35 %); b may be 30-60 % and is at 45 %; c (20 %) is untargeted.
    # Wanted: 60 + 45 = 105 % > 100 %. c goes to 0 and b gives back the missing 5 %: b = 40 %.
    base = Weighting(
        {"a": 0.35, "b": 0.45, "c": 0.20},
        {"a": {"a1": 1.0}, "b": {"b1": 1.0}, "c": {"c1": 1.0}},
    )
    policy = SwotPolicy({"a": (0.3, 0.6), "b": (0.3, 0.6)})
    result = swot(
        base,
        [SwotFactor("weakness", "a", "needs work"), SwotFactor("strength", "b", "fine", 0)],
        policy,
    )
    assert result.weighting.dimensions == pytest.approx({"a": 0.6, "b": 0.4, "c": 0.0})
    assert result.scale == 0


def test_when_everything_is_targeted_the_rest_is_shared_by_room():
    # a at least 60 % (range 60-70 %), b at most 30 % (range 20-30 %): 60 + 30 = 90 %; nothing is
    # untargeted, so the 10 % left goes where there is room: a (10 points of room) -> 70 %.
    base = Weighting({"a": 0.5, "b": 0.5}, {"a": {"a1": 1.0}, "b": {"b1": 1.0}})
    policy = SwotPolicy({"a": (0.6, 0.7), "b": (0.2, 0.3)})
    result = swot(
        base, [SwotFactor("threat", "a", "x", 0), SwotFactor("strength", "b", "y", 0)], policy
    )
    assert result.weighting.dimensions == pytest.approx({"a": 0.7, "b": 0.3})


# -- conflicts ------------------------------------------------------------------------------------


def test_ranges_that_cannot_all_hold_name_the_factors():
    # 50 + 40 + 20 = 110 % of minimums.
    factors = [
        SwotFactor("weakness", "efficiency", "slow responses"),
        SwotFactor("threat", "service_quality", "rivals improving"),
        SwotFactor("strength", "capability", "well trained"),
    ]
    with pytest.raises(WeightingError) as info:
        swot(BASE, factors)
    message = str(info.value)
    assert "need at least 110% together" in message
    for text in (
        "service_quality ≥ 50%: threat, rivals improving",
        "efficiency ≥ 40%",
        "capability",
    ):
        assert text in message
    assert sorted(info.value.value) == ["capability", "efficiency", "service_quality"]


def test_everything_targeted_with_too_little_room_is_an_error():
    base = Weighting({"a": 0.5, "b": 0.5}, {"a": {"a1": 1.0}, "b": {"b1": 1.0}})
    policy = SwotPolicy({"a": (0.2, 0.4), "b": (0.2, 0.3)})
    with pytest.raises(WeightingError, match="allow at most 70% together"):
        swot(base, [SwotFactor("strength", "a", "x", 0), SwotFactor("threat", "b", "y", 0)], policy)


def test_a_strength_and_a_weakness_on_one_target_contradict():
    with pytest.raises(WeightingError, match="both a strength and a weakness") as info:
        swot(
            BASE,
            [
                SwotFactor("strength", "efficiency", "fast"),
                SwotFactor("weakness", "efficiency", "slow"),
            ],
        )
    assert "efficiency: strength, fast" in str(info.value)


def test_a_strength_and_a_threat_on_one_target_must_overlap():
    # Range 30-40 %: strength 0.5 -> at most 35 %; threat 0.25 -> at least 32.5 %: fine.
    both = [
        SwotFactor("strength", "efficiency", "fast", 0.5),
        SwotFactor("threat", "efficiency", "x", 0.25),
    ]
    assert swot(BASE, both).weighting.dimensions["efficiency"] == pytest.approx(0.325)
    # threat 0.75 -> at least 37.5 % > 35 %.
    clash = [
        SwotFactor("strength", "efficiency", "fast", 0.5),
        SwotFactor("threat", "efficiency", "x", 0.75),
    ]
    with pytest.raises(WeightingError, match=r"at least 37\.5% and at most 35%"):
        swot(BASE, clash)


def test_two_raising_factors_on_one_target_take_the_stronger():
    factors = [
        SwotFactor("weakness", "efficiency", "slow", 0.2),
        SwotFactor("threat", "efficiency", "rivals faster", 0.6),
    ]
    result = swot(BASE, factors)
    assert result.weighting.dimensions["efficiency"] == pytest.approx(0.36)
    assert result.lines[0] == "efficiency 30% → 36%: weakness, slow; threat, rivals faster"


def test_nested_targets_that_cannot_fit_their_dimension():
    # capability at most 25 %, but product_knowledge alone needs 30 %.
    factors = [
        SwotFactor("strength", "capability", "solid", 0.5),
        SwotFactor("opportunity", "product_knowledge", "new product"),
    ]
    with pytest.raises(WeightingError, match="on dimension 'capability' and on its indicators"):
        swot(BASE, factors)


def test_unknown_targets_and_missing_ranges():
    with pytest.raises(WeightingError, match=r"'morale'.*neither a dimension"):
        swot(BASE, [SwotFactor("weakness", "morale", "low")])
    with pytest.raises(WeightingError, match="no range for the target 'teamwork'"):
        swot(BASE, [SwotFactor("weakness", "teamwork", "silos")])
    ok = swot(
        BASE, [SwotFactor("weakness", "teamwork", "silos")], SwotPolicy({"teamwork": (0.1, 0.2)})
    )
    assert ok.weighting.dimensions["teamwork"] == pytest.approx(0.2)


def test_bad_arguments():
    with pytest.raises(WeightingError, match="base must be a Weighting"):
        swot({"a": 1}, [])  # type: ignore[arg-type]
    with pytest.raises(WeightingError, match="sequence of SwotFactor"):
        swot(BASE, SwotFactor("weakness", "efficiency", "x"))  # type: ignore[arg-type]
    with pytest.raises(WeightingError, match="policy must be a SwotPolicy"):
        swot(BASE, [], {"efficiency": (0.3, 0.4)})  # type: ignore[arg-type]


def test_no_factors_leaves_the_weights_alone():
    result = swot(BASE, [])
    assert result.weighting == BASE
    assert result.lines == ()
    assert result.scale == 1


# -- the value objects ----------------------------------------------------------------------------


def test_factor_validation():
    assert SwotFactor("threat", "efficiency", "x").kind is SwotKind.THREAT
    assert SwotFactor("opportunity", "pk", "x", expires=datetime.date(2026, 1, 2)).expires == (
        datetime.date(2026, 1, 2)
    )
    for kwargs, message in [
        ({"kind": "risk"}, "field 'kind'"),
        ({"target": "Efficiency"}, "target"),
        ({"reason": " "}, "reason"),
        ({"intensity": 1.5}, "intensity"),
        ({"intensity": True}, "intensity"),
        ({"expires": "next year"}, "ISO date"),
        ({"expires": datetime.datetime(2026, 1, 1)}, "not a date and time"),
    ]:
        args = {"kind": "weakness", "target": "efficiency", "reason": "slow", **kwargs}
        with pytest.raises(ValidationError, match=message):
            SwotFactor(**args)


def test_factor_from_and_to_dict():
    data = {
        "kind": "opportunity",
        "target": "pk",
        "reason": "new",
        "intensity": 0.5,
        "expires": "2026-12-31",
    }
    factor = SwotFactor.from_dict(data)
    assert factor.to_dict() == data
    with pytest.raises(ValidationError, match="unknown key"):
        SwotFactor.from_dict({**data, "weight": 3})
    with pytest.raises(ValidationError, match="missing key"):
        SwotFactor.from_dict({"kind": "threat", "target": "pk"})
    assert (
        swot(BASE, [{"kind": "weakness", "target": "efficiency", "reason": "slow"}])
        .changes[0]
        .moved
    )


def test_policy_validation_and_percentages():
    assert SwotPolicy.from_percentages({"a": (10, 20)}).ranges == {"a": (0.1, 0.2)}
    assert SwotPolicy.default().as_percentages()["efficiency"] == [30.0, 40.0]
    for ranges, message in [
        ({"a": (0.5, 0.4)}, "lo ≤ hi"),
        ({"a": (30, 40)}, "from_percentages"),
        ({"a": 0.3}, "pair"),
        ({"a": ("x", 1)}, "numbers"),
        ({"A": (0.1, 0.2)}, "match"),
        ([("a", (0.1, 0.2))], "map target"),
    ]:
        with pytest.raises(ValidationError, match=message):
            SwotPolicy(ranges)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="pair of percentages"):
        SwotPolicy.from_percentages({"a": 30})  # type: ignore[dict-item]


def test_results_to_dict():
    result = swot(
        BASE,
        [
            SwotFactor("opportunity", "product_knowledge", "new", expires="2026-12-31"),
            SwotFactor("threat", "teamwork", "peak season", 0.5, expires="2026-09-30"),
        ],
        as_of="2026-10-01",
    )
    data = result.to_dict()
    assert data["expires"] == "2026-12-31"
    assert data["as_of"] == "2026-10-01"
    assert [f["target"] for f in data["expired"]] == ["teamwork"]
    assert data["expired"][0]["expires"] == "2026-09-30"
    assert data["changes"][0]["target"] == "product_knowledge"
    assert data["changes"][0]["level"] == "indicator"
    assert isinstance(result, SwotResult)
    assert isinstance(result.changes[0], SwotChange)


def test_earliest_expiry_among_several():
    factors = [
        SwotFactor("opportunity", "product_knowledge", "new product", 0.2, expires="2026-09-30"),
        SwotFactor("threat", "service_quality", "rival campaign", 0.5, expires="2026-07-31"),
        SwotFactor("weakness", "efficiency", "slow", 0.1),
    ]
    result = swot(BASE, factors, as_of=datetime.date(2026, 7, 1))
    assert result.expires == datetime.date(2026, 7, 31)
    assert result.lines[-1].startswith(
        "expires 2026-07-31: service_quality (threat, rival campaign)"
    )


# -- expiry ---------------------------------------------------------------------------------------

SLOW = SwotFactor("weakness", "efficiency", "average response time too long", 0.5)
LAUNCH = SwotFactor(
    "opportunity", "product_knowledge", "new product line", 0.5, expires="2026-06-30"
)


def test_a_factor_applies_through_its_expiry_day_and_is_left_out_after():
    on_the_day = swot(BASE, [SLOW, LAUNCH], as_of="2026-06-30")
    day_after = swot(BASE, [SLOW, LAUNCH], as_of=datetime.date(2026, 7, 1))
    assert on_the_day.expired == () and [c.target for c in on_the_day.changes] == [
        "efficiency",
        "product_knowledge",
    ]
    # after: exactly the adjustment without the factor, and a line saying it was left out
    without = swot(BASE, [SLOW], as_of="2026-07-01")
    assert day_after.weighting == without.weighting
    assert day_after.changes == without.changes
    assert day_after.scale == without.scale
    assert day_after.expired == (LAUNCH,)
    assert day_after.expires is None
    assert day_after.as_of == datetime.date(2026, 7, 1)
    assert day_after.lines == (
        *without.lines,
        "left out, expired 2026-06-30: product_knowledge (opportunity, new product line)",
    )
    assert not any(line.startswith("expires") for line in day_after.lines)
    # efficiency 30 -> 35 %, the other 70 % scaled to 65 %: no trace of product knowledge's 25 %
    assert day_after.weighting.dimensions["capability"] == pytest.approx(0.20 * 65 / 70)
    assert on_the_day.weighting.dimensions["capability"] != pytest.approx(0.20 * 65 / 70)


def test_the_expiry_line_names_the_next_factor_to_expire():
    later = SwotFactor("threat", "service_quality", "rival campaign", 0.2, expires="2026-09-30")
    result = swot(BASE, [SLOW, LAUNCH, later], as_of="2026-08-15")
    assert result.expires == datetime.date(2026, 9, 30)
    assert result.lines[-2].startswith("expires 2026-09-30: service_quality (threat")
    assert result.lines[-1].startswith("left out, expired 2026-06-30: product_knowledge")
    zh = swot(BASE, [SLOW, LAUNCH, later], as_of="2026-08-15", lang="zh").lines
    assert (
        zh[-2]
        == "2026-09-30 到期：service_quality（威胁，rival campaign）；此后不再计入，权重将随之改变"
    )
    assert zh[-1] == "已于 2026-06-30 到期，未计入：product_knowledge（机会，new product line）"


def test_expired_factors_are_reported_in_order_of_expiry():
    first = SwotFactor("threat", "teamwork", "peak season", 0.5, expires="2026-03-31")
    result = swot(BASE, [LAUNCH, first, SLOW], as_of="2026-12-01")
    assert result.expired == (first, LAUNCH)
    assert [line.split(":")[0] for line in result.lines[-2:]] == [
        "left out, expired 2026-03-31",
        "left out, expired 2026-06-30",
    ]


def test_when_every_factor_has_expired_the_weights_are_the_base():
    result = swot(BASE, [LAUNCH], as_of="2027-01-01")
    assert result.weighting == BASE
    assert result.changes == ()
    assert result.scale == 1
    assert result.lines == (
        "left out, expired 2026-06-30: product_knowledge (opportunity, new product line)",
    )


def test_the_default_day_is_today():
    today = datetime.date.today()
    yesterday = SwotFactor(
        "opportunity", "product_knowledge", "x", expires=today - datetime.timedelta(1)
    )
    still = SwotFactor("opportunity", "product_knowledge", "x", expires=today)
    assert swot(BASE, [yesterday]).expired == (yesterday,)
    assert swot(BASE, [still]).expired == ()
    assert swot(BASE, [still]).as_of == today


def test_an_expired_factor_must_still_name_a_target_of_the_weighting():
    typo = SwotFactor("opportunity", "product_knowlege", "x", expires="2020-01-01")
    with pytest.raises(WeightingError, match="product_knowlege"):
        swot(BASE, [typo], as_of="2026-12-01")


def test_an_expired_factor_needs_no_range_and_contradicts_nothing():
    # a strength that expired and a weakness now, on one target: no contradiction; and no
    # range is asked for the expired factor's target
    policy = SwotPolicy.from_percentages({"efficiency": (30, 40)})
    old = SwotFactor("strength", "efficiency", "fast last year", expires="2025-12-31")
    gone = SwotFactor("threat", "teamwork", "strike", expires="2025-12-31")
    result = swot(BASE, [old, gone, SLOW], policy, as_of="2026-12-01")
    assert result.expired == (old, gone)
    assert result.weighting == swot(BASE, [SLOW], policy, as_of="2026-12-01").weighting


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("next week", "ISO date"),
        (datetime.datetime(2026, 12, 1, 9, 0), "not a date and time"),
        (20261201, "ISO date"),
    ],
)
def test_a_bad_as_of_is_an_error_naming_it(value, message):
    with pytest.raises(ValidationError, match=message) as caught:
        swot(BASE, [SLOW], as_of=value)
    assert caught.value.field == ("as_of",)
    assert caught.value.obj == "swot"


@settings(max_examples=examples(60))
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["efficiency", "product_knowledge", "teamwork"]),
            st.sampled_from([SwotKind.WEAKNESS, SwotKind.OPPORTUNITY, SwotKind.THREAT]),
            st.one_of(st.none(), st.dates(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))),
        ),
        max_size=4,
    ),
    st.dates(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
)
def test_any_day_gives_the_adjustment_of_the_factors_still_applying(specs, day):
    factors = [SwotFactor(kind, t, f"r{i}", 0.5, expires=e) for i, (t, kind, e) in enumerate(specs)]
    policy = SwotPolicy.from_percentages(
        {"efficiency": (30, 40), "product_knowledge": (10, 30), "teamwork": (5, 20)}
    )
    result = swot(BASE, factors, policy, as_of=day)
    applying = [f for f in factors if f.expires is None or f.expires >= day]
    alone = swot(BASE, applying, policy, as_of=day)
    assert result.weighting == alone.weighting
    assert result.changes == alone.changes
    assert set(result.expired) == set(factors) - set(applying)
    assert result.lines[: len(alone.lines)] == alone.lines
    assert len(result.lines) == len(alone.lines) + len(result.expired)


# -- properties -----------------------------------------------------------------------------------

intensities = st.sampled_from([0, 0.25, 0.5, 0.75, 1])


@st.composite
def adjustments(draw: st.DrawFn):
    card = draw(core_scorecards())
    base = card.weighting
    keys = list(base.dimensions) + [k for inner in base.indicators.values() for k in inner]
    targets = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
    ranges = {}
    factors = []
    for t in targets:
        lo = Fraction(draw(st.integers(0, 40)), 100)
        hi = lo + Fraction(draw(st.integers(0, 30)), 100)
        ranges[t] = (float(lo), float(hi))
        kind = draw(st.sampled_from(list(SwotKind)))
        factors.append(SwotFactor(kind, t, f"because of {t}", draw(intensities)))
    return base, factors, SwotPolicy(ranges)


def _adjusted(base, factors, policy):
    try:
        return swot(base, factors, policy)
    except WeightingError as exc:
        assume("cannot all hold" not in str(exc))
        raise


@pytest.mark.slow
@settings(max_examples=examples(120))
@given(adjustments(), st.randoms(use_true_random=False))
def test_targets_end_in_range_and_untargeted_ratios_hold(case, rnd):
    base, factors, policy = case
    result = _adjusted(base, factors, policy)
    new = result.weighting
    eff, old = new.effective(), base.effective()
    assert all(w >= 0 for w in eff.values())
    assert sum(new.dimensions.values()) == pytest.approx(1, abs=1e-12)
    for change in result.changes:
        lo, hi = change.range
        low, high = change.bounds
        assert lo - 1e-12 <= low <= high <= hi + 1e-12
        value = new.dimensions[change.target] if change.level == "dimension" else eff[change.target]
        assert low - 1e-12 <= value <= high + 1e-12
    targets = {f.target for f in factors}
    untargeted = [k for k in old if k not in targets and base.dimension_of(k) not in targets]
    for a in untargeted:
        for b in untargeted:
            if old[b] > 0 and eff[b] > 0:
                assert eff[a] / eff[b] == pytest.approx(old[a] / old[b], rel=1e-9, abs=1e-12)
    # A targeted dimension without targeted indicators keeps its inner shares.
    for d in base.dimensions:
        if (
            d in targets
            and not any(k in targets for k in base.indicators[d])
            and new.dimensions[d] > 0
        ):
            assert dict(new.indicators[d]) == pytest.approx(dict(base.indicators[d]), abs=1e-12)
    # The same factors in another order give the same weights and report.
    shuffled = factors[:]
    rnd.shuffle(shuffled)
    again = swot(base, shuffled, policy)
    assert again.weighting == result.weighting
    assert again.lines == result.lines
