"""The service in this process on moto, with the DynamoDB meter on its client: the harness that the
capacity, latency, growth and cost benchmarks share.

Every request goes through Flask's test client into the real app; the store's boto3 client carries
the meter's event hooks (bench/dynamo_meter.py), so each request's DynamoDB calls and capacity are
known. The baseline for a request replays exactly the DynamoDB calls it made, with a second bare
boto3 client on the same moto backend, so "what the service adds" is measured in the same run.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress

import boto3
from moto import mock_aws

from bench.dynamo_meter import Meter
from service.app import create_app
from service.domain import codes
from service.domain.banks import BankRegistry, load_published_banks
from service.domain.models import Bank, Submission
from service.domain.scoring import score_submission
from service.settings import Settings
from service.store import items
from service.store.dynamodb import CLIENT_CONFIG, Store
from service.store.table import create_table

TABLE = "assess-bench"
ENVIRONMENT = {
    "ASSESS_HMAC_KEY": "bench-hmac-key-that-is-long-enough",
    "ASSESS_ADMIN_TOKEN": "bench-admin-token-that-is-long-enough",
    "ASSESS_EVALUATOR_TOKEN": "bench-evaluator-token-long-enough",
    "ASSESS_TABLE": TABLE,
    "AWS_REGION": "eu-central-1",
    "ASSESS_PUBLIC_URL": "https://assess.example.org",
}
ADMIN = {"Authorization": f"Bearer {ENVIRONMENT['ASSESS_ADMIN_TOKEN']}"}
EVALUATOR = {"Authorization": f"Bearer {ENVIRONMENT['ASSESS_EVALUATOR_TOKEN']}"}
BANK_ID = "online-child-safety"


def shipped_bank(version: str = "1") -> Bank:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "question_banks"
    return load_published_banks(root).get(BANK_ID, version)


def widened_bank(bank: Bank, n_questions: int) -> Bank:
    """The shipped bank's questions repeated under new ids up to `n_questions` (for item sizes of
    longer tests); same version id, so it stands in for a 60-question bank of the same kind."""
    questions = []
    for index in range(n_questions):
        source = bank.questions[index % len(bank.questions)]
        suffix = "" if index < len(bank.questions) else f"-{index // len(bank.questions)}"
        questions.append(dataclasses.replace(source, id=source.id + suffix))
    return dataclasses.replace(bank, questions=tuple(questions))


def correct_answers(bank: Bank, wrong_every: int = 4) -> dict[str, list[str]]:
    """Answers a fair participant might give: right mostly, one question in `wrong_every` wrong."""
    answers = {}
    for index, question in enumerate(bank.questions):
        right = sorted(question.correct_ids)
        wrong = [o for o in question.option_ids if o not in right][:1]
        answers[question.id] = wrong if index % wrong_every == 0 and wrong else right
    return answers


@dataclasses.dataclass
class Harness:
    app: object
    client: object  # Flask test client
    store: Store
    meter: Meter
    bare: object  # a boto3 client without hooks, for baselines
    bank: Bank

    def create_cohort(self, label: str = "bench") -> tuple[str, str]:
        body = {"bank_id": self.bank.id, "bank_version": self.bank.version, "label": label}
        body["phases"] = {"pre": {"open": True}, "post": {"open": True}}  # pre and post measured alike
        answer = self.client.post("/api/v1/cohorts", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        data = answer.get_json()
        return data["cohort_id"], data["trainer_token"]

    def seed(self, cohort_id: str, participants: int, phases=("pre", "post")) -> None:
        """Store submissions directly through the store (the write path's own code, minus HTTP), so
        that thousands can be seeded in seconds."""
        settings = self.app.extensions["assess"].settings
        answers = {q: tuple(a) for q, a in correct_answers(self.bank).items()}
        score = score_submission(self.bank, answers)
        for index in range(participants):
            digest = codes.participant_hash(
                settings.hmac_key, cohort_id, codes.code_from_seed(settings.hmac_key, f"bench-{index}")
            )
            for phase in phases:
                submission = bench_submission(self.bank, cohort_id, digest, answers, score, phase)
                self.store.client.put_item(TableName=TABLE, Item=items.submission_to_item(submission))

    def measure(self, request: Callable[[], object], repeat: int) -> Measured:
        """Run `request` `repeat` times; time each and its replayed DynamoDB calls (the baseline)."""
        durations, baselines, summaries = [], [], []
        for _ in range(repeat):
            self.meter.reset()
            started = time.perf_counter()
            answer = request()
            # a request that sets itself up first (page loads before a form post) times its own POST
            durations.append(getattr(answer, "bench_seconds", time.perf_counter() - started))
            if answer.status_code >= 400:
                raise RuntimeError(f"{answer.status_code}: {answer.get_data(as_text=True)[:300]}")
            summaries.append(self.meter.summary())
            baselines.append(self.replay(self.meter.calls))
        return Measured(durations, baselines, summaries[-1], summaries)

    def replay(self, calls) -> float:
        """Time the same DynamoDB calls made with the bare client (a write goes to a fresh key so its
        condition passes as the original's did)."""
        started = time.perf_counter()
        for call in calls:
            params = {k: v for k, v in call.params.items() if k != "ReturnConsumedCapacity"}
            if call.operation == "PutItem" and not call.error:
                item = dict(params["Item"])
                item["sk"] = {"S": item["sk"]["S"] + "#replay-" + uuid.uuid4().hex}
                params["Item"] = item
            operation = {"GetItem": "get_item", "PutItem": "put_item", "Query": "query", "UpdateItem": "update_item"}
            with suppress(self.bare.exceptions.ConditionalCheckFailedException):
                getattr(self.bare, operation[call.operation])(**params)
        return time.perf_counter() - started


@dataclasses.dataclass
class Measured:
    durations: list[float]
    baselines: list[float]
    work: dict  # the meter's summary of the last request
    all_work: list[dict]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.durations) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.durations, 95) * 1000

    @property
    def baseline_median_ms(self) -> float:
        return statistics.median(self.baselines) * 1000

    @property
    def baseline_p95_ms(self) -> float:
        return percentile(self.baselines, 95) * 1000

    @property
    def ratio(self) -> float:
        base = statistics.median(self.baselines)
        return statistics.median(self.durations) / base if base else float("inf")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bench_submission(bank: Bank, cohort_id: str, digest: str, answers, score, phase: str = "pre") -> Submission:
    """A submission as the service stores it, with a fresh id and a fixed minute."""
    return Submission(
        cohort_id=cohort_id,
        phase=phase,
        participant_hash=digest,
        submission_id=str(uuid.uuid4()),
        language="uk",
        answers=answers,
        score=score,
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        submitted_at="2026-11-28T10:00Z",
        demographics={},
    )


@contextmanager
def harness(bank: Bank | None = None):
    """The app on moto with the meter attached; the bank defaults to the shipped 20-question one."""
    bank = bank or shipped_bank("1")
    saved = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE")}
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})
    os.environ.pop("AWS_PROFILE", None)
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="eu-central-1", config=CLIENT_CONFIG)
            create_table(client, TABLE)
            meter = Meter().attach(client)
            store = Store(client, TABLE)
            settings = Settings.from_environment(dict(ENVIRONMENT))
            app = create_app(settings, store=store, banks=BankRegistry([bank]))
            bare = boto3.client("dynamodb", region_name="eu-central-1", config=CLIENT_CONFIG)
            yield Harness(app, app.test_client(), store, meter, bare, bank)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
