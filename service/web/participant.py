"""The participant's phone pages: the test form and the result. They work without JavaScript, and
on any failure the form comes back with every answer still filled in.

A form sent from the page with questions left unanswered comes back once, listing them (the
server-side check, so it works without JavaScript); "send without these answers" goes through.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for

from service import operations, submissions
from service.domain.codes import CodeError
from service.domain.models import LATER_PHASES, PHASES, Bank, Cohort, Submission
from service.domain.question_order import participant_order
from service.errors import N_, AlreadySent, CrossSite, InvalidInput, ServiceError, Unavailable
from service.web import i18n, links, services
from service.web.errors import status_of, translated_message, with_retry_after
from service.web.participant_form import FormState, ShownError, kept_fields, read_form

bp = Blueprint("participant", __name__)
CODE_COOKIE_DAYS = 120


@bp.get("/c/<cohort_id>")
def test_page(cohort_id: str):
    cohort, bank = operations.find_cohort(services(), cohort_id)
    _choose_language(cohort, bank)
    if cohort.closed:
        return _ended_page(cohort, bank)
    remembered_code = request.cookies.get(_code_cookie(cohort.id), "")
    asked = request.args.get("phase")
    taken = _history(cohort, remembered_code) if asked is None else {}
    if _done(cohort, taken):
        return render_template("participant/done.html", cohort=cohort, bank=bank, taken=taken)
    open_phases = cohort.open_phases
    if not open_phases:
        return render_template("participant/closed.html", cohort=cohort, bank=bank), 403
    if asked not in open_phases and len(open_phases) > 1 and not remembered_code:
        # Several tests open and nothing on this phone says which: ask, never guess the pre-test.
        return render_template("participant/which.html", cohort=cohort, bank=bank, phases=open_phases)
    phase = _choose_phase(cohort, asked, remembered_code, taken)
    code = remembered_code if phase in LATER_PHASES else ""
    state = FormState(submission_id=_form_id(cohort), phase=phase, participant_code=code)
    response = make_response(_test_form(cohort, bank, state, already_sent=phase == "pre" and bool(remembered_code)))
    if cohort.shuffle:  # keeps the submission id, and so the order, across reloads until it is sent
        _set_cookie(response, cohort, _form_cookie(cohort.id), state.submission_id, days=1)
    return response


@bp.get("/c/<cohort_id>/result")
def result_page(cohort_id: str):
    """This phone's latest result again (the code cookie says whose), e.g. in the other language."""
    cohort, bank = operations.find_cohort(services(), cohort_id)
    _choose_language(cohort, bank)
    code = request.cookies.get(_code_cookie(cohort.id), "")
    history = _history(cohort, code)
    latest = next((history[phase] for phase in reversed(PHASES) if phase in history), None)
    if latest is None:
        return redirect(url_for(".test_page", cohort_id=cohort.id), 303)
    return _result_page(cohort, bank, latest, code, history)


@bp.post("/c/<cohort_id>")
def submit_test(cohort_id: str):
    try:
        cohort, bank = operations.find_cohort(services(), cohort_id)
    except Unavailable as error:
        return _retry_page(error)
    if cohort.closed:
        _choose_language(cohort, bank)
        return _ended_page(cohort, bank)
    remembered_code = request.cookies.get(_code_cookie(cohort.id), "")
    default_phase = _choose_phase(cohort, None, remembered_code, {}) or PHASES[0]
    state, problems = read_form(request.form, bank, new_id=_form_id(cohort), default_phase=default_phase)
    if links.from_another_site():
        # A form on another site posting here (auto-submitted): refused, and no code cookie changes.
        _choose_language(cohort, bank)
        error = CrossSite(N_("This test can only be sent from its own page. Open the link you were given."))
        return _test_form(cohort, bank, state, error=error), status_of(error)
    switch_to = request.form.get("switch_lang")
    if switch_to in bank.languages:
        i18n.use_language(switch_to, bank.languages)
        response = make_response(_test_form(cohort, bank, state))
        i18n.remember(response, switch_to)
        return response
    form_language = request.form.get("lang")
    language = form_language if form_language in bank.languages else _choose_language(cohort, bank)
    i18n.use_language(language, bank.languages)
    if problems:
        error = InvalidInput(N_("the form did not arrive as the page sent it"), problems)
        return _test_form(cohort, bank, state, error=error), status_of(error)
    skipped = any(question.id not in state.answers for question in bank.questions)
    if skipped and request.form.get("check_unanswered") and not request.form.get("anyway"):
        return _test_form(cohort, bank, state, point_out_unanswered=True)
    if request.form.get("lost_code"):
        state = replace(state, participant_code="")
    if (
        state.phase == "pre"
        and remembered_code
        and not request.form.get("new_participant")
        and remembered_code != submissions.first_test_code(services(), cohort, state.submission_id)
    ):
        # This phone holds someone's code already: a second pre-test would replace it. Ask first.
        return _test_form(cohort, bank, state, ask_new_participant=True), 409
    return _send(cohort, bank, state, language)


