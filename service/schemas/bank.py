"""marshmallow schemas for question-bank files (`question_banks/<bank_id>/<version>.yaml`).

They check shape, types and single-field ranges. Rules that span fields (translations,
duplicate ids, correct options, topics) live in `service.domain.banks`, which runs both
so that a bank author sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from service.domain.models import ID_PATTERN, LANGUAGE_PATTERN, MAX_REACTION_ITEMS, VERSION_PATTERN
from service.schemas.strict import StrictBoolean

QUESTION_TYPES = ("single", "multiple")
MULTIPLE_SCORING = ("all_or_nothing", "partial")
REACTION_TYPES = ("likert", "choice")


def _id_field() -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Regexp(ID_PATTERN, error="Must be letters, digits, '-' or '_' (at most 64)."),
    )


def _texts_field(**kwargs) -> fields.Dict:
    """A text in several languages, `{uk: "...", en: "..."}`; which languages is checked later."""
    return fields.Dict(keys=fields.String(), values=fields.String(), **kwargs)


class _Strict(Schema):
    class Meta:
        unknown = RAISE  # a typo such as `corect:` must not silently drop the key


class OptionSchema(_Strict):
    id = _id_field()
    text = _texts_field(required=True)
    # Only real YAML booleans: `correct: "no"` or `correct: 1` is a mistake worth reporting.
    correct = StrictBoolean(required=True)


class QuestionSchema(_Strict):
    id = _id_field()
    topic = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    points = fields.Float(
        load_default=1.0,
        validate=validate.Range(min=0, min_inclusive=False, error="Must be greater than 0."),
    )
    prompt = _texts_field(required=True)
    options = fields.List(
        fields.Nested(OptionSchema),
        required=True,
        validate=validate.Length(min=2, error="A question needs at least 2 options."),
    )
    explanation = _texts_field(load_default=None)


class TopicSchema(_Strict):
    id = _id_field()
    label = _texts_field(required=True)


class DemographicOptionSchema(_Strict):
    id = _id_field()
    text = _texts_field(required=True)


class DemographicSchema(_Strict):
    """A categorical question about the participant; free text is never asked for."""

    id = _id_field()
    prompt = _texts_field(required=True)
    options = fields.List(
        fields.Nested(DemographicOptionSchema),
        required=True,
        validate=validate.Length(min=2, error="A demographic question needs at least 2 options."),
    )


class ReactionSchema(_Strict):
    """A question about the training (never scored): a statement rated 1–5, or one short choice list."""

    id = _id_field()
    type = fields.String(required=True, validate=validate.OneOf(REACTION_TYPES))
    prompt = _texts_field(required=True)
    options = fields.List(fields.Nested(DemographicOptionSchema), load_default=list)


class ScoringSchema(_Strict):
    multiple = fields.String(required=True, validate=validate.OneOf(MULTIPLE_SCORING))


class BankSchema(Schema):
    """A whole bank file. Unknown top-level keys are allowed: the format may grow."""

    class Meta:
        unknown = EXCLUDE

    id = _id_field()
    version = fields.String(
        required=True,
        validate=validate.Regexp(VERSION_PATTERN, error="Must be letters, digits, '.', '-' or '_'."),
        error_messages={"invalid": 'Must be a quoted string, e.g. version: "2".'},
    )
    languages = fields.List(
        fields.String(validate=validate.Regexp(LANGUAGE_PATTERN, error="Not a language code such as 'uk'.")),
        required=True,
        validate=validate.Length(min=1, error="At least one language is required."),
    )
    title = _texts_field(required=True)
    description = _texts_field(required=True)
    scoring = fields.Nested(ScoringSchema, required=True)
    pass_percent = fields.Float(
        load_default=None,
        validate=validate.Range(min=0, max=100, error="Must be between 0 and 100."),
    )
    review_note = _texts_field(load_default=None)
    min_answered = fields.Float(
        load_default=0.5,
        validate=validate.Range(min=0, max=1, error="A share of the questions, between 0 and 1."),
        metadata={"description": "the share of questions a test must answer to be stored (at least one)"},
    )
    topics = fields.List(
        fields.Nested(TopicSchema),
        required=True,
        validate=validate.Length(min=1, error="At least one topic is required."),
    )
    demographics = fields.List(fields.Nested(DemographicSchema), load_default=list)
    reaction = fields.List(
        fields.Nested(ReactionSchema),
        load_default=list,
        validate=validate.Length(max=MAX_REACTION_ITEMS, error=f"At most {MAX_REACTION_ITEMS} reaction items."),
    )
    confidence = StrictBoolean(
        load_default=False,
        metadata={"description": 'whether each answer may be marked "sure" / "not sure"'},
    )
    questions = fields.List(
        fields.Nested(QuestionSchema),
        required=True,
        validate=validate.Length(min=1, error="At least one question is required."),
    )


def flatten_errors(messages: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """marshmallow's nested `ValidationError.messages` as (path, message) pairs, path outermost first."""
    if isinstance(messages, list):
        for message in messages:
            yield path, str(message)
        return
    for key, value in messages.items():
        if key in ("_schema", "value"):  # about the field at `path` itself (or a Dict field's value)
            yield from flatten_errors(value, path)
        elif key == "key":  # a Dict field's key
            yield from ((at, f"Key: {message}") for at, message in flatten_errors(value, path))
        else:
            yield from flatten_errors(value, (*path, key))
