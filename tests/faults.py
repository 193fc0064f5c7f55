"""DynamoDB faults injected at the store boundary, through botocore's `before-send` hook.

The hook runs for every attempt, after botocore's retry logic and before the HTTP request leaves.
Answering there replaces the request: the endpoint never sees it, as when AWS throttles or fails
a request. `response_lost` is the other case: the request reaches the endpoint (and a write is
applied) but its answer never arrives, as when a read timeout strikes after DynamoDB has written.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from dataclasses import dataclass

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.httpsession import URLLib3Session

_ERRORS = "com.amazonaws.dynamodb.v20120810#"


@dataclass(frozen=True)
class Fault:
    name: str
    status: int = 0  # an HTTP answer with this status and error type, or 0 for an exception
    error_type: str = ""


FAULTS = {
    fault.name: fault
    for fault in (
        Fault("provisioned_throughput_exceeded", 400, "ProvisionedThroughputExceededException"),
        Fault("throttling", 400, "ThrottlingException"),
        Fault("internal_server_error", 500, "InternalServerError"),
        Fault("service_unavailable", 503, "ServiceUnavailable"),
        Fault("connect_timeout"),
        Fault("read_timeout"),
        Fault("response_lost"),
    )
}


class _Body:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **_):
        yield self.body


class Faults:
    """Plan faults per operation (`PutItem`, `GetItem`, `Query`), count every attempt made and record
    the backoff botocore chose before each retry (`backoffs`, seconds) instead of sleeping it."""

    def __init__(self, client):
        self.attempts: Counter[str] = Counter()
        self.backoffs: list[float] = []
        self._planned: dict[str, deque[Fault]] = {}
        self._http = URLLib3Session()
        client.meta.events.register("before-send.dynamodb", self, unique_id="tests-faults")

    def fail(self, operation: str, fault: str, times: int) -> None:
        """The next `times` attempts of `operation` meet `fault`; later ones go through."""
        self._planned.setdefault(operation, deque()).extend([FAULTS[fault]] * times)

    def sleep(self, seconds: float) -> None:
        """Stands in for `time.sleep` in botocore's retry loop (botocore.endpoint), which uses it for nothing else."""
        self.backoffs.append(seconds)

    def pending(self, operation: str) -> int:
        return len(self._planned.get(operation, ()))

    def __call__(self, request, event_name: str, **_):
        operation = event_name.rsplit(".", 1)[-1]
        self.attempts[operation] += 1
        planned = self._planned.get(operation)
        if not planned:
            return None
        fault = planned.popleft()
        if fault.status:
            body = json.dumps({"__type": _ERRORS + fault.error_type, "message": f"injected {fault.name}"})
            headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected-fault"}
            return AWSResponse(request.url, fault.status, headers, _Body(body.encode()))
        if fault.name == "connect_timeout":
            raise ConnectTimeoutError(endpoint_url=request.url)
        if fault.name == "response_lost":
            self._http.send(request)  # the endpoint does the work; its answer is dropped
        raise ReadTimeoutError(endpoint_url=request.url)
