"""Mapping between domain dataclasses and DynamoDB items, in one place.

Items carry `schema_version` so that a later change of shape can still read old items. Reading is
strict about what the service needs and lenient where a default is safe (docs/data-model.md,
"Reading stored items"): an item without `schema_version` is version 1; missing optional
attributes (region, demographics, answers, per-topic scores) read as empty; a missing or mistyped
required attribute, or a schema version this code does not know, is an ItemError, never a crash.
"""

from __future__ import annotations

from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from service.domain.console_sessions import ConsoleSession
from service.domain.models import DEFAULT_EXPECTED_PARTICIPANTS, Cohort, Score, Submission, TopicScore
from service.errors import StoredDataError

SCHEMA_VERSION = 1
TTL_ATTRIBUTE = "expires_at"  # the table's TimeToLiveSpecification (serverless/template.yaml, store/table.py)
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ItemError(StoredDataError):
    """A stored item that cannot be read as what it claims to be (missing attribute, unknown schema)."""

    def __init__(self, kind: str, problem: str):
        super().__init__(f"{kind} item: {problem}")


_REQUIRED = object()


def cohort_key(cohort_id: str) -> dict:
    return {"pk": {"S": f"COHORT#{cohort_id}"}, "sk": {"S": "COHORT"}}


def submission_sk(participant_hash: str, phase: str | None = None) -> str:
    return f"SUB#{participant_hash}#{phase}" if phase else f"SUB#{participant_hash}#"


def cohort_to_item(cohort: Cohort) -> dict:
    return _serialize(
        {
            "pk": f"COHORT#{cohort.id}",
            "sk": "COHORT",
            "gsi1pk": "COHORTS",
            "gsi1sk": f"{cohort.created_at}#{cohort.id}",
            "type": "cohort",
            "schema_version": SCHEMA_VERSION,
            "cohort_id": cohort.id,
            "bank_id": cohort.bank_id,
            "bank_version": cohort.bank_version,
            "bank_sha256": cohort.bank_sha256,
            "label": cohort.label,
            "language": cohort.language,
            "region": cohort.region,
            "phases": {phase: {"open": is_open} for phase, is_open in cohort.phases.items()},
            "trainer_token_hash": cohort.trainer_token_hash,
            "created_at": cohort.created_at,
            "closed_at": cohort.closed_at,
            "shuffle": cohort.shuffle,
            "allow_unpaired_codes": cohort.allow_unpaired_codes,
            "imported_at": cohort.imported_at,
            "linkage_salt": cohort.linkage_salt,
            "expected_participants": cohort.expected_participants,
            TTL_ATTRIBUTE: cohort.expires_at,
        }
    )


def submission_counter(phase: str) -> str:
    """The cohort item's count of a phase's submissions (written by the store's conditional update
    only, never by cohort_to_item: a cohort is put once, when nothing is counted yet)."""
    return f"submissions_{phase}"


def cohort_from_item(item: dict) -> Cohort:
    data = _readable(item, "cohort")
    phases = _field(data, "cohort", "phases", dict, {"pre": {"open": True}, "post": {"open": True}})
    if not all(isinstance(state, dict) for state in phases.values()):
        raise ItemError("cohort", "'phases' is not a map of phase -> {open}")
    return Cohort(
        id=_field(data, "cohort", "cohort_id", str),
        bank_id=_field(data, "cohort", "bank_id", str),
        bank_version=_field(data, "cohort", "bank_version", str),
        bank_sha256=_field(data, "cohort", "bank_sha256", str),
        label=_field(data, "cohort", "label", str, ""),
        language=_field(data, "cohort", "language", str),
        region=_field(data, "cohort", "region", str, None),
        phases={phase: bool(state.get("open")) for phase, state in phases.items()},
        trainer_token_hash=_field(data, "cohort", "trainer_token_hash", str),
        created_at=_field(data, "cohort", "created_at", str),
        closed_at=_field(data, "cohort", "closed_at", str, None),
        shuffle=_field(data, "cohort", "shuffle", bool, False),
        allow_unpaired_codes=_field(data, "cohort", "allow_unpaired_codes", bool, False),
        imported_at=_field(data, "cohort", "imported_at", str, None),
        linkage_salt=_field(data, "cohort", "linkage_salt", str, None),
        expires_at=_field(data, "cohort", TTL_ATTRIBUTE, int, None),
        expected_participants=_field(data, "cohort", "expected_participants", int, DEFAULT_EXPECTED_PARTICIPANTS),
    )


