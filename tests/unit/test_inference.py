"""The intervals and tests of issue 17 (domain/inference.py, interval_distributions.py) against scipy,
statsmodels and published examples: the LSAT-7 data (KR-20 0.4534, Feldt's interval), R's sleep data
(t, d_z and its noncentral-t interval, as MBESS `ci.sm`), a Wilcoxon table with ties and zeros, and
the noncentral t and F distributions themselves. scipy and statsmodels are only the references."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from service.domain import inference
from service.domain.interval_distributions import brent, f_cdf, f_ppf, noncentral_t_cdf, normal_cdf
from service.domain.statistics import kr20, paired_t

REL = 1e-9


def close(expected, rel: float = REL) -> object:
    return None if expected is None else pytest.approx(float(expected), rel=rel, abs=1e-12)


# LSAT section 7 (Bock & Lieberman 1970), 1,000 examinees x 5 items: the 32 response patterns in
# binary order 00000 ... 11111 and how many examinees gave each (R: mirt::LSAT7, ltm::LSAT7).
LSAT7_FREQUENCIES = [12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28]
LSAT7_FREQUENCIES += [7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308]
# R's `sleep` data (Cushny & Peebles 1905): extra hours of sleep of 10 patients on two drugs.
SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
# Paired differences (percentage points) with zeros and tied magnitudes, as a class's scores give them.
WILCOXON_TABLE = [0, 0, 10, -10, 20, 20, -20, 30, 30, 30, 50, -40, 0, 60, 70, 20, 10, -10]


def lsat7() -> list[list[int]]:
    rows = []
    for pattern, count in zip(itertools.product((0, 1), repeat=5), LSAT7_FREQUENCIES, strict=True):
        rows += [list(pattern)] * count
    return rows


def test_lsat7_kr20_is_the_published_0_4534_and_feldts_interval_matches_scipys_f():
    rows = lsat7()
    assert len(rows) == 1000
    alpha = kr20(rows)
    assert round(alpha, 4) == 0.4534
    low, high = inference.feldt_ci95(alpha, 1000, 5)
    assert low == close(1 - (1 - alpha) * stats.f.ppf(0.975, 999, 3996))
    assert high == close(1 - (1 - alpha) * stats.f.ppf(0.025, 999, 3996))
    assert (round(low, 3), round(high, 3)) == (0.398, 0.505)


def test_alpha_if_deleted_is_alpha_of_the_test_without_the_item():
    matrix = np.array(lsat7(), dtype=float)
    columns = [list(matrix[:, j]) for j in range(5)]
    expected = [kr20(np.delete(matrix, j, axis=1).tolist()) for j in range(5)]
    assert inference.alpha_if_deleted(columns, list(matrix.sum(axis=1))) == [close(value) for value in expected]


@pytest.mark.parametrize("n_k", [(2, 5), (5, 2), (0, 3)])
def test_alpha_if_deleted_needs_three_people_and_three_items(n_k):
    n, k = n_k
    columns = [[float((i + j) % 2) for i in range(n)] for j in range(k)]
    assert inference.alpha_if_deleted(columns, [sum(row) for row in zip(*columns, strict=True)]) == [None] * k


def test_sleep_data_t_dz_and_its_noncentral_t_interval():
    """R: t.test(extra ~ group, data = sleep, paired = TRUE) gives t = -4.0621, df = 9; MBESS::ci.sm on
    d_z = -1.2846 with N = 10 gives the noncentrality limits over sqrt(10)."""
    test = paired_t(SLEEP_DRUG_2, SLEEP_DRUG_1)
    assert round(-test["t"], 4) == 4.0621
    assert round(-test["cohen_dz"], 4) == 1.2846
    differences = np.subtract(SLEEP_DRUG_1, SLEEP_DRUG_2)
    t = stats.ttest_1samp(differences, 0).statistic
    low = optimize.brentq(lambda d: stats.nct.cdf(t, 9, d) - 0.975, -15, 5, xtol=1e-14)
    high = optimize.brentq(lambda d: stats.nct.cdf(t, 9, d) - 0.025, -15, 5, xtol=1e-14)
    interval = inference.cohen_dz_ci95(t, 10)
    assert interval == [close(low / math.sqrt(10), 1e-8), close(high / math.sqrt(10), 1e-8)]
    assert [round(bound, 3) for bound in interval] == [-2.118, -0.415]


@pytest.mark.parametrize("t_n", [(0.0, 2), (0.3, 3), (2.5, 20), (-6.0, 40), (35.0, 1000), (110.0, 10000)])
def test_dz_interval_inverts_scipys_noncentral_t(t_n):
    t, n = t_n
    low, high = inference.cohen_dz_ci95(t, n)
    root = math.sqrt(n)
    assert stats.nct.cdf(t, n - 1, low * root) == pytest.approx(0.975, abs=1e-9)
    assert stats.nct.cdf(t, n - 1, high * root) == pytest.approx(0.025, abs=1e-9)


@pytest.mark.parametrize("t_n", [(None, 10), (2.0, 1), (math.inf, 10)])
def test_dz_interval_is_none_where_undefined(t_n):
    assert inference.cohen_dz_ci95(*t_n) == [None, None]


def test_noncentral_t_cdf_matches_scipy():
    rng, compared = random.Random(3), 0
    for _ in range(1500):
        df = rng.choice([1, 2, 3, 5, 9, 29, 100, 999, 9999])
        delta = rng.uniform(-1, 1) * rng.choice([0.01, 1, 5, 20, 60, 150])
        t = delta + rng.gauss(0, 1) * rng.choice([0.3, 2, 6])
        expected = stats.nct.cdf(t, df, delta)
        if math.isnan(expected):  # Boost gives up far in a tail of df = 1 or 2; nothing to compare
            continue
        assert noncentral_t_cdf(t, df, delta) == pytest.approx(expected, abs=1e-10)
        compared += 1
    assert compared > 1400
    assert noncentral_t_cdf(1.5, 9, 0.0) == close(stats.t.cdf(1.5, 9))
    assert noncentral_t_cdf(0.0, 9, 1.0) == close(stats.norm.cdf(-1.0))


def test_f_and_normal_match_scipy():
    for df1, df2 in [(1, 1), (2, 3), (9, 36), (999, 3996), (4, 10000)]:
        for p in (0.001, 0.025, 0.5, 0.975, 0.999):
            assert f_ppf(p, df1, df2) == close(stats.f.ppf(p, df1, df2), 1e-8)
        assert f_cdf(1.3, df1, df2) == close(stats.f.cdf(1.3, df1, df2))
    for z in (-8.0, -1.96, 0.0, 0.5, 3.0):
        assert normal_cdf(z) == close(stats.norm.cdf(z))


@pytest.mark.parametrize("args", [(0.5, 0, 3), (1.0, 2, 3), (0.5, 2, -1), (math.nan, 2, 3)])
def test_f_quantile_outside_its_domain_is_none(args):
    assert f_ppf(*args) is None


def test_brent_finds_a_root_and_says_none_without_a_sign_change():
    assert brent(lambda x: x * x - 2, 0, 2) == pytest.approx(math.sqrt(2), abs=1e-12)
    assert brent(lambda x: x * x + 1, -1, 1) is None


def exact_signed_rank_p(nonzero: list[float]) -> float:
    """Two-sided exact signed-rank p by counting all 2^n sign patterns of scipy's mid-ranks."""
    magnitudes = stats.rankdata(np.abs(nonzero))
    observed = magnitudes[np.array(nonzero) > 0].sum()
    sums = [
        sum(rank for rank, positive in zip(magnitudes, signs, strict=True) if positive)
        for signs in itertools.product((False, True), repeat=len(nonzero))
    ]
    lower = sum(total <= observed + 1e-9 for total in sums) / len(sums)
    upper = sum(total >= observed - 1e-9 for total in sums) / len(sums)
    return min(1.0, 2 * min(lower, upper))


