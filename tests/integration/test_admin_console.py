"""The coordinator console, through its real pages and forms (Flask client + moto)."""

import re
import uuid

import pytest

from service import operations
from service.web.admin import PAGE_SIZE
from tests.conftest import ENVIRONMENT, all_items

TOKEN = ENVIRONMENT["ASSESS_ADMIN_TOKEN"]
COHORT_FORM = {
    "bank": "online-child-safety@2",
    "label": "Vinnytsia, police, 12 March",
    "region": "Вінницька область",
    "language": "uk",
    "open_pre": "1",
    "open_post": "1",
}


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def console(client):
    """A browser logged into the console; `console.csrf` is the value its forms carry."""
    response = client.post("/admin/login", data={"token": TOKEN})
    assert response.status_code == 303
    client.csrf = csrf_of(client.get("/admin"))
    return client


def create(console, **fields):
    page = console.post("/admin/cohorts", data=COHORT_FORM | {"csrf": console.csrf} | fields)
    assert page.status_code == 200, page.text
    links = dict(re.findall(r"(/c/|/cohorts/)([a-z0-9]+)", page.text))
    trainer_url = re.search(r'id="trainer-link"[^>]* value="([^"]+)"', page.text).group(1)
    return links["/c/"], trainer_url, page


def test_the_console_needs_a_login_and_sets_a_strict_httponly_session_cookie(client):
    assert client.get("/admin").headers["Location"] == "/admin/login"
    refused = client.post("/admin/login", data={"token": "not-the-token"})
    assert refused.status_code == 401 and "Set-Cookie" not in refused.headers
    response = client.post("/admin/login", data={"token": TOKEN})
    cookie = response.headers["Set-Cookie"]
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert TOKEN not in cookie
    assert client.get("/admin").status_code == 200


def test_a_forged_or_foreign_session_cookie_is_not_a_login(app):
    stranger = app.test_client()
    stranger.set_cookie("admin_session", "eyJjc3JmIjoieCJ9.forged.signature", path="/admin")
    assert stranger.get("/admin").status_code == 303


def test_every_form_needs_the_sessions_csrf_value(console):
    cohort_id, _, _ = create(console)
    for path in ("/admin/cohorts", f"/admin/cohorts/{cohort_id}/phases", f"/admin/cohorts/{cohort_id}/close"):
        assert console.post(path, data=COHORT_FORM | {"phase": "pre", "open": "0", "confirm": "yes"}).status_code == 403
        assert console.post(path, data=COHORT_FORM | {"csrf": "guess", "confirm": "yes"}).status_code == 403
    assert "Closed for good" not in console.get(f"/admin/cohorts/{cohort_id}", headers={"Accept-Language": "en"}).text


def test_creating_a_cohort_shows_the_participant_link_qr_code_and_the_trainer_link_once(console, dynamodb):
    cohort_id, trainer_url, page = create(console, shuffle="1", open_post="")
    assert f"https://assess.example.org/c/{cohort_id}" in page.text and "<svg" in page.text
    assert 'data-copy="trainer-link"' in page.text and "/static/js/admin.js" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    token = trainer_url.split("token=")[1]
    assert token not in str(all_items(dynamodb))
    assert token not in console.get(f"/admin/cohorts/{cohort_id}").text  # shown once
    stored = next(item for item in all_items(dynamodb) if item["sk"]["S"] == "COHORT")
    assert stored["region"]["S"] == "Вінницька область" and stored["shuffle"]["BOOL"] is True
    assert stored["phases"]["M"]["post"]["M"]["open"]["BOOL"] is False
    trainer = console.application.test_client()
    assert trainer.get(trainer_url.removeprefix("https://assess.example.org")).status_code == 303


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": "  "}, "Give the cohort a name"),
        ({"bank": "online-child-safety@99"}, "Choose a published question bank"),
        ({"region": "Atlantis"}, "Choose a region from the list"),
    ],
)
def test_a_wrong_cohort_form_comes_back_filled_in_with_the_problem(console, fields, message):
    page = console.post(
        "/admin/cohorts", data=COHORT_FORM | {"csrf": console.csrf} | fields, headers={"Accept-Language": "en"}
    )
    assert page.status_code == 422 and message in page.text
    assert 'value="1" checked' in page.text  # what was filled in stays


