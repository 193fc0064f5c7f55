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


# --- deployed stages: no link from the request's Host header -----------------------------------

EVIL = "evil.example"


def deployed_client(store, tmp_path, public_url: str, **environ_base):
    """A prod-stage app (random secrets, as a deployment has) whose every request claims Host: evil.example."""
    import dataclasses
    import secrets

    tokens = {name: secrets.token_urlsafe(32) for name in ("ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")}
    environment = ENVIRONMENT | tokens | {"ASSESS_HMAC_KEY": secrets.token_urlsafe(32), "ASSESS_STAGE": "prod"}
    settings = Settings.from_environment(environment | {"ASSESS_PUBLIC_URL": public_url})
    settings = dataclasses.replace(settings, export_dir=tmp_path, export_sync_max_bytes=1, k_anonymity=1)
    app = create_app(settings, store=store, banks=BankRegistry([small_bank()]))
    client = app.test_client()
    client.environ_base |= {"HTTP_HOST": EVIL, "wsgi.url_scheme": "https"} | environ_base
    return client, {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}, tokens


def every_link_answer(client, headers: dict, tokens: dict) -> list:
    """Every answer that carries a link or a QR code: API, trainer page, projector, console, export job."""
    admin, evaluator = headers["ASSESS_ADMIN_TOKEN"], headers["ASSESS_EVALUATOR_TOKEN"]
    answers = []
    body = {"bank_id": "small", "bank_version": "1", "label": "K"}
    created = client.post("/api/v1/cohorts", json=body, headers=admin)
    cohort_id = created.json["cohort_id"]
    rotated = client.post(f"/api/v1/cohorts/{cohort_id}/trainer-token", headers=admin)
    answers += [created, rotated]
    token = rotated.json["trainer_token"]
    answers.append(client.get(f"/cohorts/{cohort_id}?token={token}"))
    answers += [client.get(f"/cohorts/{cohort_id}"), client.get(f"/cohorts/{cohort_id}/projector")]
    answers.append(client.get(f"/c/{cohort_id}"))
    submission = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": {"q1": ["b"]}}
    answers.append(client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=submission))
    client.post("/admin/login", data={"token": tokens["ASSESS_ADMIN_TOKEN"]})
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin").text).group(1)
    form = {"csrf": csrf, "bank": "small@1", "label": "Console", "language": "uk", "open_pre": "1"}
    answers += [client.post("/admin/cohorts", data=form), client.get(f"/admin/cohorts/{cohort_id}")]
    job = client.get(f"/api/v1/exports/submissions?cohort_id={cohort_id}", headers=evaluator)
    assert job.status_code == 202
    answers.append(job)
    for _ in range(400):
        status = client.get(f"/api/v1/exports/jobs/{job.json['job_id']}", headers=evaluator)
        if status.json["status"] != "pending":
            break
    answers.append(status)
    assert status.json["status"] == "done"
    return answers


def test_a_deployed_stage_never_builds_a_link_from_the_host_header(store, tmp_path):
    client, headers, tokens = deployed_client(store, tmp_path, "https://assess.example.org")
    answers = every_link_answer(client, headers, tokens)
    assert all(answer.status_code < 400 for answer in answers), [a.status_code for a in answers]
    for answer in answers:
        assert EVIL not in answer.get_data(as_text=True) and EVIL not in str(answer.headers)
    assert answers[0].json["participant_url"].startswith("https://assess.example.org/c/")


def test_on_the_execute_api_url_links_come_from_api_gateways_request_context(store, tmp_path):
    """ASSESS_PUBLIC_URL=execute-api: the API's id and stage as API Gateway passes them (Zappa keeps
    the event in the WSGI environ), never the Host header."""
    event = {"requestContext": {"apiId": "abc123defg", "stage": "prod", "domainName": EVIL}}
    client, headers, tokens = deployed_client(store, tmp_path, "execute-api", **{"lambda.event": event})
    answers = every_link_answer(client, headers, tokens)
    for answer in answers:
        assert EVIL not in answer.get_data(as_text=True) and EVIL not in str(answer.headers)
    assert answers[0].json["participant_url"].startswith(f"{EXECUTE_API}/prod/c/")
    assert answers[-1].json["download_url"].startswith(f"{EXECUTE_API}/prod/api/v1/exports/files/")
