"""The trainer's cohort page: reached by the secret link, which moves into a cookie."""

import dataclasses
import uuid

import pytest

from service.settings import Settings
from service.web import links
from tests.conftest import ENVIRONMENT
from tests.integration.test_api_basics import create_cohort


@pytest.fixture
def settings():
    """These tests are about the page and its charts with hand-countable classes, so every figure
    is shown from one participant on (k = 1); disclosure control is tested in test_insider_attacks."""
    return dataclasses.replace(Settings.from_environment(dict(ENVIRONMENT)), k_anonymity=1)


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


def test_a_trainer_link_from_another_site_answers_a_page_that_goes_on_without_the_secret(small_client):
    """A browser withholds SameSite=Strict cookies all along a navigation another site started
    (tests/e2e/test_trainer_link_from_another_site.py): no redirect there, a page of ours goes on."""
    created = create_cohort(small_client)
    cohort_id, token = created["cohort_id"], created["trainer_token"]
    path = created["trainer_url"].removeprefix("https://assess.example.org")
    response = small_client.get(path, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200 and "Location" not in response.headers
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and f"Path=/cohorts/{cohort_id}" in cookie
    assert f'<meta http-equiv="refresh" content="0; url=/cohorts/{cohort_id}">' in response.text
    assert token not in response.text and "no-store" in response.headers["Cache-Control"]
    assert small_client.get(f"/cohorts/{cohort_id}").status_code == 200
    for direct in ("none", "same-origin"):
        assert small_client.get(path, headers={"Sec-Fetch-Site": direct}).status_code == 303
    stranger = small_client.application.test_client()
    wrong = stranger.get(f"/cohorts/{cohort_id}?token=wrong", headers={"Sec-Fetch-Site": "cross-site"})
    assert wrong.status_code == 404 and "Set-Cookie" not in wrong.headers


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
    assert 'http-equiv="refresh"' not in page.text  # the script refreshes in place; a link does without it
    assert "/static/js/trainer.js" in page.text and ">Оновити зараз</a>" in page.text
    assert "37,5%" in page.text  # mean of 25% and 50%, with the Ukrainian decimal comma
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


def test_live_json_answers_the_trainer_cookie_with_the_report_and_the_pages_live_parts(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    trainer_login(small_client, created)
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": {"q1": ["b"]}}
    small_client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
    live = small_client.get(f"/cohorts/{cohort_id}/live.json")
    assert live.status_code == 200 and "no-store" in live.headers["Cache-Control"]
    assert live.json["open"] == ["pre", "post"]
    assert live.json["report"]["phases"]["pre"]["n"] == 1
    assert "<b>1</b>тест до навчання" in live.json["html"]["counts"]  # 1 тест, 2 тести, 5 тестів
    assert set(live.json["html"]) == {"headline", "counts", "capacity", "analysis", "answered"}


def test_an_unchanged_live_view_is_an_empty_304_and_a_submission_changes_it(small_client, monkeypatch):
    """Issue 14: the trainer's and the projector's tabs poll every 10 s; an unchanged view costs no
    report, no charts and no body."""
    from service.web import trainer

    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    trainer_login(small_client, created)
    first = small_client.get(f"/cohorts/{cohort_id}/live.json")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag

    def rendered(*_):
        raise AssertionError("an unchanged view was computed again")

    with monkeypatch.context() as patched:
        patched.setattr(trainer, "_live_context", rendered)
        again = small_client.get(f"/cohorts/{cohort_id}/live.json", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert "no-store" in again.headers["Cache-Control"]

    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": {"q1": ["b"]}}
    small_client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
    changed = small_client.get(f"/cohorts/{cohort_id}/live.json", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "<b>1</b>" in changed.json["html"]["counts"]
    english = small_client.get(
        f"/cohorts/{cohort_id}/live.json?lang=en", headers={"If-None-Match": changed.headers["ETag"]}
    )
    assert english.status_code == 200  # another language, another view


def test_a_live_poll_does_not_draw_the_qr_code_it_does_not_show(small_client, monkeypatch):
    created = create_cohort(small_client)
    trainer_login(small_client, created)

    def drawn(url):
        raise AssertionError("the QR code was drawn for a live poll")

    monkeypatch.setattr(links, "qr_svg", drawn)
    assert small_client.get(f"/cohorts/{created['cohort_id']}/live.json").status_code == 200


def test_live_json_without_the_trainer_cookie_is_not_found(small_app):
    created = create_cohort(small_app.test_client())
    stranger = small_app.test_client()
    response = stranger.get(f"/cohorts/{created['cohort_id']}/live.json")
    assert response.status_code == 404
    assert created["trainer_token"] not in response.text


def test_projector_view_shows_a_large_qr_code_the_short_link_and_the_counts(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    trainer_login(small_client, created)
    page = small_client.get(f"/cohorts/{cohort_id}/projector?lang=en")
    assert page.status_code == 200
    assert 'class="projector"' in page.text and '<svg role="img"' in page.text
    assert f">assess.example.org/c/{cohort_id}</a>" in page.text
    assert "<b>0</b>tests before the training" in page.text
    assert small_app_cookie(small_client) == "en"


def small_app_cookie(client) -> str | None:
    cookie = client.get_cookie("lang")
    return cookie.value if cookie else None
