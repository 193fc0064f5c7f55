"""Form posts no page of ours sends: fields missing, repeated, oversized, wrongly encoded or
hostile. Each gets a clear answer, the answers come back filled in (where the body could be read
at all), nothing is stored, and nothing sent is shown again unescaped or with hidden characters."""

import re
import uuid
from urllib.parse import quote

import pytest

from tests.conftest import all_items
from tests.integration.test_api_basics import create_cohort
from tests.integration.test_participant_pages import checked, form_fields

# The web layer is what is under test here; one DynamoDB (moto's server) is enough to see nothing stored.
pytestmark = pytest.mark.parametrize("dynamodb", ["moto"], indirect=True)

ANSWERS = {"a.q1": "b", "a.q2": ["a", "c"], "a.q3": "d"}
KEPT = {("a.q1", "b"), ("a.q2", "a"), ("a.q2", "c"), ("a.q3", "d")}
HIDDEN = ["\u202e", "\u202d", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00", "\x1b"]


@pytest.fixture
def cohort_id(small_client):
    return create_cohort(small_client)["cohort_id"]


@pytest.fixture
def fields(small_client, cohort_id):
    return form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text)


def submissions(dynamodb):
    return [item for item in all_items(dynamodb) if item["type"]["S"] == "submission"]


def post_raw(client, cohort_id, body: bytes):
    return client.post(f"/c/{cohort_id}", data=body, content_type="application/x-www-form-urlencoded")


def encode(pairs) -> bytes:
    return "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs).encode()


def pairs_of(fields: dict, answers: dict = ANSWERS) -> list[tuple[str, str]]:
    merged = fields | answers
    return [(k, v) for k, values in merged.items() for v in ([values] if isinstance(values, str) else values)]


def assert_refused_keeping_answers(page, dynamodb, kept=KEPT):
    assert page.status_code == 422, page.text[:300]
    assert 'role="alert"' in page.text
    assert checked(page.text) == kept
    assert submissions(dynamodb) == []


@pytest.mark.parametrize("missing", ["submission_id", "phase"])
def test_a_missing_control_field_is_refused_with_the_answers_kept(small_client, cohort_id, fields, dynamodb, missing):
    del fields[missing]
    page = small_client.post(f"/c/{cohort_id}", data=fields | ANSWERS)
    assert_refused_keeping_answers(page, dynamodb)
    assert re.search(r'name="submission_id" value="[0-9a-f-]{36}"', page.text)  # a fresh one, to press again
    again = small_client.post(f"/c/{cohort_id}", data=form_fields(page.text) | ANSWERS)
    assert again.status_code == 200 and len(submissions(dynamodb)) == 1


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("submission_id", [str(uuid.uuid4()), str(uuid.uuid4())]),
        ("phase", ["pre", "post"]),
        ("participant_code", ["K7M-2QX-9PA", "AAA-AAA-AAA"]),
        ("d.role", ["police", "other"]),
        ("lang", ["uk", "en"]),
    ],
)
def test_a_control_field_sent_twice_is_refused_with_the_answers_kept(
    small_client, cohort_id, fields, dynamodb, name, values
):
    pairs = [pair for pair in pairs_of(fields) if pair[0] != name] + [(name, value) for value in values]
    assert_refused_keeping_answers(post_raw(small_client, cohort_id, encode(pairs)), dynamodb)


def test_two_choices_for_a_single_choice_question_are_refused_with_the_answers_kept(
    small_client, cohort_id, fields, dynamodb
):
    page = small_client.post(f"/c/{cohort_id}", data=fields | ANSWERS | {"a.q1": ["a", "b"]})
    assert page.status_code == 422
    assert {("a.q1", "a"), ("a.q1", "b"), ("a.q3", "d")} <= checked(page.text)
    assert submissions(dynamodb) == []


