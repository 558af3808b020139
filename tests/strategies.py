"""Hypothesis strategies shared by the test suite (append new ones at the end)."""

from __future__ import annotations

import functools
import math
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from csperf import (
    Dimension,
    Direction,
    GradeBand,
    GradeScale,
    Indicator,
    MissingPolicy,
    Piecewise,
    RatioToTarget,
    Scorecard,
    Steps,
    TargetTolerance,
    Weighting,
)
from csperf.text import LocalizedText

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
points_values = st.floats(min_value=0, max_value=100, allow_nan=False)
decimals = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


def examples(ci: int) -> int:
    """``max_examples`` for a test that runs ``ci`` examples under the ``ci`` profile.

    Under another profile the count scales with that profile's default (``conftest.py``): a test
    written ``@settings(max_examples=examples(150))`` runs 150 examples in CI, where the default
    is 40, and 38 under ``dev``, where it is 10. Read when the test module is imported, that is
    after ``conftest.py`` has loaded the profile.
    """
    scale = settings.default.max_examples / settings.get_profile("ci").max_examples
    return max(1, round(ci * scale))


@st.composite
def weights(draw: st.DrawFn, n: int) -> list[float]:
    """``n`` non-negative weights summing to 1, with at least one positive."""
    raw = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n).filter(lambda w: sum(w) > 0))
    total = sum(raw)
    values = [w / total for w in raw]
    # Put the float residue on the largest weight so the level sums to 1 within 1e-12.
    biggest = max(range(n), key=lambda i: values[i])
    values[biggest] += 1 - sum(values)
    return [max(v, 0.0) for v in values]


@st.composite
def piecewise_rules(draw: st.DrawFn, direction: Direction) -> Piecewise:
    """A Piecewise rule that agrees with ``direction`` (higher or lower is better)."""
    n = draw(st.integers(2, 5))
    xs = sorted(draw(st.sets(st.integers(0, 1000), min_size=n, max_size=n)))
    ps = sorted(draw(st.lists(st.integers(0, 100), min_size=n, max_size=n)))
    if direction is Direction.LOWER_IS_BETTER:
        ps = ps[::-1]
    return Piecewise([(x / 10, float(p)) for x, p in zip(xs, ps)])


@st.composite
def steps_rules(draw: st.DrawFn, direction: Direction) -> Steps:
    """A Steps rule over the whole real line that agrees with ``direction``."""
    n = draw(st.integers(1, 4))
    edges = sorted(draw(st.sets(st.integers(0, 1000), min_size=n, max_size=n)))
    ps = sorted(draw(st.lists(st.integers(0, 100), min_size=n + 1, max_size=n + 1)))
    if direction is Direction.LOWER_IS_BETTER:
        ps = ps[::-1]
    bounds = [None, *[e / 10 for e in edges], None]
    closed = draw(st.sampled_from(["left", "right"]))
    return Steps(
        [(bounds[i], bounds[i + 1], float(ps[i])) for i in range(n + 1)],
        closed=closed,
    )


@st.composite
def indicator_specs(draw: st.DrawFn) -> tuple[Direction, object]:
    """A direction and a scoring rule agreeing with it."""
    direction = draw(st.sampled_from([Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER]))
    kind = draw(st.sampled_from(["piecewise", "steps", "ratio"]))
    if kind == "piecewise":
        rule: object = draw(piecewise_rules(direction))
    elif kind == "steps":
        rule = draw(steps_rules(direction))
    else:
        rule = RatioToTarget(draw(st.integers(1, 1000)) / 10)
    return direction, rule


