"""Minutes in which a phase received more submissions than a class sends: a forwarded link or a
script at work. Pure, from the stored submission times (to the minute). A phase's first minute is
left out: a class told "send now" may all send in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from service.domain.models import PHASES, Submission

BURST_PER_MINUTE = 30


@dataclass(frozen=True)
class Burst:
    phase: str
    minute: str  # as stored: "2026-03-12T09:01Z" (UTC)
    submissions: int

    @property
    def time(self) -> str:
        """The minute's time of day, "09:01" (UTC)."""
        return self.minute[11:16]


def submission_bursts(submissions: Iterable[Submission], most: int = BURST_PER_MINUTE) -> list[Burst]:
    """Every minute after a phase's first in which that phase received more than `most` submissions,
    phase by phase, in time order."""
    per_minute = {phase: Counter() for phase in PHASES}
    for submission in submissions:
        per_minute.setdefault(submission.phase, Counter())[submission.submitted_at] += 1
    bursts = []
    for phase, minutes in per_minute.items():
        first = min(minutes, default=None)
        bursts += [Burst(phase, minute, n) for minute, n in sorted(minutes.items()) if minute != first and n > most]
    return bursts
