"""How pages go over a weak mobile network: compact HTML, compressed when the client accepts it.

Responses are compressed here, in the app (brotli, else gzip; flask-compress adds `Vary`), so the
same bytes leave a laptop and Lambda. Behind API Gateway, Zappa's `binary_support` sends a body with
a Content-Encoding as base64, which API Gateway turns back into bytes, and API Gateway's own
compression (`payload_compression`) skips responses that already carry a Content-Encoding
(docs/performance.md, "Pages").
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

STATIC_MAX_AGE_SECONDS = 3600


def init_app(app: Flask) -> None:
    # Block tags leave no blank lines or indentation behind: a fifth of a 20-question page otherwise.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", STATIC_MAX_AGE_SECONDS)
    Compress(app)
