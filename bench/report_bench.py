"""How long the cohort report takes: `python bench/report_bench.py [--quick]`.

For 100, 1,000 and 10,000 paired participants x 40 questions (a seeded simulated class,
bench/simulation.py, scored by the service's own scoring) in one cohort of an in-process moto
DynamoDB, it times
- the full report: what GET /api/v1/reports?cohort_id= does (GetItem of the cohort, the paged
  Query of its scores, reading the items, the computation), on moto, with the time spent inside
  moto (its query and response serializer: the test double, not DynamoDB) apart;
- the same full report with moto's recorded answers replayed to the client and moto gone from
  the process: the service's own cost (botocore parsing, items to submissions, the computation)
  without moto's serializer or its millions of objects slowing every garbage collection, and
- the computation alone (`cohort_report` on the submissions already in memory), the sizes
  interleaved so that a noisy neighbour slows all alike,
as medians of repeated runs.
It prints a table and writes it into docs/performance.md between the report-bench markers, so
sections other benchmarks write there survive.

Budgets (issue 3): the computation for 1,000 x 40 under 100 ms on the 2-core machine, and cost
growing linearly: the 10,000 figure under 12x the 1,000 figure. The exit status is 1 when the
computation misses either budget.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from moto import __version__ as moto_version  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402

from bench.docs_section import write_section  # noqa: E402
from bench.simulation import simulated_class  # noqa: E402
from service import operations, reports  # noqa: E402
from service.domain.banks import BankRegistry  # noqa: E402
from service.domain.models import Bank, Cohort, Option, Question, Submission, Topic  # noqa: E402
from service.domain.report import cohort_report  # noqa: E402
from service.domain.scoring import score_submission  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.store import items  # noqa: E402
from service.store.dynamodb import CLIENT_CONFIG, Store  # noqa: E402
from service.store.table import create_table  # noqa: E402

SIZES = (100, 1_000, 10_000)
FULL_RUNS = {100: 5, 1_000: 3, 10_000: 1}  # a full report of 10,000 spends minutes inside moto
REPLAY_RUNS = 5
REGION = "eu-central-1"
QUESTIONS = 40
TABLE = "assess-bench"
DOC = REPOSITORY / "docs" / "performance.md"
START, END = "<!-- report-bench:start -->", "<!-- report-bench:end -->"
BUDGET_MS, BUDGET_RATIO = 100.0, 12.0


def bench_bank(questions: int = QUESTIONS) -> Bank:
    """Single-choice questions over four topics, options a-d with b correct."""

    def texts(text: str) -> dict[str, str]:
        return {"uk": text, "en": text}

    options = tuple(Option(option_id, texts(option_id), option_id == "b") for option_id in "abcd")
    return Bank(
        id="bench",
        version="1",
        sha256="b" * 64,
        languages=("uk", "en"),
        title=texts("Benchmark"),
        description=texts(""),
        scoring="all_or_nothing",
        topics=tuple(Topic(f"topic-{t}", texts(f"Topic {t}")) for t in range(4)),
        questions=tuple(
            Question(f"q{j:02d}", f"topic-{j % 4}", "single", 1, texts(f"Question {j}"), options)
            for j in range(questions)
        ),
    )


def cohort_of(bank: Bank, participants: int) -> Cohort:
    return Cohort(
        id=f"bench{participants}",
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        label=f"{participants} paired participants",
        language="uk",
        region=None,
        phases={"pre": True, "post": True},
        trainer_token_hash="0" * 64,
        created_at="2026-01-01T09:00Z",
    )


def simulated_submissions(bank: Bank, cohort: Cohort, participants: int) -> list[Submission]:
    people = simulated_class(bank, seed=participants, pre=participants, post=participants)
    submissions = []
    for index, person in enumerate(people):
        participant_hash = hashlib.sha256(f"{cohort.id}:{index}".encode()).hexdigest()
        for phase, answers in (("pre", person.pre), ("post", person.post)):
            submissions.append(
                Submission(
                    cohort_id=cohort.id,
                    phase=phase,
                    participant_hash=participant_hash,
                    submission_id=f"{participant_hash[:12]}-{phase}",
                    language=person.language,
                    answers={qid: tuple(picked) for qid, picked in answers.items()},
                    score=score_submission(bank, answers),
                    bank_id=bank.id,
                    bank_version=bank.version,
                    bank_sha256=bank.sha256,
                    submitted_at="2026-01-01T10:00Z" if phase == "pre" else "2026-01-03T16:00Z",
                )
            )
    return submissions


def load(cohort: Cohort, submissions: list[Submission]) -> None:
    """Put the cohort and its submissions straight into moto's in-memory table.

    Not through the API: moto 5.2 spends ~10 ms parsing each 2 KB item of a BatchWriteItem, which
    would make loading 20,000 items take minutes. The bench may; the service never does.
    """
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    backend.put_item(TABLE, items.cohort_to_item(cohort))
    for submission in submissions:
        backend.put_item(TABLE, items.submission_to_item(submission))


class MotoRecorder:
    """Times what moto does (its query and its response serializer) and keeps the answers it gives,
    so that the same answers can be replayed to the service without moto (see `Replay`)."""

    def __init__(self):
        self.seconds = 0.0
        self.answers: list[tuple[int, dict, bytes]] = []
        self._original = BotocoreStubber.process_request

    def __enter__(self) -> MotoRecorder:
        recorder, original = self, self._original

        def timed(stubber, request):
            started = time.perf_counter()
            try:
                answer = original(stubber, request)
            finally:
                recorder.seconds += time.perf_counter() - started
            recorder.answers.append(answer)
            return answer

        BotocoreStubber.process_request = timed
        return self

    def __exit__(self, *_) -> None:
        BotocoreStubber.process_request = self._original


class _Body(io.BytesIO):
    def stream(self, **_):
        yield self.read()


class Replay:
    """A DynamoDB client whose requests are answered, in order, with answers moto gave before: the
    service's whole path (botocore, the store, the report) with no database in the process."""

    def __init__(self, answers: list[tuple[int, dict, bytes]]):
        self.answers = answers
        self.client = boto3.client("dynamodb", region_name=REGION, config=CLIENT_CONFIG)
        self.client.meta.events.register("before-send.dynamodb", self._answer)
        self._next = iter(())

    def rewind(self) -> None:
        self._next = iter(self.answers)

    def _answer(self, request, **_):
        status, headers, body = next(self._next)
        return AWSResponse(request.url, status, headers, _Body(body if isinstance(body, bytes) else body.encode()))


