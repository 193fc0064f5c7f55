"""A cohort takes at most 1.5 × its expected size of submissions per phase, counted on the cohort item
by a conditional update (no Scan, no Query); a retry never counts twice. Past the limit: 429
`cohort_full` with a message the participant can show the trainer, who can raise the number."""

from __future__ import annotations

import re
import uuid

import pytest
from click.testing import CliRunner

from service import operations
from service.__main__ import cli
from tests.conftest import ADMIN, ENVIRONMENT, all_items
from tests.integration.test_admin_console import COHORT_FORM, console  # noqa: F401 (a fixture)

FULL = "Show this message to your trainer"


def create(client, **fields) -> dict:
    both = {"pre": {"open": True}, "post": {"open": True}}
    body = {"bank_id": "small", "bank_version": "1", "label": "Kharkiv, group 2", "phases": both} | fields
    response = client.post("/api/v1/cohorts", json=body, headers=ADMIN)
    assert response.status_code == 201, response.json
    return response.json


def body(phase: str = "pre", **fields) -> dict:
    return {"submission_id": str(uuid.uuid4()), "phase": phase, "language": "uk", "answers": {"q1": ["b"]}} | fields


def send(client, cohort_id: str, submission: dict):
    return client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=submission, headers={"Accept-Language": "en"})


def partition(dynamodb, cohort_id: str) -> list[dict]:
    return [item for item in all_items(dynamodb) if item["pk"]["S"] == f"COHORT#{cohort_id}"]


def stored(dynamodb, cohort_id: str, phase: str = "pre") -> list[dict]:
    subs = [item for item in partition(dynamodb, cohort_id) if item["sk"]["S"].startswith("SUB#")]
    return [item for item in subs if item["phase"]["S"] == phase]


def cohort_item(dynamodb, cohort_id: str) -> dict:
    return next(item for item in partition(dynamodb, cohort_id) if item["sk"]["S"] == "COHORT")


def test_twenty_submissions_to_a_cohort_expecting_ten_store_fifteen_and_refuse_five(small_client, dynamodb):
    cohort_id = create(small_client, expected_participants=10)["cohort_id"]
    answers = [send(small_client, cohort_id, body()) for _ in range(20)]
    assert [answer.status_code for answer in answers] == [201] * 15 + [429] * 5
    refused = answers[-1].json["error"]
    assert refused["code"] == "cohort_full" and FULL in refused["message"] and "15" in refused["message"]
    assert len(stored(dynamodb, cohort_id)) == 15
    assert cohort_item(dynamodb, cohort_id)["expected_participants"] == {"N": "10"}
    assert send(small_client, cohort_id, body("post")).status_code == 201  # each phase has its own limit


def test_retries_and_conflicts_take_no_place_and_a_retry_is_answered_even_when_full(small_client, dynamodb):
    cohort_id = create(small_client, expected_participants=2)["cohort_id"]  # room for 3
    first = body()
    assert send(small_client, cohort_id, first).status_code == 201
    code = send(small_client, cohort_id, first).json["participant_code"]
    for _ in range(3):
        assert send(small_client, cohort_id, first).status_code == 200
    assert send(small_client, cohort_id, body(participant_code=code)).status_code == 409  # the same person again
    assert [send(small_client, cohort_id, body()).status_code for _ in range(3)] == [201, 201, 429]
    retried = send(small_client, cohort_id, first)
    assert retried.status_code == 200 and retried.json["participant_code"] == code
    assert len(stored(dynamodb, cohort_id)) == 3
    assert cohort_item(dynamodb, cohort_id)["submissions_pre"] == {"N": "3"}


def test_the_phone_form_comes_back_with_the_message_and_the_answers_kept(small_client):
    cohort_id = create(small_client, expected_participants=1)["cohort_id"]  # room for 1
    form = {"phase": "pre", "lang": "en", "a.q1": "b", "a.q2": ["a", "c"]}
    assert small_client.post(f"/c/{cohort_id}", data=form | {"submission_id": str(uuid.uuid4())}).status_code == 200
    another = {"submission_id": str(uuid.uuid4()), "new_participant": "1"}  # a second person, same phone
    page = small_client.post(f"/c/{cohort_id}", data=form | another)
    assert page.status_code == 429 and FULL in page.text
    assert re.search(r'name="a.q1" value="b"[^>]* checked', page.text)
    assert re.search(r'name="a.q2" value="c"[^>]* checked', page.text)


