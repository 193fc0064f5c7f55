"""What a participant's test form holds, read from the request, and what of it goes back on the page
after a failure (every answer, the code, the same submission id), plus the error as the form shows it.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from service.domain.models import PHASES, Bank
from service.errors import N_, ServiceError
from service.web.errors import translated_fields, translated_message

_KEPT_FIELD = re.compile(
    r"^(submission_id|phase|lang|participant_code|check_unanswered|anyway|new_participant|[adrs]\.[A-Za-z0-9_-]{1,64})$"
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
    reaction: dict[str, int | str] = field(default_factory=dict)  # r.<item>: 1–5, or an option id
    confidence: dict[str, bool] = field(default_factory=dict)  # s.<question>: 1 sure, 0 not sure


@dataclass(frozen=True)
class ShownError:
    """An error as the form shows it, translated once, here; the template escapes it like any text."""

    code: str
    message: str
    details: tuple[str, ...]  # the field problems that do not just repeat the message

    @classmethod
    def of(cls, error: ServiceError) -> ShownError:
        message = translated_message(error)
        details = tuple(problem for problem in translated_fields(error).values() if problem != message)
        return cls(error.code, message[:1].upper() + message[1:], details)


def read_form(form: MultiDict, bank: Bank, new_id: str, default_phase: str) -> tuple[FormState, dict[str, str]]:
    """What the form holds, and what is wrong with how it was sent (a control field missing, not
    valid or sent twice: not something the page itself sends); `new_id` and `default_phase` stand in
    for a missing submission id or phase. Hidden characters (controls, bidi overrides, zero-width
    spaces) are dropped from the typed code, like its spaces and dashes."""
    problems = {
        name: N_("sent more than once")
        for name in (
            "submission_id",
            "phase",
            "lang",
            "participant_code",
            *(f"d.{d.id}" for d in bank.demographics),
            *(f"r.{item.id}" for item in bank.reaction),
            *(f"s.{question.id}" for question in bank.questions),
        )
        if len(form.getlist(name)) > 1
    }
    try:
        submission_id = str(uuid.UUID(form.get("submission_id", "")))
    except ValueError:
        submission_id = new_id
        problems.setdefault("submission_id", N_("missing or not valid"))
    phase = form.get("phase")
    if phase not in PHASES:
        problems.setdefault("phase", N_("missing or not valid"))
        phase = default_phase
    answers = {}
    for question in bank.questions:
        # An option id with anything odd in it is no option of ours: scoring refuses it.
        picked = tuple(value[:_MAX_VALUE_LENGTH] for value in form.getlist(f"a.{question.id}"))
        if picked:
            answers[question.id] = picked
    demographics = {d.id: form.get(f"d.{d.id}", "") for d in bank.demographics if form.get(f"d.{d.id}")}
    reaction = {
        item.id: _rating(form.get(f"r.{item.id}", "")) if item.type == "likert" else form.get(f"r.{item.id}", "")
        for item in bank.reaction
        if form.get(f"r.{item.id}")
    }
    marks = {question.id: form.get(f"s.{question.id}") for question in bank.questions} if bank.confidence else {}
    state = FormState(
        submission_id=submission_id,
        phase=phase,
        answers=answers,
        participant_code=_visible(form.get("participant_code", "")).strip()[:20],
        demographics=demographics,
        reaction=reaction,
        confidence={question: mark == "1" for question, mark in marks.items() if mark in ("0", "1")},
    )
    return state, problems


def _rating(value: str) -> int | str:
    """A rating as the number it is ("4" -> 4); anything else stays text, for the check to name."""
    return int(value) if value in ("1", "2", "3", "4", "5") else value[:_MAX_VALUE_LENGTH]


def kept_fields(form: MultiDict) -> list[tuple[str, str]]:
    """The posted fields a retry page sends again (the form's own names, bounded in number and size)."""
    return [
        (name, value)
        for name, values in form.lists()
        if _KEPT_FIELD.match(name)
        for value in values[:_MAX_VALUES_PER_FIELD]
        if len(value) <= _MAX_VALUE_LENGTH
    ][:_MAX_KEPT_FIELDS]


def _visible(text: str) -> str:
    """`text` without control and format characters (U+202E, U+200B, ...): none belongs in a code
    (pasting one from a chat app may bring some), and shown again they could reorder or hide text."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
