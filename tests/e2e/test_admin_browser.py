"""The coordinator console in Debian's headless Chromium: log in, create a cohort, copy the trainer
link, manage the cohort, preview a bank. Screenshots at 1366×768 (and the login on a phone)."""

import re

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.conftest import screenshot as take_screenshot

pytestmark = pytest.mark.e2e


def screenshot(page, name: str) -> None:
    """Screenshots are for people to look at; on a loaded machine Chromium sometimes fails to capture
    one ("Unable to capture screenshot"), so try again once after the page has settled."""
    from playwright.sync_api import Error

    try:
        take_screenshot(page, name)
    except Error:
        page.wait_for_timeout(500)
        take_screenshot(page, name)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_login_works_on_a_phone_without_javascript(server, phone):
    page = phone.new_page()
    page.goto(server["root"] + "/admin")
    assert page.url.endswith("/admin/login")
    screenshot(page, "admin-login-390x844")
    assert fits(page)
    page.fill("#token", server["admin_token"])
    page.get_by_role("button", name="Увійти").click()
    assert page.url.endswith("/admin") and page.get_by_role("heading", name="Групи").count() == 1


def test_a_coordinator_creates_a_cohort_copies_the_trainer_link_and_manages_it(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="uk-UA")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["root"])
    page = context.new_page()
    page.goto(server["root"] + "/admin/login")
    page.fill("#token", server["admin_token"])
    page.get_by_role("button", name="Увійти").click()
    screenshot(page, "admin-cohorts-1366x768")
    assert fits(page)

    page.get_by_role("link", name="Створити групу").click()
    page.select_option("#bank", "online-child-safety@2")
    page.fill("#label", "Вінниця, поліція, 12–13 березня")
    page.select_option("#region", "Вінницька область")
    page.get_by_label("Перемішати питання").check()
    screenshot(page, "admin-new-cohort-1366x768")
    page.get_by_role("button", name="Створити групу").click()

    assert page.get_by_role("heading", name="Групу створено").count() == 1
    trainer_url = page.input_value("#trainer-link")
    assert "/cohorts/" in trainer_url and "token=" in trainer_url and "token=" not in page.url
    page.get_by_role("button", name="Копіювати").click()
    page.get_by_text("Скопійовано").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == trainer_url
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "admin-created-1366x768")
    assert fits(page)

    page.get_by_role("link", name="Сторінка групи").click()
    # a new cohort: the pre-test open; one action starts the post-test and closes the pre-test
    page.get_by_role("button", name="Почати тест після навчання").click()
    assert page.get_by_role("button", name="Закрити тест після навчання").count() == 1
    assert page.get_by_role("button", name="Відкрити також тест до навчання").count() == 1
    screenshot(page, "admin-cohort-1366x768")
    page.get_by_label("Я розумію, що це не можна скасувати").check()
    page.get_by_role("button", name="Закрити остаточно").click()
    assert page.get_by_text(re.compile("Остаточно закрита")).count() == 1

    page.get_by_role("link", name="Групи", exact=True).click()
    assert page.get_by_role("cell", name="Закрита остаточно").count() >= 1
    context.close()


def test_the_bank_preview_shows_answers_and_changes_at_laptop_size(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.goto(server["root"] + "/admin/login")
    page.fill("#token", server["admin_token"])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Question banks").click()
    screenshot(page, "admin-banks-1366x768")
    page.get_by_role("link", name=re.compile("Preventing online violence")).first.click()
    assert page.get_by_role("heading", name="Changes since version 1").count() == 1
    assert page.get_by_text("✓ correct").count() > 20
    screenshot(page, "admin-bank-preview-1366x768")
    assert fits(page)
    page.locator("#q-q-grooming-signs").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-bank-question-1366x768.png"))
    context.close()


def test_the_cohort_list_reflows_into_cards_on_a_phone(server, phone):
    page = phone.new_page()
    page.goto(server["root"] + "/admin/login")
    page.fill("#token", server["admin_token"])
    page.get_by_role("button", name="Увійти").click()
    assert page.locator("table.cohort-list tbody tr").count() >= 1
    assert fits(page), "the table is cut off at 390 px"
    assert page.locator("table.cohort-list thead").bounding_box()["height"] <= 1
    assert page.locator("table.cohort-list td[data-label]").first.evaluate("e => getComputedStyle(e).display") == "flex"
    screenshot(page, "admin-cohorts-390x844")
