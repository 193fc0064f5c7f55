"""Fixtures shared by every test: settings, a local DynamoDB (moto, then dynalite) with the real table
definition, the app."""

from __future__ import annotations

import contextlib

import boto3
import pytest
from moto import mock_aws

from service.app import create_app
from service.domain.banks import BankRegistry
from service.settings import Settings
from service.store.dynamodb import CLIENT_CONFIG, Store, dynamodb_client
from service.store.table import create_table
from tests import dynamodb_endpoints as endpoints
from tests.factories import small_bank

ENVIRONMENT = {
    "ASSESS_HMAC_KEY": "test-hmac-key-that-is-long-enough",
    "ASSESS_ADMIN_TOKEN": "test-admin-token-that-is-long-enough",
    "ASSESS_EVALUATOR_TOKEN": "test-evaluator-token-long-enough",
    "ASSESS_TABLE": "assess-test",
    "AWS_REGION": "eu-central-1",
    "ASSESS_PUBLIC_URL": "https://assess.example.org",
}
ADMIN = {"Authorization": f"Bearer {ENVIRONMENT['ASSESS_ADMIN_TOKEN']}"}
EVALUATOR = {"Authorization": f"Bearer {ENVIRONMENT['ASSESS_EVALUATOR_TOKEN']}"}


@pytest.fixture
def settings() -> Settings:
    return Settings.from_environment(dict(ENVIRONMENT))


@pytest.fixture(scope="session")
def dynamodb_endpoints():
    """The DynamoDB implementations started so far in this run, by name; stopped at the end."""
    started: dict[str, endpoints.Endpoint] = {}
    yield started
    for endpoint in started.values():
        endpoint.stop()


@pytest.fixture(params=["moto", "dynalite"])
def dynamodb(request, monkeypatch, dynamodb_endpoints):
    """A client of a local DynamoDB (moto's server, then dynalite) holding a fresh copy of the
    service's table, made from the same definition as everywhere. The client is the service's own
    (same retries and timeouts), reached as the service would: through ASSESS_DYNAMODB_ENDPOINT."""
    if request.param == "dynalite" and (problem := endpoints.dynalite_problem()):
        if "Node.js" in problem:
            pytest.skip(problem)
        pytest.fail(problem)
    if request.param not in dynamodb_endpoints:
        start = endpoints.start_dynalite if request.param == "dynalite" else endpoints.start_moto
        dynamodb_endpoints[request.param] = start()
    endpoint = dynamodb_endpoints[request.param].url
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("ASSESS_DYNAMODB_ENDPOINT", endpoint)
    # mock_aws stays on so that nothing reaches real AWS; requests to a local endpoint pass through it.
    with mock_aws():
        client = dynamodb_client(ENVIRONMENT["AWS_REGION"], endpoint)
        _drop_table(client)
        create_table(client, ENVIRONMENT["ASSESS_TABLE"])
        yield client
        _drop_table(client)


def _drop_table(client) -> None:
    try:
        client.delete_table(TableName=ENVIRONMENT["ASSESS_TABLE"])
    except client.exceptions.ResourceNotFoundException:
        return
    client.get_waiter("table_not_exists").wait(
        TableName=ENVIRONMENT["ASSESS_TABLE"], WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )


@pytest.fixture
def store(dynamodb) -> Store:
    return Store(dynamodb, ENVIRONMENT["ASSESS_TABLE"])


@pytest.fixture
def app(settings, store):
    """The app on the shipped, published question banks."""
    return create_app(settings, store=store)


@pytest.fixture
def small_app(settings, store):
    """The app on a three-question bank whose numbers are easy to work out by hand."""
    return create_app(settings, store=store, banks=BankRegistry([small_bank("partial")]))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def small_client(small_app):
    return small_app.test_client()


def all_items(dynamodb) -> list[dict]:
    """Every stored item (tests may scan; the service never does)."""
    pages = dynamodb.get_paginator("scan").paginate(TableName=ENVIRONMENT["ASSESS_TABLE"])
    return [item for page in pages for item in page["Items"]]


@contextlib.contextmanager
def moto_app(banks: BankRegistry | None = None):
    """An app over a fresh moto table, for module-scoped fixtures (the fixtures above build both per
    test); yields (app, DynamoDB client)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_PROFILE", raising=False)
        with mock_aws():
            client = boto3.client("dynamodb", region_name="eu-central-1", config=CLIENT_CONFIG)
            create_table(client, ENVIRONMENT["ASSESS_TABLE"])
            store = Store(client, ENVIRONMENT["ASSESS_TABLE"])
            yield create_app(Settings.from_environment(dict(ENVIRONMENT)), store=store, banks=banks), client