@pytest.mark.parametrize("value", [0, -3, 5001, "ten", 2.5, None])
def test_an_expected_size_that_is_not_a_whole_number_from_1_to_5000_is_refused(small_client, value):
    body = {"bank_id": "small", "bank_version": "1", "label": "x", "expected_participants": value}
    response = small_client.post("/api/v1/cohorts", json=body, headers=ADMIN)
    assert response.status_code == 422 and "expected_participants" in response.json["error"]["fields"]


def test_the_expected_size_defaults_to_100_and_is_given_back(small_client, dynamodb):
    created = create(small_client)
    assert cohort_item(dynamodb, created["cohort_id"])["expected_participants"] == {"N": "100"}
    cohort = small_client.post(f"/api/v1/cohorts/{created['cohort_id']}/close", headers=ADMIN).json
    assert cohort["expected_participants"] == 100


def test_the_console_form_sets_the_expected_size(console, dynamodb):  # noqa: F811
    page = console.post("/admin/cohorts", data=COHORT_FORM | {"csrf": console.csrf, "expected_participants": "24"})
    assert page.status_code == 200
    cohort_id = re.search(r"/c/([a-z0-9]+)", page.text).group(1)
    assert cohort_item(dynamodb, cohort_id)["expected_participants"] == {"N": "24"}
    assert 'name="expected_participants"' in console.get("/admin/cohorts/new").text
    wrong = console.post(
        "/admin/cohorts",
        data=COHORT_FORM | {"csrf": console.csrf, "expected_participants": "0"},
        headers={"Accept-Language": "en"},
    )
    assert wrong.status_code == 422 and "a whole number from 1 to 5000" in wrong.text


def test_the_command_line_sets_the_expected_size(monkeypatch, dynamodb):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    arguments = ["cohorts", "create", "--bank", "online-child-safety", "--version", "2", "--label", "Lviv"]
    result = CliRunner().invoke(cli, [*arguments, "--expected", "30"])
    assert result.exit_code == 0, result.output
    cohort_id = result.output.split("cohort_id:")[1].split()[0]
    assert cohort_item(dynamodb, cohort_id)["expected_participants"] == {"N": "30"}


def test_the_trainer_sees_the_count_against_the_expected_size_and_raises_it(small_client, dynamodb):
    created = create(small_client, expected_participants=2)
    cohort_id = created["cohort_id"]
    small_client.get(created["trainer_url"].removeprefix("https://assess.example.org"))
    for _ in range(4):
        send(small_client, cohort_id, body())
    page = small_client.get(f"/cohorts/{cohort_id}?lang=en")
    assert "3 of 2 expected (at most 3)" in page.text
    assert 'name="expected_participants" value="2"' in page.text
    raised = small_client.post(f"/cohorts/{cohort_id}/expected", data={"expected_participants": "20"})
    assert raised.status_code == 303 and raised.headers["Location"] == f"/cohorts/{cohort_id}"
    assert send(small_client, cohort_id, body()).status_code == 201
    assert "4 of 20 expected (at most 30)" in small_client.get(f"/cohorts/{cohort_id}?lang=en").text
    assert small_client.post(f"/cohorts/{cohort_id}/expected", data={"expected_participants": "0"}).status_code == 422
    stranger = small_client.application.test_client()
    assert stranger.post(f"/cohorts/{cohort_id}/expected", data={"expected_participants": "99"}).status_code == 404
    assert cohort_item(dynamodb, cohort_id)["expected_participants"] == {"N": "20"}


def test_more_than_30_submissions_in_a_minute_after_the_first_warn_the_trainer(small_client, monkeypatch):
    created = create(small_client, expected_participants=100)
    cohort_id = created["cohort_id"]
    small_client.get(created["trainer_url"].removeprefix("https://assess.example.org"))
    minute = {"now": "2026-03-12T09:00Z"}
    monkeypatch.setattr(operations, "now_to_the_minute", lambda: minute["now"])
    for _ in range(35):  # a whole class in the first minute: no warning
        send(small_client, cohort_id, body())
    minute["now"] = "2026-03-12T09:01Z"
    for _ in range(30):
        send(small_client, cohort_id, body())
    assert "Unusually many" not in small_client.get(f"/cohorts/{cohort_id}?lang=en").text
    send(small_client, cohort_id, body())
    page = small_client.get(f"/cohorts/{cohort_id}?lang=en").text
    assert "Unusually many: 31 tests before the training arrived in the minute of 09:01 UTC" in page
    live = small_client.get(f"/cohorts/{cohort_id}/live.json?lang=en").json
    assert "Unusually many" in live["html"]["capacity"]
