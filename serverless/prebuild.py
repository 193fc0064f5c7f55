"""Zappa's `prebuild_script` (zappa_settings.json): runs in the build virtualenv before every
`zappa package` / `deploy` / `update`, so that a package built from a clean clone is complete and
starts fast.

- The gettext catalogs are kept as .po in git and compiled to .mo here (as `make translations`
  does for local runs); Zappa leaves the .po/.pot files out of the zip.
- Then every cold-start cache in service/coldstart.py's table is written, in its order (the
  table says what each saves and what the app does without it).
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "service" / "translations"


def prepare() -> None:
    compile_translations()
    sys.path.insert(0, str(ROOT))
    from service import coldstart

    coldstart.build_all()


def compile_translations() -> list[Path]:
    compiled = []
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as source:
            catalog = read_po(source)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=True)
        compiled.append(mo_path)
    if not compiled:
        raise SystemExit(f"no catalogs under {TRANSLATIONS}")
    return compiled


if __name__ == "__main__":
    sys.exit(prepare())
