"""The distributions the report's intervals need beyond Student's t: the normal, F and noncentral t.

Written out, like distributions.py, so the Lambda package needs no scipy. The noncentral t is
Benton & Krishnamoorthy's (2003) mixture sum, started at the Poisson weight's mode and summed in
both directions with the incomplete beta's recurrences (one continued fraction per call, so a
noncentrality of 100 costs a few hundred additions, not thousands of continued fractions); the F
quantile is the incomplete beta inverted by Brent's method. The tests hold them to scipy's `norm`,
`f` and `nct` (Boost) to 1e-9.

Functions return None, never raise and never return NaN, for an undefined case.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

from service.domain.distributions import _regularized_beta, t_cdf

_MAX_TERMS = 100_000
_SUM_EPSILON = 1e-12
_ROOT_TOLERANCE = 1e-13
_NEGLIGIBLE_WEIGHT = 1e-17


def normal_cdf(z: float) -> float:
    """P(Z <= z) for the standard normal, from erfc so that both tails keep their precision."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def normal_two_sided_p(z: float) -> float:
    """P(|Z| >= |z|)."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def f_cdf(x: float, df1: float, df2: float) -> float | None:
    """P(F <= x) for Snedecor's F with df1 and df2 degrees of freedom: I_u(df1/2, df2/2), u = df1 x / (df1 x + df2)."""
    if not (df1 > 0 and df2 > 0 and math.isfinite(df1) and math.isfinite(df2)) or math.isnan(x):
        return None
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    scaled = df1 * x
    return _regularized_beta(scaled / (scaled + df2), df2 / (scaled + df2), df1 / 2.0, df2 / 2.0)


def f_ppf(p: float, df1: float, df2: float) -> float | None:
    """The F quantile: the x with P(F <= x) = p; the incomplete beta inverted on u in (0, 1)."""
    if not (0.0 < p < 1.0 and df1 > 0 and df2 > 0 and math.isfinite(df1) and math.isfinite(df2)):
        return None
    a, b = df1 / 2.0, df2 / 2.0
    u = brent(lambda u: _regularized_beta(u, 1.0 - u, a, b) - p, 0.0, 1.0)
    if u is None or u >= 1.0:
        return None
    return df2 * u / (df1 * (1.0 - u))


def noncentral_t_cdf(t: float, df: float, delta: float) -> float | None:
    """P(T <= t) for the noncentral t with df degrees of freedom and noncentrality delta."""
    if not (df > 0 and math.isfinite(df) and math.isfinite(delta)) or math.isnan(t):
        return None
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    if delta == 0.0:
        return t_cdf(t, df)
    if t < 0.0:  # F(t; df, delta) = 1 - F(-t; df, -delta)
        return min(1.0, max(0.0, 1.0 - _noncentral_t_cdf_nonnegative(-t, df, -delta)))
    return min(1.0, max(0.0, _noncentral_t_cdf_nonnegative(t, df, delta)))


def _noncentral_t_cdf_nonnegative(t: float, df: float, delta: float) -> float:
    """Benton & Krishnamoorthy (2003), algorithm for the noncentral t at t >= 0:
    F = Phi(-delta) + 1/2 sum_j [p_j I_x(j + 1/2, df/2) + q_j I_x(j + 1, df/2)], x = t^2 / (t^2 + df),
    with Poisson weights p_j = e^-lam lam^j / j!, q_j = delta / sqrt(2) e^-lam lam^j / Gamma(j + 3/2),
    lam = delta^2 / 2; summed from the mode k = floor(lam) forwards and backwards."""
    if t == 0.0:
        return normal_cdf(-delta)
    t_squared = t * t
    x, y = t_squared / (t_squared + df), df / (t_squared + df)
    if x <= 0.0:
        return normal_cdf(-delta)
    if y <= 0.0 or not math.isfinite(t_squared):
        return 1.0
    lam = delta * delta / 2.0
    k = int(lam)
    b = df / 2.0
    log_weight = -lam + (k * math.log(lam) if k > 0 else 0.0)
    p_weight = math.exp(log_weight - math.lgamma(k + 1.0))
    q_weight = math.exp(log_weight - math.lgamma(k + 1.5))
    scale = delta / math.sqrt(2.0)
    forward = _BetaChain(k + 0.5, b, x, y, p_weight, k)
    forward_q = _BetaChain(k + 1.0, b, x, y, q_weight, k + 0.5)
    backward, backward_q = forward.copy(), forward_q.copy()
    total = forward.term() + scale * forward_q.term()
    remaining = 1.0 - p_weight
    bound = 0.5 * (1.0 + 0.5 * abs(delta))
    for i in range(1, _MAX_TERMS):
        forward.step_up(lam)
        forward_q.step_up(lam)
        total += forward.term() + scale * forward_q.term()
        error = remaining * bound * forward.beta
        remaining -= forward.weight
        if i > k:
            if error <= _SUM_EPSILON:
                break
            continue
        backward.step_down(lam)
        backward_q.step_down(lam)
        total += backward.term() + scale * backward_q.term()
        remaining -= backward.weight
        # Rounding keeps `remaining` from reaching 0 when lam is in the thousands; the weights
        # themselves are then past the Poisson's tails, where they fall faster than geometrically.
        if remaining <= _SUM_EPSILON or forward.weight + backward.weight < _NEGLIGIBLE_WEIGHT:
            break
    return 0.5 * total + normal_cdf(-delta)


