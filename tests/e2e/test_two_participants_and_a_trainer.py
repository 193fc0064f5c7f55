"""The story of a class, in Debian's headless Chromium at phone size: one participant takes the
pre-test in Ukrainian, another in English; the trainer's page shows both; both take the post-test,
one with the code the phone remembered, the other typing it by hand on another phone; the trainer's
page follows without being reloaded."""

import re

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.pages import answer_every_question, api, code_on_page, new_cohort, send

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}}


def counts(page) -> list[str]:
    return [text.strip() for text in page.locator(".stat b").all_inner_texts()]


def live_requests(page) -> list[str]:
    seen = []
    page.on("request", lambda request: seen.append(request.url) if "live.json" in request.url else None)
    return seen


def test_two_participants_and_the_trainer_page_that_follows_them(browser, server):
    cohort = new_cohort(server, "Kyiv, group 7", phases={"pre": {"open": True}, "post": {"open": False}})
    participant_url = cohort["participant_url"]

    trainer_context = browser.new_context(viewport={"width": 1366, "height": 768})
    trainer = trainer_context.new_page()
    trainer.clock.install()
    trainer.goto(cohort["trainer_url"])
    polled = live_requests(trainer)
    assert counts(trainer) == ["0", "0", "0"]
    trainer.evaluate("() => { window.notReloaded = true; }")

    # Olena: Ukrainian, JavaScript off, answers all but one, is told, sends anyway.
    olena_phone = browser.new_context(**PHONE, java_script_enabled=False, locale="uk-UA")
    olena = olena_phone.new_page()
    olena.goto(participant_url)
    assert olena.locator("html").get_attribute("lang") == "uk"
    answer_every_question(olena, choose_first=False, leave_out=1)
    send(olena, "uk")
    assert olena.get_by_text("1 питання ще без відповіді:").is_visible()
    assert olena.locator("fieldset.missing").count() == 1
    screenshot(olena, "story-unanswered-uk")
    olena.get_by_role("button", name="Надіслати без цих відповідей").click()
    olena_code = code_on_page(olena)
    assert olena.locator("#copy-code").is_hidden()  # no JavaScript: the code is plain selectable text
    screenshot(olena, "story-pre-result-uk")

    # Dmytro: English browser, JavaScript on; copies his code with the button.
    dmytro_phone = browser.new_context(**PHONE, locale="en-GB")
    dmytro_phone.grant_permissions(["clipboard-read", "clipboard-write"])
    dmytro = dmytro_phone.new_page()
    dmytro.goto(participant_url + "?lang=en")
    answer_every_question(dmytro)
    send(dmytro, "en")
    dmytro_code = code_on_page(dmytro)
    dmytro.get_by_role("button", name="Copy").click()
    dmytro.get_by_role("status").get_by_text("Copied").wait_for()
    assert dmytro.evaluate("() => navigator.clipboard.readText()") == dmytro_code
    screenshot(dmytro, "story-pre-result-en")

    trainer.clock.run_for(10_500)
    trainer.wait_for_function("() => document.querySelector('.stat b').textContent.trim() === '2'")
    assert counts(trainer) == ["2", "0", "0"]
    assert trainer.get_by_text("тести до навчання").is_visible()  # 2 тести (1 тест, 5 тестів)

    # After the training the post-test starts (which closes the pre-test; here from the coordinator's
    # API, so that the trainer's page stays as it is and keeps polling).
    after = {"phases": {"pre": {"open": False}, "post": {"open": True}}}
    api(server, f"/api/v1/cohorts/{cohort['cohort_id']}", after, method="PATCH")
    # The post-test: Olena's phone remembers her code; Dmytro types his on a borrowed phone.
    olena.goto(participant_url)
    assert olena.locator("#participant_code").input_value() == olena_code
    screenshot(olena, "story-post-uk")
    answer_every_question(olena)
    send(olena, "uk")
    assert code_on_page(olena) == olena_code
    assert olena.get_by_text("До і після навчання", exact=True).is_visible()
    screenshot(olena, "story-post-result-uk")

    borrowed_phone = browser.new_context(**PHONE, java_script_enabled=False)
    borrowed = borrowed_phone.new_page()
    borrowed.goto(participant_url + "?phase=post&lang=en")
    assert borrowed.locator("#participant_code").input_value() == ""
    borrowed.locator("#participant_code").fill(dmytro_code.lower().replace("-", ""))
    answer_every_question(borrowed)
    send(borrowed, "en")
    assert code_on_page(borrowed) == dmytro_code
    assert borrowed.get_by_text("Before and after the training", exact=True).is_visible()
    assert re.search(r"[+−]?\d+ percentage points?", borrowed.locator("table").first.inner_text())

    trainer.clock.run_for(10_500)
    trainer.wait_for_function("() => document.querySelectorAll('.stat b')[2].textContent.trim() === '2'")
    assert counts(trainer) == ["2", "2", "2"]
    assert trainer.evaluate("() => window.notReloaded") is True
    assert len(polled) >= 2
    screenshot(trainer, "story-trainer-uk")

    # Nothing changes now (issue 14): each poll is answered with an empty 304, the page stays as it is,
    # and each unchanged answer stretches the wait by half (10 s, then 15 s), in the page's own time.
    trainer.evaluate(
        """() => { const original = window.fetch; window.pollTimes = [];
                  window.fetch = (url, options) => {
                    window.pollTimes.push(Date.now()); return original(url, options); }; }"""
    )

    def poll_answer():
        return trainer.expect_response(lambda response: "live.json" in response.url)

    with poll_answer() as unchanged:
        trainer.clock.run_for(10_500)
    assert unchanged.value.status == 304 and counts(trainer) == ["2", "2", "2"]
    with poll_answer() as later:
        trainer.clock.run_for(16_000)
    assert later.value.status == 304 and counts(trainer) == ["2", "2", "2"]
    first, second = trainer.evaluate("window.pollTimes")[-2:]
    assert 14_900 <= second - first <= 15_100, second - first  # 15 s after a 304, not 10

    # A hidden tab stops asking.
    trainer.evaluate(
        """() => { Object.defineProperty(document, 'hidden', {value: true, configurable: true});
                  document.dispatchEvent(new Event('visibilitychange')); }"""
    )
    asked = len(polled)
    trainer.clock.run_for(60_000)
    trainer.wait_for_timeout(300)
    assert len(polled) == asked

    for context in (trainer_context, olena_phone, dmytro_phone, borrowed_phone):
        context.close()
