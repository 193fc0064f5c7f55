"""The evaluator's workspace (service/web/evaluator.py) and the printable report: the programme at a
glance (every cohort with its counts and mean gain), the pooled report of a bank version with its
per-cohort rows, the gain by demographic answer and the indicators against the coordinator's
targets. Every figure goes through service/domain/disclosure.py: a cohort with fewer than k
participants shows no figure at all (and a pooled report leaves it out), a breakdown's small cells
are withheld with their complements, extremes of small groups are withheld by the report."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from service.domain.models import PHASES, Bank, Cohort, Submission
from service.operations import Services
from service.reports import evaluator_report, select_cohorts


@dataclass(frozen=True)
class Filters:
    """What the dashboard's form narrows the cohorts to; every field optional."""

    bank_id: str | None = None
    bank_version: str | None = None
    region: str | None = None
    day_from: date | None = None
    day_to: date | None = None


@dataclass(frozen=True)
class CohortRow:
    """A cohort as the evaluator sees it; `withheld`: fewer than k participants, so no figure at all."""

    cohort: Cohort
    first_day: str
    last_day: str
    withheld: bool
    pre: int | None = None
    post: int | None = None
    paired: int | None = None
    mean_gain: float | None = None
    gain_ci95: tuple[float, float] | None = None
    gain_withheld: bool = False  # fewer than k took both tests: their gain is a few people's (disclosure.py)
    submissions: list[Submission] = field(default_factory=list, repr=False)


def cohort_rows(services: Services, filters: Filters, *, with_answers: bool = False) -> list[CohortRow]:
    """Every cohort the filters keep, oldest first, each with its disclosed figures (one Query per
    cohort, a few at a time; the cohorts come from the cohorts index, never a Scan)."""
    from service.domain.disclosure import cohorts_under_k

    cohorts = [
        cohort
        for cohort in select_cohorts(services, bank_id=filters.bank_id, bank_version=filters.bank_version)
        if not filters.region or cohort.region == filters.region
    ]
    contexts = [contextvars.copy_context() for _ in cohorts]

    def read(context, cohort):
        return context.run(lambda: list(services.store.cohort_submissions(cohort.id, scores_only=not with_answers)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        taken = list(pool.map(read, contexts, cohorts))
    k = services.settings.k_anonymity
    people = {cohort.id: {sub.participant_hash for sub in subs} for cohort, subs in zip(cohorts, taken, strict=True)}
    small = cohorts_under_k(people, k)
    rows = []
    for cohort, submissions in zip(cohorts, taken, strict=True):
        days = sorted(sub.submitted_day for sub in submissions) or [cohort.created_at[:10]]
        if not _overlaps(days[0], days[-1], filters):
            continue
        bank = services.banks.get(cohort.bank_id, cohort.bank_version)
        if cohort.id in small or bank is None:
            rows.append(CohortRow(cohort, days[0], days[-1], withheld=True))
            continue
        rows.append(_figures(cohort, bank, submissions, days, k))
    return rows


def _figures(cohort: Cohort, bank: Bank, submissions: list[Submission], days: list[str], k: int) -> CohortRow:
    from service.domain.disclosure import cohorts_paired_under_k, disclose_report
    from service.domain.report import cohort_report

    report = disclose_report(cohort_report(bank, submissions, cohort_id=cohort.id), k)
    paired = report["paired"]
    interval = paired["gain_ci95"]
    few = cohorts_paired_under_k({cohort.id: paired["n"]}, k)
    return CohortRow(
        cohort,
        days[0],
        days[-1],
        withheld=False,
        pre=report["phases"]["pre"]["n"],
        post=report["phases"]["post"]["n"],
        paired=paired["n"],
        mean_gain=None if few else paired["mean_gain"],
        gain_ci95=tuple(interval) if interval and None not in interval and not few else None,
        gain_withheld=bool(few),
        submissions=submissions,
    )


def _overlaps(first: str, last: str, filters: Filters) -> bool:
    after = not filters.day_from or last >= filters.day_from.isoformat()
    before = not filters.day_to or first <= filters.day_to.isoformat()
    return after and before


def bank_versions(services: Services) -> list[Bank]:
    registry = services.banks
    return [registry.get(b, v) for b in registry.bank_ids() for v in reversed(registry.versions(b))]


def pooled_report(services: Services, bank: Bank) -> dict:
    """Everything the pooled report page and the printed report show of one bank version."""
    from service.domain.indicators import indicator_table

    report = evaluator_report(services, bank_id=bank.id, bank_version=bank.version)
    rows = cohort_rows(services, Filters(bank_id=bank.id, bank_version=bank.version), with_answers=True)
    # Cohorts with fewer than k pairs are in no paired figure (disclosure.cohorts_paired_under_k).
    counted = [sub for row in rows if not row.withheld and not row.gain_withheld for sub in row.submissions]
    targets = services.store.get_targets(bank.id)
    return {
        "bank": bank,
        "report": report,
        "rows": rows,
        "by_demographic": demographic_gains(bank, counted, services.settings.k_anonymity),
        "targets": targets,
        "indicators": indicator_table(report, targets),
        "k": services.settings.k_anonymity,
    }


def demographic_gains(bank: Bank, submissions: Iterable[Submission], k: int) -> dict[str, dict[str, dict]]:
    """Paired participants' mean gain by each demographic answer (given at either test), as cells of
    a breakdown withheld below k with their complements (disclosure.disclose_breakdown)."""
    from service.domain.disclosure import disclose_breakdown

    first: dict[str, dict[tuple[str, str], Submission]] = {phase: {} for phase in PHASES}
    for sub in submissions:
        if sub.phase in first and sub.bank_version == bank.version and sub.bank_id == bank.id:
            key = (sub.cohort_id, sub.participant_hash)
            if key not in first[sub.phase] or sub.submitted_at < first[sub.phase][key].submitted_at:
                first[sub.phase][key] = sub
    pairs = [(first["pre"][key], first["post"][key]) for key in first["pre"] if key in first["post"]]
    breakdowns = {}
    for question in bank.demographics:
        gains: dict[str, list[float]] = {option.id: [] for option in question.options}
        for pre, post in pairs:
            answer = pre.demographics.get(question.id) or post.demographics.get(question.id)
            if answer in gains:
                gains[answer].append(post.score.percent - pre.score.percent)
        cells = {
            option: {"n": len(values), "mean_gain": sum(values) / len(values) if values else None}
            for option, values in gains.items()
        }
        breakdowns[question.id] = disclose_breakdown(cells, k)
    return breakdowns