def test_the_list_is_newest_first_with_counts_and_pages_through_the_index(console, monkeypatch):
    minutes = iter(range(60))
    monkeypatch.setattr(operations, "now_to_the_minute", lambda: f"2026-03-12T09:{next(minutes):02d}Z")
    ids = [create(console, label=f"Group {n}")[0] for n in range(PAGE_SIZE + 3)]
    bank = console.application.extensions["assess"].banks.get("online-child-safety", "2")
    answered = {q.id: [q.options[0].id] for q in bank.questions}
    for code_answers in ({"phase": "pre"}, {"phase": "pre"}):
        body = {"submission_id": str(uuid.uuid4()), "language": "uk", "answers": answered} | code_answers
        assert console.post(f"/api/v1/cohorts/{ids[-1]}/submissions", json=body).status_code == 201
    first = console.get("/admin", headers={"Accept-Language": "en"})
    labels = re.findall(r'<td><a href="/admin/cohorts/[a-z0-9]+">([^<]+)</a>', first.text)
    assert labels == [f"Group {n}" for n in reversed(range(3, PAGE_SIZE + 3))]
    row = re.search(rf'{ids[-1]}">Group {PAGE_SIZE + 2}</a>.*?</tr>', first.text, re.S).group(0)
    assert re.findall(r'<td class="n"[^>]*>(\d+)</td>', row) == ["2", "0", "0"]
    older = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = console.get(older)
    assert set(re.findall(r'<td><a href="/admin/cohorts/[a-z0-9]+">([^<]+)</a>', second.text)) == {
        "Group 0",
        "Group 1",
        "Group 2",
    }
    assert 'rel="next"' not in second.text
    assert console.get("/admin?after=nonsense").status_code == 422


def test_phases_open_and_close_from_the_cohort_page(console):
    cohort_id, _, _ = create(console)
    console.post(f"/admin/cohorts/{cohort_id}/phases", data={"csrf": console.csrf, "phase": "pre", "open": "0"})
    console.post(f"/admin/cohorts/{cohort_id}/phases", data={"csrf": console.csrf, "phase": "post", "open": "0"})
    assert console.get(f"/c/{cohort_id}").status_code == 403
    console.post(f"/admin/cohorts/{cohort_id}/phases", data={"csrf": console.csrf, "phase": "post", "open": "1"})
    assert 'name="phase" value="post"' in console.get(f"/c/{cohort_id}").text


def test_a_new_trainer_link_replaces_the_old_one_at_once(console, app):
    cohort_id, old_url, _ = create(console)
    page = console.post(f"/admin/cohorts/{cohort_id}/trainer-link", data={"csrf": console.csrf})
    new_url = re.search(r'id="trainer-link"[^>]* value="([^"]+)"', page.text).group(1)
    assert new_url != old_url
    trainer = app.test_client()
    assert trainer.get(old_url.removeprefix("https://assess.example.org")).status_code == 404
    assert trainer.get(new_url.removeprefix("https://assess.example.org")).status_code == 303


def test_closing_for_good_needs_a_confirmation_and_then_refuses_participants_and_reopening(console):
    cohort_id, _, _ = create(console)
    unconfirmed = console.post(f"/admin/cohorts/{cohort_id}/close", data={"csrf": console.csrf})
    assert unconfirmed.status_code == 422 and console.get(f"/c/{cohort_id}").status_code == 200
    closed = console.post(f"/admin/cohorts/{cohort_id}/close", data={"csrf": console.csrf, "confirm": "yes"})
    assert closed.status_code == 303
    page = console.get(f"/admin/cohorts/{cohort_id}", headers={"Accept-Language": "en"})
    assert "Closed for good on" in page.text and "/phases" not in page.text
    assert console.get(f"/c/{cohort_id}").status_code == 410  # the "test has ended" page (issue 4)
    reopen = console.post(
        f"/admin/cohorts/{cohort_id}/phases", data={"csrf": console.csrf, "phase": "pre", "open": "1"}
    )
    assert reopen.status_code == 409


def test_bank_preview_shows_both_languages_correct_answers_and_the_diff_to_the_previous_version(console):
    listing = console.get("/admin/banks", headers={"Accept-Language": "en"})
    assert "/admin/banks/online-child-safety/1" in listing.text and "/admin/banks/online-child-safety/2" in listing.text
    page = console.get("/admin/banks/online-child-safety/2", headers={"Accept-Language": "en"}).text
    assert "Changes since version 1" in page
    assert "18 of 21 questions can be compared with version 1" in page
    assert re.search(r"q-grooming-signs</code></a></td>\s*<td>options reworded \(d\)</td>\s*<td>no</td>", page)
    assert "new question" in page and "q-evidence-csam-screenshots" in page
    assert 'lang="uk"' in page and 'lang="en"' in page and "✓ correct" in page
    assert "Що таке онлайн-грумінг?" in page and "What is online grooming?" in page
    assert "Changes since" not in console.get("/admin/banks/online-child-safety/1").text
    assert console.get("/admin/banks/online-child-safety/9").status_code == 404


def test_the_bank_preview_is_for_coordinators_only(client):
    assert client.get("/admin/banks/online-child-safety/2").status_code == 303


def test_the_console_speaks_ukrainian_and_remembers_a_switch_to_english(console):
    assert "Групи" in console.get("/admin", headers={"Accept-Language": "uk"}).text
    switched = console.get("/admin?lang=en")
    assert "Cohorts" in switched.text and "lang=en" in switched.headers["Set-Cookie"]
