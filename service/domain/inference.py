"""Intervals and tests the evaluator needs beside the paired t-test (issue 17), on plain lists of floats.

Each function names its reference in its docstring; docs/report.md gives the formulas. Like
statistics.py, a figure the data do not define is None: never NaN, never an exception.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

from service.domain.distributions import binomial_two_sided_p, t_ppf
from service.domain.interval_distributions import brent, f_ppf, noncentral_t_cdf, normal_two_sided_p

Z_975 = 1.959963984540054  # the standard normal's 97.5% quantile
ZERO = 1e-9  # percent differences are sums of fractions: |d| under this is no change
EXACT_WILCOXON_BELOW = 10  # non-zero differences; from 10 on, the normal approximation
_DELTA_PRECISION = 1e-11  # relative, of the interval's noncentralities
_RANK_DIGITS = 9  # |differences| equal to 9 decimals are ties (rounding noise is not a rank)


def cohen_dz_ci95(t: float | None, n: int) -> list[float | None]:
    """95% interval of d_z = t / sqrt(n) by inverting the noncentral t (Steiger & Fouladi 1997;
    Algina & Keselman 2003; MBESS `ci.sm`): the noncentralities whose t distribution with n - 1 df puts
    t at its 97.5% and 2.5% points, divided by sqrt(n)."""
    if t is None or n < 2 or not math.isfinite(t):
        return [None, None]
    df = n - 1
    low = _noncentrality_where(t, df, 0.975)
    high = _noncentrality_where(t, df, 0.025)
    if low is None or high is None:
        return [None, None]
    root = math.sqrt(n)
    return [low / root, high / root]


def _noncentrality_where(t: float, df: int, probability: float) -> float | None:
    """The delta with P(T <= t | df, delta) = probability; that probability falls as delta rises.

    The normal approximation delta ~ t -+ z sqrt(1 + t^2 / 2df) lands within a fraction of its
    spread, so a narrow bracket around it (widened until it holds the root) takes Brent's method
    a handful of steps."""
    spread = math.sqrt(1.0 + t * t / (2.0 * df))
    guess = t + (Z_975 if probability < 0.5 else -Z_975) * spread

    def excess(delta: float) -> float:
        return noncentral_t_cdf(t, df, delta) - probability

    width = 0.25 * spread
    low, high = guess - width, guess + width
    for _ in range(60):
        if excess(low) > 0.0:
            break
        low -= width
        width *= 2.0
    for _ in range(60):
        if excess(high) < 0.0:
            break
        high += width
        width *= 2.0
    return brent(excess, low, high, relative=_DELTA_PRECISION)


def wilcoxon_p(differences: Sequence[float]) -> float | None:
    """Two-sided Wilcoxon signed-rank p on paired differences, zero differences dropped (Wilcoxon's
    method), tied magnitudes given mid-ranks. With 10 or more non-zero differences the normal
    approximation with the tie correction of the variance and no continuity correction (scipy
    `wilcoxon(zero_method="wilcox", correction=False, method="approx")`); below, the exact
    distribution of the positive rank sum over all 2^n sign patterns (exact with ties as well)."""
    nonzero = [float(d) for d in differences if abs(d) > ZERO]
    n = len(nonzero)
    if n == 0:
        return None
    magnitudes = [round(abs(d), _RANK_DIGITS) for d in nonzero]
    ranks = _midranks(magnitudes)
    positive = math.fsum(rank for rank, d in zip(ranks, nonzero, strict=True) if d > 0)
    if n >= EXACT_WILCOXON_BELOW:
        ties = {}
        for magnitude in magnitudes:
            ties[magnitude] = ties.get(magnitude, 0) + 1
        variance = n * (n + 1) * (2 * n + 1) / 24.0 - sum(c**3 - c for c in ties.values()) / 48.0
        return normal_two_sided_p((positive - n * (n + 1) / 4.0) / math.sqrt(variance))
    return _exact_signed_rank_p(ranks, positive)


def _midranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2.0 + 1.0
        start = end + 1
    return ranks


def _exact_signed_rank_p(ranks: list[float], positive: float) -> float:
    """2 min(P(W+ <= w), P(W+ >= w)) under random signs; doubled mid-ranks are whole numbers."""
    doubled = [round(2 * rank) for rank in ranks]
    counts = {0: 1}
    for rank in doubled:
        grown = dict(counts)
        for total, ways in counts.items():
            grown[total + rank] = grown.get(total + rank, 0) + ways
        counts = grown
    observed = round(2 * positive)
    lower = sum(ways for total, ways in counts.items() if total <= observed)
    upper = sum(ways for total, ways in counts.items() if total >= observed)
    return min(1.0, 2 * min(lower, upper) / 2 ** len(ranks))


def sign_test_p(differences: Sequence[float]) -> float | None:
    """Exact two-sided binomial test of the signs of the non-zero differences (Dixon & Mood 1946);
    None when every difference is zero."""
    signs = [d > 0 for d in differences if abs(d) > ZERO]
    return binomial_two_sided_p(sum(signs), len(signs)) if signs else None


def wilson_ci95(successes: int, n: int) -> list[float | None]:
    """Wilson's (1927) score interval for a proportion (statsmodels `proportion_confint(method="wilson")`)."""
    if n <= 0 or not 0 <= successes <= n:
        return [None, None]
    share, z2 = successes / n, Z_975 * Z_975
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return [max(0.0, centre - half), min(1.0, centre + half)]


