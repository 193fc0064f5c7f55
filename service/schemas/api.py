"""Request and response shapes of the JSON API; the OpenAPI document is generated from these."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service.domain.models import (
    DEFAULT_EXPECTED_PARTICIPANTS,
    MAX_EXPECTED_PARTICIPANTS,
    MAX_REACTION_ITEMS,
    PHASES,
)
from service.schemas.strict import StrictBoolean, Text

_ID = validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$", error="letters, digits and - _ . : only, at most 64")
_TEXTS = fields.Dict(keys=fields.String(), values=fields.String())


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class ErrorBodySchema(ma.Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable error code"})
    message = fields.String(required=True, metadata={"description": "what is wrong, for a person"})
    fields = fields.Dict(
        keys=fields.String(), values=fields.Raw(), required=True, metadata={"description": "problems by field"}
    )


class ErrorSchema(ma.Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class BankVersionsSchema(ma.Schema):
    bank_id = fields.String(required=True)
    versions = fields.List(fields.String(), required=True)
    title = _TEXTS
    languages = fields.List(fields.String())


class BankListSchema(ma.Schema):
    banks = fields.List(fields.Nested(BankVersionsSchema), required=True)


class PublicOptionSchema(ma.Schema):
    id = fields.String(required=True)
    text = _TEXTS


class PublicQuestionSchema(ma.Schema):
    id = fields.String(required=True)
    topic = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(["single", "multiple"]))
    points = fields.Float(required=True)
    prompt = _TEXTS
    options = fields.List(fields.Nested(PublicOptionSchema), required=True)


class PublicTopicSchema(ma.Schema):
    id = fields.String(required=True)
    label = _TEXTS


class PublicDemographicSchema(ma.Schema):
    id = fields.String(required=True)
    prompt = _TEXTS
    options = fields.List(fields.Nested(PublicOptionSchema), required=True)


class PublicReactionSchema(ma.Schema):
    id = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": ["likert", "choice"]})
    prompt = _TEXTS
    options = fields.List(fields.Nested(PublicOptionSchema), required=True)


class PublicBankSchema(ma.Schema):
    """A bank as participants' programs see it: no correct flags, no explanations."""

    id = fields.String(required=True)
    version = fields.String(required=True)
    sha256 = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    title = _TEXTS
    description = _TEXTS
    scoring = fields.String(required=True)
    topics = fields.List(fields.Nested(PublicTopicSchema), required=True)
    demographics = fields.List(fields.Nested(PublicDemographicSchema), required=True)
    questions = fields.List(fields.Nested(PublicQuestionSchema), required=True)
    reaction = fields.List(
        fields.Nested(PublicReactionSchema),
        required=True,
        metadata={"description": "asked with the post-test, optional, never scored (likert: 1-5)"},
    )
    confidence = fields.Boolean(required=True, metadata={"description": "whether each answer may be marked sure"})


class PhaseStateSchema(StrictSchema):
    open = StrictBoolean(required=True)


class PhasesSchema(StrictSchema):
    """Each phase's state; `{"follow_up": true}` is short for `{"follow_up": {"open": true}}`."""

    @ma.pre_load
    def _bare_booleans(self, data, **kwargs):
        if isinstance(data, dict):
            return {phase: {"open": state} if isinstance(state, bool) else state for phase, state in data.items()}
        return data

    pre = fields.Nested(PhaseStateSchema)
    post = fields.Nested(PhaseStateSchema)
    follow_up = fields.Nested(
        PhaseStateSchema, metadata={"description": "the optional delayed retention test; closed unless opened"}
    )


class CohortCreateSchema(StrictSchema):
    bank_id = Text(required=True, validate=_ID)
    bank_version = Text(required=True, validate=validate.Length(1, 32))
    label = Text(required=True, validate=validate.Length(1, 120))
    language = Text(validate=validate.Length(2, 8))
    region = Text(validate=validate.Length(1, 80), allow_none=True)
    phases = fields.Nested(
        PhasesSchema,
        metadata={
            "description": "which tests are open; by default the pre-test only (the trainer starts the post-test)"
        },
    )
    allow_unpaired_codes = fields.Boolean(
        load_default=False,
        metadata={
            "description": "accept a post-test with a typed code that has no pre-test in this cohort "
            "(otherwise 422 unknown_code); for special cases only"
        },
    )
    shuffle = fields.Boolean(
        load_default=False, metadata={"description": "shuffle question and option order per participant"}
    )
    expected_participants = fields.Integer(
        load_default=DEFAULT_EXPECTED_PARTICIPANTS,
        strict=True,
        validate=validate.Range(1, MAX_EXPECTED_PARTICIPANTS),
        metadata={
            "description": "how many participants the class has; each test takes at most 1.5 times as many "
            "submissions (then 429 cohort_full), and the trainer can raise it"
        },
    )


class CohortCreatedSchema(ma.Schema):
    cohort_id = fields.String(required=True)
    participant_url = fields.String(required=True)
    trainer_url = fields.String(required=True)
    trainer_token = fields.String(required=True, metadata={"description": "shown once; store it safely"})


class CohortPatchSchema(StrictSchema):
    phases = fields.Nested(PhasesSchema, required=True)


