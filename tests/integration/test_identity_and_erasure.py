"""Issue 13, attack 5 and what a data-protection officer asks: a submission id is no key to a
participant's code, every item expires after the retention period, a cohort can be erased at once,
and closing a cohort for good destroys the key its participants' hashes were made with.
On moto and dynalite."""

from __future__ import annotations

import time
import uuid

import pytest
from click.testing import CliRunner

from service.__main__ import cli
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR, all_items

ANSWERS = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}


def submit(client, cohort_id: str, body: dict):
    return client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body, headers={"Accept-Language": "en"})


@pytest.fixture
def cohort(small_client) -> dict:
    created = small_client.post(
        "/api/v1/cohorts",
        json={"bank_id": "small", "bank_version": "1", "label": "Kyiv", "phases": {"post": {"open": True}}},
        headers=ADMIN,
    )
    assert created.status_code == 201
    return created.json


def test_a_replayed_submission_id_with_other_answers_gets_no_code_and_cannot_take_the_post_test(small_client, cohort):
    """Attack 5 as issue 13 tells it: the id re-sent with `answers: {}` used to return the code and the
    score; with that code the attacker took the victim's post-test first (the victim then got 409)."""
    victim = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ANSWERS}
    first = submit(small_client, cohort["cohort_id"], victim)
    assert first.status_code == 201
    code = first.json["participant_code"]

    replayed = submit(small_client, cohort["cohort_id"], victim | {"answers": {"q1": ["a"]}})
    assert replayed.status_code == 409 and replayed.json["error"]["code"] == "conflict"
    assert code not in replayed.get_data(as_text=True) and "score" not in replayed.json
    blank = submit(small_client, cohort["cohort_id"], victim | {"answers": {}})  # too few answers to be a test
    assert blank.status_code == 422 and code not in blank.get_data(as_text=True)

    # The victim's own retry (the same test sent again) still gets the stored result and code.
    retried = submit(small_client, cohort["cohort_id"], victim)
    assert retried.status_code == 200 and retried.json["participant_code"] == code

    # Without the code nobody takes the victim's post-test: the victim's own goes through.
    post = {"submission_id": str(uuid.uuid4()), "phase": "post", "language": "uk", "answers": ANSWERS}
    assert submit(small_client, cohort["cohort_id"], post | {"participant_code": code}).status_code == 201


@pytest.mark.parametrize(
    "submission_id",
    [
        "00000000-0000-0000-0000-000000000000",  # nil
        str(uuid.uuid1()),  # time-based: guessable
        str(uuid.uuid3(uuid.NAMESPACE_URL, "x")),
        "not-a-uuid",
    ],
)
def test_a_submission_id_that_is_not_a_random_uuid_is_refused_naming_the_field(small_client, cohort, submission_id):
    body = {"submission_id": submission_id, "phase": "pre", "language": "uk", "answers": ANSWERS}
    refused = submit(small_client, cohort["cohort_id"], body)
    assert refused.status_code == 422
    assert "submission_id" in refused.json["error"]["fields"]


def test_the_phone_form_with_a_nil_id_comes_back_with_the_answers_kept(small_client, cohort):
    form = {"submission_id": "00000000-0000-0000-0000-000000000000", "phase": "pre", "lang": "en", "a.q1": "b"}
    page = small_client.post(f"/c/{cohort['cohort_id']}", data=form)
    assert page.status_code == 422
    assert 'name="a.q1" value="b" checked' in page.get_data(as_text=True).replace("\n", " ")


def test_the_submission_id_is_stored_only_as_a_keyed_hash(small_client, cohort, dynamodb):
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ANSWERS}
    assert submit(small_client, cohort["cohort_id"], body).status_code == 201
    stored = [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]
    assert len(stored) == 1
    assert body["submission_id"] not in str(stored) and len(stored[0]["submission_id"]["S"]) == 64


