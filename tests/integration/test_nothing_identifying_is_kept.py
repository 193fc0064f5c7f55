"""No stored item and no export row holds a participant code, a token, a secret, or anything a
participant tried to type as free text where only categories are allowed."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest

from service.domain import codes, linkage
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR, all_items, moto_app

BANK, VERSION = "online-child-safety", "2"
FREE_TEXT = [
    "Іван Петренко, сержант, Вінниця",
    "olena.koval@example.org",
    "+380 67 123 45 67",
    "Taras Shevchenko badge 4411",
    "my name is Oksana",
]


def form_fields(html: str) -> dict:
    """The form's hidden fields, sent as "send anyway" (past the list of unanswered questions)."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)) | {"anyway": "1"}


@pytest.fixture(scope="module")
def flow():
    with moto_app() as (app, dynamodb):
        yield cohort_life(app, dynamodb)


def cohort_life(app, dynamodb):
    """A cohort's life with every way a participant could try to leave a name behind."""
    client = app.test_client()
    secrets_seen = [ENVIRONMENT[name] for name in ("ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN", "ASSESS_HMAC_KEY")]
    created = client.post(
        "/api/v1/cohorts",
        json={
            "bank_id": BANK,
            "bank_version": VERSION,
            "label": "Vinnytsia, June",
            "region": "Вінницька область",
            "phases": {"pre": {"open": True}, "post": {"open": True}},
        },
        headers=ADMIN,
    ).json
    cohort_id = created["cohort_id"]
    secrets_seen.append(created["trainer_token"])
    submissions = f"/api/v1/cohorts/{cohort_id}/submissions"
    bank = app.extensions["assess"].banks.get(BANK, VERSION)
    first_question = bank.questions[0].id
    answered = {q.id: [q.options[0].id] for q in bank.questions}
    codes_seen = []
    for _person in range(6):
        body = {
            "submission_id": str(uuid.uuid4()),
            "phase": "pre",
            "language": "uk",
            "answers": answered,
            "demographics": {"role": "police", "experience": "gt5"},
        }
        codes_seen.append(client.post(submissions, json=body).json["participant_code"])
    for text in FREE_TEXT:  # free text where categories are asked: refused, never stored
        for demographics in ({"role": text}, {"full_name": text}):
            body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": answered}
            assert client.post(submissions, json=body | {"demographics": demographics}).status_code == 422
        body = {"submission_id": str(uuid.uuid4()), "phase": "post", "language": "uk", "answers": answered}
        assert client.post(submissions, json=body | {"participant_code": text[:20]}).status_code == 422
        assert (
            client.post(submissions, json=body | {"answers": answered | {first_question: [text[:60]]}}).status_code
            == 422
        )
        page = client.get(f"/c/{cohort_id}?phase=pre").text
        every = {f"a.{qid}": options[0] for qid, options in answered.items()}
        refused = client.post(f"/c/{cohort_id}", data=form_fields(page) | every | {"d.role": text, "d.name": text})
        assert refused.status_code == 422
    phone = app.test_client()
    page = phone.get(f"/c/{cohort_id}?phase=pre").text
    every = {f"a.{qid}": options[0] for qid, options in answered.items()}
    result = phone.post(
        f"/c/{cohort_id}", data=form_fields(page) | every | {"a." + first_question: "b", "d.role": "educator"}
    )
    codes_seen.append(re.search(r'class="code">([^<]+)<', result.text).group(1))
    for code in codes_seen:  # post-tests linked by code
        body = {"submission_id": str(uuid.uuid4()), "phase": "post", "language": "en", "answers": answered}
        assert client.post(submissions, json=body | {"participant_code": code.lower()}).status_code == 201
    before_rotation = all_items(dynamodb)
    rotated = client.post(f"/api/v1/cohorts/{cohort_id}/trainer-token", headers=ADMIN).json
    secrets_seen.append(rotated["trainer_token"])
    client.post(f"/api/v1/cohorts/{cohort_id}/close", headers=ADMIN)
    exports = [client.get("/api/v1/exports/submissions?format=csv&pooled=true", headers=EVALUATOR).text]
    for kind in ("submissions", "participants"):
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/{kind}?format=zip", headers=EVALUATOR).data))
        exports.extend(archive.read(name).decode("utf-8") for name in archive.namelist())
    stored = all_items(dynamodb)
    return {
        "codes": codes_seen,
        "secrets": secrets_seen,
        "exports": exports,
        "stored": stored,
        "before": before_rotation,
    }


def variants(code: str) -> set[str]:
    plain = code.replace("-", "")
    return {code, plain, code.lower(), plain.lower()}


def test_stored_items_hold_no_code_token_secret_or_free_text(flow):
    stored = json.dumps([flow["before"], flow["stored"]], ensure_ascii=False)
    assert len([item for item in flow["stored"] if item["type"]["S"] == "submission"]) == 14
    for code in flow["codes"]:
        assert not any(variant in stored for variant in variants(code)), code
    for secret in flow["secrets"]:
        assert secret not in stored
    for text in FREE_TEXT:
        assert text not in stored and text[:20] not in stored


def test_export_files_hold_no_code_token_secret_stored_hash_or_free_text(flow):
    exported = "\n".join(flow["exports"])
    assert len(flow["exports"]) == 1 + 2 * 5  # a pooled csv, and a zip of five files for both kinds
    for code in flow["codes"]:
        assert not any(variant in exported for variant in variants(code)), code
    for secret in flow["secrets"]:
        assert secret not in exported
    for text in FREE_TEXT:
        assert text not in exported
    stored_hashes = {item["participant_hash"]["S"] for item in flow["stored"] if "participant_hash" in item}
    submission_ids = {item["submission_id"]["S"] for item in flow["stored"] if "submission_id" in item}
    assert stored_hashes and not any(h in exported or h[:16] in exported for h in stored_hashes)
    assert not any(s in exported for s in submission_ids)


def test_a_stored_hash_cannot_be_turned_back_into_a_code_without_the_key(flow):
    stored = {item["participant_hash"]["S"] for item in flow["stored"] if "participant_hash" in item}
    cohort_id = flow["stored"][0]["cohort_id"]["S"]
    salt = next(item["linkage_salt"]["S"] for item in flow["before"] if "linkage_salt" in item)  # while open
    key = linkage.cohort_key(ENVIRONMENT["ASSESS_HMAC_KEY"].encode(), salt)  # the cohort's own key
    assert {codes.participant_hash(key, cohort_id, code) for code in flow["codes"]} == stored
    server_key = ENVIRONMENT["ASSESS_HMAC_KEY"].encode()  # the server secret alone is not enough
    assert not {codes.participant_hash(server_key, cohort_id, code) for code in flow["codes"]} & stored
    assert not {codes.participant_hash(b"another key", cohort_id, code) for code in flow["codes"]} & stored


def test_closing_the_cohort_destroys_its_linkage_key(flow):
    """Once closed for good, nobody (the operator with the server secret and the table included) can
    make the key the stored hashes were made with: its salt is gone from the only place it was."""
    assert any("linkage_salt" in item for item in flow["before"])
    assert not any("linkage_salt" in item for item in flow["stored"])


def test_times_are_stored_to_the_minute_only(flow):
    stamps = [
        item[name]["S"]
        for item in flow["stored"]
        for name in ("submitted_at", "created_at", "closed_at")
        if name in item
    ]
    assert len(stamps) == 14 + 2
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", stamp) for stamp in stamps), stamps
