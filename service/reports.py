"""What the coordinator, the trainer and the evaluator read about cohorts: counts, live figures,
the cohorts an export or a report covers, and the evaluator's report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.models import PHASES, Cohort, Submission
from service.errors import N_, InvalidInput, NotFound
from service.operations import Services


@dataclass(frozen=True)
class CohortSummary:
    """A cohort with how many took each phase and both the pre- and post-test: a row of the coordinator's list."""

    cohort: Cohort
    pre: int
    post: int
    paired: int
    follow_up: int = 0

    @classmethod
    def of(cls, cohort: Cohort, participants: Mapping[str, set[str]]) -> CohortSummary:
        """Counted from the phases each participant sent (Store.participant_phases)."""
        taken = participants.values()
        counts = {phase: sum(phase in phases for phases in taken) for phase in PHASES}
        return cls(cohort, **counts, paired=sum({"pre", "post"} <= set(phases) for phases in taken))


def cohort_summary(services: Services, cohort: Cohort) -> CohortSummary:
    """How many took each phase and both (one key-only Query)."""
    return CohortSummary.of(cohort, services.store.participant_phases(cohort.id))


def cohort_page(services: Services, after: str | None = None, limit: int = 20) -> tuple[list[CohortSummary], str]:
    """A page of cohorts, newest first, with counts, and the key of the next page ("" on the last).

    Counts cost one key-only Query per cohort on the page (run a few at a time): cheap for a page of
    20 cohorts of ≤ 90 participants, and it keeps the submission write a single conditional put
    (no counters to keep in step; see docs/data-model.md)."""
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    cohorts, next_key = services.store.cohorts_page(limit, after)
    # Each query runs in a copy of this request's context, so the request's DynamoDB budget holds there too.
    contexts = [contextvars.copy_context() for _ in cohorts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        taken = list(pool.map(lambda c, cohort: c.run(services.store.participant_phases, cohort.id), contexts, cohorts))
    rows = [CohortSummary.of(cohort, participants) for cohort, participants in zip(cohorts, taken, strict=True)]
    return rows, next_key or ""


def cohort_submissions(services: Services, cohort: Cohort) -> list[Submission]:
    """A cohort's submissions as its report needs them: scores without the answers (see Store)."""
    return list(services.store.cohort_submissions(cohort.id, scores_only=True))


def live_submissions(services: Services, cohort: Cohort) -> tuple[list[Submission], list[Submission]]:
    """A cohort's submissions: those its live score figures may include, and all of them (for the
    counts). The release moves in steps of k participants per phase (domain/disclosure.release); it
    is stored, since submission times (to the minute) cannot order who came first."""
    from service.domain.disclosure import release

    submissions = cohort_submissions(services, cohort)
    stored, version = services.store.released_participants(cohort.id)
    released = {}
    for phase in PHASES:
        before = stored.get(phase, set())
        submitted = {sub.participant_hash for sub in submissions if sub.phase == phase}
        step = release(submitted, before, services.settings.k_anonymity, phase_open=cohort.is_open(phase))
        released[phase] = step if step is not None else before & submitted
    if any(released[phase] != stored.get(phase, set()) for phase in PHASES) and not (
        services.store.release_participants(cohort.id, released, version, cohort.expires_at)
    ):
        stored, _ = services.store.released_participants(cohort.id)  # another poll released first
        released = {phase: stored.get(phase, set()) for phase in PHASES}
    shown = [sub for sub in submissions if sub.participant_hash in released.get(sub.phase, set())]
    return shown, submissions


def select_cohorts(
    services: Services,
    *,
    cohort_ids: Sequence[str] = (),
    bank_id: str | None = None,
    bank_version: str | None = None,
) -> list[Cohort]:
    """The named cohorts (a GetItem each; unknown ones left out), or with none named every cohort
    through the cohorts index (a Query), oldest first; either way only those of the bank and version
    given. Exports and evaluator reports read what they cover through this, never by a Scan."""
    if cohort_ids:
        cohorts = [cohort for cohort in map(services.store.get_cohort, dict.fromkeys(cohort_ids)) if cohort]
    else:
        cohorts = list(services.store.list_cohorts(newest_first=False))
    return [
        cohort
        for cohort in cohorts
        if (not bank_id or cohort.bank_id == bank_id) and (not bank_version or cohort.bank_version == bank_version)
    ]


def evaluator_report(
    services: Services,
    *,
    cohort_ids: Sequence[str] = (),
    bank_id: str | None = None,
    bank_version: str | None = None,
) -> dict:
    """The report of one cohort, of the named cohorts pooled, or of every cohort of a bank version pooled.

    Pooling needs one bank version: scores of two versions are not the same measurement.
    """
    if cohort_ids:
        cohorts = select_cohorts(services, cohort_ids=cohort_ids)
        if len(cohorts) < len(set(cohort_ids)):
            raise NotFound(N_("no such cohort"))
        bank_id, bank_version = bank_id or cohorts[0].bank_id, bank_version or cohorts[0].bank_version
        if any((cohort.bank_id, cohort.bank_version) != (bank_id, bank_version) for cohort in cohorts):
            raise InvalidInput(
                N_("only cohorts of the same bank version can be pooled"),
                {"cohort_id": N_("every cohort must be of the same bank version")},
            )
    elif bank_id and bank_version:
        cohorts = select_cohorts(services, bank_id=bank_id, bank_version=bank_version)
    else:
        raise InvalidInput(
            N_("say which cohort or bank version"), {"bank_version": N_("give bank_id and bank_version")}
        )
    bank = services.banks.get(bank_id, bank_version)
    if bank is None:
        raise NotFound(N_("no such bank version"))
    submissions = [sub for cohort in cohorts for sub in services.store.cohort_submissions(cohort.id, scores_only=True)]
    single = cohorts[0].id if cohort_ids and len(cohorts) == 1 else None
    return _pooled_report(services, bank, cohorts, submissions, single)


def _pooled_report(services: Services, bank, cohorts: list[Cohort], submissions: list[Submission], single) -> dict:
    """The report over `cohorts`, disclosed: a cohort with fewer than k participants is in no figure,
    one with fewer than k pairs in no paired figure (docs/report.md, "Cohorts compared")."""
    from service.domain.cohort_comparison import compare_cohorts, comparison_figures  # not for a cold start
    from service.domain.disclosure import cohorts_under_k, disclose_report, reason
    from service.domain.report import cohort_report

    k = services.settings.k_anonymity
    people: dict[str, set[str]] = {cohort.id: set() for cohort in cohorts}
    for sub in submissions:
        people[sub.cohort_id].add(sub.participant_hash)
    left_out = cohorts_under_k(people, k)
    counted = [sub for sub in submissions if sub.cohort_id not in left_out]
    comparison = compare_cohorts(cohorts, counted, k, left_out)
    report = disclose_report(cohort_report(bank, counted, cohort_id=single, unpaired=comparison.unpaired), k)
    report["cohort_ids"] = [cohort.id for cohort in cohorts]
    report["cohorts_withheld"] = {"n": len(left_out), "withheld": reason(k)} if left_out else {"n": 0}
    return report | comparison_figures(comparison, k)
