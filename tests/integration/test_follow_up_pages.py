"""The follow-up, the reaction and the sure marks on the pages (issue 18): a phone goes from the
pre-test to the post-test (with its reaction and marks) to the follow-up on one link; a failed
submit gives every part back; the trainer page shows retention, the reaction once the post-test is
closed, and the misconceptions that persisted."""

from __future__ import annotations

import re

import pytest

from service.app import create_app
from service.domain.banks import BankRegistry
from tests.factories import reaction_bank
from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_follow_up import open_phases
from tests.integration.test_participant_pages import form_fields


@pytest.fixture
def app(settings, store):
    return create_app(settings, store=store, banks=BankRegistry([reaction_bank()]))


def test_a_phone_takes_the_pre_test_then_the_post_test_with_its_reaction_then_the_follow_up(app):
    api = app.test_client()
    cohort_id = create_cohort(api, phases={"pre": {"open": True}})["cohort_id"]
    phone = app.test_client()
    page = phone.get(f"/c/{cohort_id}").text
    assert "Тест до навчання" in page and 'name="s.q1"' in page and 'name="r.r-apply"' not in page
    sent = phone.post(f"/c/{cohort_id}", data=form_fields(page) | {"a.q1": "b", "s.q1": "1"})
    code = re.search(r'id="participant-code"[^>]*>([^<]+)<', sent.text).group(1)

    open_phases(api, cohort_id, pre=False, post=True)
    page = phone.get(f"/c/{cohort_id}").text
    assert "Тест після навчання" in page and "Про навчання (за бажанням)" in page and code in page
    post = form_fields(page) | {"participant_code": code, "a.q1": "b", "a.q3": "d", "s.q3": "0"}
    wrong = phone.post(f"/c/{cohort_id}", data=post | {"r.r-apply": "9", "r.r-useful": "law"})
    assert wrong.status_code == 422
    # every part comes back: answers, marks, the reaction as given
    assert 'name="a.q3" value="d" checked' in wrong.text and 'name="s.q3" value="0" checked' in wrong.text
    assert 'name="r.r-useful" value="law" checked' in wrong.text
    done = phone.post(f"/c/{cohort_id}", data=post | {"r.r-apply": "4", "r.r-useful": "law"})
    assert done.status_code == 200 and "До і після навчання" in done.text

    assert "Ви пройшли обидва тести" in phone.get(f"/c/{cohort_id}").text
    open_phases(api, cohort_id, post=False, follow_up=True)
    page = phone.get(f"/c/{cohort_id}").text
    assert "Повторний тест через деякий час після навчання" in page and code in page
    assert "Про навчання" not in page
    later = phone.post(f"/c/{cohort_id}", data=form_fields(page) | {"participant_code": code, "a.q1": "b"})
    assert later.status_code == 200 and "До, після і зараз" in later.text and "Зараз" in later.text
    assert "Ви пройшли всі тести" in phone.get(f"/c/{cohort_id}").text


def test_a_phone_without_a_code_is_asked_which_of_the_open_tests(app):
    api = app.test_client()
    cohort_id = create_cohort(api, phases={"pre": {"open": True}, "follow_up": {"open": True}})["cohort_id"]

    page = app.test_client().get(f"/c/{cohort_id}").text

    assert 'href="?phase=pre"' in page and 'href="?phase=follow_up"' in page and 'href="?phase=post"' not in page


def test_the_trainer_sees_retention_the_reaction_after_the_post_test_and_persisting_misconceptions(app):
    api = app.test_client()
    created = create_cohort(api)
    cohort_id = created["cohort_id"]
    open_phases(api, cohort_id, follow_up=True)
    for i in range(6):
        code = submit(api, cohort_id, {"q1": ["a"], "q3": ["d"]}).json["participant_code"]
        post = {"q1": ["a"] if i < 3 else ["b"], "q3": ["d"]}
        sure = {"q1": True, "q3": True}
        sent = submit(
            api, cohort_id, post, phase="post", participant_code=code, reaction={"r-apply": 4 + i % 2}, confidence=sure
        )
        assert sent.status_code == 201, sent.json
        submit(api, cohort_id, {"q1": ["b"]}, phase="follow_up", participant_code=code)
    trainer = app.test_client()
    trainer.get(f"/cohorts/{cohort_id}?token={created['trainer_token']}")

    open_page = trainer.get(f"/cohorts/{cohort_id}").text
    assert "Чи зберігаються знання?" in open_page and "<svg" in open_page
    assert "Що учасники думають про навчання" not in open_page  # the post-test is still open

    open_phases(api, cohort_id, post=False, follow_up=False)
    page = trainer.get(f"/cohorts/{cohort_id}").text
    assert "Що учасники думають про навчання" in page and "100%" in page  # everyone rated 4 or 5
    assert "Хибні уявлення, що лишилися" in page and "3 впевнено, але неправильно після" in page
    assert "n = 6" in page
