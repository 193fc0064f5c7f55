"""Issue 18's budgets: a submission item of a 20-question test with a full reaction and a sure/not-sure
mark on every answer stays within 3 WCU (DynamoDB's size rules, as bench/dynamo_meter.py applies them)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bench.dynamo_meter import item_size, write_units
from service.domain.banks import load_published_banks
from service.domain.models import MAX_REACTION_ITEMS, DemographicOption, ReactionItem
from service.domain.scoring import check_answers, score_submission
from service.store.items import submission_to_item
from tests.factories import submission

BANKS = Path(__file__).resolve().parents[2] / "question_banks"


def test_a_20_question_submission_with_reaction_and_confidence_is_at_most_3_wcu():
    demo = load_published_banks(BANKS)
    bank = demo.get("online-child-safety", demo.versions("online-child-safety")[-1])
    questions = bank.questions[:20]
    statements = tuple(
        ReactionItem(f"r-statement-{i}", "likert", {"uk": "так", "en": "yes"}) for i in range(MAX_REACTION_ITEMS - 1)
    )
    choice = ReactionItem("r-most-useful", "choice", {"uk": "?", "en": "?"}, (DemographicOption("case-studies", {}),))
    bank = dataclasses.replace(bank, questions=questions, reaction=(*statements, choice), confidence=True)
    # every question answered, multiple-answer ones with every option picked (the longest answers)
    answers = check_answers(
        bank, {q.id: list(q.option_ids if q.type == "multiple" else q.option_ids[:1]) for q in questions}
    )
    full = dataclasses.replace(
        submission("a" * 64, "post", bank=bank, answers=dict(answers)),
        score=score_submission(bank, answers),
        reaction={item.id: 4 for item in statements} | {"r-most-useful": "case-studies"},
        confidence={q.id: True for q in questions},
        demographics={d.id: d.option_ids[0] for d in bank.demographics},
        expires_at=2_000_000_000,
    )

    size = item_size(submission_to_item(full))

    plain = item_size(submission_to_item(dataclasses.replace(full, reaction={}, confidence={})))
    print(f"20 questions: {plain} bytes; with reaction and confidence: {size} bytes")
    assert len(questions) == 20 and write_units(size) <= 3, size