class _BetaChain:
    """I_x(a, b) and a Poisson-type weight moved one step of a at a time, by the recurrences
    I_x(a + 1, b) = I_x(a, b) - g(a) and I_x(a - 1, b) = I_x(a, b) + g(a - 1), where
    g(a) = Gamma(a + b) / (Gamma(a + 1) Gamma(b)) x^a y^b; `index` is the weight's j (+ 1/2 for q)."""

    def __init__(self, a: float, b: float, x: float, y: float, weight: float, index: float):
        self.a, self.b, self.x, self.weight, self.index = a, b, x, weight, index
        self.beta = _regularized_beta(x, y, a, b)
        log_gap = math.lgamma(a + b) - math.lgamma(a + 1.0) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
        self.up_gap = math.exp(log_gap)  # g(a): what the next step up takes away
        self.down_gap = self.up_gap  # becomes g(a - 1) on the first step down
        self.low_a = a

    def copy(self) -> _BetaChain:
        return copy.copy(self)

    def term(self) -> float:
        return self.weight * self.beta

    def step_up(self, lam: float) -> None:
        self.beta -= self.up_gap
        self.up_gap *= self.x * (self.a + self.b) / (self.a + 1.0)  # g(a + 1) from g(a)
        self.a += 1.0
        self.index += 1.0
        self.weight *= lam / self.index

    def step_down(self, lam: float) -> None:
        self.down_gap *= self.low_a / ((self.low_a - 1.0 + self.b) * self.x)  # g(a - 1) from g(a)
        self.beta += self.down_gap
        self.weight *= self.index / lam
        self.index -= 1.0
        self.low_a -= 1.0


def brent(f: Callable[[float], float], low: float, high: float, relative: float = 0.0) -> float | None:
    """A root of f in [low, high] where f changes sign, by Brent's method (bisection, secant and
    inverse quadratic steps), to 1e-13 or `relative` x |root|; None when f does not change sign there."""
    a, b = low, high
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if (fa > 0) == (fb > 0):
        return None
    c, fc, d = a, fa, b - a
    e = d
    for _ in range(200):
        if (fb > 0) == (fc > 0):
            c, fc, d = a, fa, b - a
            e = d
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tolerance = max(2e-16, relative) * abs(b) + 0.5 * _ROOT_TOLERANCE
        middle = 0.5 * (c - b)
        if abs(middle) <= tolerance or fb == 0.0:
            return b
        if abs(e) >= tolerance and abs(fa) > abs(fb):
            p, q = _interpolation_step(a, b, c, fa, fb, fc)
            if p > 0:
                q = -q
            p = abs(p)
            if 2 * p < min(3 * middle * q - abs(tolerance * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = middle
        else:
            d = e = middle
        a, fa = b, fb
        b += d if abs(d) > tolerance else math.copysign(tolerance, middle)
        fb = f(b)
    return b


def _interpolation_step(a: float, b: float, c: float, fa: float, fb: float, fc: float) -> tuple[float, float]:
    s = fb / fa
    if a == c:  # secant
        return 2.0 * (0.5 * (c - b)) * s, 1.0 - s
    q, r = fa / fc, fb / fc
    p = s * (2.0 * (0.5 * (c - b)) * q * (q - r) - (b - a) * (r - 1.0))
    return p, (q - 1.0) * (r - 1.0) * (s - 1.0)
