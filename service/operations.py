"""What the service does, one function per use case. Blueprints and the CLI call these; they
call the domain (pure) and the store. No Flask request objects here."""

from __future__ import annotations

import contextlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from service import observability
from service.domain import codes, linkage
from service.domain.banks import BankRegistry
from service.domain.models import (
    DEFAULT_EXPECTED_PARTICIPANTS,
    MAX_EXPECTED_PARTICIPANTS,
    PHASES,
    Bank,
    Cohort,
    Submission,
)
from service.domain.scoring import AnswerError, check_answers, score_submission
from service.domain.text import hidden_character
from service.errors import (
    N_,
    AlreadySent,
    CohortClosed,
    CohortFull,
    Conflict,
    InvalidInput,
    NotFound,
    PhaseClosed,
    ServiceError,
    TooFewAnswers,
    UnknownCode,
)
from service.observability import logger
from service.settings import Settings, token_sha256
from service.store.dynamodb import Store

_COHORT_ID_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"
MAX_LABEL_LENGTH = 120


@dataclass(frozen=True)
class Services:
    """Everything a use case needs, built once by the app factory. `clock` gives epoch seconds: the
    console's sessions and its login throttle read it, so that tests can move time."""

    settings: Settings
    store: Store
    banks: BankRegistry
    clock: Callable[[], float] = field(default=time.time)


@dataclass(frozen=True)
class NewCohort:
    cohort: Cohort
    trainer_token: str  # shown once, stored only as a hash


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    participant_code: str
    created: bool
    pre: Submission | None = None  # a post-test's pre-test, found when its code was checked


def expires_at(settings: Settings) -> int:
    """When an item written now is deleted by DynamoDB's TTL (epoch seconds): the retention period."""
    return int(datetime.now(UTC).timestamp()) + settings.retention_days * 86400


def now_to_the_minute() -> str:
    """Timestamps are stored to the minute only: finer ones could single out a person in a class."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")


def token_hash(token: str) -> str:
    return token_sha256(token)


def tokens_match(token: str | None, expected_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return bool(token) and hmac.compare_digest(token_hash(token), expected_hash)


def create_cohort(
    services: Services,
    *,
    bank_id: str,
    bank_version: str,
    label: str,
    language: str | None = None,
    region: str | None = None,
    phases: Mapping[str, bool] | None = None,
    shuffle: bool = False,
    allow_unpaired_codes: bool = False,
    expected_participants: int = DEFAULT_EXPECTED_PARTICIPANTS,
) -> NewCohort:
    """A new cohort with the pre-test open and the post-test not yet (the trainer starts it, which
    closes the pre-test: docs/pages.md); `phases` may say otherwise."""
    _check_expected_participants(expected_participants)
    bank = services.banks.get(bank_id, bank_version)
    if bank is None:
        raise InvalidInput(
            N_("no published bank %(bank_id)s version %(bank_version)s"),
            {"bank_version": N_("not a published version of this bank")},
            params={"bank_id": bank_id, "bank_version": bank_version},
        )
    language = language or bank.languages[0]
    if language not in bank.languages:
        raise InvalidInput(N_("the bank has no such language"), {"language": N_("not one of the bank's languages")})
    check_label_and_region(services.settings, label, region)
    state = {"pre": True, "post": False}
    state.update(phases or {})
    trainer_token = secrets.token_urlsafe(24)
    cohort = Cohort(
        id="".join(secrets.choice(_COHORT_ID_ALPHABET) for _ in range(10)),
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        label=label,
        language=language,
        region=region or None,
        phases=state,
        trainer_token_hash=token_hash(trainer_token),
        created_at=now_to_the_minute(),
        shuffle=shuffle,
        allow_unpaired_codes=allow_unpaired_codes,
        linkage_salt=linkage.new_linkage_salt(),
        expires_at=expires_at(services.settings),
        expected_participants=expected_participants,
    )
    services.store.create_cohort(cohort)
    logger.info("cohort created", extra={"cohort_id": cohort.id, "bank_id": bank.id, "bank_version": bank.version})
    return NewCohort(cohort, trainer_token)


def check_label_and_region(settings: Settings, label: str, region: str | None) -> None:
    """Whatever way a cohort is made (API, console, command line), its label is one line of visible
    text and its region one of the configured regions: the console's list, never free text, and so
    never the export's `suppressed` marker (settings refuse that as a region name)."""
    hidden = hidden_character(label)
    if hidden or not 0 < len(label) <= MAX_LABEL_LENGTH:
        problem = N_("one line of visible text, at most 120 characters")
        raise InvalidInput(N_("the cohort's label cannot be stored as it is"), {"label": problem})
    if region and region not in settings.regions:
        raise InvalidInput(N_("not one of the configured regions"), {"region": N_("Choose a region from the list.")})


