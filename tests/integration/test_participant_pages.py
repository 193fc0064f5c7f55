"""The phone pages through the real app: form in, result out, answers never lost."""

import re

import pytest

from tests.conftest import all_items
from tests.integration.test_api_basics import create_cohort


def form_fields(html: str) -> dict:
    return {
        "submission_id": re.search(r'name="submission_id" value="([^"]+)"', html).group(1),
        "phase": re.search(r'name="phase" value="([^"]+)"', html).group(1),
        "lang": re.search(r'name="lang" value="([^"]+)"', html).group(1),
    }


def checked(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'name="(a\.[^"]+)" value="([^"]+)" checked', html))


@pytest.fixture
def cohort(small_client):
    return create_cohort(small_client)


def test_page_is_in_ukrainian_by_default_and_english_on_request(small_client, cohort):
    page = small_client.get(f"/c/{cohort['cohort_id']}?phase=pre")
    assert page.status_code == 200
    assert '<html lang="uk">' in page.text
    assert "Question q1 (uk)" in page.text
    english = small_client.get(f"/c/{cohort['cohort_id']}?lang=en&phase=pre")
    assert '<html lang="en">' in english.text and "Question q1" in english.text


def test_page_never_contains_correct_flags_or_explanations(small_client, cohort):
    page = small_client.get(f"/c/{cohort['cohort_id']}?phase=pre").text
    assert "correct" not in page.lower()
    assert "Why q1" not in page


def test_pre_test_submit_shows_score_and_code_and_sets_the_cohort_cookie(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)
    result = small_client.post(f"/c/{cohort_id}", data=fields | {"a.q1": "b", "a.q2": ["a", "c"], "d.role": "police"})
    assert result.status_code == 200
    code = re.search(r'class="code">([0-9A-Z-]{11})<', result.text).group(1)
    assert "50%" in result.text  # q1 + q2 = 2 of 4 points
    cookie = small_client.get_cookie(f"code_{cohort_id}", path=f"/c/{cohort_id}")
    assert cookie.value == code and cookie.http_only


def test_post_test_prefills_the_code_from_the_cookie_and_shows_pre_vs_post(small_client, cohort, dynamodb):
    cohort_id = cohort["cohort_id"]
    pre = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)
    small_client.post(f"/c/{cohort_id}", data=pre | {"a.q1": "b"})
    code = small_client.get_cookie(f"code_{cohort_id}", path=f"/c/{cohort_id}").value
    page = small_client.get(f"/c/{cohort_id}")  # this phone holds a code: the post-test
    assert 'name="phase" value="post"' in page.text
    assert f'value="{code}"' in page.text
    post = form_fields(page.text)
    result = small_client.post(
        f"/c/{cohort_id}", data=post | {"participant_code": code, "a.q1": "b", "a.q2": ["a", "c"], "a.q3": "d"}
    )
    assert result.status_code == 200
    assert "25%" in result.text and "100%" in result.text and "+75" in result.text
    assert "Why q1 (uk)" in result.text  # explanations only after the post-test
    hashes = {item["participant_hash"]["S"] for item in all_items(dynamodb) if item["type"]["S"] == "submission"}
    assert len(hashes) == 1


def test_a_typed_code_links_a_post_test_taken_on_another_phone(small_app, cohort):
    first_phone, second_phone = small_app.test_client(), small_app.test_client()
    cohort_id = cohort["cohort_id"]
    pre = form_fields(first_phone.get(f"/c/{cohort_id}?phase=pre").text)
    code = re.search(r'class="code">([^<]+)<', first_phone.post(f"/c/{cohort_id}", data=pre | {"a.q1": "a"}).text)[1]
    post = form_fields(second_phone.get(f"/c/{cohort_id}?phase=post").text)
    typed = code.lower().replace("-", " ")
    result = second_phone.post(f"/c/{cohort_id}", data=post | {"participant_code": typed, "a.q1": "b"})
    assert result.status_code == 200
    assert "+25" in result.text


def test_failed_submit_gives_every_answer_back_filled_in(small_client, cohort, dynamodb):
    cohort_id = cohort["cohort_id"]
    post = form_fields(small_client.get(f"/c/{cohort_id}?phase=post").text)
    answers = {"a.q1": "b", "a.q2": ["a", "c"], "a.q3": "d"}
    result = small_client.post(f"/c/{cohort_id}", data=post | answers | {"participant_code": "AAA-AAA-AAB"})
    assert result.status_code == 422
    assert "Схоже, код введено з помилкою" in result.text  # a capital, and shown once
    assert result.text.count("код введено з помилкою") == 1
    assert checked(result.text) == {("a.q1", "b"), ("a.q2", "a"), ("a.q2", "c"), ("a.q3", "d")}
    assert 'value="AAA-AAA-AAB"' in result.text
    assert f'name="submission_id" value="{post["submission_id"]}"' in result.text
    assert not [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]


def test_switching_language_keeps_the_answers(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)
    page = small_client.post(f"/c/{cohort_id}", data=fields | {"a.q1": "c", "switch_lang": "en"})
    assert '<html lang="en">' in page.text
    assert checked(page.text) == {("a.q1", "c")}


def test_resubmitting_the_same_form_shows_the_same_result_and_stores_once(small_client, cohort, dynamodb):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text) | {"a.q1": "b"}
    first = small_client.post(f"/c/{cohort_id}", data=fields)
    small_client.delete_cookie(f"code_{cohort_id}", path=f"/c/{cohort_id}")
    second = small_client.post(f"/c/{cohort_id}", data=fields)
    code = re.compile(r'class="code">([^<]+)<')
    assert code.search(first.text)[1] == code.search(second.text)[1]
    assert len([item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]) == 1


def test_closed_phases_give_a_clear_page(small_client):
    cohort_id = create_cohort(small_client, phases={"pre": {"open": False}, "post": {"open": False}})["cohort_id"]
    page = small_client.get(f"/c/{cohort_id}?phase=pre")
    assert page.status_code == 403
    assert "<h1>" in page.text and "form" not in page.text.split("<main")[1]


def test_unknown_cohort_is_a_404_page(small_client):
    page = small_client.get("/c/nosuchcohort")
    assert page.status_code == 404
    assert "<h1>" in page.text


def test_hostile_text_is_never_reflected_unescaped(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=post").text)
    page = small_client.post(f"/c/{cohort_id}", data=fields | {"participant_code": "<script>alert(1)</script>"})
    assert "<script>alert" not in page.text
    assert page.status_code == 422


def test_a_form_error_is_translated_once_and_shown_as_text(small_app):
    from flask import render_template_string

    from service.errors import N_, InvalidInput
    from service.web.participant_form import ShownError

    problems = {"submission_id": N_("missing or not valid"), "a.q1": "100% <b>sure</b>"}
    with small_app.test_request_context("/?lang=uk"):
        shown = ShownError.of(InvalidInput(N_("the form did not arrive as the page sent it"), problems))
        html = render_template_string("{{ error.message }}|{{ error.details|join('|') }}", error=shown)
    message, *details = html.split("|")
    assert message == "Форма надійшла не такою, якою її надіслала сторінка"
    assert details == ["відсутнє або неправильне", "100% &lt;b&gt;sure&lt;/b&gt;"]
