"""Rated indicators: scales, rater sources, the combined value and anonymity in every output."""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf import Dimension, Direction, Indicator, Piecewise, Scorecard, Weighting
from csperf.config import dumps_scorecard, loads_scorecard, scorecard_schema
from csperf.errors import MeasurementError, ValidationError
from csperf.ratings import (
    NoRatings,
    RatedValues,
    Rating,
    RatingScale,
    RatingSources,
    ScaleLabel,
    Source,
    SourceRule,
    rate,
    read_ratings,
)
from csperf.report import (
    Report,
    read_samples,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_table,
)
from csperf.templates import customer_service_manager
from strategies import examples

F = Fraction
MIX = {"self": 20, "peer": 30, "manager": 50}


def card(sources: Any = None, *, scale: RatingScale | None = None, **options: Any) -> Scorecard:
    """A card with one rated indicator ``collab`` (1-5 → 0-100 points) and one measured one."""
    rated = Indicator(
        "collab",
        "Collaboration",
        "team",
        Direction.HIGHER_IS_BETTER,
        Piecewise([(1, 0), (5, 100)]),
        scale=scale or RatingScale(1, 5),
        raters=RatingSources(MIX if sources is None else sources, **options),
    )
    measured = Indicator(
        "speed", "Speed", "team", Direction.HIGHER_IS_BETTER, Piecewise([(0, 0), (100, 100)])
    )
    return Scorecard(
        key="rated",
        title="Rated",
        dimensions=[Dimension("team", "Team")],
        indicators=[rated, measured],
        weighting=Weighting({"team": 1.0}, {"team": {"collab": 0.5, "speed": 0.5}}),
    )


def rows(*spec: tuple[str, str, str, Any]) -> list[Rating]:
    return [Rating(rater, source, ratee, "collab", score) for rater, source, ratee, score in spec]


# A hand-worked population on the mix self 20 / peer 30 / manager 50, k = 3:
#   ann: self 4; peers 5, 4, 3 (mean 4); manager 3  -> (20·4 + 30·4 + 50·3) / 100 = 7/2
#   ben: self 5; peers 4, 5 (2 < 3: withheld); manager 4 -> (20·5 + 50·4) / 70 = 30/7
#   cy:  manager 2 only -> 2 (self and peer redistributed)
#   dee: peers 2 (1 < 3: withheld) -> no value
POPULATION = rows(
    ("ann", "self", "ann", 4),
    ("bob", "peer", "ann", 5),
    ("cy", "peer", "ann", 4),
    ("dee", "peer", "ann", 3),
    ("mo", "manager", "ann", 3),
    ("ben", "self", "ben", 5),
    ("ann", "peer", "ben", 4),
    ("cy", "peer", "ben", 5),
    ("mo", "manager", "ben", 4),
    ("mo", "manager", "cy", 2),
    ("ann", "peer", "dee", 2),
)


def test_hand_worked_population():
    rated = rate(card(), POPULATION)
    assert rated.subjects == ("ann", "ben", "cy", "dee")
    assert rated.row("ann") == {"collab": F(7, 2)}
    assert rated.row("ben") == {"collab": F(30, 7)}
    assert rated.row("cy") == {"collab": F(2)}
    assert rated.row("dee") == {"collab": None}
    ben = rated.get("ben", "collab")
    assert ben.redistributed == (Source.PEER,)
    assert ben.suppressed == (Source.PEER,)
    assert [
        (s.source.value, s.raters, s.needed, s.weight, s.mean, s.status) for s in ben.sources
    ] == [
        ("self", 1, 1, F(2, 7), F(5), "used"),
        ("peer", 2, 3, F(0), None, "too_few_raters"),
        ("manager", 1, 1, F(5, 7), F(4), "used"),
    ]
    assert ben.sample_size == 2
    assert ben.flags == ("too_few_raters", "weight_redistributed")
    assert rated.get("cy", "collab").redistributed == (Source.SELF, Source.PEER)
    assert rated.get("cy", "collab").flags == ("weight_redistributed",)
    assert rated.flags("dee", "collab") == ("too_few_raters",)
    assert rated.sample_size("ann", "collab") == 5
    assert rated.get("ann", "collab").policy is NoRatings.REDISTRIBUTE