@st.composite
def core_scorecards(
    draw: st.DrawFn, missing: MissingPolicy | None = None, precision: int | None = None
) -> Scorecard:
    """A valid scorecard with 1-4 dimensions of 1-3 indicators, raw values on [0, 100]."""
    n_dims = draw(st.integers(1, 4))
    dimensions = [
        Dimension(f"d{i}", {"en": f"Dimension {i}", "zh": f"维度{i}"}) for i in range(n_dims)
    ]
    indicators = []
    within: dict[str, dict[str, float]] = {}
    for d in dimensions:
        n = draw(st.integers(1, 3))
        keys = [f"{d.key}_i{j}" for j in range(n)]
        for key in keys:
            direction, rule = draw(indicator_specs())
            indicators.append(Indicator(key, key.upper(), d.key, direction, rule))  # type: ignore[arg-type]
        within[d.key] = dict(zip(keys, draw(weights(n))))
    dim_weights = dict(zip([d.key for d in dimensions], draw(weights(n_dims))))
    return Scorecard(
        key="generated",
        title="Generated card",
        dimensions=dimensions,
        indicators=indicators,
        weighting=Weighting(dim_weights, within),
        grade_scale=GradeScale.default(),
        precision=draw(st.integers(0, 3)) if precision is None else precision,
        missing=draw(st.sampled_from(list(MissingPolicy))) if missing is None else missing,
    )


def raw_values() -> st.SearchStrategy[float]:
    """Raw values with at most 4 decimals on [0, 100], as a person would type them."""
    return st.integers(0, 1_000_000).map(lambda i: i / 10_000)


# ---------------------------------------------------------------- metric records (csperf.metrics)

metric_agents = st.sampled_from(["ann", "bob", "cy", "dee"])


def metric_moments(days: int = 30) -> st.SearchStrategy[object]:
    """Aware datetimes within ``days`` days of 2024-01-01 UTC, to the second."""
    from datetime import datetime, timedelta, timezone

    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)
    return st.integers(0, days * 86400).map(lambda s: epoch + timedelta(seconds=s))


@st.composite
def survey_answer_lists(draw: st.DrawFn, max_size: int = 30) -> list[object]:
    """Valid survey answers with distinct contact ids, some CSAT, some NPS, some both."""
    from csperf.metrics import SurveyAnswer

    n = draw(st.integers(0, max_size))
    answers = []
    for i in range(n):
        csat = draw(st.none() | st.integers(1, 5))
        nps = draw(st.integers(0, 10)) if csat is None else draw(st.none() | st.integers(0, 10))
        answers.append(SurveyAnswer(draw(metric_agents), i, draw(metric_moments()), csat, nps))
    return answers


@st.composite
def ticket_lists(draw: st.DrawFn, max_size: int = 25) -> list[object]:
    """Valid tickets (chats, e-mails and calls) with distinct ids and a few customers."""
    from datetime import timedelta

    from csperf.metrics import Ticket

    delays = st.integers(0, 3 * 86400).map(lambda s: timedelta(seconds=s))
    n = draw(st.integers(0, max_size))
    tickets = []
    for i in range(n):
        created = draw(metric_moments())
        channel = draw(st.sampled_from(["phone", "chat", "email"]))
        first = draw(st.none() | delays.map(lambda d, c=created: c + d))
        resolved = draw(st.none() | delays.map(lambda d, c=created: c + d))
        reopened = resolved is not None and draw(st.booleans())
        final = None
        if reopened and resolved is not None:
            final = draw(st.none() | delays.map(lambda d, r=resolved: r + d))
        call: dict[str, object] = {}
        if channel == "phone":
            answered = draw(st.booleans())
            call = {"answered": answered, "wait_seconds": draw(st.floats(0, 600))}
            if answered:
                call["talk_seconds"] = draw(st.none() | st.floats(0, 3600))
                call["hold_seconds"] = draw(st.none() | st.floats(0, 600))
            else:
                first = resolved = final = None
                reopened = False
        tickets.append(
            Ticket(
                i,
                draw(metric_agents),
                channel,
                created,
                first_response_at=first,
                resolved_at=resolved,
                final_resolved_at=final,
                reopened=reopened,
                complaint=draw(st.booleans()),
                customer=draw(st.none() | st.sampled_from(["c1", "c2", "c3", "c4"])),
                **call,
            )
        )
    return tickets


# -- scorecard files: valid cards with every kind of content ---------------------------------

keys = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
"""Identifier keys (``[a-z][a-z0-9_]*``)."""

