"""The reaction part of a bank (issue 18): statements rated 1–5 and one choice list, never scored,
and the bank's `confidence` switch; every mistake is named with its path, as for questions."""

from __future__ import annotations

import pytest

from service.domain.banks import canonical_sha256, parse_bank
from service.domain.models import MAX_REACTION_ITEMS
from tests.unit import test_banks
from tests.unit.test_banks import SOURCE, problems_of, texts

bank = test_banks.bank  # the small valid bank of test_banks.py, as a fixture here too


def statement(item_id: str) -> dict:
    return {"id": item_id, "type": "likert", "prompt": texts(f"Твердження {item_id}", f"Statement {item_id}")}


def choice(item_id: str, options: str = "ab") -> dict:
    return {
        "id": item_id,
        "type": "choice",
        "prompt": texts("Що було найкориснішим?", "What was most useful?"),
        "options": [{"id": o, "text": texts(f"Варіант {o}", f"Option {o}")} for o in options],
    }


def test_a_bank_without_reaction_or_confidence_reads_as_before(bank):
    loaded = parse_bank(bank, SOURCE)

    assert loaded.reaction == () and loaded.confidence is False


def test_reaction_items_and_confidence_are_read_into_the_bank(bank):
    bank["reaction"] = [statement("r-relevant"), statement("r-confident"), choice("r-useful", "abc")]
    bank["confidence"] = True

    loaded = parse_bank(bank, SOURCE)

    assert [(item.id, item.type) for item in loaded.reaction] == [
        ("r-relevant", "likert"),
        ("r-confident", "likert"),
        ("r-useful", "choice"),
    ]
    assert loaded.reaction_item("r-useful").option_ids == ("a", "b", "c")
    assert loaded.confidence is True
    assert loaded.max_points == parse_bank({**bank, "reaction": [], "confidence": False}, SOURCE).max_points


@pytest.mark.parametrize(
    ("item_id", "value", "accepted"),
    [
        ("r-relevant", 1, True),
        ("r-relevant", 5, True),
        ("r-relevant", 0, False),
        ("r-relevant", 6, False),
        ("r-relevant", True, False),  # a JSON true is not a rating
        ("r-relevant", "4", False),
        ("r-relevant", 4.0, False),
        ("r-useful", "b", True),
        ("r-useful", "z", False),
        ("r-useful", 2, False),
    ],
)
def test_an_answer_is_a_rating_for_a_statement_and_an_option_for_a_choice(bank, item_id, value, accepted):
    bank["reaction"] = [statement("r-relevant"), choice("r-useful")]

    assert parse_bank(bank, SOURCE).reaction_item(item_id).accepts(value) is accepted


def test_the_hash_of_a_bank_without_the_new_keys_is_unchanged(bank):
    """Published versions are locked by the hash of their content: optional keys must not change it."""
    before = canonical_sha256(bank)

    assert parse_bank(bank, SOURCE).sha256 == before


@pytest.mark.parametrize(
    ("reaction", "expected"),
    [
        (
            [{**statement("r-a"), "prompt": {"uk": "Так"}}],
            ["reaction[0] (r-a).prompt.en: Missing translation."],
        ),
        (
            [statement("r-a"), statement("r-a")],
            ["reaction[1] (r-a).id: Duplicate reaction id 'r-a' (first at index 0)."],
        ),
        (
            [choice("r-useful", "a")],
            ["reaction[0] (r-useful).options: A choice list needs at least 2 options."],
        ),
        (
            [{**statement("r-a"), "options": choice("x")["options"]}],
            ["reaction[0] (r-a).options: A statement is rated 1–5 and has no options (or make it type: choice)."],
        ),
        (
            [choice("r-one"), choice("r-two")],
            ["reaction[1] (r-two).type: Only one choice list is asked (the others are statements rated 1–5)."],
        ),
        (
            [{**statement("r-a"), "type": "text"}],
            ["reaction[0] (r-a).type: Must be one of: likert, choice."],
        ),
        (
            [{**statement("r-a"), "free_text": True}],
            ["reaction[0] (r-a).free_text: Unknown field."],
        ),
        (
            [statement(f"r-{i}") for i in range(MAX_REACTION_ITEMS + 1)],
            [f"reaction: At most {MAX_REACTION_ITEMS} reaction items."],
        ),
    ],
)
def test_a_wrong_reaction_part_is_named_with_its_path(bank, reaction, expected):
    bank["reaction"] = reaction

    assert problems_of(bank) == [f"{SOURCE}: {problem}" for problem in expected]


def test_confidence_must_be_a_real_boolean(bank):
    bank["confidence"] = "yes"

    assert problems_of(bank) == [f"{SOURCE}: confidence: Not a valid boolean."]
