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


def test_a_session_item_stored_before_roles_reads_as_the_consoles_and_targets_read_back():
    from service.store import items

    item = items.console_session_to_item(session("evaluator"))
    assert items.console_session_from_item(item).role == "evaluator"
    del item["role"]  # as stored before there were roles
    assert items.console_session_from_item(item).role == "coordinator"
    targets = {"improved_share": 70.0, "mean_gain": 15.5}
    stored = items.targets_to_item("bank", targets, "2026-03-12T10:04Z")
    assert stored["pk"] == {"S": "BANK#bank"} and items.targets_from_item(stored) == targets
    assert items.targets_from_item(None) == {}
