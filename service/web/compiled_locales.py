"""Babel's locale data for the languages the service speaks, without what it never uses: the same
trimmed data in the Lambda package, in tests and in local runs, so that a page cannot work in the
checkout and fail on Lambda.

The first page in Ukrainian makes Babel unpickle all of `uk.dat` (360 KB: unit, currency, time
zone, language and territory names...) and merge it with `root.dat`: ~25 ms of a cold start, for
the number symbols and formats the pages need. serverless/prebuild.py stores each language's merged
data without the parts listed in UNUSED; at start the app puts that in Babel's cache when it was
written by the same Babel version, and otherwise (development, tests, another Babel) trims Babel's
own data the same way in memory. A template that formats something from UNUSED (a time zone, "in 5
minutes") fails in every test that renders it (tests/integration/test_every_template.py).

Babel has no public way to give it locale data: `babel.localedata.load` reads only its own
`locale-data/*.dat` files, through the module's `_cache` dict and the views of it in `_dict_cache`
(its only public cache function, `clear_caches`, empties them). Filling `_cache` is therefore the
one way; the Babel version recorded with the data keeps another Babel from reading an older layout.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import babel
from babel import localedata

from service.web.i18n import LANGUAGES

FOLDER = Path(__file__).resolve().parent.parent / "compiled_locales"
UNUSED = (
    "compact_currency_formats",
    "compact_decimal_formats",
    "compound_unit_patterns",
    "currency_names",
    "currency_names_plural",
    "currency_unit_patterns",
    "date_fields",
    "languages",
    "meta_zones",
    "scripts",
    "territories",
    "time_zones",
    "unit_display_names",
    "unit_patterns",
    "variants",
)


def init_app(app) -> None:
    for language in LANGUAGES:
        if not _is_trimmed(localedata._cache.get(language)):
            localedata._cache[language] = _stored(language) or trimmed(language)
            localedata._dict_cache.pop(language, None)  # a view Babel made of the data before


def trimmed(language: str) -> dict:
    """Babel's merged data for `language` without the UNUSED parts: what the package stores."""
    return {key: value for key, value in localedata.load(language).items() if key not in UNUSED}


def write(languages: tuple[str, ...] = LANGUAGES, folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(exist_ok=True)
    written = []
    for language in languages:
        path = folder / f"{language}.pickle"
        stored = {"babel": babel.__version__, "data": trimmed(language)}
        path.write_bytes(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
        written.append(path)
    return written


def _stored(language: str) -> dict | None:
    path = FOLDER / f"{language}.pickle"
    if not path.is_file():
        return None
    stored = pickle.loads(path.read_bytes())
    return stored["data"] if stored.get("babel") == babel.__version__ else None


def _is_trimmed(data: dict | None) -> bool:
    return data is not None and not any(key in data for key in UNUSED)
