"""Every cache a Lambda cold start relies on, in one table: what it saves, where it lives, what
happens without it, and the build step that writes it. serverless/prebuild.py (Zappa's prebuild
script) runs the build steps in the table's order; the app reads each cache at start and falls back
to doing the work itself when the cache is missing or stale, so a checkout without a package build
behaves the same, only slower to start. Savings are CPU per cold start, measured with
bench/cold_start.py and `-X importtime` (docs/performance.md, "Cold start").

Nothing here runs on Lambda: the build steps import what they need when they run.
"""

from __future__ import annotations

import compileall
import json
import secrets
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.settings import REPOSITORY


@dataclass(frozen=True)
class Cache:
    name: str
    module: str  # where it is read (and its docstring says how it is checked)
    saving: str
    fallback: str
    build: Callable[[], object] | None = None  # None: made in the running process, nothing to build


def trim_service_models() -> list[Path]:
    """botocore's model of each service in KEPT_OPERATIONS, reduced to the operations listed and
    their shapes, in service/store/botocore_models/ (searched first by service/store/session.py)."""
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
        target = REPOSITORY / "service" / "store" / "botocore_models" / service / api_version / "service-2.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(trimmed))
        written.append(target)
    return written


# service -> (API version, the operations the service calls)
KEPT_OPERATIONS = {"ssm": ("2014-11-06", ("GetParameter",))}


def snapshot_banks() -> Path:
    from service.domain.bank_snapshot import write_snapshot

    return write_snapshot(REPOSITORY / "question_banks")


def compile_templates() -> int:
    """Build the app as on Lambda (without touching AWS) and compile its templates."""
    from service.app import create_app
    from service.domain.banks import BankRegistry
    from service.settings import Settings
    from service.web import compiled_templates

    names = ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")
    local = {name: secrets.token_urlsafe(24) for name in names}  # only to build an app; never used
    app = create_app(Settings.from_environment(local), store=object(), banks=BankRegistry())
    return compiled_templates.compile_all(app)


def compile_locales() -> list[Path]:
    from service.web import compiled_locales

    return compiled_locales.write()


def compile_bytecode() -> None:
    """The project every time; the virtualenv's packages once (a marker remembers it)."""
    for folder in ("service", "serverless"):
        _compile(REPOSITORY / folder)
    site_packages = Path(sysconfig.get_paths()["purelib"])
    marker = site_packages / ".hash-checked-bytecode"
    if not marker.exists():
        _compile(site_packages)
        marker.touch()


def _compile(folder: Path) -> None:
    checked_hash = compileall.py_compile.PycInvalidationMode.CHECKED_HASH
    if not compileall.compile_dir(folder, quiet=1, force=True, workers=0, invalidation_mode=checked_hash):
        raise SystemExit(f"byte-compiling {folder} failed")


CACHES = (
    Cache(
        "one boto3 session per process (botocore's endpoint and model data loaded once)",
        "service/store/session.py",
        "~100 ms",
        "none needed: made on the first client",
    ),
    Cache(
        "SSM's service model reduced to GetParameter (service/store/botocore_models/)",
        "service/store/session.py",
        "~15 ms",
        "botocore's full model",
        trim_service_models,
    ),
    Cache(
        "the published banks as one pickled snapshot (question_banks/published.snapshot)",
        "service/domain/bank_snapshot.py",
        "~20 ms",
        "the bank files parsed and checked (also whenever a byte of the lock or a bank differs)",
        snapshot_banks,
    ),
    Cache(
        "every template compiled into a Jinja bytecode cache (service/compiled_templates/)",
        "service/web/compiled_templates.py",
        "~20 ms",
        "Jinja compiles a template on first use (also when its source or the filters differ)",
        compile_templates,
    ),
    Cache(
        "Babel's uk and en data without the parts never used (service/compiled_locales/)",
        "service/web/compiled_locales.py",
        "~25 ms",
        "Babel's own files, trimmed in memory the same way (another Babel version too)",
        compile_locales,
    ),
    Cache(
        "hash-checked .pyc files for the service and the virtualenv (Lambda cannot write them)",
        "serverless/prebuild.py",
        "every imported module compiled, each time, otherwise",
        "Python compiles each module it imports",
        compile_bytecode,
    ),
    Cache(
        "the app built at import, without garbage collection, then gc.freeze()",
        "service/lambda_app.py",
        "~25 ms",
        "none needed: done in the init phase",
    ),
)


def build_all() -> list[str]:
    """Run every build step of the table, in order; return the names of the caches written."""
    built = []
    for cache in CACHES:
        if cache.build is not None:
            cache.build()
            built.append(cache.name)
    return built
