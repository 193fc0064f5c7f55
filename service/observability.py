"""The one place the powertools Logger, Metrics and Tracer live, shared by the Flask app and the
Lambda handlers in `serverless/`.

- Logs are key-value JSON with a `correlation_id`: the API Gateway request id under Lambda (Zappa
  hands the event to the app as `environ["lambda.event"]`), the invocation's request id in the
  handlers. They never contain tokens, participant codes, answers, demographics, IP addresses or
  user agents.
- Metrics are CloudWatch embedded-metric-format lines (namespace `Assess`): submissions stored,
  exports produced, errors; flushed once per request and once per handler invocation.
- The Tracer (X-Ray, on in prod) is created only where tracing is on, because importing the X-Ray
  SDK costs cold-start time that dev, tests and local runs do not need to pay.
"""

from __future__ import annotations

import os
import uuid

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "assess"
NAMESPACE = "Assess"
SUBMISSIONS_STORED = "SubmissionsStored"
EXPORTS_PRODUCED = "ExportsProduced"
ERRORS = "Errors"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
_tracer = None


def count(metric: str, value: int = 1) -> None:
    """Count something for this request's (or invocation's) metrics line."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=value)


def flush_metrics() -> None:
    """Write what was counted as one EMF line; nothing at all when nothing was counted."""
    if not metrics.metric_set:
        return
    if _disabled("POWERTOOLS_METRICS_DISABLED"):
        metrics.clear_metrics()
        return
    metrics.flush_metrics()


def tracing_enabled() -> bool:
    """True on Lambda unless POWERTOOLS_TRACE_DISABLED says otherwise (powertools' own rule)."""
    return bool(os.environ.get("LAMBDA_TASK_ROOT")) and not _disabled("POWERTOOLS_TRACE_DISABLED")


def tracer():
    """The powertools Tracer, created on first use, patching botocore only (DynamoDB, S3, SSM and
    Lambda calls become X-Ray subsegments). Handlers decorate with it; outside Lambda it is disabled."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(service=SERVICE, patch_modules=("botocore",))
    return _tracer


def start_request(environ: dict) -> None:
    """Give this request's log lines a correlation id: API Gateway's request id under Lambda, a
    random one elsewhere."""
    event = environ.get("lambda.event") or {}
    request_id = (event.get("requestContext") or {}).get("requestId") or uuid.uuid4().hex
    logger.set_correlation_id(request_id)


def end_request(status: int) -> None:
    if status >= 500:
        count(ERRORS)
    flush_metrics()
    logger.set_correlation_id(None)


def _disabled(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


# Libraries that write request bodies (answers, demographics, hashes), request lines (the trainer
# link's token) or client addresses into their DEBUG/INFO logs. They stay at WARNING whatever level
# the root logger is given (Zappa's `log_level` sets the root's), so turning on debugging cannot
# put a participant's answers into CloudWatch.
CHATTY_LIBRARIES = ("botocore", "boto3", "urllib3", "s3transfer", "werkzeug", "waitress")


def quiet_chatty_libraries() -> None:
    import logging

    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
