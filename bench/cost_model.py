"""The AWS bill of a programme, from measured per-request work and published on-demand prices.

Prices are for eu-central-1 (Frankfurt), on-demand, before free tier. They could not be read from
AWS's own pages from this machine; each says where it came from, and all must be re-checked on
https://aws.amazon.com/lambda/pricing/, /api-gateway/pricing/ and /dynamodb/pricing/on-demand/
before a budget is promised.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRICES_CHECKED = "2026-11-28"
PRICES = {
    "lambda_gb_second": (
        0.0000166667,
        "Lambda x86, first 6 billion GB-s/month: $0.0000166667 in the cloudchipr.com 2024 Lambda pricing guide "
        "(N. Virginia; AWS's page says its examples use N. Virginia); Frankfurt has, to this engineer's knowledge, "
        "the same rate — not confirmed from an AWS page, re-check",
    ),
    "lambda_request": (
        0.20 / 1e6,
        "Lambda requests: $0.20 per million in Zack Bloom's 2018 Lambda pricing article (medium.com) and unchanged "
        "since to this engineer's knowledge, in Frankfurt too — re-check",
    ),
    "api_gateway_request": (
        3.70 / 1e6,
        "API Gateway REST API, first 333 million/month: $3.50 per million in AWS's whitepaper 'Best Practices for "
        "Designing Amazon API Gateway Private APIs' (region not named; aws.eu's page prices the same calls at "
        "€3.6514 per million); Frankfurt's $3.70 is this engineer's knowledge of the price list, not confirmed "
        "from an AWS page — re-check",
    ),
    "dynamodb_write_unit": (
        0.7625 / 1e6,
        "DynamoDB on-demand write request unit: $0.625 per million in N. Virginia after the November 2024 price cut "
        "(airbyte.com DynamoDB pricing guide); Frankfurt's $0.7625 is this engineer's knowledge of the price list, "
        "not confirmed from an AWS page — re-check",
    ),
    "dynamodb_read_unit": (
        0.1525 / 1e6,
        "DynamoDB on-demand read request unit: $0.125 per million in N. Virginia (same source); Frankfurt's "
        "$0.1525 likewise not confirmed — re-check",
    ),
}
DYNAMODB_ROUND_TRIP_MS = 10  # assumed in-region DynamoDB call latency on Lambda (not measured here)
FULL_VCPU_MB = 1769  # Lambda gives one full vCPU at 1,769 MB; less memory, proportionally less CPU


def memory_mb(stage: str = "dev") -> int:
    """The Lambda memory size the deployment configures (zappa_settings.json)."""
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    return int(settings[stage].get("memory_size", 512))


@dataclass(frozen=True)
class RequestCost:
    """One kind of request: how long Lambda runs for it and what DynamoDB work it does."""

    name: str
    lambda_ms: float
    rcu: float
    wcu: float


def lambda_ms(service_ms: float, dynamodb_calls: int, memory: int) -> float:
    """Billed duration: the service's own CPU time measured here (request minus its DynamoDB calls
    on moto), scaled by the CPU share Lambda gives `memory`, plus an assumed round trip per call."""
    scaled = max(service_ms, 0.0) * max(1.0, FULL_VCPU_MB / memory)
    return math.ceil(scaled + dynamodb_calls * DYNAMODB_ROUND_TRIP_MS)


def request_cost(request: RequestCost, memory: int) -> dict[str, float]:
    gb_seconds = request.lambda_ms / 1000 * memory / 1024
    return {
        "lambda": PRICES["lambda_request"][0] + gb_seconds * PRICES["lambda_gb_second"][0],
        "api_gateway": PRICES["api_gateway_request"][0],
        "dynamodb": request.rcu * PRICES["dynamodb_read_unit"][0] + request.wcu * PRICES["dynamodb_write_unit"][0],
    }


@dataclass(frozen=True)
class Classroom:
    """What one class sends, as assumed here (docs/performance.md lists these with the figures)."""

    size: int = 30  # 1,000 participants in 34 classes
    phase_minutes: int = 20  # each test is open this long, pre and post
    first_submit_minute: int = 5  # nobody finishes 20 questions sooner
    tabs_polling: int = 2  # the trainer's page and the projector view, both open while a test is
    page_loads_per_tab: int = 2  # each tab opened (or reloaded) twice per phase
    console_requests: int = 6  # the coordinator: login, console, form, create, cohort page, QR
    scripts_per_phone_page: int = 1  # participant.js on the test, copy.js on the result (max-age 1 h)
    poll_seconds: float = 10  # static/js/trainer.js: every 10 s while something changes...
    poll_growth: float = 1.5  # ...half as long again after each unchanged answer...
    poll_longest_seconds: float = 60  # ...up to a minute
    seed: int = 14


def live_polls(classroom: Classroom) -> dict[str, int]:
    """One tab's polls during one phase, with trainer.js's rule: a poll answered 200 (something
    changed since the last) brings the wait back to 10 s, a 304 stretches it. Submission times are
    uniform between the first-submit minute and the end, from a fixed seed."""
    import random

    generator = random.Random(classroom.seed)
    end = classroom.phase_minutes * 60
    times = sorted(generator.uniform(classroom.first_submit_minute * 60, end) for _ in range(classroom.size))
    now, wait, seen, changed, unchanged = 0.0, classroom.poll_seconds, 0, 0, 0
    while True:
        now += wait
        if now > end:
            break
        arrived = sum(1 for t in times if t <= now)
        if arrived != seen:
            changed, seen, wait = changed + 1, arrived, classroom.poll_seconds
        else:
            unchanged += 1
            wait = min(classroom.poll_longest_seconds, wait * classroom.poll_growth)
    return {"changed": changed, "unchanged": unchanged}


def class_requests(classroom: Classroom = Classroom()) -> dict[str, int]:
    """Every request one class sends through API Gateway, by kind."""
    polls = live_polls(classroom)
    tabs_phases = classroom.tabs_polling * 2
    return {
        "page": 2 * classroom.size,
        "script": 2 * 2 * classroom.size * classroom.scripts_per_phone_page,  # test and result, pre and post
        "submit_pre": classroom.size,
        "submit_post": classroom.size,
        "create_cohort": classroom.console_requests,
        "trainer_view": tabs_phases * classroom.page_loads_per_tab,
        "script_trainer": tabs_phases * classroom.page_loads_per_tab,
        "live_changed": tabs_phases * polls["changed"],
        "live_unchanged": tabs_phases * polls["unchanged"],
    }


def programme_cost(
    participants: int, requests: dict[str, RequestCost], memory: int, classroom: Classroom = Classroom()
) -> dict:
    """Every request a programme's classes send (class_requests), priced per kind. Kinds not measured
    (the static scripts) take the cheapest measured request's cost."""
    cohorts = math.ceil(participants / classroom.size)
    per_class = class_requests(classroom)
    cheapest = min(requests.values(), key=lambda r: r.lambda_ms)
    counts = {kind: count * cohorts for kind, count in per_class.items()}
    total = {"lambda": 0.0, "api_gateway": 0.0, "dynamodb": 0.0}
    for kind, count in counts.items():
        request = requests.get(kind) or requests.get(kind.split("_")[0]) or cheapest
        for part, dollars in request_cost(request, memory).items():
            total[part] += count * dollars
    return {
        "participants": participants,
        "cohorts": cohorts,
        "requests": sum(counts.values()),
        "counts": counts,
        **total,
        "total": sum(total.values()),
    }
