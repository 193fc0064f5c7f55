"""Item-writing checks: cues that let a test-wise participant guess the key without the knowledge.

After Haladyna, Downing & Rodriguez (2002), "A review of multiple-choice item-writing guidelines
for classroom assessment", Applied Measurement in Education 15(3): options of similar length,
no "all/none of the above", no absolute words in options, negative stems avoided or emphasised,
keys balanced across positions, plausible and distinct distractors. Each check gives warnings, not
errors: `python -m service banks check --strict` (and the spreadsheet import with `--strict`)
turns them into errors. Pure: it reads a Bank, nothing else.

Every warning names where it is as segments of the bank file (`("questions", 3, "options", 1,
"text", "uk")`), so `banks check` can print the path and the spreadsheet import the cell.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from service.domain.models import Bank, Question

LONGEST_KEY_RATIO = 1.5  # the key this many times longer than every distractor: a cue on its own
LONGEST_KEY_SHARE = 0.35  # the key strictly longest in more than this share of single items: a pattern
SAME_KEY_COUNT_SHARE = 0.6  # "select all" items with the same number of correct options, at most this share
KEY_POSITION_SHARE = 0.5  # the key in one position in more than this share of single items
MIN_ITEMS_FOR_PATTERNS = 5  # patterns across items need a few items to mean anything
NEAR_DUPLICATE_RATIO = 0.9

ALL_OR_NONE = {
    "en": (r"\ball of the above\b", r"\bnone of the above\b", r"\ball (of )?these\b", r"\bnone of these\b"),
    "uk": (
        r"\b(усі|всі|все) (наведені|вищенаведені|вищезазначене|зазначені|перелічені)",
        r"\bжоден (із|з) (наведених|варіантів)",
        r"\bжодне (із|з) (наведених|вищезазначеного)",
        r"\b(усі|всі) (відповіді|варіанти) (правильні|вірні)",
    ),
}
ABSOLUTE_WORDS = {
    "en": (
        "always", "never", "only", "all", "none", "every", "everyone", "nobody", "nothing", "nowhere", "completely",
        "must", "any",
    ),
    "uk": (
        "завжди", "ніколи", "лише", "тільки", "усі", "всі", "усе", "все", "жоден", "жодна", "жодне", "жодних",
        "жодного", "жодному", "ніхто", "ніщо", "нічого", "нікуди", "ніде", "повністю", "обовʼязково", "обов'язково",
    ),
}  # fmt: skip
NEGATIVE_WORDS = {"en": ("not", "except", "never"), "uk": ("не", "крім", "окрім", "ніколи")}


@dataclass(frozen=True)
class ItemWarning:
    check: str  # longest_key, all_or_none, absolute_word, negative_stem, duplicate_options, ...
    segments: tuple  # where in the bank file (for a bank-wide pattern: the first item concerned)
    message: str


def item_warnings(bank: Bank) -> list[ItemWarning]:
    """Every item-writing warning for a bank, item by item, then the patterns across items."""
    warnings: list[ItemWarning] = []
    for index, question in enumerate(bank.questions):
        for language in bank.languages:
            warnings += _question_warnings(index, question, language)
    for language in bank.languages:
        warnings += _longest_key_pattern(bank, language)
    warnings += _key_count_pattern(bank)
    warnings += _key_position_pattern(bank)
    return warnings


def _question_warnings(index: int, question: Question, language: str) -> list[ItemWarning]:
    at = ("questions", index)
    texts = [option.text.get(language, "") for option in question.options]
    found = []
    longest = _longest_key(question, language)
    if longest is not None and longest >= LONGEST_KEY_RATIO:
        key = next(i for i, option in enumerate(question.options) if option.correct)
        found.append(
            ItemWarning(
                "longest_key",
                (*at, "options", key, "text", language),
                f"the correct option is {longest:.1f} times as long as the longest other option: length gives it away",
            )
        )
    for position, text in enumerate(texts):
        where = (*at, "options", position, "text", language)
        if any(re.search(pattern, text, re.IGNORECASE) for pattern in ALL_OR_NONE.get(language, ())):
            found.append(ItemWarning("all_or_none", where, "'all/none of the above': a test-wise guess"))
        absolute = _first_word_of(text, ABSOLUTE_WORDS.get(language, ()))
        if absolute:
            found.append(
                ItemWarning("absolute_word", where, f"'{absolute}' in an option: absolute options are rarely the key")
            )
    negative = _first_word_of(
        _asking_sentence(question.prompt.get(language, "")), NEGATIVE_WORDS.get(language, ()), emphasised_ok=True
    )
    if negative:
        found.append(
            ItemWarning(
                "negative_stem",
                (*at, "prompt", language),
                f"negative stem ('{negative}') without emphasis: write it in capitals, or ask positively",
            )
        )
    for first, second in _near_duplicates(texts):
        found.append(
            ItemWarning(
                "duplicate_options",
                (*at, "options", second, "text", language),
                f"options {question.options[first].id} and {question.options[second].id} say (nearly) the same",
            )
        )
    return found


def _longest_key(question: Question, language: str) -> float | None:
    """How many times longer the key is than the longest distractor (single items only), or None."""
    if question.type != "single" or len(question.options) < 2:
        return None
    keys = [len(o.text.get(language, "")) for o in question.options if o.correct]
    others = [len(o.text.get(language, "")) for o in question.options if not o.correct]
    if len(keys) != 1 or not others or max(others) == 0:
        return None
    return keys[0] / max(others)


def _longest_key_pattern(bank: Bank, language: str) -> list[ItemWarning]:
    singles = [(i, q) for i, q in enumerate(bank.questions) if q.type == "single" and len(q.options) > 1]
    longest = [(i, q) for i, q in singles if (_longest_key(q, language) or 0) > 1.0]
    if len(singles) < MIN_ITEMS_FOR_PATTERNS or len(longest) <= LONGEST_KEY_SHARE * len(singles):
        return []
    return [
        ItemWarning(
            "longest_key_share",
            ("questions", longest[0][0]),
            f"in {len(longest)} of {len(singles)} single-answer items ({language}) the key is the longest option"
            f" (at most {LONGEST_KEY_SHARE:.0%}): 'choose the longest' scores without knowledge",
        )
    ]


def _key_count_pattern(bank: Bank) -> list[ItemWarning]:
    """'Select all' items that mostly have the same number of correct options teach a guessing rule."""
    multiples = [(i, q) for i, q in enumerate(bank.questions) if q.type == "multiple"]
    if len(multiples) < MIN_ITEMS_FOR_PATTERNS:
        return []
    counts = Counter((len(q.correct_ids), len(q.options)) for _, q in multiples)
    (correct, options), most = counts.most_common(1)[0]
    if most <= SAME_KEY_COUNT_SHARE * len(multiples):
        return []
    first = next(i for i, q in multiples if (len(q.correct_ids), len(q.options)) == (correct, options))
    return [
        ItemWarning(
            "key_count_share",
            ("questions", first),
            f"{most} of {len(multiples)} 'select all' items have exactly {correct} of {options} options correct:"
            " vary the number of correct options",
        )
    ]


def _key_position_pattern(bank: Bank) -> list[ItemWarning]:
    singles = [(i, q) for i, q in enumerate(bank.questions) if q.type == "single" and len(q.correct_ids) == 1]
    if len(singles) < MIN_ITEMS_FOR_PATTERNS:
        return []
    positions = Counter(next(p for p, o in enumerate(q.options) if o.correct) for _, q in singles)
    position, most = positions.most_common(1)[0]
    if most <= KEY_POSITION_SHARE * len(singles):
        return []
    first = next(i for i, q in singles if q.options[position].correct)
    return [
        ItemWarning(
            "key_position_share",
            ("questions", first),
            f"the key is option {position + 1} in {most} of {len(singles)} single-answer items: balance its position",
        )
    ]


def _asking_sentence(stem: str) -> str:
    """The sentence that asks (the last one): a scenario before it may say 'not' without asking it."""
    sentences = [part for part in re.split(r"(?<=[.!?…])\s+", stem.strip()) if part]
    return sentences[-1] if sentences else ""


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'ʼ]+", unicodedata.normalize("NFC", text))


def _first_word_of(text: str, words: tuple[str, ...], *, emphasised_ok: bool = False) -> str | None:
    """The first of `words` in `text` (whole words, any case); with `emphasised_ok`, one written in
    capitals (NOT, НЕ) is emphasis as the guideline asks, and does not count."""
    wanted = {word.lower() for word in words}
    found = _words(text)
    for position, word in enumerate(found):
        if word.lower() not in wanted or (emphasised_ok and word.isupper() and len(word) > 1):
            continue
        if emphasised_ok and position and found[position - 1].lower() in ("а", "but"):
            continue  # "X, а не Y" contrasts two things; it does not ask for the wrong one
        return word
    return None


def _near_duplicates(texts: list[str]) -> list[tuple[int, int]]:
    normalised = [" ".join(_words(text.lower())) for text in texts]
    pairs = []
    for second in range(len(texts)):
        for first in range(second):
            a, b = normalised[first], normalised[second]
            if a and b and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= NEAR_DUPLICATE_RATIO):
                pairs.append((first, second))
                break
    return pairs
