"""Cohorts of one bank version side by side: each cohort's paired gain with its interval, and a
random-effects summary of the mean gain across them (domain/meta_analysis.py; docs/report.md).

Who sees what (domain/disclosure.py): an evaluator's pooled report shows a row per cohort, with the
rows of cohorts under k participants or under k pairs withheld; such a cohort is in no paired figure
and not in the summary, so no pair of reports gives it back by difference. A trainer sees the
summary of the other finished cohorts only, never their rows, and only when there are at least
MIN_COHORTS_FOR_TRAINERS of them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from service.domain.disclosure import WITHHELD, cohorts_paired_under_k, disclose_cohort_rows, reason
from service.domain.meta_analysis import dersimonian_laird
from service.domain.models import Cohort, Submission
from service.domain.statistics import paired_t

MIN_COHORTS_FOR_TRAINERS = 3  # fewer: the summary of "the others" would be one or two cohorts' figures


@dataclass(frozen=True)
class Comparison:
    """A report's cohort table (rows safe to show), how many rows are withheld, the summary across the
    shown cohorts, and the cohorts whose participants the report must not pair (fewer than k pairs)."""

    cohorts: list[dict]
    rows_withheld: int
    meta: dict
    unpaired: frozenset[str]


def compare_cohorts(
    cohorts: Sequence[Cohort], submissions: Iterable[Submission], k: int, left_out: Collection[str] = ()
) -> Comparison:
    """The comparison of `cohorts` (in the order given) from their scored submissions; `left_out` are
    the cohorts the report leaves out altogether (fewer than k participants: disclosure.cohorts_under_k)."""
    rows = cohort_rows(cohorts, submissions)
    counted = {row["cohort_id"]: row["paired_n"] for row in rows if row["cohort_id"] not in left_out}
    unpaired = cohorts_paired_under_k(counted, k)
    shown, withheld = disclose_cohort_rows(rows, set(left_out) | unpaired, k)
    return Comparison(shown, withheld, summarize(shown), frozenset(unpaired))


def comparison_figures(comparison: Comparison, k: int) -> dict:
    """What an evaluator report adds: `cohorts` (the table), `cohort_rows_withheld` ({n, withheld} as
    `cohorts_withheld` says it: how many rows show no figure, and why) and `meta` (the summary)."""
    withheld = {"n": comparison.rows_withheld}
    if comparison.rows_withheld:
        withheld[WITHHELD] = reason(k)
    paired_withheld = {"n": len(comparison.unpaired)} | ({WITHHELD: reason(k)} if comparison.unpaired else {})
    return {
        "cohorts": comparison.cohorts,
        "cohort_rows_withheld": withheld,
        "paired_cohorts_withheld": paired_withheld,
        "meta": comparison.meta,
    }


def cohort_rows(cohorts: Sequence[Cohort], submissions: Iterable[Submission]) -> list[dict]:
    """One row per cohort: its paired participants' mean gain (post − pre, percentage points), the sd
    of the gains and the paired t interval of the mean, as the cohort's own report gives them."""
    pairs = paired_percents(submissions)
    return [cohort_row(cohort, *pairs.get(cohort.id, ([], []))) for cohort in cohorts]


def cohort_row(cohort: Cohort, pre: Sequence[float], post: Sequence[float]) -> dict:
    test = paired_t(pre, post)
    return {
        "cohort_id": cohort.id,
        "label": cohort.label,
        "region": cohort.region,
        "paired_n": test["n"],
        "mean_gain": test["mean_gain"],
        "sd_gain": test["sd_gain"],
        "gain_ci95": test["ci95"],
    }


def paired_percents(submissions: Iterable[Submission]) -> dict[str, tuple[list[float], list[float]]]:
    """cohort id -> (pre percents, post percents) of its participants with both tests, paired within the
    cohort; a participant's earlier submission of a phase counts, as in domain/report.py."""
    first: dict[tuple[str, str, str], Submission] = {}
    for submission in submissions:
        key = (submission.cohort_id, submission.participant_hash, submission.phase)
        if key not in first or submission.submitted_at < first[key].submitted_at:
            first[key] = submission
    pairs: dict[str, tuple[list[float], list[float]]] = {}
    for (cohort_id, participant, phase), before in first.items():
        after = first.get((cohort_id, participant, "post")) if phase == "pre" else None
        if after is not None:
            pre, post = pairs.setdefault(cohort_id, ([], []))
            pre.append(before.score.percent)
            post.append(after.score.percent)
    return pairs


def summarize(rows: Iterable[dict]) -> dict:
    """The DerSimonian-Laird summary of the mean gain over the rows shown (not withheld) whose gains
    have a spread. A cohort whose gains are all equal (or with one pair) has a variance of 0 or none
    and so an infinite or undefined weight: it is left out and counted in `cohorts_without_spread`."""
    shown = [row for row in rows if WITHHELD not in row and row["paired_n"]]
    usable = [row for row in shown if row["sd_gain"] and math.isfinite(row["sd_gain"])]
    meta = dersimonian_laird(
        [row["mean_gain"] for row in usable], [row["sd_gain"] ** 2 / row["paired_n"] for row in usable]
    )
    meta["participants"] = sum(row["paired_n"] for row in usable)
    meta["cohorts_without_spread"] = len(shown) - len(usable)
    return meta


def summary_for_trainers(rows: Iterable[dict]) -> dict | None:
    """The summary a trainer may see of the other cohorts, or None when fewer than
    MIN_COHORTS_FOR_TRAINERS enter it: the summary of one or two cohorts is their own figures."""
    meta = summarize(rows)
    return meta if meta["cohorts"] >= MIN_COHORTS_FOR_TRAINERS else None
