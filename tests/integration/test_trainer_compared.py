"""The trainer page's "compared with other groups of this test": the summary of the other finished
groups only (never one of their rows), asked for by the page and never by the live poll."""

import dataclasses
import re
import time

import pytest

from service.app import create_app
from service.domain.banks import BankRegistry
from service.domain.cohort_comparison import compare_cohorts
from tests.conftest import ADMIN
from tests.factories import small_bank
from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_console_sessions import Clock
from tests.integration.test_pooled_reports import FEW_PAIRS, KYIV, LVIV, ODESA
from tests.integration.test_reports_api import HALF, RIGHT, WRONG, class_of
from tests.integration.test_trainer_page import trainer_login


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, k_anonymity=5)


@pytest.fixture
def clock():
    return Clock(time.time())


@pytest.fixture
def app(settings, store, clock):
    return create_app(settings, store=store, banks=BankRegistry([small_bank("partial")]), clock=clock)


def dynamodb_calls(store) -> list[tuple[str, dict]]:
    """Every DynamoDB call the store makes from now on, with its parameters."""
    calls = []
    store.client.meta.events.register(
        "provide-client-params.dynamodb", lambda params, model, **_: calls.append((model.name, params))
    )
    return calls


def finished(client, name, pairs, region):
    cohort_id = class_of(client, pairs, label=name, region=f"{region} область")
    assert client.post(f"/api/v1/cohorts/{cohort_id}/close", headers=ADMIN).status_code == 200
    return cohort_id


def own_cohort(client):
    """The trainer's cohort, still open, with three pairs; the client holds its trainer cookie."""
    created = create_cohort(client, label="Mine")
    for pre, post in [(WRONG, HALF), (HALF, RIGHT), (WRONG, RIGHT)]:
        code = submit(client, created["cohort_id"], pre).json["participant_code"]
        submit(client, created["cohort_id"], post, phase="post", participant_code=code)
    assert trainer_login(client, created).status_code == 303
    return created["cohort_id"]


@pytest.fixture
def programme(app):
    client = app.test_client()
    regions = ("Київська", "Львівська", "Одеська", "Полтавська")
    others = {
        name: finished(client, name, pairs, region)
        for (name, pairs), region in zip(
            (("Kyiv", KYIV), ("Lviv", LVIV), ("Odesa", ODESA), ("Few", FEW_PAIRS)), regions, strict=True
        )
    }
    return client, others


def section(html: str) -> str:
    found = re.search(r'<section class="compared".*?</section>', html, re.S)
    assert found, "no comparison section"
    return found.group(0)


def test_the_page_shows_the_other_finished_groups_summary_and_none_of_their_rows(app, store, programme):
    client, others = programme
    cohort_id = own_cohort(client)
    html = client.get(f"/cohorts/{cohort_id}?lang=en").get_data(as_text=True)
    shown = section(html)
    cohorts = [store.get_cohort(cohort_id) for cohort_id in others.values()]
    submissions = [sub for cohort in cohorts for sub in store.cohort_submissions(cohort.id, scores_only=True)]
    meta = compare_cohorts(cohorts, submissions, k=5).meta  # Few (3 pairs) is withheld: 3 groups
    assert meta["cohorts"] == 3 and meta["participants"] == 19
    assert f"{meta['estimate']:+.1f}" in shown and f"{meta['ci95'][0]:+.1f}" in shown
    assert "Groups: 3; people who took both tests: 19." in shown
    assert "<svg" in shown and "<title" in shown and "<desc" in shown and "<script" not in shown
    for name in others:
        assert name not in html  # no other group's name
    rows = compare_cohorts(cohorts, submissions, k=5).cohorts
    for row in rows:
        if row["mean_gain"] is not None:
            assert f"{row['mean_gain']:+.1f}" not in shown  # nor its mean change


def test_with_fewer_than_three_finished_groups_the_page_says_so(app):
    client = app.test_client()
    finished(client, "Kyiv", KYIV, "Київська")
    finished(client, "Lviv", LVIV, "Львівська")
    cohort_id = own_cohort(client)
    shown = section(client.get(f"/cohorts/{cohort_id}?lang=en").get_data(as_text=True))
    assert "Not enough other groups have finished" in shown and "<svg" not in shown


def test_the_live_poll_does_not_pay_for_the_comparison(app, store, programme):
    client, _ = programme
    cohort_id = own_cohort(client)
    calls = dynamodb_calls(store)
    assert client.get(f"/cohorts/{cohort_id}/live.json").status_code == 200
    assert calls and all(name != "Scan" and "IndexName" not in params for name, params in calls)
    assert all(cohort_id in str(params) for name, params in calls)  # only this cohort's partition
    calls.clear()
    client.get(f"/cohorts/{cohort_id}?lang=en")
    assert [name for name, params in calls if "IndexName" in params] == ["Query"]  # the page asks, once
    assert not [name for name, _ in calls if name == "Scan"]


def test_a_finished_groups_row_is_read_once_it_has_settled(app, store, programme, clock):
    client, others = programme
    cohort_id = own_cohort(client)
    calls = dynamodb_calls(store)

    def partitions_read() -> set[str]:
        read = {
            value["S"].removeprefix("COHORT#")
            for _, params in calls
            for value in params.get("ExpressionAttributeValues", {}).values()
            if value.get("S", "").startswith("COHORT#")
        }
        calls.clear()
        return read

    client.get(f"/cohorts/{cohort_id}?lang=en")
    assert set(others.values()) <= partitions_read()  # closed a moment ago: read, not kept
    clock.advance(3600)
    client.get(f"/cohorts/{cohort_id}?lang=en")
    assert set(others.values()) <= partitions_read()  # settled now: read once more and kept
    client.get(f"/cohorts/{cohort_id}?lang=en")
    assert not set(others.values()) & partitions_read()
