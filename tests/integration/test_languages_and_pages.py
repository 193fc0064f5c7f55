"""Language choice, plural forms, locale numbers, unanswered questions and compression, through the app."""

import gzip
import re
import uuid

import brotli
import pytest
from flask_babel import ngettext

from service.web import i18n
from tests.conftest import all_items
from tests.integration.test_api_basics import create_cohort
from tests.integration.test_participant_pages import checked, form_fields


@pytest.fixture
def cohort(small_client):
    return create_cohort(small_client)


def test_a_language_link_is_remembered_for_the_next_pages(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    assert '<html lang="en">' in small_client.get(f"/c/{cohort_id}?lang=en").text
    assert small_client.get_cookie("lang").value == "en"
    assert '<html lang="en">' in small_client.get(f"/c/{cohort_id}?phase=pre").text
    assert '<html lang="en">' in small_client.get("/c/nosuchcohort").text  # error pages too


def test_the_cohort_language_comes_before_the_browsers_and_an_explicit_choice_before_both(small_client):
    cohort_id = create_cohort(small_client, language="en")["cohort_id"]
    ukrainian_browser = {"Accept-Language": "uk-UA,uk;q=0.9"}
    assert '<html lang="en">' in small_client.get(f"/c/{cohort_id}", headers=ukrainian_browser).text
    small_client.get(f"/c/{cohort_id}?lang=uk")
    assert '<html lang="uk">' in small_client.get(f"/c/{cohort_id}?phase=pre").text


def test_pages_without_a_cohort_follow_accept_language_ukrainian_first(small_client):
    assert '<html lang="en">' in small_client.get("/c/nosuch", headers={"Accept-Language": "en-GB,en"}).text
    assert '<html lang="uk">' in small_client.get("/c/nosuch", headers={"Accept-Language": "de"}).text


def test_every_page_kind_has_a_language_switch(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    test_page = small_client.get(f"/c/{cohort_id}?phase=post").text
    assert 'name="switch_lang" value="en"' in test_page
    assert 'href="/c/nosuch?lang=en"' in small_client.get("/c/nosuch").text
    result = small_client.post(f"/c/{cohort_id}", data=form_fields(test_page) | {"a.q1": "b"})
    assert f'href="/c/{cohort_id}/result?lang=en"' in result.text


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 питання."),
        (2, "2 питання."),
        (4, "4 питання."),
        (5, "5 питань."),
        (11, "11 питань."),
        (21, "21 питання."),
        (22, "22 питання."),
        (25, "25 питань."),
        (111, "111 питань."),
    ],
)
def test_ukrainian_question_counts_take_the_right_plural_form(small_app, count, expected):
    with small_app.test_request_context("/"):
        i18n.use_language("uk")
        assert ngettext("%(num)s question.", "%(num)s questions.", count) == expected


def test_the_page_counts_its_questions_in_the_participants_language(small_client, cohort):
    assert "3 питання." in small_client.get(f"/c/{cohort['cohort_id']}?phase=pre").text
    assert "3 questions." in small_client.get(f"/c/{cohort['cohort_id']}?lang=en&phase=pre").text


def test_fractional_points_are_shown_with_a_decimal_comma_in_ukrainian(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)
    result = small_client.post(f"/c/{cohort_id}", data=fields | {"a.q2": "a", "anyway": "1"})  # half of q2 (partial)
    assert "0,5 бала із 4" in result.text
    assert "12%" in result.text  # 12.5 rounded half to even, as everywhere in Babel
    english = small_client.get(f"/c/{cohort_id}/result?lang=en")
    assert "0.5 points of 4" in english.text


def test_json_field_messages_are_in_the_requests_language(small_client, cohort):
    body = {"submission_id": str(uuid.uuid4()), "phase": "middle", "answers": {}}
    response = small_client.post(f"/api/v1/cohorts/{cohort['cohort_id']}/submissions", json=body)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "phase": "Має бути одним із: pre, post, follow_up.",
        "language": "Обов’язкове поле не заповнено.",
    }
    english = small_client.post(
        f"/api/v1/cohorts/{cohort['cohort_id']}/submissions", json=body, headers={"Accept-Language": "en"}
    )
    assert english.json["error"]["fields"]["phase"] == "Must be one of: pre, post, follow_up."