def find_cohort(services: Services, cohort_id: str) -> tuple[Cohort, Bank]:
    cohort = services.store.get_cohort(cohort_id)
    if cohort is None:
        raise NotFound(N_("no such cohort"))
    bank = services.banks.get(cohort.bank_id, cohort.bank_version)
    if bank is None or bank.sha256 != cohort.bank_sha256:
        raise NotFound(N_("the question bank of this cohort is not available"))
    return cohort, bank


def set_phases(services: Services, cohort_id: str, phases: Mapping[str, bool]) -> Cohort:
    if not phases:
        raise InvalidInput(N_("name the phase to open or close"), {"phases": N_("pre or post")})
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        raise InvalidInput(N_("unknown phase"), {phase: N_("a phase is pre or post") for phase in unknown})
    return services.store.set_phases(cohort_id, dict(phases))


def change_phases(services: Services, cohort_id: str, form: Mapping[str, str]) -> Cohort:
    """What the phase buttons of the trainer page and the console send (templates/_phase_buttons.html):
    `start=post`, or one `phase` with `open` 1 or 0."""
    if form.get("start") == "post":
        return start_post_test(services, cohort_id)
    phase, wanted = form.get("phase"), form.get("open")
    if phase not in PHASES or wanted not in ("0", "1"):
        raise InvalidInput(N_("Choose a test to open or close."), {"phase": N_("pre or post"), "open": N_("1 or 0")})
    return set_phases(services, cohort_id, {phase: wanted == "1"})


def start_post_test(services: Services, cohort_id: str) -> Cohort:
    """The trainer's one action after the training: the pre-test closes as the post-test opens, so a
    late phone cannot take the pre-test after it has seen the training (or the post-test)."""
    return services.store.set_phases(cohort_id, {"pre": False, "post": True})


def set_expected_participants(services: Services, cohort_id: str, expected: int) -> Cohort:
    """Change how many participants a cohort expects (trainer), and so how many submissions each phase takes."""
    _check_expected_participants(expected)
    cohort = services.store.set_expected_participants(cohort_id, expected)
    logger.info("expected participants changed", extra={"cohort_id": cohort_id, "expected": expected})
    return cohort


def _check_expected_participants(expected: object) -> None:
    if isinstance(expected, bool) or not isinstance(expected, int) or not 1 <= expected <= MAX_EXPECTED_PARTICIPANTS:
        raise InvalidInput(
            N_("the expected number of participants must be a whole number from 1 to %(most)s"),
            {"expected_participants": N_("a whole number from 1 to 5000")},
            params={"most": MAX_EXPECTED_PARTICIPANTS},
        )


def close_cohort(services: Services, cohort_id: str) -> Cohort:
    """Close a cohort for good (coordinator): no phase opens again and no submission is accepted.
    Its results stay readable for the trainer and in exports."""
    cohort = services.store.close_cohort(cohort_id, now_to_the_minute())
    logger.info("cohort closed", extra={"cohort_id": cohort_id})
    return cohort