plain_texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24).filter(
    str.strip
)
"""Non-blank text of any Unicode (quotes, backslashes, newlines, control characters...)."""

reals = st.floats(allow_nan=False, allow_infinity=False)
"""Any finite float, subnormals and -0.0 included."""

card_points = st.floats(min_value=0, max_value=100, allow_nan=False)

_display_texts = st.one_of(
    plain_texts,
    st.dictionaries(
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6).filter(
            str.strip
        ),
        plain_texts,
        min_size=1,
        max_size=3,
    ).map(LocalizedText),
)
_optional_texts = st.just("") | _display_texts


def display_texts() -> st.SearchStrategy[Any]:
    """A display name: a string or a LocalizedText with arbitrary language codes."""
    return _display_texts


@functools.cache
def _sized(elements: st.SearchStrategy[Any], n: int, unique: bool = False) -> Any:
    """``st.lists`` of exactly ``n`` elements, built once per size (strategies are slow to make)."""
    return st.lists(elements, min_size=n, max_size=n, unique=unique)


def _ordered_points(draw: st.DrawFn, n: int, direction: Direction) -> list[float]:
    """``n`` points (by rising raw value) that agree with ``direction``."""
    ps = sorted(draw(_sized(card_points, n)))
    if direction is Direction.LOWER_IS_BETTER:
        return ps[::-1]
    if direction is Direction.TARGET_IS_BEST:
        rise = draw(st.integers(0, n))
        return ps[:rise] + sorted(ps[rise:], reverse=True)
    return ps


def _bounds(draw: st.DrawFn, n: int) -> list[float | None]:
    """``n + 1`` increasing bounds of ``n`` contiguous ranges, the ends possibly open (None)."""
    values: list[float | None] = sorted(draw(_sized(reals, n + 1, unique=True)))
    if draw(st.booleans()):
        values[0] = None
    if draw(st.booleans()):
        values[-1] = None
    return values


_ratio_targets = st.floats(min_value=1e-300, max_value=1e300)
_caps = st.floats(min_value=1e-6, max_value=100)
_tolerance_targets = st.floats(min_value=-1e6, max_value=1e6)
_tolerances = st.floats(min_value=0, max_value=1e6)
_slopes = st.floats(min_value=1e-6, max_value=1e6)
_closed = st.sampled_from(["left", "right"])


@st.composite
def scoring_rules(draw: st.DrawFn, direction: Direction) -> Any:
    """A Piecewise, Steps, RatioToTarget or TargetTolerance rule agreeing with ``direction``."""
    last = "target_tolerance" if direction is Direction.TARGET_IS_BEST else "ratio"
    kind = draw(st.sampled_from(["piecewise", "steps", last]))
    if kind == "piecewise":
        n = draw(st.integers(2, 5))
        xs = sorted(draw(_sized(reals, n, unique=True)))
        return Piecewise(list(zip(xs, _ordered_points(draw, n, direction))))
    if kind == "steps":
        n = draw(st.integers(1, 4))
        bounds = _bounds(draw, n)
        ps = _ordered_points(draw, n, direction)
        steps = [(bounds[i], bounds[i + 1], ps[i]) for i in range(n)]
        return Steps(draw(st.permutations(steps)), closed=draw(_closed))
    if kind == "ratio":
        return RatioToTarget(draw(_ratio_targets), cap=draw(_caps))
    return TargetTolerance(
        target=draw(_tolerance_targets),
        tolerance=draw(_tolerances),
        slope=draw(_slopes),
        full=draw(_caps),
    )


@functools.cache
def _cuts(covering: float, n: int) -> Any:
    inside = st.floats(min_value=0, max_value=covering, exclude_min=True, exclude_max=True)
    return st.lists(inside, min_size=n, max_size=n, unique=True)


