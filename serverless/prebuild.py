"""Zappa's `prebuild_script` (zappa_settings.json): runs in the build virtualenv before every
`zappa package` / `deploy` / `update`, so that a package built from a clean clone is complete and
starts fast.

- The gettext catalogs are kept as .po in git and compiled to .mo here (as `make translations`
  does for local runs); Zappa leaves the .po/.pot files out of the zip.
- Every template of the app is compiled into service/compiled_templates/ (see
  service/web/compiled_templates.py), which saves the first page of a cold start ~20 ms of CPU.
- The published banks are loaded, checked and stored as one snapshot (service/domain/bank_snapshot.py):
  a cold start unpickles them instead of parsing YAML.
- Every module is byte-compiled with hash-checked .pyc files. /var/task is read-only, so Python on
  Lambda cannot cache bytecode it compiles, and the zip's files all carry one fixed timestamp, so
  ordinary timestamp-checked .pyc files would be thrown away: without this every cold start
  compiles every module it imports. Hash-checked files stay valid wherever the source is unchanged
  (and are rewritten as soon as it changes, so a developer's working tree is not affected).
"""

import compileall
import sys
import sysconfig
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "service" / "translations"
CHECKED_HASH = compileall.py_compile.PycInvalidationMode.CHECKED_HASH


def prepare() -> None:
    compile_translations()
    snapshot_banks()
    compile_templates()
    compile_bytecode()


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


def snapshot_banks() -> Path:
    sys.path.insert(0, str(ROOT))
    from service.domain.bank_snapshot import write_snapshot

    return write_snapshot(ROOT / "question_banks")


def compile_templates() -> int:
    """Build the app as on Lambda (without touching AWS) and compile its templates."""
    sys.path.insert(0, str(ROOT))
    from service.app import create_app
    from service.domain.banks import BankRegistry
    from service.settings import Settings
    from service.web import compiled_templates

    secrets = {name: "x" * 32 for name in ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")}
    app = create_app(Settings.from_environment(secrets), store=object(), banks=BankRegistry())
    return compiled_templates.compile_all(app)


def compile_bytecode() -> None:
    """The project every time; the virtualenv's packages once (a marker remembers it)."""
    for folder in ("service", "serverless"):
        _compile(ROOT / folder)
    site_packages = Path(sysconfig.get_paths()["purelib"])
    marker = site_packages / ".hash-checked-bytecode"
    if not marker.exists():
        _compile(site_packages)
        marker.touch()


def _compile(folder: Path) -> None:
    if not compileall.compile_dir(folder, quiet=1, force=True, workers=0, invalidation_mode=CHECKED_HASH):
        raise SystemExit(f"byte-compiling {folder} failed")


if __name__ == "__main__":
    sys.exit(prepare())
