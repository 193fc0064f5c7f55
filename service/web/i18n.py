"""Language choice for every page: Ukrainian first, English one tap away.

The choice, in order: an explicit switch (`?lang=` on a link, or the switch button inside the test
form), remembered in a cookie for the next pages; the cohort's default language (set by the page as
`g.default_language`); the browser's Accept-Language; Ukrainian.

Numbers on pages go through Flask-Babel's `format_decimal`/`format_percent`, so Ukrainian pages show
a decimal comma; counts go through `ngettext`, so Ukrainian gets its three plural forms.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request
from flask_babel import Babel, refresh

LANGUAGES = ("uk", "en")
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}
COOKIE = "lang"
COOKIE_DAYS = 365


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "uk")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    Babel(app, locale_selector=current_language)

    @app.context_processor
    def languages():
        return {
            "language": current_language(),
            "language_names": LANGUAGE_NAMES,
            "languages": g.get("languages", LANGUAGES),
            "language_url": language_url,
        }

    @app.after_request
    def remember_switch(response):
        """A `?lang=` link is an explicit choice: keep it for the next pages too."""
        asked = request.args.get("lang")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            remember(response, asked)
        return response


def current_language(available: tuple[str, ...] = LANGUAGES) -> str:
    if "language" in g:
        return g.language
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE), g.get("default_language")):
        if candidate in available:
            return candidate
    return request.accept_languages.best_match(available) or available[0]


def use_language(language: str, available: tuple[str, ...] = LANGUAGES) -> None:
    """Fix the language of this request (a page that knows its bank's languages calls this)."""
    g.language = language
    g.languages = available
    refresh()


def remember(response, language: str) -> None:
    """Keep an explicit choice in a cookie for every page of the service."""
    response.set_cookie(
        COOKIE, language, max_age=COOKIE_DAYS * 86400, path="/", samesite="Lax", secure=request.is_secure
    )


def language_url(language: str, path: str | None = None) -> str:
    """This page (or `path`) in another language, keeping the other query arguments."""
    arguments = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    arguments.append(("lang", language))
    return f"{path or request.script_root + request.path}?{urlencode(arguments)}"  # under a stage prefix too
