"""An in-memory stand-in for `service.store.dynamodb.Store`, for tests whose subject is not DynamoDB
but that need hundreds of stored submissions (moto serialises each large Query answer slowly).

Items still go through `service.store.items`, so what is kept is exactly what DynamoDB would keep.
The real store's behaviour is tested against moto elsewhere; this follows the same contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from service.domain.models import Cohort, Submission
from service.errors import N_, AlreadySent, CohortClosed, Conflict, NotFound
from service.store import items


class InMemoryStore:
    def __init__(self):
        self.items: dict[tuple[str, str], dict] = {}
        self.counted: dict[tuple[str, str], int] = {}  # the cohort item's submission counters, per phase

    def create_cohort(self, cohort: Cohort) -> None:
        key = (f"COHORT#{cohort.id}", "COHORT")
        if key in self.items:
            raise Conflict(f"cohort {cohort.id} exists already")
        self.items[key] = items.cohort_to_item(cohort)

    def get_cohort(self, cohort_id: str) -> Cohort | None:
        item = self.items.get((f"COHORT#{cohort_id}", "COHORT"))
        return items.cohort_from_item(item) if item else None

    def set_phases(self, cohort_id: str, phases: dict[str, bool]) -> Cohort:
        cohort = self._existing(cohort_id)
        if cohort.closed:
            raise CohortClosed(N_("this cohort is closed for good"))
        return self._save(replace(cohort, phases=cohort.phases | phases))

    def close_cohort(self, cohort_id: str, closed_at: str) -> Cohort:
        cohort = self._existing(cohort_id)
        closed = {"pre": False, "post": False}
        return self._save(replace(cohort, phases=closed, closed_at=cohort.closed_at or closed_at, linkage_salt=None))

    def delete_cohort(self, cohort_id: str) -> int:
        doomed = [key for key in self.items if key[0] == f"COHORT#{cohort_id}"]
        for key in doomed:
            del self.items[key]
        return len(doomed)

    def set_trainer_token_hash(self, cohort_id: str, token_hash: str) -> Cohort:
        return self._save(replace(self._existing(cohort_id), trainer_token_hash=token_hash))

    def list_cohorts(self, newest_first: bool = True) -> Iterator[Cohort]:
        cohorts = [items.cohort_from_item(item) for (_, sk), item in self.items.items() if sk == "COHORT"]
        yield from sorted(cohorts, key=lambda c: (c.created_at, c.id), reverse=newest_first)

    def put_submission(self, submission: Submission) -> tuple[Submission, bool]:
        item = items.submission_to_item(submission)
        key = (item["pk"]["S"], item["sk"]["S"])
        if key not in self.items:
            self.items[key] = item
            return submission, True
        existing = items.submission_from_item(self.items[key])
        if existing.submission_id == submission.submission_id:
            return existing, False
        raise AlreadySent(N_("You have already sent this test."))

    def get_submission(self, cohort_id: str, participant_hash: str, phase: str) -> Submission | None:
        item = self.items.get((f"COHORT#{cohort_id}", items.submission_sk(participant_hash, phase)))
        return items.submission_from_item(item) if item else None

    def take_submission_place(self, cohort_id: str, phase: str, limit: int) -> bool:
        key = (cohort_id, phase)
        if self.counted.get(key, 0) >= limit:
            return False
        self.counted[key] = self.counted.get(key, 0) + 1
        return True

    def give_back_submission_place(self, cohort_id: str, phase: str) -> None:
        key = (cohort_id, phase)
        self.counted[key] = max(0, self.counted.get(key, 0) - 1)

    def set_expected_participants(self, cohort_id: str, expected: int) -> Cohort:
        cohort = self._existing(cohort_id)
        if cohort.closed:
            raise CohortClosed(N_("this cohort is closed for good"))
        return self._save(replace(cohort, expected_participants=expected))

    def participant_submissions(self, cohort_id: str, participant_hash: str) -> dict[str, Submission]:
        prefix = items.submission_sk(participant_hash)
        found = map(items.submission_from_item, self._partition(cohort_id, prefix))
        return {sub.phase: sub for sub in found}

    def cohort_submissions(self, cohort_id: str, *, scores_only: bool = False) -> Iterator[Submission]:
        for item in self._partition(cohort_id, "SUB#"):
            if scores_only:  # the Store's ProjectionExpression
                item = {name: value for name, value in item.items() if name in items.SCORE_ATTRIBUTES}
            yield items.submission_from_item(item)

    def count_cohort_submissions(self, cohort_id: str) -> int:
        return len(self._partition(cohort_id, "SUB#"))

    def _partition(self, cohort_id: str, prefix: str) -> list[dict]:
        pk = f"COHORT#{cohort_id}"
        return [item for (p, sk), item in sorted(self.items.items()) if p == pk and sk.startswith(prefix)]

    def released_participants(self, cohort_id: str) -> tuple[dict[str, set[str]], int]:
        return items.released_from_item(self.items.get((f"COHORT#{cohort_id}", "RELEASED")))

    def release_participants(
        self, cohort_id: str, released: dict[str, set[str]], version: int, expires_at: int | None = None
    ) -> bool:
        if self.released_participants(cohort_id)[1] != version:
            return False
        self.items[(f"COHORT#{cohort_id}", "RELEASED")] = items.released_to_item(
            cohort_id, released, version + 1, expires_at
        )
        return True

    def _existing(self, cohort_id: str) -> Cohort:
        cohort = self.get_cohort(cohort_id)
        if cohort is None:
            raise NotFound(N_("no such cohort"))
        return cohort

    def _save(self, cohort: Cohort) -> Cohort:
        self.items[(f"COHORT#{cohort.id}", "COHORT")] = items.cohort_to_item(cohort)
        return cohort
