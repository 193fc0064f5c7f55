"""A trainer link clicked on another site (a webmail, a messenger's web page) opens the trainer page.

The link's secret moves into a SameSite=Strict cookie, and a browser withholds Strict cookies on a
navigation that another site started, redirects included. The "other site" here is a second small
server reached as `localhost` while the service is `127.0.0.1`: two different sites to Chromium
(ports alone would not do: a site ignores the port)."""

from __future__ import annotations

import contextlib
import html
import http.server
import re
import threading
from collections.abc import Iterator

import pytest

from tests.e2e.pages import new_cohort

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def another_site(link: str) -> Iterator[str]:
    """A page on another site holding `link`, as a mail would; its address."""
    page = f'<!doctype html><title>Mail</title><p><a id="link" href="{html.escape(link)}">Your trainer link</a></p>'

    class Mail(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    mail = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mail)
    threading.Thread(target=mail.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{mail.server_address[1]}/"
    finally:
        mail.shutdown()
        mail.server_close()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_trainer_link_clicked_on_another_site_opens_the_trainer_page(server, browser, javascript):
    cohort = new_cohort(server, "Odesa, from a mail")
    assert cohort["trainer_url"].startswith("http://127.0.0.1:")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=javascript)
    page = context.new_page()
    with another_site(cohort["trainer_url"]) as mail:
        page.goto(mail)
        page.click("#link")
        page.wait_for_url(re.compile(rf"/cohorts/{cohort['cohort_id']}$"))
        page.get_by_role("heading", name="Odesa, from a mail").wait_for(timeout=5000)
    assert "token=" not in page.url
    assert page.locator(".qr svg").count() == 1
    page.reload()  # the cookie, not the link, opens it from now on
    assert page.get_by_role("heading", name="Odesa, from a mail").count() == 1
    page.click("a[href$='/projector']")
    assert page.url.endswith(f"/cohorts/{cohort['cohort_id']}/projector") and page.locator(".qr svg").count() == 1
    context.close()


def test_the_link_opened_directly_still_goes_straight_to_the_page(server, browser):
    cohort = new_cohort(server, "Odesa, typed in")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    response = page.goto(cohort["trainer_url"])
    assert response.status == 200 and page.url.endswith(f"/cohorts/{cohort['cohort_id']}")
    assert page.get_by_role("heading", name="Odesa, typed in").count() == 1
    context.close()
