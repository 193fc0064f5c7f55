"""A participant and a trainer in Debian's headless Chromium at phone size, JavaScript off."""

import re

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.pages import new_cohort

pytestmark = pytest.mark.e2e


def answer_every_question(page, choose_first: bool) -> None:
    for fieldset in page.locator("fieldset[id^=q-]").all():
        options = fieldset.locator("label")
        options.nth(0 if choose_first else 1).click()


def test_participant_takes_pre_and_post_test_on_a_phone(server, browser, phone):
    """A new cohort opens the pre-test only; the trainer starts the post-test (issue 15)."""
    cohort = new_cohort(server, "Phone", phases={"pre": {"open": True}, "post": {"open": False}})
    page = phone.new_page()
    page.goto(cohort["participant_url"])
    assert page.locator("html").get_attribute("lang") == "uk"
    screenshot(page, "participant-pre-uk")
    answer_every_question(page, choose_first=False)
    page.get_by_role("button", name=re.compile("Надіслати")).click()
    code = page.locator(".code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}", code)
    screenshot(page, "participant-pre-result-uk")

    trainer = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    trainer.new_page().goto(cohort["trainer_url"])
    trainer.pages[0].get_by_role("button", name="Почати тест після навчання").click()
    trainer.close()

    page.goto(cohort["participant_url"])
    assert page.locator("#participant_code").input_value() == code
    answer_every_question(page, choose_first=True)
    page.get_by_role("button", name=re.compile("Надіслати")).click()
    assert page.locator(".code").inner_text() == code
    assert page.get_by_text("До і після навчання", exact=True).count() == 1
    screenshot(page, "participant-post-result-uk")


def test_participant_switches_to_english_without_losing_answers(server, phone):
    page = phone.new_page()
    page.goto(server["participant_url"] + "?phase=pre")
    page.locator("fieldset[id^=q-]").first.locator("label").nth(2).click()
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("fieldset[id^=q-]").first.locator("input").nth(2).is_checked()
    screenshot(page, "participant-pre-en")


def test_page_fits_a_phone_without_horizontal_scrolling(server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server["participant_url"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_trainer_page_shows_the_cohort_and_qr_code(server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
    page = context.new_page()
    page.goto(server["trainer_url"])
    assert "token=" not in page.url
    assert page.locator(".qr svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"trainer-{width}x{height}")
    context.close()
