"""The browser sessions of the coordinator's console (/admin) and the evaluator's workspace
(/evaluator) at the HTTP edge: one login form per role, the role's token typed once, then an
HttpOnly, SameSite=Strict cookie scoped to the role's path holding the random id of a session kept
in the table (service/console_sessions.py); every form repeats the session's CSRF secret; a logout
ends the session for every copy of the cookie. Failed logins of either role share the container's
throttle (service/web/login_throttle.py)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, make_response, redirect, render_template, request
from flask_babel import ngettext

from service import console_sessions
from service.domain.console_sessions import LIFETIME_SECONDS, ConsoleSession
from service.errors import N_, Forbidden
from service.observability import logger
from service.web import links, services
from service.web.errors import with_retry_after
from service.web.login_throttle import LoginThrottle

THROTTLE = "assess.login_throttle"


@dataclass(frozen=True)
class SessionDoor:
    """One role's way in: its cookie, the path the cookie is sent to, and the token check."""

    role: str
    cookie: str
    path: str
    is_token: Callable[[str], bool]
    login_template: str
    wrong_token: str  # the login page's message for a wrong token (English, translated on the page)
    log_name: str  # "console", "evaluator": the logs' "<name> login", "<name> login refused"


def start_throttle(state) -> None:
    """One throttle per app, and so per container (it lives in memory), on the services' clock;
    blueprints call this from `record_once`, and the first one makes it."""
    state.app.extensions.setdefault(THROTTLE, LoginThrottle(lambda: services().clock()))


def current(door: SessionDoor) -> ConsoleSession | None:
    return console_sessions.current_session(services(), request.cookies.get(door.cookie), door.role)


def check_form(session: ConsoleSession) -> None:
    """A POST must repeat the session's CSRF secret."""
    if request.method == "POST":
        presented = request.form.get("csrf", "")
        if not hmac.compare_digest(presented.encode(), session.csrf.encode()):
            raise Forbidden(N_("This form has expired. Go back, reload the page and try again."))


def log_in(door: SessionDoor, next_url: str):
    """Check the typed token (throttled); on success a new session and its cookie, and on to `next_url`."""
    from flask_babel import gettext as _

    throttle = current_app.extensions[THROTTLE]
    wait = throttle.wait_seconds()
    if wait:  # the token is not even compared: a right one answers as a wrong one would
        logger.info(f"{door.log_name} login throttled", extra={"retry_after": wait})
        message = ngettext(
            "Too many wrong tokens. Try again in %(num)s second.",
            "Too many wrong tokens. Try again in %(num)s seconds.",
            wait,
        )
        return with_retry_after(make_response(render_template(door.login_template, error=message), 429), wait)
    if not door.is_token(request.form.get("token", "").strip()):
        throttle.failed()
        logger.info(f"{door.log_name} login refused")
        return render_template(door.login_template, error=_(door.wrong_token)), 401
    throttle.succeeded()
    response = redirect(next_url, 303)
    session_id, _session = console_sessions.start_session(services(), door.role)
    response.set_cookie(
        door.cookie,
        session_id,
        max_age=LIFETIME_SECONDS,
        path=links.cookie_path(door.path),
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    logger.info(f"{door.log_name} login")
    return response


def log_out(door: SessionDoor, next_url: str):
    console_sessions.end_session(services(), request.cookies.get(door.cookie))
    response = redirect(next_url, 303)
    response.delete_cookie(
        door.cookie, path=links.cookie_path(door.path), httponly=True, samesite="Strict", secure=request.is_secure
    )
    return response
