"""JSON bodies no program of ours sends: nested without end, or carrying text that hides what it
says (control and bidi characters, lone surrogates). Each gets a 4xx in the API's error shape
naming what is wrong, never a 500 or a 503, and nothing is stored."""

from __future__ import annotations

import json
import re

import pytest

from service.app import api_app
from tests.conftest import ADMIN, all_items

# The web layer is what is under test here; one DynamoDB (moto's server) is enough to see nothing stored.
pytestmark = pytest.mark.parametrize("dynamodb", ["moto"], indirect=True)

JSON = {"Content-Type": "application/json"}
BODY_METHODS = ("POST", "PUT", "PATCH")


def json_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) of the JSON API that takes a body, path arguments filled in."""
    routes = []
    for rule in api_app(app).url_map.iter_rules():
        for method in sorted(set(rule.methods) & set(BODY_METHODS)):
            routes.append((method, re.sub(r"<(?:\w+:)?(\w+)>", "x1", rule.rule)))
    return routes


def test_every_json_route_is_found(small_app):
    paths = {path for _method, path in json_routes(small_app)}
    assert {"/api/v1/cohorts", "/api/v1/cohorts/x1/submissions", "/api/v1/imports/cohorts/x1"} <= paths


@pytest.mark.parametrize(
    "body", ["[" * 30_000, '{"a":' * 5_000, "[" * 33 + "]" * 33], ids=["30000 arrays", "5000 objects", "33 closed"]
)
def test_json_nested_deeper_than_32_is_refused_with_400_on_every_route(small_app, dynamodb, body):
    client = small_app.test_client()
    for method, path in json_routes(small_app):
        response = client.open(path, method=method, data=body, headers=ADMIN | JSON)
        assert response.status_code == 400, (method, path, response.status_code)
        assert response.json["error"]["code"] == "invalid_json", (method, path)
        assert set(response.json["error"]) == {"code", "message", "fields"}
    assert all_items(dynamodb) == []


def test_json_nested_32_deep_is_read_as_usual(small_client):
    body = {"bank_id": "small", "bank_version": "1", "label": "x", "colour": json.loads("[" * 31 + "]" * 31)}
    response = small_client.post("/api/v1/cohorts", json=body, headers=ADMIN)
    assert response.status_code == 422 and "colour" in response.json["error"]["fields"]


@pytest.mark.parametrize("body", [b"{not json", b'{"label": "\xff"}', b"[1, 2"], ids=["text", "latin-1", "cut"])
def test_unreadable_json_is_invalid_json_too(small_client, body):
    response = small_client.post("/api/v1/cohorts", data=body, headers=ADMIN | JSON)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


# --- free text: one line of visible characters, or 422 naming the field ---------------------------

HIDDEN = {
    "NUL": "\x00",
    "tab": "\t",
    "LF": "\n",
    "CR": "\r",
    "ESC": "\x1b",
    "DEL": "\x7f",
    "NEL": "\x85",
    "C1 end": "\x9f",
    "LRE": "\u202a",
    "RLE": "\u202b",
    "PDF": "\u202c",
    "LRO": "\u202d",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "RLI": "\u2067",
    "FSI": "\u2068",
    "PDI": "\u2069",
    "zero width space": "\u200b",
    "BOM": "\ufeff",
    "line separator": "\u2028",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "\udfff",
}
REGION = "Вінницька область"  # one of the configured regions (the default list)


def post_json(client, path: str, body: dict, headers: dict = ADMIN):
    """The body as a program sends it: JSON with \\u escapes, so lone surrogates travel too."""
    return client.post(path, data=json.dumps(body), headers=headers | JSON | {"Accept-Language": "en"})


def cohort_body(**fields) -> dict:
    return {"bank_id": "small", "bank_version": "1", "label": "Kyiv, group 1", "region": REGION} | fields


def assert_refused_naming(response, field: str, dynamodb) -> None:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "invalid_input"
    assert any(name == field or name.startswith(field + ".") for name in response.json["error"]["fields"]), (
        response.json
    )
    assert all_items(dynamodb) == []


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
@pytest.mark.parametrize("field", ["label", "region"])
def test_a_cohort_label_or_region_with_a_hidden_character_is_refused_naming_it(
    small_client, dynamodb, field, character
):
    text = {"label": "Kyiv, group 1", "region": REGION}[field]
    response = post_json(small_client, "/api/v1/cohorts", cohort_body(**{field: text[:4] + character + text[4:]}))
    assert_refused_naming(response, field, dynamodb)


@pytest.mark.parametrize(
    ("field", "value"),
    [("label", "x" * 121), ("region", "Atlantis"), ("region", "suppressed"), ("region", "Kyiv oblast")],
)
def test_over_long_labels_and_regions_not_configured_are_refused(small_client, dynamodb, field, value):
    assert_refused_naming(post_json(small_client, "/api/v1/cohorts", cohort_body(**{field: value})), field, dynamodb)


def test_a_configured_region_and_a_plain_label_are_stored(small_client, dynamodb):
    label = "Київ, група 3 — «поліція» (12.03)"
    response = post_json(small_client, "/api/v1/cohorts", cohort_body(label=label))
    assert response.status_code == 201
    stored = next(item for item in all_items(dynamodb) if item["sk"]["S"] == "COHORT")
    assert (stored["label"]["S"], stored["region"]["S"]) == (label, REGION)


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("language", {"language": "u\u202ek"}),
        ("participant_code", {"participant_code": "K7M\x00-2QX"}),
        ("answers", {"answers": {"q1\u2066": ["a"]}}),
        ("answers", {"answers": {"q1": ["a\ud800"]}}),
        ("demographics", {"demographics": {"role": "police\n"}}),
        ("demographics", {"demographics": {"ro\tle": "police"}}),
    ],
)
def test_submission_text_with_a_hidden_character_is_refused_naming_the_field(small_client, dynamodb, field, change):
    cohort_id = post_json(small_client, "/api/v1/cohorts", cohort_body()).json["cohort_id"]
    before = all_items(dynamodb)
    body = {"submission_id": "5b0c1e6e-8d7e-4f0a-9d3c-2b1f4c5e6a7b", "phase": "pre", "language": "uk"}
    response = post_json(small_client, f"/api/v1/cohorts/{cohort_id}/submissions", body | {"answers": {}} | change)
    assert response.status_code == 422 and any(name.startswith(field) for name in response.json["error"]["fields"])
    assert all_items(dynamodb) == before


@pytest.mark.parametrize("character", ["\x00", "\t", "\n", "\x85", "\u202e", "\u2067", "\u200b"])
def test_the_console_refuses_a_label_with_a_hidden_character_and_keeps_the_form(app, dynamodb, character):
    from tests.integration.test_admin_console import COHORT_FORM, TOKEN, csrf_of

    console = app.test_client()
    console.post("/admin/login", data={"token": TOKEN})
    form = COHORT_FORM | {"csrf": csrf_of(console.get("/admin")), "label": f"Kyiv{character}, group 1"}
    page = console.post("/admin/cohorts", data=form, headers={"Accept-Language": "en"})
    assert page.status_code == 422
    assert f"U+{ord(character):04X}" in page.text and 'value="1" checked' in page.text
    assert [item for item in all_items(dynamodb) if item["sk"]["S"] == "COHORT"] == []


@pytest.mark.parametrize("region", ["suppressed", "Kyiv oblast", "Вінницька область\u202e"])
def test_the_console_refuses_a_region_not_on_its_list(app, dynamodb, region):
    from tests.integration.test_admin_console import COHORT_FORM, TOKEN, csrf_of

    console = app.test_client()
    console.post("/admin/login", data={"token": TOKEN})
    form = COHORT_FORM | {"csrf": csrf_of(console.get("/admin")), "region": region}
    page = console.post("/admin/cohorts", data=form, headers={"Accept-Language": "en"})
    assert page.status_code == 422 and "Choose a region from the list" in page.text
    assert [item for item in all_items(dynamodb) if item["sk"]["S"] == "COHORT"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("label", "Room 4\u202e"), ("label", "Room\x00 4"), ("region", "Kyiv oblast"), ("region", "suppressed")],
)
def test_a_rooms_cohort_with_a_hidden_character_or_an_unknown_region_is_not_imported(
    small_client, dynamodb, field, value
):
    from dataclasses import replace

    from service.store.items import cohort_to_item
    from tests.factories import cohort

    sent = replace(cohort("room4", region=REGION), closed_at="2026-05-01T12:00Z", **{field: value})
    body = {"cohort": json.loads(json.dumps(cohort_to_item(sent)))}
    response = small_client.put("/api/v1/imports/cohorts/room4", json=body, headers=ADMIN)
    assert_refused_naming(response, field, dynamodb)
