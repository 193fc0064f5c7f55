"""Templates compiled once, when the Lambda package is built, instead of at every cold start.

serverless/prebuild.py compiles every template of the real app into `service/compiled_templates/`
(not in git); the app loads from there when the folder exists and never writes to it (/var/task is
read-only). Jinja checks each entry against its template's source and its own and Python's
versions, and this cache adds how each filter and test is called, so a changed template (or a
working tree whose filters changed since its last package build) is simply compiled again, as
without this cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

FOLDER = Path(__file__).resolve().parent.parent / "compiled_templates"


class CompiledTemplates(BytecodeCache):
    def __init__(self, folder: Path, writable: bool = False):
        self.folder = folder
        self.writable = writable

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # By name only: the package is unpacked elsewhere (/var/task) than where it was built.
        return hashlib.sha256(name.encode()).hexdigest()

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        # Jinja decides when it compiles whether a filter or a test is given the render context, so
        # code compiled against other filters (an older checkout's build) would call them wrongly:
        # how each is called counts as part of the source.
        return super().get_bucket(environment, name, filename, source + "\0" + _calling(environment))

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self.folder / bucket.key
        if path.is_file():
            with path.open("rb") as compiled:
                bucket.load_bytecode(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.writable:
            with (self.folder / bucket.key).open("wb") as compiled:
                bucket.write_bytecode(compiled)


def _calling(environment: Environment) -> str:
    kinds = [environment.filters, environment.tests]
    return ";".join(f"{name}:{getattr(f, 'jinja_pass_arg', '')}" for kind in kinds for name, f in sorted(kind.items()))


def init_app(app: Flask) -> None:
    if FOLDER.is_dir():
        app.jinja_env.bytecode_cache = CompiledTemplates(FOLDER)


def compile_all(app: Flask, folder: Path = FOLDER) -> int:
    """Compile every template the app can load into `folder`; return how many."""
    folder.mkdir(exist_ok=True)
    for stale in folder.iterdir():
        stale.unlink()
    app.jinja_env.bytecode_cache = CompiledTemplates(folder, writable=True)
    names = app.jinja_env.list_templates()
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)
