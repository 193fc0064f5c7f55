"""Issue 15: the participant's test keeps the evidence clean. The right test at the right time, no
answer key before the post-test, no blank or forged tests, no cross-site submits, and a participant
who is never left without a way on."""

from __future__ import annotations

import re
import uuid

import pytest

from service.domain import codes
from tests.conftest import ADMIN, all_items
from tests.integration.test_api_basics import create_cohort, submit

WHY = re.compile(r"Why q\d")  # the small bank's explanations
ALL_RIGHT = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}


def form(phase: str, **answers) -> dict:
    fields = {"submission_id": str(uuid.uuid4()), "phase": phase, "lang": "en"}
    return fields | {f"a.{qid}": value for qid, value in answers.items()}


def both_open(client) -> str:
    return create_cohort(client, phases={"pre": {"open": True}, "post": {"open": True}})["cohort_id"]


def phases_of(dynamodb, cohort_id: str) -> dict[str, bool]:
    from service.store.items import cohort_from_item

    item = next(i for i in all_items(dynamodb) if i["pk"]["S"] == f"COHORT#{cohort_id}" and i["sk"]["S"] == "COHORT")
    return cohort_from_item(item).phases


NEVER_ISSUED = codes.code_from_seed(b"k" * 32, "never issued")  # well-formed, with its check character


def stored(dynamodb, cohort_id: str) -> list[dict]:
    return [i for i in all_items(dynamodb) if i["pk"]["S"] == f"COHORT#{cohort_id}" and i["sk"]["S"].startswith("SUB#")]


# --- phases ---------------------------------------------------------------------------------------


def test_a_new_cohort_opens_the_pre_test_only(small_client, dynamodb):
    created = small_client.post(
        "/api/v1/cohorts", json={"bank_id": "small", "bank_version": "1", "label": "Kyiv"}, headers=ADMIN
    ).json
    assert phases_of(dynamodb, created["cohort_id"]) == {"pre": True, "post": False, "follow_up": False}


def test_starting_the_post_test_closes_the_pre_test_in_one_step(small_client, dynamodb):
    created = small_client.post(
        "/api/v1/cohorts", json={"bank_id": "small", "bank_version": "1", "label": "Kyiv"}, headers=ADMIN
    ).json
    cohort_id = created["cohort_id"]
    small_client.get(f"/cohorts/{cohort_id}?token={created['trainer_token']}")
    page = small_client.get(f"/cohorts/{cohort_id}?lang=en")
    assert "Start the test after the training" in page.text
    started = small_client.post(f"/cohorts/{cohort_id}/phases", data={"start": "post"})
    assert started.status_code == 303
    assert phases_of(dynamodb, cohort_id) == {"pre": False, "post": True, "follow_up": False}


def test_both_tests_open_is_a_warned_choice_on_the_trainer_page(small_client):
    created = create_cohort(small_client, phases={"pre": {"open": True}, "post": {"open": True}})
    small_client.get(f"/cohorts/{created['cohort_id']}?token={created['trainer_token']}")
    page = small_client.get(f"/cohorts/{created['cohort_id']}?lang=en")
    assert "Both tests are open" in page.text


# --- which test ------------------------------------------------------------------------------------


def test_a_new_browser_with_both_tests_open_is_asked_which_test(small_client):
    cohort_id = both_open(small_client)
    page = small_client.get(f"/c/{cohort_id}?lang=en")
    assert page.status_code == 200
    assert "<form" not in page.text and 'name="a.q1"' not in page.text
    assert 'href="?phase=pre"' in page.text and 'href="?phase=post"' in page.text


def test_a_phone_with_a_code_goes_to_the_post_test_and_one_open_test_is_shown_at_once(small_client):
    cohort_id = both_open(small_client)
    small_client.post(f"/c/{cohort_id}", data=form("pre", q1="b", q2=["a", "c"]))
    assert 'name="phase" value="post"' in small_client.get(f"/c/{cohort_id}").text
    only_pre = create_cohort(small_client, phases={"pre": {"open": True}, "post": {"open": False}})["cohort_id"]
    assert 'name="phase" value="pre"' in small_client.get(f"/c/{only_pre}").text


