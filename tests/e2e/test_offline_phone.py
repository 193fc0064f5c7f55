"""The phone page on a bad network, in Debian's headless Chromium with JavaScript on
(service/static/js/participant.js): answers survive going offline and a reload, a send that fails for
lack of network goes again when the connection is back, and the stored result is the one answered,
stored once. Without JavaScript the same page is a plain form (tests/e2e/test_phone_browser.py)."""

from __future__ import annotations

import re

import pytest

from bench.served import create_cohort
from tests.e2e.conftest import screenshot
from tests.e2e.test_concurrency import stored_submissions

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
SEND = re.compile("Надіслати відповіді")
NO_CONNECTION = "Немає з’єднання"


@pytest.fixture
def phone_with_js(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk-UA")
    yield context
    context.close()


@pytest.fixture
def cohort(server) -> dict:
    return create_cohort(server["root"], server["admin_token"], label="offline")


def choose(page, questions: list, option: int) -> dict[str, list[str]]:
    """Tap option `option` of each question; return what was chosen, as the store keeps it."""
    chosen = {}
    for fieldset in questions:
        fieldset.locator("label").nth(option).click()
        box = fieldset.locator("input").nth(option)
        chosen[box.get_attribute("name")[2:]] = [box.get_attribute("value")]
    return chosen


def stored_answers(item: dict) -> dict[str, list[str]]:
    return {question: [o["S"] for o in value["L"]] for question, value in item["answers"]["M"].items()}


def test_answers_survive_going_offline_and_a_reload_and_are_stored_once(server, cohort, phone_with_js):
    page = phone_with_js.new_page()
    page.goto(cohort["participant_url"] + "?phase=pre")
    submission_id = page.locator("input[name=submission_id]").input_value()
    questions = page.locator("fieldset[id^=q-]").all()
    half = len(questions) // 2
    answered = choose(page, questions[:half], 1)

    phone_with_js.set_offline(True)
    answered |= choose(page, questions[half:], 2)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.reload()
    phone_with_js.set_offline(False)
    page.goto(cohort["participant_url"] + "?phase=pre")

    assert page.locator("input[name=submission_id]").input_value() == submission_id
    assert page.locator("#restored-note").is_visible()
    for question, (option,) in answered.items():
        assert page.locator(f"input[name='a.{question}'][value='{option}']").is_checked()
    page.locator("#restored-note").scroll_into_view_if_needed()
    screenshot(page, "participant-restored-after-offline")
    page.get_by_role("button", name=SEND).click()
    page.locator("#participant-code").wait_for()

    stored = stored_submissions(server, cohort["cohort_id"])
    assert len(stored) == 1
    assert submission_id not in str(stored[0])  # the id is kept only as a keyed hash
    assert stored_answers(stored[0]) == answered
    page.goto(cohort["participant_url"] + "?phase=pre")
    assert not page.locator("#restored-note").count()  # sent: nothing is restored any more


def test_a_send_without_network_goes_again_when_the_connection_is_back(server, cohort, phone_with_js):
    page = phone_with_js.new_page()
    page.goto(cohort["participant_url"] + "?phase=pre")
    answered = choose(page, page.locator("fieldset[id^=q-]").all(), 0)
    phone_with_js.set_offline(True)
    page.get_by_role("button", name=SEND).click()
    note = page.locator("#connection-note", has_text=NO_CONNECTION)
    note.wait_for()
    note.scroll_into_view_if_needed()
    screenshot(page, "participant-offline-send")
    assert stored_submissions(server, cohort["cohort_id"]) == []

    phone_with_js.set_offline(False)  # the page hears `online` and sends the same request again
    page.locator("#participant-code").wait_for(timeout=30_000)
    stored = stored_submissions(server, cohort["cohort_id"])
    assert len(stored) == 1 and stored_answers(stored[0]) == answered


def test_an_answer_lost_on_the_way_back_is_sent_again_and_stored_once(server, cohort, phone_with_js):
    page = phone_with_js.new_page()
    page.goto(cohort["participant_url"] + "?phase=pre")
    choose(page, page.locator("fieldset[id^=q-]").all(), 1)
    lost = []

    def lose_the_first_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch())  # the server stores it; the phone never hears back
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r".*/c/[^/?]+(\?.*)?$"), lose_the_first_answer)
    page.get_by_role("button", name=SEND).click()
    page.locator("#connection-note", has_text=NO_CONNECTION).wait_for()
    assert len(stored_submissions(server, cohort["cohort_id"])) == 1
    page.get_by_role("button", name=SEND).click()  # the participant tries again
    code = page.locator("#participant-code")
    code.wait_for()
    assert lost[0].status == 200 and code.inner_text() in lost[0].text()
    assert len(stored_submissions(server, cohort["cohort_id"])) == 1