# What a report reads of a submission: everything but the answers and the demographics. The answers
# (a list per question) are most of an item's size and most of botocore's cost of parsing it.
SCORE_ATTRIBUTES = (
    "schema_version",
    "cohort_id",
    "phase",
    "participant_hash",
    "submission_id",
    "language",
    "bank_id",
    "bank_version",
    "bank_sha256",
    "submitted_at",
    "points",
    "max_points",
    "percent",
    "marks",
    "by_topic",
    "reaction",
    "confidence",
)


def submission_to_item(submission: Submission) -> dict:
    score = submission.score
    return _serialize(
        {
            "pk": f"COHORT#{submission.cohort_id}",
            "sk": submission_sk(submission.participant_hash, submission.phase),
            "type": "submission",
            "schema_version": SCHEMA_VERSION,
            "cohort_id": submission.cohort_id,
            "phase": submission.phase,
            "participant_hash": submission.participant_hash,
            "submission_id": submission.submission_id,
            "language": submission.language,
            "answers": {qid: list(options) for qid, options in submission.answers.items()},
            "demographics": dict(submission.demographics),
            "bank_id": submission.bank_id,
            "bank_version": submission.bank_version,
            "bank_sha256": submission.bank_sha256,
            "submitted_at": submission.submitted_at,
            "points": score.points,
            "max_points": score.max_points,
            "percent": score.percent,
            "marks": score.marks,
            "by_topic": {
                topic: {"points": t.points, "max_points": t.max_points, "percent": t.percent}
                for topic, t in score.by_topic.items()
            },
            TTL_ATTRIBUTE: submission.expires_at,
            # Only when given: most banks ask neither, and a submission item stays within 3 WCU.
            "reaction": dict(submission.reaction) or None,
            "confidence": dict(submission.confidence) or None,
        }
    )


def submission_from_item(item: dict) -> Submission:
    data = _readable(item, "submission")
    kind = "submission"
    by_topic = _field(data, kind, "by_topic", dict, {})
    marks = _field(data, kind, "marks", dict)
    answers = _field(data, kind, "answers", dict, {})
    demographics = _field(data, kind, "demographics", dict, {})
    reaction = _field(data, kind, "reaction", dict, {})
    confidence = _field(data, kind, "confidence", dict, {})
    if not all(type(v) is bool for v in confidence.values()):
        raise ItemError(kind, "'confidence' is not a map of question -> true/false")
    if not all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in reaction.values()):
        raise ItemError(kind, "'reaction' is not a map of item -> 1–5 or an option id")
    try:
        topics = {
            topic: TopicScore(**{k: _number(kind, "by_topic", v) for k, v in s.items()})
            for topic, s in by_topic.items()
        }
    except (TypeError, AttributeError):
        raise ItemError(kind, "'by_topic' is not a map of topic -> {points, max_points, percent}") from None
    if not all(isinstance(v, list) and all(isinstance(o, str) for o in v) for v in answers.values()):
        raise ItemError(kind, "'answers' is not a map of question -> option ids")
    score = Score(
        points=_field(data, kind, "points", float),
        max_points=_field(data, kind, "max_points", float),
        percent=_field(data, kind, "percent", float),
        by_topic=topics,
        marks={question: _number(kind, "marks", mark) for question, mark in marks.items()},
    )
    return Submission(
        cohort_id=_field(data, kind, "cohort_id", str),
        phase=_field(data, kind, "phase", str),
        participant_hash=_field(data, kind, "participant_hash", str),
        submission_id=_field(data, kind, "submission_id", str),
        language=_field(data, kind, "language", str),
        answers={question: tuple(options) for question, options in answers.items()},
        score=score,
        bank_id=_field(data, kind, "bank_id", str),
        bank_version=_field(data, kind, "bank_version", str),
        bank_sha256=_field(data, kind, "bank_sha256", str),
        submitted_at=_field(data, kind, "submitted_at", str),
        demographics={str(key): str(value) for key, value in demographics.items()},
        expires_at=_field(data, kind, TTL_ATTRIBUTE, int, None),
        reaction={str(key): value for key, value in reaction.items()},
        confidence={str(key): value for key, value in confidence.items()},
    )


def _readable(item: dict, kind: str) -> dict:
    """The item as plain Python values, once its schema version is one this code reads."""
    try:
        data = _deserialize(item)
    except (TypeError, ValueError, AttributeError):
        raise ItemError(kind, "not in DynamoDB's attribute-value format") from None
    version = data.get("schema_version", 1)  # items from before versioning are version 1
    if version != SCHEMA_VERSION:
        raise ItemError(kind, f"schema_version {version!r} is not one this code reads ({SCHEMA_VERSION})")
    return data


