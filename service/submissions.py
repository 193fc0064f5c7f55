"""A participant's test: scored and stored once per participant and phase, and read back by code.
The phone pages and the JSON API call these."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from service import observability, operations
from service.domain import codes, linkage
from service.domain.models import LATER_PHASES, PHASES, Bank, Cohort, Submission
from service.domain.scoring import AnswerError, check_answers, score_submission
from service.errors import (
    N_,
    AlreadySent,
    CohortClosed,
    CohortFull,
    Conflict,
    InvalidInput,
    PhaseClosed,
    ServiceError,
    TooFewAnswers,
    UnknownCode,
)
from service.observability import logger
from service.operations import Services


@dataclass(frozen=True)
class SubmitResult:
    submission: Submission
    participant_code: str
    created: bool
    earlier: Mapping[str, Submission] = field(default_factory=dict)  # a later test's earlier ones, by phase

    @property
    def pre(self) -> Submission | None:
        return self.earlier.get("pre")


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
    reaction: Mapping[str, object] | None = None,
    confidence: Mapping[str, bool] | None = None,
) -> SubmitResult:
    """Score and store one phase of one participant, exactly once per participant and phase.

    Without a code (a first pre-test) the code is derived from a keyed hash of the submission id,
    so a retried submit gets the same code and so hits the same stored item instead of a new one.
    A retry gets the stored result and code only when it sends what was stored (domain/linkage.py).
    """
    checked = _checked_answers(cohort, bank, submission_id, phase, language, answers)
    chosen_demographics = _check_demographics(bank, demographics or {})
    reaction, confidence = _check_reaction(bank, phase, reaction or {}), _check_confidence(bank, confidence or {})
    key = linkage.cohort_key(services.settings.hmac_key, cohort.linkage_salt)
    code, earlier = _participant_code(services, cohort, key, participant_code, phase, submission_id)
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
        submitted_at=operations.now_to_the_minute(),  # through the module: tests set the time there
        demographics=chosen_demographics,
        expires_at=operations.expires_at(services.settings),
        reaction=reaction,
        confidence={question: sure for question, sure in confidence.items() if checked.get(question)},
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
    return SubmitResult(stored, code, created, earlier)


def _checked_answers(
    cohort: Cohort, bank: Bank, submission_id: str, phase: str, language: str, answers: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """The answers normalised, once everything about the submission is known to be acceptable."""
    if not linkage.is_random_uuid(submission_id):
        raise InvalidInput(
            N_("the submission id must be a random (version 4) UUID"),
            {"submission_id": N_("a random (version 4) UUID, made anew for each test")},
        )
    if phase not in PHASES:
        raise InvalidInput(N_("unknown phase"), {"phase": N_("a phase is pre, post or follow_up")})
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
    return checked


def _participant_code(
    services: Services, cohort: Cohort, key: bytes, participant_code: str | None, phase: str, submission_id: str
) -> tuple[str, dict[str, Submission]]:
    """The code this submission is stored under (the one typed, or one derived from the submission
    id) and, for a later test (post-test, follow-up), the same code's earlier tests by phase: a
    later test's code must have taken an earlier test here (unless the cohort accepts any code)."""
    earlier: dict[str, Submission] = {}
    if participant_code:
        try:
            code = codes.format_code(codes.normalise_code(participant_code))
        except codes.CodeError as exc:
            raise InvalidInput(str(exc), {"participant_code": str(exc)}) from None
        if phase in LATER_PHASES:
            taken = services.store.participant_submissions(cohort.id, codes.participant_hash(key, cohort.id, code))
            earlier = {p: taken[p] for p in PHASES[: PHASES.index(phase)] if p in taken}
            if not earlier and not cohort.allow_unpaired_codes:
                raise UnknownCode(
                    N_("This code is not one of this group's codes. Check it, or choose “I lost my code”."),
                    {"participant_code": N_("not a code given in this group's first test")},
                )
    else:
        code = codes.code_from_seed(key, submission_id)
    return code, earlier


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


def _check_reaction(bank: Bank, phase: str, given: Mapping[str, object]) -> dict[str, int | str]:
    """The participant's reaction (optional): only with the post-test, only the bank's items, each a
    rating 1–5 or one of its options. An item left blank is simply not there."""
    if given and phase != "post":
        raise InvalidInput(N_("the reaction is asked with the post-test only"), {"reaction": N_("post-test only")})
    problems = {}
    for key, value in given.items():
        item = bank.reaction_item(key)
        if item is None:
            problems[f"reaction.{key}"] = N_("no such question")
        elif not item.accepts(value):
            problems[f"reaction.{key}"] = (
                N_("a whole number from 1 to 5") if item.type == "likert" else N_("choose one of the listed options")
            )
    if problems:
        raise InvalidInput(N_("some answers about the training are not among the options"), problems)
    return dict(given)  # type: ignore[arg-type]


def _check_confidence(bank: Bank, given: Mapping[str, bool]) -> dict[str, bool]:
    """Sure / not sure per answer (optional): only for a bank that asks, only for its questions."""
    if given and not bank.confidence:
        raise InvalidInput(N_("this test does not ask how sure you are"), {"confidence": N_("not asked in this test")})
    problems = {f"confidence.{key}": N_("no such question") for key in given if bank.question(key) is None}
    if problems:
        raise InvalidInput(N_("some answers do not belong to this test"), problems)
    return dict(given)


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