# --- no key before the post-test -------------------------------------------------------------------


def test_the_pre_test_result_shows_score_topics_and_code_but_no_key(small_client):
    cohort_id = both_open(small_client)
    result = small_client.post(f"/c/{cohort_id}", data=form("pre", q1="a", q2=["a", "c"], q3="d"))
    assert result.status_code == 200
    assert "75%" in result.text and "Topic one" in result.text
    assert not WHY.search(result.text) and 'class="right"' not in result.text and 'class="wrong"' not in result.text
    again = small_client.get(f"/c/{cohort_id}/result?lang=en")
    assert not WHY.search(again.text)


def test_a_post_test_shows_the_review_and_a_closed_cohort_shows_it_to_everyone(small_client):
    cohort_id = both_open(small_client)
    small_client.post(f"/c/{cohort_id}", data=form("pre", q1="a", q2=["a", "c"]))
    post = small_client.post(f"/c/{cohort_id}", data=form("post", q1="b", q2=["a", "c"], q3="d"))
    assert post.status_code == 200 and WHY.search(post.text)

    other = create_cohort(small_client)["cohort_id"]
    small_client.post(f"/c/{other}", data=form("pre", q1="a", q2=["a", "c"]))
    small_client.post(f"/api/v1/cohorts/{other}/close", headers=ADMIN)
    ended = small_client.get(f"/c/{other}?lang=en")  # the linkage key is gone: the review is for all
    assert ended.status_code == 410 and WHY.search(ended.text) and "option b" in ended.text


# --- no blank tests --------------------------------------------------------------------------------


@pytest.fixture
def half_needed(settings, store):
    """The small bank with the default min_answered of 0.5: 2 of its 3 questions."""
    from service.app import create_app
    from service.domain.banks import BankRegistry
    from tests.factories import small_bank

    return create_app(settings, store=store, banks=BankRegistry([small_bank(min_answered=0.5)])).test_client()


def test_a_blank_form_is_never_stored_and_comes_back_saying_how_many_more(half_needed, dynamodb):
    small_client = half_needed
    cohort_id = create_cohort(small_client)["cohort_id"]
    blank = small_client.post(f"/c/{cohort_id}", data=form("pre") | {"anyway": "1"})
    assert blank.status_code == 422
    assert "Answer at least 2 of the 3 questions" in blank.text
    one = small_client.post(f"/c/{cohort_id}", data=form("pre", q1="b") | {"anyway": "1"})
    assert one.status_code == 422 and "1 more" in one.text
    assert 'value="b" checked' in one.text
    assert stored(dynamodb, cohort_id) == []
    refused = submit(small_client, cohort_id, {})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "too_few_answers"
    assert submit(small_client, cohort_id, {"q1": ["b"], "q3": ["d"]}).status_code == 201


# --- codes ---------------------------------------------------------------------------------------


def test_a_post_test_with_a_code_never_issued_here_is_refused(small_client, dynamodb):
    cohort_id = both_open(small_client)
    other_id = both_open(small_client)
    elsewhere = submit(small_client, other_id, ALL_RIGHT).json["participant_code"]
    for code in (elsewhere, NEVER_ISSUED):
        refused = submit(small_client, cohort_id, ALL_RIGHT, phase="post", participant_code=code)
        assert refused.status_code == 422 and refused.json["error"]["code"] == "unknown_code"
        page = small_client.post(f"/c/{cohort_id}", data=form("post", **ALL_RIGHT) | {"participant_code": code})
        assert page.status_code == 422 and "I lost my code" in page.text
    assert stored(dynamodb, cohort_id) == []
    lost = submit(small_client, cohort_id, ALL_RIGHT, phase="post")  # the lost-code path: unpaired
    assert lost.status_code == 201


