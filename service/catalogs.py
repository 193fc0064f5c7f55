"""The gettext catalogs outside a request: a message in every language at once, for files such as an
export's codebook that carry both Ukrainian and English (and may be built where Flask is not, e.g.
in an asynchronous export job). Pages and JSON errors use Flask-Babel instead."""

from __future__ import annotations

import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("uk", "en")


@functools.cache
def _catalog(language: str) -> NullTranslations:
    return Translations.load(str(DIRECTORY), [language], domain="messages")


def in_languages(message: str, languages: tuple[str, ...] = LANGUAGES) -> dict[str, str]:
    """{"uk": ..., "en": ...} for an English source message marked with N_ (the catalogs are built by
    `make`; an untranslated message comes back in English)."""
    return {language: _catalog(language).gettext(message) for language in languages}
