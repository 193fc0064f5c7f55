import uuid

import pytest

from tests.conftest import ADMIN, EVALUATOR, all_items

BOTH_OPEN = {"pre": {"open": True}, "post": {"open": True}}


def create_cohort(client, **overrides):
    """A cohort with both tests open (a new cohort opens the pre-test only: test_clean_evidence.py),
    so that tests of other things can send either."""
    body = {"bank_id": "small", "bank_version": "1", "label": "Kyiv, group 1", "region": "Київська область"}
    body |= {"phases": BOTH_OPEN} | overrides
    response = client.post("/api/v1/cohorts", json=body, headers=ADMIN)
    assert response.status_code == 201, response.json
    return response.json


def submit(client, cohort_id, answers, phase="pre", **extra):
    body = {"submission_id": str(uuid.uuid4()), "phase": phase, "language": "uk", "answers": answers} | extra
    return client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body, headers={"Accept-Language": "en"})


def test_healthz_says_ok(small_client):
    assert small_client.get("/healthz").json == {"status": "ok"}


def test_creating_a_cohort_needs_the_admin_token(small_client):
    body = {"bank_id": "small", "bank_version": "1", "label": "x"}
    response = small_client.post("/api/v1/cohorts", json=body)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    wrong = small_client.post("/api/v1/cohorts", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_created_cohort_answers_links_and_a_trainer_token_once(small_client, dynamodb):
    created = create_cohort(small_client)
    assert created["participant_url"] == f"https://assess.example.org/c/{created['cohort_id']}"
    assert created["trainer_url"].endswith(f"/cohorts/{created['cohort_id']}?token={created['trainer_token']}")
    stored = str(all_items(dynamodb))
    assert created["trainer_token"] not in stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bank_id": "small", "bank_version": "9", "label": "x"}, "bank_version"),
        ({"bank_id": "small", "bank_version": "1"}, "label"),
        ({"bank_id": "small", "bank_version": "1", "label": "x", "language": "de"}, "language"),
        ({"bank_id": "small", "bank_version": "1", "label": "x", "colour": "red"}, "colour"),
        ({"bank_id": "small", "bank_version": "1", "label": "x", "phases": {"mid": {"open": True}}}, "phases.mid"),
    ],
)
def test_bad_cohort_bodies_are_refused_naming_the_field(small_client, body, field):
    response = small_client.post("/api/v1/cohorts", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json


def test_errors_have_the_spec_shape_for_unknown_routes_methods_and_bad_json(small_client):
    for response, status in [
        (small_client.get("/api/v1/nothing-here"), 404),
        (small_client.delete("/api/v1/banks"), 405),
        (
            small_client.post(
                "/api/v1/cohorts", data="{not json", headers=ADMIN | {"Content-Type": "application/json"}
            ),
            400,
        ),
    ]:
        assert response.status_code == status
        assert set(response.json["error"]) == {"code", "message", "fields"}


def test_oversized_body_is_refused_with_413_before_parsing(small_client):
    response = small_client.post(
        "/api/v1/cohorts", data="x" * 70_000, headers=ADMIN | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_submission_scores_and_a_retry_with_same_id_stores_once(small_client, dynamodb):
    cohort_id = create_cohort(small_client)["cohort_id"]
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "en", "answers": {"q1": ["b"], "q2": ["a"]}}
    first = small_client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
    again = small_client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json == again.json
    assert first.json["score"]["percent"] == pytest.approx(37.5)
    submissions = [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]
    assert len(submissions) == 1


def test_second_different_submission_for_same_participant_and_phase_is_409_already_sent(small_client, dynamodb):
    cohort_id = create_cohort(small_client)["cohort_id"]
    code = submit(small_client, cohort_id, {"q1": ["b"]}).json["participant_code"]
    again = submit(small_client, cohort_id, {"q1": ["a"]}, participant_code=code)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "already_sent"  # the first one counts
    stored = [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]
    assert [item["answers"]["M"]["q1"]["L"][0]["S"] for item in stored] == ["b"]


def test_answers_to_unknown_questions_or_options_get_422_naming_them(small_client, dynamodb):
    cohort_id = create_cohort(small_client)["cohort_id"]
    response = submit(small_client, cohort_id, {"q1": ["z"], "nope": ["a"]})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "q1": "an option that this question does not have",
        "nope": "no such question in this test",
    }
    assert not [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]


def test_mistyped_code_is_refused_instead_of_creating_an_unpaired_participant(small_client):
    cohort_id = create_cohort(small_client)["cohort_id"]
    code = submit(small_client, cohort_id, {"q1": ["b"]}).json["participant_code"]
    last = "0" if code[-1] != "0" else "1"
    response = submit(small_client, cohort_id, {"q1": ["b"]}, phase="post", participant_code=code[:-1] + last)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"participant_code": "this code looks mistyped"}


def test_closed_phase_refuses_submissions_and_trainer_can_open_it(small_client):
    created = create_cohort(small_client, phases={"post": {"open": False}})
    cohort_id = created["cohort_id"]
    closed = submit(small_client, cohort_id, {"q1": ["b"]}, phase="post")
    assert closed.status_code == 403
    assert closed.json["error"]["code"] == "phase_closed"
    trainer = {"Authorization": f"Bearer {created['trainer_token']}"}
    opened = small_client.patch(
        f"/api/v1/cohorts/{cohort_id}", json={"phases": {"post": {"open": True}}}, headers=trainer
    )
    assert opened.status_code == 200
    assert opened.json["phases"] == {"pre": {"open": True}, "post": {"open": True}, "follow_up": {"open": False}}
    assert submit(small_client, cohort_id, {"q1": ["b"]}, phase="post").status_code == 201


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, EVALUATOR])
def test_unknown_cohort_wrong_and_missing_token_answer_the_same_404(small_client, headers):
    cohort_id = create_cohort(small_client)["cohort_id"]
    for path in (f"/api/v1/cohorts/{cohort_id}/report", "/api/v1/cohorts/doesnotexist/report"):
        response = small_client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found" and response.json["error"]["fields"] == {}


def test_bank_endpoint_never_shows_correct_flags_or_explanations(client):
    listing = client.get("/api/v1/banks").json
    bank_id = listing["banks"][0]["bank_id"]
    for version in listing["banks"][0]["versions"]:
        body = client.get(f"/api/v1/banks/{bank_id}/{version}")
        assert body.status_code == 200
        assert "correct" not in body.text and "explanation" not in body.text
        assert len(body.json["questions"]) >= 15


def test_json_error_messages_follow_accept_language_ukrainian_first(small_client):
    english = small_client.get("/api/v1/cohorts/nosuch/report", headers={"Accept-Language": "en"})
    ukrainian = small_client.get("/api/v1/cohorts/nosuch/report")
    assert english.json["error"]["message"] == "no such cohort"
    assert ukrainian.json["error"]["message"] == "групу не знайдено"


def test_openapi_document_lists_the_endpoints(small_client):
    spec = small_client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/cohorts", "/api/v1/cohorts/{cohort_id}/submissions", "/api/v1/exports/submissions"):
        assert path in spec["paths"]
