"""The participants' reaction to the training (Kirkpatrick level 1) and their confidence per answer.

Pure figures from stored submissions; what may be shown of them is decided in
`service.domain.disclosure` like every other figure. Reaction answers come with the post-test
(never scored); confidence marks with any test of a bank that asks for them (`confidence: true`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from service.domain.models import REACTION_SCALE, Bank, Submission

AGREE = (4, 5)  # "agree" and "strongly agree"


def reaction_summary(bank: Bank, post_submissions: Iterable[Submission]) -> list[dict]:
    """Per reaction item: how many answered, and for a statement the mean (1–5), the count at each
    point of the scale and the share agreeing (4–5); for a choice list, the count of each option."""
    answers = [submission.reaction for submission in post_submissions]
    rows = []
    for item in bank.reaction:
        given = [a[item.id] for a in answers if item.id in a and item.accepts(a[item.id])]
        row: dict = {"id": item.id, "type": item.type, "n": len(given)}
        if item.type == "likert":
            counts = Counter(given)
            row["distribution"] = {str(point): counts.get(point, 0) for point in REACTION_SCALE}
            row["mean"] = sum(given) / len(given) if given else None
            row["agree_share"] = sum(counts[point] for point in AGREE) / len(given) if given else None
        else:
            counts = Counter(given)
            row["distribution"] = {option: counts.get(option, 0) for option in item.option_ids}
        rows.append(row)
    return rows


def confident_wrong(bank: Bank, submissions: Iterable[Submission]) -> dict[str, dict[str, int]]:
    """Per question: how many marked their answer (`marked`: sure or not sure), marked it sure
    (`sure`), and were sure yet not fully right (`confident_wrong`): a misconception, not a guess.
    Marks are kept only beside answered questions (submissions.submit), so this needs the scores
    and the marks, not the answers (a report reads submissions without them)."""
    rows = {question.id: {"marked": 0, "sure": 0, "confident_wrong": 0} for question in bank.questions}
    for submission in submissions:
        for question_id, sure in submission.confidence.items():
            row = rows.get(question_id)
            if row is None:
                continue
            row["marked"] += 1
            if sure is True:
                row["sure"] += 1
                row["confident_wrong"] += submission.score.marks.get(question_id, 0.0) < 1.0
    return rows
