"""The DynamoDB store. Every access pattern is a GetItem, PutItem, UpdateItem or Query on a key or
the cohorts index (docs/data-model.md lists them); nothing here scans the table.

It turns botocore errors into the service's own: a failed condition into Conflict or NotFound, and
throttling, 5xx answers and timeouts (after botocore's own retries) into Unavailable.

Over 400 lines on purpose: it is the one class that knows the table's keys and conditions, and
splitting its access patterns apart would spread that knowledge (items.py already holds the mapping).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from service.domain.console_sessions import ConsoleSession
from service.domain.models import PHASES, Cohort, Submission
from service.errors import N_, AlreadySent, CohortClosed, Conflict, NotFound, Unavailable
from service.store import items
from service.store.session import aws_session
from service.store.table import COHORTS_INDEX

# Retries and timeouts (docs/data-model.md, "Timeouts and retries"). botocore's standard mode retries
# throttling, 5xx and connection errors with jittered exponential backoff (up to 1 s, then 2 s for
# throttling) and shares a retry quota per client, so a failing table is not hammered. One call
# takes at most 3 attempts x (1 s connect + 3 s read) + 3 s backoff = 15 s; REQUEST_BUDGET_SECONDS
# stops a request's later calls from starting an attempt after 15 s, so the slowest request ends
# in about 19 s: inside the Lambda timeout (25 s, zappa_settings.json) and API Gateway's 29 s.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=1,
    read_timeout=3,
)
REQUEST_BUDGET_SECONDS = 15.0
_UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}
_deadline: ContextVar[float | None] = ContextVar("dynamodb_deadline", default=None)


def dynamodb_client(region: str, endpoint_url: str | None = None):
    """One client per process, created by the app factory and passed in (never at import time); its
    attempts keep to the request budget (start_request_budget)."""
    client = aws_session(region).client("dynamodb", endpoint_url=endpoint_url, config=CLIENT_CONFIG)
    client.meta.events.register("before-send.dynamodb", _refuse_attempts_past_deadline)
    return client


def start_request_budget(seconds: float | None = None) -> None:
    """From now on, in this request's context, no DynamoDB attempt starts after `seconds`."""
    _deadline.set(time.monotonic() + (REQUEST_BUDGET_SECONDS if seconds is None else seconds))


def end_request_budget(*_) -> None:
    """The request is over: calls outside a request (CLI, tests, start-up) have no budget."""
    _deadline.set(None)


