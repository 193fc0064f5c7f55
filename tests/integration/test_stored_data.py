"""Items the service did not write the way it writes them now (an older schema, a missing or
mistyped attribute): read with a documented default, or refused with a clear error in the SPEC.md
shape; never a 500 with a traceback, and a participant's answers still come back filled in."""

import pytest

from tests.conftest import ENVIRONMENT, EVALUATOR, all_items
from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_participant_pages import checked, form_fields

TABLE = ENVIRONMENT["ASSESS_TABLE"]


def stored(dynamodb, kind: str) -> dict:
    return next(item for item in all_items(dynamodb) if item["type"]["S"] == kind)


def rewrite(dynamodb, item: dict, drop=(), **replace) -> None:
    changed = {key: value for key, value in item.items() if key not in drop} | replace
    dynamodb.put_item(TableName=TABLE, Item=changed)


@pytest.fixture
def cohort(small_client):
    return create_cohort(small_client)


def report(client, cohort):
    headers = {"Authorization": f"Bearer {cohort['trainer_token']}", "Accept-Language": "en"}
    return client.get(f"/api/v1/cohorts/{cohort['cohort_id']}/report", headers=headers)


def assert_clear_500(response):
    assert response.status_code == 500
    assert "Traceback" not in response.text and "File " not in response.text
    if response.is_json:
        assert response.json["error"] == {
            "code": "stored_data_unreadable",
            "message": "Stored data could not be read. The team has been told.",
            "fields": {},
        }


def test_items_from_before_schema_versions_and_optional_attributes_read_with_defaults(small_client, cohort, dynamodb):
    submit(small_client, cohort["cohort_id"], {"q1": ["b"]})
    rewrite(dynamodb, stored(dynamodb, "cohort"), drop=("schema_version", "region", "phases"))
    rewrite(dynamodb, stored(dynamodb, "submission"), drop=("schema_version", "demographics", "by_topic"))
    page = small_client.get(f"/c/{cohort['cohort_id']}?phase=pre")
    assert page.status_code == 200 and 'name="phase" value="pre"' in page.text  # both phases open
    numbers = report(small_client, cohort)
    assert numbers.status_code == 200 and numbers.json["phases"]["pre"]["n"] == 1


@pytest.mark.parametrize(
    ("drop", "replace"),
    [
        (("points",), {}),
        ((), {"schema_version": {"N": "2"}}),
        ((), {"percent": {"S": "eighty"}}),
        ((), {"marks": {"L": []}}),
        ((), {"by_topic": {"M": {"t1": {"S": "half"}}}}),
        ((), {"confidence": {"M": {"q1": {"S": "yes"}}}}),
        ((), {"reaction": {"M": {"r-apply": {"BOOL": True}}}}),
    ],
    ids=[
        "missing-points",
        "newer-schema",
        "percent-as-text",
        "marks-as-list",
        "topic-as-text",
        "confidence-as-text",
        "reaction-as-bool",
    ],
)
def test_an_unreadable_submission_gives_a_clear_error_on_every_page_that_reads_it(
    small_client, cohort, dynamodb, drop, replace
):
    submit(small_client, cohort["cohort_id"], {"q1": ["b"]})
    rewrite(dynamodb, stored(dynamodb, "submission"), drop=drop, **replace)
    assert_clear_500(report(small_client, cohort))
    trainer_page = small_client.get(
        f"/cohorts/{cohort['cohort_id']}?token={cohort['trainer_token']}", follow_redirects=True
    )
    assert_clear_500(trainer_page)
    assert "Не вдалося прочитати збережені дані." in trainer_page.text


def test_unreadable_answers_give_a_clear_error_where_answers_are_read(small_client, cohort, dynamodb):
    """The report reads only the scores (a projection), so a mangled `answers` attribute does not stop
    the trainer's numbers; the export, which writes every answer out, refuses it clearly."""
    submit(small_client, cohort["cohort_id"], {"q1": ["b"]})
    rewrite(dynamodb, stored(dynamodb, "submission"), answers={"M": {"q1": {"N": "1"}}})
    assert report(small_client, cohort).status_code == 200
    exported = small_client.get(
        f"/api/v1/exports/submissions?cohort_id={cohort['cohort_id']}", headers=EVALUATOR | {"Accept-Language": "en"}
    )
    assert_clear_500(exported)


@pytest.mark.parametrize(
    ("drop", "replace"),
    [(("bank_id",), {}), ((), {"schema_version": {"N": "0"}}), ((), {"phases": {"S": "open"}})],
    ids=["missing-bank", "unknown-schema", "phases-as-text"],
)
def test_an_unreadable_cohort_gives_a_clear_page_and_json_error(small_client, cohort, dynamodb, drop, replace):
    rewrite(dynamodb, stored(dynamodb, "cohort"), drop=drop, **replace)
    assert_clear_500(small_client.get(f"/c/{cohort['cohort_id']}?phase=pre"))
    assert_clear_500(report(small_client, cohort))


def test_a_participant_whose_stored_answer_is_unreadable_gets_the_form_back_with_every_answer(
    small_client, cohort, dynamodb
):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text) | {"a.q1": "b", "a.q3": "d"}
    assert small_client.post(f"/c/{cohort_id}", data=fields).status_code == 200
    rewrite(dynamodb, stored(dynamodb, "submission"), drop=("submission_id",))
    again = small_client.post(f"/c/{cohort_id}", data=fields)  # a retry: it meets the unreadable item
    assert_clear_500(again)
    assert checked(again.text) == {("a.q1", "b"), ("a.q3", "d")}


def test_reaction_and_confidence_are_stored_only_when_given_and_read_back_as_written():
    """Issue 18's two optional parts: absent from an item without them (older items read as empty),
    and a rating comes back an int, not DynamoDB's Decimal."""
    import dataclasses

    from service.store.items import submission_from_item, submission_to_item
    from tests.factories import submission

    plain = submission("p1", "post")
    assert not {"reaction", "confidence"} & set(submission_to_item(plain))
    assert submission_from_item(submission_to_item(plain)) == plain

    given = dataclasses.replace(plain, reaction={"r-apply": 4, "r-useful": "cases"}, confidence={"q1": True})
    item = submission_to_item(given)
    assert item["reaction"] == {"M": {"r-apply": {"N": "4"}, "r-useful": {"S": "cases"}}}
    back = submission_from_item(item)
    assert back == given and type(back.reaction["r-apply"]) is int
