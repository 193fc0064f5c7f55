"""The effectiveness numbers of SPEC.md, on plain lists of floats, in the standard library only.

Definitions follow Moodle's quiz statistics (docs.moodle.org/dev/Quiz_statistics_calculations
and Moodle's `quiz_statistics\\calculator` / `core_question\\statistics\\questions\\calculator`)
so that evaluators can compare our numbers with Moodle's. scipy and statsmodels are only the
tests' reference: the Lambda package stays small.

A figure that the data do not define (too few values, zero variance) is None: never NaN, never
an exception, never a made-up number. Values that differ only by float rounding (relative
spread under 1e-12, e.g. 0.1 + 0.2 against 0.3) count as equal, so rounding noise is never
reported as a spread.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence

from service.domain.distributions import t_ppf, t_two_sided_p

_ROUNDING_NOISE = 1e-12


def describe(values: Sequence[float]) -> dict:
    """n, mean, median, sd (n - 1), min, max, skewness and excess kurtosis, as Moodle computes them.

    Skewness and kurtosis are Moodle's k3 / k2^(3/2) and k4 / k2^2 from the sample cumulants
    (the same as scipy's `skew(bias=False)` and `kurtosis(bias=False)`); skewness needs n >= 3,
    kurtosis n >= 4, both a non-zero sd.
    """
    data = [float(value) for value in values]
    n = len(data)
    summary = {
        "n": n,
        "mean": None,
        "median": None,
        "sd": None,
        "min": None,
        "max": None,
        "skewness": None,
        "kurtosis": None,
    }
    if n == 0:
        return summary
    ordered = sorted(data)
    middle = n // 2
    summary["min"], summary["max"] = ordered[0], ordered[-1]
    # halves first: exact, and the sum of two large values cannot overflow
    summary["median"] = ordered[middle] if n % 2 else ordered[middle - 1] / 2.0 + ordered[middle] / 2.0
    if _is_constant(ordered[0], ordered[-1]):
        summary["mean"] = ordered[0]
        summary["sd"] = 0.0 if n >= 2 else None
        return summary
    # Worked on data / 2^e with |data / 2^e| < 2, so powers of deviations cannot overflow; scaling by
    # a power of two is exact, so the figures of ordinary data are the same to the last bit.
    scale = math.ldexp(1.0, math.frexp(max(-ordered[0], ordered[-1]))[1] - 1)
    scaled = [value / scale for value in data]
    mean = math.fsum(scaled) / n
    summary["mean"] = mean * scale
    if n >= 2:
        moments = _moments(scaled, mean)
        summary.update(moments, sd=moments["sd"] * scale)
    return _finite(summary)


def _moments(data: list[float], mean: float) -> dict:
    """sd, skewness and kurtosis from the sums of powers of deviations (Moodle's power2..power4)."""
    n = len(data)
    deviations = [value - mean for value in data]
    squares = [d * d for d in deviations]
    power2 = math.fsum(squares)
    moments = {"sd": math.sqrt(power2 / (n - 1)), "skewness": None, "kurtosis": None}
    if n < 3 or power2 <= 0.0:
        return moments
    m2 = power2 / n
    m3 = math.fsum(map(operator.mul, squares, deviations)) / n
    k2 = n * m2 / (n - 1)
    k3 = n * n * m3 / ((n - 1) * (n - 2))
    moments["skewness"] = k3 / k2**1.5
    if n >= 4:
        m4 = math.fsum(map(operator.mul, squares, squares)) / n
        k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
        moments["kurtosis"] = k4 / (k2 * k2)
    return moments


def paired_t(pre: Sequence[float], post: Sequence[float]) -> dict:
    """Paired t-test of post - pre: n, mean_gain, sd_gain, ci95 [lo, hi], t, p (two-sided), cohen_dz.

    With n < 2 or every gain the same, sd_gain is undefined or zero and so are t, p, the
    interval and d_z (None); mean_gain needs only n >= 1.
    """
    gains = [float(after) - float(before) for before, after in zip(pre, post, strict=True)]
    n = len(gains)
    result = {
        "n": n,
        "mean_gain": None,
        "sd_gain": None,
        "ci95": [None, None],
        "t": None,
        "p": None,
        "cohen_dz": None,
    }
    if n == 0:
        return result
    spread = describe(gains)
    mean, sd = spread["mean"], spread["sd"]
    result["mean_gain"], result["sd_gain"] = mean, sd
    if sd is None or sd == 0.0:
        return result
    standard_error = sd / math.sqrt(n)
    t = mean / standard_error
    half_width = t_ppf(0.975, n - 1) * standard_error
    result.update(t=t, p=t_two_sided_p(t, n - 1), cohen_dz=mean / sd)
    result["ci95"] = [mean - half_width, mean + half_width]
    return _finite(result)


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than 2 pairs or when either side does not vary."""
    xs = [float(value) for value in x]
    ys = [float(value) for value in y]
    if len(xs) != len(ys):
        raise ValueError("pearson needs two sequences of the same length")
    if len(xs) < 2 or _is_constant(min(xs), max(xs)) or _is_constant(min(ys), max(ys)):
        return None
    dx = _deviations(xs)
    dy = _deviations(ys)
    sxx = math.fsum(map(operator.mul, dx, dx))
    syy = math.fsum(map(operator.mul, dy, dy))
    if sxx <= 0.0 or syy <= 0.0:
        return None
    r = math.fsum(map(operator.mul, dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def kr20(marks: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a participants x items matrix: Moodle's coefficient of internal consistency.

    alpha = k / (k - 1) * (1 - sum of item variances / variance of totals); for 0/1 items this
    is KR-20. It is a fraction (Moodle shows it x 100). None with fewer than 2 participants or
    items, or when every participant has the same total.
    """
    rows = [list(row) for row in marks]
    k = len(rows[0]) if rows else 0
    if any(len(row) != k for row in rows):
        return None
    return kr20_by_item([list(column) for column in zip(*rows, strict=True)])


def kr20_by_item(columns: Sequence[Sequence[float]], totals: Sequence[float] | None = None) -> float | None:
    """`kr20` of the matrix given as one column of marks per item, with the participants' totals if known.

    The report holds its marks this way already; passing them saves transposing 40,000 marks.
    """
    k = len(columns)
    n = len(columns[0]) if columns else 0
    if n < 2 or k < 2 or any(len(column) != n for column in columns):
        return None
    if totals is None:
        totals = [math.fsum(row) for row in zip(*columns, strict=True)]
    if _is_constant(min(totals), max(totals)):
        return None
    total_squares = _sum_of_squares(totals)
    item_squares = math.fsum(_sum_of_squares(column) for column in columns)
    if total_squares <= 0.0:
        return None
    return k / (k - 1) * (1.0 - item_squares / total_squares)


def sem(sd: float | None, alpha: float | None) -> float | None:
    """Standard error of measurement sd * sqrt(1 - alpha), in the unit of sd (Moodle's "standard error")."""
    if sd is None or alpha is None or alpha > 1.0:
        return None
    return _finite_or_none(sd * math.sqrt(1.0 - alpha))


def item_statistics(item_marks: Sequence[float], rest_marks: Sequence[float], max_mark: float = 1.0) -> dict:
    """One item's facility, sd, discrimination index and discriminative efficiency, as Moodle.

    `item_marks` are the item's marks (out of `max_mark`) and `rest_marks` each participant's
    total on the other items. facility = mean mark / max mark; sd is the item's sd (n - 1) as a
    fraction of max mark; discrimination = Pearson r of item and rest; efficiency (percent) =
    100 * cov(item, rest) / cov(sorted item, sorted rest), the covariance relative to the
    largest the same marks could reach if item and rest were ranked alike.
    """
    marks, rest = list(item_marks), list(rest_marks)
    if len(marks) != len(rest):
        raise ValueError("item_statistics needs one rest mark per item mark")
    n = len(marks)
    result = {"n": n, "facility": None, "sd": None, "discrimination": None, "efficiency": None}
    if n == 0 or not max_mark > 0:
        return result
    # Right-or-wrong items (all single-choice questions) have a faster route to the same sums.
    wrong, right = marks.count(0.0), marks.count(1.0)
    low, high = (0.0, 1.0) if wrong + right == n else (min(marks), max(marks))
    if wrong == n or right == n or _is_constant(low, high):
        result["facility"] = marks[0] / max_mark
        result["sd"] = 0.0 if n >= 2 else None
        return result
    right_or_wrong = wrong + right == n
    mean = right / n if right_or_wrong else math.fsum(marks) / n
    result["facility"] = mean / max_mark
    mean_rest = math.fsum(rest) / n
    dr = [mark - mean_rest for mark in rest]
    sorted_dr = sorted(dr)
    if _is_constant(mean_rest + sorted_dr[0], mean_rest + sorted_dr[-1]):
        result["sd"] = _item_sd(marks, mean, max_mark)
        return result
    if right_or_wrong:
        sxx, sxr, best = _right_or_wrong_sums(marks, dr, sorted_dr, wrong)
    else:
        sxx, sxr, best = _co_deviation_sums(marks, mean, dr, sorted_dr)
    srr = _dot(dr, dr)
    result["sd"] = math.sqrt(sxx / (n - 1)) / max_mark
    if sxx > 0.0 and srr > 0.0:
        result["discrimination"] = max(-1.0, min(1.0, sxr / math.sqrt(sxx * srr)))
        result["efficiency"] = 100.0 * sxr / best if best > 0.0 else None
    return result


def _item_sd(marks: list[float], mean: float, max_mark: float) -> float:
    deviations = [mark - mean for mark in marks]
    return math.sqrt(_dot(deviations, deviations) / (len(marks) - 1)) / max_mark


def _co_deviation_sums(
    marks: list[float], mean: float, dr: list[float], sorted_dr: list[float]
) -> tuple[float, float, float]:
    """sxx, sxr and best: sums of squares and products of the deviations of item (x) and rest (r).

    `best` is sxr with item and rest each sorted: pairing them ranked alike gives the largest
    covariance these marks allow (Moodle's covariancemax).
    """
    dx = [mark - mean for mark in marks]
    return _dot(dx, dx), _dot(dx, dr), _dot(sorted(dx), sorted_dr)


def _right_or_wrong_sums(
    marks: list[float], dr: list[float], sorted_dr: list[float], wrong: int
) -> tuple[float, float, float]:
    """`_co_deviation_sums` for 0/1 marks, where x - mean is (right - p) with p the share right."""
    n = len(marks)
    p = (n - wrong) / n
    sxx = n * p * (1.0 - p)
    sxr = math.fsum(itertools.compress(dr, marks)) - p * math.fsum(dr)
    best = (1.0 - p) * math.fsum(sorted_dr[wrong:]) - p * math.fsum(sorted_dr[:wrong])
    return sxx, sxr, best


def normalized_gains(pre_percent: Sequence[float], post_percent: Sequence[float]) -> dict:
    """Hake's normalized gain, class-average and mean of individuals, from paired percent scores.

    class: (mean post - mean pre) / (100 - mean pre), None when mean pre is 100.
    mean: the mean of (post - pre) / (100 - pre) over participants with pre < 100; those with
    pre = 100 are left out and counted in `excluded`.
    """
    pairs = [(float(before), float(after)) for before, after in zip(pre_percent, post_percent, strict=True)]
    result = {"n": len(pairs), "class": None, "mean": None, "excluded": 0}
    if not pairs:
        return result
    mean_pre = math.fsum(before for before, _ in pairs) / len(pairs)
    mean_post = math.fsum(after for _, after in pairs) / len(pairs)
    if mean_pre < 100.0:
        result["class"] = (mean_post - mean_pre) / (100.0 - mean_pre)
    individual = [(after - before) / (100.0 - before) for before, after in pairs if before < 100.0]
    result["excluded"] = len(pairs) - len(individual)
    if individual:
        result["mean"] = math.fsum(individual) / len(individual)
    return result


def _is_constant(low: float, high: float) -> bool:
    return high - low <= _ROUNDING_NOISE * max(abs(low), abs(high))


def _deviations(values: list[float]) -> list[float]:
    mean = math.fsum(values) / len(values)
    return [value - mean for value in values]


def _dot(x: list[float], y: list[float]) -> float:
    """Sum of products; plain summation is exact enough on deviations from the mean."""
    return sum(map(operator.mul, x, y))


def _sum_of_squares(values: Sequence[float]) -> float:
    deviations = _deviations(list(values))
    return _dot(deviations, deviations)


def _finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _finite(figures: dict) -> dict:
    """Replace any overflowed (inf or NaN) figure by None: a number that means nothing is left out."""
    return {key: _finite_value(value) for key, value in figures.items()}


def _finite_value(value):
    if isinstance(value, float):
        return _finite_or_none(value)
    if isinstance(value, list):
        return [_finite_value(item) for item in value]
    return value
