"""Minutes with more submissions than a class sends, from the stored times alone."""

from dataclasses import replace

from service.domain.bursts import Burst, submission_bursts
from tests.factories import submission


def arrivals(phase: str, minute: str, n: int) -> list:
    return [replace(submission(f"p{phase}{minute}{i}", phase), submitted_at=minute) for i in range(n)]


def test_a_minute_after_the_first_with_more_than_30_is_a_burst_and_30_is_not():
    found = submission_bursts(
        arrivals("pre", "2026-03-12T09:00Z", 80)
        + arrivals("pre", "2026-03-12T09:01Z", 30)
        + arrivals("pre", "2026-03-12T09:07Z", 31)
        + arrivals("post", "2026-03-12T15:00Z", 2)
        + arrivals("post", "2026-03-12T15:02Z", 45)
    )
    assert found == [Burst("pre", "2026-03-12T09:07Z", 31), Burst("post", "2026-03-12T15:02Z", 45)]
    assert found[0].time == "09:07"


def test_each_phase_has_its_own_first_minute():
    found = submission_bursts(arrivals("post", "2026-03-12T09:01Z", 40) + arrivals("pre", "2026-03-12T09:00Z", 1))
    assert found == []


def test_no_submissions_no_bursts():
    assert submission_bursts([]) == []