def test_describe_names_counts_and_never_withheld_scores():
    ben = rate(card(), POPULATION).get("ben", "collab")
    assert ben.describe().splitlines() == [
        "self: 1 rater(s), mean 5, weight 28.5714%",
        "peer: too few raters (2 of 3 needed); weight moved to the other sources",
        "manager: 1 rater(s), mean 4, weight 71.4286%",
    ]
    assert "评分人数不足（2 人，至少需要 3 人）" in ben.describe("zh")
    nobody = rate(card(), [], subjects=["zoe"]).get("zoe", "collab")
    assert nobody.value is None
    assert nobody.flags == ("no_data",)
    assert nobody.describe().splitlines()[0] == "self: no ratings (1 needed)"


def test_scores_reach_the_scorecard_exactly():
    scored = card()
    rated = rate(scored, POPULATION)
    result = scored.evaluate({**rated.row("ben"), "speed": 50}, "ben")
    # collab points = (30/7 - 1) · 25 = 575/7 = 82.142857...; total = (575/7 + 50) / 2
    assert result.indicators["collab"].points == pytest.approx(575 / 7)
    assert result.total == 66.07
    assert result.indicators["collab"].raw == pytest.approx(30 / 7)


def test_a_value_given_directly_still_scores_as_before():
    template = customer_service_manager()
    values = {
        "customer_satisfaction": 0.92,
        "complaint_rate": 0.004,
        "first_response_time": 45,
        "resolution_time": 20000,
        "product_knowledge": 88,
        "script_compliance": 0.93,
        "collaboration_rating": 4.2,
        "information_sharing_rate": 0.97,
    }
    plain = attrs.evolve(
        template,
        indicators=[attrs.evolve(i, scale=None, raters=None) for i in template.indicators],
    )
    assert template.evaluate(values, "li").total == plain.evaluate(values, "li").total
    assert template.indicator("collaboration_rating").raters is not None
    # The fingerprint of a card without rated indicators does not change with the new fields.
    assert "raters" not in plain.indicators[6].to_dict()


def test_the_template_collaboration_rating_is_peer_rated():
    template = customer_service_manager()
    ratings = [
        Rating(r, "peer", "li", "collaboration_rating", s)
        for r, s in [("a", 4), ("b", 4.5), ("c", 5)]
    ]
    rated = rate(template, [*ratings, Rating("li", "self", "li", "collaboration_rating", 5)][:3])
    assert rated.row("li") == {"collaboration_rating": F(9, 2)}
    with pytest.raises(MeasurementError, match="source 'self' does not rate"):
        rate(template, [Rating("li", "self", "li", "collaboration_rating", 5)])
    two = rate(template, ratings[:2])
    assert two.row("li") == {"collaboration_rating": None}
    assert two.flags("li", "collaboration_rating") == ("too_few_raters",)


def test_error_policy_refuses_without_showing_scores():
    strict = card(no_ratings="error")
    with pytest.raises(MeasurementError) as caught:
        rate(strict, POPULATION)
    error = caught.value
    assert "source 'peer' has 2 rater(s), it needs 3" in str(error)
    assert error.subject == "ben"
    assert error.field == ("collab",)
    assert error.value == 2
    complete = [r for r in POPULATION if r.ratee == "ann"]
    assert rate(strict, complete).row("ann") == {"collab": F(7, 2)}


def test_labelled_scale():
    words = RatingScale.labelled({"优秀": 4, "良好": 3, "合格": 2, "不合格": 1})
    scored = card({"peer": 30, "manager": 70}, scale=words)
    given = rows(
        ("mo", "manager", "ann", "优秀"),
        ("a", "peer", "ann", "良好"),
        ("b", "peer", "ann", " 良好 "),
        ("c", "peer", "ann", "合格"),
    )
    # peers (3 + 3 + 2) / 3 = 8/3; (30 · 8/3 + 70 · 4) / 100 = 18/5
    assert rate(scored, given).row("ann") == {"collab": F(18, 5)}
    with pytest.raises(MeasurementError) as caught:
        rate(scored, [*given, Rating("d", "peer", "ann", "collab", "很好")])
    error = caught.value
    assert str(error) == (
        "RatingScale: rating by 'd' of 'ann' on 'collab': '很好' is not on the scale "
        "(优秀, 良好, 合格, 不合格)"
    )
    assert (error.subject, error.field, error.value, error.reason) == (
        "ann",
        ("collab",),
        "很好",
        "off_scale",
    )
    with pytest.raises(MeasurementError, match="is not on the scale"):
        words.points(4)


