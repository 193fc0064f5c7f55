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
