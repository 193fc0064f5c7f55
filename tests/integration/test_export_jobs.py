"""Exports past one response's limits: 202 and a job, the job's file in S3 (moto) or a local
folder, the status with a link valid for minutes, and a synchronous path that refuses to build a
response over the limit."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from service import export_jobs, exports
from service.app import api_app, create_app
from service.domain.banks import BankRegistry
from service.domain.models import Cohort, Submission
from service.domain.scoring import score_submission
from service.exports import ExportQuery
from service.store import items
from service.store.dynamodb import Store
from service.store.export_files import job_key
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR
from tests.factories import small_bank
from tests.fake_dynamodb import FakeDynamoDB

BUCKET = "assess-test-exports"
PARTICIPANTS = 1_000
PERFECT_POST = {"q1": ("b",), "q3": ("d",)}


def app_with(settings, store, **changes):
    # These tests are about sizes and jobs, not anonymity: classes of 2 are shown whole.
    changes.setdefault("k_anonymity", 2)
    return create_app(dataclasses.replace(settings, **changes), store=store, banks=BankRegistry([small_bank()]))


def cohort_with_submissions(client, count: int) -> str:
    created = client.post(
        "/api/v1/cohorts", json={"bank_id": "small", "bank_version": "1", "label": "x"}, headers=ADMIN
    ).json
    for _ in range(count):
        body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": {"q1": ["b"]}}
        assert client.post(f"/api/v1/cohorts/{created['cohort_id']}/submissions", json=body).status_code == 201
    return created["cohort_id"]


def wait_until_done(client, status_url: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(urlsplit(status_url).path, headers=EVALUATOR).json
        if status["status"] != "pending":
            return status
        time.sleep(0.05)
    raise AssertionError("the export job did not finish")


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_over_the_row_limit_is_a_job_served_locally_through_a_signed_link(settings, store, tmp_path):
    client = app_with(settings, store, export_sync_max_rows=2, export_dir=tmp_path).test_client()
    cohort_id = cohort_with_submissions(client, 3)

    accepted = client.get(f"/api/v1/exports/submissions?format=csv&cohort_id={cohort_id}", headers=EVALUATOR)
    assert accepted.status_code == 202
    assert accepted.headers["Location"] == accepted.json["status_url"]
    status = wait_until_done(client, accepted.json["status_url"])
    assert status["status"] == "done" and status["rows"] == 3 and status["expires_in"] == 600

    link = urlsplit(status["download_url"])
    downloaded = client.get(f"{link.path}?{link.query}")
    assert downloaded.status_code == 200
    assert len(csv_rows(downloaded.data)) == 3
    tampered = client.get(f"{link.path}?{link.query[:-1]}{'0' if link.query[-1] != '0' else '1'}")
    expired = client.get(f"{link.path}?expires=1&signature={parse_qs(link.query)['signature'][0]}")
    assert tampered.status_code == 404 and expired.status_code == 404


def test_job_status_needs_the_evaluator_token_and_unknown_jobs_are_404(settings, store, tmp_path):
    client = app_with(settings, store, export_sync_max_rows=1, export_dir=tmp_path).test_client()
    cohort_id = cohort_with_submissions(client, 2)
    accepted = client.get(f"/api/v1/exports/submissions?cohort_id={cohort_id}", headers=EVALUATOR).json
    assert client.get(urlsplit(accepted["status_url"]).path).status_code == 401
    assert client.get(urlsplit(accepted["status_url"]).path, headers=ADMIN).status_code == 401
    assert client.get("/api/v1/exports/jobs/nosuchjob", headers=EVALUATOR).status_code == 404
    assert wait_until_done(client, accepted["status_url"])["status"] == "done"  # not left running into teardown


def test_synchronous_path_refuses_a_response_over_the_byte_limit(settings, store, tmp_path):
    client = app_with(settings, store, export_sync_max_bytes=300, export_dir=tmp_path).test_client()
    cohort_id = cohort_with_submissions(client, 4)
    answer = client.get(f"/api/v1/exports/submissions?cohort_id={cohort_id}", headers=EVALUATOR)
    assert answer.status_code == 202 and len(answer.data) < 300
    assert wait_until_done(client, answer.json["status_url"])["rows"] == 4


def test_synchronous_builder_stops_before_serializing_more_rows_than_allowed(settings, store):
    app = app_with(settings, store)
    cohort_with_submissions(app.test_client(), 3)
    with pytest.raises(export_jobs.ExportTooLarge):
        exports.build_export(app.extensions["assess"], ExportQuery("submissions"), max_rows=2)
    small = exports.build_export(app.extensions["assess"], ExportQuery("submissions"), max_rows=3)
    with pytest.raises(export_jobs.ExportTooLarge):
        export_jobs.check_sync_size(small, dataclasses.replace(settings, export_sync_max_bytes=len(small.body) - 1))


def test_an_export_over_the_row_limit_is_refused_before_it_is_written_out(settings, store, monkeypatch):
    from service.domain import export as export_formats

    app = app_with(settings, store)
    cohort_with_submissions(app.test_client(), 3)

    def written(*_):
        raise AssertionError("the CSV was written although it is over the limit")

    monkeypatch.setattr(export_formats, "to_csv", written)
    with pytest.raises(export_jobs.ExportTooLarge):
        exports.build_export(app.extensions["assess"], ExportQuery("submissions"), max_rows=2)


def test_small_export_is_still_answered_directly(settings, store, tmp_path):
    client = app_with(settings, store, export_dir=tmp_path).test_client()
    cohort_id = cohort_with_submissions(client, 2)
    answer = client.get(f"/api/v1/exports/submissions?cohort_id={cohort_id}", headers=EVALUATOR)
    assert answer.status_code == 200 and len(csv_rows(answer.data)) == 2
    assert not list(tmp_path.iterdir())


def test_the_row_estimate_covers_the_cohorts_the_export_covers(settings, store, tmp_path):
    """A cohort of another bank version is in neither the export nor its estimate: no job for nothing."""
    client = app_with(settings, store, export_sync_max_rows=1, export_dir=tmp_path).test_client()
    cohort_id = cohort_with_submissions(client, 2)
    query = f"cohort_id={cohort_id}&bank_id=small&bank_version=9"
    answer = client.get(f"/api/v1/exports/submissions?{query}", headers=EVALUATOR)
    assert answer.status_code == 200 and csv_rows(answer.data) == []
    assert not list(tmp_path.iterdir())


def seed_submissions(table: FakeDynamoDB, bank, cohorts: int, participants: int) -> int:
    """Cohorts and their participants' pre and post submissions, as the store writes them."""
    written = 0
    for c in range(cohorts):
        cohort = Cohort(
            id=f"bulk{c:06d}",
            bank_id=bank.id,
            bank_version=bank.version,
            bank_sha256=bank.sha256,
            label=f"bulk {c}",
            language="uk",
            region="Київська область",
            phases={"pre": True, "post": True},
            trainer_token_hash="0" * 64,
            created_at=f"2026-01-01T00:{c:02d}Z",
        )
        table.put(items.cohort_to_item(cohort))
        for p in range(participants):
            participant = hashlib.sha256(f"{c}:{p}".encode()).hexdigest()
            for phase, answers in (("pre", {"q1": ("a",)}), ("post", PERFECT_POST)):
                submission = Submission(
                    cohort_id=cohort.id,
                    phase=phase,
                    participant_hash=participant,
                    submission_id=str(uuid.uuid4()),
                    language="uk",
                    answers=answers,
                    score=score_submission(bank, answers),
                    bank_id=bank.id,
                    bank_version=bank.version,
                    bank_sha256=bank.sha256,
                    submitted_at="2026-01-02T10:00Z",
                    demographics={"role": "police"},
                )
                table.put(items.submission_to_item(submission))
                written += 1
    return written


