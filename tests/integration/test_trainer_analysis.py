"""The analysis part of the trainer's cohort page: charts with their n, words instead of numbers where the
data are too few, flagged questions explained, results by language; in English and Ukrainian."""

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from service.settings import Settings
from tests.conftest import ENVIRONMENT
from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_trainer_page import trainer_login

RIGHT = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}
Q1_ONLY = {"q1": ["b"]}
Q3_ONLY = {"q3": ["d"]}
NOTHING = {"q1": ["a"]}


@pytest.fixture
def settings():
    """These tests are about the page and its charts with hand-countable classes, so every figure
    is shown from one participant on (k = 1); disclosure control is tested in test_insider_attacks."""
    return dataclasses.replace(Settings.from_environment(dict(ENVIRONMENT)), k_anonymity=1)


def page_for(client, answers_by_participant, lang="en"):
    """The trainer page of a cohort where each participant answered (pre, post-or-None)."""
    created = create_cohort(client)
    cohort_id = created["cohort_id"]
    for pre, post, language in answers_by_participant:
        code = submit(client, cohort_id, pre, language=language).json["participant_code"]
        if post is not None:
            submit(client, cohort_id, post, phase="post", participant_code=code, language=language)
    trainer_login(client, created)
    response = client.get(f"/cohorts/{cohort_id}?lang={lang}")
    assert response.status_code == 200
    return response.text


def charts_in(page: str) -> dict[str, ET.Element]:
    """Each inline chart, parsed as XML, by the id of its title."""
    found = {}
    for svg in re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', page, re.DOTALL):
        root = ET.fromstring(svg)
        found[root.find("{http://www.w3.org/2000/svg}title").get("id")] = root
    return found


def test_a_class_after_the_post_test_gets_all_four_charts_with_their_n(small_client):
    page = page_for(
        small_client,
        [
            (NOTHING, RIGHT, "uk"),
            (Q1_ONLY, RIGHT, "uk"),
            (Q1_ONLY, Q1_ONLY, "en"),
            (Q3_ONLY, NOTHING, "uk"),
            (RIGHT, None, "en"),
        ],
    )
    assert set(charts_in(page)) == {"scores-title", "gains-title", "topics-title", "questions-title"}
    assert "before n = 5, after n = 4" in page
    assert "by how much their score changed (n = 4)" in page
    assert "Hollow dot: before (n = 5); filled dot: after (n = 4)" in page
    analysis = page.split('data-live="analysis"')[1].split("</section>")[0]
    assert "<script" not in analysis and "https://" not in analysis  # no chart script, no outside request


def test_flagged_questions_are_explained_one_sentence_per_flag(small_client):
    # q3 was right for all ten before and for nobody after: McNemar's p = 2^-9 (the only question that
    # changed both ways... q1 only rose), and 0 of 10 after is surely under 3 in 10; q2 stays at 0.
    page = page_for(small_client, [(Q3_ONLY, Q1_ONLY, "uk")] * 10)
    flagged = page.split("Questions to look at")[1].split("</ul>\n")[0]
    assert "3.</b> Question q3" in flagged
    assert "clearly more got this right before than after (McNemar" in flagged
    assert "Fewer than 3 in 10 of those who took both tests answered this correctly after the training." in flagged
    assert "Answered correctly: 100% before, 0% after." in flagged
    questions = charts_in(page)["questions-title"]
    assert "Flagged questions: 2, 3." in questions.find("{http://www.w3.org/2000/svg}desc").text


def test_a_few_participants_raise_no_flag_and_discrimination_says_why_it_is_not_judged(small_client):
    page = page_for(small_client, [(Q3_ONLY, Q1_ONLY, "uk"), (RIGHT, Q1_ONLY, "uk"), (NOTHING, Q1_ONLY, "uk")])
    assert "Questions to look at" not in page
    assert page.count("not judged: fewer than 30 took both tests") == 3


def test_too_few_participants_say_so_once_and_leave_a_dash_for_each_figure(small_client):
    page = page_for(small_client, [(RIGHT, None, "uk")])
    assert page.count("Not enough data yet") == 1
    assert "Not enough data yet: the answer needs participants who took both tests." in page
    assert set(charts_in(page)) == {"scores-title", "topics-title", "questions-title"}
    standard_deviation = re.search(r"Standard deviation</th>(.*?)</tr>", page).group(1)
    assert standard_deviation.count('<span title="not enough data">–</span>') == 2
    assert 'id="gain"' not in page  # no paired section full of dashes


def test_one_pair_has_a_change_but_no_interval(small_client):
    page = page_for(small_client, [(NOTHING, RIGHT, "uk")])
    assert "gains-title" in charts_in(page)
    assert re.search(r"Mean gain</th><td class=\"n\">\+100.0 pp", page)
    headline = page.split('data-live="headline"')[1].split("</section>")[0]
    assert "The 1 participant who took both tests went from 0% to 100%: +100.0 percentage points;" in headline
    assert "1 of 1 improved." in headline
    assert "need at least 2 participants with both tests whose changes differ" in page


def test_an_empty_cohort_shows_no_chart_and_says_once_that_there_is_not_enough_data(small_client):
    page = page_for(small_client, [])
    assert charts_in(page) == {}
    assert page.count("Not enough data yet: no one has taken a test.") == 1
    assert page.lower().count("not enough data") == 1


def test_results_are_broken_down_by_the_language_of_the_test(small_client):
    page = page_for(small_client, [(RIGHT, RIGHT, "en"), (NOTHING, RIGHT, "uk"), (Q1_ONLY, None, "uk")])
    languages = page.split("By language of the test")[1].split("</table>")[0]
    english = re.search(r"English</th>(.*?)</tr>", languages).group(1)
    assert re.findall(r">([^<>]+)<br><span class=\"hint\">n = (\d+)", english) == [("100.0%", "1"), ("100.0%", "1")]
    ukrainian = re.search(r"Українська</th>(.*?)</tr>", languages).group(1)
    assert re.findall(r"n = (\d+)", ukrainian) == ["2", "1"]


def test_the_page_and_its_charts_speak_ukrainian(small_client):
    page = page_for(
        small_client, [(Q3_ONLY, Q1_ONLY, "uk"), (RIGHT, Q1_ONLY, "uk"), (NOTHING, Q1_ONLY, "uk")], lang="uk"
    )
    assert "Чи спрацювало?" in page
    found = charts_in(page)
    assert found["scores-title"].find("{http://www.w3.org/2000/svg}title").text == "Результати до і після навчання"
    assert "Покращили: " in ET.tostring(found["gains-title"], encoding="unicode")