def _refuse_attempts_past_deadline(**_) -> None:
    """botocore `before-send` hook: past the request's budget, give up instead of trying again."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise Unavailable(N_("the database did not answer; please try again in a moment"))


class Store:
    def __init__(self, client, table_name: str):
        self.client = client
        self.table_name = table_name

    def create_cohort(self, cohort: Cohort) -> None:
        with _translated_errors():
            try:
                self.client.put_item(
                    TableName=self.table_name,
                    Item=items.cohort_to_item(cohort),
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except ClientError as exc:
                if _error_code(exc) == "ConditionalCheckFailedException":
                    raise Conflict(N_("a cohort with this id exists already")) from None
                raise

    def import_cohort(self, cohort: Cohort) -> bool:
        """Store a cohort brought from elsewhere unless one with its id exists; True if stored now."""
        return self._put_new(items.cohort_to_item(cohort))

    def import_submission(self, submission: Submission) -> bool:
        """Store a submission brought from elsewhere unless its participant and phase have one; True if stored now."""
        return self._put_new(items.submission_to_item(submission))

    def get_submission(self, cohort_id: str, participant_hash: str, phase: str) -> Submission | None:
        with _translated_errors():
            answer = self.client.get_item(
                TableName=self.table_name,
                Key={"pk": {"S": f"COHORT#{cohort_id}"}, "sk": {"S": items.submission_sk(participant_hash, phase)}},
                ConsistentRead=True,
            )
        item = answer.get("Item")
        return items.submission_from_item(item) if item else None

    def delete_cohort(self, cohort_id: str) -> int:
        """Delete a cohort's every item (its submissions and whatever else is in its partition, then the
        cohort item last, so that a delete cut short can be run again); the number of items deleted.
        Keys come from a Query of the partition, never a Scan; deletes go 25 to a BatchWriteItem."""
        keys = [
            {"pk": item["pk"], "sk": item["sk"]}
            for item in self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"COHORT#{cohort_id}"}},
                ProjectionExpression="pk, sk",
                ConsistentRead=True,
            )
        ]
        keys.sort(key=lambda key: key["sk"]["S"] == "COHORT")  # the cohort item last
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]
            self._batch_write(requests)
        return len(keys)

    def _batch_write(self, requests: list[dict]) -> None:
        """One BatchWriteItem, its unprocessed requests sent again (with a short back-off) until none is left."""
        for attempt in range(8):
            with _translated_errors():
                answer = self.client.batch_write_item(RequestItems={self.table_name: requests})
            requests = answer.get("UnprocessedItems", {}).get(self.table_name, [])
            if not requests:
                return
            time.sleep(min(0.05 * 2**attempt, 1.0))
        raise Unavailable(N_("the database is busy; please try again in a moment"))

    def _put_new(self, item: dict) -> bool:
        with _translated_errors():
            try:
                self.client.put_item(
                    TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(pk)"
                )
            except ClientError as exc:
                if _error_code(exc) == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def get_cohort(self, cohort_id: str) -> Cohort | None:
        with _translated_errors():
            answer = self.client.get_item(TableName=self.table_name, Key=items.cohort_key(cohort_id))
        item = answer.get("Item")
        return items.cohort_from_item(item) if item else None

    def set_phases(self, cohort_id: str, phases: dict[str, bool]) -> Cohort:
        """Open or close phases; only the named phases change. A cohort closed for good refuses."""
        names = {"#phases": "phases"}
        values = {}
        sets = []
        for index, (phase, is_open) in enumerate(sorted(phases.items())):
            names[f"#p{index}"] = phase
            values[f":v{index}"] = {"M": {"open": {"BOOL": is_open}}}
            sets.append(f"#phases.#p{index} = :v{index}")
        return self._update_cohort(
            cohort_id,
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(closed_at)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def close_cohort(self, cohort_id: str, closed_at: str) -> Cohort:
        """Close a cohort for good: every phase closed, `closed_at` set once (closing again keeps the first),
        and the salt of its linkage key deleted, so no code can be tested against its hashes any more."""
        closed = {"M": {"open": {"BOOL": False}}}
        every_phase_closed = {"M": {phase: closed for phase in PHASES}}
        return self._update_cohort(
            cohort_id,
            UpdateExpression="SET closed_at = if_not_exists(closed_at, :at), #phases = :phases REMOVE linkage_salt",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#phases": "phases"},
            ExpressionAttributeValues={":at": {"S": closed_at}, ":phases": every_phase_closed},
        )

    def set_trainer_token_hash(self, cohort_id: str, token_hash: str) -> Cohort:
        """Replace the trainer token's hash: the old token stops working at once."""
        return self._update_cohort(
            cohort_id,
            UpdateExpression="SET trainer_token_hash = :hash",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":hash": {"S": token_hash}},
        )

    def set_expected_participants(self, cohort_id: str, expected: int) -> Cohort:
        """Change a cohort's expected size, and with it how many submissions each phase takes."""
        return self._update_cohort(
            cohort_id,
            UpdateExpression="SET expected_participants = :expected",
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(closed_at)",
            ExpressionAttributeValues={":expected": {"N": str(expected)}},
        )

    def take_submission_place(self, cohort_id: str, phase: str, limit: int) -> bool:
        """Count one more submission of a phase on the cohort item, unless it counts `limit` already
        (then False). One conditional UpdateItem: concurrent submissions cannot both take the last place."""
        return self._update_if(
            items.cohort_key(cohort_id),
            UpdateExpression="ADD #count :one",
            ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(#count) OR #count < :limit)",
            ExpressionAttributeNames={"#count": items.submission_counter(phase)},
            ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(limit)}},
        )

    def give_back_submission_place(self, cohort_id: str, phase: str) -> None:
        """Undo take_submission_place for a submission that was not stored (a retry, a conflict, a failure)."""
        self._update_if(
            items.cohort_key(cohort_id),
            UpdateExpression="ADD #count :minus_one",
            ConditionExpression="attribute_exists(pk) AND #count > :zero",
            ExpressionAttributeNames={"#count": items.submission_counter(phase)},
            ExpressionAttributeValues={":minus_one": {"N": "-1"}, ":zero": {"N": "0"}},
        )

    def released_participants(self, cohort_id: str) -> tuple[dict[str, set[str]], int]:
        """Whose scores the cohort's live figures include, per phase, and the item's version (one GetItem)."""
        with _translated_errors():
            answer = self.client.get_item(TableName=self.table_name, Key=items.released_key(cohort_id))
        return items.released_from_item(answer.get("Item"))

    def release_participants(
        self, cohort_id: str, released: dict[str, set[str]], version: int, expires_at: int | None = None
    ) -> bool:
        """Store a new release unless another request stored one since `version` was read (then False)."""
        with _translated_errors():
            try:
                self.client.put_item(
                    TableName=self.table_name,
                    Item=items.released_to_item(cohort_id, released, version + 1, expires_at),
                    ConditionExpression="attribute_not_exists(pk) OR version = :version",
                    ExpressionAttributeValues={":version": {"N": str(version)}},
                )
            except ClientError as exc:
                if _error_code(exc) == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def put_console_session(self, session: ConsoleSession) -> None:
        """Store a new console session (its id is random: the condition only guards against a collision)."""
        if not self._put_new(items.console_session_to_item(session)):
            raise Conflict(N_("a session with this id exists already"))

    def get_console_session(self, id_hash: str) -> ConsoleSession | None:
        """A console session, read consistently: a logout a moment ago must be seen."""
        with _translated_errors():
            answer = self.client.get_item(
                TableName=self.table_name, Key=items.console_session_key(id_hash), ConsistentRead=True
            )
        item = answer.get("Item")
        return items.console_session_from_item(item) if item else None

    def touch_console_session(self, id_hash: str, now: int) -> bool:
        """Record a request of a session that has not ended (False if it has, or is gone)."""
        return self._update_if(
            items.console_session_key(id_hash),
            UpdateExpression="SET last_seen = :now",
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(ended_at)",
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )

    def end_console_session(self, id_hash: str, now: int) -> None:
        """End a session (a logout). No DeleteItem: the web function may not delete single items
        (serverless/template.yaml); the ended item goes with DynamoDB's TTL at the end of its lifetime."""
        self._update_if(
            items.console_session_key(id_hash),
            UpdateExpression="SET ended_at = if_not_exists(ended_at, :now)",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )

    def get_targets(self, bank_id: str) -> dict[str, float]:
        """The coordinator's indicator targets for a bank ({} before any were set): one GetItem."""
        with _translated_errors():
            answer = self.client.get_item(TableName=self.table_name, Key=items.targets_key(bank_id))
        return items.targets_from_item(answer.get("Item"))

    def put_targets(self, bank_id: str, targets: dict[str, float], updated_at: str) -> None:
        """Replace a bank's targets (the last coordinator to save wins: a form of three numbers)."""
        with _translated_errors():
            self.client.put_item(TableName=self.table_name, Item=items.targets_to_item(bank_id, targets, updated_at))

    def _update_if(self, key: dict, **arguments) -> bool:
        """One conditional UpdateItem; False when its condition failed. The condition must hold
        `attribute_exists(pk)`: UpdateItem would otherwise create the item."""
        with _translated_errors():
            try:
                self.client.update_item(TableName=self.table_name, Key=key, **arguments)
            except ClientError as exc:
                if _error_code(exc) == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def _update_cohort(self, cohort_id: str, **arguments) -> Cohort:
        """One conditional UpdateItem on a cohort. A failed condition is told by the item as it was when
        it failed (DynamoDB returns it; dynalite does not, so it is read then): NotFound when there was
        none, CohortClosed when it was closed, and otherwise a Conflict, never a guess."""
        with _translated_errors():
            try:
                answer = self.client.update_item(
                    TableName=self.table_name,
                    Key=items.cohort_key(cohort_id),
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **arguments,
                )
            except ClientError as exc:
                if _error_code(exc) != "ConditionalCheckFailedException":
                    raise
                old = exc.response.get("Item")
                cohort = items.cohort_from_item(old) if old else self.get_cohort(cohort_id)
                if cohort is None:
                    raise NotFound(N_("no such cohort")) from None
                if cohort.closed:
                    raise CohortClosed(N_("this cohort is closed for good")) from None
                raise Conflict(N_("the cohort changed meanwhile; please try again")) from None
        return items.cohort_from_item(answer["Attributes"])

    def list_cohorts(self, newest_first: bool = True) -> Iterator[Cohort]:
        pages = self._query(
            IndexName=COHORTS_INDEX,
            KeyConditionExpression="gsi1pk = :kind",
            ExpressionAttributeValues={":kind": {"S": "COHORTS"}},
            ScanIndexForward=not newest_first,
        )
        for item in pages:
            yield items.cohort_from_item(item)

    def cohorts_page(self, limit: int, after: str | None = None) -> tuple[list[Cohort], str | None]:
        """One page of cohorts, newest first, by a Query on the cohorts index that starts after the
        index key `after` (`<created_at>#<cohort_id>`, as returned for the previous page). Asks for one
        more than `limit` so that the last page is known to be the last without an empty extra page."""
        arguments = {
            "TableName": self.table_name,
            "IndexName": COHORTS_INDEX,
            "KeyConditionExpression": "gsi1pk = :kind",
            "ExpressionAttributeValues": {":kind": {"S": "COHORTS"}},
            "ScanIndexForward": False,
            "Limit": limit + 1,
        }
        if after:
            cohort_id = after.partition("#")[2]
            arguments["ExclusiveStartKey"] = {
                **items.cohort_key(cohort_id),
                "gsi1pk": {"S": "COHORTS"},
                "gsi1sk": {"S": after},
            }
        with _translated_errors():
            found = [items.cohort_from_item(item) for item in self.client.query(**arguments).get("Items", [])]
        if len(found) <= limit:
            return found, None
        last = found[limit - 1]
        return found[:limit], f"{last.created_at}#{last.id}"

    def participant_phases(self, cohort_id: str) -> dict[str, set[str]]:
        """Which phases each participant (by hash) of a cohort took, read from the sort keys alone."""
        pages = self._query(**_submissions_of(cohort_id), ProjectionExpression="sk")
        phases: dict[str, set[str]] = {}
        for item in pages:
            _, participant, phase = item["sk"]["S"].split("#", 2)
            phases.setdefault(participant, set()).add(phase)
        return phases

    def put_submission(self, submission: Submission) -> tuple[Submission, bool]:
        """Store a submission once per participant and phase, by a conditional write.

        Returns (stored submission, created). A retry with the same submission id returns the stored
        one with created=False; a different submission for the same participant and phase is AlreadySent.
        """
        with _translated_errors():
            try:
                self.client.put_item(
                    TableName=self.table_name,
                    Item=items.submission_to_item(submission),
                    ConditionExpression="attribute_not_exists(pk)",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
                return submission, True
            except ClientError as exc:
                if _error_code(exc) != "ConditionalCheckFailedException":
                    raise
                # DynamoDB returns the stored item (ALL_OLD); dynalite does not, so read it, consistently.
                old_item = exc.response.get("Item") or self._get_submission_item(submission)
        if old_item is None:  # refused, then gone: nothing to compare with, so let the client retry
            raise Unavailable(N_("the database is busy; please try again in a moment"))
        existing = items.submission_from_item(old_item)
        if existing.submission_id == submission.submission_id:
            return existing, False
        raise AlreadySent(N_("You have already sent this test."))

    def participant_submissions(self, cohort_id: str, participant_hash: str) -> dict[str, Submission]:
        """Both phases of one participant, keyed by phase."""
        pages = self._query(**_submissions_of(cohort_id, items.submission_sk(participant_hash)), ConsistentRead=True)
        return {sub.phase: sub for sub in map(items.submission_from_item, pages)}

    def cohort_submissions(self, cohort_id: str, *, scores_only: bool = False) -> Iterator[Submission]:
        """Every submission of a cohort, in Query pages of the cohort's partition.

        With scores_only, without the answers and demographics (a ProjectionExpression): what a report
        needs, in two thirds of the bytes and a third of the time botocore takes to parse them. The
        read capacity is the same: DynamoDB charges a Query for the whole items it reads.
        """
        arguments = {}
        if scores_only:
            names = {f"#a{index}": name for index, name in enumerate(items.SCORE_ATTRIBUTES)}
            arguments = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
        pages = self._query(**_submissions_of(cohort_id), **arguments)
        for item in pages:
            yield items.submission_from_item(item)

    def count_cohort_submissions(self, cohort_id: str) -> int:
        """How many submissions a cohort holds (Query with Select=COUNT: no items cross the wire)."""
        return sum(page["Count"] for page in self._pages(**_submissions_of(cohort_id), Select="COUNT"))

    def _get_submission_item(self, submission: Submission) -> dict | None:
        answer = self.client.get_item(
            TableName=self.table_name,
            Key={
                "pk": {"S": f"COHORT#{submission.cohort_id}"},
                "sk": {"S": items.submission_sk(submission.participant_hash, submission.phase)},
            },
            ConsistentRead=True,
        )
        return answer.get("Item")

    def _pages(self, **arguments) -> Iterator[dict]:
        paginator = self.client.get_paginator("query")
        with _translated_errors():
            yield from paginator.paginate(TableName=self.table_name, **arguments)

    def _query(self, **arguments) -> Iterator[dict]:
        for page in self._pages(**arguments):
            yield from page.get("Items", [])


def _submissions_of(cohort_id: str, prefix: str = "SUB#") -> dict:
    """The key condition of a cohort's submissions (one participant's, with their sort-key prefix)."""
    return {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": f"COHORT#{cohort_id}"}, ":prefix": {"S": prefix}},
    }


def _error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


class _translated_errors:
    """Turn throttling, 5xx and connection failures into Unavailable; leave everything else alone."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc is None:
            return False
        if isinstance(exc, ClientError):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if _error_code(exc) in _UNAVAILABLE_CODES or status >= 500:
                raise Unavailable(N_("the database is busy; please try again in a moment")) from exc
        elif isinstance(exc, BotoCoreError):
            raise Unavailable(N_("the database did not answer; please try again in a moment")) from exc
        return False
