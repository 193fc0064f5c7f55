"""The delayed follow-up test and the participants' reaction through the JSON API (issue 18): the
follow-up is closed until opened, takes the code of an earlier test, and refuses an unknown one as
the post-test does; the reaction comes with the post-test only, and sure / not sure marks only where
the bank asks for them."""

from __future__ import annotations

import pytest

from service.app import create_app
from service.domain import codes
from service.domain.banks import BankRegistry
from tests.conftest import ADMIN, all_items
from tests.factories import reaction_bank
from tests.integration.test_api_basics import create_cohort, submit


@pytest.fixture
def api(settings, store):
    return create_app(settings, store=store, banks=BankRegistry([reaction_bank()])).test_client()


def open_phases(client, cohort_id: str, **phases: bool):
    response = client.patch(f"/api/v1/cohorts/{cohort_id}", json={"phases": phases}, headers=ADMIN)
    assert response.status_code == 200, response.json
    return response.json


def test_the_follow_up_is_closed_until_opened_and_then_takes_an_earlier_tests_code(api):
    cohort_id = create_cohort(api)["cohort_id"]
    assert open_phases(api, cohort_id, pre={"open": True})["phases"]["follow_up"] == {"open": False}
    code = submit(api, cohort_id, {"q1": ["b"]}).json["participant_code"]

    closed = submit(api, cohort_id, {"q1": ["b"]}, phase="follow_up", participant_code=code)
    assert closed.status_code == 403 and closed.json["error"]["code"] == "phase_closed"

    assert open_phases(api, cohort_id, follow_up=True)["phases"]["follow_up"] == {"open": True}
    later = submit(api, cohort_id, {"q1": ["b"], "q3": ["d"]}, phase="follow_up", participant_code=code)
    assert later.status_code == 201 and later.json["phase"] == "follow_up"
    assert later.json["participant_code"] == code


def test_a_follow_up_with_a_code_that_took_no_earlier_test_here_is_refused(api, dynamodb):
    cohort_id = create_cohort(api, phases={"pre": {"open": True}, "follow_up": {"open": True}})["cohort_id"]
    submit(api, cohort_id, {"q1": ["b"]})
    before = all_items(dynamodb)

    never_given = codes.code_from_seed(b"k" * 32, "never given here")  # a well-formed code nobody holds

    refused = submit(api, cohort_id, {"q1": ["b"]}, phase="follow_up", participant_code=never_given)

    assert refused.status_code == 422 and refused.json["error"]["code"] == "unknown_code"
    assert all_items(dynamodb) == before


def test_a_follow_up_with_a_real_code_from_another_cohort_is_refused(api):
    first, second = create_cohort(api)["cohort_id"], create_cohort(api)["cohort_id"]
    open_phases(api, second, follow_up=True)
    code = submit(api, first, {"q1": ["b"]}).json["participant_code"]

    refused = submit(api, second, {"q1": ["b"]}, phase="follow_up", participant_code=code)

    assert refused.status_code == 422 and refused.json["error"]["code"] == "unknown_code"


def test_the_reaction_is_stored_with_the_post_test_and_refused_elsewhere(api, dynamodb):
    cohort_id = create_cohort(api)["cohort_id"]
    code = submit(api, cohort_id, {"q1": ["b"]}).json["participant_code"]

    with_pre = submit(api, cohort_id, {"q1": ["b"]}, reaction={"r-apply": 5})
    assert with_pre.status_code == 422 and with_pre.json["error"]["fields"] == {"reaction": "post-test only"}

    wrong = submit(
        api, cohort_id, {"q1": ["b"]}, phase="post", participant_code=code, reaction={"r-apply": 6, "r-useful": "x"}
    )
    assert wrong.status_code == 422
    assert wrong.json["error"]["fields"] == {
        "reaction.r-apply": "a whole number from 1 to 5",
        "reaction.r-useful": "choose one of the listed options",
    }

    sent = submit(
        api,
        cohort_id,
        {"q1": ["b"], "q2": ["a"]},
        phase="post",
        participant_code=code,
        reaction={"r-apply": 4, "r-useful": "law"},
        confidence={"q1": True, "q2": False, "q3": True},
    )
    assert sent.status_code == 201, sent.json
    post = next(item for item in all_items(dynamodb) if item.get("phase", {}).get("S") == "post")
    assert post["reaction"] == {"M": {"r-apply": {"N": "4"}, "r-useful": {"S": "law"}}}
    # a mark beside an unanswered question (q3) is not kept: it says nothing about an answer
    assert post["confidence"] == {"M": {"q1": {"BOOL": True}, "q2": {"BOOL": False}}}


def test_sure_marks_are_refused_where_the_bank_does_not_ask_for_them(small_client):
    cohort_id = create_cohort(small_client)["cohort_id"]

    refused = submit(small_client, cohort_id, {"q1": ["b"]}, confidence={"q1": True})

    assert refused.status_code == 422 and refused.json["error"]["fields"] == {"confidence": "not asked in this test"}
