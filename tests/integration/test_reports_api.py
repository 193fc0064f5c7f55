"""Evaluator reports over the API: one cohort, cohorts pooled, CSV; who may ask; what is refused."""

import csv
import dataclasses
import io

import pytest

from service.app import create_app
from service.domain.banks import BankRegistry
from service.domain.disclosure import disclose_report
from service.domain.report import cohort_report
from tests.conftest import ADMIN, EVALUATOR
from tests.factories import small_bank
from tests.integration.test_api_basics import create_cohort, submit

RIGHT = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}  # 4 of 4 points
HALF = {"q1": ["b"], "q3": ["a"], "q2": ["a"]}  # q1 right, q2 half (partial), q3 wrong: 1.5 of 4
WRONG = {"q1": ["a"]}  # 0 points


@pytest.fixture
def settings(settings):
    """These tests check the reports' arithmetic on classes of 2-4; k=1 leaves no cohort out (the
    disclosure rules have their own tests: test_insider_attacks.py, unit/test_disclosure.py)."""
    return dataclasses.replace(settings, k_anonymity=1)


@pytest.fixture
def two_versions_client(settings, store):
    """The small bank in two published versions, so that pooling across versions can be refused."""
    version_2 = dataclasses.replace(small_bank("partial"), version="2", sha256="1" * 64)
    return create_app(settings, store=store, banks=BankRegistry([small_bank("partial"), version_2])).test_client()


def class_of(client, pre_post_pairs, **cohort):
    """A cohort whose participants answered (pre, post-or-None); returns the cohort id."""
    cohort_id = create_cohort(client, **cohort)["cohort_id"]
    for pre, post in pre_post_pairs:
        taken = submit(client, cohort_id, pre)
        assert taken.status_code == 201, taken.json
        if post is not None:
            code = taken.json["participant_code"]
            assert submit(client, cohort_id, post, phase="post", participant_code=code).status_code == 201
    return cohort_id


def report(client, query: str, headers=EVALUATOR):
    return client.get(f"/api/v1/reports?{query}", headers=headers)


def test_one_cohorts_evaluator_report_has_the_trainers_numbers(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    for pre, post in [(WRONG, RIGHT), (HALF, RIGHT), (HALF, None)]:
        code = submit(small_client, cohort_id, pre).json["participant_code"]
        if post:
            submit(small_client, cohort_id, post, phase="post", participant_code=code)
    trainer = {"Authorization": f"Bearer {created['trainer_token']}"}
    trainers = small_client.get(f"/api/v1/cohorts/{cohort_id}/report", headers=trainer).json
    evaluators = report(small_client, f"cohort_id={cohort_id}")
    assert evaluators.status_code == 200
    added = {"cohort_ids", "cohorts_withheld", "cohorts", "cohort_rows_withheld", "paired_cohorts_withheld", "meta"}
    assert {name: evaluators.json[name] for name in trainers} == trainers
    assert set(evaluators.json) - set(trainers) == added
    assert evaluators.json["cohorts_withheld"] == {"n": 0}
    (row,) = evaluators.json["cohorts"]
    assert (row["cohort_id"], row["paired_n"], row["mean_gain"]) == (cohort_id, 2, trainers["paired"]["mean_gain"])
    assert row["gain_ci95"] == trainers["paired"]["gain_ci95"]
    assert evaluators.json["phases"]["pre"]["mean_percent"] == pytest.approx(100 * 3 / 3 / 4)  # 0, 1.5, 1.5 of 4
    assert evaluators.json["paired"]["n"] == 2


def test_pooled_report_covers_every_cohort_of_the_bank_version(small_client):
    kyiv = class_of(small_client, [(WRONG, RIGHT), (HALF, HALF)], region="Київська область")
    lviv = class_of(small_client, [(RIGHT, RIGHT), (WRONG, None)], region="Львівська область")
    pooled = report(small_client, "bank_id=small&bank_version=1").json
    assert sorted(pooled["cohort_ids"]) == sorted([kyiv, lviv])
    assert pooled["cohort_id"] is None
    assert (pooled["phases"]["pre"]["n"], pooled["phases"]["post"]["n"], pooled["paired"]["n"]) == (4, 3, 3)
    assert pooled["paired"]["pairing_rate"] == pytest.approx(3 / 4)
    assert pooled["paired"]["mean_gain"] == pytest.approx((100 + 0 + 0) / 3)
    named = report(small_client, f"cohort_id={kyiv}&cohort_id={lviv}").json
    assert named["phases"] == pooled["phases"] and named["paired"] == pooled["paired"]


def test_a_bank_version_without_cohorts_has_a_report_of_nulls(small_client):
    empty = report(small_client, "bank_id=small&bank_version=1")
    assert empty.status_code == 200
    assert empty.json["cohort_ids"] == [] and empty.json["phases"]["pre"]["mean_percent"] is None


@pytest.mark.parametrize(
    "headers", [{}, ADMIN, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}], ids=str
)
def test_reports_need_the_evaluator_token(small_client, headers):
    cohort_id = class_of(small_client, [(RIGHT, None)])
    for query in (f"cohort_id={cohort_id}", "bank_id=small&bank_version=1", "cohort_id=unknown"):
        response = report(small_client, query, headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"


def test_the_trainer_token_does_not_open_evaluator_reports(small_client):
    created = create_cohort(small_client)
    trainer = {"Authorization": f"Bearer {created['trainer_token']}"}
    assert report(small_client, f"cohort_id={created['cohort_id']}", headers=trainer).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "bank_version"),
        ("bank_id=small", "bank_version"),
        ("bank_version=1", "bank_id"),
        ("bank_id=small&bank_version=1&format=xlsx", "format"),
        ("bank_id=no%20spaces&bank_version=1", "bank_id"),
    ],
)
def test_bad_report_queries_are_refused_naming_the_field(small_client, query, field):
    response = report(small_client, query)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json


