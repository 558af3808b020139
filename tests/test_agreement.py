"""csperf.agreement: against published worked examples, pingouin, krippendorff, and by hand."""

from __future__ import annotations

import math
import pickle
from fractions import Fraction
from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.agreement import (
    Agreement,
    calibration_session,
    cohen_kappa,
    fleiss_kappa,
    icc,
    krippendorff_alpha,
    rater_severity,
)
from csperf.agreement import _f_quantile as f_quantile
from csperf.errors import MeasurementError, UnknownNameError, ValidationError
from strategies import examples

# -- data -----------------------------------------------------------------------------------

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [
    (9, 2, 5, 8),
    (6, 1, 3, 2),
    (8, 4, 6, 8),
    (7, 1, 2, 6),
    (10, 5, 6, 9),
    (6, 2, 4, 7),
]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of 4 observers
# and 12 units with missing values (None).
N = None
KRIPPENDORFF = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
}

# Fleiss (1971), Table 1: psychiatric diagnoses (1-5) of 30 patients, 6 raters per patient, as the
# rater-wise data of R's irr package (`diagnoses`), which statsmodels' tests also use.
DIAGNOSES = [
    (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
    (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
    (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
    (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
    (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
    (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
    (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
    (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
]  # fmt: skip

# The Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, counts per category.
WIKIPEDIA_FLEISS = [
    (0, 0, 0, 0, 14), (0, 2, 6, 4, 2), (0, 0, 3, 5, 6), (0, 3, 9, 2, 0), (2, 2, 8, 1, 1),
    (7, 7, 0, 0, 0), (3, 2, 6, 3, 0), (2, 5, 3, 2, 2), (6, 5, 2, 1, 0), (0, 2, 2, 3, 7),
]  # fmt: skip

# A SAS printout of PROC FREQ's kappa for this 3 x 3 table (rater 1 in rows, rater 2 in columns),
# quoted in statsmodels' tests.
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def rows_of(matrix, raters=None):
    """Items x raters (None for no rating) as a long table."""
    raters = raters or [f"r{j}" for j in range(len(matrix[0]))]
    return [
        {"rater": raters[j], "item": i, "score": value}
        for i, row in enumerate(matrix)
        for j, value in enumerate(row)
        if value is not None
    ]


def from_counts(table):
    """The long table of two raters whose cross-table is ``table``."""
    rows, k = [], 0
    for i, line in enumerate(table):
        for j, count in enumerate(line):
            for _ in range(count):
                rows += [
                    {"rater": "r1", "item": k, "score": i},
                    {"rater": "r2", "item": k, "score": j},
                ]
                k += 1
    return rows


def from_category_counts(counts):
    """A long table from item x category counts (raters named by position within the item)."""
    rows = []
    for i, line in enumerate(counts):
        r = 0
        for category, count in enumerate(line, start=1):
            for _ in range(count):
                rows.append({"rater": f"rater{r}", "item": i, "score": category})
                r += 1
    return rows


def krippendorff_rows():
    return [
        {"rater": coder, "item": u + 1, "score": value}
        for coder, values in KRIPPENDORFF.items()
        for u, value in enumerate(values)
        if value is not None
    ]


# -- ICC ------------------------------------------------------------------------------------


def test_icc_shrout_fleiss_table_2():
    rows = rows_of(SHROUT_FLEISS)
    single, average = icc(rows), icc(rows, average=True)
    # As printed: ICC(2,1) = .29, ICC(2,4) = .62; the ANOVA BMS 11.24, JMS 32.49, EMS 1.02.
    assert round(single.value, 2) == 0.29
    assert round(average.value, 2) == 0.62
    assert {k: round(v, 2) for k, v in single.components.items()} == {
        "BMS": 11.24,
        "JMS": 32.49,
        "EMS": 1.02,
    }
    assert (single.method, single.items, single.raters, single.ratings) == ("ICC(2,1)", 6, 4, 24)
    assert average.method == "ICC(2,k)"


def _icc_by_hand(matrix):
    """The two-way ANOVA and both ICC(2,·) in exact fractions, straight from the definitions."""
    n, k = len(matrix), len(matrix[0])
    y = [[Fraction(v) for v in row] for row in matrix]
    grand = sum(map(sum, y)) / (n * k)
    rows = [sum(r) / k for r in y]
    cols = [sum(y[i][j] for i in range(n)) / n for j in range(k)]
    ssr = k * sum((m - grand) ** 2 for m in rows)
    ssc = n * sum((m - grand) ** 2 for m in cols)
    sst = sum((v - grand) ** 2 for r in y for v in r)
    bms, jms = ssr / (n - 1), ssc / (k - 1)
    ems = (sst - ssr - ssc) / ((n - 1) * (k - 1))
    single = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
    average = (bms - ems) / (bms + (jms - ems) / n)
    return single, average


def test_icc_equals_the_exact_formula():
    single, average = _icc_by_hand(SHROUT_FLEISS)
    rows = rows_of(SHROUT_FLEISS)
    assert icc(rows).value == pytest.approx(float(single), rel=1e-13)
    assert icc(rows, average=True).value == pytest.approx(float(average), rel=1e-13)


# pingouin 0.7 calls DataFrame.dropna(inplace=True), deprecated in pandas 3.1
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame")
def test_icc_against_pingouin():
    pd = pytest.importorskip("pandas")
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(7)
    for n, k in ((6, 4), (10, 3), (25, 2)):
        truth = rng.normal(50, 10, size=(n, 1))
        matrix = (truth + rng.normal(0, 5, size=(n, k)) + rng.normal(0, 3, size=(1, k))).round(1)
        rows = rows_of(matrix.tolist())
        table = pg.intraclass_corr(
            pd.DataFrame(rows), targets="item", raters="rater", ratings="score"
        ).set_index("Type")
        for kind, average in (("ICC(A,1)", False), ("ICC(A,k)", True)):
            ours = icc(rows, average=average)
            assert ours.value == pytest.approx(table.loc[kind, "ICC"], abs=1e-12)
            low, high = table.loc[kind, "CI95"]  # pingouin rounds the limits to 2 decimals
            assert round(ours.ci.low, 2) == pytest.approx(low, abs=0.0100001)
            assert round(ours.ci.high, 2) == pytest.approx(high, abs=0.0100001)
            assert (ours.ci.level, ours.ci.method) == (0.95, "F")


def test_icc_interval_with_scipy_f_quantiles():
    """The Shrout-Fleiss interval written out with scipy's F quantiles, at 90 %."""
    stats = pytest.importorskip("scipy.stats")
    rows = rows_of(SHROUT_FLEISS)
    result = icc(rows, confidence=0.9)
    bms, jms, ems = (result.components[k] for k in ("BMS", "JMS", "EMS"))
    n, k, rho = 6, 4, result.value
    fj = jms / ems
    v = (k - 1) * (n - 1) * (k * rho * fj + n * (1 + (k - 1) * rho) - k * rho) ** 2
    v /= (n - 1) * k**2 * rho**2 * fj**2 + (n * (1 + (k - 1) * rho) - k * rho) ** 2
    fu, fl = stats.f.ppf(0.95, n - 1, v), stats.f.ppf(0.95, v, n - 1)
    low = n * (bms - fu * ems) / (fu * (k * jms + (k * n - k - n) * ems) + n * bms)
    high = n * (fl * bms - ems) / (k * jms + (k * n - k - n) * ems + n * fl * bms)
    assert result.ci.low == pytest.approx(low, rel=1e-9)
    assert result.ci.high == pytest.approx(high, rel=1e-9)
    average = icc(rows, confidence=0.9, average=True)
    assert average.ci.low == pytest.approx(k * low / (1 + (k - 1) * low), rel=1e-9)
    assert average.ci.high == pytest.approx(k * high / (1 + (k - 1) * high), rel=1e-9)


@pytest.mark.parametrize("q", [0.5, 0.9, 0.95, 0.975, 0.995])
@pytest.mark.parametrize(
    ("d1", "d2"),
    [(1, 1), (5, 15), (5, 3.27), (2.5, 40), (30, 200), (3, 1e4), (2, 0.0723), (0.08, 2)],
)
def test_f_quantile_against_scipy(q, d1, d2):
    stats = pytest.importorskip("scipy.stats")
    assert f_quantile(q, d1, d2) == pytest.approx(stats.f.ppf(q, d1, d2), rel=1e-9)


@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame")
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # pingouin's Spearman-Brown
def test_icc_degenerate_designs_against_pingouin():
    """Negative ICCs with tiny Satterthwaite degrees of freedom (F quantiles of 1e42)."""
    pd = pytest.importorskip("pandas")
    pg = pytest.importorskip("pingouin")
    for matrix in ([[1, 3], [1, 3], [2, 1]], [[0, 0, 2], [0, 2, 1]]):
        rows = rows_of(matrix)
        table = pg.intraclass_corr(
            pd.DataFrame(rows), targets="item", raters="rater", ratings="score"
        ).set_index("Type")
        ours = icc(rows)
        assert ours.value == pytest.approx(table.loc["ICC(A,1)", "ICC"])
        low, high = table.loc["ICC(A,1)", "CI95"]
        assert (round(ours.ci.low, 2), round(ours.ci.high, 2)) == (low, high)
        # ICC(2,1)'s lower limit is −1/(k − 1) up to float error: Spearman-Brown sends ICC(2,k)'s
        # towards −∞, as pingouin's (−4.5e15 and −inf)
        average = icc(rows, average=True)
        assert average.ci.low < -1e9
        assert round(average.ci.high, 2) == table.loc["ICC(A,k)", "CI95"][1]


def test_spearman_brown_below_the_pole_is_minus_infinity():
    from csperf.agreement import _spearman_brown

    assert _spearman_brown(-0.5, 3) == -math.inf  # 1 + 2·(−0.5) = 0
    assert _spearman_brown(-2.0, 2) == -math.inf  # not 4, the other branch of the hyperbola
    assert _spearman_brown(0.29, 4) == pytest.approx(4 * 0.29 / (1 + 3 * 0.29))


def test_icc_interval_undefined_when_every_item_has_the_same_mean():
    result = icc(rows_of([[0, 0, 2], [0, 1, 1]]))  # BMS = 0: Satterthwaite's ν = 0
    assert result.ci is None
    assert result.value == pytest.approx(-0.25)
    assert "CI" not in str(result)


def test_icc_raters_differing_by_a_constant():
    """No residual (EMS = 0): ICC(2,1) is below 1, the interval stays finite."""
    rows = rows_of([(1, 3), (2, 4), (5, 7)])
    result = icc(rows)
    single, _ = _icc_by_hand([(1, 3), (2, 4), (5, 7)])
    assert result.value == pytest.approx(float(single))
    assert result.value < 1
    assert math.isfinite(result.ci.low) and math.isfinite(result.ci.high)


# -- Cohen's kappa --------------------------------------------------------------------------


def test_kappa_sas_printout():
    rows = from_counts(SAS_TABLE)
    result = cohen_kappa(rows)
    # SAS: Kappa 0.4842, ASE 0.1380, 95% limits 0.2137 and 0.7547; ASE under H0 0.1484, Z 3.2626.
    assert round(result.value, 4) == 0.4842
    assert round(result.standard_error, 4) == 0.1380
    assert (round(result.ci.low, 4), round(result.ci.high, 4)) == (0.2137, 0.7547)
    assert round(result.null_standard_error, 4) == 0.1484
    assert round(result.z, 4) == 3.2626
    assert (result.items, result.raters, result.ratings) == (19, 2, 38)


def test_weighted_kappa_sas_printout():
    # SAS's Cicchetti-Allison weights with scores 0, 1, 2 are the linear weights.
    result = cohen_kappa(from_counts(SAS_TABLE), weights="linear")
    assert round(result.value, 4) == 0.4701
    assert round(result.standard_error, 4) == 0.1457
    assert (round(result.ci.low, 4), round(result.ci.high, 4)) == (0.1845, 0.7558)
    assert round(result.null_standard_error, 4) == 0.1426
    assert round(result.z, 4) == 3.2971
    assert result.method == "weighted kappa (linear)"


def test_kappa_by_hand():
    """Wikipedia's example: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no: p_o = .7, p_e = .5."""
    rows = from_counts([[20, 5], [10, 15]])
    result = cohen_kappa(rows)
    assert result.components == {"observed": pytest.approx(0.7), "expected": pytest.approx(0.5)}
    assert result.value == pytest.approx(0.4)


def test_quadratic_kappa_by_hand():
    # Categories 1, 2, 3 (spread 2): pairs (1,1), (2,3), (3,3). Quadratic weights 1, 3/4, 0.
    # p_o = (1 + 3/4 + 1)/3 = 11/12; rows 1/3 each, columns (1/3, 0, 2/3):
    # p_e = 1/3 * (1/3 + (1/3 * 3/4 + 2/3 * 3/4) + 2/3) = 1/3 * (1 + 3/4) = 7/12.
    rows = [
        {"rater": "a", "item": 1, "score": 1},
        {"rater": "b", "item": 1, "score": 1},
        {"rater": "a", "item": 2, "score": 2},
        {"rater": "b", "item": 2, "score": 3},
        {"rater": "a", "item": 3, "score": 3},
        {"rater": "b", "item": 3, "score": 3},
    ]
    result = cohen_kappa(rows, weights="quadratic")
    assert result.value == pytest.approx((11 / 12 - 7 / 12) / (1 - 7 / 12))


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_against_sklearn_and_statsmodels(weights):
    metrics = pytest.importorskip("sklearn.metrics")
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 6, 80)
    a = np.clip(truth + rng.integers(-1, 2, 80), 1, 5)
    b = np.clip(truth + rng.integers(-1, 2, 80), 1, 5)
    rows = [{"rater": "a", "item": i, "score": int(v)} for i, v in enumerate(a)]
    rows += [{"rater": "b", "item": i, "score": int(v)} for i, v in enumerate(b)]
    ours = cohen_kappa(rows, weights=weights, categories=[1, 2, 3, 4, 5])
    labels = [1, 2, 3, 4, 5]
    assert ours.value == pytest.approx(
        metrics.cohen_kappa_score(a, b, labels=labels, weights=weights), abs=1e-12
    )
    table = np.array([[np.sum((a == i) & (b == j)) for j in labels] for i in labels])
    theirs = inter_rater.cohens_kappa(table, wt=weights or None)
    assert ours.value == pytest.approx(theirs.kappa, abs=1e-12)
    assert ours.standard_error == pytest.approx(theirs.std_kappa, rel=1e-9)
    assert ours.null_standard_error == pytest.approx(theirs.std_kappa0, rel=1e-9)


def test_kappa_of_zero_is_exact_and_symmetric():
    """Found by hypothesis: κ_w = 0 came out as ±1e-16 and its SE as 7.7e-9 or 0 by rater order."""
    rows = rows_of([[2, 1], [3, 1], [4, 2]])
    swapped = [{**r, "rater": {"r0": "r1", "r1": "r0"}[r["rater"]]} for r in rows]
    one, other = cohen_kappa(rows, weights="linear"), cohen_kappa(swapped, weights="linear")
    assert one.value == 0 and other.value == 0
    assert one.standard_error == other.standard_error
    assert one.null_standard_error == other.null_standard_error


def test_kappa_labels_and_categories():
    rows = [
        {"rater": "a", "item": 1, "score": "good"},
        {"rater": "b", "item": 1, "score": "good"},
        {"rater": "a", "item": 2, "score": "poor"},
        {"rater": "b", "item": 2, "score": "fair"},
        {"rater": "a", "item": 3, "score": "fair"},
        {"rater": "b", "item": 3, "score": "fair"},
    ]
    numbers = [{**r, "score": {"poor": 1, "fair": 2, "good": 3}[r["score"]]} for r in rows]
    ordered = cohen_kappa(rows, weights="linear", categories=["poor", "fair", "good"])
    assert ordered.value == pytest.approx(cohen_kappa(numbers, weights="linear").value)
    assert cohen_kappa(rows).value == pytest.approx(cohen_kappa(numbers).value)
    with pytest.raises(MeasurementError, match="categories= giving the labels in order"):
        cohen_kappa(rows, weights="linear")


# -- Fleiss' kappa --------------------------------------------------------------------------


def test_fleiss_1971():
    rows = rows_of(DIAGNOSES)
    result = fleiss_kappa(rows)
    assert round(result.value, 3) == 0.430  # as printed by Fleiss (1971)
    assert result.value == pytest.approx(0.4302445, abs=1e-7)  # irr's kappam.fleiss
    assert result.z == pytest.approx(17.65183, abs=1e-5)  # irr's z (Fleiss, Nee & Landis 1979)
    assert (result.items, result.raters, result.ratings) == (30, 6, 180)
    assert result.ci is None


def test_fleiss_wikipedia_example():
    result = fleiss_kappa(from_category_counts(WIKIPEDIA_FLEISS))
    assert round(result.components["observed"], 3) == 0.378
    assert round(result.components["expected"], 3) == 0.213
    assert round(result.value, 3) == 0.210
    assert result.raters == 14


def test_fleiss_against_statsmodels():
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    counts, _ = inter_rater.aggregate_raters(np.array(DIAGNOSES))
    assert fleiss_kappa(rows_of(DIAGNOSES)).value == pytest.approx(
        inter_rater.fleiss_kappa(counts), abs=1e-12
    )


def test_fleiss_two_raters_is_scotts_pi():
    """With two raters Fleiss' kappa is Scott's pi: (p_o − Σ p̄_j²) / (1 − Σ p̄_j²)."""
    rows = from_counts([[20, 5], [10, 15]])
    # p_o = .7; pooled margins: yes (25 + 30)/100 = .55, no .45; Σ p̄² = .505.
    assert fleiss_kappa(rows).value == pytest.approx((0.7 - 0.505) / (1 - 0.505))


# -- Krippendorff's alpha -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "printed"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_alpha_krippendorff_2011(level, printed):
    kd = pytest.importorskip("krippendorff")
    result = krippendorff_alpha(krippendorff_rows(), level=level, resamples=0)
    assert round(result.value, 3) == printed
    data = np.array([[np.nan if v is None else v for v in vs] for vs in KRIPPENDORFF.values()])
    assert result.value == pytest.approx(
        kd.alpha(reliability_data=data, level_of_measurement=level), abs=1e-12
    )
    # unit 12 has one value and is not pairable: 11 units, 40 pairable values
    assert (result.items, result.raters, result.ratings) == (11, 4, 40)
    assert result.ci is None


def test_alpha_nominal_by_hand():
    """Krippendorff (2011), nominal: α = 1 − (n − 1)·Σ_{c≠k} o_ck / (n² − Σ n_c²)."""
    # Disagreeing ordered pairs, counted from the data: unit 6 (1,2,3,4: all 12, weight 1/3 -> 4),
    # unit 2 (2,2,3,2: 6 of 12 -> 2), unit 8 (1,1,2,1: 6 -> 2): Σ_{c≠k} o_ck = 8. The pairable
    # values (unit 12 has one): n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3; n = 40.
    n_c = [9, 13, 10, 5, 3]
    expected = 1 - (40 - 1) * 8 / (40**2 - sum(x * x for x in n_c))
    assert krippendorff_alpha(krippendorff_rows(), resamples=0).value == pytest.approx(expected)
    assert round(expected, 3) == 0.743


def test_alpha_ordinal_labels_with_categories():
    order = ["poor", "fair", "good", "great", "superb"]
    labelled = [{**r, "score": order[r["score"] - 1]} for r in krippendorff_rows()]
    assert krippendorff_alpha(
        labelled, level="ordinal", categories=order, resamples=0
    ).value == pytest.approx(krippendorff_alpha(krippendorff_rows(), level="ordinal").value)


def test_alpha_bootstrap_is_seeded_and_documented():
    kd = pytest.importorskip("krippendorff")
    rows = krippendorff_rows()
    first = krippendorff_alpha(rows, resamples=60, seed=3)
    again = krippendorff_alpha(rows, resamples=60, seed=3)
    assert first.ci == again.ci
    assert (first.ci.method, first.ci.seed, first.ci.level) == ("bootstrap", 3, 0.95)
    # The definition, replayed: the same generator draws the pairable units with replacement,
    # each resample is a reliability matrix of the drawn units, α of each by the krippendorff
    # package, then the 2.5 % and 97.5 % quantiles.
    data = np.array([[np.nan if v is None else v for v in vs] for vs in KRIPPENDORFF.values()])
    pairable = data[:, (~np.isnan(data)).sum(axis=0) > 1]
    rng = np.random.default_rng(3)
    draws = []
    for _ in range(60):
        sample = pairable[:, rng.integers(0, pairable.shape[1], pairable.shape[1])]
        values = sample[~np.isnan(sample)]
        if len(set(values.tolist())) > 1:
            draws.append(kd.alpha(reliability_data=sample, level_of_measurement="nominal"))
    low, high = np.quantile(draws, [0.025, 0.975])
    assert first.ci.resamples == len(draws)
    assert first.ci.low == pytest.approx(low, abs=1e-12)
    assert first.ci.high == pytest.approx(high, abs=1e-12)
    assert krippendorff_alpha(rows, resamples=60, seed=4).ci != first.ci


def _alpha_complete(matrix, level):
    """α of complete data from its pairs (Krippendorff's complete-data form), in fractions.

    D_o: the mean δ² over ordered pairs of values within a unit; D_e: over ordered pairs of all
    values. Ordinal δ² from the ranks of the values' frequencies, as in the general form.
    """
    values = [v for row in matrix for v in row]
    counts = {v: values.count(v) for v in set(values)}
    ordered = sorted(counts)

    def delta(c, k):
        if level == "nominal":
            return Fraction(int(c != k))
        if level == "interval":
            return Fraction(c - k) ** 2
        lo, hi = sorted((ordered.index(c), ordered.index(k)))
        between = sum(counts[ordered[g]] for g in range(lo, hi + 1))
        return (between - Fraction(counts[c] + counts[k], 2)) ** 2

    m, n = len(matrix[0]), len(values)
    within = sum(delta(a, b) for row in matrix for a, b in permutations(row, 2))
    across = sum(delta(a, b) for a, b in permutations(values, 2))
    d_o = within / (len(matrix) * m * (m - 1))
    d_e = across / (n * (n - 1))
    return 1 - d_o / d_e


# -- properties -----------------------------------------------------------------------------


@st.composite
def complete_designs(draw, *, low=1, high=5, min_raters=2, max_raters=4):
    """An items x raters matrix of integer scores with at least two distinct values."""
    k = draw(st.integers(min_raters, max_raters))
    n = draw(st.integers(2, 7))
    matrix = draw(
        st.lists(
            st.lists(st.integers(low, high), min_size=k, max_size=k), min_size=n, max_size=n
        ).filter(lambda m: len({v for row in m for v in row}) > 1)
    )
    return matrix


@settings(max_examples=examples(30))
@given(complete_designs(), st.sampled_from(["nominal", "ordinal", "interval"]))
def test_alpha_on_complete_data_is_the_complete_data_formula(matrix, level):
    expected = _alpha_complete(matrix, level)
    result = krippendorff_alpha(rows_of(matrix), level=level, resamples=0)
    assert result.value == pytest.approx(float(expected), rel=1e-9, abs=1e-12)


@st.composite
def perfect_designs(draw):
    truths = draw(
        st.lists(st.integers(1, 5), min_size=2, max_size=8).filter(lambda t: len(set(t)) > 1)
    )
    k = draw(st.integers(2, 5))
    return [[t] * k for t in truths]


@settings(max_examples=examples(30))
@given(perfect_designs())
def test_perfect_agreement_gives_one(matrix):
    rows = rows_of(matrix)
    assert icc(rows).value == pytest.approx(1)
    assert icc(rows, average=True).value == pytest.approx(1)
    assert fleiss_kappa(rows).value == pytest.approx(1)
    for level in ("nominal", "ordinal", "interval"):
        assert krippendorff_alpha(rows, level=level, resamples=0).value == pytest.approx(1)
    pair = [r for r in rows if r["rater"] in ("r0", "r1")]
    for weights in (None, "linear", "quadratic"):
        assert cohen_kappa(pair, weights=weights).value == pytest.approx(1)


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=examples(30))
@given(complete_designs(), st.randoms(use_true_random=False))
def test_statistics_are_invariant_to_rater_and_item_order(matrix, random):
    rows = rows_of(matrix)
    names = [f"r{j}" for j in range(len(matrix[0]))]
    renamed = dict(zip(names, random.sample(names, len(names))))
    items = list(range(len(matrix)))
    relabel = dict(zip(items, random.sample(items, len(items))))
    shuffled = [
        {"rater": renamed[r["rater"]], "item": relabel[r["item"]], "score": r["score"]}
        for r in rows
    ]
    random.shuffle(shuffled)
    for fn in (
        lambda t: icc(t).value,
        lambda t: getattr(icc(t, average=True).ci, "low", 0.0),
        lambda t: fleiss_kappa(t).value,
        lambda t: krippendorff_alpha(t, level="ordinal", resamples=0).value,
    ):
        try:
            expected = fn(rows)
        except MeasurementError:
            with pytest.raises(MeasurementError):
                fn(shuffled)
            continue
        assert _close(fn(shuffled), expected)


@settings(max_examples=examples(30))
@given(complete_designs(min_raters=2, max_raters=2), st.sampled_from([None, "linear", "quadratic"]))
def test_kappa_is_symmetric_in_the_two_raters(matrix, weights):
    rows = rows_of(matrix)
    swapped = [{**r, "rater": {"r0": "r1", "r1": "r0"}[r["rater"]]} for r in rows]
    try:
        one = cohen_kappa(rows, weights=weights)
    except MeasurementError:
        return  # a single category throughout: undefined either way
    other = cohen_kappa(swapped, weights=weights)
    assert _close(one.value, other.value)
    assert _close(one.standard_error, other.standard_error)
    assert _close(one.null_standard_error, other.null_standard_error)


@settings(max_examples=examples(20))
@given(complete_designs(low=0, high=100, min_raters=3), st.integers(-20, 20))
def test_icc_is_invariant_to_a_common_shift(matrix, shift):
    shifted = [[v + shift for v in row] for row in matrix]
    try:
        expected = icc(rows_of(matrix)).value
    except MeasurementError:
        return
    assert _close(icc(rows_of(shifted)).value, expected)


# -- inputs ---------------------------------------------------------------------------------


def test_every_kind_of_table_gives_the_same_result():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    rows = rows_of(SHROUT_FLEISS)
    columns = {k: [r[k] for r in rows] for k in ("rater", "item", "score")}
    expected = icc(rows)
    assert icc(columns) == expected
    assert icc(pd.DataFrame(rows)) == expected
    assert icc(pl.DataFrame(columns)) == expected
    pa = pytest.importorskip("pyarrow")
    assert icc(pa.table(columns)) == expected
    assert icc({k: np.array(v) for k, v in columns.items()}) == expected


def test_other_column_names():
    rows = [
        {"reviewer": r["rater"], "call": r["item"], "points": r["score"]}
        for r in rows_of(SHROUT_FLEISS)
    ]
    assert icc(rows, rater="reviewer", item="call", score="points") == icc(rows_of(SHROUT_FLEISS))


def test_nan_is_refused_or_read_as_missing():
    pd = pytest.importorskip("pandas")
    rows = krippendorff_rows()
    rows[5] = {**rows[5], "score": float("nan")}
    with pytest.raises(MeasurementError, match=r"rater 'A' gives item 6 a score of NaN") as info:
        krippendorff_alpha(rows)
    assert (info.value.subject, info.value.position, info.value.field) == ("A", 5, ("score", 5))
    dropped = [r for i, r in enumerate(krippendorff_rows()) if i != 5]
    assert krippendorff_alpha(rows, nan="missing") == krippendorff_alpha(dropped)
    with_na = pd.DataFrame(
        [
            {"rater": coder, "item": u + 1, "score": np.nan if v is None else v}
            for coder, values in KRIPPENDORFF.items()
            for u, v in enumerate(values)
        ]
    )
    assert with_na["score"].isna().sum() == 7
    assert krippendorff_alpha(with_na, nan="missing", resamples=0).value == pytest.approx(
        krippendorff_alpha(krippendorff_rows(), resamples=0).value
    )
    with pytest.raises(MeasurementError, match="NaN"):
        krippendorff_alpha(with_na)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: icc(rows_of(SHROUT_FLEISS)[:-1]), MeasurementError,
         r"rater 'r3' has no rating of item 5; .*krippendorff_alpha"),
        (lambda: icc([r for r in rows_of(SHROUT_FLEISS) if r["rater"] == "r0"]),
         MeasurementError, r"at least 2 raters, got 1 \('r0'\)"),
        (lambda: icc(rows_of(SHROUT_FLEISS[:1])), MeasurementError, "at least 2 items"),
        (lambda: icc(rows_of([(3, 3), (3, 3)])), MeasurementError, "no variance"),
        (lambda: icc(rows_of([(3, "x"), (3, 4)])), MeasurementError,
         r"rater 'r1' gives item 0 the score 'x' \(row 1\); ICC\(2,1\) needs numbers"),
        (lambda: icc([*rows_of(SHROUT_FLEISS), {"rater": "r0", "item": 0, "score": 1}]),
         MeasurementError, r"rater 'r0' rates item 0 twice \(rows 0 and 24\)"),
        (lambda: icc(rows_of(SHROUT_FLEISS), confidence=1.5), ValidationError, "confidence="),
        (lambda: icc([{"rater": "a", "score": 1}]), ValidationError, "row 0 has no 'item'"),
        (lambda: icc({"rater": [1], "item": [1]}), ValidationError, "no column 'score'"),
        (lambda: icc("ratings.csv"), ValidationError, "got str"),
        (lambda: icc([{"rater": None, "item": 1, "score": 1}]), MeasurementError,
         "row 0 has no rater"),
        (lambda: cohen_kappa(rows_of(SHROUT_FLEISS)), MeasurementError,
         r"exactly 2 raters, got 4 \('r0', 'r1', 'r2', 'r3'\); fleiss_kappa"),
        (lambda: cohen_kappa(rows_of([(1, 2), (2, None)])), MeasurementError,
         "rater 'r1' has no rating of item 1"),
        (lambda: cohen_kappa(rows_of([(1, 1), (1, 1)])), MeasurementError, "undefined"),
        (lambda: cohen_kappa(rows_of([(1, 2), (2, 2)]), weights="cubic"), ValidationError,
         "weights="),
        (lambda: cohen_kappa(rows_of([(1, 2), (2, 7)]), categories=[1, 2, 3]),
         MeasurementError, r"rater 'r1' gives item 1 the score 7 \(row 3\), which is none"),
        (lambda: fleiss_kappa(rows_of([(1, 2, 3), (2, 2, None)])), MeasurementError,
         r"item 1 has 2 ratings, item 0 has 3"),
        (lambda: fleiss_kappa(rows_of([(1, None), (2, 2)])), MeasurementError,
         r"item 0 has 1 ratings: Fleiss' kappa needs at least 2"),
        (lambda: krippendorff_alpha(rows_of([(1, None), (None, 2)])), MeasurementError,
         "no item has two ratings"),
        (lambda: krippendorff_alpha(rows_of([(1, "x"), (2, 2)]), level="interval"),
         MeasurementError, "needs numbers"),
        (lambda: krippendorff_alpha(rows_of([(1, 2)]), level="ratio"), ValidationError, "level="),
        (lambda: krippendorff_alpha(rows_of([(1, 2)]), resamples=-1), ValidationError,
         "resamples="),
        (lambda: krippendorff_alpha(rows_of([(1, 1), (1, 1)])), MeasurementError, "undefined"),
    ],
)  # fmt: skip
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_results_pickle_and_compare():
    result = krippendorff_alpha(krippendorff_rows(), resamples=20)
    assert pickle.loads(pickle.dumps(result)) == result
    assert isinstance(result, Agreement)
    with pytest.raises(AttributeError):
        result.value = 1  # frozen


# -- calibration sessions -------------------------------------------------------------------


def session_rows():
    # expert "qa"; ann within ±10 on 3 of 4; bo on 4 of 4 (one exactly 10 off); cy on 2 of 4.
    scores = {
        "qa": [80, 90, 70, 60],
        "ann": [85, 90, 81, 61],
        "bo": [90, 85, 72, 65],
        "cy": [60, 92, 88, 58],
    }
    return [
        {"rater": who, "item": f"call-{i}", "score": s}
        for who, values in scores.items()
        for i, s in enumerate(values)
    ]


def test_calibration_against_an_expert_by_hand():
    session = calibration_session(session_rows(), expert="qa")
    assert session.baseline == "expert" and session.expert == "qa"
    assert [r.reviewer for r in session.reviewers] == ["ann", "bo", "cy"]
    ann, bo, cy = session.reviewers
    # ann: +5, 0, +11, +1
    assert (ann.reviews, ann.within, ann.share_within) == (4, 3, 0.75)
    assert ann.mean_deviation == pytest.approx(17 / 4)
    assert ann.largest_deviation == 11
    # bo: +10, −5, +2, +5 -- a deviation of exactly 10 counts
    assert (bo.within, bo.share_within, bo.meets_target) == (4, 1.0, True)
    # cy: −20, +2, +18, −2
    assert (cy.within, cy.mean_deviation, cy.mean_absolute_deviation) == (2, -0.5, 10.5)
    assert (session.reviews, session.within, session.items) == (12, 9, 4)
    assert session.share_within == 0.75 and not session.meets_target
    assert session.reviewer("bo") is bo
    with pytest.raises(UnknownNameError, match="unknown reviewer 'dee'"):
        session.reviewer("dee")


def test_calibration_against_the_consensus_by_hand():
    rows = [r for r in session_rows() if r["rater"] != "qa"]
    mean = calibration_session(rows)
    median = calibration_session(rows, consensus="median", tolerance=5, target=0.5)
    # call-0: 85, 90, 60 -> mean 235/3, median 85; ann deviates 20/3 from the mean, 0 from the median
    ann_mean = mean.reviewer("ann")
    assert ann_mean.reviews == 4 and mean.baseline == "mean"
    devs = [85 - 235 / 3, 90 - 89, 81 - 241 / 3, 61 - 184 / 3]
    assert ann_mean.mean_deviation == pytest.approx(sum(devs) / 4)
    # median: call-0 85, call-1 90, call-2 81, call-3 61: ann is the median everywhere
    assert median.reviewer("ann").mean_absolute_deviation == 0
    assert median.reviewer("ann").meets_target
    assert (median.tolerance, median.target, median.baseline) == (5, 0.5, "median")


def test_calibration_tolerance_is_exact():
    rows = [
        {"rater": "qa", "item": 1, "score": 54.4},
        {"rater": "li", "item": 1, "score": 64.4},  # 64.4 − 54.4 is 10.000000000000007 in floats
        {"rater": "qa", "item": 2, "score": 50.1},
        {"rater": "li", "item": 2, "score": 60.1},
    ]
    assert 64.4 - 54.4 > 10
    session = calibration_session(rows, expert="qa")
    assert session.within == 2
    assert session.reviewer("li").mean_deviation == 10
    assert calibration_session(rows, expert="qa", tolerance=9.99).within == 0


def test_calibration_errors():
    rows = session_rows()
    with pytest.raises(MeasurementError, match=r"expert 'qb' has no review"):
        calibration_session(rows, expert="qb")
    without = [r for r in rows if not (r["rater"] == "qa" and r["item"] == "call-2")]
    with pytest.raises(
        MeasurementError, match=r"the expert 'qa' did not score interaction 'call-2'"
    ) as info:
        calibration_session(without, expert="qa")
    assert info.value.subject == "qa" and info.value.value == "call-2"
    alone = [*rows, {"rater": "ann", "item": "call-9", "score": 70}]
    with pytest.raises(MeasurementError, match=r"only 'ann' scored interaction 'call-9'"):
        calibration_session(alone)
    with pytest.raises(ValidationError, match="target="):
        calibration_session(rows, target=85)
    with pytest.raises(ValidationError, match="tolerance="):
        calibration_session(rows, tolerance=-1)
    with pytest.raises(ValidationError, match="consensus="):
        calibration_session(rows, consensus="mode")


@settings(max_examples=examples(20))
@given(complete_designs(low=0, high=100, min_raters=3), st.integers(-30, 30))
def test_calibration_is_invariant_to_a_common_shift(matrix, shift):
    rows = rows_of(matrix)
    shifted = [{**r, "score": r["score"] + shift} for r in rows]
    assert calibration_session(rows).reviewers == calibration_session(shifted).reviewers
    assert calibration_session(rows, expert="r0") == calibration_session(shifted, expert="r0")


@settings(max_examples=examples(20))
@given(complete_designs(low=0, high=100, min_raters=3), st.integers(0, 30), st.integers(0, 30))
def test_a_wider_tolerance_never_lowers_the_share(matrix, a, b):
    rows = rows_of(matrix)
    low, high = sorted((a, b))
    assert calibration_session(rows, tolerance=low).within <= calibration_session(
        rows, tolerance=high
    ).within


# -- rater severity -------------------------------------------------------------------------


def test_severity_by_hand():
    # item means: 1 -> 80, 2 -> 70, 3 -> 60 (only ann and bo rated 3)
    rows = [
        {"rater": "ann", "item": 1, "score": 90},
        {"rater": "bo", "item": 1, "score": 75},
        {"rater": "cy", "item": 1, "score": 75},
        {"rater": "ann", "item": 2, "score": 76},
        {"rater": "bo", "item": 2, "score": 64},
        {"rater": "cy", "item": 2, "score": 70},
        {"rater": "ann", "item": 3, "score": 64},
        {"rater": "bo", "item": 3, "score": 56},
        {"rater": "cy", "item": 4, "score": 50},  # cy alone on item 4: not in cy's offset
    ]
    # ann: +10, +6, +4 -> 20/3; bo: −5, −6, −4 -> −5; cy: −5, 0 -> −2.5
    none = rater_severity(rows)
    ann, bo, cy = none.raters
    assert (ann.offset, bo.offset, cy.offset) == (pytest.approx(20 / 3), -5, -2.5)
    assert (cy.ratings, cy.shared) == (3, 2)
    assert none.correction == "none" and none.scores[("cy", 4)] == 50
    offset = rater_severity(rows, correction="offset")
    assert offset.scores[("ann", 1)] == pytest.approx(90 - 20 / 3)
    assert offset.scores[("bo", 3)] == 61
    assert offset.scores[("cy", 4)] == 52.5
    assert offset.raters == none.raters  # the offsets are those of the scores as given
    assert "correction: offset" in str(offset)


def test_zscore_correction():
    rows = rows_of([(70, 90), (80, 95), (90, 100)], raters=["hard", "easy"])
    result = rater_severity(rows, correction="zscore")
    scores = [float(r["score"]) for r in rows]
    m, s = np.mean(scores), np.std(scores, ddof=1)
    # each rater's z-scores are −1, 0, 1: the corrected scores are M − S, M, M + S for both
    for rater in ("hard", "easy"):
        assert [result.scores[(rater, i)] for i in range(3)] == pytest.approx([m - s, m, m + s])
    assert (result.grand_mean, result.grand_sd) == (pytest.approx(m), pytest.approx(s))
    assert "zscore" in str(result)
    with pytest.raises(MeasurementError, match=r"rater 'easy' has every rating equal to 90"):
        rater_severity(rows_of([(70, 90), (80, 90)], raters=["hard", "easy"]), correction="zscore")
    single = [*rows, {"rater": "new", "item": 0, "score": 75}]
    with pytest.raises(MeasurementError, match=r"rater 'new' has a single rating"):
        rater_severity(single, correction="zscore")
    assert rater_severity(single).rater("new").sd is None


def test_severity_errors():
    rows = rows_of([(70, 90), (80, 95)])
    lone = [*rows, {"rater": "z", "item": 9, "score": 1}]
    with pytest.raises(MeasurementError, match="rater 'z' shares no item"):
        rater_severity(lone)
    with pytest.raises(ValidationError, match="correction="):
        rater_severity(rows, correction="rasch")
    with pytest.raises(MeasurementError, match="at least 2 raters"):
        rater_severity(rows_of([(1,), (2,)]))


@settings(max_examples=examples(30))
@given(complete_designs(low=0, high=100), st.sampled_from(["mean", "median"]))
def test_offsets_on_a_complete_design(matrix, consensus):
    rows = rows_of(matrix)
    result = rater_severity(rows, consensus=consensus)
    if consensus == "mean":  # Σ_r (x_ri − mean_i) = 0 for every item
        assert sum(r.offset for r in result.raters) == pytest.approx(0, abs=1e-9)
        again = rater_severity(rater_severity(rows, correction="offset").to_columns())
        assert all(r.offset == pytest.approx(0, abs=1e-9) for r in again.raters)
    for r in result.raters:
        own = [row["score"] for row in rows if row["rater"] == r.rater]
        assert r.mean == pytest.approx(np.mean(own))


def test_alpha_and_scotts_pi_on_two_coders():
    """Two coders, nominal, complete data: 1 − α = (n − 1)/n · (1 − π), n the values (2N)."""
    rows = from_counts([[20, 5], [10, 15]])
    alpha = krippendorff_alpha(rows, resamples=0).value
    pi = fleiss_kappa(rows).value  # Fleiss' kappa with two raters is Scott's pi
    assert alpha == pytest.approx(pi + (1 - pi) / 100)


def test_equal_item_means_give_no_interval_in_every_order():
    """Hypothesis found [[5, 1, 2], [2, 2, 4], [5, 1, 2]] (every item's mean 8/3): float sums
    of squares gave BMS = 0 in one order and 1e-16 in another, so the F interval existed or
    not by row order. The sums of squares are exact now."""
    import random

    matrix = [[5, 1, 2], [2, 2, 4], [5, 1, 2]]
    rows = [
        {"rater": f"r{j}", "item": i, "score": v}
        for i, row in enumerate(matrix)
        for j, v in enumerate(row)
    ]
    found = set()
    for seed in range(12):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        result = icc(shuffled, average=True)
        found.add((result.value, result.ci, result.components["BMS"]))
    assert len(found) == 1
    _value, ci, bms = found.pop()
    assert ci is None and bms == 0.0
