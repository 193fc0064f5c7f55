"""A browser session opens only the pages of its own role, whatever else matches: the token generation
differs between roles too (service/console_sessions.py), this is the check that does not depend on it."""

from service.domain.console_sessions import ConsoleSession


def session(role: str) -> ConsoleSession:
    return ConsoleSession("hash", "csrf", "generation", started_at=1000, last_seen=1000, role=role)


def test_a_session_is_live_only_for_its_own_role():
    assert session("evaluator").is_live(1010, "generation", "evaluator")
    assert not session("evaluator").is_live(1010, "generation", "coordinator")
    assert not session("coordinator").is_live(1010, "generation", "evaluator")
    assert session("coordinator").is_live(1010, "generation")  # the console's, as before roles
