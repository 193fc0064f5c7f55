"""Issue 15's language fixes, pinned: the Ukrainian catalog keeps none of the old wording, and numbers
agree with their nouns (23 бали, 21 питання), one term per thing."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "service" / "translations"
OLD_WORDING = [
    "З цього телефона",  # телефону
    "Не коректн",  # Некоректн…
    "запитань",  # банк питань, питання: one word
    "Дискримінація",  # Розрізнювальна здатність
    "збережено нижче",  # nothing was stored: залишилися нижче
    "перед навчанням",  # one term: тест до навчання
    "перший тест",
    "відсоткових пункт",  # percentage points are в. п.; бали are question points
]


def ukrainian_texts() -> list[str]:
    catalog = read_po((TRANSLATIONS / "uk" / "LC_MESSAGES" / "messages.po").open("rb"))
    texts = []
    for message in catalog:
        if message.id:
            texts += list(message.string) if isinstance(message.string, tuple) else [message.string]
    return texts


@pytest.mark.parametrize("old", OLD_WORDING)
def test_the_ukrainian_catalog_has_none_of_the_old_wording(old):
    assert not [text for text in ukrainian_texts() if old in text]


@pytest.mark.parametrize(
    ("singular", "plural", "count", "expected"),
    [
        ("%(num)s point in all", "%(num)s points in all", 23, "усього 23 бали"),
        ("%(num)s point in all", "%(num)s points in all", 25, "усього 25 балів"),
        ("%(num)s question.", "%(num)s questions.", 21, "21 питання."),
        ("%(num)s percentage point", "%(num)s percentage points", 12, "12 в. п."),
    ],
)
def test_numbers_agree_with_their_nouns(singular, plural, count, expected):
    translations = Translations.load(str(TRANSLATIONS), ["uk"])  # compiled by `make test`
    assert translations.ungettext(singular, plural, count) % {"num": count} == expected
