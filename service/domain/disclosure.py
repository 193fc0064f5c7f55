"""Disclosure control: what any output may show of a group, so that nobody can be singled out.

Who tries (docs/security.md): a trainer or an evaluator who knows who sat in the room, their role
and their language, and wants one person's score. Every output passes through here: the trainer
page, live.json and the projector (`release` and `disclose_report`), the cohort and evaluator
reports in JSON, CSV and the CLI (`disclose_report`), and every export with its codebook and
metadata (`decide_cohort` and `release_rows`). No output computes its own suppression.

- A cell of a breakdown by something a colleague may know (language, a demographic, a region, a
  day, a cohort inside a pooled report) with fewer than k participants shows no figure, only that
  it is small; the cells withheld must hold k or more participants together (else the next
  smallest cell is withheld too), so that the total minus the other cells gives nothing back.
- The lowest and highest score of a group under k are withheld: they are one person's score.
- An evaluator report pairs nobody in a cohort with fewer than k pairs: its row of the cohort table
  is withheld and it is in no paired figure and no summary across cohorts, since an evaluator who
  chooses the cohorts of two reports would get its mean gain back by difference.
- The live view's score figures change in steps of k participants (or when the phase closes).
- What an export shows of a participant is decided once, on the whole cohort, and applied the same
  way in every export, so that joining two exports makes no class smaller than k.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from service.domain.anonymity import SUPPRESSED, k_anonymize

WITHHELD = "withheld"
SUMMARY_FIGURES = (
    "mean_percent",
    "median_percent",
    "sd_percent",
    "min_percent",
    "max_percent",
    "skewness",
    "kurtosis",
)
EXTREMES = ("min_percent", "max_percent")


def reason(k: int) -> str:
    """The one thing a withheld cell says: that it is small, not how small."""
    return f"fewer than {k}"


# Reports: the cohort page, live.json, the projector, the report JSON and CSV, evaluator reports.


def disclose_report(report: Mapping, k: int) -> dict:
    """A copy of a report (domain/report.cohort_report) safe to show: breakdowns by language, and the
    paired gain by topic, language and demographic, withheld cell by cell (with complementary
    suppression); min and max, and the attrition means, withheld for groups under k."""
    shown = copy.deepcopy(dict(report))
    for summary in shown["phases"].values():
        _withhold_extremes(summary, summary["n"], k)
        for topic in summary["by_topic"].values():
            _withhold_extremes(topic, summary["n"], k)
        summary["by_language"] = disclose_breakdown(summary["by_language"], k)
    paired = shown.get("paired", {})
    for name in [name for name in paired if name.startswith("by_")]:  # topic, language, each demographic
        paired[name] = disclose_breakdown(paired[name], k)
    if "attrition" in shown:
        _withhold_attrition(shown["attrition"], k)
    if "retention" in shown:
        _withhold_retention(shown["retention"], k)
    for item in shown.get("reaction", {}).get("items", ()):
        if 0 < item["n"] < k:  # a rating of fewer than k people could be one trainee's opinion
            item.update({name: None for name in ("mean", "agree_share")})
            item["distribution"] = dict.fromkeys(item["distribution"])
            item[WITHHELD] = reason(k)
    return shown


def _withhold_retention(retention: dict, k: int) -> None:
    """The follow-up's figures rest on the people who took two (or three) of the tests: fewer than k
    of them, and each figure is close to one person's change."""
    groups = (
        ("n", ("mean_post_percent", "mean_follow_up_percent", "mean_change", "change_ci95", "change_p")),
        ("n_pre_follow_up", ("pre_follow_up_gain", "pre_follow_up_gain_ci95")),
        ("n_all_three", ("retained_share",)),
    )
    for count, figures in groups:
        if 0 < retention[count] < k:
            for figure in figures:
                retention[figure] = [None, None] if isinstance(retention[figure], list) else None
            retention[WITHHELD] = reason(k)


def _withhold_attrition(attrition: dict, k: int) -> None:
    """Those who did not come back (or those who did) under k: their mean is a few known people's scores."""
    groups = {
        "returners_pre_mean_percent": attrition["returners_n"],
        "non_returners_pre_mean_percent": attrition["pre_only_n"],
    }
    small = [name for name, n in groups.items() if 0 < n < k]
    if small:
        attrition.update({name: None for name in small}, difference_ci95=[None, None])
        attrition[WITHHELD] = {name: reason(k) for name in (*small, "difference_ci95")}


def disclose_breakdown(cells: Mapping[str, Mapping], k: int) -> dict[str, dict]:
    """Cells (each a summary with its `n`) of one breakdown: every cell under k withheld, and then
    the smallest shown cells too until the withheld ones hold k or more participants (or all are)."""
    hidden = {name for name, cell in cells.items() if 0 < cell["n"] < k}  # an empty cell is nobody's
    people = sum(cells[name]["n"] for name in hidden)
    for name in sorted(set(cells) - hidden, key=lambda name: (cells[name]["n"], name)):
        if people == 0 or people >= k:
            break
        hidden.add(name)
        people += cells[name]["n"]
    return {name: _withheld_cell(cell, k) if name in hidden else dict(cell) for name, cell in cells.items()}


