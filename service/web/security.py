"""Headers every response carries, and the inline stylesheet they allow by hash.

The stylesheet is inlined (one request renders a page on a weak network) and allowed by its
SHA-256 in the Content-Security-Policy, so no inline script or other style can run.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask, request

CSS = (Path(__file__).resolve().parent.parent / "static" / "app.css").read_text(encoding="utf-8")


def init_app(app: Flask) -> None:
    digest = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
    policy = (
        "default-src 'none'; "
        f"style-src 'sha256-{digest}'; "
        "img-src 'self' data:; "
        "script-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'"
    )

    @app.context_processor
    def inline_css():
        return {"inline_css": CSS}

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
