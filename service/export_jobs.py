"""Exports too large for one HTTP response, done as jobs.

A Lambda response cannot exceed 6 MB and API Gateway gives up on a request after 29 s. So an
export whose row estimate (a COUNT query per cohort) is over `export_sync_max_rows`, or whose
file turns out larger than `export_sync_max_bytes`, is not answered directly: the request is
stored as a job, the job is started elsewhere — the export function on AWS (a Zappa stage without
API, invoked asynchronously; serverless/export_job.py), a thread when running locally — and the
client gets 202 with the job id. The job writes the file beside the request (S3 or a local
folder); the status endpoint then answers with a download link valid for minutes.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from service import observability
from service.errors import N_, ExportTooLarge, NotFound
from service.exports import ExportFile, ExportQuery
from service.observability import logger
from service.store.export_files import LocalExportFiles, S3ExportFiles, job_key


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    status: str  # pending | done | failed
    kind: str
    rows: int | None = None
    bytes: int | None = None
    filename: str | None = None
    download_key: str | None = None


class ExportJobs:
    """Where job files live and how a job is started; AWS clients are made on first use only, so
    that a cold start that serves a participant page does not pay for them."""

    def __init__(self, settings, run_locally: Callable[[str], None] | None = None):
        self.settings = settings
        self.run_locally = run_locally

    @cached_property
    def files(self):
        if self.settings.export_bucket:
            from botocore.config import Config

            from service.store.session import aws_session

            # Download links on the bucket's regional host: botocore's default, the global
            # s3.amazonaws.com, answers a bucket outside us-east-1 with a redirect for its first day.
            regional = Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
            client = aws_session(self.settings.region).client("s3", config=regional)
            return S3ExportFiles(client, self.settings.export_bucket)
        return LocalExportFiles(
            self.settings.export_dir,
            signing_key=b"download:" + self.settings.export_key,
            link_seconds=self.settings.export_url_seconds,
            job_seconds=self.settings.export_job_seconds,
        )

    def delete_expired_files(self) -> None:
        """A local folder's expired export files go (an S3 bucket's lifecycle rule does this on AWS)."""
        if not self.settings.export_bucket:
            self.files.delete_expired()

    def start(self, job_id: str) -> None:
        """Have the job run elsewhere: the export function on AWS, a thread locally."""
        if self.settings.export_function:
            from service.store.session import aws_session

            client = aws_session(self.settings.region).client("lambda")
            payload = {
                "command": "serverless.export_job.handler",
                "job_id": job_id,
                "correlation_id": logger.get_correlation_id(),
            }
            client.invoke(
                FunctionName=self.settings.export_function, InvocationType="Event", Payload=json.dumps(payload)
            )
        elif self.run_locally is not None:
            threading.Thread(target=self.run_locally, args=(job_id,), name=f"export-{job_id}", daemon=True).start()
        else:
            raise RuntimeError("no way to run export jobs: set ASSESS_EXPORT_FUNCTION or run locally")


# What Zappa's handler sends as text (its DEFAULT_TEXT_MIMETYPES, then the stages'
# additional_text_mimetypes in zappa_settings.json; tests/unit/test_infrastructure.py keeps them equal).
# Anything else goes base64-encoded, a third larger, into Lambda's 6 MB response.
ZAPPA_TEXT_MIMETYPES = (
    "text/", "application/json", "application/javascript", "application/ecmascript", "application/xml",
    "application/xml-external-parsed-entity", "application/xml-dtd", "image/svg+xml",
)  # fmt: skip
ADDITIONAL_TEXT_MIMETYPES = ("application/x-ndjson",)


def sent_size(export_file: ExportFile) -> int:
    """The body's size as Lambda returns it through Zappa: base64 for a binary type (the zip), and for
    text as a JSON string, every character outside ASCII escaped (the most it can take)."""
    mimetype = export_file.content_type.split(";")[0].strip().lower()
    if mimetype.startswith(ZAPPA_TEXT_MIMETYPES + ADDITIONAL_TEXT_MIMETYPES):
        return len(json.dumps(export_file.body.decode("utf-8")))
    return 4 * math.ceil(len(export_file.body) / 3)


def check_sync_size(export_file: ExportFile, settings) -> ExportFile:
    """Refuse (ExportTooLarge: the caller makes it a job) an export over the row limit or larger, as it
    would be sent, than the byte limit (issue 14: 3,680 JSONL rows were 6.47 MB base64-encoded)."""
    size = sent_size(export_file)
    if export_file.rows > settings.export_sync_max_rows or size > settings.export_sync_max_bytes:
        raise ExportTooLarge(f"{export_file.rows} rows, {size} bytes as sent")
    return export_file


def file_or_job(jobs: ExportJobs, services, query: ExportQuery) -> ExportFile | str:
    """The export itself when it fits in one response, else the id of a job started to build it
    (the JSON API answers 202 with it, the evaluator's workspace shows the job's progress)."""
    from service import exports

    jobs.delete_expired_files()
    settings = services.settings
    if exports.estimate_rows(services, query) > settings.export_sync_max_rows:
        return create_job(jobs, query)
    try:
        return check_sync_size(exports.build_export(services, query, max_rows=settings.export_sync_max_rows), settings)
    except ExportTooLarge:
        return create_job(jobs, query)


def create_job(jobs: ExportJobs, query: ExportQuery) -> str:
    """Store the request and start the job; the id is unguessable (the status still needs the token)."""
    job_id = secrets.token_urlsafe(18)
    request = {"kind": query.kind, "query": query.to_json(), "requested_at": _now()}
    jobs.files.put(job_key(job_id, "request.json"), json.dumps(request).encode(), "application/json")
    jobs.start(job_id)
    logger.info("export job started", extra={"job_id": job_id, "kind": query.kind})
    return job_id


def run_job(jobs: ExportJobs, job_id: str, build: Callable[[ExportQuery], ExportFile]) -> JobStatus:
    """Build the file the job's request asks for with `build(query)` and store it; a failure
    is stored too, so that the status says so instead of staying pending."""
    request = jobs.files.get_json(job_key(job_id, "request.json"))
    if request is None:
        raise NotFound(N_("no such export"))
    try:
        export_file = build(ExportQuery.from_json(request["query"]))
        file_key = job_key(job_id, export_file.filename)
        jobs.files.put(file_key, export_file.body, export_file.content_type, export_file.filename)
    except Exception as error:
        logger.exception("export job failed", extra={"job_id": job_id})
        observability.count(observability.ERRORS)
        result = {"status": "failed", "error": type(error).__name__, "finished_at": _now()}
        jobs.files.put(job_key(job_id, "result.json"), json.dumps(result).encode(), "application/json")
        raise
    result = {
        "status": "done",
        "filename": export_file.filename,
        "content_type": export_file.content_type,
        "rows": export_file.rows,
        "bytes": len(export_file.body),
        "headers": export_file.headers,
        "finished_at": _now(),
    }
    jobs.files.put(job_key(job_id, "result.json"), json.dumps(result).encode(), "application/json")
    observability.count(observability.EXPORTS_PRODUCED)
    logger.info("export job done", extra={"job_id": job_id, "rows": export_file.rows, "bytes": len(export_file.body)})
    return job_status(jobs, job_id)


def job_status(jobs: ExportJobs, job_id: str) -> JobStatus:
    request = jobs.files.get_json(job_key(job_id, "request.json"))
    if request is None:
        raise NotFound(N_("no such export"))
    result = jobs.files.get_json(job_key(job_id, "result.json"))
    if result is None:
        # A job the export function never finished (a timeout, a crash before it wrote its failure)
        # would stay pending for ever: past the function's time limit it has failed.
        if _age_seconds(request.get("requested_at")) > jobs.settings.export_job_seconds:
            return JobStatus(job_id, "failed", request["kind"])
        return JobStatus(job_id, "pending", request["kind"])
    if result["status"] != "done":
        return JobStatus(job_id, "failed", request["kind"])
    return JobStatus(
        job_id,
        "done",
        request["kind"],
        rows=result["rows"],
        bytes=result["bytes"],
        filename=result["filename"],
        download_key=job_key(job_id, result["filename"]),
    )


def _age_seconds(stamp: str | None) -> float:
    try:
        started = datetime.strptime(stamp or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return 0.0
    return (datetime.now(UTC) - started).total_seconds()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
