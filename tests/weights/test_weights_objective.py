"""The entropy weight method and CRITIC: published examples, hand computations, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from csperf import Direction, MeasurementError
from csperf.errors import WeightingError
from csperf.weights import critic, entropy
from strategies import examples

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER


def _rounded(weights, places):
    return [round(w, places) for w in weights.values()]


# -- entropy: published examples ----------------------------------------------------------------


def test_entropy_xu_2004_share_variant():
    # Xu, X. (2004). A note on the subjective and objective integrated approach to determine
    # attribute weights. European Journal of Operational Research 156(2), 530-532: four
    # alternatives on four attributes, entropy on the raw values' shares (Zeleny's variant),
    # weights 0.4630, 0.3992, 0.1378, 0.0000. (Data and weights as reproduced in the test suite
    # of the pyrepo-mcda library.) The nearly constant fourth attribute gets almost nothing.
    data = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    result = entropy(data, HIGHER, keys=["a1", "a2", "a3", "a4"], normalization="share")
    assert _rounded(result.weights, 4) == [0.4630, 0.3992, 0.1378, 0.0000]
    assert result.normalization == "share"
    assert result.subjects == 4


def test_entropy_zavadskas_podvezko_2016_share_variant():
    # Zavadskas, E. K. & Podvezko, V. (2016). Integrated determination of objective criteria
    # weights in MCDM. Int. J. of Information Technology & Decision Making 15(2), 267-283:
    # entropy weights 0.1146, 0.1981, 0.4185, 0.2689 (as reproduced in pyrepo-mcda's tests).
    # Two criteria are to be minimised; in the share variant the direction does not enter.
    data = [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]]
    directions = [LOWER, HIGHER, LOWER, HIGHER]
    result = entropy(data, directions, keys=["c1", "c2", "c3", "c4"], normalization="share")
    assert _rounded(result.weights, 4) == [0.1146, 0.1981, 0.4185, 0.2689]


# -- entropy: min-max variant, worked by hand --------------------------------------------------


def _e(*p: float) -> float:
    """Normalised entropy of a distribution over len(p) subjects, 0 ln 0 = 0."""
    return -sum(x * math.log(x) for x in p if x > 0) / math.log(len(p))


def test_entropy_min_max_by_hand():
    # a = 0, 5, 10 -> z = 0, 1/2, 1 -> p = 0, 1/3, 2/3.
    # b = 1, 1, 2  -> z = 0, 0, 1   -> p = 0, 0, 1 -> e = 0, d = 1.
    result = entropy({"a": [0, 5, 10], "b": [1, 1, 2]}, HIGHER)
    e_a = _e(0, 1 / 3, 2 / 3)
    assert result.entropy["a"] == pytest.approx(e_a, abs=1e-15)
    assert result.entropy["b"] == 0
    d = [1 - e_a, 1.0]
    assert list(result.weights.values()) == pytest.approx([v / sum(d) for v in d], abs=1e-15)
    assert list(result.divergence.values()) == pytest.approx(d, abs=1e-15)


def test_entropy_direction_changes_the_normalisation():
    # x = 0, 1, 3. More is better: z = 0, 1/3, 1 -> p = 0, 1/4, 3/4.
    # Less is better: z = 1, 2/3, 0 -> p = 3/5, 2/5, 0.
    data = {"x": [0, 1, 3], "y": [2, 0, 1]}  # y: z = 1, 0, 1/2 -> p = 2/3, 0, 1/3 either way
    up = entropy(data, {"x": HIGHER, "y": "higher_is_better"})
    down = entropy(data, {"x": "lower_is_better", "y": HIGHER})
    assert up.entropy["x"] == pytest.approx(_e(0, 1 / 4, 3 / 4), abs=1e-15)
    assert down.entropy["x"] == pytest.approx(_e(3 / 5, 2 / 5, 0), abs=1e-15)
    assert up.entropy["y"] == pytest.approx(_e(2 / 3, 0, 1 / 3), abs=1e-15)


def test_a_constant_indicator_gets_weight_zero():
    result = entropy({"a": [1, 2, 3], "flat": [5, 5, 5]}, HIGHER)
    assert result.weights["flat"] == 0
    assert result.entropy["flat"] == 1
    assert result.weights["a"] == 1
    shares = entropy({"a": [1, 2, 3], "flat": [5, 5, 5]}, HIGHER, normalization="share")
    assert shares.weights["flat"] == 0


def test_every_indicator_constant_is_an_error():
    with pytest.raises(WeightingError, match="same value for every subject"):
        entropy({"a": [1, 1], "b": [2, 2]}, HIGHER)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinities_are_errors_naming_the_subject(bad):
    with pytest.raises(MeasurementError, match="value 1 of 'b'") as info:
        entropy({"a": [1, 2, 3], "b": [1, bad, 3]}, HIGHER)
    assert info.value.subject == 1
    with pytest.raises(MeasurementError):
        critic(np.array([[1.0, 2.0], [bad, 3.0]]), HIGHER, keys=["a", "b"])


def test_non_numbers_are_errors():
    with pytest.raises(MeasurementError, match="must be a number"):
        entropy({"a": [1, "2"], "b": [1, 2]}, HIGHER)
    with pytest.raises(MeasurementError, match="must be a number"):
        entropy({"a": [1, True], "b": [1, 2]}, HIGHER)
    with pytest.raises(WeightingError, match="sequence of numbers"):
        entropy({"a": "12", "b": [1, 2]}, HIGHER)


def test_fewer_than_two_subjects_is_an_error():
    with pytest.raises(WeightingError, match="at least two subjects, got 1"):
        entropy({"a": [1], "b": [2]}, HIGHER)
    with pytest.raises(WeightingError, match="at least two subjects, got 0"):
        critic({"a": [], "b": []}, HIGHER)


def test_share_needs_non_negative_values():
    with pytest.raises(WeightingError, match="non-negative"):
        entropy({"a": [1, -2, 3], "b": [1, 2, 3]}, HIGHER, normalization="share")


def test_unknown_normalisation():
    with pytest.raises(WeightingError, match="normalization"):
        entropy({"a": [1, 2], "b": [2, 1]}, HIGHER, normalization="zscore")  # type: ignore[arg-type]


def test_target_is_best_is_rejected():
    with pytest.raises(WeightingError, match="target_is_best"):
        entropy({"a": [1, 2], "b": [2, 1]}, {"a": HIGHER, "b": "target_is_best"})
    with pytest.raises(WeightingError, match="target_is_best"):
        critic({"a": [1, 2], "b": [2, 1]}, Direction.TARGET_IS_BEST)


@pytest.mark.parametrize(
    ("directions", "message"),
    [
        ({"a": HIGHER}, "no direction for b"),
        ({"a": HIGHER, "b": HIGHER, "c": HIGHER}, "unknown indicator"),
        ({"a": HIGHER, "b": "up"}, "direction of 'b'"),
        ([HIGHER], "one direction per indicator"),
        (3, "one direction per indicator"),
    ],
)
def test_bad_directions(directions, message):
    with pytest.raises(WeightingError, match=message):
        entropy({"a": [1, 2], "b": [2, 1]}, directions)


def test_data_shapes():
    rows = [[1, 4], [2, 6], [3, 5]]
    as_array = entropy(np.array(rows), HIGHER, keys=["a", "b"])
    as_mapping = entropy({"a": [1, 2, 3], "b": [4, 6, 5]}, HIGHER)
    assert dict(as_array.weights) == pytest.approx(dict(as_mapping.weights), abs=1e-15)
    reordered = entropy({"a": [1, 2, 3], "b": [4, 6, 5]}, HIGHER, keys=["b", "a"])
    assert list(reordered.weights) == ["b", "a"]
    # Without columns= the columns are c1, c2, ... (never the keys of a directions mapping).
    assert list(entropy(rows, HIGHER).weights) == ["c1", "c2"]
    assert dict(entropy(rows, [HIGHER, HIGHER]).weights) == pytest.approx(
        {"c1": as_mapping.weights["a"], "c2": as_mapping.weights["b"]}, abs=1e-15
    )
    assert list(entropy(rows, HIGHER, columns=["x", "y"]).weights) == ["x", "y"]
    with pytest.raises(WeightingError, match="pass columns= to name them"):
        entropy(rows, {"x": HIGHER, "y": HIGHER})
    with pytest.raises(WeightingError, match=r"3 columns, got shape \(3, 2\)"):
        entropy(rows, HIGHER, keys=["a", "b", "c"])
    with pytest.raises(WeightingError, match="one value per subject"):
        entropy({"a": [1, 2, 3], "b": [4, 6]}, HIGHER)
    with pytest.raises(WeightingError, match="differ from the data"):
        entropy({"a": [1, 2, 3], "b": [4, 6, 5]}, HIGHER, keys=["a", "c"])


@pytest.mark.parametrize("method", [entropy, critic])
def test_directions_mapping_in_another_order_than_the_columns(method):
    # The bug of issue 15: the names of a bare array came from the order of a directions
    # mapping, so {"b": ..., "a": ...} silently swapped the labels of columns a and b.
    rows = np.array([[1.0, 40.0], [2.0, 10.0], [4.0, 30.0], [3.0, 25.0]])
    by_name = method({"a": rows[:, 0], "b": rows[:, 1]}, {"a": HIGHER, "b": LOWER})
    reordered = {"b": LOWER, "a": HIGHER}
    named = method(rows, reordered, columns=["a", "b"])
    assert dict(named.weights) == dict(by_name.weights)
    assert list(named.weights) == ["a", "b"]
    # without columns= the mapping's keys are not the columns' names: refused, naming both
    with pytest.raises(WeightingError) as info:
        method(rows, reordered)
    message = str(info.value)
    assert "no direction for c1, c2" in message
    assert "unknown indicator(s) b, a" in message
    assert info.value.field == ("directions",)
    # a mapping that names other indicators than columns= is refused too
    with pytest.raises(WeightingError, match="no direction for a; directions for unknown"):
        method(rows, {"c": HIGHER, "b": LOWER}, columns=["a", "b"])


def test_columns_and_keys_on_arrays():
    rows = np.array([[1.0, 4.0], [2.0, 6.0], [3.0, 5.0]])
    # keys= is the older spelling of columns= for an array
    assert entropy(rows, HIGHER, keys=["a", "b"]) == entropy(rows, HIGHER, columns=["a", "b"])
    assert entropy(rows, HIGHER, keys=["a", "b"], columns=["a", "b"]).weights["a"] > 0
    with pytest.raises(WeightingError, match="columns a, b and keys b, a differ") as info:
        entropy(rows, HIGHER, keys=["b", "a"], columns=["a", "b"])
    assert info.value.field == ("columns",)
    with pytest.raises(WeightingError, match="columns= names the columns of a 2-D array"):
        critic({"a": [1, 2, 3], "b": [4, 6, 5]}, HIGHER, columns=["a", "b"])
    with pytest.raises(WeightingError, match="columns repeats the key 'a'"):
        critic(rows, HIGHER, columns=["a", "a"])
    with pytest.raises(WeightingError, match=r"3 columns, got shape \(3, 2\)"):
        critic(rows, HIGHER, columns=["a", "b", "c"])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_arrays_name_the_first_bad_cell(bad):
    rows = np.arange(12, dtype=float).reshape(4, 3)
    rows[3, 0] = bad
    rows[2, 2] = bad
    rows[1, 2] = bad
    # the first bad cell column by column: row 3 of the first column
    with pytest.raises(MeasurementError, match="value 3 of 'a' is") as info:
        entropy(rows, HIGHER, columns=["a", "b", "c"])
    assert (info.value.subject, info.value.field) == (3, ("a",))
    rows[3, 0] = 0.0
    with pytest.raises(MeasurementError, match="value 1 of 'c' is") as info:
        critic(rows, HIGHER, columns=["a", "b", "c"])
    assert info.value.subject == 1
    # nested lists and numpy arrays give the same error
    with pytest.raises(MeasurementError, match="value 1 of 'c' is"):
        critic(rows.tolist(), HIGHER, columns=["a", "b", "c"])


def test_arrays_of_other_types():
    ints = np.array([[1, 4], [2, 6], [3, 5]])
    assert entropy(ints, HIGHER) == entropy(ints.astype(float), HIGHER)
    assert entropy(ints.astype(np.float32), HIGHER) == entropy(ints, HIGHER)
    with pytest.raises(MeasurementError, match="value 0 of 'c1' must be a number, got True"):
        entropy(np.array([[True, False], [False, True]]), HIGHER)
    with pytest.raises(MeasurementError, match="value 1 of 'c2' must be a number, got True"):
        entropy([[1, 2], [2, True]], HIGHER)
    with pytest.raises(MeasurementError, match="value 0 of 'c1' must be a number, got '1'"):
        critic(np.array([["1", "2"], ["2", "1"]]), HIGHER)


def test_the_input_array_is_left_alone():
    rows = np.array([[1.0, 4.0], [2.0, 6.0], [3.0, 5.0]])
    copy = rows.copy()
    entropy(rows, LOWER)
    critic(rows, HIGHER)
    entropy(rows, HIGHER, normalization="share")
    assert (rows == copy).all()
    columns = {"a": rows[:, 0], "b": rows[:, 1]}
    critic(columns, LOWER)
    assert (rows == copy).all()


def test_array_and_mapping_paths_agree_bit_for_bit():
    rng = np.random.default_rng(15)
    rows = rng.normal(50, 10, size=(200, 5))
    names = [f"k{j}" for j in range(5)]
    directions = {"k3": LOWER, "k0": HIGHER, "k1": LOWER, "k4": HIGHER, "k2": HIGHER}
    table = {k: rows[:, j] for j, k in enumerate(names)}
    for method in (entropy, critic):
        assert method(rows, directions, columns=names) == method(table, directions)
        assert method(rows.tolist(), directions, columns=names) == method(table, directions)
        assert method(np.asfortranarray(rows), directions, columns=names) == method(
            table, directions
        )


positive = st.integers(1, 10_000).map(lambda v: v / 100)


@st.composite
def matrices(draw: st.DrawFn, cells: st.SearchStrategy[float]) -> np.ndarray:
    m = draw(st.integers(3, 12))
    n = draw(st.integers(2, 5))
    rows = draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=m, max_size=m))
    return np.array(rows, dtype=float)


@settings(max_examples=examples(60))
@given(matrix=matrices(positive))
def test_entropy_against_pymcdm(matrix):
    # pymcdm's entropy_weights is the share variant (sum normalisation, no direction); with
    # positive values its "a zero in the column" special case does not arise
    oracle = pytest.importorskip("pymcdm.weights")
    assume((matrix.max(axis=0) > matrix.min(axis=0)).all())
    expected = oracle.entropy_weights(matrix)
    assume(np.isfinite(expected).all())
    result = entropy(matrix, HIGHER, normalization="share")
    assert list(result.weights.values()) == pytest.approx(list(expected), rel=1e-9, abs=1e-12)


@settings(max_examples=examples(60))
@given(matrix=matrices(st.integers(-1000, 1000).map(lambda v: v / 10)))
def test_critic_against_pymcdm(matrix):
    # pymcdm's critic_weights: min-max normalisation of profit criteria, sample standard
    # deviation (the weights do not depend on the choice), Pearson correlations
    oracle = pytest.importorskip("pymcdm.weights")
    assume((matrix.max(axis=0) > matrix.min(axis=0)).all())
    try:
        result = critic(matrix, HIGHER)
    except WeightingError as exc:
        assume("perfectly correlated" not in str(exc))
        raise
    with np.errstate(all="ignore"):
        expected = oracle.critic_weights(matrix)
    assume(np.isfinite(expected).all())
    assert list(result.weights.values()) == pytest.approx(list(expected), rel=1e-9, abs=1e-12)


def test_a_pandas_dataframe():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4, 6, 5]})
    result = entropy(frame, HIGHER)
    plain = entropy({"a": [1, 2, 3], "b": [4, 6, 5]}, HIGHER)
    assert dict(result.weights) == dict(plain.weights)
    assert dict(critic(frame, HIGHER).weights) == dict(critic(dict(frame), HIGHER).weights)


# -- CRITIC ------------------------------------------------------------------------------------


def test_critic_diakoulaki_1995():
    # Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
    # multiple criteria problems: the CRITIC method. Computers & Operations Research 22(7),
    # 763-770: eight alternatives on three criteria, all to be maximised. The data are as
    # reproduced in scikit-criteria's test of this example, whose independent implementation
    # gives the weights 0.20222554, 0.48090173, 0.31687273.
    data = [
        [61, 1.08, 4.33],
        [20.7, 0.26, 4.34],
        [16.3, 1.98, 2.53],
        [9, 3.29, 1.65],
        [5.4, 2.77, 2.33],
        [4, 4.12, 1.21],
        [-6.1, 3.52, 2.10],
        [-34.6, 3.31, 0.98],
    ]
    result = critic(data, HIGHER, keys=["c1", "c2", "c3"])
    assert list(result.weights.values()) == pytest.approx(
        [0.20222554, 0.48090173, 0.31687273], abs=1e-8
    )
    assert result.subjects == 8
    assert result.correlation["c1"]["c1"] == 1
    assert result.correlation["c1"]["c2"] == result.correlation["c2"]["c1"]


def test_critic_tus_adali_2019():
    # Tus, A. & Aytac Adali, E. (2019). The new combination with CRITIC and WASPAS methods for
    # the time and attendance software selection problem. OPSEARCH 56(2), 528-538,
    # doi:10.1007/s12597-019-00371-6: five software packages on six criteria (price, then five
    # rated features). The decision matrix and the published CRITIC weights, to three
    # decimals, are as reproduced in the CRITIC tests of pymcdm and of crispyn
    # (energyinpython/crispyn, tests/test_weighting_methods.py), two implementations
    # independent of csperf's. The published weights come out when every column, price included, is scaled
    # as more-is-better (as those reproductions do); with price as less-is-better, its
    # correlations change sign and so do the weights.
    data = [
        [5000, 3, 3, 4, 3, 2],
        [680, 5, 3, 2, 2, 1],
        [2000, 3, 2, 3, 4, 3],
        [600, 4, 3, 1, 2, 2],
        [800, 2, 4, 3, 3, 4],
    ]
    keys = ["price", "c2", "c3", "c4", "c5", "c6"]
    result = critic(data, dict.fromkeys(keys, HIGHER), columns=keys)
    assert [round(w, 3) for w in result.weights.values()] == [
        0.157, 0.249, 0.168, 0.121, 0.154, 0.151,
    ]  # fmt: skip
    assert result.subjects == 5
    cost = critic(data, {**dict.fromkeys(keys, HIGHER), "price": LOWER}, columns=keys)
    assert cost.std == result.std  # flipping a column keeps its spread...
    assert cost.correlation["price"]["c2"] == pytest.approx(-result.correlation["price"]["c2"])
    assert round(cost.weights["price"], 3) != 0.157  # ...but not its conflict with the others


def test_critic_by_hand():
    # a and b move together (r = 1), c moves against both (r = -1). After min-max scaling all
    # three have the same spread sigma, so C_a = sigma (0 + 0 + 2), C_b = sigma (0 + 0 + 2),
    # C_c = sigma (2 + 2 + 0): weights 1/4, 1/4, 1/2.
    data = {"a": [0, 1, 2, 3], "b": [10, 20, 30, 40], "c": [3, 2, 1, 0]}
    result = critic(data, HIGHER)
    assert list(result.weights.values()) == pytest.approx([0.25, 0.25, 0.5], abs=1e-12)
    sigma = float(np.std([0, 1 / 3, 2 / 3, 1]))
    assert result.std["a"] == pytest.approx(sigma, abs=1e-15)
    assert result.information["c"] == pytest.approx(4 * sigma, abs=1e-12)


def test_critic_lower_is_better_flips_the_correlation():
    # With c to be minimised it now agrees with a and b: every r = 1, nothing to weigh by.
    data = {"a": [0, 1, 2, 3], "b": [10, 20, 30, 40], "c": [3, 2, 1, 0]}
    with pytest.raises(WeightingError, match="perfectly correlated"):
        critic(data, {"a": HIGHER, "b": HIGHER, "c": LOWER})


def test_critic_constant_indicators():
    result = critic({"a": [1, 2, 4], "flat": [3, 3, 3], "b": [2, 1, 0]}, HIGHER)
    assert result.weights["flat"] == 0
    assert result.information["flat"] == 0
    assert "flat" not in result.correlation
    # A single indicator that varies takes all the weight.
    alone = critic({"a": [1, 2, 4], "flat": [3, 3, 3]}, HIGHER)
    assert dict(alone.weights) == {"a": 1.0, "flat": 0.0}
    with pytest.raises(WeightingError, match="same value for every subject"):
        critic({"a": [1, 1], "b": [0, 0]}, HIGHER)


def test_results_to_dict():
    data = {"a": [1, 2, 4], "b": [2, 1, 0]}
    assert set(entropy(data, HIGHER).to_dict()) == {
        "weights",
        "entropy",
        "divergence",
        "normalization",
        "subjects",
    }
    assert critic(data, HIGHER).to_dict()["correlation"]["a"]["b"] == pytest.approx(
        -0.9819805060619657
    )


# -- properties --------------------------------------------------------------------------------

values = st.integers(-1000, 1000).map(lambda v: v / 10)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[float]], list[Direction]]:
    m = draw(st.integers(2, 8))
    n = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m))
    directions = draw(st.lists(st.sampled_from([HIGHER, LOWER]), min_size=n, max_size=n))
    return [f"k{j}" for j in range(n)], rows, directions


def _run(method, keys, rows, directions):
    try:
        return method(rows, directions, keys=keys)
    except WeightingError as exc:
        assume("same value" not in str(exc) and "perfectly correlated" not in str(exc))
        raise


@pytest.mark.parametrize("method", [entropy, critic])
@settings(max_examples=examples(50))
@given(case=tables(), rnd=st.randoms(use_true_random=False))
def test_weights_are_a_distribution_and_follow_permutations(method, case, rnd):
    keys, rows, directions = case
    result = _run(method, keys, rows, directions)
    weights = list(result.weights.values())
    assert all(w >= 0 for w in weights)
    assert math.fsum(weights) == pytest.approx(1, abs=1e-12)
    # Permuting the indicators permutes the weights.
    order = list(range(len(keys)))
    rnd.shuffle(order)
    permuted = method(
        [[row[j] for j in order] for row in rows],
        [directions[j] for j in order],
        keys=[keys[j] for j in order],
    )
    for key in keys:
        assert permuted.weights[key] == pytest.approx(result.weights[key], abs=1e-9)
    # Permuting the subjects changes nothing.
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    again = method(shuffled, directions, keys=keys)
    for key in keys:
        assert again.weights[key] == pytest.approx(result.weights[key], abs=1e-9)


@pytest.mark.parametrize("method", [entropy, critic])
@given(case=tables(), factor=st.integers(1, 100), shift=st.integers(-100, 100))
def test_min_max_weights_ignore_the_unit_of_each_indicator(method, case, factor, shift):
    keys, rows, directions = case
    result = _run(method, keys, rows, directions)
    moved = [[v * factor + shift for v in row] for row in rows]
    again = method(moved, directions, keys=keys)
    for key in keys:
        assert again.weights[key] == pytest.approx(result.weights[key], abs=1e-9)
