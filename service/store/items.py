"""Mapping between domain dataclasses and DynamoDB items, in one place.

Items carry `schema_version` so that a later change of shape can still read old items.
"""

from __future__ import annotations

from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from service.domain.models import Cohort, Score, Submission, TopicScore

SCHEMA_VERSION = 1
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ItemError(ValueError):
    """A stored item that cannot be read as what it claims to be (missing attribute, unknown schema)."""


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
        }
    )


def cohort_from_item(item: dict) -> Cohort:
    data = _deserialize(item)
    try:
        return Cohort(
            id=data["cohort_id"],
            bank_id=data["bank_id"],
            bank_version=data["bank_version"],
            bank_sha256=data["bank_sha256"],
            label=data["label"],
            language=data["language"],
            region=data.get("region"),
            phases={phase: bool(state.get("open")) for phase, state in data["phases"].items()},
            trainer_token_hash=data["trainer_token_hash"],
            created_at=data["created_at"],
            closed_at=data.get("closed_at"),
            shuffle=bool(data.get("shuffle", False)),
        )
    except (KeyError, AttributeError, TypeError) as exc:
        raise ItemError(f"cohort item {data.get('pk')!r} lacks {exc}") from None


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
        }
    )


def submission_from_item(item: dict) -> Submission:
    data = _deserialize(item)
    try:
        if data.get("schema_version", 1) != SCHEMA_VERSION:
            raise ItemError(f"submission item {data.get('sk')!r} has unknown schema {data['schema_version']}")
        score = Score(
            points=data["points"],
            max_points=data["max_points"],
            percent=data["percent"],
            by_topic={topic: TopicScore(**values) for topic, values in data.get("by_topic", {}).items()},
            marks=data["marks"],
        )
        return Submission(
            cohort_id=data["cohort_id"],
            phase=data["phase"],
            participant_hash=data["participant_hash"],
            submission_id=data["submission_id"],
            language=data["language"],
            answers={qid: tuple(options) for qid, options in data.get("answers", {}).items()},
            score=score,
            bank_id=data["bank_id"],
            bank_version=data["bank_version"],
            bank_sha256=data["bank_sha256"],
            submitted_at=data["submitted_at"],
            demographics=data.get("demographics", {}),
        )
    except (KeyError, TypeError) as exc:
        raise ItemError(f"submission item {data.get('sk')!r} lacks {exc}") from None


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
