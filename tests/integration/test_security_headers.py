"""What every page allows a browser to do, whether https is believed, and what caches may keep."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid

import pytest

from service.app import create_app
from service.domain.banks import BankRegistry
from service.settings import Settings
from tests.conftest import ADMIN, ENVIRONMENT
from tests.factories import small_bank
from tests.integration.test_api_basics import create_cohort
from tests.integration.test_participant_pages import form_fields


def pages(client) -> dict[str, object]:
    """Every kind of page a person can get, by name."""
    created = create_cohort(client)
    cohort_id = created["cohort_id"]
    shown = {"test (pre)": client.get(f"/c/{cohort_id}?phase=pre")}
    fields = form_fields(shown["test (pre)"].text)
    shown["result"] = client.post(f"/c/{cohort_id}", data=fields | {"a.q1": "b", "d.role": "police"})
    shown["test (post)"] = client.get(f"/c/{cohort_id}?phase=post")
    shown["form with an error"] = client.post(
        f"/c/{cohort_id}", data=form_fields(shown["test (post)"].text) | {"participant_code": "AAA-AAA-AAB"}
    )
    shown["trainer link"] = client.get(f"/cohorts/{cohort_id}?token={created['trainer_token']}")
    shown["trainer page"] = client.get(f"/cohorts/{cohort_id}")
    shown["not found"] = client.get("/c/nosuchcohort")
    closed = create_cohort(client, phases={"pre": {"open": False}, "post": {"open": False}})
    shown["phases closed"] = client.get(f"/c/{closed['cohort_id']}")
    client.post(f"/api/v1/cohorts/{cohort_id}/close", headers=ADMIN)
    shown["closed for good"] = client.get(f"/c/{cohort_id}?phase=pre")
    shown["trainer page, closed"] = client.get(f"/cohorts/{cohort_id}")
    return shown


@pytest.fixture
def shown(small_client):
    return pages(small_client)


def test_every_page_runs_no_inline_script_and_only_the_stylesheet_its_policy_names(shown):
    for name, response in shown.items():
        html, policy = response.text, response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, name
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {name}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler on {name}"
        assert not re.search(r"\sstyle\s*=", html), f"style attribute on {name}"
        for style in re.findall(r"<style>(.*?)</style>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, f"a stylesheet the policy does not allow on {name}"
        assert not re.search(r"""\ssrc=["']?(https?:)?//""", html), f"an external request on {name}"


def test_every_page_stays_out_of_shared_caches_and_out_of_frames(shown):
    for name, response in shown.items():
        assert response.headers["Cache-Control"] == "no-store, private", name
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer", name


def test_static_files_may_be_cached(small_client):
    response = small_client.get("/static/app.css")
    assert response.status_code == 200 and "no-store" not in response.headers["Cache-Control"]


def test_hsts_only_over_https(small_app):
    assert "Strict-Transport-Security" not in small_app.test_client().get("/healthz").headers
    secure = small_app.test_client().get("/healthz", base_url="https://assess.example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def trainer_cookie(client, created, **headers) -> str:
    path = f"/cohorts/{created['cohort_id']}?token={created['trainer_token']}"
    return client.get(path, headers=headers).headers["Set-Cookie"]


def test_a_forwarded_https_claim_is_ignored_unless_proxies_are_trusted(small_app):
    client = small_app.test_client()
    forged = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in client.get("/healthz", headers=forged).headers
    assert "Secure" not in trainer_cookie(client, create_cohort(client), **forged)


def test_behind_a_trusted_proxy_its_https_gives_hsts_and_secure_cookies(store):
    settings = Settings.from_environment(dict(ENVIRONMENT) | {"ASSESS_TRUSTED_PROXIES": "1"})
    client = create_app(settings, store=store, banks=BankRegistry([small_bank()])).test_client()
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" in client.get("/healthz", headers=forwarded).headers
    cookie = trainer_cookie(client, create_cohort(client), **forwarded)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_the_participant_code_cookie_is_httponly_and_scoped_to_the_cohort(small_client):
    cohort_id = create_cohort(small_client)["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)
    cookie = small_client.post(f"/c/{cohort_id}", data=fields | {"a.q1": "b"}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and f"Path=/c/{cohort_id}" in cookie and "SameSite=Lax" in cookie


def test_json_answers_carry_the_same_headers(small_client):
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": {}}
    cohort_id = create_cohort(small_client)["cohort_id"]
    response = small_client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
    assert response.headers["Cache-Control"] == "no-store, private"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
