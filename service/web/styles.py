"""The stylesheets, inlined into pages so that one request renders a page on a weak network.

Each sheet goes into its own <style> element and is allowed by its SHA-256 in the
Content-Security-Policy, so no other inline style can apply. `app.css` is on every page; a page kind
with more (the trainer's) adds its own small sheet rather than weighing down the phone pages.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask
from markupsafe import Markup

STATIC = Path(__file__).resolve().parent.parent / "static"
NAMES = ("app", "result", "trainer", "admin", "evaluator")
SHEETS = {name: (STATIC / f"{name}.css").read_text(encoding="utf-8").strip() for name in NAMES}


def csp_sources() -> str:
    """The style-src sources allowing exactly these sheets."""
    digests = (base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() for css in SHEETS.values())
    return " ".join(f"'sha256-{digest}'" for digest in digests)


def stylesheet(name: str) -> Markup:
    return Markup("<style>{}</style>").format(Markup(SHEETS[name]))


def init_app(app: Flask) -> None:
    app.add_template_global(stylesheet)