@st.composite
def grade_scales(draw: st.DrawFn, covering: float | None = None) -> GradeScale:
    """A grade scale of 1-4 bands; with ``covering``, one that covers ``[0, covering]``."""
    n = draw(st.integers(1, 4))
    band_keys = draw(_sized(keys, n, unique=True))
    if covering is None:
        bounds = [
            -math.inf if b is None and i == 0 else math.inf if b is None else b
            for i, b in enumerate(_bounds(draw, n))
        ]
    else:
        low = draw(st.sampled_from([0.0, -math.inf, -1.5]))
        high = draw(st.sampled_from([covering, math.inf, covering + 0.25]))
        bounds = [low, *sorted(draw(_cuts(covering, n - 1))), high]
    bands = [
        GradeBand(band_keys[i], draw(_display_texts), bounds[i], bounds[i + 1]) for i in range(n)
    ]
    return GradeScale(draw(st.permutations(bands)), closed=draw(_closed))


_directions = st.sampled_from(list(Direction))
_units = st.just("") | plain_texts
_standards = st.none() | grade_scales()
_metrics = st.none() | plain_texts


@st.composite
def scorecards(draw: st.DrawFn) -> Scorecard:
    """A valid scorecard with random content everywhere a file can hold it.

    1-3 dimensions of 1-3 indicators; Piecewise, Steps, RatioToTarget and TargetTolerance rules
    agreeing with each indicator's direction (open-ended steps included); optional standards;
    plain or localized names in any Unicode; awkward float weights summing to 1 per level; a
    random grade scale covering ``[0, max_points]``.
    """
    n_dims = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_dims)]
    all_keys = draw(_sized(keys, n_dims + sum(sizes), unique=True))
    dim_keys, ind_keys = all_keys[:n_dims], iter(all_keys[n_dims:])
    dimensions = [Dimension(key, draw(_display_texts), draw(_optional_texts)) for key in dim_keys]
    indicators = []
    within: dict[str, dict[str, float]] = {}
    for dim, size in zip(dim_keys, sizes):
        members = [next(ind_keys) for _ in range(size)]
        for key in members:
            direction = draw(_directions)
            indicators.append(
                Indicator(
                    key,
                    draw(_display_texts),
                    dim,
                    direction,
                    draw(scoring_rules(direction)),
                    unit=draw(_units),
                    standards=draw(_standards),
                    metric=draw(_metrics),
                    description=draw(_optional_texts),
                )
            )
        within[dim] = dict(zip(members, draw(weights(size))))
    max_points = draw(st.sampled_from([100.0, 120.0, 150.5]))
    scale = draw(grade_scales(covering=max_points))
    return Scorecard(
        key=draw(keys),
        title=draw(_display_texts),
        dimensions=dimensions,
        indicators=indicators,
        weighting=Weighting(dict(zip(dim_keys, draw(weights(n_dims)))), within),
        grade_scale=scale,
        version=draw(plain_texts),
        precision=draw(st.integers(0, 10)),
        missing=draw(st.sampled_from(list(MissingPolicy))),
        max_points=max_points,
        **draw(_file_items(scale, max_points)),
    )


_positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def _file_items(draw: st.DrawFn, scale: Any, max_points: float) -> dict[str, Any]:
    """0-2 vetoes, 0-2 adjustments and maybe a bonus cap, with random content (csperf files)."""
    from csperf import Adjustment, Veto

    names = draw(_sized(keys, 4, unique=True))
    vetoes = []
    for key in names[: draw(st.integers(0, 2))]:
        effect = draw(st.sampled_from(["cap_grade", "cap_total", "zero"]))
        extra: dict[str, Any] = {}
        if effect == "cap_grade":
            extra["grade"] = draw(st.sampled_from([b.key for b in scale.bands]))
        elif effect == "cap_total":
            extra["cap"] = float(draw(st.integers(0, int(max_points))))
        vetoes.append(
            Veto(
                key,
                draw(_display_texts),
                metric=draw(_metrics),
                effect=effect,
                operator=draw(st.sampled_from([">=", ">", "<=", "<", "==", "!="])),
                threshold=draw(finite),
                reason=draw(_optional_texts),
                **extra,
            )
        )
    adjustments = []
    for key in names[2 : 2 + draw(st.integers(0, 2))]:
        kind = draw(st.sampled_from(["bonus", "deduction"]))
        adjustments.append(
            Adjustment(
                key,
                draw(_display_texts),
                kind,
                draw(_positive),
                metric=draw(_metrics),
                cap=draw(st.none() | _positive),
                floor=draw(st.none() | finite) if kind == "deduction" else None,
                reason=draw(_optional_texts),
            )
        )
    return {
        "vetoes": vetoes,
        "adjustments": adjustments,
        "bonus_cap": draw(st.none() | _positive),
    }


