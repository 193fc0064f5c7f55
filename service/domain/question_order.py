"""The order in which one participant sees the questions and their options."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from service.domain.models import Bank, Question


def participant_order(bank: Bank, shuffle: bool, submission_id: str) -> list[Question]:
    """The questions (and their options) in the order this participant sees them: the bank's order,
    or, when the cohort shuffles, an order seeded from the submission id, so that a reload or a
    failed submit shows the same order. Answers are by id, so scoring and exports never see it."""
    if not shuffle:
        return list(bank.questions)
    seeded = random.Random(int.from_bytes(hashlib.sha256(submission_id.encode()).digest()[:8], "big"))
    questions = seeded.sample(bank.questions, len(bank.questions))
    return [replace(q, options=tuple(seeded.sample(q.options, len(q.options)))) for q in questions]