@pytest.mark.parametrize(
    ("scale", "score", "points"),
    [
        (RatingScale(1, 5), 4, F(4)),
        (RatingScale(1, 5), "４", F(4)),
        (RatingScale(1, 10), 10, F(10)),
        (RatingScale(1, 5, whole=False), 4.1, F(41, 10)),
        (RatingScale(1, 5, whole=False), "4.25", F(17, 4)),
    ],
)
def test_numeric_scale_points(scale, score, points):
    assert scale.points(score) == points


@pytest.mark.parametrize(
    ("scale", "score", "why"),
    [
        (RatingScale(1, 5), 6, "outside the scale [1, 5] whole numbers"),
        (RatingScale(1, 5), 0, "outside the scale"),
        (RatingScale(1, 5), 4.5, "outside the scale [1, 5] whole numbers"),
        (RatingScale(1, 10), "eleven", "is not a number"),
        (RatingScale(1, 5), True, "is not a number"),
        (RatingScale(1, 5), float("nan"), "is not a number"),
        (RatingScale(1, 5), None, "is not a number"),
    ],
)
def test_numeric_scale_refuses(scale, score, why):
    with pytest.raises(MeasurementError, match=re.escape(why)) as caught:
        scale.points(score, rater="bob", ratee="ann", item="collab")
    assert "rating by 'bob' of 'ann' on 'collab'" in str(caught.value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: RatingScale(1), "needs both 'low' and 'high'"),
        (lambda: RatingScale(5, 1), "'high' (1) must be above 'low' (5)"),
        (lambda: RatingScale.labelled({"a": 1, " a": 2}), "label 'a' appears twice"),
        (lambda: RatingScale(1, 5, labels={"a": 9}), "worth 9 points, outside"),
        (lambda: RatingScale(1, 5, whole=1), "'whole' must be true or false"),
        (lambda: ScaleLabel("", 1), "'label' must be a non-empty string"),
        (lambda: SourceRule("boss", 1), "'source' must be one of self, peer"),
        (lambda: SourceRule("peer", 0), "'weight' must be above 0"),
        (lambda: SourceRule("peer", 1, min_raters=0), "'min_raters' must be a whole number"),
        (lambda: RatingSources({}), "at least one source"),
        (lambda: RatingSources([SourceRule("peer", 1)] * 2), "source 'peer' appears twice"),
        (lambda: RatingSources(MIX, k=0), "'k' must be a whole number"),
        (lambda: RatingSources(MIX, no_ratings="ignore"), "'no_ratings' must be one of"),
        (
            lambda: Indicator(
                "x",
                "X",
                "d",
                "higher_is_better",
                Piecewise([(0, 0), (1, 100)]),
                raters=RatingSources(MIX),
            ),
            "needs a rating scale",
        ),
    ],
)
def test_bad_declarations(build, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        build()


def test_the_scale_gives_the_indicator_its_domain():
    ind = card().indicator("collab")
    assert str(ind.value_domain) == "[1, 5]"
    with pytest.raises(MeasurementError, match="outside"):
        ind.check_raw(5.5)


@pytest.mark.parametrize(
    ("rating", "message"),
    [
        (Rating("bob", "peer", "ann", "speed", 4), "no rated indicator reads 'speed'"),
        (Rating("bob", "customer", "ann", "collab", 4), "source 'customer' does not rate"),
        (Rating("bob", "self", "ann", "collab", 4), "a self-rating must be by the ratee"),
        (Rating("ann", "peer", "ann", "collab", 4), "a peer rating cannot be by the ratee"),
        (Rating("bob", "peer", "ann", "collab", 4), "rated this ratee on this item twice"),
        (Rating("bob", "manager", "ann", "collab", 4), "rated this ratee on this item twice"),
    ],
)
def test_bad_ratings_name_rater_ratee_and_item(rating, message):
    first = Rating("bob", "peer", "ann", "collab", 3)
    with pytest.raises(MeasurementError, match=message) as caught:
        rate(card(), [first, rating])
    assert f"rating by {rating.rater!r} of 'ann' on {rating.item!r}" in str(caught.value)
    assert caught.value.subject == "ann"


def test_table_forms_give_the_same_values(tmp_path):
    dicts = [
        {
            "rater": r.rater,
            "source": r.source.value,
            "ratee": r.ratee,
            "item": r.item,
            "score": r.score,
            "date": "2026-11-30",
        }
        for r in POPULATION
    ]
    expected = rate(card(), POPULATION)
    assert rate(card(), dicts) == expected
    pandas = pytest.importorskip("pandas")
    assert rate(card(), pandas.DataFrame(dicts)) == expected
    path = tmp_path / "ratings.csv"
    text = io.StringIO()
    text.write("ratee,rater,source,item,score,date\n")
    chinese = {"self": "自评", "peer": "互评", "manager": "上级"}
    for row in dicts:
        text.write(
            f"{row['ratee']},{row['rater']},{chinese[row['source']]},collab,{row['score']},"
            f"{row['date']}\n"
        )
    path.write_text(text.getvalue(), encoding="utf-8")
    read = read_ratings(path)
    assert read[0].date.isoformat() == "2026-11-30"
    assert read[0].source is Source.SELF
    assert rate(card(), read) == expected


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("rater,source,ratee,item\n", "no column 'score'", 1),
        ("rater,source,ratee,item,score,who\n", "column 'who' is no rating column", 1),
        ("rater,source,ratee,item,score\nbob,peer,ann,collab\n", "expected 5 cells", 2),
        ("rater,source,ratee,item,score\nbob,boss,ann,collab,4\n", "'source' must be one", 2),
        ("rater,source,ratee,item,score,date\nbob,peer,ann,c,4,soon\n", "'date' must be", 2),
        ("", "the file is empty", 1),
    ],
)
def test_read_ratings_errors_give_file_and_line(tmp_path, text, message, line):
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MeasurementError, match=message) as caught:
        read_ratings(path)
    assert caught.value.line == line
    assert caught.value.path == str(path)


