"""The participant's phone pages: the test form and the result. They work without JavaScript, and
on any failure the form comes back with every answer still filled in.

A form sent from the page with questions left unanswered comes back once, listing them (the
server-side check, so it works without JavaScript); "send without these answers" goes through.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from service import operations
from service.domain.codes import CodeError
from service.domain.models import PHASES, Bank, Cohort, Question, Submission
from service.errors import N_, AlreadySent, CrossSite, InvalidInput, ServiceError, Unavailable
from service.web import i18n, links, services
from service.web.errors import RETRY_AFTER_SECONDS, status_of, translated_message

bp = Blueprint("participant", __name__)
CODE_COOKIE_DAYS = 120
_KEPT_FIELD = re.compile(
    r"^(submission_id|phase|lang|participant_code|check_unanswered|anyway|new_participant|[ad]\.[A-Za-z0-9_-]{1,64})$"
)
_MAX_KEPT_FIELDS = 600
_MAX_VALUES_PER_FIELD = 26
_MAX_VALUE_LENGTH = 64


@dataclass
class FormState:
    """What the participant has filled in so far, to render the form again after a failure."""

    submission_id: str
    phase: str
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    participant_code: str = ""
    demographics: dict[str, str] = field(default_factory=dict)


@bp.get("/c/<cohort_id>")
def test_page(cohort_id: str):
    cohort, bank = operations.find_cohort(services(), cohort_id)
    _choose_language(cohort, bank)
    if cohort.closed:
        return _ended_page(cohort, bank)
    remembered_code = request.cookies.get(_code_cookie(cohort.id), "")
    asked = request.args.get("phase")
    if remembered_code and asked is None and "post" in _history(cohort, remembered_code):
        return render_template("participant/done.html", cohort=cohort, bank=bank)
    open_phases = cohort.open_phases
    if not open_phases:
        return render_template("participant/closed.html", cohort=cohort, bank=bank), 403
    if asked not in open_phases and len(open_phases) == 2 and not remembered_code:
        # Both tests open and nothing on this phone says which: ask, never guess the pre-test.
        return render_template("participant/which.html", cohort=cohort, bank=bank)
    phase = _choose_phase(cohort, asked, remembered_code)
    code = remembered_code if phase == "post" else ""
    state = FormState(submission_id=_form_id(cohort), phase=phase, participant_code=code)
    response = make_response(_test_form(cohort, bank, state, already_sent=phase == "pre" and bool(remembered_code)))
    if cohort.shuffle:  # keeps the submission id, and so the order, across reloads until it is sent
        response.set_cookie(
            _form_cookie(cohort.id),
            state.submission_id,
            max_age=86400,
            path=links.cookie_path(f"/c/{cohort.id}"),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


@bp.get("/c/<cohort_id>/result")
def result_page(cohort_id: str):
    """This phone's latest result again (the code cookie says whose), e.g. in the other language."""
    cohort, bank = operations.find_cohort(services(), cohort_id)
    _choose_language(cohort, bank)
    code = request.cookies.get(_code_cookie(cohort.id), "")
    history = _history(cohort, code)
    latest = history.get("post") or history.get("pre")
    if latest is None:
        return redirect(url_for(".test_page", cohort_id=cohort.id), 303)
    return _result_page(cohort, bank, latest, code, history.get("pre") if latest.phase == "post" else None)


