"""Language choice for every page: Ukrainian first, English one tap away.

The choice, in order: an explicit switch (remembered in a cookie), the cohort's default language
(set by the page as `g.default_language`), the browser's Accept-Language, Ukrainian.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel, refresh

LANGUAGES = ("uk", "en")
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}
COOKIE = "lang"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "uk")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    Babel(app, locale_selector=current_language)

    @app.context_processor
    def languages():
        return {"language": current_language(), "language_names": LANGUAGE_NAMES}


def current_language(available: tuple[str, ...] = LANGUAGES) -> str:
    if "language" in g:
        return g.language
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE), g.get("default_language")):
        if candidate in available:
            return candidate
    return request.accept_languages.best_match(available) or available[0]


def use_language(language: str) -> None:
    """Fix the language of this request (a page that knows its bank's languages calls this)."""
    g.language = language
    refresh()
