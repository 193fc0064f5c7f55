"""Student's t and the fair-coin binomial, written out so the Lambda package needs no scipy.

The report needs three numbers from distributions: the two-sided p-value of a paired t-test,
the t quantile for its 95% confidence interval, and McNemar's exact p-value. scipy would add
tens of megabytes to the Lambda package for that, so they are computed here from the
regularized incomplete beta function (continued fraction, modified Lentz) and exact integer
binomial sums. The tests hold them to scipy and statsmodels to 1e-9 relative.

Functions return None, never raise and never return NaN, when asked about an undefined case
(df <= 0, a probability outside (0, 1), a count outside 0..n).
"""

from __future__ import annotations

import math

_MAX_ITERATIONS = 10_000
_EPSILON = 1e-15
_TINY = 1e-300
_STIRLING_FROM = 20.0
EXACT_BINOMIAL_UP_TO = 1000


def regularized_beta(x: float, a: float, b: float) -> float | None:
    """I_x(a, b), the regularized incomplete beta function; None outside a, b > 0 and 0 <= x <= 1."""
    if not (a > 0 and b > 0 and 0.0 <= x <= 1.0):
        return None
    return _regularized_beta(x, 1.0 - x, a, b)


def _regularized_beta(x: float, y: float, a: float, b: float) -> float:
    """I_x(a, b) given y = 1 - x separately, so that x near 1 keeps its precision."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_x = math.log1p(-y) if x > 0.5 else math.log(x)
    log_y = math.log1p(-x) if y > 0.5 else math.log(y)
    log_front = a * log_x + b * log_y - _log_beta(a, b)
    front = math.exp(log_front)
    # The continued fraction converges fast only on one side of the mean; use the symmetry
    # I_x(a, b) = 1 - I_y(b, a) on the other.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(y, b, a) / b


def _log_beta(a: float, b: float) -> float:
    """log B(a, b), without the cancellation of lgamma(a) - lgamma(a + b) when a is large.

    For large df the t tail needs lgamma(df/2) - lgamma(df/2 + 1/2): two numbers in the
    thousands whose difference is a few units. Stirling's series for that difference keeps
    it to ~1e-16 instead of ~1e-12.
    """
    small, big = min(a, b), max(a, b)
    if big < _STIRLING_FROM:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    log_ratio = (  # lgamma(big) - lgamma(big + small)
        -(big - 0.5) * math.log1p(small / big)
        - small * math.log(big + small)
        + small
        + _stirling_correction(big)
        - _stirling_correction(big + small)
    )
    return math.lgamma(small) + log_ratio


def _stirling_correction(x: float) -> float:
    """lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2), accurate to ~1e-16 for x >= 20."""
    inverse = 1.0 / x
    square = inverse * inverse
    return inverse * (1 / 12 - square * (1 / 360 - square * (1 / 1260 - square * (1 / 1680 - square / 1188))))


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction for I_x(a, b), evaluated by the modified Lentz method."""
    c = 1.0
    d = _nonzero(1.0 - (a + b) * x / (a + 1.0))
    d = 1.0 / d
    fraction = d
    for m in range(1, _MAX_ITERATIONS):
        two_m = 2 * m
        even = m * (b - m) * x / ((a - 1.0 + two_m) * (a + two_m))
        d = 1.0 / _nonzero(1.0 + even * d)
        c = _nonzero(1.0 + even / c)
        fraction *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + two_m) * (a + 1.0 + two_m))
        d = 1.0 / _nonzero(1.0 + odd * d)
        c = _nonzero(1.0 + odd / c)
        delta = d * c
        fraction *= delta
        if abs(delta - 1.0) < _EPSILON:
            break
    return fraction


def _nonzero(value: float) -> float:
    return value if abs(value) >= _TINY else _TINY