def test_a_cohort_may_allow_typed_codes_without_a_pre_test(small_client):
    cohort_id = create_cohort(
        small_client, phases={"pre": {"open": True}, "post": {"open": True}}, allow_unpaired_codes=True
    )["cohort_id"]
    assert submit(small_client, cohort_id, ALL_RIGHT, phase="post", participant_code=NEVER_ISSUED).status_code == 201


# --- cross-site ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "null"},  # another origin of the site, no-referrer
        {"Origin": "https://evil.example"},  # a browser without Fetch Metadata
    ],
)
def test_a_submit_from_another_site_is_refused_with_the_answers_kept(small_client, dynamodb, headers):
    cohort_id = create_cohort(small_client)["cohort_id"]
    refused = small_client.post(f"/c/{cohort_id}", data=form("pre", q1="b", q2=["a", "c"]), headers=headers)
    assert refused.status_code == 403
    assert 'value="b" checked' in refused.text
    assert not any(c.startswith(f"code_{cohort_id}=") for c in refused.headers.getlist("Set-Cookie"))
    assert stored(dynamodb, cohort_id) == []
    api = small_client.post(
        f"/api/v1/cohorts/{cohort_id}/submissions",
        json={"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": ALL_RIGHT},
        headers=headers,
    )
    assert api.status_code == 403


def test_the_same_site_and_clients_without_those_headers_may_submit(small_client):
    cohort_id = create_cohort(small_client)["cohort_id"]
    own = {"Sec-Fetch-Site": "same-origin", "Origin": "https://assess.example.org"}
    assert small_client.post(f"/c/{cohort_id}", data=form("pre", **ALL_RIGHT), headers=own).status_code == 200
    our_page = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}  # what our no-referrer pages send
    assert (
        small_client.post(
            f"/c/{cohort_id}", data=form("pre", **ALL_RIGHT) | {"new_participant": "1"}, headers=our_page
        ).status_code
        == 200
    )
    assert submit(small_client, cohort_id, ALL_RIGHT).status_code == 201


def test_a_second_pre_test_on_the_same_phone_asks_before_replacing_its_code(small_client):
    cohort_id = create_cohort(small_client)["cohort_id"]
    first = small_client.post(f"/c/{cohort_id}", data=form("pre", **ALL_RIGHT))
    code = re.search(r'class="code">([0-9A-Z-]{11})<', first.text).group(1)
    second = small_client.post(f"/c/{cohort_id}", data=form("pre", q1="a", q2=["b"], q3="a"))
    assert second.status_code == 409 and "already sent the test before the training" in second.text
    assert not any(c.startswith(f"code_{cohort_id}=") for c in second.headers.getlist("Set-Cookie"))
    assert 'value="a" checked' in second.text
    confirmed = small_client.post(
        f"/c/{cohort_id}", data=form("pre", q1="a", q2=["b"], q3="a") | {"new_participant": "1"}
    )
    assert confirmed.status_code == 200
    assert re.search(r'class="code">([0-9A-Z-]{11})<', confirmed.text).group(1) != code


# --- already done --------------------------------------------------------------------------------


def test_a_second_post_test_says_it_was_sent_and_links_the_result(small_client):
    cohort_id = both_open(small_client)
    first = small_client.post(f"/c/{cohort_id}", data=form("pre", **ALL_RIGHT))
    code = {"participant_code": re.search(r'class="code">([0-9A-Z-]{11})<', first.text).group(1)}
    assert small_client.post(f"/c/{cohort_id}", data=form("post", **ALL_RIGHT) | code).status_code == 200
    again = small_client.post(f"/c/{cohort_id}", data=form("post", q1="a", q2=["b"], q3="a") | code)
    assert again.status_code == 409
    assert "You have already sent this test" in again.text and f"/c/{cohort_id}/result" in again.text
    assert "press the button again" not in again.text
    reopened = small_client.get(f"/c/{cohort_id}?lang=en")
    assert "You have taken both tests" in reopened.text and f"/c/{cohort_id}/result" in reopened.text
    assert 'name="a.q1"' not in reopened.text
