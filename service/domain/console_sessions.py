"""When a browser session (the coordinator's console, the evaluator's workspace) is still good. Pure:
the store keeps sessions as items (docs/data-model.md), service/console_sessions.py makes, reads and
ends them.

A session ends at the first of: a logout, 30 minutes without a request, 8 hours after the login,
or a new token of its role (each session records which token generation it was made under). A
session opens only the pages of its own role."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

IDLE_SECONDS = 30 * 60
LIFETIME_SECONDS = 8 * 3600
# A request records itself only when the last record is this old: one write a minute at most, not
# one per page, at the price of the idle limit counting from up to a minute before the last request.
TOUCH_AFTER_SECONDS = 60
ROLES = ("coordinator", "evaluator")


@dataclass(frozen=True)
class ConsoleSession:
    id_hash: str  # SHA-256 of the random id in the browser's cookie; the id itself is kept nowhere
    csrf: str  # the secret every console form repeats
    token_generation: str  # a keyed hash of the admin token it was made under
    started_at: int  # epoch seconds
    last_seen: int  # epoch seconds of the last recorded request
    ended_at: int | None = None  # logged out
    role: str = "coordinator"  # whose token opened it: "coordinator" (/admin) or "evaluator" (/evaluator)

    @property
    def expires_at(self) -> int:
        """The end of its lifetime, whatever happens: also when DynamoDB's TTL may delete the item."""
        return self.started_at + LIFETIME_SECONDS

    def is_live(self, now: float, token_generation: str, role: str = "coordinator") -> bool:
        return (
            self.ended_at is None
            and hmac.compare_digest(self.token_generation, token_generation)
            and now - self.last_seen < IDLE_SECONDS
            and now < self.expires_at
            and self.role == role
        )

    def needs_touch(self, now: float) -> bool:
        return now - self.last_seen >= TOUCH_AFTER_SECONDS
