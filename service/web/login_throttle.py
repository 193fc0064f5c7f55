"""Failed console logins back off exponentially, per container and in memory: after a few free
failures each further one doubles the wait (up to a cap) before the next attempt is even tried.
Client addresses are never read (docs/security.md), so the count is the container's, not a
client's: an attacker guessing the admin token and a coordinator mistyping it wait alike, which is
the price of reading no addresses; a right token after the wait forgives every failure."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

FREE_FAILURES = 5
FIRST_WAIT_SECONDS = 1
LONGEST_WAIT_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._failures = 0
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def wait_seconds(self) -> int:
        """How long until the next attempt may be tried (0: now)."""
        with self._lock:
            return max(0, math.ceil(self._blocked_until - self._clock()))

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= FREE_FAILURES:
                doublings = min(self._failures - FREE_FAILURES, 20)  # 2**20 s is past the cap anyway
                wait = min(FIRST_WAIT_SECONDS * 2**doublings, LONGEST_WAIT_SECONDS)
                self._blocked_until = self._clock() + wait

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._blocked_until = 0.0
