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
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

from service import observability, operations
from service.errors import N_, ExportTooLarge, NotFound
from service.observability import logger
from service.operations import ExportFile
from service.store.export_files import LocalExportFiles, S3ExportFiles, job_key

KINDS = ("submissions", "participants")


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
            from service.store.session import aws_session

            client = aws_session(self.settings.region).client("s3")
            return S3ExportFiles(client, self.settings.export_bucket)
        return LocalExportFiles(self.settings.export_dir, signing_key=b"download:" + self.settings.export_key)

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


def estimate_rows(services, query: dict) -> int:
    """An upper bound of the rows an export with this query has (before day filters): a COUNT query
    for each cohort it covers, chosen as the export itself chooses them."""
    from service import operations

    cohort_id = query.get("cohort_id")
    cohorts = operations.select_cohorts(
        services,
        cohort_ids=[cohort_id] if cohort_id else [],
        bank_id=query.get("bank_id"),
        bank_version=query.get("bank_version"),
    )
    return sum(services.store.count_cohort_submissions(cohort.id) for cohort in cohorts)


def check_sync_size(export_file: ExportFile, settings) -> ExportFile:
    if export_file.rows > settings.export_sync_max_rows or len(export_file.body) > settings.export_sync_max_bytes:
        raise ExportTooLarge(f"{export_file.rows} rows, {len(export_file.body)} bytes")
    return export_file


def create_job(jobs: ExportJobs, kind: str, query: dict) -> str:
    """Store the request and start the job; the id is unguessable (the status still needs the token)."""
    job_id = secrets.token_urlsafe(18)
    request = {"kind": kind, "query": _to_json(query), "requested_at": _now()}
    jobs.files.put(job_key(job_id, "request.json"), json.dumps(request).encode(), "application/json")
    jobs.start(job_id)
    logger.info("export job started", extra={"job_id": job_id, "kind": kind})
    return job_id


def run_job(jobs: ExportJobs, job_id: str, build: Callable[[str, dict], ExportFile]) -> JobStatus:
    """Build the file the job's request asks for with `build(kind, query)` and store it; a failure
    is stored too, so that the status says so instead of staying pending."""
    request = jobs.files.get_json(job_key(job_id, "request.json"))
    if request is None:
        raise NotFound(N_("no such export"))
    try:
        export_file = build(request["kind"], _from_json(request["query"]))
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


def _to_json(query: dict) -> dict:
    return {key: {"date": value.isoformat()} if isinstance(value, date) else value for key, value in query.items()}


def _from_json(query: dict) -> dict:
    return {
        key: date.fromisoformat(value["date"]) if isinstance(value, dict) and set(value) == {"date"} else value
        for key, value in query.items()
    }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_export_file(services, kind: str, query: dict, max_rows: int | None = None) -> ExportFile:
    """The export file for one request (operations.build_export), the same for a response and for a
    job. With `max_rows`, refuses (ExportTooLarge) an export with more rows than that."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    return operations.build_export(
        services,
        kind=kind,
        file_format=query.get("format", "csv"),
        pseudonym_key=query.get("pseudonym_key"),
        pooled=query.get("pooled", False),
        cohort_id=query.get("cohort_id"),
        bank_id=query.get("bank_id"),
        bank_version=query.get("bank_version"),
        day_from=query.get("from_"),
        day_to=query.get("to"),
        max_rows=max_rows,
    )