def t_two_sided_p(t: float, df: float) -> float | None:
    """P(|T| >= |t|) for Student's t with df degrees of freedom: the two-sided p-value."""
    if not (df > 0 and math.isfinite(df)) or math.isnan(t):
        return None
    if math.isinf(t):
        return 0.0
    t_squared = t * t
    # x = df / (df + t^2) and y = 1 - x, each computed directly to keep the tail's precision.
    x = df / (df + t_squared)
    y = 1.0 / (1.0 + df / t_squared) if t_squared > 0 else 0.0
    return _regularized_beta(x, y, df / 2.0, 0.5)


def t_cdf(t: float, df: float) -> float | None:
    """P(T <= t) for Student's t with df degrees of freedom."""
    p = t_two_sided_p(t, df)
    if p is None:
        return None
    return 0.5 * p if t < 0 else 1.0 - 0.5 * p


def t_pdf(t: float, df: float) -> float | None:
    """The density of Student's t with df degrees of freedom at t."""
    if not (df > 0 and math.isfinite(df)) or not math.isfinite(t):
        return None
    log_density = (
        math.lgamma((df + 1.0) / 2.0)
        - math.lgamma(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


def t_ppf(p: float, df: float) -> float | None:
    """The t quantile: the t with P(T <= t) = p, found by safeguarded Newton steps to ~1e-15 relative."""
    if not (0.0 < p < 1.0 and df > 0 and math.isfinite(df)):
        return None
    if p == 0.5:
        return 0.0
    tail = min(p, 1.0 - p)
    magnitude = _upper_quantile(tail, df)
    if magnitude is None:
        return None
    return magnitude if p > 0.5 else -magnitude


def _upper_quantile(tail: float, df: float) -> float | None:
    """The t > 0 whose upper tail P(T > t) equals `tail` (< 0.5)."""

    def excess(t: float) -> float:
        return 0.5 * t_two_sided_p(t, df) - tail  # decreasing in t

    low, high = 0.0, 1.0
    while excess(high) > 0.0:
        low, high = high, high * 2.0
        if high > 1e300:
            return None
    t = 0.5 * (low + high)
    for _ in range(_MAX_ITERATIONS):
        f = excess(t)
        if f == 0.0:
            return t
        if f > 0.0:
            low = t
        else:
            high = t
        step = f / t_pdf(t, df)  # d(tail)/dt = -pdf, so Newton moves by +f/pdf
        candidate = t + step
        if not low < candidate < high:
            candidate = 0.5 * (low + high)
        if abs(candidate - t) <= 1e-15 * max(1.0, abs(t)) or high - low <= 1e-15 * high:
            return candidate
        t = candidate
    return t


def binomial_two_sided_p(k: int, n: int) -> float | None:
    """Exact two-sided binomial p-value for k successes in n fair trials: min(1, 2 P(X <= min(k, n-k))).

    This is McNemar's exact test with k = b and n = b + c; with no trials it is 1. Up to
    `EXACT_BINOMIAL_UP_TO` trials the tail is an exact integer sum; beyond, the integer sum
    would cost time growing with n squared (10,000 pairs and 40 items: tens of milliseconds),
    so the tail is the regularized incomplete beta P(X <= m) = I_1/2(n - m, m + 1) instead,
    equal to the sum within ~1e-13 relative.
    """
    if isinstance(k, bool) or isinstance(n, bool) or not (isinstance(k, int) and isinstance(n, int)):
        return None
    if not 0 <= k <= n:
        return None
    smaller = min(k, n - k)
    if n > EXACT_BINOMIAL_UP_TO:
        return min(1.0, 2.0 * _regularized_beta(0.5, 0.5, float(n - smaller), float(smaller + 1)))
    lower_tail = term = 1  # C(n, 0)
    for i in range(smaller):
        term = term * (n - i) // (i + 1)  # C(n, i + 1), exactly
        lower_tail += term
    # Exact integers, one correctly rounded division: no underflow for large n.
    return min(1.0, (2 * lower_tail) / (2**n))