# -- metric sources: raw rows of a small contact centre, bad rows included ------------------

SOURCE_EPOCH_DAYS = 24
"""Rows of :func:`source_centres` fall within this many days from 2024-01-01 UTC."""

SOURCE_AGENTS = ("ann", "bob", "cy", "dee", "eve")
"""Agents of :func:`source_centres`; ``eve`` is not on its roster."""


def source_roster() -> list[dict[str, Any]]:
    """The roster of :func:`source_centres`: a transfer, a late starter and a leaver."""
    from datetime import datetime, timedelta, timezone

    day = datetime(2024, 1, 1, tzinfo=timezone.utc)

    def at(n: int) -> Any:
        return day + timedelta(days=n)

    return [
        {"agent": "ann", "team": "T1", "manager": "M1", "valid_from": None, "valid_to": None},
        {"agent": "bob", "team": "T1", "manager": "M1", "valid_from": None, "valid_to": at(10)},
        {"agent": "bob", "team": "T2", "manager": "M2", "valid_from": at(10), "valid_to": None},
        {"agent": "cy", "team": "T2", "manager": "M2", "valid_from": at(3), "valid_to": None},
        {"agent": "dee", "team": "T3", "manager": "M1", "valid_from": None, "valid_to": at(15)},
    ]


@st.composite
def source_moments(draw: st.DrawFn) -> Any:
    """Aware datetimes to the microsecond, in one of a few zones, often on a day boundary."""
    from datetime import datetime, timedelta, timezone

    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)
    micro = timedelta(microseconds=1)
    moment = draw(
        st.one_of(
            st.integers(0, SOURCE_EPOCH_DAYS * 86_400_000_000).map(lambda u: epoch + u * micro),
            st.sampled_from([2, 3, 10, 15, 20]).flatmap(
                lambda d: st.sampled_from([-1, 0, 1]).map(
                    lambda u, d=d: epoch + timedelta(days=d) + u * micro
                )
            ),
        )
    )
    zone = draw(st.sampled_from([0, 8, -5]))
    return moment.astimezone(timezone(timedelta(hours=zone)))


_delays = st.integers(0, 3 * 86_400_000_000)


def _mostly(good: st.SearchStrategy[Any], bad: list[Any]) -> st.SearchStrategy[Any]:
    """``good`` seven times in eight, else one of the ``bad`` values."""
    return st.integers(0, 7).flatmap(lambda b: st.sampled_from(bad) if b == 0 else good)


