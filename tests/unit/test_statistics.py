"""The effectiveness numbers against scipy and statsmodels, on data sets with ties, a perfect
pre-test score and 1,000 participants x 40 items from a seeded Rasch model, plus properties:
nothing raises on any valid data set and None appears exactly where a figure is undefined."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from service.domain.distributions import binomial_two_sided_p, regularized_beta, t_cdf, t_ppf, t_two_sided_p
from service.domain.statistics import (
    describe,
    item_statistics,
    kr20,
    kr20_by_item,
    normalized_gains,
    paired_t,
    pearson,
    sem,
)

REL = 1e-9


def close(expected: float) -> object:
    """Equal to 1e-9 relative; figures that are zero in exact arithmetic may differ by rounding."""
    return pytest.approx(float(expected), rel=REL, abs=1e-12)


def rasch_marks(seed: int, participants: int, items: int) -> tuple[list[list[float]], list[list[float]]]:
    """0/1 marks before and after training from a Rasch model: P(right) = 1 / (1 + exp(b - ability))."""
    rng = random.Random(seed)
    difficulties = [rng.gauss(0.0, 1.0) for _ in range(items)]
    pre, post = [], []
    for _ in range(participants):
        ability = rng.gauss(-0.3, 1.0)
        learned = ability + rng.gauss(0.8, 0.6)
        for marks, theta in ((pre, ability), (post, learned)):
            marks.append([1.0 if rng.random() < 1 / (1 + math.exp(b - theta)) else 0.0 for b in difficulties])
    return pre, post


def percents(marks: list[list[float]]) -> list[float]:
    return [100.0 * sum(row) / len(row) for row in marks]


RASCH_PRE, RASCH_POST = rasch_marks(seed=20240611, participants=1000, items=40)

PAIRED_DATA_SETS = {
    "ties": (
        [50.0, 50.0, 60.0, 70.0, 70.0, 70.0, 80.0, 40.0, 60.0, 50.0],
        [60.0, 70.0, 60.0, 80.0, 90.0, 70.0, 80.0, 60.0, 70.0, 50.0],
    ),
    "perfect_pre": (
        [100.0, 80.0, 60.0, 100.0, 40.0, 90.0, 20.0],
        [100.0, 90.0, 80.0, 90.0, 70.0, 100.0, 60.0],
    ),
    "rasch_1000x40": (percents(RASCH_PRE), percents(RASCH_POST)),
}

MARK_MATRICES = {
    "ties": [
        [1, 1, 0, 1, 0],
        [1, 0, 0, 1, 0],
        [1, 1, 1, 1, 0],
        [0, 0, 0, 1, 0],
        [1, 1, 0, 0, 1],
        [1, 0, 0, 1, 0],
        [0, 1, 0, 1, 1],
        [1, 1, 1, 1, 1],
    ],
    "fractional": [
        [1, 0.5, 1 / 3, 0, 1],
        [0.5, 0.5, 2 / 3, 1, 1],
        [0, 0, 0, 0, 0.5],
        [1, 1, 1, 1, 1],
        [0.5, 0, 1 / 3, 0, 0],
        [1, 0.5, 2 / 3, 1, 0.5],
    ],
    "rasch_1000x40": RASCH_POST,
}


@pytest.mark.parametrize("name", PAIRED_DATA_SETS)
def test_describe_matches_numpy_and_scipy(name):
    for values in PAIRED_DATA_SETS[name]:
        figures = describe(values)
        assert figures["n"] == len(values)
        assert figures["mean"] == close(np.mean(values))
        assert figures["median"] == close(np.median(values))
        assert figures["sd"] == close(np.std(values, ddof=1))
        assert figures["min"] == min(values)
        assert figures["max"] == max(values)
        assert figures["skewness"] == close(stats.skew(values, bias=False))
        assert figures["kurtosis"] == close(stats.kurtosis(values, bias=False))


def test_skewness_and_kurtosis_are_moodles_sample_cumulant_ratios():
    # Scores 0, 0, 1, 3 (n = 4, mean 1): deviations -1, -1, 0, 2.
    # Sums of powers: 6, 6, 18 -> m2 = 1.5, m3 = 1.5, m4 = 4.5.
    # k2 = 4 * 1.5 / 3 = 2; k3 = 16 * 1.5 / (3 * 2) = 4; skewness = 4 / 2^1.5 = sqrt(2).
    # k4 = 16 * (5 * 4.5 - 9 * 2.25) / (3 * 2 * 1) = 16 * 2.25 / 6 = 6; kurtosis = 6 / 4 = 1.5.
    figures = describe([0, 0, 1, 3])
    assert figures["skewness"] == close(math.sqrt(2))
    assert figures["kurtosis"] == close(1.5)


@pytest.mark.parametrize("df", [1, 2, 3, 4.5, 9, 29, 99, 999, 5000])
def test_t_distribution_matches_scipy(df):
    for t in [-40.0, -2.5, -1.0, -0.1, 0.0, 0.3, 1.0, 1.96, 2.0, 3.0, 6.0, 12.0]:
        assert t_cdf(t, df) == close(stats.t.cdf(t, df))
        assert t_two_sided_p(t, df) == close(2 * stats.t.cdf(-abs(t), df))
    for p in [1e-8, 0.001, 0.025, 0.05, 0.2, 0.5, 0.8, 0.975, 0.995, 1 - 1e-8]:
        assert t_ppf(p, df) == close(stats.t.ppf(p, df))


def test_t_quantile_for_every_ci_of_up_to_1000_pairs_matches_scipy():
    for df in range(1, 1000):
        assert t_ppf(0.975, df) == close(stats.t.ppf(0.975, df))


def test_regularized_beta_matches_scipy():
    for a, b in [(0.5, 0.5), (1, 3), (2.5, 0.5), (30, 0.5), (200, 7), (0.1, 50)]:
        for x in [0.0, 1e-6, 0.1, 0.37, 0.5, 0.9, 0.999, 1.0]:
            assert regularized_beta(x, a, b) == close(stats.beta.cdf(x, a, b))


@pytest.mark.parametrize("args", [(0.5, 0), (0.0, 3), (1.0, 3), (float("nan"), 3), (0.975, -1)])
def test_t_quantile_outside_its_domain_is_none(args):
    assert t_ppf(*args) is None


@pytest.mark.parametrize("name", PAIRED_DATA_SETS)
def test_paired_t_matches_scipy_ttest_rel(name):
    pre, post = PAIRED_DATA_SETS[name]
    result = paired_t(pre, post)
    reference = stats.ttest_rel(post, pre)
    interval = reference.confidence_interval(0.95)
    gains = np.subtract(post, pre)
    assert result["n"] == len(pre)
    assert result["mean_gain"] == close(gains.mean())
    assert result["sd_gain"] == close(gains.std(ddof=1))
    assert result["t"] == close(reference.statistic)
    assert result["p"] == close(reference.pvalue)
    assert result["ci95"] == [close(interval.low), close(interval.high)]
    assert result["cohen_dz"] == close(gains.mean() / gains.std(ddof=1))


def test_paired_t_with_every_gain_equal_has_a_gain_but_no_test():
    result = paired_t([40.0, 50.0, 60.0], [50.0, 60.0, 70.0])
    assert result["mean_gain"] == 10.0
    assert result["sd_gain"] == 0.0
    assert result["t"] is result["p"] is result["cohen_dz"] is None
    assert result["ci95"] == [None, None]


@pytest.mark.parametrize(
    ("b", "c"),
    # Up to 1,000 discordant pairs the tail is an exact integer sum, beyond it the incomplete beta.
    [
        *[(0, 0), (0, 1), (1, 0), (3, 3), (2, 9), (9, 2), (10, 0), (17, 30), (150, 210), (500, 420), (480, 520)],
        *[(480, 521), (700, 900), (1500, 1700), (5000, 5100), (4000, 4400), (1, 1200)],
    ],
)
def test_binomial_p_matches_scipy_binomtest_and_statsmodels_mcnemar(b, c):
    p = binomial_two_sided_p(b, b + c)
    assert p == close(mcnemar([[10, b], [c, 10]], exact=True).pvalue)
    if b + c:
        assert p == close(stats.binomtest(b, b + c).pvalue)
    else:
        assert p == 1.0


@pytest.mark.parametrize(("k", "n"), [(-1, 3), (4, 3), (1.5, 3), (True, 3)])
def test_binomial_p_of_impossible_counts_is_none(k, n):
    assert binomial_two_sided_p(k, n) is None


@pytest.mark.parametrize("name", PAIRED_DATA_SETS)
def test_pearson_matches_scipy(name):
    pre, post = PAIRED_DATA_SETS[name]
    assert pearson(pre, post) == close(stats.pearsonr(pre, post).statistic)


def kr20_by_hand(matrix: list[list[float]]) -> float:
    """KR-20 as textbooks write it for 0/1 items: k/(k-1) * (1 - sum p q / population variance of totals)."""
    marks = np.array(matrix, dtype=float)
    k = marks.shape[1]
    p = marks.mean(axis=0)
    return k / (k - 1) * (1 - (p * (1 - p)).sum() / marks.sum(axis=1).var(ddof=0))


def cronbach_by_hand(matrix: list[list[float]]) -> float:
    marks = np.array(matrix, dtype=float)
    k = marks.shape[1]
    return k / (k - 1) * (1 - marks.var(axis=0, ddof=1).sum() / marks.sum(axis=1).var(ddof=1))


@pytest.mark.parametrize("name", ["ties", "rasch_1000x40"])
def test_kr20_of_right_or_wrong_items_matches_the_textbook_formula(name):
    matrix = MARK_MATRICES[name]
    assert kr20(matrix) == close(kr20_by_hand(matrix))
    assert kr20_by_item([list(column) for column in zip(*matrix, strict=True)]) == close(kr20_by_hand(matrix))


def test_kr20_of_partial_marks_is_cronbachs_alpha():
    matrix = MARK_MATRICES["fractional"]
    assert kr20(matrix) == close(cronbach_by_hand(matrix))


def test_kr20_worked_by_hand():
    # Items q1 = 1,1,0,1; q2 = 0,1,0,1; q3 = 0,0,0,1 -> p = .75, .5, .25; sum pq = .625.
    # Totals 1, 2, 0, 3: population variance 1.25. KR-20 = 3/2 * (1 - .625 / 1.25) = 0.75.
    assert kr20([[1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 1, 1]]) == close(0.75)


def test_standard_error_of_measurement_is_sd_times_root_of_unreliability():
    assert sem(20.0, 0.75) == close(10.0)
    assert sem(None, 0.75) is None
    assert sem(20.0, None) is None


def moodle_item_reference(item: list[float], rest: list[float]) -> tuple[float, float]:
    """Discrimination and efficiency (percent) as Moodle's question calculator computes them, in numpy."""
    x, r = np.array(item, dtype=float), np.array(rest, dtype=float)
    covariance = np.cov(x, r, ddof=1)[0, 1]
    best = np.cov(np.sort(x), np.sort(r), ddof=1)[0, 1]
    return stats.pearsonr(x, r).statistic, 100 * covariance / best