def test_every_item_carries_its_expiry_after_the_retention_period(small_client, cohort, dynamodb):
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ANSWERS}
    assert submit(small_client, cohort["cohort_id"], body).status_code == 201
    two_years = 730 * 86400
    expiries = [int(item["expires_at"]["N"]) for item in all_items(dynamodb) if item["type"]["S"] != "released"]
    assert len(expiries) == 2  # the cohort and the submission
    assert all(abs(expiry - (time.time() + two_years)) < 120 for expiry in expiries)


def test_the_retention_period_is_a_setting(monkeypatch):
    from service.settings import Settings, SettingsError

    assert Settings.from_environment(ENVIRONMENT | {"ASSESS_RETENTION_DAYS": "90"}).retention_days == 90
    with pytest.raises(SettingsError, match="ASSESS_RETENTION_DAYS"):
        Settings.from_environment(ENVIRONMENT | {"ASSESS_RETENTION_DAYS": "0"})


def test_deleting_a_cohort_erases_every_item_and_every_route_answers_404(small_client, cohort, dynamodb):
    cohort_id = cohort["cohort_id"]
    for _ in range(3):
        body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ANSWERS}
        assert submit(small_client, cohort_id, body).status_code == 201
    trainer = {"Authorization": f"Bearer {cohort['trainer_token']}"}
    assert small_client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=trainer).status_code == 200

    assert small_client.delete(f"/api/v1/cohorts/{cohort_id}", headers=EVALUATOR).status_code == 401
    deleted = small_client.delete(f"/api/v1/cohorts/{cohort_id}", headers=ADMIN)
    assert deleted.status_code == 204 and deleted.get_data() == b""

    assert not [item for item in all_items(dynamodb) if item["pk"]["S"] == f"COHORT#{cohort_id}"]
    assert small_client.get(f"/c/{cohort_id}").status_code == 404
    assert small_client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=trainer).status_code == 404
    assert small_client.get(f"/cohorts/{cohort_id}?token={cohort['trainer_token']}").status_code == 404
    assert small_client.get(f"/api/v1/reports?cohort_id={cohort_id}", headers=EVALUATOR).status_code == 404
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ANSWERS}
    assert submit(small_client, cohort_id, body).status_code == 404
    assert small_client.delete(f"/api/v1/cohorts/{cohort_id}", headers=ADMIN).status_code == 404


def test_the_command_line_asks_before_it_deletes_unless_told_yes(small_client, cohort, dynamodb, monkeypatch):
    monkeypatch.setenv("ASSESS_DYNAMODB_ENDPOINT", dynamodb.meta.endpoint_url)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    cohort_id = cohort["cohort_id"]

    declined = CliRunner().invoke(cli, ["cohorts", "delete", cohort_id], input="n\n")
    assert declined.exit_code != 0 and "Erase cohort" in declined.output
    assert any(item["pk"]["S"] == f"COHORT#{cohort_id}" for item in all_items(dynamodb))

    confirmed = CliRunner().invoke(cli, ["cohorts", "delete", cohort_id], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert not any(item["pk"]["S"] == f"COHORT#{cohort_id}" for item in all_items(dynamodb))
    assert CliRunner().invoke(cli, ["cohorts", "delete", cohort_id, "--yes"]).exit_code != 0  # gone


def test_after_closing_no_code_can_be_tested_against_the_stored_hashes(small_app, small_client, cohort, dynamodb):
    from service import submissions

    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ANSWERS}
    code = submit(small_client, cohort["cohort_id"], body).json["participant_code"]
    services = small_app.extensions["assess"]
    opened = services.store.get_cohort(cohort["cohort_id"])
    assert submissions.participant_history(services, opened, code)  # while open, the code finds its test
    assert small_client.post(f"/api/v1/cohorts/{cohort['cohort_id']}/close", headers=ADMIN).status_code == 200
    closed = services.store.get_cohort(cohort["cohort_id"])
    assert closed.linkage_salt is None
    assert submissions.participant_history(services, closed, code) == {}  # the key is gone, for everyone
    assert small_client.get(f"/api/v1/reports?cohort_id={cohort['cohort_id']}", headers=EVALUATOR).status_code == 200
