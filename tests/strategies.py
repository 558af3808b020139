"""Hypothesis strategies shared by the test suite (append new ones at the end)."""

from __future__ import annotations

from hypothesis import strategies as st

from csperf import (
    Dimension,
    Direction,
    GradeScale,
    Indicator,
    MissingPolicy,
    Piecewise,
    RatioToTarget,
    Scorecard,
    Steps,
    Weighting,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
points_values = st.floats(min_value=0, max_value=100, allow_nan=False)
decimals = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


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