def test_wilcoxon_with_ties_and_zeros_matches_scipy_without_continuity_correction():
    expected = stats.wilcoxon(WILCOXON_TABLE, zero_method="wilcox", correction=False, method="approx").pvalue
    assert inference.wilcoxon_p(WILCOXON_TABLE) == close(expected)


def test_wilcoxon_of_fewer_than_ten_differences_is_exact_also_with_ties():
    differences = [0, 10, 10, -10, 20, 30, -30, 40, 0, 50]  # 8 non-zero, tied magnitudes
    assert inference.wilcoxon_p(differences) == close(exact_signed_rank_p([d for d in differences if d]))
    untied = [1, 2, -3, 4, 5, 6, -7, 8]
    assert inference.wilcoxon_p(untied) == close(stats.wilcoxon(untied, method="exact").pvalue)


def test_wilcoxon_and_sign_test_are_none_when_nothing_changed():
    assert inference.wilcoxon_p([0.0, 0.0, 1e-12]) is None
    assert inference.sign_test_p([0.0, 0.0]) is None


def test_sign_test_is_the_exact_binomial_on_the_non_zero_signs():
    positives = sum(d > 0 for d in WILCOXON_TABLE)
    nonzero = sum(d != 0 for d in WILCOXON_TABLE)
    assert inference.sign_test_p(WILCOXON_TABLE) == close(stats.binomtest(positives, nonzero).pvalue)


