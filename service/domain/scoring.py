"""Scoring a submission against the bank version its cohort is pinned to (SPEC.md "Question banks")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from service.domain.models import Bank, Question, Score, TopicScore
from service.errors import N_


class AnswerError(ValueError):
    """Answers that name questions or options the bank does not have; `fields` says which."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in fields.items()))
        self.fields = fields


def check_answers(bank: Bank, answers: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Return the answers normalised (deduplicated, in option order), or raise AnswerError naming every bad one."""
    problems: dict[str, str] = {}
    normalised: dict[str, tuple[str, ...]] = {}
    for question_id, picked in answers.items():
        question = bank.question(question_id)
        if question is None:
            problems[question_id] = N_("no such question in this test")
            continue
        unknown = [option_id for option_id in picked if option_id not in question.option_ids]
        if unknown:
            problems[question_id] = N_("an option that this question does not have")
            continue
        chosen = tuple(option_id for option_id in question.option_ids if option_id in set(picked))
        if question.type == "single" and len(chosen) > 1:
            problems[question_id] = N_("only one option may be chosen")
            continue
        if chosen:
            normalised[question_id] = chosen
    if problems:
        raise AnswerError(problems)
    return normalised


def question_mark(question: Question, picked: Sequence[str], rule: str) -> float:
    """The share (0–1) of a question's points that the picked options earn under the bank's rule."""
    chosen = set(picked)
    correct = question.correct_ids
    if not chosen:
        return 0.0
    if question.type == "single" or rule == "all_or_nothing":
        return 1.0 if chosen == correct else 0.0
    right = len(chosen & correct)
    wrong = len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


def score_submission(bank: Bank, answers: Mapping[str, Sequence[str]]) -> Score:
    """Score answers (already checked) question by question, in total and per topic."""
    marks: dict[str, float] = {}
    topic_points = {topic_id: 0.0 for topic_id in bank.topic_ids()}
    topic_max = {topic_id: 0.0 for topic_id in bank.topic_ids()}
    for question in bank.questions:
        mark = question_mark(question, answers.get(question.id, ()), bank.scoring)
        marks[question.id] = mark
        topic_points[question.topic] += mark * question.points
        topic_max[question.topic] += question.points
    points = sum(marks[q.id] * q.points for q in bank.questions)
    by_topic = {
        topic_id: TopicScore(
            topic_points[topic_id], topic_max[topic_id], _percent(topic_points[topic_id], topic_max[topic_id])
        )
        for topic_id in bank.topic_ids()
        if topic_max[topic_id] > 0
    }
    return Score(points, bank.max_points, _percent(points, bank.max_points), by_topic, marks)


def _percent(points: float, max_points: float) -> float:
    return 100.0 * points / max_points if max_points else 0.0