@st.composite
def _ticket_row(draw: st.DrawFn, i: int, ids: list[Any]) -> dict[str, Any]:
    from datetime import timedelta

    micro = timedelta(microseconds=1)
    created = draw(source_moments())
    row: dict[str, Any] = {
        "id": draw(st.sampled_from(ids)) if ids and draw(st.integers(0, 9)) == 0 else f"t{i}",
        "agent": draw(st.sampled_from(SOURCE_AGENTS)),
        "channel": draw(st.sampled_from(["phone", "chat", "email"])),
        "created_at": created,
        "complaint": draw(st.booleans()),
        "customer": draw(st.none() | st.sampled_from(["c1", "c2", "c3"])),
    }
    if draw(st.booleans()):
        row["first_response_at"] = created + draw(_delays) * micro
    if draw(st.integers(0, 3)):
        resolved = created + draw(_delays) * micro
        row["resolved_at"] = resolved
        if draw(st.booleans()):
            row["reopened"] = True
            if draw(st.booleans()):
                row["final_resolved_at"] = resolved + draw(_delays) * micro
    if row["channel"] == "phone" and draw(st.integers(0, 4)):
        answered = draw(st.booleans())
        which = draw(st.sampled_from(["answered", "abandoned", "both"]))
        if which in ("answered", "both"):
            row["answered"] = answered
        if which in ("abandoned", "both"):
            row["abandoned"] = not answered
        row["wait_seconds"] = draw(st.integers(0, 6000)) / 100
        if answered:
            row["talk_seconds"] = draw(st.none() | st.integers(0, 600_000).map(lambda v: v / 1000))
            row["hold_seconds"] = draw(st.none() | st.integers(0, 300))
            row["acw_seconds"] = draw(st.none() | st.integers(0, 120_000).map(lambda v: v / 1000))
    elif row["channel"] == "chat" and draw(st.integers(0, 3)) == 0:
        row["talk_seconds"] = draw(st.integers(0, 900))
    bad = draw(st.integers(0, 14))
    if bad == 1:
        row["first_response_at"] = created - draw(st.integers(1, 10**8)) * micro
    elif bad == 2:
        row[draw(st.sampled_from(["wait_seconds", "talk_seconds", "hold_seconds"]))] = -1.5
    elif bad == 3:
        row[draw(st.sampled_from(["agent", "channel", "created_at", "id"]))] = None
    elif bad == 4:
        row["final_resolved_at"] = created + draw(_delays) * micro
        row["reopened"] = False
    elif bad == 5:
        row["answered"] = row["abandoned"] = draw(st.booleans())
        row["wait_seconds"] = 3.0
    elif bad == 6:
        row["answered"] = True
        row.pop("wait_seconds", None)
    elif bad == 7:
        row["resolved_at"] = created - micro
    return row