@pytest.mark.parametrize("name", MARK_MATRICES)
def test_item_statistics_match_pearsonr_and_moodles_efficiency(name):
    matrix = np.array(MARK_MATRICES[name], dtype=float)
    totals = matrix.sum(axis=1)
    for column in matrix.T:
        item, rest = column.tolist(), (totals - column).tolist()
        figures = item_statistics(item, rest)
        assert figures["n"] == len(item)
        assert figures["facility"] == close(column.mean())
        assert figures["sd"] == close(column.std(ddof=1))
        if len(set(item)) == 1 or len(set(rest)) == 1:
            assert figures["discrimination"] is figures["efficiency"] is None
            continue
        discrimination, efficiency = moodle_item_reference(item, rest)
        assert figures["discrimination"] == close(discrimination)
        assert figures["efficiency"] == close(efficiency)


def test_item_statistics_scale_facility_and_sd_by_the_max_mark():
    figures = item_statistics([0.0, 2.0, 2.0, 1.0], [3.0, 5.0, 4.0, 1.0], max_mark=2.0)
    assert figures["facility"] == close(5 / 8)
    assert figures["sd"] == close(np.std([0, 1, 1, 0.5], ddof=1))
    reference = item_statistics([0.0, 1.0, 1.0, 0.5], [3.0, 5.0, 4.0, 1.0])
    assert figures["discrimination"] == close(reference["discrimination"])
    assert figures["efficiency"] == close(reference["efficiency"])


