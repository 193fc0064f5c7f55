"""Links and cookie paths behind a custom domain and on API Gateway's default execute-api URL, where
Zappa serves every page under the stage (`/prod/...`) and says so in the WSGI script root. Issue 14:
there, links came back without `/prod` and the trainer and console cookies were set for paths the
browser never sends them to, so the trainer page and the console login failed."""

from __future__ import annotations

import re
import uuid

import pytest

from service.app import create_app
from service.domain.banks import BankRegistry
from service.settings import Settings
from tests.conftest import ADMIN, ENVIRONMENT
from tests.factories import small_bank

EXECUTE_API = "https://abc123defg.execute-api.eu-central-1.amazonaws.com"


@pytest.fixture
def stage_client(store):
    """The app with no ASSESS_PUBLIC_URL, reached as Zappa passes an execute-api request: script root /prod."""
    environment = {k: v for k, v in ENVIRONMENT.items() if k != "ASSESS_PUBLIC_URL"}
    app = create_app(Settings.from_environment(environment), store=store, banks=BankRegistry([small_bank()]))
    return app.test_client()


def cookie_path(response, name: str) -> str:
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}="))
    return re.search(r"Path=([^;]+)", header).group(1)


def test_every_link_and_cookie_keeps_the_stage_prefix_on_the_execute_api_url(stage_client):
    base = f"{EXECUTE_API}/prod"
    created = stage_client.post(
        "/api/v1/cohorts", json={"bank_id": "small", "bank_version": "1", "label": "Kyiv"}, headers=ADMIN, base_url=base
    ).json
    cohort_id = created["cohort_id"]
    assert created["participant_url"] == f"{base}/c/{cohort_id}"
    assert created["trainer_url"] == f"{base}/cohorts/{cohort_id}?token={created['trainer_token']}"

    # participant: the form, a submit, the result and its code cookie, all under /prod
    page = stage_client.get(f"/c/{cohort_id}", base_url=base)
    assert page.status_code == 200 and 'action=""' in page.text  # posts back where it came from
    assert "/prod/static/" in page.text and not re.search(r'(src|href|action)="/(?!prod/)', page.text)
    form = {"submission_id": str(uuid.uuid4()), "phase": "pre", "lang": "uk", "a.q1": "b", "a.q3": "d"}
    form |= {"a.q2": ["a", "c"]}
    result = stage_client.post(f"/c/{cohort_id}", data=form, base_url=base)
    assert result.status_code == 200
    assert cookie_path(result, f"code_{cohort_id}") == f"/prod/c/{cohort_id}"

    # trainer: the link's token moves into a cookie for /prod/cohorts/<id>, then the page opens
    opened = stage_client.get(f"/cohorts/{cohort_id}?token={created['trainer_token']}", base_url=base)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/prod/cohorts/{cohort_id}")
    assert cookie_path(opened, "trainer") == f"/prod/cohorts/{cohort_id}"
    trainer_page = stage_client.get(f"/cohorts/{cohort_id}", base_url=base)
    assert trainer_page.status_code == 200 and f"{base}/c/{cohort_id}" in trainer_page.text
    assert not re.search(r'(src|href|action)="/(?!prod/)', trainer_page.text)

    # console: the session cookie for /prod/admin, then a cohort created from the console
    login = stage_client.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]}, base_url=base)
    assert login.status_code == 303 and cookie_path(login, "admin_session") == "/prod/admin"
    console = stage_client.get("/admin", base_url=base)
    assert console.status_code == 200
    login_page = stage_client.get("/admin/login", base_url=base)
    for page in (console, login_page):  # the language switch of the console's pages too
        assert not re.search(r'(src|href|action)="/(?!prod/)', page.text)


def test_behind_a_custom_domain_links_use_it_and_cookies_have_no_prefix(small_client):
    created = small_client.post(
        "/api/v1/cohorts", json={"bank_id": "small", "bank_version": "1", "label": "Kyiv"}, headers=ADMIN
    ).json
    cohort_id = created["cohort_id"]
    assert created["participant_url"] == f"https://assess.example.org/c/{cohort_id}"
    opened = small_client.get(f"/cohorts/{cohort_id}?token={created['trainer_token']}")
    assert cookie_path(opened, "trainer") == f"/cohorts/{cohort_id}"
    login = small_client.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]})
    assert cookie_path(login, "admin_session") == "/admin"
