"""A room's cohorts arriving at a deployment: `python -m service room upload` sends each closed
cohort of a laptop run, then its submissions in batches, to the admin API (service/web/api_imports.py).

Items travel as DynamoDB items (typed JSON, numbers as strings, so nothing is rounded) and are read
with the store's own item mapping, which refuses anything that is not a cohort or a submission.
Both steps are idempotent: what is here already with the same contents is left as it is, so running
an upload twice changes nothing and an interrupted upload resumes; a cohort id or a participant's
phase that is here with other contents is refused (Conflict), never overwritten.

An imported cohort arrives closed for good (the laptop closes it first) and carries `imported_at`;
submissions are accepted only into such a cohort, so no cohort collected online can be added to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.domain.models import Cohort, Submission
from service.errors import N_, Conflict, InvalidInput, NotFound
from service.observability import logger
from service.operations import Services, check_label_and_region, now_to_the_minute
from service.store import items

MAX_SUBMISSIONS_PER_REQUEST = 20  # ~2 KB each: a batch stays well under the request body limit


@dataclass(frozen=True)
class ImportCounts:
    stored: int
    unchanged: int


def cohort_from_wire(cohort_id: str, item: dict) -> Cohort:
    """The cohort an upload sends, read as a stored cohort item; it must be the one its URL names."""
    cohort = _read(items.cohort_from_item, item, "cohort")
    if cohort.id != cohort_id:
        raise InvalidInput(N_("the cohort sent is not the one the address names"), {"cohort": N_("another id")})
    return cohort


def submissions_from_wire(cohort_id: str, wire: Sequence[dict]) -> list[Submission]:
    if len(wire) > MAX_SUBMISSIONS_PER_REQUEST:
        raise InvalidInput(
            N_("send at most %(count)s submissions at a time"),
            {"submissions": N_("too many")},
            params={"count": MAX_SUBMISSIONS_PER_REQUEST},
        )
    submissions = [_read(items.submission_from_item, item, "submissions") for item in wire]
    if any(submission.cohort_id != cohort_id for submission in submissions):
        raise InvalidInput(N_("a submission sent belongs to another cohort"), {"submissions": N_("another cohort")})
    return submissions


def import_cohort(services: Services, cohort: Cohort) -> str:
    """Store a room's closed cohort here ("created"), or confirm it is here already ("unchanged")."""
    if not cohort.closed:
        raise InvalidInput(
            N_("close the cohort for good on the laptop before uploading it"), {"cohort": N_("not closed")}
        )
    check_label_and_region(services.settings, cohort.label, cohort.region)
    bank = services.banks.get(cohort.bank_id, cohort.bank_version)
    if bank is None or bank.sha256 != cohort.bank_sha256:
        raise InvalidInput(
            N_("the cohort's bank version is not published here with the same contents"),
            {"bank_version": N_("publish this bank version here first")},
        )
    existing = services.store.get_cohort(cohort.id)
    if existing is None:
        if services.store.import_cohort(replace(cohort, imported_at=now_to_the_minute())):
            logger.info("cohort imported", extra={"cohort_id": cohort.id})
            return "created"
        existing = services.store.get_cohort(cohort.id)  # a racing upload stored it first
    if (
        existing is None
        or existing.imported_at is None
        or replace(existing, imported_at=None) != replace(cohort, imported_at=None)
    ):
        raise Conflict(N_("a cohort with this id exists here with other contents"))
    return "unchanged"


def import_submissions(services: Services, cohort_id: str, wire: Sequence[dict]) -> ImportCounts:
    """Store a batch of an imported cohort's submissions (sent as items); those here already with the
    same contents count as unchanged. Each is checked against the cohort's bank version, as the cohort was."""
    cohort = services.store.get_cohort(cohort_id)
    if cohort is None or cohort.imported_at is None:
        raise NotFound(N_("no such imported cohort: upload the cohort first"))
    submissions = submissions_from_wire(cohort_id, wire)
    for submission in submissions:
        pinned = (submission.bank_id, submission.bank_version, submission.bank_sha256)
        if pinned != (cohort.bank_id, cohort.bank_version, cohort.bank_sha256):
            raise InvalidInput(
                N_("a submission sent was scored on another bank version"),
                {"submissions": N_("scored on another bank version")},
            )
    stored = unchanged = 0
    for submission in submissions:
        if services.store.import_submission(submission):
            stored += 1
            continue
        here = services.store.get_submission(cohort_id, submission.participant_hash, submission.phase)
        if here != submission:
            raise Conflict(N_("a participant's test is here already with other answers"))
        unchanged += 1
    logger.info("submissions imported", extra={"cohort_id": cohort_id, "stored": stored, "unchanged": unchanged})
    return ImportCounts(stored, unchanged)


def _read(reader, item, field: str):
    if not isinstance(item, dict):
        raise InvalidInput(N_("not a stored item"), {field: N_("a DynamoDB item (typed JSON) is expected")})
    try:
        return reader(item)
    except (items.ItemError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise InvalidInput(N_("not a stored item"), {field: str(error)[:200]}) from None
