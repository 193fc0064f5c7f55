"""What changed between bank versions, and which items stay comparable."""

from dataclasses import replace

from service.authoring.diff import diff_banks
from service.domain.models import Option
from tests.factories import question, small_bank, texts


def with_questions(bank, *questions, **changes):
    return replace(bank, questions=tuple(questions), version="2", **changes)


def test_a_reworded_option_changes_an_item_and_a_new_explanation_does_not():
    old = small_bank()
    q1, q2, q3 = old.questions
    reworded = replace(q1, options=(q1.options[0], replace(q1.options[1], text=texts("better")), *q1.options[2:]))
    explained = replace(q3, explanation=texts("A clearer why"))
    diff = diff_banks(old, with_questions(old, reworded, q2, explained))
    assert [(c.question_id, c.aspects, c.comparable) for c in diff.changed] == [
        ("q1", ("options_reworded",), False),
        ("q3", ("explanation",), True),
    ]
    assert diff.unchanged == ("q2",) and diff.comparable == ("q2", "q3")
    assert diff.changed[0].options_reworded == ("b",)


def test_added_removed_correct_points_topic_and_type_are_reported_with_old_and_new():
    old = small_bank()
    q1, q2, _ = old.questions
    changed = replace(q2, points=2.0, topic="t2", options=(*q2.options[:3], Option("e", texts("new"), True)))
    new_q = question("q4", "t1", "single", "a")
    diff = diff_banks(old, with_questions(old, replace(q1, type="multiple"), changed, new_q))
    assert diff.added == ("q4",) and diff.removed == ("q3",)
    by_id = {c.question_id: c for c in diff.changed}
    assert by_id["q1"].type == ("single", "multiple")
    assert by_id["q2"].points == (1, 2.0) and by_id["q2"].topic == ("t1", "t2")
    assert by_id["q2"].options_added == ("e",) and by_id["q2"].options_removed == ("d",)
    assert by_id["q2"].correct == (("a", "c"), ("a", "c", "e"))
    assert diff.comparable == ()


def test_a_new_scoring_rule_makes_multiple_answer_items_incomparable():
    old = small_bank("all_or_nothing")
    diff = diff_banks(old, replace(old, version="2", scoring="partial"))
    assert diff.scoring == ("all_or_nothing", "partial")
    assert diff.changed == () and diff.comparable == ("q1", "q3")
