"""The trainer's cohort page: reached by the secret link, which moves into a cookie."""

import uuid

from tests.integration.test_api_basics import create_cohort


def trainer_login(client, created):
    path = created["trainer_url"].removeprefix("https://assess.example.org")
    return client.get(path)


def test_trainer_link_sets_a_strict_httponly_cookie_and_redirects_without_the_secret(small_client):
    created = create_cohort(small_client)
    response = trainer_login(small_client, created)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cohorts/{created['cohort_id']}"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and f"Path=/cohorts/{created['cohort_id']}" in cookie
    assert "Max-Age" not in cookie and "Expires" not in cookie  # a session cookie, gone with the browser


def test_cohort_page_shows_counts_scores_and_the_participant_qr_code(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    for answers in ({"q1": ["b"]}, {"q1": ["a"], "q3": ["d"]}):
        body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": answers}
        assert small_client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body).status_code == 201
    trainer_login(small_client, created)
    page = small_client.get(f"/cohorts/{cohort_id}")
    assert page.status_code == 200
    assert "<svg" in page.text and f"https://assess.example.org/c/{cohort_id}" in page.text
    assert '<meta http-equiv="refresh"' in page.text
    assert "37.5%" in page.text  # mean of 25% and 50%
    assert "Question q1 (uk)" in page.text


def test_trainer_closes_and_opens_a_phase_from_the_page(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    trainer_login(small_client, created)
    closed = small_client.post(f"/cohorts/{cohort_id}/phases", data={"phase": "post", "open": "0"})
    assert closed.status_code == 303
    participant = small_client.get(f"/c/{cohort_id}?phase=post")
    assert 'name="phase" value="pre"' in participant.text
    small_client.post(f"/cohorts/{cohort_id}/phases", data={"phase": "pre", "open": "0"})
    assert small_client.get(f"/c/{cohort_id}").status_code == 403
    small_client.post(f"/cohorts/{cohort_id}/phases", data={"phase": "post", "open": "1"})
    assert 'name="phase" value="post"' in small_client.get(f"/c/{cohort_id}").text


def test_wrong_or_missing_trainer_secret_looks_like_an_unknown_cohort(small_app):
    created = create_cohort(small_app.test_client())
    cohort_id = created["cohort_id"]
    stranger = small_app.test_client()
    for path in (f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}?token=wrong", "/cohorts/nosuchcohort?token=wrong"):
        assert stranger.get(path).status_code == 404
    assert stranger.post(f"/cohorts/{cohort_id}/phases", data={"phase": "pre", "open": "0"}).status_code == 404