def test_item_that_ranks_like_the_rest_of_the_test_is_fully_efficient():
    # Item 0,0,1,1 against rest 1,2,3,4: sorted pairing is the actual pairing, so cov = covmax.
    figures = item_statistics([0.0, 0.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0])
    assert figures["efficiency"] == close(100.0)


def test_item_statistics_of_item_everybody_got_right_leave_discrimination_undefined():
    figures = item_statistics([1.0, 1.0, 1.0], [0.0, 2.0, 1.0])
    assert figures == {"n": 3, "facility": 1.0, "sd": 0.0, "discrimination": None, "efficiency": None}


def test_normalized_gains_leave_out_perfect_pre_scores_from_the_individual_mean():
    pre, post = PAIRED_DATA_SETS["perfect_pre"]
    gains = normalized_gains(pre, post)
    kept = [(b - a) / (100 - a) for a, b in zip(pre, post, strict=True) if a < 100]
    assert gains["excluded"] == 2
    assert gains["mean"] == close(np.mean(kept))
    assert gains["class"] == close((np.mean(post) - np.mean(pre)) / (100 - np.mean(pre)))


def test_normalized_gains_of_a_class_that_was_perfect_before_are_undefined():
    gains = normalized_gains([100.0, 100.0], [100.0, 90.0])
    assert gains == {"n": 2, "class": None, "mean": None, "excluded": 2}


