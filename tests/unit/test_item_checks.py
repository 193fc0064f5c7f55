"""Item-writing checks find each cue a test-wise participant could use, on items written to show it,
and stay quiet on items written well (Haladyna, Downing & Rodriguez 2002)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from service.domain.banks import load_bank_file
from service.domain.item_checks import item_warnings
from service.domain.models import Option, Question
from tests.factories import small_bank

ROOT = Path(__file__).resolve().parents[2]


def item(kind: str = "single", prompt: str = "Which channel handles it?", **options: tuple[str, bool]) -> Question:
    return Question(
        id="q-x",
        topic="t1",
        type=kind,
        points=1,
        prompt={"uk": prompt, "en": prompt},
        options=tuple(Option(key, {"uk": text, "en": text}, correct) for key, (text, correct) in options.items()),
    )


def checks_of(*questions: Question) -> list[tuple[str, tuple]]:
    bank = replace(small_bank(), questions=questions, languages=("en",))
    return [(warning.check, warning.segments) for warning in item_warnings(bank)]


WELL_WRITTEN = item(
    a=("The regional police unit", False),
    b=("The national cyber police", True),
    c=("The school's head teacher", False),
    d=("The child's own parents", False),
)


def test_a_well_written_item_has_no_warning():
    assert checks_of(WELL_WRITTEN) == []


def test_a_key_much_longer_than_every_distractor_is_a_cue():
    long_key = replace(
        WELL_WRITTEN,
        options=(
            Option("a", {"en": "The school"}, False),
            Option("b", {"en": "The national cyber police, after preserving the evidence"}, True),
            Option("c", {"en": "A neighbour"}, False),
        ),
    )
    assert checks_of(long_key) == [("longest_key", ("questions", 0, "options", 1, "text", "en"))]


@pytest.mark.parametrize("text", ["All of the above", "None of the above", "none of these"])
def test_all_or_none_of_the_above_is_flagged(text):
    found = checks_of(item(a=("The police", True), b=("A teacher", False), c=(text, False)))
    assert ("all_or_none", ("questions", 0, "options", 2, "text", "en")) in found


@pytest.mark.parametrize("word", ["always", "Never", "only", "nowhere"])
def test_absolute_words_in_options_are_flagged_as_whole_words(word):
    found = checks_of(item(a=("The police", True), b=(f"It is {word} the parents", False), c=("A doctor", False)))
    assert found == [("absolute_word", ("questions", 0, "options", 1, "text", "en"))]
    assert checks_of(item(a=("The police", True), b=("Allowances", False), c=("Nonetheless", False))) == []


def test_ukrainian_absolute_words_are_flagged():
    question = item(a=("Поліція", True), b=("Нікуди не звертатися", False), c=("Лікар", False))
    bank = replace(small_bank(), questions=(question,), languages=("uk",))
    assert [w.check for w in item_warnings(bank)] == ["absolute_word"]


def test_a_negative_stem_needs_emphasis_but_a_scenario_before_the_question_may_say_not():
    asked_negatively = item(prompt="Which of these is not a sign of grooming?", **dict(_options()))
    emphasised = item(prompt="Which of these is NOT a sign of grooming?", **dict(_options()))
    scenario = item(prompt="A child does not want to talk. What do you do first?", **dict(_options()))
    assert checks_of(asked_negatively) == [("negative_stem", ("questions", 0, "prompt", "en"))]
    assert checks_of(emphasised) == [] and checks_of(scenario) == []


def test_duplicate_and_near_duplicate_options_are_flagged():
    found = checks_of(item(a=("Call the police", True), b=("Call the police.", False), c=("Ask a doctor", False)))
    assert found == [("duplicate_options", ("questions", 0, "options", 1, "text", "en"))]


def _options():
    return {"a": ("Gifts", True), "b": ("Secrecy", False), "c": ("Homework help", False)}


DISTINCT = {"a": "Police", "b": "Nurses", "c": "Parent", "d": "Doctor"}  # one length: no length cue


def _single(n: int, key: str) -> Question:
    options = {o: (DISTINCT[o], o == key) for o in "abcd"}
    return replace(item(**options), id=f"q{n}")


def test_a_key_in_the_same_position_in_most_items_is_a_pattern():
    found = checks_of(*[_single(n, "b") for n in range(6)])
    assert found == [("key_position_share", ("questions", 0))]
    assert checks_of(*[_single(n, "abcdab"[n]) for n in range(6)]) == []


def test_select_all_items_with_the_same_number_of_correct_options_are_a_pattern():
    def select_all(n: int, correct: str) -> Question:
        options = {o: (DISTINCT[o], o in correct) for o in "abcd"}
        return replace(item(kind="multiple", **options), id=f"m{n}")

    same = [select_all(n, "abc") for n in range(5)]
    assert ("key_count_share", ("questions", 0)) in checks_of(*same)
    varied = [select_all(n, c) for n, c in enumerate(["a", "ab", "abc", "bd", "abcd"])]
    assert not [c for c, _ in checks_of(*varied) if c == "key_count_share"]


def test_the_shipped_demonstration_bank_shows_the_cues_a_reviewer_found():
    """Version 2 as published: the key is the longest option in 12 of 14 single-answer items, and 5 of
    7 'select all' items have exactly 3 of 4 options correct."""
    bank = load_bank_file(ROOT / "question_banks" / "online-child-safety" / "2.yaml")
    messages = [w.message for w in item_warnings(bank)]
    assert any(m.startswith("in 12 of 14 single-answer items (uk) the key is the longest option") for m in messages)
    assert any(m.startswith("5 of 7 'select all' items have exactly 3 of 4 options correct") for m in messages)