def test_bad_rows_name_their_position():
    with pytest.raises(ValidationError, match=r"ratings\[1\]: missing column 'score'"):
        rate(card(), [POPULATION[0], {"rater": "a", "source": "peer", "ratee": "b", "item": "c"}])
    with pytest.raises(ValidationError, match="ratings must be a sequence"):
        rate(card(), "ratings.csv")
    with pytest.raises(ValidationError, match="has no rated indicator"):
        rate(
            attrs.evolve(
                card(), indicators=[attrs.evolve(i, raters=None) for i in card().indicators]
            ),
            [],
        )


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_scorecard_files_round_trip(fmt):
    pytest.importorskip("yaml") if fmt == "yaml" else None
    words = RatingScale.labelled({"优秀": 4, "良好": 3, "合格": 2, "不合格": 1})
    sources = [
        SourceRule("self", 20),
        SourceRule("peer", 30, min_raters=4, anonymous=False),
        SourceRule("subordinate", 10),
        SourceRule("manager", 40),
    ]
    scored = card(sources, scale=words, k=5, no_ratings="error")
    text = dumps_scorecard(scored, fmt)
    again = loads_scorecard(text, format=fmt)
    assert again == scored
    assert again.fingerprint == scored.fingerprint
    assert again.indicator("collab").raters.needed(Source.SUBORDINATE) == 5
    assert again.indicator("collab").raters.needed(Source.PEER) == 4


def test_scorecard_file_errors_name_the_key_path():
    text = dumps_scorecard(card()).replace('source = "peer"', 'source = "peers"')
    with pytest.raises(Exception, match=r"indicators\[0\]\.raters\.sources\[1\]\.source"):
        loads_scorecard(text, "toml")