def test_unknown_cohort_or_bank_version_is_not_found(small_client):
    cohort_id = class_of(small_client, [(RIGHT, None)])
    for query in (
        "cohort_id=nosuchcohort",
        f"cohort_id={cohort_id}&cohort_id=nosuchcohort",
        "bank_id=small&bank_version=7",
    ):
        response = report(small_client, query)
        assert response.status_code == 404, query
        assert response.json["error"]["code"] == "not_found"


def test_cohorts_of_different_bank_versions_are_not_pooled(two_versions_client):
    first = class_of(two_versions_client, [(RIGHT, None)])
    second = class_of(two_versions_client, [(RIGHT, None)], bank_version="2")
    mixed = report(two_versions_client, f"cohort_id={first}&cohort_id={second}")
    assert mixed.status_code == 422
    assert "cohort_id" in mixed.json["error"]["fields"]
    other_bank = report(two_versions_client, f"cohort_id={first}&bank_version=2")
    assert other_bank.status_code == 422
    only_second = report(two_versions_client, "bank_id=small&bank_version=2").json
    assert only_second["cohort_ids"] == [second] and only_second["bank_version"] == "2"


def test_csv_report_has_one_row_per_figure_with_its_n(small_client):
    cohort_id = class_of(small_client, [(WRONG, RIGHT), (HALF, RIGHT), (RIGHT, RIGHT)])
    response = report(small_client, f"cohort_id={cohort_id}&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        *("bank_id", "bank_version", "cohorts", "section", "phase", "group", "figure", "value", "n"),
        "withheld",  # why a defined value is empty: a group under k (issue 13)
    ]
    by_key = {(row["section"], row["phase"], row["group"], row["figure"]): row for row in rows}
    mean_pre = by_key["phase", "pre", "", "mean_percent"]
    assert float(mean_pre["value"]) == pytest.approx(100 * 5.5 / 12) and mean_pre["n"] == "3"
    # One participant was perfect before: left out of the mean of individual normalized gains.
    individual = by_key["paired", "", "", "normalized_gain_mean"]
    assert individual["n"] == "2" and float(individual["value"]) == pytest.approx((1 + 1) / 2)
    assert by_key["paired", "", "", "normalized_gain_excluded"]["value"] == "1"
    assert by_key["item", "pre", "q1", "facility"]["value"] == repr(2 / 3)
    assert by_key["item", "post", "q1", "discrimination"]["value"] == ""  # everybody right: undefined
    assert all(row["cohorts"] == cohort_id for row in rows)


def test_openapi_describes_the_evaluator_report(small_client):
    document = small_client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/reports"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "bank_id",
        "bank_version",
        "cohort_id",
        "format",
        "lang",  # format=html: the printed report's language
    }
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Report"}
    assert "text/csv" in content
    schemas = document["components"]["schemas"]
    assert {"mean_gain", "gain_ci95", "normalized_gain_excluded"} <= set(schemas["Paired"]["properties"])
    assert {"facility_pre", "mcnemar_p", "flags"} <= set(schemas["Item"]["properties"])


def test_reports_read_scores_without_answers_and_get_the_same_numbers(small_app, store):
    client = small_app.test_client()
    cohort_id = class_of(client, [(WRONG, RIGHT), (HALF, RIGHT), (RIGHT, None)])
    full = list(store.cohort_submissions(cohort_id))
    scores = list(store.cohort_submissions(cohort_id, scores_only=True))
    assert any(s.answers for s in full) and all(s.answers == {} and s.demographics == {} for s in scores)
    assert [(s.participant_hash, s.phase, s.score) for s in scores] == [
        (s.participant_hash, s.phase, s.score) for s in full
    ]
    bank = small_app.extensions["assess"].banks.get("small", "1")
    evaluators = report(client, f"cohort_id={cohort_id}").json
    # every report passes through the disclosure control (issue 13): groups under k lose min and max
    expected = disclose_report(
        cohort_report(bank, full, cohort_id=cohort_id), small_app.extensions["assess"].settings.k_anonymity
    )
    assert {name: evaluators[name] for name in expected} == expected
    assert evaluators["cohort_ids"] == [cohort_id] and evaluators["cohorts_withheld"] == {"n": 0}
