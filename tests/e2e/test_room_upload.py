"""A class served from a laptop, then uploaded to a deployment: a second local server stands in for
the deployment. The upload gives the same report and the same export rows there; running it twice
changes nothing; an upload cut off half-way and run again ends the same."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import replace

import boto3
import pytest

from bench import served as serving
from service import local, room
from service.store.dynamodb import Store

pytestmark = pytest.mark.skipif(local.durable_dynamodb_problem() is not None, reason="no Node.js/dynalite here")
PARTICIPANTS = 12


def call(url: str, body=None, token: str | None = None, method: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8-sig")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """A room's laptop with one finished class: pre and post of 12 participants, the cohort closed."""
    data_dir = tmp_path_factory.mktemp("laptop")
    with serving.served(data_dir=data_dir) as server:
        admin = server.printed("Admin token")
        status, created = call(
            f"{server.root}/api/v1/cohorts",
            {"bank_id": "online-child-safety", "bank_version": "2", "label": "Room 4", "region": "м. Київ"},
            admin,
        )
        assert status == 201, created
        cohort_id = json.loads(created)["cohort_id"]
        _, bank = call(f"{server.root}/api/v1/banks/online-child-safety/2")
        questions = json.loads(bank)["questions"]
        url = f"{server.root}/api/v1/cohorts/{cohort_id}/submissions"
        codes = []
        for n in range(PARTICIPANTS):
            answers = {q["id"]: [q["options"][(n + i) % len(q["options"])]["id"]] for i, q in enumerate(questions)}
            body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": answers}
            status, answered = call(url, body)
            assert status == 201, answered
            codes.append((json.loads(answered)["participant_code"], answers))
        status, _ = call(
            f"{server.root}/api/v1/cohorts/{cohort_id}", {"phases": {"post": {"open": True}}}, admin, "PATCH"
        )
        assert status == 200
        for n, (code, _answers) in enumerate(codes):
            better = {q["id"]: [q["options"][(n + i + 1) % len(q["options"])]["id"]] for i, q in enumerate(questions)}
            body = {
                "submission_id": str(uuid.uuid4()),
                "phase": "post",
                "language": "en" if n % 3 else "uk",
                "answers": better,
                "participant_code": code,
            }
            status, answered = call(url, body)
            assert status == 201, answered
        status, _ = call(f"{server.root}/api/v1/cohorts/{cohort_id}/close", {}, admin)
        assert status == 200
        yield {"server": server, "data_dir": data_dir, "cohort_id": cohort_id}


def laptop_client(laptop):
    """A DynamoDB client on the laptop's running database (the endpoint its start-up output names)."""
    output = laptop["server"].output.splitlines()
    endpoint = next(line.split(" at ")[1] for line in output if line.startswith("DynamoDB:"))
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="eu-central-1", aws_access_key_id="l", aws_secret_access_key="l"
    )


def upload(laptop, deployment, *extra: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "service",
            "room",
            "upload",
            "--to",
            deployment.root,
            "--data",
            str(laptop["data_dir"]),
            *extra,
        ],
        cwd=serving.REPOSITORY,
        env=environment | {"ASSESS_UPLOAD_ADMIN_TOKEN": deployment.printed("Admin token")},
        capture_output=True,
        text=True,
        timeout=120,
    )


def report(server, cohort_id: str) -> dict:
    status, body = call(f"{server.root}/api/v1/reports?cohort_id={cohort_id}", token=server.printed("Evaluator token"))
    assert status == 200, body
    return json.loads(body)


def export_rows(server, cohort_id: str) -> list[dict]:
    """The submissions export without its pseudonyms (each deployment has its own export key), sorted."""
    url = f"{server.root}/api/v1/exports/submissions?format=csv&cohort_id={cohort_id}"
    status, body = call(url, token=server.printed("Evaluator token"))
    assert status == 200, body
    rows = [{k: v for k, v in row.items() if k != "pseudonym"} for row in csv.DictReader(io.StringIO(body))]
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def test_upload_twice_gives_the_laptops_report_and_export_rows_and_changes_nothing_the_second_time(laptop):
    cohort_id = laptop["cohort_id"]
    with serving.served() as deployment:
        first = upload(laptop, deployment)
        assert first.returncode == 0, first.stderr
        assert f"{2 * PARTICIPANTS} submissions stored, 0 there already" in first.stdout
        assert report(deployment, cohort_id) == report(laptop["server"], cohort_id)
        assert export_rows(deployment, cohort_id) == export_rows(laptop["server"], cohort_id)

        second = upload(laptop, deployment)
        assert second.returncode == 0, second.stderr
        assert f"0 submissions stored, {2 * PARTICIPANTS} there already" in second.stdout
        assert report(deployment, cohort_id) == report(laptop["server"], cohort_id)

        # Closed for good on arrival: no later online submission joins it.
        status, _ = call(f"{deployment.root}/c/{cohort_id}")
        assert status == 410