def on_moto(services, cohorts: dict[int, Cohort]) -> dict[int, dict]:
    """Per size: the median full report on moto and moto's part of it (ms), and what moto answered."""
    figures = {}
    for size, cohort in cohorts.items():
        totals, in_moto, answers = [], [], None
        for _ in range(FULL_RUNS.get(size, 1)):
            with MotoRecorder() as recorder:
                started = time.perf_counter()
                report = reports.evaluator_report(services, cohort_ids=[cohort.id])
                totals.append((time.perf_counter() - started) * 1000)
            in_moto.append(recorder.seconds * 1000)
            answers = answers or recorder.answers
            assert report["paired"]["n"] == size
        figures[size] = {"full": statistics.median(totals), "moto": statistics.median(in_moto), "answers": answers}
        print(f"on moto, {size:,} paired: {figures[size]['full']:,.0f} ms", file=sys.stderr)
    return figures


def replayed_ms(settings: Settings, bank: Bank, cohort: Cohort, answers: list, runs: int) -> tuple[float, list]:
    """Median milliseconds of the full report with moto's answers replayed; and the submissions read."""
    replay = Replay(answers)
    services = operations.Services(settings, Store(replay.client, TABLE), BankRegistry([bank]))
    timings = []
    for _ in range(runs):
        replay.rewind()
        started = time.perf_counter()
        report = reports.evaluator_report(services, cohort_ids=[cohort.id])
        timings.append((time.perf_counter() - started) * 1000)
        assert report["paired"]["n"] == int(cohort.id.removeprefix("bench"))
    replay.rewind()
    services.store.get_cohort(cohort.id)
    return statistics.median(timings), list(services.store.cohort_submissions(cohort.id))


def computation_ms(bank: Bank, submissions: dict[int, list[Submission]], rounds: int) -> dict[int, float]:
    """Median milliseconds of `cohort_report` per size; sizes interleaved within each round."""
    timings = {size: [] for size in submissions}
    for _ in range(rounds):
        for size, loaded in submissions.items():
            started = time.perf_counter()
            cohort_report(bank, loaded, cohort_id=loaded[0].cohort_id)
            timings[size].append((time.perf_counter() - started) * 1000)
    return {size: statistics.median(values) for size, values in timings.items()}


