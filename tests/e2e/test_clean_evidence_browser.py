"""Issue 15 on a 390×844 phone in Debian's headless Chromium, as a class of participants meets it:
asked which test when both are open, never shown the key before the post-test, taken to what matters
after each submit, refused when another site posts the form. Screenshots of each state, uk and en."""

from __future__ import annotations

import http.server
import re
import threading

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.pages import SEND, answer_every_question, api, new_cohort, send

pytestmark = pytest.mark.e2e
PRE_ONLY = {"pre": {"open": True}, "post": {"open": False}}
CODE = re.compile(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}")


@pytest.fixture
def phone_js(browser):
    """A phone with JavaScript on, as most are (the progress bar, focus after a fetch submit)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk-UA")
    yield context
    context.close()


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                           return r.top >= 0 && r.top < window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("language", ["uk", "en"])
def test_a_returning_participant_in_a_new_browser_is_asked_not_given_the_pre_test(server, phone, language):
    cohort = new_cohort(server, "Both open")
    page = phone.new_page()
    page.goto(f"{cohort['participant_url']}?lang={language}")
    assert page.locator("form#test").count() == 0
    screenshot(page, f"issue15-which-test-{language}")
    page.locator('a[href="?phase=post"]').click()
    assert page.locator('input[name="phase"]').get_attribute("value") == "post"


def test_a_new_cohort_runs_pre_then_the_trainer_starts_the_post_test(server, browser, phone):
    cohort = new_cohort(server, "Pre, then post", phases=PRE_ONLY)
    page = phone.new_page()
    page.goto(cohort["participant_url"])
    answer_every_question(page, choose_first=False)
    send(page, "uk")
    code = page.locator(".code").inner_text()
    # the pre-test result: score, topics and code, no key while the post-test is to come
    assert page.locator(".right, .wrong").count() == 0
    assert "Правильні відповіді" not in page.content() and page.get_by_text("За темами").count() == 1
    screenshot(page, "issue15-pre-result-no-key-uk")

    trainer = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    trainer_page = trainer.new_page()
    trainer_page.goto(cohort["trainer_url"])
    trainer_page.get_by_role("button", name="Почати тест після навчання").click()
    assert trainer_page.get_by_role("button", name="Почати тест після навчання").count() == 0
    trainer.close()

    page.goto(cohort["participant_url"])
    assert page.locator("#participant_code").input_value() == code
    answer_every_question(page, choose_first=True)
    send(page, "uk")
    assert page.locator(".code").inner_text() == code and page.locator(".right").count() > 0


def test_skipped_questions_open_the_summary_in_view_and_focused(server, phone_js):
    cohort = new_cohort(server, "Skipped", phases=PRE_ONLY)
    page = phone_js.new_page()
    page.goto(f"{cohort['participant_url']}?lang=en")
    assert page.locator("#progress").inner_text().startswith("Answered 0 of")
    questions = page.locator("fieldset[id^=q-]").all()  # answer all but the last three
    for fieldset in questions[:-3]:
        fieldset.locator("label").nth(0).click()
    total = len(questions)
    assert page.locator("#progress").inner_text().startswith(f"Answered {total - 3} of {total}")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("button", name=SEND["en"], exact=True).click()
    page.wait_for_selector("#unanswered")
    assert page.evaluate("document.activeElement.id") == "unanswered" and in_view(page, "#unanswered")
    screenshot(page, "issue15-unanswered-in-view-en")


def test_the_post_test_result_opens_at_the_score_and_a_second_one_says_it_was_sent(server, phone_js):
    cohort = new_cohort(server, "Post result")
    page = phone_js.new_page()
    page.goto(f"{cohort['participant_url']}?phase=pre&lang=en")
    answer_every_question(page, choose_first=False)
    send(page, "en")
    page.wait_for_selector(".code")
    page.goto(f"{cohort['participant_url']}?lang=en")  # this phone holds a code: the post-test
    answer_every_question(page)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    send(page, "en")
    page.wait_for_selector("#answer")
    assert page.evaluate("document.activeElement.id") == "answer" and in_view(page, ".big")
    screenshot(page, "issue15-post-result-at-score-en")

    page.goto(f"{cohort['participant_url']}?phase=post&lang=en")
    answer_every_question(page, choose_first=False)
    send(page, "en")
    page.get_by_role("heading", name="You have already sent this test").wait_for()
    assert page.get_by_role("link", name="See your result").count() == 1
    screenshot(page, "issue15-already-sent-en")
    page.goto(f"{cohort['participant_url']}?lang=uk")
    assert "Ви пройшли обидва тести" in page.locator("h1").inner_text()
    screenshot(page, "issue15-done-uk")


def test_a_blank_test_and_a_code_from_another_cohort_are_refused(server, phone):
    cohort = new_cohort(server, "Refusals")
    other = new_cohort(server, "Elsewhere")
    page = phone.new_page()
    page.goto(f"{other['participant_url']}?phase=pre&lang=en")
    answer_every_question(page)
    send(page, "en")
    elsewhere = page.locator(".code").inner_text()

    page.goto(f"{cohort['participant_url']}?phase=pre&lang=en")
    send(page, "en")  # everything skipped: listed first
    page.get_by_role("button", name="Send without these answers").click()
    assert "Answer at least" in page.locator("#form-error").inner_text()
    screenshot(page, "issue15-blank-refused-en")

    page.goto(f"{cohort['participant_url']}?phase=post&lang=en")
    page.locator("#participant_code").fill(elsewhere)
    answer_every_question(page)
    send(page, "en")
    assert "not one of this group's codes" in page.locator("#form-error").inner_text()
    screenshot(page, "issue15-unknown-code-en")
    stored = api(server, f"/api/v1/cohorts/{cohort['cohort_id']}/report")["phases"]
    assert stored["pre"]["n"] == 0 and stored["post"]["n"] == 0


class _Attacker(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):
        page = (
            f'<form id="f" method="post" action="{self.target}">'
            '<input name="submission_id" value="0b7d3c5e-2a41-4c8e-b1f0-93e6d4a2c7f5">'
            '<input name="phase" value="pre"><input name="lang" value="en"><input name="a.q01" value="b">'
            "</form><script>document.getElementById('f').submit()</script>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(page.encode())

    def log_message(self, *args):
        pass


def test_an_auto_submitted_form_on_another_site_is_refused_and_the_cookie_stays(server, browser):
    cohort = new_cohort(server, "Cross-site", phases=PRE_ONLY)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{cohort['participant_url']}?lang=en")
    answer_every_question(page)
    send(page, "en")
    code = page.locator(".code").inner_text()
    cookies = {c["name"]: c["value"] for c in context.cookies()}

    _Attacker.target = cohort["participant_url"]
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        evil = context.new_page()
        with evil.expect_navigation(url=cohort["participant_url"]):
            evil.goto(f"http://localhost:{attacker.server_address[1]}/")
        assert "лише з його власної сторінки" in evil.locator("#form-error").inner_text()
        screenshot(evil, "issue15-cross-site-refused-en")
    finally:
        attacker.shutdown()
    assert {c["name"]: c["value"] for c in context.cookies()} == cookies
    page.goto(f"{cohort['participant_url']}/result?lang=en")
    assert page.locator(".code").inner_text() == code and CODE.fullmatch(code)
    context.close()