def test_an_upload_cut_off_half_way_resumes_to_the_same_result(laptop):
    cohort_id = laptop["cohort_id"]
    store = Store(laptop_client(laptop), "assessments")
    cohort = store.get_cohort(cohort_id)
    sent = []

    def cut_off_after_two(request, timeout):
        if len(sent) == 2:
            raise urllib.error.HTTPError(request.full_url, 500, "power cut", {}, io.BytesIO(b"{}"))
        sent.append(request.full_url)
        return urllib.request.urlopen(request, timeout=timeout)

    with serving.served() as deployment:
        with pytest.raises(room.UploadError):
            room.upload(store, [cohort], deployment.root, deployment.printed("Admin token"), opener=cut_off_after_two)
        arrived = report(deployment, cohort_id)["phases"]
        first_batch = arrived["pre"]["n"] + arrived["post"]["n"]  # the cohort and the first batch arrived
        assert 0 < first_batch < 2 * PARTICIPANTS
        resumed = upload(laptop, deployment)
        assert resumed.returncode == 0, resumed.stderr
        assert f"{2 * PARTICIPANTS - first_batch} submissions stored, {first_batch} there already" in resumed.stdout
        assert report(deployment, cohort_id) == report(laptop["server"], cohort_id)
        assert export_rows(deployment, cohort_id) == export_rows(laptop["server"], cohort_id)


def test_a_cohort_id_that_exists_there_with_other_contents_is_refused_and_nothing_changes(laptop):
    from service.store import items

    laptop_store = Store(laptop_client(laptop), "assessments")
    cohort = laptop_store.get_cohort(laptop["cohort_id"])
    with serving.served() as deployment:
        token = deployment.printed("Admin token")
        assert upload(laptop, deployment).returncode == 0
        before = report(deployment, cohort.id)
        url = f"{deployment.root}/api/v1/imports/cohorts/{cohort.id}"
        relabelled = items.cohort_to_item(replace(cohort, label="someone else's class"))
        status, body = call(url, {"cohort": relabelled}, token, "PUT")
        assert status == 409, body
        status, body = call(url, {"cohort": {"pk": {"S": f"COHORT#{cohort.id}"}}}, token, "PUT")
        assert status == 422 and "cohort" in json.loads(body)["error"]["fields"], body
        assert report(deployment, cohort.id) == before

        # A cohort collected online, closed: no submission can be added to it by an import.
        status, created = call(
            f"{deployment.root}/api/v1/cohorts",
            {"bank_id": "online-child-safety", "bank_version": "2", "label": "x"},
            token,
        )
        online = json.loads(created)["cohort_id"]
        call(f"{deployment.root}/api/v1/cohorts/{online}/close", {}, token)
        submission = next(iter(laptop_store.cohort_submissions(cohort.id)))
        moved = items.submission_to_item(replace(submission, cohort_id=online))
        status, body = call(
            f"{deployment.root}/api/v1/imports/cohorts/{online}/submissions", {"submissions": [moved]}, token, "POST"
        )
        assert status == 404, body


def test_upload_needs_the_deployments_admin_token(laptop):
    with serving.served() as deployment:
        environment_token = {"ASSESS_UPLOAD_ADMIN_TOKEN": "not-the-token"}
        refused = subprocess.run(
            [
                sys.executable,
                "-m",
                "service",
                "room",
                "upload",
                "--to",
                deployment.root,
                "--data",
                str(laptop["data_dir"]),
            ],
            cwd=serving.REPOSITORY,
            env={k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))} | environment_token,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode != 0 and "401" in refused.stderr
