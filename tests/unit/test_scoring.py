import pytest

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
