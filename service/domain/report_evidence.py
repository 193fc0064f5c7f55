"""The report's evidence beside the means (issue 17, one cohort or cohorts pooled): intervals and
non-parametric tests of the paired change, pass rates, attrition, paired gains by topic, language and
demographic, and item flags that judge only what the data can show.

Flags are judged on paired participants only (a post-test population that differs from the
pre-test's would make any comparison of the two a comparison of people, not of the training), and
each says the test it concerns:

- `facility_fell_paired`: more paired participants went right -> wrong than wrong -> right, and
  McNemar's exact p, Holm-adjusted across the questions with discordant pairs, is under 0.05;
- `low_facility_post`: fewer than 3 in 10 paired participants right after, and the upper end of the
  Wilson interval is under 0.3 too (so 2 of 5 is not enough to say so);
- `negative_discrimination_<phase>`: only where the phase's discrimination can be judged: at least 30
  paired participants and a facility within 0.1-0.9 (near the floor or the ceiling, r says nothing
  about the question); otherwise `discrimination_not_judged_<phase>` says why;
- `low_efficiency_pre_and_post`: discriminative efficiency under 15% in both tests, each judged as above
  (one test's under 15% is chance for about 1 question in 35 at n = 50).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

from service.domain import inference
from service.domain.distributions import binomial_two_sided_p
from service.domain.models import PRE_POST, Bank
from service.domain.statistics import describe, item_statistics, paired_t

MIN_JUDGED = 30
JUDGED_FACILITY = (0.1, 0.9)
LOW_FACILITY_POST = 0.3
LOW_EFFICIENCY_PERCENT = 15.0
FLAG_ALPHA = 0.05
FEWER_THAN_30 = "fewer_than_30_paired"
FACILITY_OUTSIDE = "facility_outside_0.1_0.9"
FLAGS = (
    "facility_fell_paired",
    "low_facility_post",
    "negative_discrimination_pre",
    "negative_discrimination_post",
    "low_efficiency_pre_and_post",
)
NOT_JUDGED = (FEWER_THAN_30, FACILITY_OUTSIDE)
NOT_ANSWERED = "not_answered"  # the cell of a demographic a participant left blank


def paired_evidence(pre: list[float], post: list[float], t: float | None, pass_percent: float | None) -> dict:
    """The paired figures beside the t-test, from each paired participant's percent before and after."""
    n = len(pre)
    differences = list(map(operator.sub, post, pre))
    improved = sum(1 for d in differences if d > inference.ZERO)
    change = inference.normalized_change(pre, post)
    figures = {
        "cohen_dz_ci95": inference.cohen_dz_ci95(t, n),
        "wilcoxon_p": inference.wilcoxon_p(differences),
        "sign_test_p": inference.sign_test_p(differences),
        "improved_share_ci95": inference.wilson_ci95(improved, n),
        "normalized_gain_class_ci95": inference.normalized_gain_class_ci95(pre, post),
        "normalized_change_mean": change["mean"],
        "normalized_change_excluded": change["excluded"],
    }
    return figures | pass_rates(pre, post, pass_percent)


def pass_rates(pre: list[float], post: list[float], pass_percent: float | None) -> dict:
    """Shares of paired participants at or above the bank's pass mark, and McNemar's exact p on pass/fail."""
    figures = {"pass_percent": pass_percent, "pass_rate_pre": None, "pass_rate_post": None, "pass_mcnemar_p": None}
    if pass_percent is None or not pre:
        return figures
    mark = pass_percent - inference.ZERO
    passed_before = [value >= mark for value in pre]
    passed_after = [value >= mark for value in post]
    began_passing = sum(map(operator.gt, passed_after, passed_before))
    stopped_passing = sum(map(operator.gt, passed_before, passed_after))
    return figures | {
        "pass_rate_pre": sum(passed_before) / len(pre),
        "pass_rate_post": sum(passed_after) / len(post),
        "pass_mcnemar_p": binomial_two_sided_p(began_passing, began_passing + stopped_passing),
    }


def attrition(pre_percents: list[float], returned: list[bool], post_n: int) -> dict:
    """Did the post-test lose the weaker participants? Pre-test means of those who came back and those
    who did not, and Welch's interval of the difference (returners minus the others)."""
    returners = [p for p, back in zip(pre_percents, returned, strict=True) if back]
    others = [p for p, back in zip(pre_percents, returned, strict=True) if not back]
    return {
        "pre_only_n": len(others),
        "post_only_n": post_n - len(returners),
        "returners_n": len(returners),
        "returners_pre_mean_percent": describe(returners)["mean"],
        "non_returners_pre_mean_percent": describe(others)["mean"],
        "difference_ci95": inference.welch_ci95(returners, others),
    }