@pytest.mark.parametrize(
    "value",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "z" * 5000, "\u202eb", "b\u200b\u200b", "\x00b"],
    ids=["script", "attribute-break", "oversized", "rtl-override", "zero-width", "nul"],
)
def test_a_hostile_option_value_is_refused_and_never_shown_raw(small_client, cohort_id, fields, dynamodb, value):
    page = small_client.post(f"/c/{cohort_id}", data=fields | ANSWERS | {"a.q3": value})
    assert page.status_code == 422
    assert submissions(dynamodb) == []
    body = page.text
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "z" * 21 not in body  # an unknown option is shown short, if at all
    assert not any(char in body for char in HIDDEN)
    assert {("a.q1", "b"), ("a.q2", "a"), ("a.q2", "c")} <= checked(body)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_hidden_characters_in_a_typed_code_are_dropped_not_echoed(small_client, cohort_id, dynamodb, hidden):
    pre = small_client.post(
        f"/c/{cohort_id}", data=form_fields(small_client.get(f"/c/{cohort_id}?phase=pre").text) | ANSWERS
    )
    code = re.search(r'class="code">([^<]+)<', pre.text)[1]
    small_client.delete_cookie(f"code_{cohort_id}", path=f"/c/{cohort_id}")
    post = form_fields(small_client.get(f"/c/{cohort_id}?phase=post").text)
    typed = code[:3] + hidden + code[3:]
    page = small_client.post(f"/c/{cohort_id}", data=post | ANSWERS | {"participant_code": typed})
    assert page.status_code == 200, page.text[:500]  # the code is the code, hidden characters aside
    assert re.search(r'class="code">([^<]+)<', page.text)[1] == code
    assert hidden not in page.text
    assert len(submissions(dynamodb)) == 2


def test_a_hostile_code_is_refused_escaped_without_hidden_characters(small_client, cohort_id, dynamodb):
    post = form_fields(small_client.get(f"/c/{cohort_id}?phase=post").text)
    hostile = '"><script>alert(1)</script>\u202e'
    page = small_client.post(f"/c/{cohort_id}", data=post | ANSWERS | {"participant_code": hostile})
    assert_refused_keeping_answers(page, dynamodb)
    assert "<script>" not in page.text and "\u202e" not in page.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/"' in page.text  # cut to 20 characters, escaped


@pytest.mark.parametrize(
    "raw",
    [b"a.q3=%FF%FE", b"a.q3=%C0%BC", b"a.q3=%E0%80%BC", b"a.q3=%ED%A0%80", b"a.q3=d%C0"],
    ids=["not-utf8", "overlong-2", "overlong-3", "surrogate", "truncated"],
)
def test_a_wrongly_encoded_answer_is_refused_with_the_other_answers_kept(
    small_client, cohort_id, fields, dynamodb, raw
):
    others = [pair for pair in pairs_of(fields) if pair[0] != "a.q3"]
    page = post_raw(small_client, cohort_id, encode(others) + b"&" + raw)
    assert page.status_code == 422
    assert checked(page.text) == {("a.q1", "b"), ("a.q2", "a"), ("a.q2", "c")}
    assert "<script" not in page.text.split("</form>")[0].split("<form")[0]  # nothing decoded into markup
    assert submissions(dynamodb) == []


def test_a_wrongly_encoded_field_name_is_ignored(small_client, cohort_id, fields, dynamodb):
    page = post_raw(small_client, cohort_id, encode(pairs_of(fields)) + b"&a.%FF%C0=b&%C0%AE%C0%AE=x")
    assert page.status_code == 200
    assert len(submissions(dynamodb)) == 1


def test_a_body_over_the_limit_is_refused_with_a_clear_page(small_client, cohort_id, fields, dynamodb):
    page = small_client.post(f"/c/{cohort_id}", data=fields | ANSWERS | {"participant_code": "x" * 70_000})
    assert page.status_code == 413
    assert "<h1>" in page.text and "Запит завеликий." in page.text
    assert submissions(dynamodb) == []


def test_thousands_of_options_for_one_question_are_refused_naming_a_few(small_client, cohort_id, fields, dynamodb):
    body = encode(pairs_of(fields)) + b"".join(b"&a.q1=x%d" % i for i in range(4000))
    page = post_raw(small_client, cohort_id, body)
    assert page.status_code == 422
    assert page.text.count("x1") < 10 and len(page.text) < 20_000
    assert submissions(dynamodb) == []


def test_thousands_of_unknown_fields_are_ignored(small_client, cohort_id, fields, dynamodb):
    body = encode(pairs_of(fields)) + b"".join(b"&z%d=1" % i for i in range(4000))
    assert post_raw(small_client, cohort_id, body).status_code == 200
    assert len(submissions(dynamodb)) == 1