def delete_cohort(services: Services, cohort_id: str) -> int:
    """Erase a cohort and everything stored of it (coordinator): afterwards every route of it answers
    404, and only the table's point-in-time backups hold it, until they age out (docs/security.md)."""
    if services.store.get_cohort(cohort_id) is None:
        raise NotFound(N_("no such cohort"))
    deleted = services.store.delete_cohort(cohort_id)
    logger.info("cohort deleted", extra={"cohort_id": cohort_id, "items": deleted})
    return deleted


def rotate_trainer_token(services: Services, cohort_id: str) -> NewCohort:
    """A new trainer secret for a cohort (coordinator), shown once; the old one stops working at once."""
    trainer_token = secrets.token_urlsafe(24)
    cohort = services.store.set_trainer_token_hash(cohort_id, token_hash(trainer_token))
    logger.info("trainer token rotated", extra={"cohort_id": cohort_id})
    return NewCohort(cohort, trainer_token)


def submit(
    services: Services,
    cohort: Cohort,
    bank: Bank,
    *,
    submission_id: str,
    phase: str,
    language: str,
    answers: Mapping[str, Sequence[str]],
    participant_code: str | None = None,
    demographics: Mapping[str, str] | None = None,
) -> SubmitResult:
    """Score and store one phase of one participant, exactly once per participant and phase.

    Without a code (a first pre-test) the code is derived from a keyed hash of the submission id,
    so a retried submit gets the same code and so hits the same stored item instead of a new one.
    A retry gets the stored result and code only when it sends what was stored (domain/linkage.py).
    """
    if not linkage.is_random_uuid(submission_id):
        raise InvalidInput(
            N_("the submission id must be a random (version 4) UUID"),
            {"submission_id": N_("a random (version 4) UUID, made anew for each test")},
        )
    if phase not in PHASES:
        raise InvalidInput(N_("unknown phase"), {"phase": N_("a phase is pre or post")})
    if cohort.closed:
        raise CohortClosed(N_("this cohort is closed for good"))
    if not cohort.is_open(phase):
        raise PhaseClosed(N_("this test is not open right now"))
    if language not in bank.languages:
        raise InvalidInput(N_("the bank has no such language"), {"language": N_("not one of the bank's languages")})
    try:
        checked = check_answers(bank, answers)
    except AnswerError as exc:
        raise InvalidInput(N_("some answers do not belong to this test"), exc.fields) from None
    answered = sum(1 for picked in checked.values() if picked)
    if answered < bank.min_answered_count:
        raise TooFewAnswers(
            N_("Answer at least %(needed)s of the %(total)s questions: %(more)s more."),
            params={
                "needed": bank.min_answered_count,
                "total": len(bank.questions),
                "more": bank.min_answered_count - answered,
            },
        )
    chosen_demographics = _check_demographics(bank, demographics or {})
    key = linkage.cohort_key(services.settings.hmac_key, cohort.linkage_salt)
    pre = None
    if participant_code:
        try:
            code = codes.format_code(codes.normalise_code(participant_code))
        except codes.CodeError as exc:
            raise InvalidInput(str(exc), {"participant_code": str(exc)}) from None
        if phase == "post":
            taken = services.store.participant_submissions(cohort.id, codes.participant_hash(key, cohort.id, code))
            pre = taken.get("pre")
            if pre is None and not cohort.allow_unpaired_codes:
                raise UnknownCode(
                    N_("This code is not one of this group's codes. Check it, or choose “I lost my code”."),
                    {"participant_code": N_("not a code given in this group's first test")},
                )
    else:
        code = codes.code_from_seed(key, submission_id)
    submission = Submission(
        cohort_id=cohort.id,
        phase=phase,
        participant_hash=codes.participant_hash(key, cohort.id, code),
        submission_id=linkage.submission_id_hash(key, submission_id),
        language=language,
        answers=checked,
        score=score_submission(bank, checked),
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        submitted_at=now_to_the_minute(),
        demographics=chosen_demographics,
        expires_at=expires_at(services.settings),
    )
    stored, created = _store_within_limit(services, cohort, submission)
    if not created and not linkage.same_answers(stored, phase, checked, chosen_demographics):
        # The same submission id with other answers: a retry key is no way to read someone's code.
        raise Conflict(N_("this test was sent before with other answers"))
    if created:
        observability.count(observability.SUBMISSIONS_STORED)
    logger.info(
        "submission stored" if created else "submission retried", extra={"cohort_id": cohort.id, "phase": phase}
    )
    return SubmitResult(stored, code, created, pre)


