"""Zappa's `prebuild_script` (zappa_settings.json): runs in the build virtualenv before every
`zappa package` / `deploy` / `update`, so that a package built from a clean clone is complete and
starts fast.

- The gettext catalogs are kept as .po in git and compiled to .mo here (as `make translations`
  does for local runs); Zappa leaves the .po/.pot files out of the zip.
- Every template of the app is compiled into service/compiled_templates/ (see
  service/web/compiled_templates.py), which saves the first page of a cold start ~20 ms of CPU.
- The published banks are loaded, checked and stored as one snapshot (service/domain/bank_snapshot.py):
  a cold start unpickles them instead of parsing YAML.
- A copy of SSM's service model with only the operations the service calls (GetParameter) goes to
  service/store/botocore_models/ (see service/store/session.py).
- Babel's locale data for Ukrainian and English, without unit, currency, time-zone and language
  names, goes to service/compiled_locales/ (see service/web/compiled_locales.py).
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
    trim_service_models()
    snapshot_banks()
    compile_templates()
    compile_locales()
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


# service -> (API version, the operations the service calls)
KEPT_OPERATIONS = {"ssm": ("2014-11-06", ("GetParameter",))}


def trim_service_models() -> list[Path]:
    """botocore's model of each service above, reduced to the operations listed and their shapes."""
    import json

    import botocore.loaders

    written = []
    loader = botocore.loaders.create_loader()
    for service, (api_version, operations) in KEPT_OPERATIONS.items():
        model = loader.load_service_model(service, "service-2", api_version)
        shapes: set[str] = set()

        def keep(name: str, shapes=shapes, model=model) -> None:
            if name in shapes:
                return
            shapes.add(name)
            shape = model["shapes"][name]
            for key in ("member", "key", "value"):
                if key in shape:
                    keep(shape[key]["shape"])
            for member in shape.get("members", {}).values():
                keep(member["shape"])

        for operation in operations:
            definition = model["operations"][operation]
            for part in ("input", "output"):
                if part in definition:
                    keep(definition[part]["shape"])
            for error in definition.get("errors", []):
                keep(error["shape"])
        trimmed = {
            "version": model["version"],
            "metadata": model["metadata"],
            "operations": {name: model["operations"][name] for name in operations},
            "shapes": {name: shape for name, shape in model["shapes"].items() if name in shapes},
        }
        target = ROOT / "service" / "store" / "botocore_models" / service / api_version / "service-2.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(trimmed))
        written.append(target)
    return written


def snapshot_banks() -> Path:
    sys.path.insert(0, str(ROOT))
    from service.domain.bank_snapshot import write_snapshot

    return write_snapshot(ROOT / "question_banks")


def compile_templates() -> int:
    """Build the app as on Lambda (without touching AWS) and compile its templates."""
    sys.path.insert(0, str(ROOT))
    import secrets

    from service.app import create_app
    from service.domain.banks import BankRegistry
    from service.settings import Settings
    from service.web import compiled_templates

    names = ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")
    local = {name: secrets.token_urlsafe(24) for name in names}  # only to build an app; never used
    app = create_app(Settings.from_environment(local), store=object(), banks=BankRegistry())
    return compiled_templates.compile_all(app)


def compile_locales() -> list[Path]:
    """Babel's data for the languages the service speaks, without the parts it never uses."""
    sys.path.insert(0, str(ROOT))
    from service.web import compiled_locales
    from service.web.i18n import LANGUAGES

    return compiled_locales.write(tuple(LANGUAGES))


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
