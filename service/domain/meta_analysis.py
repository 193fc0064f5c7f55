"""A random-effects summary of one figure across cohorts: DerSimonian and Laird's method (docs/report.md).

Each cohort brings an effect (its mean gain, percentage points) and the effect's variance (the
squared standard error, sd² / n). The summary weighs the cohorts by the inverse of their variance
plus the between-cohort variance tau², estimated by the method of moments from Cochran's Q
(DerSimonian & Laird 1986, Controlled Clinical Trials 7:177-188); I² is Higgins and Thompson's
share of the variation that is heterogeneity rather than chance (Statistics in Medicine 2002,
21:1539-1558). Standard library only: the Lambda package has no scipy; the tests check every figure
against statsmodels' `combine_effects(method_re="dl")`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

METHOD = "DerSimonian-Laird"
Z_975 = NormalDist().inv_cdf(0.975)


def dersimonian_laird(effects: Sequence[float], variances: Sequence[float]) -> dict:
    """The random-effects summary of `effects` with their within-cohort `variances` (each > 0).

    Keys: method, cohorts (how many), estimate, se, ci95 (normal, as DerSimonian and Laird), tau2,
    i2 (fraction), q, q_df, q_p. With no cohort every figure is None; with one, the estimate is that
    cohort's effect and its interval, and heterogeneity (tau2, i2, q, q_p) is undefined: None.
    tau² is truncated at 0 and so is I², as both papers define them.
    """
    if len(effects) != len(variances):
        raise ValueError("one variance per effect")
    if any(not variance > 0 for variance in variances):
        raise ValueError("every variance must be positive: a cohort without spread has no weight")
    count = len(effects)
    summary = {"method": METHOD, "cohorts": count, "estimate": None, "se": None, "ci95": [None, None]}
    summary |= {"tau2": None, "i2": None, "q": None, "q_df": None, "q_p": None}
    if count == 0:
        return summary
    weights = [1.0 / variance for variance in variances]
    total = math.fsum(weights)
    fixed = math.fsum(w * y for w, y in zip(weights, effects, strict=True)) / total
    tau2 = 0.0
    if count > 1:
        q = math.fsum(w * (y - fixed) ** 2 for w, y in zip(weights, effects, strict=True))
        df = count - 1
        c = total - math.fsum(w * w for w in weights) / total
        tau2 = max(0.0, (q - df) / c)
        i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
        summary |= {"tau2": tau2, "i2": i2, "q": q, "q_df": df, "q_p": chi2_sf(q, df)}
    random_weights = [1.0 / (variance + tau2) for variance in variances]
    random_total = math.fsum(random_weights)
    estimate = math.fsum(w * y for w, y in zip(random_weights, effects, strict=True)) / random_total
    se = math.sqrt(1.0 / random_total)
    summary |= {"estimate": estimate, "se": se, "ci95": [estimate - Z_975 * se, estimate + Z_975 * se]}
    return summary


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi² with a whole number of degrees of freedom (>= 1), in closed form:
    for even df, e^(-x/2) Σ_{j<df/2} (x/2)^j / j!; for odd df, erfc(√(x/2)) plus
    e^(-x/2) Σ_{j=1}^{(df-1)/2} x^(j-1/2) / (1·3·…·(2j-1)) · √(2/π) (Abramowitz & Stegun 26.4.4-5).
    Terms are summed in logarithms, so a large Q over many cohorts neither overflows nor underflows early."""
    if df < 1 or df != int(df):
        raise ValueError("df must be a whole number >= 1")
    if x <= 0:
        return 1.0
    half = x / 2.0
    if df % 2 == 0:
        logs = [-half + j * math.log(half) - math.lgamma(j + 1) for j in range(df // 2)]
        return min(1.0, math.fsum(math.exp(value) for value in logs))
    # 1·3·…·(2j-1) = (2j)! / (2^j j!)
    logs = [
        -half + (j - 0.5) * math.log(x) - (math.lgamma(2 * j + 1) - j * math.log(2) - math.lgamma(j + 1))
        for j in range(1, (df - 1) // 2 + 1)
    ]
    tail = math.sqrt(2.0 / math.pi) * math.fsum(math.exp(value) for value in logs)
    return min(1.0, math.erfc(math.sqrt(half)) + tail)