def _send(cohort: Cohort, bank: Bank, state: FormState, language: str):
    """Store the submission; the result page and this phone's code cookie, or the form again."""
    try:
        result = submissions.submit(
            services(),
            cohort,
            bank,
            submission_id=state.submission_id,
            phase=state.phase,
            language=language,
            answers=state.answers,
            participant_code=state.participant_code or None,
            demographics=state.demographics,
            reaction=state.reaction,
            confidence=state.confidence,
        )
    except AlreadySent as error:
        page = render_template("participant/already_sent.html", cohort=cohort, bank=bank, phase=state.phase)
        return page, status_of(error)
    except ServiceError as error:
        return _with_retry_after(make_response(_test_form(cohort, bank, state, error=error), status_of(error)))
    history = {**result.earlier, result.submission.phase: result.submission}
    response = make_response(_result_page(cohort, bank, result.submission, result.participant_code, history))
    _set_cookie(response, cohort, _code_cookie(cohort.id), result.participant_code, days=CODE_COOKIE_DAYS)
    if cohort.shuffle:
        _set_cookie(response, cohort, _form_cookie(cohort.id), "", days=0)
    return response


def _ended_page(cohort: Cohort, bank: Bank):
    """A cohort closed for good: say so plainly (410 Gone: it will not open again), keep no form."""
    return render_template("participant/ended.html", cohort=cohort, bank=bank), 410


def _test_form(
    cohort: Cohort,
    bank: Bank,
    state: FormState,
    error: ServiceError | None = None,
    point_out_unanswered: bool = False,
    already_sent: bool = False,
    ask_new_participant: bool = False,
):
    questions = participant_order(bank, cohort.shuffle, state.submission_id)
    unanswered = []
    if point_out_unanswered:
        unanswered = [(number, q) for number, q in enumerate(questions, 1) if q.id not in state.answers]
    other_phases = [p for p in cohort.open_phases if p != state.phase]
    return render_template(
        "participant/test.html",
        cohort=cohort,
        bank=bank,
        questions=questions,
        state=state,
        error=ShownError.of(error) if error else None,
        unanswered=unanswered,
        unanswered_ids={question.id for _, question in unanswered},
        already_sent=already_sent,
        ask_new_participant=ask_new_participant,
        other_phases=other_phases,
        participant_url=links.participant_url(cohort.id),
    )


def _retry_page(error: Unavailable):
    """The database did not answer before we knew the test: every posted field goes back in hidden
    inputs behind a retry button, so nothing the participant answered is lost (nothing was stored)."""
    status = status_of(error)
    fields = kept_fields(request.form)
    page = render_template("participant/retry.html", message=translated_message(error), fields=fields, status=status)
    return _with_retry_after(make_response(page, status))


def _with_retry_after(response):
    return with_retry_after(response) if response.status_code == 503 else response


def _result_page(cohort: Cohort, bank: Bank, submission: Submission, code: str, history: dict[str, Submission]):
    """The result of `submission`, beside this code's earlier tests (before, after, and now)."""
    earlier = PHASES[: PHASES.index(submission.phase)]
    return render_template(
        "participant/result.html",
        cohort=cohort,
        bank=bank,
        submission=submission,
        participant_code=code,
        scores=[(phase, history[phase]) for phase in (*earlier, submission.phase) if phase in history],
        # No answer key while this participant's post-test is still to come (issue 15): the review
        # comes with the post-test (and the follow-up), or for everyone once the cohort is closed for good.
        show_answers=submission.phase in LATER_PHASES or cohort.closed,
    )


def _history(cohort: Cohort, code: str) -> dict[str, Submission]:
    """The phases this phone's code has sent, or none when it holds no (readable) code."""
    if not code:
        return {}
    try:
        return submissions.participant_history(services(), cohort, code)
    except CodeError:
        return {}


def _form_id(cohort: Cohort) -> str:
    """A new submission id, or for a shuffling cohort the one this phone was shown last (its cookie)."""
    if cohort.shuffle:
        try:
            return str(uuid.UUID(request.cookies.get(_form_cookie(cohort.id), "")))
        except ValueError:
            pass
    return str(uuid.uuid4())


def _form_cookie(cohort_id: str) -> str:
    return f"form_{cohort_id}"


def _choose_language(cohort: Cohort, bank: Bank) -> str:
    g.default_language = cohort.language
    language = i18n.current_language(bank.languages)
    i18n.use_language(language, bank.languages)
    return language


def _choose_phase(cohort: Cohort, asked: str | None, remembered_code: str, taken: dict) -> str | None:
    """The phase this page shows: the one asked for if open, the only open one, or — when several
    are open — for a phone that holds a code, the first open later test it has not taken yet."""
    open_phases = cohort.open_phases
    if asked in open_phases:
        return asked
    if len(open_phases) > 1 and remembered_code:
        later = [phase for phase in open_phases if phase in LATER_PHASES]
        return next((phase for phase in later if phase not in taken), later[-1] if later else open_phases[0])
    return open_phases[0] if open_phases else None


def _done(cohort: Cohort, taken: dict[str, Submission]) -> bool:
    """This phone's code has taken a later test and every later test open now: nothing more to send."""
    later_taken = [phase for phase in LATER_PHASES if phase in taken]
    return bool(later_taken) and all(phase in taken for phase in cohort.open_phases if phase in LATER_PHASES)


def _set_cookie(response, cohort: Cohort, name: str, value: str, days: int) -> None:
    """One of this cohort's phone cookies (its code, its form's id): only its pages see it, no script
    reads it, and it comes along when a link to the test is opened from a chat app (Lax); 0 days ends it."""
    path = links.cookie_path(f"/c/{cohort.id}")
    response.set_cookie(
        name, value, max_age=days * 86400, path=path, httponly=True, samesite="Lax", secure=request.is_secure
    )


def _code_cookie(cohort_id: str) -> str:
    return f"code_{cohort_id}"
