"""The console's sessions live in the table: logging out, going idle, a long day and a new admin token
each end one at once, whatever the browser still holds. Time is a clock the tests move."""

from __future__ import annotations

import dataclasses
import hashlib
import re

import pytest

from service.app import create_app
from service.settings import Settings
from tests.conftest import ENVIRONMENT, all_items

TOKEN = ENVIRONMENT["ASSESS_ADMIN_TOKEN"]
LOGIN = "/admin/login"


class Clock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, now: float = 1_773_300_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def console_app(settings, store, clock):
    return create_app(settings, store=store, clock=clock)


def log_in(app) -> tuple[object, str]:
    """A browser logged into the console, and its session cookie as sent."""
    browser = app.test_client()
    response = browser.post(LOGIN, data={"token": TOKEN})
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    return browser, browser.get_cookie("admin_session", path="/admin").value


def logged_in(app, cookie: str) -> bool:
    """Whether a browser that presents `cookie` reaches the console (else it is sent to log in)."""
    browser = app.test_client()
    browser.set_cookie("admin_session", cookie, path="/admin")
    response = browser.get("/admin")
    if response.status_code == 303:
        assert response.headers["Location"] == LOGIN
        return False
    assert response.status_code == 200
    return True


def csrf_of(browser) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', browser.get("/admin").text).group(1)


def test_logging_out_ends_the_session_so_the_old_cookie_replayed_meets_the_login_page(console_app):
    browser, cookie = log_in(console_app)
    assert logged_in(console_app, cookie)
    response = browser.post("/admin/logout", data={"csrf": csrf_of(browser)})
    assert response.status_code == 303 and response.headers["Location"] == LOGIN
    assert not logged_in(console_app, cookie)


def test_a_session_idle_for_30_minutes_ends_and_one_in_use_does_not(console_app, clock):
    _, busy = log_in(console_app)
    _, idle = log_in(console_app)
    for _ in range(3):  # 87 minutes in all, never 30 without a request
        clock.advance(29 * 60)
        assert logged_in(console_app, busy)
    assert not logged_in(console_app, idle)
    _, fresh = log_in(console_app)
    clock.advance(30 * 60)
    assert not logged_in(console_app, fresh)


def test_a_session_ends_8_hours_after_logging_in_however_busy(console_app, clock):
    _, cookie = log_in(console_app)
    for _ in range(17):  # a request every 28 minutes: never idle, 7 h 56 min in all
        clock.advance(28 * 60)
        assert logged_in(console_app, cookie), clock.now
    clock.advance(4 * 60)  # 8 hours since the login, 4 minutes since the last request
    assert not logged_in(console_app, cookie)


def test_a_new_admin_token_ends_every_session(settings, store, clock):
    before = create_app(settings, store=store, clock=clock)
    _, first = log_in(before)
    _, second = log_in(before)
    rotated = dataclasses.replace(
        Settings.from_environment(ENVIRONMENT | {"ASSESS_ADMIN_TOKEN": "a-new-admin-token-long-enough"}),
    )
    after = create_app(rotated, store=store, clock=clock)
    assert not logged_in(after, first) and not logged_in(after, second)
    assert logged_in(before, first)  # the same sessions under the old token: it is the token that ended them


def test_the_cookie_holds_a_random_id_and_the_table_only_its_hash_with_an_expiry(console_app, dynamodb, clock):
    _, cookie = log_in(console_app)
    _, other = log_in(console_app)
    assert cookie != other and len(cookie) >= 40
    stored = [item for item in all_items(dynamodb) if item["pk"]["S"].startswith("SESSION#")]
    assert len(stored) == 2
    assert {item["pk"]["S"] for item in stored} == {
        f"SESSION#{hashlib.sha256(value.encode()).hexdigest()}" for value in (cookie, other)
    }
    assert cookie not in str(stored) and TOKEN not in str(stored)
    assert hashlib.sha256(TOKEN.encode()).hexdigest() not in str(stored)
    for item in stored:
        assert int(item["expires_at"]["N"]) == int(clock.now) + 8 * 3600  # DynamoDB's TTL removes it


def test_a_forged_or_unknown_session_id_is_no_login(console_app):
    assert not logged_in(console_app, "x" * 43)
    assert not logged_in(console_app, "")


def test_forms_still_need_the_sessions_csrf_value(console_app):
    browser, _ = log_in(console_app)
    assert browser.post("/admin/logout", data={"csrf": "guess"}).status_code == 403
    assert browser.post("/admin/logout", data={"csrf": csrf_of(browser)}).status_code == 303


def test_thirty_wrong_tokens_meet_429_with_retry_after_and_the_right_token_works_after_the_wait(console_app, clock):
    browser = console_app.test_client()
    answers = [browser.post(LOGIN, data={"token": f"wrong-token-{n}"}) for n in range(30)]
    assert [answer.status_code for answer in answers[:5]] == [401] * 5  # a few typos cost nothing
    refused = answers[-1]
    assert refused.status_code == 429 and "Set-Cookie" not in refused.headers
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    assert browser.post(LOGIN, data={"token": TOKEN}).status_code == 429  # not even tried before the wait
    clock.advance(wait)
    assert browser.post(LOGIN, data={"token": TOKEN}).status_code == 303
    assert browser.get("/admin").status_code == 200


def test_each_wrong_token_past_the_first_few_doubles_the_wait_and_a_login_forgives_them(console_app, clock):
    browser = console_app.test_client()
    for _ in range(4):
        assert browser.post(LOGIN, data={"token": "wrong-token"}).status_code == 401
    waits = []
    for _ in range(5):
        assert browser.post(LOGIN, data={"token": "wrong-token"}).status_code == 401
        refused = browser.post(LOGIN, data={"token": "wrong-token"}, headers={"Accept-Language": "en"})
        assert refused.status_code == 429 and "Too many wrong tokens" in refused.text
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(waits[-1])
    assert waits == [waits[0] * 2**n for n in range(5)]
    assert browser.post(LOGIN, data={"token": TOKEN}).status_code == 303
    assert browser.post(LOGIN, data={"token": "wrong-token"}).status_code == 401  # counting starts again