def first_test_code(services: Services, cohort: Cohort, submission_id: str) -> str:
    """The code a first pre-test sent with this submission id gets (so a resent form is recognised)."""
    key = linkage.cohort_key(services.settings.hmac_key, cohort.linkage_salt)
    return codes.code_from_seed(key, submission_id)


def _store_within_limit(services: Services, cohort: Cohort, submission: Submission) -> tuple[Submission, bool]:
    """Store a submission once (Store.put_submission) if its phase has room: a place is taken on the
    cohort's counter first, by a conditional update, and given back when nothing new was stored (a
    retry, a conflict, a failure), so a retry never counts twice. A retry of a submission stored
    before the phase filled up still gets its stored result."""
    store = services.store
    if not store.take_submission_place(cohort.id, submission.phase, cohort.submission_limit):
        existing = store.get_submission(cohort.id, submission.participant_hash, submission.phase)
        if existing is None:
            logger.info("cohort full", extra={"cohort_id": cohort.id, "phase": submission.phase})
            raise CohortFull(
                N_(
                    "This group has received as many answers to this test as it takes (%(limit)s). Show this "
                    "message to your trainer: they can raise the expected number of participants on their page; "
                    "then send your answers again."
                ),
                params={"limit": cohort.submission_limit},
            )
        if existing.submission_id != submission.submission_id:
            raise AlreadySent(N_("You have already sent this test."))
        return existing, False
    try:
        stored, created = store.put_submission(submission)
    except Exception:
        with contextlib.suppress(ServiceError):  # a place kept by mistake only makes the limit stricter
            store.give_back_submission_place(cohort.id, submission.phase)
        raise
    if not created:
        with contextlib.suppress(ServiceError):
            store.give_back_submission_place(cohort.id, submission.phase)
    return stored, created


def participant_history(services: Services, cohort: Cohort, participant_code: str) -> dict[str, Submission]:
    """Both phases of the participant holding this code (for the result page's pre vs post)."""
    key = linkage.cohort_key(services.settings.hmac_key, cohort.linkage_salt)
    digest = codes.participant_hash(key, cohort.id, participant_code)
    return services.store.participant_submissions(cohort.id, digest)


@dataclass(frozen=True)
class CohortSummary:
    """A cohort with how many took each phase and both: a row of the coordinator's list."""

    cohort: Cohort
    pre: int
    post: int
    paired: int


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
    rows = [
        CohortSummary(
            cohort,
            pre=sum("pre" in phases for phases in participants.values()),
            post=sum("post" in phases for phases in participants.values()),
            paired=sum(len(phases) == 2 for phases in participants.values()),
        )
        for cohort, participants in zip(cohorts, taken, strict=True)
    ]
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


def _check_demographics(bank: Bank, given: Mapping[str, str]) -> dict[str, str]:
    questions = {d.id: d for d in bank.demographics}
    problems = {}
    for key, value in given.items():
        if key not in questions:
            problems[f"demographics.{key}"] = N_("no such question")
        elif value not in questions[key].option_ids:
            problems[f"demographics.{key}"] = N_("choose one of the listed options")
    if problems:
        raise InvalidInput(N_("some answers about you are not among the options"), problems)
    return {key: value for key, value in given.items() if value}


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
    from service.domain.cohort_comparison import compare_cohorts, comparison_figures
    from service.domain.disclosure import cohorts_under_k, disclose_report, reason  # not needed by a cold start
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