@pytest.mark.parametrize("x_n", [(0, 1), (0, 20), (7, 20), (19, 20), (20, 20), (480, 1000)])
def test_wilson_interval_matches_statsmodels(x_n):
    low, high = proportion_confint(*x_n, method="wilson")
    assert inference.wilson_ci95(*x_n) == [close(low), close(high)]


def test_wilson_interval_of_nobody_is_none():
    assert inference.wilson_ci95(0, 0) == [None, None]


def test_holm_matches_statsmodels_and_leaves_untested_items_out_of_the_family():
    p_values = [0.01, None, 0.04, 0.03, 0.5, 0.001, None]
    tested = [p for p in p_values if p is not None]
    expected = iter(multipletests(tested, method="holm")[1])
    assert inference.holm(p_values) == [None if p is None else close(next(expected)) for p in p_values]


def test_welch_interval_matches_scipy():
    rng = np.random.default_rng(5)
    first, second = rng.normal(60, 12, 40), rng.normal(52, 20, 9)
    expected = stats.ttest_ind(first, second, equal_var=False).confidence_interval(0.95)
    assert inference.welch_ci95(list(first), list(second)) == [close(expected.low), close(expected.high)]
    assert inference.welch_ci95([50.0], list(second)) == [None, None]


def test_class_gain_interval_is_the_delta_method_for_a_ratio_of_means():
    rng = np.random.default_rng(11)
    pre = np.clip(rng.normal(45, 15, 60), 0, 95)
    post = np.clip(pre + rng.normal(20, 12, 60), 0, 100)
    a, b = 100 - post, 100 - pre
    ratio = a.mean() / b.mean()
    # the gradient of mean(a) / mean(b) applied to the covariance matrix of the two means
    cov = np.cov(np.vstack([a, b]), ddof=1) / len(a)
    gradient = np.array([1 / b.mean(), -a.mean() / b.mean() ** 2])
    se = math.sqrt(gradient @ cov @ gradient)
    half = stats.t.ppf(0.975, len(a) - 1) * se
    low, high = inference.normalized_gain_class_ci95(list(pre), list(post))
    assert (low, high) == (close(1 - ratio - half), close(1 - ratio + half))


def test_class_gain_interval_is_none_where_undefined():
    assert inference.normalized_gain_class_ci95([50.0], [60.0]) == [None, None]
    assert inference.normalized_gain_class_ci95([100.0, 100.0], [90.0, 100.0]) == [None, None]


def test_normalized_change_is_bounded_and_drops_the_extremes_kept_both_times():
    # 90 -> 0 would be g = -9; c is -1. 40 -> 70: c = 30/60. 0 -> 0 and 100 -> 100 are left out; 50 -> 50 is 0.
    change = inference.normalized_change([90, 40, 0, 100, 50], [0, 70, 0, 100, 50])
    assert change == {"mean": close((-1 + 0.5 + 0) / 3), "n": 3, "excluded": 2}
    assert inference.normalized_change([100.0], [100.0])["mean"] is None