@patch.dict(os.environ, {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": REGION})
def measure(sizes: tuple[int, ...], rounds: int) -> dict[int, dict[str, float]]:
    """Per size (ms): the full report on moto and moto's part of it, the full report replayed without
    moto, and the computation alone."""
    bank = bench_bank()
    names = ("HMAC_KEY", "ADMIN_TOKEN", "EVALUATOR_TOKEN")
    secrets = {f"ASSESS_{name}": f"bench-{name.lower()}-long-enough-123" for name in names}
    settings = Settings.from_environment(secrets | {"ASSESS_TABLE": TABLE, "AWS_REGION": REGION})
    cohorts = {size: cohort_of(bank, size) for size in sizes}
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION, config=CLIENT_CONFIG)
        create_table(client, TABLE)
        for size, cohort in cohorts.items():
            load(cohort, simulated_submissions(bank, cohort, size))
        figures = on_moto(operations.Services(settings, Store(client, TABLE), BankRegistry([bank])), cohorts)
    dynamodb_backends.reset()  # moto's millions of objects would slow every garbage collection below
    gc.collect()
    loaded = {}
    for size, cohort in cohorts.items():
        answers = figures[size].pop("answers")
        figures[size]["replayed"], loaded[size] = replayed_ms(settings, bank, cohort, answers, REPLAY_RUNS)
    for size, ms in computation_ms(bank, loaded, rounds).items():
        figures[size]["alone"] = ms
    return figures


def table(figures: dict[int, dict[str, float]], rounds: int) -> str:
    rows = [
        "| paired participants × questions | full report on moto | of which inside moto"
        " | full report, moto's answers replayed | computation alone |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for size, ms in figures.items():
        rows.append(
            f"| {size:,} × {QUESTIONS} | {ms['full']:,.0f} ms | {ms['moto']:,.0f} ms | {ms['replayed']:,.0f} ms"
            f" | {ms['alone']:,.1f} ms |"
        )
    lines = [*rows, ""]
    if 1_000 in figures and 10_000 in figures:
        base, big = figures[1_000], figures[10_000]
        ratio = {key: big[key] / base[key] for key in ("alone", "replayed", "full")}
        lines += [
            f"- Computation for 1,000 × {QUESTIONS}: {base['alone']:.1f} ms (budget {BUDGET_MS:.0f} ms): "
            + ("within budget" if base["alone"] < BUDGET_MS else "OVER BUDGET"),
            f"- Computation, 10,000 / 1,000: {ratio['alone']:.1f}× (budget under {BUDGET_RATIO:.0f}×): "
            + ("within budget" if ratio["alone"] < BUDGET_RATIO else "OVER BUDGET"),
            f"- Full report with moto's answers replayed, 10,000 / 1,000: {ratio['replayed']:.1f}×;"
            f" on moto: {ratio['full']:.1f}×",
        ]
    runs = ", ".join(f"{FULL_RUNS.get(size, 1)} for {size:,}" for size in figures)
    lines += [
        "",
        "Full report: what `GET /api/v1/reports?cohort_id=` does (GetItem, the paged Query of the scores,"
        f" items to submissions, the computation); on moto's in-process DynamoDB the median of {runs} runs;"
        " replayed: the same requests answered with moto's recorded answers, no database in the process, the"
        f" median of {REPLAY_RUNS} runs. Computation alone: `cohort_report` on the submissions in memory, the"
        f" median of {rounds} runs per size, sizes interleaved.",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} CPUs"
        f" (load average {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}, moto {moto_version},"
        " by `python bench/report_bench.py`.",
    ]
    return "\n".join(lines)


def within_budget(figures: dict[int, dict[str, float]]) -> bool:
    if 1_000 not in figures or 10_000 not in figures:
        return True
    base, big = figures[1_000]["alone"], figures[10_000]["alone"]
    return base < BUDGET_MS and big / base < BUDGET_RATIO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="computations per size (default 15)")
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 only, docs untouched")
    parser.add_argument("--tiny", action="store_true", help="20 participants, seconds long, docs untouched (tests)")
    arguments = parser.parse_args(argv)
    sizes, rounds = ((100, 1_000), 5) if arguments.quick else (SIZES, arguments.rounds)
    if arguments.tiny:
        sizes, rounds = (20,), 1
    figures = measure(sizes, rounds)
    text = table(figures, rounds)
    print(text)
    if not (arguments.quick or arguments.tiny):
        write_section((START, END), text, DOC)
        print(f"\nwritten to {DOC.relative_to(REPOSITORY)}")
    return 0 if within_budget(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
