"""Simulated answers for the local demonstration cohort (`make run`), so that a first look at the
trainer page, the console and the exports shows a class that took all three tests: the pre-test,
the post-test with its reaction, and the follow-up weeks later. Local only: never imported on Lambda.

The class is made up and seeded (the same every time): 30 participants whose chance of a right answer
rises after the training and falls back part of the way by the follow-up; 27 take the post-test and
18 come back for the follow-up. The data go through the same use case as a phone's (submissions.submit),
so they are scored, stored and counted like real ones.
"""

from __future__ import annotations

import random
import uuid

from service import operations, submissions
from service.domain.models import Bank, Cohort

PARTICIPANTS = 30
POST_TAKERS = 27
FOLLOW_UP_TAKERS = 18
CHANCE = {"pre": 0.45, "post": 0.78, "follow_up": 0.68}  # of answering a question right, on average


def seed(services, cohort: Cohort, bank: Bank, rng: random.Random | None = None) -> None:
    """Send the simulated class's tests to `cohort`, opening each phase in turn, and leave the
    cohort as a new one starts (the pre-test open) so that a visitor can try it."""
    rng = rng or random.Random(2026)
    ability = [rng.gauss(0.0, 0.12) for _ in range(PARTICIPANTS)]
    codes: list[str] = []
    cohort = operations.set_phases(services, cohort.id, {"pre": True, "post": False, "follow_up": False})
    for person in range(PARTICIPANTS):
        answers, sure = _answers(bank, CHANCE["pre"] + ability[person], rng)
        roles = {d.id: rng.choice(d.option_ids) for d in bank.demographics if rng.random() < 0.9}
        result = _send(services, cohort, bank, "pre", answers, rng, demographics=roles, confidence=sure)
        codes.append(result.participant_code)
    cohort = operations.set_phases(services, cohort.id, {"pre": False, "post": True})
    for person in range(POST_TAKERS):
        answers, sure = _answers(bank, CHANCE["post"] + ability[person], rng)
        reaction = {item.id: _reaction(item, rng) for item in bank.reaction if rng.random() < 0.85}
        _send(services, cohort, bank, "post", answers, rng, code=codes[person], reaction=reaction, confidence=sure)
    cohort = operations.set_phases(services, cohort.id, {"post": False, "follow_up": True})
    for person in rng.sample(range(PARTICIPANTS), FOLLOW_UP_TAKERS):
        answers, sure = _answers(bank, CHANCE["follow_up"] + ability[person], rng)
        _send(services, cohort, bank, "follow_up", answers, rng, code=codes[person], confidence=sure)
    operations.set_phases(services, cohort.id, {"pre": True, "follow_up": False})


def _answers(bank: Bank, chance: float, rng: random.Random) -> tuple[dict, dict]:
    answers, sure = {}, {}
    for question in bank.questions:
        right = rng.random() < chance
        wrong = [option.id for option in question.options if not option.correct]
        if right or not wrong:
            answers[question.id] = sorted(question.correct_ids)
        else:
            answers[question.id] = [rng.choice(wrong)]
        if bank.confidence and rng.random() < 0.8:
            sure[question.id] = rng.random() < (0.75 if right else 0.4)
    return answers, sure


def _reaction(item, rng: random.Random):
    if item.type == "likert":
        return rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 6, 14, 10))[0]
    return rng.choice(item.option_ids)


def _send(services, cohort: Cohort, bank: Bank, phase: str, answers: dict, rng: random.Random, code=None, **parts):
    return submissions.submit(
        services,
        cohort,
        bank,
        submission_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        phase=phase,
        language=rng.choices(bank.languages, weights=(4, 1)[: len(bank.languages)] or None)[0],
        answers=answers,
        participant_code=code,
        **parts,
    )
