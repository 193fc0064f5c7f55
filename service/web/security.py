"""Headers every response carries, and which proxy headers are believed.

The inline stylesheets are allowed by their SHA-256 (`service/web/styles.py`); scripts may only come
from files on this origin (`script-src 'self'`, never 'unsafe-inline'), so no inline script or other
style can run.

Pages and JSON carry `Cache-Control: no-store, private`: participant pages hold a participant code,
trainer pages a cohort's results, and no shared cache (proxy, CDN) may keep either. Static files
keep Flask's revalidating `no-cache`.

`X-Forwarded-Proto` is believed only with ASSESS_TRUSTED_PROXIES set (werkzeug's ProxyFix, that many
proxies); otherwise a client could claim https. On Lambda, Zappa already takes the scheme from API
Gateway's own X-Forwarded-Proto, so the setting is for other proxies (docs/security.md).
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from service.web import styles

HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store, private"


def content_security_policy() -> str:
    return (
        "default-src 'none'; "
        f"style-src {styles.csp_sources()}; "
        "img-src 'self' data:; "
        "script-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'"
    )


def init_app(app: Flask) -> None:
    styles.init_app(app)
    policy = content_security_policy()
    trusted_proxies = app.extensions["assess"].settings.trusted_proxies
    if trusted_proxies:
        # Scheme only: the client address is never used, and links come from ASSESS_PUBLIC_URL.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=trusted_proxies, x_host=0, x_port=0, x_prefix=0)

    @app.after_request
    def add_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = policy
        headers["Referrer-Policy"] = "no-referrer"  # trainer links carry a secret
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"  # for browsers that ignore frame-ancestors
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers.setdefault("Cache-Control", NO_STORE)
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response
