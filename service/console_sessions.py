"""Browser sessions of the coordinator's console and of the evaluator's workspace, kept in the table
so that the server can end them: a logout ends one at once (a replayed cookie finds it ended), and so
do idling, its lifetime and a new token of its role (service/domain/console_sessions.py). Each
session has its role: a coordinator's session opens no evaluator page, and the other way round.
The browser holds only a random id; the table holds its SHA-256, so a leaked table or backup opens no session."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from service.domain.console_sessions import ConsoleSession
from service.operations import Services
from service.settings import Settings

_MAX_ID_LENGTH = 100


def token_generation(settings: Settings, role: str = "coordinator") -> str:
    """Which token of its role a session was made under, keyed with the server secret: a new token, a
    new generation, and every older session of that role ends."""
    if role == "coordinator":  # the message sessions made before there were roles were made with
        message = b"console-session\0" + settings.admin_token_sha256.encode()
    elif role == "evaluator":
        message = b"evaluator-session\0" + settings.evaluator_token_sha256.encode()
    else:
        raise ValueError(f"unknown session role {role!r}")
    return hmac.new(settings.hmac_key, message, hashlib.sha256).hexdigest()[:32]


def start_session(services: Services, role: str = "coordinator") -> tuple[str, ConsoleSession]:
    """A new session after a login: the id for the browser's cookie (shown once), and the session."""
    session_id = secrets.token_urlsafe(32)
    now = int(services.clock())
    session = ConsoleSession(
        id_hash=_id_hash(session_id),
        csrf=secrets.token_urlsafe(24),
        token_generation=token_generation(services.settings, role),
        started_at=now,
        last_seen=now,
        role=role,
    )
    services.store.put_console_session(session)
    return session_id, session


def current_session(services: Services, session_id: str | None, role: str = "coordinator") -> ConsoleSession | None:
    """The live session of `role` this id opens, its request recorded (for the idle limit); None if none."""
    if not session_id or len(session_id) > _MAX_ID_LENGTH:
        return None
    session = services.store.get_console_session(_id_hash(session_id))
    now = services.clock()
    if session is None or not session.is_live(now, token_generation(services.settings, role), role):
        return None
    if session.needs_touch(now) and not services.store.touch_console_session(session.id_hash, int(now)):
        return None  # ended by a logout since it was read
    return session


def end_session(services: Services, session_id: str | None) -> None:
    """Log out: the session ends now, also for any copy of its cookie."""
    if session_id and len(session_id) <= _MAX_ID_LENGTH:
        services.store.end_console_session(_id_hash(session_id), int(services.clock()))


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
