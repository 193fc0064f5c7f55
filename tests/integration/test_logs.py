"""Everything the service logs during a whole cohort's life, at DEBUG, holds no token, secret,
participant code, answer, demographic value, free text, IP address or user agent."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid

import pytest

from service.observability import logger
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR, moto_app

BANK, VERSION = "online-child-safety", "2"
CLIENT = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "PhoneBrowser/9.1 (UA-MARKER-5521)"}
FORWARDED = {"X-Forwarded-For": "198.51.100.23", "X-Real-Ip": "198.51.100.24"}
FREE_TEXT = "Оксана Мельник, дільничний офіцер"
DEMOGRAPHIC_VALUES = ["police", "cyber_police", "educator", "child_rights", "lt2", "2to5", "gt5"]


def form_fields(html: str) -> dict:
    """The form's hidden fields, sent as "send anyway" (past the list of unanswered questions)."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)) | {"anyway": "1"}


def cohort_life(app, dynamodb) -> dict:
    """Every route, success and failure, as participants, trainers, the coordinator and the evaluator
    would use them. Returns the values that must never be logged."""
    client = app.test_client()
    client.environ_base.update(CLIENT)
    bank = app.extensions["assess"].banks.get(BANK, VERSION)
    body = {"bank_id": BANK, "bank_version": VERSION, "label": "Kyiv, group 7", "region": "Київська область"}
    body["phases"] = {"pre": {"open": True}, "post": {"open": True}}
    created = client.post("/api/v1/cohorts", json=body, headers=ADMIN | FORWARDED).json
    other = client.post("/api/v1/cohorts", json=body, headers=ADMIN).json
    cohort_id, trainer = created["cohort_id"], created["trainer_token"]
    submissions = f"/api/v1/cohorts/{cohort_id}/submissions"
    questions = [q.id for q in bank.questions]
    codes = []
    # the phone form: pre-test with demographics, then the post-test with the remembered code
    phone = app.test_client()
    phone.environ_base.update(CLIENT)
    fields = form_fields(phone.get(f"/c/{cohort_id}?phase=pre", headers=FORWARDED).text)
    answers = {f"a.{q}": "b" for q in questions}
    result = phone.post(f"/c/{cohort_id}", data=fields | answers | {"d.role": "child_rights", "d.experience": "lt2"})
    codes.append(re.search(r'class="code">([^<]+)<', result.text).group(1))
    fields = form_fields(phone.get(f"/c/{cohort_id}").text)
    phone.post(f"/c/{cohort_id}", data=fields | answers | {"participant_code": codes[0]})
    mistyped = codes[0][:-1] + ("0" if codes[0][-1] != "0" else "1")
    fields = form_fields(phone.get(f"/c/{cohort_id}?phase=post").text)
    assert phone.post(f"/c/{cohort_id}", data=fields | {"participant_code": mistyped}).status_code == 422
    phone.post(f"/c/{cohort_id}", data=form_fields(phone.get(f"/c/{cohort_id}").text) | {"d.role": FREE_TEXT})
    # the JSON API: submissions, a retry, a duplicate, refusals
    for role, experience in [("police", "gt5"), ("cyber_police", "2to5"), ("educator", "lt2")]:
        sent = {
            "submission_id": str(uuid.uuid4()),
            "phase": "pre",
            "language": "uk",
            "answers": {q.id: [q.options[i % len(q.options)].id] for i, q in enumerate(bank.questions)},
            "demographics": {"role": role, "experience": experience},
        }
        first = client.post(submissions, json=sent, headers=FORWARDED)
        assert client.post(submissions, json=sent).status_code == 200
        codes.append(first.json["participant_code"])
    post = {
        "submission_id": str(uuid.uuid4()),
        "phase": "post",
        "language": "en",
        "answers": {q: ["b"] for q in questions},
    }
    assert client.post(submissions, json=post | {"participant_code": codes[1]}).status_code == 201
    again = post | {"submission_id": str(uuid.uuid4()), "participant_code": codes[1]}
    assert client.post(submissions, json=again).status_code == 409
    refused = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk"}
    assert client.post(submissions, json=refused | {"answers": {"made-up": [FREE_TEXT]}}).status_code == 422
    assert (
        client.post(submissions, json=refused | {"answers": {}, "demographics": {"name": FREE_TEXT}}).status_code == 422
    )
    assert client.post(submissions, data="x" * 70_000, content_type="application/json").status_code == 413
    # the trainer: link, page, phase buttons, report; and strangers with wrong secrets
    trainer_client = app.test_client()
    trainer_client.environ_base.update(CLIENT)
    assert trainer_client.get(f"/cohorts/{cohort_id}?token={trainer}").status_code == 303
    assert trainer_client.get(f"/cohorts/{cohort_id}").status_code == 200
    trainer_client.post(f"/cohorts/{cohort_id}/phases", data={"phase": "pre", "open": "0"})
    assert (
        client.get(f"/api/v1/cohorts/{cohort_id}/report", headers={"Authorization": f"Bearer {trainer}"}).status_code
        == 200
    )
    wrong = other["trainer_token"]
    assert client.get(f"/cohorts/{cohort_id}?token={wrong}").status_code == 404
    assert (
        client.get(f"/api/v1/cohorts/{cohort_id}/report", headers={"Authorization": f"Bearer {wrong}"}).status_code
        == 404
    )
    assert client.get("/api/v1/exports/submissions", headers={"Authorization": f"Bearer {trainer}"}).status_code == 401
    # the evaluator's exports in every form
    for query in ("format=csv", "format=jsonl", "format=zip", "format=zip&pooled=true&pseudonym_key=study-a"):
        for kind in ("submissions", "participants"):
            assert client.get(f"/api/v1/exports/{kind}?{query}", headers=EVALUATOR).status_code == 200
    # the coordinator rotates the trainer token and closes the cohort; late submissions are refused
    rotated = client.post(f"/api/v1/cohorts/{cohort_id}/trainer-token", headers=ADMIN).json["trainer_token"]
    assert trainer_client.get(f"/cohorts/{cohort_id}").status_code == 404
    assert client.post(f"/api/v1/cohorts/{cohort_id}/close", headers=ADMIN).status_code == 200
    late = refused | {"answers": {}, "participant_code": codes[2]}
    assert client.post(submissions, json=late).status_code == 409
    assert phone.get(f"/c/{cohort_id}").status_code == 410
    # the coordinator's console: a refused login, a login, a cohort, a new trainer link, closing
    console = app.test_client()
    console.environ_base.update(CLIENT)
    assert console.post("/admin/login", data={"token": trainer}).status_code == 401
    assert console.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]}).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', console.get("/admin").text).group(1)
    form = {"csrf": csrf, "bank": f"{BANK}@{VERSION}", "label": "Lviv, group 2", "language": "uk", "open_pre": "1"}
    console_link = re.search(r"token=([\w-]+)", console.post("/admin/cohorts", data=form).text).group(1)
    relinked = console.post(f"/admin/cohorts/{other['cohort_id']}/trainer-link", data={"csrf": csrf}).text
    console_links = [console_link, re.search(r"token=([\w-]+)", relinked).group(1)]
    console.post(f"/admin/cohorts/{other['cohort_id']}/close", data={"csrf": csrf, "confirm": "yes"})
    # a stored item that cannot be read: the one place an error is logged
    dynamodb.put_item(
        TableName=ENVIRONMENT["ASSESS_TABLE"],
        Item={"pk": {"S": f"COHORT#{cohort_id}"}, "sk": {"S": "SUB#broken#pre"}, "type": {"S": "submission"}},
    )
    assert client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=ADMIN).status_code == 500
    return {
        "tokens and secrets": [
            ENVIRONMENT["ASSESS_ADMIN_TOKEN"],
            ENVIRONMENT["ASSESS_EVALUATOR_TOKEN"],
            ENVIRONMENT["ASSESS_HMAC_KEY"],
            trainer,
            rotated,
            wrong,
            *console_links,
            csrf,
        ],
        "participant codes": [v for code in codes for v in (code, code.replace("-", ""), code.lower())] + [mistyped],
        "answers (question ids)": questions,
        "demographic values": DEMOGRAPHIC_VALUES,
        "free text": [FREE_TEXT],
        "addresses and user agents": ["203.0.113.77", "198.51.100.23", "198.51.100.24", "UA-MARKER-5521"],
    }


@pytest.fixture
def captured(caplog):
    """Every record at DEBUG from every logger, as the record's fields and as the JSON line the
    powertools handler writes (what CloudWatch would hold)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="assess")
    lines = io.StringIO()
    previous = logger.logger_handler.setStream(lines)
    try:
        yield caplog, lines
    finally:
        logger.logger_handler.setStream(previous)


def test_no_secret_code_answer_demographic_or_address_reaches_the_logs(captured):
    caplog, lines = captured
    with moto_app() as (app, dynamodb):
        forbidden = cohort_life(app, dynamodb)
    records = [json.dumps(record.__dict__, default=str, ensure_ascii=False) for record in caplog.records]
    text = "\n".join([*records, lines.getvalue()])
    # not vacuous: the service did log, and logged the things that are worth logging
    for message in (
        "cohort created",
        "submission stored",
        "export built",
        "trainer token rotated",
        "cohort closed",
        "console login",
    ):
        assert message in lines.getvalue()
    assert "unreadable stored item" in text
    found = {kind: [value for value in values if value in text] for kind, values in forbidden.items()}
    assert found == {kind: [] for kind in forbidden}