def test_the_schema_describes_the_rated_parts():
    defs = scorecard_schema()["$defs"]
    assert defs["Indicator"]["properties"]["raters"]["anyOf"][0] == {
        "$ref": "#/$defs/RatingSources"
    }
    assert defs["SourceRule"]["properties"]["source"]["enum"] == [s.value for s in Source]
    assert defs["RatingScale"]["properties"]["labels"]["items"] == {"$ref": "#/$defs/ScaleLabel"}


# -- properties ------------------------------------------------------------------------------

SOURCES = list(Source)
EVERYONE = ["ann", "ben", "cy"]


@st.composite
def populations(draw: Any) -> tuple[Scorecard, list[Rating]]:
    """A card with a random mix of sources and a random population of ratings of it."""
    chosen = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=5, unique=True))
    rules = [
        SourceRule(s, draw(st.integers(1, 60)), min_raters=draw(st.integers(1, 3))) for s in chosen
    ]
    k = draw(st.integers(1, 4))
    scored = card(rules, k=k)
    ratees = ["ann", "ben", "cy"]
    out = []
    for ratee in ratees:
        for rule in rules:
            if rule.source is Source.SELF:
                if draw(st.booleans()):
                    out.append(Rating(ratee, "self", ratee, "collab", draw(st.integers(1, 5))))
                continue
            n = draw(st.integers(0, 5))
            for j in range(n):
                rater = f"{rule.source.value}{j}"
                out.append(Rating(rater, rule.source, ratee, "collab", draw(st.integers(1, 5))))
    return scored, out


@settings(max_examples=examples(60))
@given(populations())
def test_weights_sum_to_one_after_redistribution(population):
    scored, ratings = population
    sources = scored.indicator("collab").raters
    for subject in rate(scored, ratings).values.values():
        value = subject["collab"]
        used = [s for s in value.sources if s.used]
        if value.value is None:
            assert not used
            continue
        assert sum(s.weight for s in used) == 1
        assert all(s.weight == 0 for s in value.sources if not s.used)
        assert 1 <= value.value <= 5
        for s in value.sources:
            assert s.used == (s.raters >= sources.needed(s.source))
            if s.used and sources.rule(s.source).anonymous:
                assert s.raters >= sources.k


@settings(max_examples=examples(40))
@given(populations(), st.randoms(use_true_random=False))
def test_order_does_not_matter(population, rng):
    scored, ratings = population
    shuffled = list(ratings)
    rng.shuffle(shuffled)
    assert rate(scored, shuffled) == rate(scored, ratings)


@settings(max_examples=examples(40))
@given(populations(), st.data())
def test_more_raters_never_withhold_a_source_that_counted(population, data):
    scored, ratings = population
    before = rate(scored, ratings, subjects=["ann"])
    rule = data.draw(st.sampled_from(scored.indicator("collab").raters.sources))
    if rule.source is Source.SELF:
        return
    extra = [
        Rating(f"new{j}", rule.source, "ann", "collab", data.draw(st.integers(1, 5)))
        for j in range(data.draw(st.integers(1, 3)))
    ]
    after = rate(scored, [*ratings, *extra])
    for old, new in zip(before.get("ann", "collab").sources, after.get("ann", "collab").sources):
        assert not old.used or new.used
        assert new.raters >= old.raters


