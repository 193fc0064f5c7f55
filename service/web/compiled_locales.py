"""Babel's locale data for the languages the service speaks, without what it never uses, written
when the Lambda package is built.

The first page in Ukrainian makes Babel unpickle all of `uk.dat` (360 KB: unit, currency, time
zone, language and territory names...) and merge it with `root.dat`: ~25 ms of a cold start, for
the number symbols and formats the pages need. serverless/prebuild.py stores each language's merged
data without the parts listed in UNUSED; the app puts it in Babel's own cache at start when it was
written by the same Babel version. Without the folder (development, tests) Babel loads its files.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import babel
from babel import localedata

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
    if not FOLDER.is_dir():
        return
    for path in FOLDER.glob("*.pickle"):
        stored = pickle.loads(path.read_bytes())
        if stored.get("babel") == babel.__version__:
            localedata._cache.setdefault(path.stem, stored["data"])


def write(languages: tuple[str, ...], folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(exist_ok=True)
    written = []
    for language in languages:
        data = {key: value for key, value in localedata.load(language).items() if key not in UNUSED}
        path = folder / f"{language}.pickle"
        path.write_bytes(pickle.dumps({"babel": babel.__version__, "data": data}, protocol=pickle.HIGHEST_PROTOCOL))
        written.append(path)
    return written
