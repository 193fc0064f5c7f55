from dataclasses import replace

import pytest

from service.domain.models import Topic, TopicScore
from service.domain.scoring import AnswerError, check_answers, question_mark, score_submission
from tests.factories import small_bank


@pytest.mark.parametrize(
    ("picked", "rule", "mark"),
    [
        (["a", "c"], "all_or_nothing", 1.0),
        (["a"], "all_or_nothing", 0.0),
        (["a", "c", "d"], "all_or_nothing", 0.0),
        (["a", "c"], "partial", 1.0),
        (["a"], "partial", 0.5),
        (["a", "c", "d"], "partial", 0.5),
        (["a", "d"], "partial", 0.0),
        (["b", "d"], "partial", 0.0),
        ([], "partial", 0.0),
    ],
)
def test_multiple_choice_marks_follow_the_bank_rule(picked, rule, mark):
    bank = small_bank(rule)
    assert question_mark(bank.question("q2"), picked, rule) == pytest.approx(mark)


@pytest.mark.parametrize("rule", ["all_or_nothing", "partial"])
def test_single_choice_earns_points_only_for_the_correct_option(rule):
    bank = small_bank(rule)
    assert question_mark(bank.question("q1"), ["b"], rule) == 1.0
    assert question_mark(bank.question("q1"), ["a"], rule) == 0.0


def test_percent_is_points_over_max_points_with_unanswered_earning_nothing():
    bank = small_bank("partial")
    score = score_submission(bank, {"q1": ("b",), "q2": ("a",)})
    assert score.points == pytest.approx(1.5)
    assert score.max_points == 4
    assert score.percent == pytest.approx(37.5)
    assert score.marks == {"q1": 1.0, "q2": 0.5, "q3": 0.0}
    assert score.by_topic["t1"].percent == pytest.approx(75.0)
    assert score.by_topic["t2"].percent == 0.0


def test_question_worth_two_points_counts_twice():
    score = score_submission(small_bank(), {"q3": ("d",)})
    assert score.points == 2
    assert score.percent == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"q9": ["a"]}, "q9", "no such question in this test"),
        ({"q1": ["z"]}, "q1", "an option that this question does not have"),
        ({"q1": ["a", "b"]}, "q1", "only one option may be chosen"),
    ],
)
def test_answers_outside_the_bank_are_refused_by_name(answers, field, message):
    with pytest.raises(AnswerError) as caught:
        check_answers(small_bank(), answers)
    assert caught.value.fields == {field: message}


def test_checked_answers_are_deduplicated_in_option_order():
    assert check_answers(small_bank(), {"q2": ["c", "a", "c"], "q1": []}) == {"q2": ("a", "c")}


@pytest.mark.parametrize(
    ("answers", "t1_points", "t2_points", "points"),
    [
        ({"q3": ("d",)}, 0.0, 2.0, 2.0),
        ({"q1": ("b",), "q2": ("a", "c"), "q3": ("d",)}, 2.0, 2.0, 4.0),
        ({"q1": ("a",), "q2": ("a",), "q3": ("c",)}, 0.5, 0.0, 0.5),
    ],
)
def test_topic_points_weigh_each_mark_by_its_questions_points(answers, t1_points, t2_points, points):
    score = score_submission(small_bank("partial"), answers)
    assert score.by_topic["t1"].points == pytest.approx(t1_points) and score.by_topic["t1"].max_points == 2
    assert score.by_topic["t2"].points == pytest.approx(t2_points) and score.by_topic["t2"].max_points == 2
    assert score.by_topic["t2"].percent == pytest.approx(50.0 * t2_points)
    assert score.points == pytest.approx(points) and score.percent == pytest.approx(25.0 * points)


def test_all_or_nothing_bank_gives_no_credit_for_a_partly_right_multiple_choice():
    score = score_submission(small_bank("all_or_nothing"), {"q1": ("b",), "q2": ("a",), "q3": ("d",)})
    assert score.marks == {"q1": 1.0, "q2": 0.0, "q3": 1.0}
    assert score.points == 3.0 and score.by_topic["t1"].points == 1.0 and score.by_topic["t1"].percent == 50.0


def test_a_topic_without_questions_is_left_out_of_the_topic_scores():
    bank = small_bank("partial")
    bank = replace(bank, topics=(*bank.topics, Topic("t3", bank.topics[0].label)))
    score = score_submission(bank, {"q1": ("b",)})
    assert set(score.by_topic) == {"t1", "t2"}
    assert score.by_topic["t1"] == TopicScore(1.0, 2.0, 50.0)


def test_every_bad_answer_is_named_at_once():
    # each kind of bad answer followed by another, so none of them ends the checking
    answers = {"q2": ["z"], "q1": ["a", "b"], "q9": ["a"], "q8": [], "q3": ["d"]}
    with pytest.raises(AnswerError) as caught:
        check_answers(small_bank(), answers)
    assert caught.value.fields == {
        "q2": "an option that this question does not have",
        "q1": "only one option may be chosen",
        "q9": "no such question in this test",
        "q8": "no such question in this test",
    }
    assert str(caught.value) == (
        "q2: an option that this question does not have; q1: only one option may be chosen; "
        "q9: no such question in this test; q8: no such question in this test"
    )


def test_a_topic_of_one_one_point_question_is_scored():
    bank = small_bank("partial")
    bank = replace(bank, questions=(*bank.questions[:2], replace(bank.questions[2], points=1)))
    assert score_submission(bank, {"q3": ("d",)}).by_topic["t2"] == TopicScore(1.0, 1.0, 100.0)
    assert score_submission(bank, {"q3": ("c",)}).by_topic["t2"] == TopicScore(0.0, 1.0, 0.0)
