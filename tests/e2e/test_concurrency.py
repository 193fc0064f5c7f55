"""A class submitting at once, and phones retrying, against a real server process: first on its
embedded DynamoDB (moto), then on dynalite. Every request goes to 127.0.0.1, every request has a
timeout, and every test a bounded number of requests; the table itself is checked afterwards."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from tests import dynamodb_endpoints as endpoints
from tests.e2e.conftest import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

CLASS_SIZE = 90
SAME_REQUEST_REPEATS = 20
RACING_PARTICIPANTS = 10
REQUEST_TIMEOUT = 30


@pytest.fixture(scope="module", params=["moto", "dynalite"])
def served(request, dynamodb_endpoints):
    """The server on its embedded moto endpoint, then the same server on dynalite."""
    if request.param == "moto":
        yield request.getfixturevalue("server")
        return
    if problem := endpoints.dynalite_problem():
        if "Node.js" in problem:
            pytest.skip(problem)
        pytest.fail(problem)
    if "dynalite" not in dynamodb_endpoints:
        dynamodb_endpoints["dynalite"] = endpoints.start_dynalite()
    environment = {"ASSESS_DYNAMODB_ENDPOINT": dynamodb_endpoints["dynalite"].url, "ASSESS_TABLE": "concurrency"}
    with running_server(environment) as started:
        yield started


def call(url: str, body=None, headers=None, form=None) -> tuple[int, str]:
    if form is not None:
        data, kind = urllib.parse.urlencode(form, doseq=True).encode(), "application/x-www-form-urlencoded"
    else:
        data, kind = (json.dumps(body).encode() if body is not None else None), "application/json"
    request = urllib.request.Request(url, data=data, headers={"Content-Type": kind} | (headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def in_parallel(task, arguments: list) -> list:
    """Run `task` on every argument at once (threads released together by a barrier)."""
    barrier = threading.Barrier(len(arguments), timeout=REQUEST_TIMEOUT)

    def released(argument):
        barrier.wait()
        return task(argument)

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(released, arguments))


def new_cohort(served) -> dict:
    admin = {"Authorization": f"Bearer {served['admin_token']}"}
    body = {"bank_id": "online-child-safety", "bank_version": "2", "label": "concurrency"}
    body["phases"] = {"pre": {"open": True}, "post": {"open": True}}
    status, created = call(f"{served['root']}/api/v1/cohorts", body, admin)
    assert status == 201, created
    return json.loads(created)


def question_ids(served) -> list[str]:
    _, bank = call(f"{served['root']}/api/v1/banks/online-child-safety/2")
    return [question["id"] for question in json.loads(bank)["questions"]]


def every(questions: list[str], option: str) -> dict[str, list[str]]:
    """An answer to every question (a test with too few answers is not stored)."""
    return {question: [option] for question in questions}


def stored_submissions(served, cohort_id: str) -> list[dict]:
    """The cohort's submission items, read from the server's DynamoDB endpoint (the test may scan)."""
    endpoint = re.search(r"^DynamoDB:\s+(?:embedded \(moto\) at )?(http://127\.0\.0\.1:\d+)", served["output"], re.M)[1]
    table = re.search(r"table (\S+) \(", served["output"])
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    pages = client.get_paginator("scan").paginate(TableName=table[1] if table else "assessments")
    return [
        item
        for page in pages
        for item in page["Items"]
        if item["pk"]["S"] == f"COHORT#{cohort_id}" and item["type"]["S"] == "submission"
    ]


def report(served, cohort: dict) -> dict:
    headers = {"Authorization": f"Bearer {cohort['trainer_token']}"}
    status, body = call(f"{served['root']}/api/v1/cohorts/{cohort['cohort_id']}/report", headers=headers)
    assert status == 200, body
    return json.loads(body)


def test_a_class_of_90_submitting_at_once_is_stored_90_times(served):
    cohort, questions = new_cohort(served), question_ids(served)
    url = f"{served['root']}/api/v1/cohorts/{cohort['cohort_id']}/submissions"
    bodies = [
        {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": every(questions, "a")}
        for i in range(CLASS_SIZE)
    ]
    started = time.monotonic()
    answers = in_parallel(lambda body: call(url, body), bodies)
    elapsed = time.monotonic() - started
    assert [status for status, _ in answers] == [201] * CLASS_SIZE, answers[:3]
    codes = {json.loads(body)["participant_code"] for _, body in answers}
    assert len(codes) == CLASS_SIZE
    assert len(stored_submissions(served, cohort["cohort_id"])) == CLASS_SIZE
    assert report(served, cohort)["phases"]["pre"]["n"] == CLASS_SIZE
    print(f"\n{CLASS_SIZE} parallel submissions answered in {elapsed:.2f} s")


def test_the_same_submission_sent_20_times_at_once_is_stored_once_with_one_answer(served):
    cohort, questions = new_cohort(served), question_ids(served)
    url = f"{served['root']}/api/v1/cohorts/{cohort['cohort_id']}/submissions"
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "en", "answers": every(questions, "b")}
    answers = in_parallel(lambda _: call(url, body), list(range(SAME_REQUEST_REPEATS)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (SAME_REQUEST_REPEATS - 1) + [201], answers
    assert len({body for _, body in answers}) == 1
    stored = stored_submissions(served, cohort["cohort_id"])
    assert len(stored) == 1 and body["submission_id"] not in str(stored[0])  # kept as a keyed hash only
    assert report(served, cohort)["phases"]["pre"]["n"] == 1


def test_the_same_phone_form_sent_10_times_at_once_shows_one_code_and_stores_once(served):
    cohort = new_cohort(served)
    url = f"{served['root']}/c/{cohort['cohort_id']}"
    _, page = call(url + "?phase=pre")
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    for name, value in re.findall(r'name="(a\.[^"]+)" value="([^"]+)"', page):
        form.setdefault(name, value)  # the first option of every question
    pages = in_parallel(lambda _: call(url, form=form), list(range(10)))
    assert [status for status, _ in pages] == [200] * 10
    assert len({re.search(r'class="code">([^<]+)<', page)[1] for _, page in pages}) == 1
    assert len(stored_submissions(served, cohort["cohort_id"])) == 1


def test_two_different_answer_sets_for_one_participant_and_phase_at_once_store_one_and_refuse_the_other(served):
    cohort, questions = new_cohort(served), question_ids(served)
    url = f"{served['root']}/api/v1/cohorts/{cohort['cohort_id']}/submissions"
    winners = []
    for _ in range(RACING_PARTICIPANTS):
        pre = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "en", "answers": every(questions, "a")}
        status, body = call(url, pre)
        assert status == 201, body
        code = json.loads(body)["participant_code"]
        rivals = [
            {
                "submission_id": str(uuid.uuid4()),
                "phase": "post",
                "language": "en",
                "participant_code": code,
                "answers": every(questions, option),
            }
            for option in ("a", "b")
        ]
        answers = in_parallel(lambda body: call(url, body), rivals)
        assert sorted(status for status, _ in answers) == [201, 409], answers
        refused = next(json.loads(body) for status, body in answers if status == 409)
        assert refused["error"]["code"] == "already_sent"  # the first one counts
        winners.append(next(rival for rival, (status, _) in zip(rivals, answers, strict=True) if status == 201))
    posts = [item for item in stored_submissions(served, cohort["cohort_id"]) if item["phase"]["S"] == "post"]
    assert len(posts) == RACING_PARTICIPANTS
    kept = sorted(
        sorted((question, [o["S"] for o in value["L"]]) for question, value in item["answers"]["M"].items())
        for item in posts
    )
    assert kept == sorted(sorted(winner["answers"].items()) for winner in winners)  # each winner's, whole
    assert report(served, cohort)["paired"]["n"] == RACING_PARTICIPANTS