def test_rounding_noise_is_not_reported_as_spread():
    figures = describe([0.1 + 0.2, 0.3, 0.3])
    assert figures["sd"] == 0.0
    assert figures["skewness"] is figures["kurtosis"] is None
    assert kr20([[0.1, 0.2], [0.3, 0.0], [0.0, 0.3]]) is None


# Property tests. Scores are multiples of 2.5% (a 40-question test), exact in binary floating
# point, so "all values equal" can be decided exactly.
scores = st.integers(min_value=0, max_value=40).map(lambda k: 100.0 * k / 40)
score_lists = st.lists(scores, max_size=30)
score_pairs = st.lists(st.tuples(scores, scores), max_size=30)
marks = st.sampled_from([0.0, 0.5, 1.0])


@given(score_lists)
def test_describe_is_none_exactly_where_undefined(values):
    figures = describe(values)
    n, varies = len(values), len(set(values)) > 1
    assert figures["n"] == n
    for key in ("mean", "median", "min", "max"):
        assert (figures[key] is None) == (n == 0)
    assert (figures["sd"] is None) == (n < 2)
    assert (figures["skewness"] is None) == (n < 3 or not varies)
    assert (figures["kurtosis"] is None) == (n < 4 or not varies)
    assert all(value is None or math.isfinite(value) for value in figures.values())


@given(score_pairs)
def test_paired_t_is_none_exactly_where_undefined(pairs):
    pre, post = [a for a, _ in pairs], [b for _, b in pairs]
    result = paired_t(pre, post)
    n = len(pairs)
    testable = n >= 2 and len({b - a for a, b in pairs}) > 1
    assert (result["mean_gain"] is None) == (n == 0)
    assert (result["sd_gain"] is None) == (n < 2)
    for key in ("t", "p", "cohen_dz"):
        assert (result[key] is None) == (not testable)
    assert all((bound is None) == (not testable) for bound in result["ci95"])
    if testable:
        assert 0.0 <= result["p"] <= 1.0
        assert result["ci95"][0] <= result["mean_gain"] <= result["ci95"][1]


@given(score_pairs)
def test_pearson_is_none_exactly_where_undefined(pairs):
    x, y = [a for a, _ in pairs], [b for _, b in pairs]
    r = pearson(x, y)
    assert (r is None) == (len(pairs) < 2 or len(set(x)) == 1 or len(set(y)) == 1)
    assert r is None or -1.0 <= r <= 1.0


@given(st.integers(0, 8).flatmap(lambda k: st.lists(st.lists(marks, min_size=k, max_size=k), max_size=12)))
def test_kr20_is_none_exactly_where_undefined(matrix):
    alpha = kr20(matrix)
    items = len(matrix[0]) if matrix else 0
    totals = {sum(row) for row in matrix}
    assert (alpha is None) == (len(matrix) < 2 or items < 2 or len(totals) == 1)
    assert alpha is None or (math.isfinite(alpha) and alpha <= 1.0 + 1e-12)


@given(st.lists(st.tuples(marks, st.integers(0, 6).map(float)), max_size=15))
def test_item_statistics_are_none_exactly_where_undefined(rows):
    item, rest = [mark for mark, _ in rows], [other for _, other in rows]
    figures = item_statistics(item, rest)
    n = len(rows)
    correlates = n >= 2 and len(set(item)) > 1 and len(set(rest)) > 1
    assert (figures["facility"] is None) == (n == 0)
    assert (figures["sd"] is None) == (n < 2)
    assert (figures["discrimination"] is None) == (not correlates)
    assert (figures["efficiency"] is None) == (not correlates)
    if correlates:
        assert -1.0 <= figures["discrimination"] <= 1.0
        # Sorted pairing is the largest covariance (rearrangement inequality), so at most 100%;
        # there is no matching floor: Moodle's efficiency can fall below -100%.
        assert figures["efficiency"] <= 100.0 + 1e-9
        assert (figures["efficiency"] < 0) == (figures["discrimination"] < 0)


