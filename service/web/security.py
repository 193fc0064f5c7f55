"""Headers every response carries. The inline stylesheets are allowed by their SHA-256
(`service/web/styles.py`), so no inline script or other style can run."""

from __future__ import annotations

from flask import Flask, request

from service.web import styles


def init_app(app: Flask) -> None:
    styles.init_app(app)
    policy = (
        "default-src 'none'; "
        f"style-src {styles.csp_sources()}; "
        "img-src 'self' data:; "
        "script-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'"
    )

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