def test_twenty_thousand_submissions_export_through_the_job_handler_into_s3(settings, dynamodb, monkeypatch):
    """moto's S3 (inside the `dynamodb` fixture's mock); the table in memory (tests/fake_dynamodb.py)."""
    from serverless import export_job

    s3 = boto3.client("s3", region_name="eu-central-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    bank = small_bank()
    table = FakeDynamoDB()
    assert seed_submissions(table, bank, cohorts=10, participants=PARTICIPANTS) == 20_000
    store = Store(table, ENVIRONMENT["ASSESS_TABLE"])
    app = app_with(settings, store, export_bucket=BUCKET, export_function="assess-test-exports")
    jobs = api_app(app).extensions["assess.export_jobs"]
    started = []
    monkeypatch.setattr(jobs, "start", started.append)  # on AWS: an asynchronous Lambda invoke
    client = app.test_client()

    accepted = client.get("/api/v1/exports/submissions?format=csv&bank_id=small", headers=EVALUATOR)
    assert accepted.status_code == 202 and started == [accepted.json["job_id"]]
    assert client.get(urlsplit(accepted.json["status_url"]).path, headers=EVALUATOR).json["status"] == "pending"

    monkeypatch.setattr(export_job, "_services", lambda: (app.extensions["assess"], jobs))
    began = time.perf_counter()
    event = {"command": "serverless.export_job.handler", "job_id": started[0], "correlation_id": "req-1"}
    outcome = export_job.handler(event, LambdaContext())
    seconds = time.perf_counter() - began
    assert outcome == {"job_id": started[0], "status": "done", "rows": 20_000}

    status = client.get(urlsplit(accepted.json["status_url"]).path, headers=EVALUATOR).json
    assert status["status"] == "done" and status["rows"] == 20_000
    link = urlsplit(status["download_url"])
    assert link.path == f"/{BUCKET}/{job_key(started[0], 'submissions.csv')}" or link.netloc.startswith(BUCKET)
    assert parse_qs(link.query)["X-Amz-Expires"] == ["600"] and "X-Amz-Signature" in parse_qs(link.query)
    stored = s3.get_object(Bucket=BUCKET, Key=job_key(started[0], "submissions.csv"))
    assert stored["ServerSideEncryption"] == "AES256"
    rows = csv_rows(stored["Body"].read())
    assert len(rows) == 20_000
    assert {row["cohort_id"] for row in rows} == {f"bulk{c:06d}" for c in range(10)}
    assert sum(row["phase"] == "post" for row in rows) == 10_000
    percents = {str(round(score_submission(bank, answers).percent, 2)) for answers in ({"q1": ("a",)}, PERFECT_POST)}
    assert {float(row["percent"]) for row in rows} == {float(p) for p in percents}
    print(f"\n20,000-submission export job: {seconds:.1f} s, {stored['ContentLength']} bytes")


class LambdaContext:
    aws_request_id = "test-invocation"
    function_name = "assess-test-exports"
    memory_limit_in_mb = 2048
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:assess-test-exports"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


@pytest.mark.parametrize("file_format", ["zip", "jsonl", "csv"])
def test_the_byte_limit_counts_the_body_as_lambda_sends_it(settings, store, tmp_path, file_format):
    """Issue 14: a zip goes base64-encoded through Zappa (a third larger), and text as a JSON string.
    An export just under the limit as sent is answered directly; one byte less of limit makes it a job."""
    app = app_with(settings, store, export_dir=tmp_path)
    client = app.test_client()
    cohort_id = cohort_with_submissions(client, 6)
    built = exports.build_export(
        app.extensions["assess"],
        ExportQuery("submissions", file_format=file_format, cohort_id=cohort_id, pseudonym_key="sizes"),
    )
    sent = export_jobs.sent_size(built)
    if file_format == "zip":
        assert sent == 4 * -(-len(built.body) // 3) > len(built.body)
    else:
        assert sent >= len(built.body.decode("utf-8"))  # escaped, never less
    url = f"/api/v1/exports/submissions?cohort_id={cohort_id}&format={file_format}&pseudonym_key=sizes"
    fits = app_with(settings, store, export_dir=tmp_path, export_sync_max_bytes=sent).test_client()
    assert fits.get(url, headers=EVALUATOR).status_code == 200
    over = app_with(settings, store, export_dir=tmp_path, export_sync_max_bytes=sent - 1).test_client()
    assert over.get(url, headers=EVALUATOR).status_code == 202


def test_a_job_that_never_finished_reads_failed_after_the_functions_time_limit(settings, store, tmp_path):
    """Issue 14: an export function that timed out left its job pending for ever."""
    import json

    app = app_with(settings, store, export_dir=tmp_path, export_job_seconds=360)
    jobs = api_app(app).extensions["assess.export_jobs"]
    for job_id, minutes_ago in (("recent-job-id", 1), ("stuck-job-id", 7)):
        requested = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - minutes_ago * 60))
        body = json.dumps({"kind": "submissions", "query": {}, "requested_at": requested}).encode()
        jobs.files.put(job_key(job_id, "request.json"), body, "application/json")
    client = app.test_client()
    assert client.get("/api/v1/exports/jobs/recent-job-id", headers=EVALUATOR).json["status"] == "pending"
    assert client.get("/api/v1/exports/jobs/stuck-job-id", headers=EVALUATOR).json["status"] == "failed"