@given(score_pairs)
def test_normalized_gains_are_none_exactly_where_undefined(pairs):
    pre, post = [a for a, _ in pairs], [b for _, b in pairs]
    gains = normalized_gains(pre, post)
    perfect = sum(1 for a in pre if a == 100.0)
    assert gains["excluded"] == perfect
    assert (gains["mean"] is None) == (perfect == len(pairs))
    assert (gains["class"] is None) == (perfect == len(pairs))


@given(st.integers(0, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_binomial_p_is_a_symmetric_probability(k_n):
    k, n = k_n
    p = binomial_two_sided_p(k, n)
    assert 0.0 < p <= 1.0
    assert p == binomial_two_sided_p(n - k, n)


def test_binomial_p_is_continuous_where_the_exact_sum_hands_over_to_the_incomplete_beta():
    from service.domain.distributions import EXACT_BINOMIAL_UP_TO, regularized_beta

    n = EXACT_BINOMIAL_UP_TO
    for k in range(0, n // 2 + 1, 25):
        by_beta = min(1.0, 2 * regularized_beta(0.5, n - k, k + 1))
        assert binomial_two_sided_p(k, n) == close(by_beta)


# Small spreads: a sum of squared deviations under 1 is a spread all the same.
SMALL_SPREAD = [0.1, 0.2, 0.4, 0.9]


def test_describe_of_values_with_a_small_spread_matches_scipy():
    figures = describe(SMALL_SPREAD)
    assert figures["sd"] == close(np.std(SMALL_SPREAD, ddof=1))
    assert figures["skewness"] == close(stats.skew(SMALL_SPREAD, bias=False))
    assert figures["kurtosis"] == close(stats.kurtosis(SMALL_SPREAD, bias=False))


def test_pearson_and_kr20_of_small_marks_match_the_references():
    x, y = [0.1, 0.2, 0.3, 0.5], [0.3, 0.1, 0.2, 0.4]
    assert pearson(x, y) == close(stats.pearsonr(x, y).statistic)
    matrix = [[0.1, 0.0], [0.2, 0.1], [0.0, 0.0], [0.3, 0.2]]
    assert kr20(matrix) == close(cronbach_by_hand(matrix))


def test_item_statistics_of_small_partial_marks_match_the_references():
    item, rest = [0.0, 0.1, 0.3, 0.2], [0.2, 0.1, 0.5, 0.4]
    figures = item_statistics(item, rest, max_mark=0.5)
    assert figures["facility"] == close(np.mean(item) / 0.5)
    assert figures["sd"] == close(np.std(item, ddof=1) / 0.5)
    assert figures["discrimination"] == close(stats.pearsonr(item, rest).statistic)


def test_item_statistics_where_the_rest_does_not_vary_keep_facility_and_sd_only():
    figures = item_statistics([0.0, 1.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0], max_mark=2.0)
    assert figures["facility"] == close(5 / 8)
    assert figures["sd"] == close(np.std([0.0, 0.5, 1.0, 1.0], ddof=1))
    assert figures["discrimination"] is figures["efficiency"] is None


def test_right_or_wrong_item_where_the_rest_does_not_vary_keeps_facility_and_sd_only():
    figures = item_statistics([0.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0])
    assert figures["facility"] == 0.75 and figures["sd"] == close(np.std([0, 1, 1, 1], ddof=1))
    assert figures["discrimination"] is figures["efficiency"] is None


@pytest.mark.parametrize(("mark", "max_mark", "facility"), [(2.0, 4.0, 0.5), (3.0, 2.0, 1.5), (0.5, 1.0, 0.5)])
def test_facility_of_an_item_everybody_scored_the_same_on_is_that_mark_over_the_max(mark, max_mark, facility):
    figures = item_statistics([mark] * 3, [0.0, 2.0, 1.0], max_mark=max_mark)
    assert figures == {"n": 3, "facility": facility, "sd": 0.0, "discrimination": None, "efficiency": None}


def test_describe_of_values_whose_squares_overflow_does_not_raise():
    # Squared deviations overflow a float; sd, skewness and kurtosis do not (scipy on data / 1e200).
    values = [1e200, -1e200, 0.0, 5.0]
    figures = describe(values)
    scaled = [value / 1e200 for value in values]
    assert figures["mean"] == close(1.25) and figures["median"] == 2.5
    assert figures["sd"] == close(1e200 * np.std(scaled, ddof=1))
    assert figures["skewness"] == close(stats.skew(scaled, bias=False))
    assert figures["kurtosis"] == close(stats.kurtosis(scaled, bias=False))


def test_a_figure_that_overflows_a_float_is_none_not_infinity():
    # The values are finite, their sd (2.4e308) is not a float: left out, never inf or NaN.
    figures = describe([1.7e308, -1.7e308])
    assert figures["mean"] == 0.0 and figures["sd"] is None
    assert figures["max"] == 1.7e308


def test_median_of_two_values_whose_sum_overflows_is_their_midpoint():
    assert describe([1.7e308, 1.6e308])["median"] == close(1.65e308)


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        (paired_t, "zip() argument 2 is shorter than argument 1"),
        (normalized_gains, "zip() argument 2 is shorter than argument 1"),
        (pearson, "pearson needs two sequences of the same length"),
        (item_statistics, "item_statistics needs one rest mark per item mark"),
    ],
)
def test_paired_figures_refuse_lists_of_different_lengths(figures, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        figures([10.0, 20.0, 30.0], [15.0, 25.0])


@pytest.mark.parametrize(
    ("x", "y", "r"),
    [
        # exactly linear data whose r, summed in floating point, comes out 1 + 2^-52 or -1 - 2^-52
        ([0.6, 0.6, 0.9, 0.7, 0.2, 0.5], [2.5, 2.5, 3.4000000000000004, 2.8, 1.3, 2.2], 1.0),
        ([0.25, 1.0, 0.0], [3.25, -2.0, 5.0], -1.0),
    ],
)
def test_correlation_of_linear_data_never_exceeds_one_by_rounding(x, y, r):
    assert pearson(x, y) == r
    assert item_statistics(x, y)["discrimination"] == r


def test_discrimination_of_partial_marks_never_exceeds_one_by_rounding():
    figures = item_statistics([0.6, 0.8, 0.1, 0.9], [0.76, 0.78, 0.71, 0.7899999999999999])
    assert figures["discrimination"] == 1.0


def test_describe_of_fewer_than_three_values_has_every_figure_named():
    assert describe([1.0, 3.0]) == {
        "n": 2,
        "mean": 2.0,
        "median": 2.0,
        "sd": close(math.sqrt(2.0)),
        "min": 1.0,
        "max": 3.0,
        "skewness": None,
        "kurtosis": None,
    }


@pytest.mark.parametrize("values", [[1e300, 1.0, 2.0, 3.0], [-1e300, -1.0, -2.0, -3.0], [-3.0, 2.0, 1e300, 1e299]])
def test_describe_is_scaled_by_the_largest_magnitude_at_either_end(values):
    figures = describe(values)
    scaled = [value / 1e300 for value in values]
    assert figures["sd"] == close(1e300 * np.std(scaled, ddof=1))
    assert figures["skewness"] == close(stats.skew(scaled, bias=False))


def test_item_worth_two_points_marked_right_or_wrong_is_a_right_or_wrong_item():
    figures = item_statistics([0.0, 2.0, 2.0, 0.0, 2.0], [1.0, 5.0, 3.0, 2.0, 1.0], max_mark=2.0)
    reference = item_statistics([0.0, 1.0, 1.0, 0.0, 1.0], [1.0, 5.0, 3.0, 2.0, 1.0])
    assert figures == {key: close(value) for key, value in reference.items()}
    assert figures["facility"] == close(0.6) and figures["sd"] == close(np.std([0, 1, 1, 0, 1], ddof=1))


def test_item_statistics_without_a_positive_max_mark_are_undefined():
    assert item_statistics([1.0, 0.0], [1.0, 2.0], max_mark=0.0) == {
        "n": 2,
        "facility": None,
        "sd": None,
        "discrimination": None,
        "efficiency": None,
    }


@pytest.mark.parametrize("alpha", [1.5, 2.0])
def test_standard_error_of_measurement_is_none_when_alpha_is_above_one(alpha):
    assert sem(10.0, alpha) is None
