"""Which address a laptop offers the phones in a room, and how an upload is cut into requests."""

from __future__ import annotations

import json

import pytest

from service.room import batches, choose_room_address


def test_a_private_address_of_a_real_interface_is_chosen_over_loopback_and_bridges():
    chosen = choose_room_address(
        [("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("wlp2s0", "192.168.43.12"), ("eth0", "10.0.0.5")]
    )
    assert chosen.address == "192.168.43.12" and chosen.warning is None


@pytest.mark.parametrize(
    ("addresses", "shown"),
    [
        ([("lo", "127.0.0.1")], None),
        ([("lo", "127.0.0.1"), ("wlan0", "169.254.10.20")], "169.254.10.20"),
        ([("docker0", "172.17.0.1")], "172.17.0.1"),
        ([("eth0", "8.8.4.4")], "8.8.4.4"),
    ],
)
def test_no_reachable_address_is_a_warning_that_says_what_to_do(addresses, shown):
    chosen = choose_room_address(addresses)
    assert chosen.address == shown
    assert "hotspot" in chosen.warning


def test_uploads_are_cut_into_requests_under_the_body_limit_and_the_count():
    wires = [{"pk": {"S": "x" * 3000}} for _ in range(45)]
    cut = list(batches(wires, max_bytes=40_000, max_count=20))
    assert [item for batch in cut for item in batch] == wires
    assert all(len(json.dumps({"submissions": batch})) < 40_100 for batch in cut)
    assert all(len(batch) <= 20 for batch in cut) and len(cut) == 4
    assert list(batches([], max_bytes=10)) == []
    assert list(batches([{"a": "y" * 100}], max_bytes=10)) == [[{"a": "y" * 100}]]  # one big item still goes
