"""The coordinator's controls over a cohort: a new trainer secret, and closing it for good."""

from __future__ import annotations

import uuid

import pytest

from service.settings import token_sha256
from tests.conftest import ADMIN, EVALUATOR, all_items
from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_participant_pages import form_fields


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_rotated_trainer_token_is_shown_once_and_the_old_one_stops_working(small_client, dynamodb):
    created = create_cohort(small_client)
    cohort_id, old = created["cohort_id"], created["trainer_token"]
    assert small_client.get(f"/cohorts/{cohort_id}?token={old}").status_code == 303  # a trainer's browser
    rotated = small_client.post(f"/api/v1/cohorts/{cohort_id}/trainer-token", headers=ADMIN)
    assert rotated.status_code == 200
    new = rotated.json["trainer_token"]
    assert rotated.json == {
        "cohort_id": cohort_id,
        "trainer_url": f"https://assess.example.org/cohorts/{cohort_id}?token={new}",
        "trainer_token": new,
    }
    assert small_client.get(f"/cohorts/{cohort_id}").status_code == 404  # the old cookie
    assert small_client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=bearer(old)).status_code == 404
    assert small_client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=bearer(new)).status_code == 200
    assert small_client.get(f"/cohorts/{cohort_id}?token={new}").status_code == 303
    stored = str(all_items(dynamodb))
    assert new not in stored and old not in stored and token_sha256(new) in stored


def test_only_the_coordinator_rotates_and_an_unknown_cohort_is_404_for_them(small_client):
    created = create_cohort(small_client)
    path = f"/api/v1/cohorts/{created['cohort_id']}/trainer-token"
    assert small_client.post(path, headers=bearer(created["trainer_token"])).status_code == 401
    assert small_client.post(path, headers=EVALUATOR).status_code == 401
    assert small_client.post("/api/v1/cohorts/nosuchcohort/trainer-token", headers=ADMIN).status_code == 404


@pytest.fixture
def closed(small_client):
    created = create_cohort(small_client)
    code = submit(small_client, created["cohort_id"], {"q1": ["b"]}).json["participant_code"]
    response = small_client.post(f"/api/v1/cohorts/{created['cohort_id']}/close", headers=ADMIN)
    assert response.status_code == 200
    return created | {"code": code, "closed": response.json}


def test_closing_closes_both_phases_and_says_when(closed):
    assert closed["closed"]["closed"] is True
    assert closed["closed"]["phases"] == {"pre": {"open": False}, "post": {"open": False}, "follow_up": {"open": False}}
    assert len(closed["closed"]["closed_at"]) == len("2026-05-04T10:15Z")


def test_a_closed_cohort_refuses_json_submissions_with_409_in_the_spec_shape(small_client, closed):
    response = submit(small_client, closed["cohort_id"], {"q1": ["b"]}, phase="post", participant_code=closed["code"])
    assert response.status_code == 409
    assert response.json == {
        "error": {"code": "cohort_closed", "message": "this cohort is closed for good", "fields": {}}
    }


def test_the_participant_page_says_clearly_that_the_test_has_ended(small_client, closed):
    page = small_client.get(f"/c/{closed['cohort_id']}")
    assert page.status_code == 410
    assert "Тестування завершено" in page.text and "<form" not in page.text
    english = small_client.get(f"/c/{closed['cohort_id']}?lang=en")
    assert "This test has ended" in english.text


def test_a_form_sent_after_closing_gets_the_same_page_and_nothing_is_stored(small_client, closed, dynamodb):
    fields = {"submission_id": str(uuid.uuid4()), "phase": "pre", "lang": "uk", "a.q1": "b"}
    page = small_client.post(f"/c/{closed['cohort_id']}", data=fields)
    assert page.status_code == 410 and "Тестування завершено" in page.text
    assert len([item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]) == 1


def test_no_phase_opens_again_and_closing_again_keeps_the_first_time(small_client, closed):
    cohort_id = closed["cohort_id"]
    reopened = small_client.patch(
        f"/api/v1/cohorts/{cohort_id}",
        json={"phases": {"pre": {"open": True}}},
        headers=bearer(closed["trainer_token"]),
    )
    assert reopened.status_code == 409 and reopened.json["error"]["code"] == "cohort_closed"
    again = small_client.post(f"/api/v1/cohorts/{cohort_id}/close", headers=ADMIN)
    assert again.status_code == 200 and again.json["closed_at"] == closed["closed"]["closed_at"]


def test_the_trainer_still_sees_the_results_without_phase_buttons(small_client, closed):
    cohort_id = closed["cohort_id"]
    small_client.get(f"/cohorts/{cohort_id}?token={closed['trainer_token']}")
    page = small_client.get(f"/cohorts/{cohort_id}")
    assert page.status_code == 200 and "назавжди" in page.text
    assert 'name="phase"' not in page.text and '<meta http-equiv="refresh"' not in page.text
    assert small_client.post(f"/cohorts/{cohort_id}/phases", data={"phase": "pre", "open": "1"}).status_code == 409
    report = small_client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=bearer(closed["trainer_token"]))
    assert report.json["phases"]["pre"]["n"] == 1


def test_a_closed_cohorts_results_stay_in_exports(small_client, closed):
    exported = small_client.get(f"/api/v1/exports/submissions?cohort_id={closed['cohort_id']}", headers=EVALUATOR)
    # the one row is still the export's: withheld as a group under k (issue 13), and counted
    assert exported.status_code == 200 and exported.headers["X-Export-Withheld-Rows"] == "1"


def test_only_the_coordinator_closes(small_client):
    created = create_cohort(small_client)
    path = f"/api/v1/cohorts/{created['cohort_id']}/close"
    for headers in ({}, bearer(created["trainer_token"]), EVALUATOR):
        assert small_client.post(path, headers=headers).status_code == 401
    assert small_client.get(f"/c/{created['cohort_id']}").status_code == 200


def test_a_form_page_opened_before_closing_loses_nothing_but_cannot_be_sent(small_client):
    created = create_cohort(small_client)
    fields = form_fields(small_client.get(f"/c/{created['cohort_id']}?phase=pre").text)
    small_client.post(f"/api/v1/cohorts/{created['cohort_id']}/close", headers=ADMIN)
    assert small_client.post(f"/c/{created['cohort_id']}", data=fields | {"a.q1": "b"}).status_code == 410
