"""The projector's debrief view (`?view=results`) and the live "N of expected answered": group figures
from the disclosed report only, nothing for fewer than k, the trainer's cookie required."""

import re

from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_trainer_page import trainer_login

RIGHT = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}
WRONG = {"q1": ["a"], "q2": ["b"], "q3": ["a"]}
Q3_ONLY = {"q1": ["a"], "q3": ["d"]}


def cohort_with(client, pairs, **overrides):
    created = create_cohort(client, **overrides)
    for pre, post in pairs:
        code = submit(client, created["cohort_id"], pre).json["participant_code"]
        if post is not None:
            submit(client, created["cohort_id"], post, phase="post", participant_code=code)
    return created


def results(client, created, lang="en"):
    return client.get(f"/cohorts/{created['cohort_id']}/projector?view=results&lang={lang}")


def test_the_debrief_needs_the_trainers_cookie(small_client):
    created = cohort_with(small_client, [(WRONG, RIGHT)] * 5)
    response = results(small_client, created)
    assert response.status_code == 404  # as for any cohort the browser has no cookie for
    assert "What changed" not in response.text


def test_fewer_than_k_show_no_figure_only_that_results_come_later(small_client):
    created = cohort_with(small_client, [(WRONG, RIGHT)] * 4)  # k = 5
    trainer_login(small_client, created)
    page = re.sub(r"<style>.*?</style>", "", results(small_client, created).text, flags=re.S)
    assert "Not enough answers yet: results appear once 5 people have taken a test." in page
    assert not re.search(r"\d%", page) and "Questions that moved most" not in page


def test_a_class_after_the_post_test_sees_means_the_change_topics_and_the_questions_that_moved(small_client):
    # 6 pairs: q1 and q2 go from 0% to 100% right, q3 from 50% to 100%.
    created = cohort_with(small_client, [(WRONG, RIGHT)] * 3 + [(Q3_ONLY, RIGHT)] * 3)
    trainer_login(small_client, created)
    response = results(small_client, created)
    assert response.status_code == 200
    page = response.text
    assert 'class="projector debrief"' in page
    headline = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Before 25% n = 6" in headline and "After 100% n = 6" in headline
    assert "Change +75 pp 6 of 6 improved" in headline
    assert 'id="topic-bars-title"' in page
    movers = re.findall(r'<li><span class="q">(\d+)\. ', page)
    assert movers == ["1", "2", "3"]  # q1 and q2 moved 100 points, q3 50
    assert "0% → 100%" in headline and "50% → 100%" in headline
    assert "(+50 pp)" in headline
    assert "participant code" not in page.lower()


def test_the_debrief_speaks_ukrainian(small_client):
    created = cohort_with(small_client, [(WRONG, RIGHT)] * 5)
    trainer_login(small_client, created)
    page = results(small_client, created, lang="uk").text
    assert "Що змінилося в цій групі" in page and "Питання, що змінилися найбільше" in page


def test_the_live_projector_shows_how_many_of_the_expected_have_answered(small_client):
    created = cohort_with(small_client, [(WRONG, None)] * 3, expected_participants=90)
    trainer_login(small_client, created)
    page = small_client.get(f"/cohorts/{created['cohort_id']}/projector?lang=en").text
    assert "<b>3 of 90</b> answered the test before the training" in page
    assert "<b>0 of 90</b> answered the test after the training" in page
    live = small_client.get(f"/cohorts/{created['cohort_id']}/live.json?lang=en").json
    assert "<b>3 of 90</b>" in live["html"]["answered"]