def test_download_links_use_the_buckets_regional_host(settings, monkeypatch):
    """Issue 14: on the global host a new bucket outside us-east-1 answers with a redirect."""

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    on_aws = dataclasses.replace(settings, export_bucket="assess-prod-exports-123456789012", region="eu-central-1")
    url = export_jobs.ExportJobs(on_aws).files.client.generate_presigned_url(
        "get_object", Params={"Bucket": "assess-prod-exports-123456789012", "Key": "exports/x.csv"}, ExpiresIn=600
    )
    assert url.startswith("https://assess-prod-exports-123456789012.s3.eu-central-1.amazonaws.com/exports/x.csv?")


def test_a_local_export_file_is_gone_after_its_link_expired_at_the_next_export_request(settings, store, tmp_path):
    app = app_with(settings, store, export_sync_max_rows=2, export_dir=tmp_path)
    client = app.test_client()
    cohort_id = cohort_with_submissions(client, 3)
    accepted = client.get(f"/api/v1/exports/submissions?cohort_id={cohort_id}", headers=EVALUATOR)
    status = wait_until_done(client, accepted.json["status_url"])
    link = urlsplit(status["download_url"])
    assert client.get(f"{link.path}?{link.query}").status_code == 200
    files = api_app(app).extensions["assess.export_jobs"].files
    expires = int(parse_qs(link.query)["expires"][0])
    files.clock = lambda: expires + 1  # the link has just expired
    small_cohort = cohort_with_submissions(client, 1)
    assert client.get(f"/api/v1/exports/submissions?cohort_id={small_cohort}", headers=EVALUATOR).status_code == 200
    assert not (tmp_path / "exports" / accepted.json["job_id"]).exists()
    assert client.get(f"{link.path}?{link.query}").status_code == 404
    assert client.get(urlsplit(accepted.json["status_url"]).path, headers=EVALUATOR).status_code == 404
