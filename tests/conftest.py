"""Fixtures shared by every test: settings, a moto DynamoDB with the real table definition, the app."""

from __future__ import annotations

import contextlib

import boto3
import pytest
from moto import mock_aws

from service.app import create_app
from service.domain.banks import BankRegistry
from service.settings import Settings
from service.store.dynamodb import CLIENT_CONFIG, Store
from service.store.table import create_table
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


@pytest.fixture
def dynamodb(monkeypatch):
    """A moto DynamoDB holding the service's table, created from the same definition as everywhere."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-central-1", config=CLIENT_CONFIG)
        create_table(client, ENVIRONMENT["ASSESS_TABLE"])
        yield client


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