def _withheld_cell(cell: Mapping, k: int) -> dict:
    return {**{name: None for name in cell}, WITHHELD: reason(k)}


def _withhold_extremes(summary: dict, n: int, k: int) -> None:
    if 0 < n < k:
        summary.update({name: None for name in EXTREMES})
        summary[WITHHELD] = {name: reason(k) for name in EXTREMES}


# The live view: score figures in steps of k.


def release(submitted: set[str], released: set[str], k: int, *, phase_open: bool) -> set[str] | None:
    """The participants whose scores a phase's live figures may include from now on, or None to keep
    those released before. New figures only when k or more have submitted since the last release,
    or when the phase is closed: then one newcomer's score cannot be read off the difference."""
    waiting = submitted - released
    if not waiting:
        return None
    if len(waiting) >= k or (not phase_open and len(submitted) >= k):
        return set(submitted)
    return None  # a phase closed with fewer than k in all shows no score figure: they would be theirs


def cohorts_under_k(participants_by_cohort: Mapping[str, Iterable[str]], k: int) -> set[str]:
    """The cohorts an evaluator report leaves out: fewer than k participants in all. Their figures would
    be a few people's scores, and a pooled report with and without such a cohort would give them back
    by difference; every cohort a report counts has k or more, so no two reports differ by fewer."""
    return {cohort for cohort, people in participants_by_cohort.items() if len(set(people)) < k}


def cohorts_paired_under_k(paired_by_cohort: Mapping[str, int], k: int) -> set[str]:
    """The cohorts whose paired participants (those with both tests) enter no evaluator report's paired
    figure, its cohort table or its meta-analysis: more than none and fewer than k. Their mean gain is a
    few people's gains, and any report that counted them would give it back by difference with a report
    without them (docs/report.md, "Withheld cohorts and the meta-analysis")."""
    return {cohort for cohort, n in paired_by_cohort.items() if 0 < n < k}


COHORT_ROW_FIGURES = ("paired_n", "mean_gain", "sd_gain", "gain_ci95")


def disclose_cohort_rows(rows: Iterable[Mapping], withheld: Iterable[str], k: int) -> tuple[list[dict], int]:
    """A pooled report's cohort table safe to show, and how many rows were withheld: the cohorts in
    `withheld` (under k participants, or under k pairs) keep their id, label and region and show no figure.
    No complementary suppression: a withheld cohort is in no total of the report (paired figures, the
    meta-analysis), so nothing gives it back by difference."""
    hidden = set(withheld)
    shown = []
    for row in rows:
        if row["cohort_id"] in hidden:
            row = {**row, **dict.fromkeys(COHORT_ROW_FIGURES), "gain_ci95": [None, None], WITHHELD: reason(k)}
        shown.append(dict(row))
    return shown, sum(1 for row in shown if WITHHELD in row)


# Exports: one decision per cohort, applied the same way in every export.


@dataclass(frozen=True)
class CohortDecision:
    """What every export may show of one cohort's participants (keys: stored participant hashes)."""

    suppressed: frozenset[str]  # quasi-identifiers replaced by "suppressed" in every export
    withheld: frozenset[str]  # in a (cohort, phases taken) group under k: no row in any export
    groups_below_k: int


def decide_cohort(rows: Iterable[Mapping], quasi_identifiers: list[str], k: int) -> CohortDecision:
    """Decide on one whole cohort, from one row per submission (`participant`, `phase` and the
    quasi-identifiers: region, language, day, every demographic): k-anonymity as `anonymity.py`
    counts it. Day filters, pooling and the choice of table only ever take away from this."""
    copies = [dict(row, cohort_id="") for row in rows]
    k_anonymize(copies, quasi_identifiers, k, participant="participant")
    suppressed = {row["participant"] for row in copies if quasi_identifiers and row[quasi_identifiers[0]] == SUPPRESSED}
    phases_of: dict[str, set[str]] = defaultdict(set)
    for row in copies:
        phases_of[row["participant"]].add(row["phase"])
    groups: dict[frozenset[str], set[str]] = defaultdict(set)
    for person, phases in phases_of.items():
        groups[frozenset(phases)].add(person)
    small = [members for members in groups.values() if len(members) < k]
    withheld = frozenset(person for members in small for person in members)
    return CohortDecision(frozenset(suppressed - withheld), withheld, len(small))


def in_days(days: Iterable[str], day_from: str | None, day_to: str | None) -> bool:
    return all((not day_from or day >= day_from) and (not day_to or day <= day_to) for day in days)