def normalized_gain_class_ci95(pre: Sequence[float], post: Sequence[float]) -> list[float | None]:
    """95% interval of Hake's class gain g = 1 - mean(100 - post) / mean(100 - pre) by the delta method
    for a ratio of means (the ratio estimator's variance, Cochran 1977 ch. 6): se = sqrt(sum (a_i - R b_i)^2
    / (n (n - 1))) / mean(b), a = 100 - post, b = 100 - pre, R = mean(a) / mean(b); g +- t(0.975, n - 1) se."""
    n = len(pre)
    if n < 2 or len(post) != n:
        return [None, None]
    a = [100.0 - float(value) for value in post]
    b = [100.0 - float(value) for value in pre]
    mean_a, mean_b = math.fsum(a) / n, math.fsum(b) / n
    if mean_b <= 0.0:
        return [None, None]
    ratio = mean_a / mean_b
    residual_squares = math.fsum((ai - ratio * bi) ** 2 for ai, bi in zip(a, b, strict=True))
    se = math.sqrt(residual_squares / (n * (n - 1))) / mean_b
    if se == 0.0:
        return [None, None]
    half = t_ppf(0.975, n - 1) * se
    return [1.0 - ratio - half, 1.0 - ratio + half]


def normalized_change(pre: Sequence[float], post: Sequence[float]) -> dict:
    """Marx & Cummings' (2007) normalized change c per participant, averaged: (post - pre) / (100 - pre)
    on a rise, (post - pre) / pre on a fall, 0 when equal; participants at 0 or 100 both times dropped.
    Bounded in [-1, 1], unlike the individual g (one 90 -> 0 gives g = -9)."""
    changes = []
    for before, after in zip(pre, post, strict=True):
        before, after = float(before), float(after)
        if abs(after - before) <= ZERO:
            if before <= ZERO or before >= 100.0 - ZERO:
                continue
            changes.append(0.0)
        elif after > before:
            changes.append((after - before) / (100.0 - before))
        else:
            changes.append((after - before) / before)
    mean = math.fsum(changes) / len(changes) if changes else None
    return {"mean": mean, "n": len(changes), "excluded": len(pre) - len(changes)}


def feldt_ci95(alpha: float | None, n: int, k: int) -> list[float | None]:
    """Feldt's (1965; Feldt, Woodruff & Salih 1987) interval for coefficient alpha / KR-20 of n people
    on k items: 1 - (1 - alpha) F(0.975 and 0.025; n - 1, (n - 1)(k - 1))."""
    if alpha is None or n < 3 or k < 2:
        return [None, None]
    df1, df2 = n - 1, (n - 1) * (k - 1)
    upper_f, lower_f = f_ppf(0.975, df1, df2), f_ppf(0.025, df1, df2)
    if upper_f is None or lower_f is None:
        return [None, None]
    return [1.0 - (1.0 - alpha) * upper_f, 1.0 - (1.0 - alpha) * lower_f]


def welch_ci95(first: Sequence[float], second: Sequence[float]) -> list[float | None]:
    """95% interval of mean(first) - mean(second) without assuming equal variances (Welch 1947;
    Satterthwaite's df); None with fewer than 2 in either group or no spread in both."""
    n1, n2 = len(first), len(second)
    if n1 < 2 or n2 < 2:
        return [None, None]
    mean1, mean2 = math.fsum(first) / n1, math.fsum(second) / n2
    v1 = math.fsum((x - mean1) ** 2 for x in first) / (n1 - 1) / n1
    v2 = math.fsum((x - mean2) ** 2 for x in second) / (n2 - 1) / n2
    if v1 + v2 <= 0.0:
        return [None, None]
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    half = t_ppf(0.975, df) * math.sqrt(v1 + v2)
    return [mean1 - mean2 - half, mean1 - mean2 + half]


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's (1979) step-down adjustment across the p-values that are not None (the family);
    None stays None (statsmodels `multipletests(method="holm")`)."""
    family = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    adjusted: list[float | None] = [None] * len(p_values)
    running, m = 0.0, len(family)
    for position, (p, index) in enumerate(family):
        running = max(running, min(1.0, (m - position) * p))
        adjusted[index] = running
    return adjusted


def alpha_if_deleted(columns: Sequence[Sequence[float]], totals: Sequence[float]) -> list[float | None]:
    """Cronbach's alpha of the test without each item in turn, from the item columns (points) and totals:
    var(total - item) = var(total) - 2 cov(total, item) + var(item), so one pass per item."""
    k, n = len(columns), len(totals)
    if k < 3 or n < 3:
        return [None] * k
    mean_total = math.fsum(totals) / n
    total_dev = [value - mean_total for value in totals]
    total_ss = sum(map(operator.mul, total_dev, total_dev))  # plain sums: deviations from the mean are small
    item_ss, cross = [], []
    for column in columns:
        mean = math.fsum(column) / n
        deviations = [value - mean for value in column]
        item_ss.append(sum(map(operator.mul, deviations, deviations)))
        cross.append(sum(map(operator.mul, deviations, total_dev)))
    all_items_ss = math.fsum(item_ss)
    result: list[float | None] = []
    for ss, cp in zip(item_ss, cross, strict=True):
        rest_ss = total_ss - 2.0 * cp + ss
        if rest_ss <= 1e-12 * max(total_ss, 1.0):
            result.append(None)
        else:
            result.append((k - 1) / (k - 2) * (1.0 - (all_items_ss - ss) / rest_ss))
    return result
