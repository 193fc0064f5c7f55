"""A seeded simulation of a class taking a test before and after the training.

Answers follow a Rasch model: a participant of ability theta answers a question of difficulty b
correctly with probability 1 / (1 + exp(b - theta)). Training raises every participant's
ability by a personal amount and, on top, each question by its own amount; one question in
eight gets worse instead (a misleading slide, say), so that the trainer's page has questions to
flag. The same seed gives the same class, answers and languages every time.

`fill_cohort` sends the class through the real JSON API of a running service; the benchmark
uses `simulated_class` to write straight into the store.
"""

from __future__ import annotations

import json
import math
import random
import urllib.request
import uuid
from dataclasses import dataclass

from service.domain.models import Bank, Question


@dataclass(frozen=True)
class Participant:
    language: str
    demographics: dict[str, str]
    pre: dict[str, list[str]]
    post: dict[str, list[str]] | None  # None: did not come back for the post-test


def simulated_class(bank: Bank, *, seed: int, pre: int, post: int, english_share: float = 0.2) -> list[Participant]:
    """`pre` participants take the pre-test; the first `post` of them come back for the post-test."""
    rng = random.Random(seed)
    difficulty = {q.id: rng.gauss(-0.2, 1.0) for q in bank.questions}
    training = {q.id: rng.gauss(0.9, 0.5) if rng.random() > 1 / 8 else -rng.uniform(0.6, 1.2) for q in bank.questions}
    people = []
    for index in range(pre):
        ability, growth = rng.gauss(-0.3, 1.0), rng.gauss(0.6, 0.5)
        language = bank.languages[1] if len(bank.languages) > 1 and rng.random() < english_share else bank.languages[0]
        demographics = {d.id: rng.choice(d.option_ids) for d in bank.demographics}
        before = {q.id: _answer(q, ability - difficulty[q.id], rng) for q in bank.questions}
        after = None
        if index < post:
            after = {
                q.id: _answer(q, ability + growth + training[q.id] - difficulty[q.id], rng) for q in bank.questions
            }
        people.append(Participant(language, demographics, _answered(before), _answered(after)))
    return people


def _answer(question: Question, logit: float, rng: random.Random) -> list[str]:
    """The options a participant picks: the correct set, a plausible wrong pick, or nothing (3%)."""
    if rng.random() < 0.03:
        return []
    correct = sorted(question.correct_ids)
    if rng.random() < 1 / (1 + math.exp(-logit)):
        return correct if question.type == "multiple" else correct[:1]
    wrong = [option_id for option_id in question.option_ids if option_id not in question.correct_ids]
    if question.type == "multiple":  # half right: one correct option and one wrong one
        return sorted({rng.choice(correct), rng.choice(wrong)})
    return [rng.choice(wrong)]


def _answered(answers: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    return None if answers is None else {qid: picked for qid, picked in answers.items() if picked}


def fill_cohort(root: str, cohort_id: str, bank: Bank, *, seed: int = 20261128, pre: int = 60, post: int = 50) -> int:
    """Send a simulated class through POST /api/v1/cohorts/<id>/submissions; returns the submissions sent."""
    sent = 0
    for person in simulated_class(bank, seed=seed, pre=pre, post=post):
        body = {"phase": "pre", "language": person.language, "answers": person.pre, "demographics": person.demographics}
        code = _submit(root, cohort_id, body)["participant_code"]
        sent += 1
        if person.post is not None:
            _submit(
                root,
                cohort_id,
                {"phase": "post", "language": person.language, "answers": person.post, "participant_code": code},
            )
            sent += 1
    return sent


def _submit(root: str, cohort_id: str, body: dict) -> dict:
    body = {"submission_id": str(uuid.uuid4())} | body
    request = urllib.request.Request(
        f"{root}/api/v1/cohorts/{cohort_id}/submissions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
