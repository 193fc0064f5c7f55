"""DynamoDB failing under a class: throttling, 5xx answers, timeouts and lost answers, injected at
the store boundary (tests/faults.py) on both local DynamoDBs. botocore retries as configured; when
the retries run out the participant keeps every answer and a JSON client gets 503 with Retry-After;
a later retry stores exactly once; no fault ever leaves a partial or second item."""

import re
import uuid

import botocore.endpoint
import pytest
from werkzeug.datastructures import MultiDict

from service.store import dynamodb as store_module
from service.store.dynamodb import CLIENT_CONFIG
from tests.conftest import all_items
from tests.faults import FAULTS, Faults
from tests.integration.test_api_basics import create_cohort
from tests.integration.test_participant_pages import checked, form_fields

ATTEMPTS = CLIENT_CONFIG.retries["total_max_attempts"]
ANSWERS = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}
FORM_ANSWERS = {"a.q1": "b", "a.q2": ["a", "c"], "a.q3": "d", "d.role": "police"}
EVERY_FAULT = sorted(FAULTS)


@pytest.fixture
def faults(dynamodb, monkeypatch):
    injected = Faults(dynamodb)
    monkeypatch.setattr(botocore.endpoint, "time", injected)  # record backoffs instead of sleeping them
    return injected


@pytest.fixture
def cohort_id(small_client):
    return create_cohort(small_client)["cohort_id"]


def submissions(dynamodb) -> list[dict]:
    return [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]


def post_submission(client, cohort_id, body):
    return client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body, headers={"Accept-Language": "en"})


def new_body() -> dict:
    return {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "en", "answers": ANSWERS}


def test_the_client_makes_three_attempts_with_short_timeouts_inside_api_gateways_limit():
    assert CLIENT_CONFIG.retries == {"mode": "standard", "total_max_attempts": 3}
    per_attempt = CLIENT_CONFIG.connect_timeout + CLIENT_CONFIG.read_timeout
    worst_backoff = 1 + 2  # standard mode, throttling: rand(0, 1) s, then rand(0, 2) s
    assert ATTEMPTS * per_attempt + worst_backoff <= store_module.REQUEST_BUDGET_SECONDS
    # The last attempt may start just before the budget runs out: it still ends inside 25 s (Lambda).
    assert store_module.REQUEST_BUDGET_SECONDS + per_attempt < 25 < 29


@pytest.mark.parametrize("fault", EVERY_FAULT)
def test_a_lasting_fault_is_retried_then_answered_503_with_retry_after_and_a_later_retry_stores_once(
    small_client, cohort_id, dynamodb, faults, fault
):
    body = new_body()
    faults.fail("PutItem", fault, times=ATTEMPTS)
    refused = post_submission(small_client, cohort_id, body)
    assert faults.attempts["PutItem"] == ATTEMPTS and faults.pending("PutItem") == 0
    assert len(faults.backoffs) == ATTEMPTS - 1
    assert all(0 <= delay <= 2**retry for retry, delay in enumerate(faults.backoffs))  # jittered, doubling
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert refused.json["error"]["code"] == "unavailable"
    assert set(refused.json["error"]) == {"code", "message", "fields"}
    stored = submissions(dynamodb)
    # Only a write whose answer was lost reached the table, and then completely.
    assert len(stored) == (1 if fault == "response_lost" else 0)

    later = post_submission(small_client, cohort_id, body)
    assert later.status_code == (200 if fault == "response_lost" else 201)
    assert later.json["score"]["percent"] == 100
    stored = submissions(dynamodb)
    # Stored once, under a keyed hash of the submission id, never the id itself (domain/linkage.py).
    assert len(stored) == 1 and body["submission_id"] not in str(stored[0])


@pytest.mark.parametrize("fault", EVERY_FAULT)
def test_a_passing_fault_is_absorbed_by_the_retries(small_client, cohort_id, dynamodb, faults, fault):
    faults.fail("PutItem", fault, times=ATTEMPTS - 1)
    response = post_submission(small_client, cohort_id, new_body())
    assert faults.attempts["PutItem"] == ATTEMPTS
    # After a lost answer the next attempt meets its own write: a retry, answered with the stored result.
    assert response.status_code == (200 if fault == "response_lost" else 201), response.json
    assert len(submissions(dynamodb)) == 1


@pytest.mark.parametrize("fault", ["provisioned_throughput_exceeded", "internal_server_error", "read_timeout"])
def test_the_phone_form_comes_back_503_with_every_answer_and_the_same_submission(
    small_client, cohort_id, dynamodb, faults, fault
):
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text) | FORM_ANSWERS
    faults.fail("PutItem", fault, times=ATTEMPTS)
    page = small_client.post(f"/c/{cohort_id}", data=fields)
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert checked(page.text) == {("a.q1", "b"), ("a.q2", "a"), ("a.q2", "c"), ("a.q3", "d")}
    assert 'name="d.role" value="police" checked' in page.text
    assert f'name="submission_id" value="{fields["submission_id"]}"' in page.text
    assert re.search(r'<button type="submit">[^<]+</button>', page.text)  # the retry button
    assert "Ваші відповіді ще не надіслано." in page.text
    assert submissions(dynamodb) == []

    again = small_client.post(f"/c/{cohort_id}", data=fields)
    assert again.status_code == 200 and 'class="code"' in again.text
    assert len(submissions(dynamodb)) == 1


@pytest.mark.parametrize("fault", ["throttling", "connect_timeout"])
def test_when_even_the_cohort_cannot_be_read_the_answers_come_back_behind_a_retry_button(
    small_client, cohort_id, dynamodb, faults, fault
):
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text) | FORM_ANSWERS | {"participant_code": ""}
    faults.fail("GetItem", fault, times=ATTEMPTS)
    page = small_client.post(f"/c/{cohort_id}", data=fields)
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    kept = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    expected = [
        (name, value) for name, values in fields.items() for value in ([values] if isinstance(values, str) else values)
    ]
    assert sorted(kept) == sorted(expected)
    assert submissions(dynamodb) == []

    again = small_client.post(f"/c/{cohort_id}", data=MultiDict(kept))
    assert again.status_code == 200 and 'class="code"' in again.text
    assert len(submissions(dynamodb)) == 1


def test_a_post_test_whose_code_cannot_be_checked_comes_back_with_every_answer(
    small_client, cohort_id, dynamodb, faults
):
    """The code's pre-test is looked up before storing (issue 15: unknown codes are refused); when
    that query fails, nothing is stored and the form comes back filled in, to send again."""
    code = post_submission(small_client, cohort_id, new_body()).json["participant_code"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=post").text)
    faults.fail("Query", "service_unavailable", times=ATTEMPTS)
    page = small_client.post(f"/c/{cohort_id}", data=fields | FORM_ANSWERS | {"participant_code": code})
    assert page.status_code == 503 and f'value="{code}"' in page.text
    assert len(submissions(dynamodb)) == 1
    again = small_client.post(f"/c/{cohort_id}", data=fields | FORM_ANSWERS | {"participant_code": code})
    assert again.status_code == 200 and 'class="code"' in again.text


def test_no_attempt_starts_once_the_request_budget_is_spent(small_client, cohort_id, dynamodb, faults, monkeypatch):
    monkeypatch.setattr(store_module, "REQUEST_BUDGET_SECONDS", -1.0)
    response = post_submission(small_client, cohort_id, new_body())
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert faults.attempts["GetItem"] == 0 and faults.attempts["PutItem"] == 0
    monkeypatch.setattr(store_module, "REQUEST_BUDGET_SECONDS", 15.0)
    assert submissions(dynamodb) == []
