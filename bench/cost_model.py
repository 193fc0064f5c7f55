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


def programme_cost(
    participants: int, requests: dict[str, RequestCost], memory: int, cohort_size: int = 30, trainer_views: int = 10
) -> dict:
    """Every participant loads the page and submits, pre and post; each cohort of `cohort_size` is
    created once and its trainer opens the report `trainer_views` times."""
    cohorts = math.ceil(participants / cohort_size)
    counts = {
        "page": 2 * participants,
        "submit_pre": participants,
        "submit_post": participants,
        "create_cohort": cohorts,
        "trainer_view": cohorts * trainer_views,
    }
    total = {"lambda": 0.0, "api_gateway": 0.0, "dynamodb": 0.0}
    for kind, count in counts.items():
        for part, dollars in request_cost(requests[kind], memory).items():
            total[part] += count * dollars
    return {
        "participants": participants,
        "cohorts": cohorts,
        "requests": sum(counts.values()),
        **total,
        "total": sum(total.values()),
    }