class CohortSchema(ma.Schema):
    cohort_id = fields.String(required=True)
    bank_id = fields.String(required=True)
    bank_version = fields.String(required=True)
    label = fields.String(required=True)
    language = fields.String(required=True)
    region = fields.String(allow_none=True)
    phases = fields.Nested(PhasesSchema, required=True)
    created_at = fields.String(required=True)
    closed = fields.Boolean(required=True, metadata={"description": "closed for good by the coordinator"})
    closed_at = fields.String(allow_none=True)
    expected_participants = fields.Integer(required=True)


class TrainerTokenSchema(ma.Schema):
    cohort_id = fields.String(required=True)
    trainer_url = fields.String(required=True)
    trainer_token = fields.String(
        required=True, metadata={"description": "shown once; the previous token no longer works"}
    )


def _at_most_entries(limit: int):
    """A size limit for a Dict field. Not validate.Length: apispec would document that as a string's
    maxLength, which says nothing about an object; the document gets maxProperties instead."""

    def check(value: dict) -> None:
        if len(value) > limit:
            raise ma.ValidationError(f"At most {limit} entries.")

    return check


class SubmissionCreateSchema(StrictSchema):
    submission_id = fields.UUID(required=True, metadata={"description": "made by the client; a retry reuses it"})
    phase = Text(required=True, validate=validate.OneOf(PHASES))
    language = Text(required=True, validate=validate.Length(2, 8))
    answers = fields.Dict(
        keys=Text(validate=validate.Length(1, 64)),
        values=fields.List(Text(validate=validate.Length(1, 64)), validate=validate.Length(max=26)),
        required=True,
        validate=_at_most_entries(500),
        metadata={"maxProperties": 500, "description": "question id (1-64 characters) -> chosen option ids"},
    )
    participant_code = Text(validate=validate.Length(1, 20), allow_none=True)
    demographics = fields.Dict(
        keys=Text(validate=validate.Length(1, 64)),
        values=Text(validate=validate.Length(max=64)),
        validate=_at_most_entries(20),
        metadata={"maxProperties": 20, "description": "demographic question id (1-64 characters) -> option id"},
    )
    reaction = fields.Dict(
        keys=Text(validate=validate.Length(1, 64)),
        values=fields.Raw(),
        validate=_at_most_entries(MAX_REACTION_ITEMS),
        metadata={
            "maxProperties": MAX_REACTION_ITEMS,
            "description": "post-test only, optional: reaction item id -> 1-5 (a statement) or an option id (a choice)",
        },
    )
    confidence = fields.Dict(
        keys=Text(validate=validate.Length(1, 64)),
        values=StrictBoolean(),
        validate=_at_most_entries(500),
        metadata={"maxProperties": 500, "description": "banks with confidence only: question id -> sure (true)"},
    )


class TopicScoreSchema(ma.Schema):
    points = fields.Float(required=True)
    max_points = fields.Float(required=True)
    percent = fields.Float(required=True)


class ScoreSchema(ma.Schema):
    points = fields.Float(required=True)
    max_points = fields.Float(required=True)
    percent = fields.Float(required=True)
    by_topic = fields.Dict(keys=fields.String(), values=fields.Nested(TopicScoreSchema), required=True)


class SubmissionResultSchema(ma.Schema):
    participant_code = fields.String(required=True)
    phase = fields.String(required=True)
    score = fields.Nested(ScoreSchema, required=True)


class ExportQuerySchema(StrictSchema):
    format = Text(
        load_default="csv",
        validate=validate.OneOf(["csv", "jsonl", "xlsx", "zip"]),
        metadata={
            "description": "xlsx: an Excel workbook with data, codebook and metadata sheets; "
            "zip: CSV, JSON Lines, codebook.json, metadata.json and the bank versions used"
        },
    )
    pooled = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true: no cohort ids and no days, and k-anonymity counted across the export instead "
            "of within each cohort, so that far fewer rows lose their demographics"
        },
    )
    pseudonym_key = Text(
        validate=_ID,
        metadata={
            "description": "name a key to get pseudonyms shared by every export asked for with the same name; "
            "without it each export has its own random key and joins no other"
        },
    )
    bank_id = Text(validate=_ID)
    bank_version = Text(validate=validate.Length(1, 32))
    cohort_id = Text(validate=_ID)
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class CohortImportSchema(StrictSchema):
    cohort = fields.Dict(
        keys=Text(validate=validate.Length(1, 255)),
        required=True,
        metadata={"description": "the cohort item, as a DynamoDB item (typed JSON)"},
    )


class SubmissionsImportSchema(StrictSchema):
    submissions = fields.List(
        fields.Dict(keys=Text(validate=validate.Length(1, 255))),
        required=True,
        validate=validate.Length(1, 20),
        metadata={"description": "at most 20 submission items of the cohort, as DynamoDB items (typed JSON)"},
    )


class ImportResultSchema(ma.Schema):
    cohort_id = fields.String(required=True)
    status = fields.String(metadata={"description": "created or unchanged (a cohort)"})
    stored = fields.Integer(metadata={"description": "submissions stored now"})
    unchanged = fields.Integer(metadata={"description": "submissions that were here already, the same"})