@st.composite
def _survey_row(draw: st.DrawFn, i: int, ids: list[Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "agent": draw(st.sampled_from(SOURCE_AGENTS)),
        "contact_id": draw(st.sampled_from(ids)) if ids and not draw(st.integers(0, 9)) else i,
        "submitted_at": draw(source_moments()),
        "csat": draw(st.none() | st.integers(1, 5)),
        "nps": draw(st.none() | st.integers(0, 10)),
    }
    if row["csat"] is None and row["nps"] is None and draw(st.integers(0, 2)):
        row["csat"] = draw(st.integers(1, 5))
    bad = draw(st.integers(0, 12))
    if bad == 1:
        row["csat"] = draw(st.sampled_from([0, 6, 4.5]))
    elif bad == 2:
        row["nps"] = draw(st.sampled_from([-1, 11, 7.5]))
    return row


@st.composite
def _qa_row(draw: st.DrawFn, i: int, ids: list[Any]) -> dict[str, Any]:
    applicable = draw(st.integers(0, 20))  # 0: every item N/A
    row: dict[str, Any] = {
        "agent": draw(st.sampled_from(SOURCE_AGENTS)),
        "reviewed_at": draw(source_moments()),
        "checks_passed": draw(st.integers(0, applicable)),
        "checks_applicable": applicable,
        "critical_failed": draw(st.integers(0, 5)) == 0,
        "id": draw(st.none() | st.sampled_from(["q1", "q2", "q3", f"q{i + 10}"])),
    }
    bad = draw(st.integers(0, 12))
    if bad == 1:
        row["checks_passed"] = applicable + 1
    elif bad == 2:
        row["checks_applicable"] = -1
    elif bad == 3:  # a critical failure with every item N/A: inconsistent
        row.update(checks_passed=0, checks_applicable=0, critical_failed=True)
    return row


@st.composite
def _test_row(draw: st.DrawFn, i: int, ids: list[Any]) -> dict[str, Any]:
    return {
        "agent": draw(st.sampled_from(SOURCE_AGENTS)),
        "taken_at": draw(source_moments()),
        "score": draw(_mostly(st.integers(0, 1000).map(lambda v: v / 10), [-1, 100.5])),
    }


@st.composite
def _rating_row(draw: st.DrawFn, i: int, ids: list[Any]) -> dict[str, Any]:
    return {
        "rater": draw(st.sampled_from(SOURCE_AGENTS)),
        "ratee": draw(st.sampled_from(SOURCE_AGENTS)),
        "rated_at": draw(source_moments()),
        "score": draw(_mostly(st.integers(2, 10).map(lambda v: v / 2), [0.5, 5.5])),
    }


@st.composite
def _sharing_row(draw: st.DrawFn, i: int, ids: list[Any]) -> dict[str, Any]:
    from datetime import timedelta

    due = draw(source_moments())
    shift = draw(st.integers(-86_400_000_000, 86_400_000_000))
    return {
        "agent": draw(st.sampled_from(SOURCE_AGENTS)),
        "due_at": due,
        "shared_at": draw(st.none() | st.just(due + timedelta(microseconds=shift))),
        "id": draw(st.none() | st.sampled_from(["s1", "s2", f"s{i + 10}"])),
    }


_SOURCE_ROWS = {
    "tickets": (_ticket_row, "id"),
    "surveys": (_survey_row, "contact_id"),
    "qa_reviews": (_qa_row, None),
    "knowledge_tests": (_test_row, None),
    "peer_ratings": (_rating_row, None),
    "sharing_items": (_sharing_row, None),
}


@st.composite
def source_centres(draw: st.DrawFn, max_rows: int = 18) -> dict[str, list[dict[str, Any]]]:
    """Raw rows (mappings) of every record kind, a few of them bad.

    Bad rows: responses before creation, negative durations, missing fields, inconsistent
    call flags, ratings and scores off the scale, duplicate ids, agents not on the roster
    (``eve``) or not on it at the record's time. Timestamps are aware, to the microsecond,
    in several zones, and often on the boundaries of the period [day 2, day 20).
    """
    rows: dict[str, list[dict[str, Any]]] = {}
    for kind, (make, key) in _SOURCE_ROWS.items():
        n = draw(st.integers(0, max_rows if kind in ("tickets", "peer_ratings") else max_rows // 2))
        found: list[dict[str, Any]] = []
        for i in range(n):
            ids = [r[key] for r in found if key and r.get(key) is not None]
            found.append(draw(make(i, ids)))
        rows[kind] = found
    return rows


@st.composite
def source_options(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Options for the catalog metrics, each drawn from its documented choices."""
    from datetime import datetime, timedelta, timezone

    channels = st.none() | st.sampled_from([("chat",), ("phone", "email"), "email"])
    statistic = st.sampled_from(["mean", "median", "p90", "p0", "p100", "p37.5"])
    as_of = datetime(2024, 1, 12, tzinfo=timezone.utc)
    options: dict[str, dict[str, Any]] = {
        "customer_satisfaction": {
            "method": draw(st.sampled_from(["share", "mean"])),
            "threshold": draw(st.integers(1, 5)),
        },
        "complaint_rate": {"channels": draw(channels)},
        "first_response_time": {"statistic": draw(statistic), "channels": draw(channels)},
        "resolution_time": {
            "statistic": draw(statistic),
            "resolution": draw(st.sampled_from(["first", "final"])),
        },
        "fcr": {
            "window": draw(st.sampled_from([0, 3600.5, 2 * 86400, timedelta(days=7)])),
            "channels": draw(channels),
        },
        "service_level": {
            "threshold": draw(st.sampled_from([0, 20, 30.25])),
            "abandons": draw(
                st.sampled_from(
                    ["offered", "excluded", "within_threshold_met", "within_threshold_excluded"]
                )
            ),
            "short_abandon": draw(st.none() | st.sampled_from([5, 12.5])),
        },
        "abandonment_rate": {"short_abandon": draw(st.none() | st.just(5))},
        "aht": {"channels": draw(channels)},
        "script_compliance": {"method": draw(st.sampled_from(["pooled", "mean"]))},
        "product_knowledge": {"method": draw(st.sampled_from(["mean", "latest"]))},
        "collaboration_rating": {"min_raters": draw(st.integers(1, 3))},
        "information_sharing_rate": {"as_of": draw(st.none() | st.just(as_of))},
    }
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=3)):
        options[name]["min_sample"] = draw(st.integers(1, 4))
    return options


@st.composite
def measurement_tables(draw: st.DrawFn) -> Any:
    """:class:`csperf.sources.Measurements` tables: catalog metrics, values, flags, no data."""
    from csperf.hooks import get_plugin_manager
    from csperf.metrics import FLAGS, MetricValue
    from csperf.sources import Measurements, parse_period

    specs = get_plugin_manager(entry_points=False).metrics()
    names = sorted(specs)
    metrics = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    subjects = draw(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9_ -]{0,10}", fullmatch=True), max_size=5, unique=True
        )
    )
    flags = st.lists(st.sampled_from(sorted(set(FLAGS) - {"no_data"})), max_size=2, unique=True)

    def cells(metric: str) -> st.SearchStrategy[Any]:
        domain = specs[metric].domain  # a file refuses values outside it
        inside = st.floats(
            min_value=None if math.isinf(domain.lower) else domain.lower,
            max_value=None if math.isinf(domain.upper) else domain.upper,
            allow_nan=False,
            allow_infinity=False,
            width=64,
        )
        return st.one_of(
            st.builds(MetricValue, inside, st.integers(0, 10**6), flags),
            st.just(MetricValue(None, 0, ("no_data",))),
        )

    values = {s: {m: draw(cells(m)) for m in metrics} for s in subjects}
    period = draw(st.none() | st.sampled_from(["2026-Q3", "2026-07", "2026"]))
    return Measurements(
        period=None if period is None else parse_period(period, tz="Asia/Shanghai"),
        level=draw(st.sampled_from(["agent", "team", "manager"])),
        metrics=metrics,
        values=values,
        source=draw(st.none() | st.just("csv")),
    )


# ---------------------------------------------------------------- veto and bonus/deduction items


@st.composite
def form_items(draw: st.DrawFn, card: Any) -> Any:
    """The card with 0-2 vetoes (metrics ``v0``...) and 0-3 adjustments (``a0``...) added."""
    import attrs

    from csperf import Adjustment, Veto

    bands = [b.key for b in card.grade_scale.bands]
    vetoes = []
    for i in range(draw(st.integers(0, 2))):
        effect = draw(st.sampled_from(["cap_grade", "cap_total", "zero"]))
        extra: dict[str, Any] = {}
        if effect == "cap_grade":
            extra["grade"] = draw(st.sampled_from(bands))
        elif effect == "cap_total":
            extra["cap"] = draw(st.integers(0, int(card.max_points)))
        vetoes.append(
            Veto(
                f"v{i}",
                f"Veto {i}",
                effect=effect,
                operator=draw(st.sampled_from([">=", ">", "==", "!=", "<", "<="])),
                threshold=draw(st.integers(0, 2)),
                reason={"en": f"reason {i}", "zh": f"理由{i}"},
                **extra,
            )
        )
    adjustments = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["bonus", "deduction"]))
        adjustments.append(
            Adjustment(
                f"a{i}",
                f"Item {i}",
                kind,
                draw(st.sampled_from([0.25, 0.5, 1, 1.5, 2, 3, 0.001, 0.0005])),
                cap=draw(st.none() | st.sampled_from([1, 2.5, 5, 10])),
                floor=(
                    draw(st.none() | st.sampled_from([0, 50, 60.5]))
                    if kind == "deduction"
                    else None
                ),
            )
        )
    bonus_cap = draw(st.none() | st.sampled_from([1, 3, 5.5]))
    return attrs.evolve(card, vetoes=vetoes, adjustments=adjustments, bonus_cap=bonus_cap)


def item_values(card: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A value for each veto (0-2) and each adjustment (0-6 events, tenths or halves)."""
    counts = st.integers(0, 6) | st.integers(0, 60).map(lambda i: i / 10)
    return st.fixed_dictionaries(
        {
            **{v.metric: st.integers(0, 2) for v in card.vetoes},
            **{a.metric: counts for a in card.adjustments},
        }
    )