def gain_cell(pre: list[float], post: list[float]) -> dict:
    """One cell of a breakdown of the paired gain: n, the means before and after, the mean gain and its interval."""
    test = paired_t(pre, post)
    return {
        "n": len(pre),
        "mean_pre_percent": describe(pre)["mean"],
        "mean_post_percent": describe(post)["mean"],
        "mean_gain": test["mean_gain"],
        "gain_ci95": test["ci95"],
    }


def grouped_gain_cells(groups: list[str], pre: list[float], post: list[float], names: tuple[str, ...]) -> dict:
    """The paired gain per group, with every expected group present (empty ones with n = 0)."""
    members: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in names}
    for group, before, after in zip(groups, pre, post, strict=True):
        cell = members.setdefault(group, ([], []))
        cell[0].append(before)
        cell[1].append(after)
    return {name: gain_cell(before, after) for name, (before, after) in members.items()}


def demographic_groups(bank: Bank, answers: list[dict[str, str]]) -> dict[str, tuple[tuple[str, ...], list[str]]]:
    """Per demographic of the bank: its option ids and each participant's option (or `not_answered`)."""
    return {
        demographic.id: (demographic.option_ids, [row.get(demographic.id) or NOT_ANSWERED for row in answers])
        for demographic in bank.demographics
    }


def item_evidence(rows: list[dict], paired_figures: Callable[[int, str], dict], paired_n: int) -> None:
    """Add Holm's adjusted McNemar p, Moodle's discrimination index and the flags to each item row.

    `paired_figures(index, phase)` gives the item statistics of the question on the paired participants."""
    adjusted = inference.holm([row["mcnemar_p"] if row["mcnemar_b"] + row["mcnemar_c"] else None for row in rows])
    for index, (row, holm_p) in enumerate(zip(rows, adjusted, strict=True)):
        row["mcnemar_p_holm"] = holm_p
        for phase in PRE_POST:
            r = row[f"discrimination_{phase}"]
            row[f"discrimination_index_{phase}"] = None if r is None else 100.0 * r
        row["flags"] = _flags(row, paired_figures, index, paired_n)


def _flags(row: dict, paired_figures: Callable[[int, str], dict], index: int, paired_n: int) -> list[str]:
    flags = []
    if row["mcnemar_c"] > row["mcnemar_b"] and row["mcnemar_p_holm"] is not None and row["mcnemar_p_holm"] < FLAG_ALPHA:
        flags.append("facility_fell_paired")
    figures = {phase: paired_figures(index, phase) if paired_n else None for phase in PRE_POST}
    post = figures["post"]
    if post is not None and post["facility"] is not None and paired_n >= 2:
        upper = inference.wilson_ci95(round(post["facility"] * paired_n), paired_n)[1]
        if post["facility"] < LOW_FACILITY_POST and upper is not None and upper < LOW_FACILITY_POST:
            flags.append("low_facility_post")
    low_efficiency = []
    for phase in PRE_POST:
        reason = _not_judged(figures[phase], paired_n)
        row[f"discrimination_not_judged_{phase}"] = reason
        if reason is not None:
            continue
        if figures[phase]["discrimination"] is not None and figures[phase]["discrimination"] < 0.0:
            flags.append(f"negative_discrimination_{phase}")
        efficiency = figures[phase]["efficiency"]
        low_efficiency.append(efficiency is not None and efficiency < LOW_EFFICIENCY_PERCENT)
    # One test's efficiency under 15% happens by chance to about 1 question in 35 at n = 50: only both count.
    if len(low_efficiency) == len(PRE_POST) and all(low_efficiency):
        flags.append("low_efficiency_pre_and_post")
    return sorted(flags, key=FLAGS.index)


def _not_judged(figures: dict | None, paired_n: int) -> str | None:
    if figures is None or paired_n < MIN_JUDGED:
        return FEWER_THAN_30
    facility = figures["facility"]
    if facility is None or not JUDGED_FACILITY[0] <= facility <= JUDGED_FACILITY[1]:
        return FACILITY_OUTSIDE
    return None


def subset_item_figures(column: list[float], weighted: list[float], totals: list[float], rows: list[int]) -> dict:
    """Item statistics on some participants (rows) only: their marks and their rest of the test."""
    marks = [column[row] for row in rows]
    rest = [totals[row] - weighted[row] for row in rows]
    return item_statistics(marks, rest)


def finite(value):
    """A figure or an interval, with anything overflowed turned into None."""
    if isinstance(value, list):
        return [finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