def _field(data: dict, kind: str, name: str, wanted: type, default=_REQUIRED):
    """One attribute of the wanted type (float accepts whole numbers too), or its default when absent."""
    if name not in data:
        if default is _REQUIRED:
            raise ItemError(kind, f"{name!r} is missing")
        return default
    value = data[name]
    if wanted is float:
        return _number(kind, name, value)
    if default is None and value is None:
        return None
    if not isinstance(value, wanted):
        raise ItemError(kind, f"{name!r} is a {type(value).__name__}, not a {wanted.__name__}")
    return value


def _number(kind: str, name: str, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ItemError(kind, f"{name!r} holds a {type(value).__name__}, not a number")
    return value


def _serialize(data: dict) -> dict:
    return {key: _serializer.serialize(_to_dynamo(value)) for key, value in data.items() if value is not None}


def _deserialize(item: dict) -> dict:
    return {key: _from_dynamo(_deserializer.deserialize(value)) for key, value in item.items()}


def _to_dynamo(value):
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: _to_dynamo(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, dict):
        return {key: _from_dynamo(v) for key, v in value.items()}
    if isinstance(value, (list, set)):
        return [_from_dynamo(v) for v in value]
    return value


def released_key(cohort_id: str) -> dict:
    """The item that says whose scores a cohort's live figures include (domain/disclosure.release)."""
    return {"pk": {"S": f"COHORT#{cohort_id}"}, "sk": {"S": "RELEASED"}}


def released_to_item(
    cohort_id: str, released: dict[str, set[str]], version: int, expires_at: int | None = None
) -> dict:
    """It holds participant hashes, so it expires with its cohort (retention) and goes when it is deleted."""
    phases = {phase: {"L": [{"S": person} for person in sorted(people)]} for phase, people in released.items()}
    item = released_key(cohort_id) | {"version": {"N": str(version)}, "released": {"M": phases}}
    return item | ({TTL_ATTRIBUTE: {"N": str(expires_at)}} if expires_at is not None else {})


def released_from_item(item: dict | None) -> tuple[dict[str, set[str]], int]:
    """The released participants per phase and the item's version; ({}, 0) before the first release."""
    if not item:
        return {}, 0
    phases = item.get("released", {}).get("M", {})
    released = {phase: {value["S"] for value in people.get("L", [])} for phase, people in phases.items()}
    return released, int(item.get("version", {}).get("N", "0"))


def console_session_key(id_hash: str) -> dict:
    """A console session is its own partition: nothing else is read with it, nothing lists them."""
    return {"pk": {"S": f"SESSION#{id_hash}"}, "sk": {"S": "SESSION"}}


def console_session_to_item(session: ConsoleSession) -> dict:
    return _serialize(
        {
            "pk": f"SESSION#{session.id_hash}",
            "sk": "SESSION",
            "type": "console_session",
            "schema_version": SCHEMA_VERSION,
            "csrf": session.csrf,
            "token_generation": session.token_generation,
            "started_at": session.started_at,
            "last_seen": session.last_seen,
            "ended_at": session.ended_at,
            "role": session.role,
            TTL_ATTRIBUTE: session.expires_at,
        }
    )


def console_session_from_item(item: dict) -> ConsoleSession:
    data = _readable(item, "console session")
    kind = "console session"
    return ConsoleSession(
        id_hash=item["pk"]["S"].removeprefix("SESSION#"),
        csrf=_field(data, kind, "csrf", str),
        token_generation=_field(data, kind, "token_generation", str),
        started_at=_field(data, kind, "started_at", int),
        last_seen=_field(data, kind, "last_seen", int),
        ended_at=_field(data, kind, "ended_at", int, None),
        role=_field(data, kind, "role", str, "coordinator"),  # sessions stored before roles: the console's
    )


def targets_key(bank_id: str) -> dict:
    """The coordinator's indicator targets for a bank (every version): one item, read by key."""
    return {"pk": {"S": f"BANK#{bank_id}"}, "sk": {"S": "TARGETS"}}


def targets_to_item(bank_id: str, targets: dict[str, float], updated_at: str) -> dict:
    item = _serialize({"type": "targets", "schema_version": SCHEMA_VERSION, "updated_at": updated_at})
    values = {name: {"N": str(Decimal(str(value)))} for name, value in sorted(targets.items())}
    return targets_key(bank_id) | item | {"targets": {"M": values}}


def targets_from_item(item: dict | None) -> dict[str, float]:
    """Targets by indicator name; {} before the coordinator set any."""
    if not item:
        return {}
    data = _readable(item, "targets")
    stored = data.get("targets") or {}
    return {str(name): float(_number("targets", name, value)) for name, value in stored.items()}