def test_unanswered_questions_are_pointed_out_once_and_every_answer_is_kept(small_client, cohort, dynamodb):
    cohort_id = cohort["cohort_id"]
    page = small_client.get(f"/c/{cohort_id}?phase=pre").text
    fields = form_fields(page) | {"check_unanswered": "1", "a.q2": ["a", "c"], "d.role": "police"}
    again = small_client.post(f"/c/{cohort_id}", data=fields)
    assert again.status_code == 200
    assert "2 питання ще без відповіді:" in again.text
    assert re.findall(r'<a href="#(q-q\d)"', again.text) == ["q-q1", "q-q3"]
    assert checked(again.text) == {("a.q2", "a"), ("a.q2", "c")}
    assert 'value="police" checked' in again.text
    assert not [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]
    sent = small_client.post(f"/c/{cohort_id}", data=fields | {"anyway": "1"})
    assert 'class="code">' in sent.text
    assert len([item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]) == 1


def test_a_complete_form_goes_straight_through(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text) | {"check_unanswered": "1"}
    result = small_client.post(f"/c/{cohort_id}", data=fields | {"a.q1": "b", "a.q2": "a", "a.q3": "d"})
    assert 'class="code">' in result.text


def test_the_result_page_can_be_opened_again_from_this_phone(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    assert small_client.get(f"/c/{cohort_id}/result").status_code == 303  # nothing sent yet
    fields = form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)
    code = re.search(r'class="code">([^<]+)<', small_client.post(f"/c/{cohort_id}", data=fields | {"a.q1": "b"}).text)[
        1
    ]
    again = small_client.get(f"/c/{cohort_id}/result?lang=en")
    assert again.status_code == 200 and f'class="code">{code}<' in again.text and '<html lang="en">' in again.text
    assert "already sent this test" in small_client.get(f"/c/{cohort_id}?phase=pre").text


def test_the_post_test_says_what_to_do_when_the_code_is_lost(small_client, cohort):
    page = small_client.get(f"/c/{cohort['cohort_id']}?phase=post&lang=en").text
    assert "Lost your code? Leave this field empty" in page
    assert '<label for="participant_code">' in page


def test_a_tampered_code_cookie_does_not_break_the_result_page(small_client, cohort):
    cohort_id = cohort["cohort_id"]
    small_client.set_cookie(f"code_{cohort_id}", "not-a-code", path=f"/c/{cohort_id}")
    assert small_client.get(f"/c/{cohort_id}/result").status_code == 303


@pytest.mark.parametrize(("accepted", "encoding"), [("br, gzip", "br"), ("gzip", "gzip"), ("", None)])
def test_pages_are_compressed_when_the_client_accepts_it(small_client, cohort, accepted, encoding):
    response = small_client.get(f"/c/{cohort['cohort_id']}", headers={"Accept-Encoding": accepted})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers.get("Vary", "")
    body = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](response.data)
    assert body.startswith(b"<!doctype html>")


def test_the_test_page_needs_no_other_request_to_render(small_client, cohort):
    page = small_client.get(f"/c/{cohort['cohort_id']}?phase=pre").text
    assert not re.search(r"<link[^>]+stylesheet|<img|<script(?![^>]*defer)|@import|url\(", page)
    assert '<link rel="icon" href="data:,">' in page  # no favicon request either


def test_numbers_written_in_a_template_follow_the_language_of_each_render(small_app):
    """Jinja folds a filter on a constant at compile time; ours must wait for the request's language."""
    template = small_app.jinja_env.from_string(
        "{{ 0.001|number(3) }} {{ 0.25|fraction_percent(1) }} {{ 2.5|signed(1) }}"
    )
    rendered = {}
    for language in ("en", "uk", "en"):
        with small_app.test_request_context("/"):
            i18n.use_language(language)
            rendered.setdefault(language, set()).add(template.render())
    assert rendered == {"en": {"0.001 25.0% +2.5"}, "uk": {"0,001 25,0% +2,5"}}
