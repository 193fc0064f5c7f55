"""Per-request observability: a correlation id on every log line and one metrics line per request
(see service/observability.py)."""

from __future__ import annotations

from flask import Flask, request

from service import observability


def init_app(app: Flask) -> None:
    @app.before_request
    def correlate():
        observability.start_request(request.environ)

    @app.after_request
    def flush(response):
        observability.end_request(response.status_code)
        return response
