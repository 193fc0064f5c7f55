"""A cohort the coordinator closed for good, as a participant's phone and the trainer's laptop show it,
over the real server: the participant sees a plain "ended" page; the trainer keeps the results."""

import json
import urllib.request

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def api(server, method, path, body=None):
    request = urllib.request.Request(
        server["root"] + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {server['admin_token']}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def closed_cohort(server):
    created = api(
        server, "POST", "/api/v1/cohorts", {"bank_id": "online-child-safety", "bank_version": "2", "label": "Lviv, May"}
    )
    rotated = api(server, "POST", f"/api/v1/cohorts/{created['cohort_id']}/trainer-token")
    api(server, "POST", f"/api/v1/cohorts/{created['cohort_id']}/close")
    return created | {"trainer_url": rotated["trainer_url"], "old_trainer_url": created["trainer_url"]}


def test_the_phone_says_the_test_has_ended(closed_cohort, phone):
    page = phone.new_page()
    response = page.goto(closed_cohort["participant_url"])
    assert response.status == 410
    assert page.get_by_role("heading", name="Тестування завершено").count() == 1
    assert page.locator("form").count() == 0
    screenshot(page, "participant-closed-for-good-uk")


def test_the_trainer_keeps_the_results_with_the_new_link_only(closed_cohort, browser):
    laptop = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=False, locale="uk-UA")
    page = laptop.new_page()
    assert page.goto(closed_cohort["old_trainer_url"]).status == 404
    response = page.goto(closed_cohort["trainer_url"])
    assert response.status == 200 and "token=" not in page.url
    assert page.get_by_text("закрив цю групу назавжди").count() == 1
    assert page.locator("form").count() == 0
    screenshot(page, "trainer-closed-for-good-uk")
    laptop.close()