def _reports(scored: Scorecard, rated: RatedValues) -> dict[str, Any]:
    """Every output of a report on the rated values: text formats and the Excel cells."""
    results = [
        scored.evaluate({**rated.row(s), "speed": 50}, s).with_ratings(
            {"collab": rated.get(s, "collab")}  # the explanations show each source's line
        )
        for s in rated.subjects
    ]
    report = Report(scored, results, samples=read_samples(scored, rated, rated.subjects))
    out: dict[str, Any] = {
        "json": json.loads(render_json(report)),
        "csv": render_csv(report),
        "markdown": render_markdown(report),
        "html": render_html(report),
        "table": render_table(report),
        "explain": [r.explain() for r in results],
        "explain_zh": [r.explain("zh") for r in results],
        "describe": [rated.get(s, "collab").describe() for s in rated.subjects],
    }
    openpyxl = pytest.importorskip("openpyxl")
    from csperf.report._excel import xlsx_bytes

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(report)))
    out["xlsx"] = [
        [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book.worksheets
    ]
    return out


def _with_missing_allowed(scored: Scorecard) -> Scorecard:
    from csperf import MissingPolicy

    return attrs.evolve(scored, missing=MissingPolicy.REDISTRIBUTE)


@settings(max_examples=examples(8), deadline=None)
@given(populations(), st.randoms(use_true_random=False))
def test_no_output_depends_on_a_withheld_rating(population, rng):
    """Anonymity in every format: change every withheld score, and no output changes."""
    scored, ratings = population
    scored = _with_missing_allowed(scored)
    rated = rate(scored, ratings, subjects=EVERYONE)
    withheld = {
        (subject, s.source)
        for subject in rated.subjects
        for s in rated.get(subject, "collab").sources
        if not s.used
    }
    changed = [
        attrs.evolve(r, score=rng.randint(1, 5)) if (r.ratee, r.source) in withheld else r
        for r in ratings
    ]
    assert _reports(scored, rate(scored, changed, subjects=EVERYONE)) == _reports(scored, rated)


def test_a_lone_peer_rating_appears_in_no_output():
    """The hand-worked case: ben's two peers and dee's one peer are in no report."""
    scored = _with_missing_allowed(card())
    base = _reports(scored, rate(scored, POPULATION))
    for score in (1, 5):
        lone = [
            attrs.evolve(r, score=score)
            if r.ratee in ("ben", "dee") and r.source is Source.PEER
            else r
            for r in POPULATION
        ]
        assert _reports(scored, rate(scored, lone)) == base
    dee = next(s for s in base["json"]["subjects"] if s["subject"] == "dee")
    collab = next(i for i in dee["indicators"] if i["key"] == "collab")
    assert (collab["raw"], collab["missing"], collab["flags"]) == (None, True, ["too_few_raters"])
    assert "| Collaboration | too few raters |" in base["markdown"]
    assert '<span class="missing">too few raters</span>' in base["html"]
    assert any("too few raters" in row for sheet in base["xlsx"] for row in sheet)


def test_rating_mixes_from_practice():
    """frappe/hrms #690 asks for a 60/30/10 mix: manager 60, peer 30, self 10."""
    scored = card({"manager": 60, "peer": 30, "self": 10})
    given = rows(
        ("mo", "manager", "ann", 4),
        ("a", "peer", "ann", 3),
        ("b", "peer", "ann", 4),
        ("c", "peer", "ann", 5),
        ("ann", "self", "ann", 5),
    )
    # 0.6 · 4 + 0.3 · 4 + 0.1 · 5 = 2.4 + 1.2 + 0.5 = 4.1
    assert rate(scored, given).row("ann") == {"collab": F(41, 10)}


# -- the command line ------------------------------------------------------------------------

TEMPLATE_FILE = Path(str(resources.files("csperf.templates") / "customer-service-manager.toml"))
MEASURED = (
    "subject,customer_satisfaction,complaint_rate,first_response_time,resolution_time,"
    "product_knowledge,script_compliance,collaboration_rating,information_sharing_rate\n"
    "Li Wei,0.92,0.004,45,20000,88,0.93,4.2,0.97\n"
    "Zhang Min,0.86,0.009,95,26000,82,0.91,4.0,0.9\n"
)


def test_cli_scores_with_ratings(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    measured = tmp_path / "m.csv"
    measured.write_text(MEASURED, encoding="utf-8")
    ratings = tmp_path / "r.csv"
    lines = ["rater,source,ratee,item,score"]
    lines += [
        f"{r},peer,Li Wei,collaboration_rating,{s}" for r, s in [("a", 4), ("b", 4), ("c", 5)]
    ]
    lines += [f"{r},互评,Zhang Min,collaboration_rating,4" for r in ("a", "b", "c")]
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    base = ["score", str(TEMPLATE_FILE), "--format", "json"]
    done = runner.invoke(cli, [*base, "--measurements", str(measured), "--ratings", str(ratings)])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    template = customer_service_manager()
    li = {
        "customer_satisfaction": 0.92,
        "complaint_rate": 0.004,
        "first_response_time": 45,
        "resolution_time": 20000,
        "product_knowledge": 88,
        "script_compliance": 0.93,
        "collaboration_rating": F(13, 3),
        "information_sharing_rate": 0.97,
    }
    expected = template.evaluate(li, "Li Wei").total
    got = {s["subject"]: s for s in data["subjects"]}
    assert got["Li Wei"]["total"] == expected != 90.48  # the ratings replaced 4.2
    assert got["Zhang Min"]["total"] == 83.01  # the same 4.0 as the table's
    collab = next(i for i in got["Li Wei"]["indicators"] if i["key"] == "collaboration_rating")
    assert collab["raw"] == pytest.approx(13 / 3)
    assert collab["sample_size"] == 3
    # Zhang Min with two peers only: no value, and the card refuses a missing one in one line.
    ratings.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    refused = runner.invoke(
        cli, [*base, "--measurements", str(measured), "--ratings", str(ratings)]
    )
    assert refused.exit_code != 0
    assert "collaboration_rating" in refused.output and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    both = runner.invoke(
        cli, ["score", str(TEMPLATE_FILE), "--measurements", str(measured), "--source", "csv"]
    )
    assert both.exit_code == 2 and "not both" in both.output


def test_numpy_and_pandas_cells():
    np = pytest.importorskip("numpy")
    scale = RatingScale(1, 5)
    assert scale.points(np.int64(4)) == 4
    assert scale.points(np.float64(3.0)) == 3
    with pytest.raises(MeasurementError, match="is not a number"):
        scale.points(np.bool_(True))
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {
            "rater": ["b"],
            "source": ["peer"],
            "ratee": ["a"],
            "item": ["collab"],
            "score": pandas.array([4], dtype="Int64"),
            "date": [pandas.NA],
        }
    )
    peer = rate(card(), frame).get("a", "collab").sources[1]
    assert (peer.source, peer.raters, peer.status) == (Source.PEER, 1, "too_few_raters")


@settings(max_examples=examples(20), deadline=None)
@given(populations())
def test_the_batch_kernel_agrees_row_by_row_on_rated_values(population):
    """Exact rated values (fractions such as 13/3) score the same in evaluate_many."""
    scored, ratings = population
    scored = _with_missing_allowed(scored)
    rated = rate(scored, ratings, subjects=EVERYONE)
    table = {
        "subject": list(rated.subjects),
        "collab": [rated.row(s)["collab"] for s in rated.subjects],
        "speed": [37] * len(rated.subjects),
    }
    batch = scored.evaluate_many(table)
    single = [scored.evaluate({**rated.row(s), "speed": 37}, s) for s in rated.subjects]
    assert list(batch.totals) == [r.total for r in single]
    assert list(batch.grades) == [r.grade.key for r in single]


def test_cli_reports_say_which_sources_were_withheld(tmp_path):
    from click.testing import CliRunner

    from csperf.cli import cli

    scored = tmp_path / "card.toml"
    scored.write_text(dumps_scorecard(_with_missing_allowed(card())), encoding="utf-8")
    ratings = tmp_path / "r.csv"
    lines = ["rater,source,ratee,item,score"]
    lines += [f"{r.rater},{r.source.value},{r.ratee},collab,{r.score}" for r in POPULATION]
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    measured = tmp_path / "m.csv"
    measured.write_text("subject,speed\nann,50\nben,50\ncy,50\ndee,50\n", encoding="utf-8")
    args = ["score", str(scored), "--measurements", str(measured), "--ratings", str(ratings)]
    done = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert (
        "ben · collab · peer: too few raters (2 of 3 needed); weight moved to the other "
        "sources" in data["notes"]
    )
    assert "dee · collab · peer: too few raters (1 of 3 needed)" in data["notes"]
    totals = {s["subject"]: s["total"] for s in data["subjects"]}
    assert totals["ben"] == 66.07  # test_scores_reach_the_scorecard_exactly, by hand
    zh = CliRunner().invoke(cli, [*args, "--format", "markdown", "--lang", "zh"])
    assert "评分人数不足" in zh.stdout
