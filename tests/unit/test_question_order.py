"""The order in which one participant sees the questions: a pure function of the bank, the cohort's
shuffle setting and the submission id."""

from service.domain.question_order import participant_order
from tests.factories import small_bank


def ids(questions) -> list[tuple[str, tuple[str, ...]]]:
    return [(q.id, tuple(option.id for option in q.options)) for q in questions]


def test_without_shuffling_everyone_sees_the_banks_order():
    bank = small_bank()
    assert ids(participant_order(bank, False, "any")) == ids(bank.questions)


def test_a_shuffled_order_is_the_same_for_the_same_submission_and_keeps_every_question_and_option():
    bank = small_bank()
    first = participant_order(bank, True, "7f3b1c1e-0000-4000-8000-000000000001")
    assert ids(first) == ids(participant_order(bank, True, "7f3b1c1e-0000-4000-8000-000000000001"))
    assert {q for q, _ in ids(first)} == {q.id for q in bank.questions}
    orders = {tuple(ids(participant_order(bank, True, f"submission-{n}"))) for n in range(20)}
    assert len(orders) > 1