@bp.post("/c/<cohort_id>")
def submit_test(cohort_id: str):
    try:
        cohort, bank = operations.find_cohort(services(), cohort_id)
    except Unavailable as error:
        return _retry_page(error)
    if cohort.closed:
        _choose_language(cohort, bank)
        return _ended_page(cohort, bank)
    state, problems = _read_form(bank, cohort)
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
    remembered_code = request.cookies.get(_code_cookie(cohort.id), "")
    if (
        state.phase == "pre"
        and remembered_code
        and not request.form.get("new_participant")
        and remembered_code != operations.first_test_code(services(), cohort, state.submission_id)
    ):
        # This phone holds someone's code already: a second pre-test would replace it. Ask first.
        return _test_form(cohort, bank, state, ask_new_participant=True), 409
    try:
        result = operations.submit(
            services(),
            cohort,
            bank,
            submission_id=state.submission_id,
            phase=state.phase,
            language=language,
            answers=state.answers,
            participant_code=state.participant_code or None,
            demographics=state.demographics,
        )
    except AlreadySent as error:
        page = render_template("participant/already_sent.html", cohort=cohort, bank=bank, phase=state.phase)
        return page, status_of(error)
    except ServiceError as error:
        return _with_retry_after(make_response(_test_form(cohort, bank, state, error=error), status_of(error)))
    response = make_response(_result_page(cohort, bank, result.submission, result.participant_code, result.pre))
    response.set_cookie(
        _code_cookie(cohort.id),
        result.participant_code,
        max_age=CODE_COOKIE_DAYS * 86400,
        path=links.cookie_path(f"/c/{cohort.id}"),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    if cohort.shuffle:
        response.delete_cookie(_form_cookie(cohort.id), path=links.cookie_path(f"/c/{cohort.id}"))
    return response


@dataclass(frozen=True)
class ShownError:
    """An error as the form shows it, its field problems translated here and escaped. The template
    passes them through `_()`, which marks its argument safe (a catalog's text is trusted markup), so
    nothing that came with the request (an option id, a field name) may reach it unescaped."""

    code: str
    message: Markup
    fields: dict[Markup, Markup]

    @classmethod
    def of(cls, error: ServiceError) -> ShownError:
        fields = {escape(name): _as_shown(problem) for name, problem in error.fields.items()}
        return cls(error.code, escape(translated_message(error)), fields)


def _as_shown(message: str) -> Markup:
    # `_()` in a template also %-formats what it returns: a '%' in what was sent would crash it.
    return escape(gettext(message)).replace("%", "%%")


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
    questions = participant_order(cohort, bank, state.submission_id)
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
        error_message=translated_message(error) if error else "",
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
    kept = [
        (name, value)
        for name, values in request.form.lists()
        if _KEPT_FIELD.match(name)
        for value in values[:_MAX_VALUES_PER_FIELD]
        if len(value) <= _MAX_VALUE_LENGTH
    ][:_MAX_KEPT_FIELDS]
    status = status_of(error)
    page = render_template("participant/retry.html", message=translated_message(error), fields=kept, status=status)
    return _with_retry_after(make_response(page, status))


def _with_retry_after(response):
    if response.status_code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _result_page(cohort: Cohort, bank: Bank, submission: Submission, code: str, pre: Submission | None):
    return render_template(
        "participant/result.html",
        cohort=cohort,
        bank=bank,
        submission=submission,
        participant_code=code,
        pre=pre,
        # No answer key while this participant's post-test is still to come (issue 15): the review
        # comes with the post-test, or for everyone once the cohort is closed for good.
        show_answers=submission.phase == "post" or cohort.closed,
    )


def _history(cohort: Cohort, code: str) -> dict[str, Submission]:
    """The phases this phone's code has sent, or none when it holds no (readable) code."""
    if not code:
        return {}
    try:
        return operations.participant_history(services(), cohort, code)
    except CodeError:
        return {}


def participant_order(cohort: Cohort, bank: Bank, submission_id: str) -> list[Question]:
    """The questions (and their options) in the order this participant sees them: the bank's order,
    or, when the cohort shuffles, an order seeded from the submission id, so that a reload or a
    failed submit shows the same order. Answers are by id, so scoring and exports never see it."""
    if not cohort.shuffle:
        return list(bank.questions)
    seeded = random.Random(int.from_bytes(hashlib.sha256(submission_id.encode()).digest()[:8], "big"))
    questions = seeded.sample(bank.questions, len(bank.questions))
    return [replace(q, options=tuple(seeded.sample(q.options, len(q.options)))) for q in questions]


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


def _read_form(bank: Bank, cohort: Cohort) -> tuple[FormState, dict[str, str]]:
    """What the form holds, and what is wrong with how it was sent (a control field missing, not
    valid or sent twice: not something the page itself sends). Hidden characters (controls, bidi
    overrides, zero-width spaces) are dropped from the typed code, like its spaces and dashes."""
    form = request.form
    problems = {
        name: N_("sent more than once")
        for name in ("submission_id", "phase", "lang", "participant_code", *(f"d.{d.id}" for d in bank.demographics))
        if len(form.getlist(name)) > 1
    }
    try:
        submission_id = str(uuid.UUID(form.get("submission_id", "")))
    except ValueError:
        submission_id = _form_id(cohort)
        problems.setdefault("submission_id", N_("missing or not valid"))
    phase = form.get("phase")
    if phase not in PHASES:
        problems.setdefault("phase", N_("missing or not valid"))
        phase = _choose_phase(cohort, None, request.cookies.get(_code_cookie(cohort.id), "")) or PHASES[0]
    answers = {}
    for question in bank.questions:
        # An option id with anything odd in it is no option of ours: scoring refuses it.
        picked = tuple(value[:_MAX_VALUE_LENGTH] for value in form.getlist(f"a.{question.id}"))
        if picked:
            answers[question.id] = picked
    demographics = {d.id: form.get(f"d.{d.id}", "") for d in bank.demographics if form.get(f"d.{d.id}")}
    state = FormState(
        submission_id=submission_id,
        phase=phase,
        answers=answers,
        participant_code=_visible(form.get("participant_code", "")).strip()[:20],
        demographics=demographics,
    )
    return state, problems


def _visible(text: str) -> str:
    """`text` without control and format characters (U+202E, U+200B, ...): none belongs in a code
    (pasting one from a chat app may bring some), and shown again they could reorder or hide text."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def _choose_language(cohort: Cohort, bank: Bank) -> str:
    g.default_language = cohort.language
    language = i18n.current_language(bank.languages)
    i18n.use_language(language, bank.languages)
    return language


def _choose_phase(cohort: Cohort, asked: str | None, remembered_code: str) -> str | None:
    """The phase this page shows: the one asked for if open, the only open one, or — when both are
    open — the post-test for a phone that already holds a code from the pre-test."""
    open_phases = cohort.open_phases
    if asked in open_phases:
        return asked
    if len(open_phases) == 2:
        return "post" if remembered_code else "pre"
    return open_phases[0] if open_phases else None


def _code_cookie(cohort_id: str) -> str:
    return f"code_{cohort_id}"
