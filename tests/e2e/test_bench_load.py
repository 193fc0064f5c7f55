"""The classroom load test runs end to end at a tiny scale against a real server process (locust
headless, a few seconds), on moto and on the laptop's durable database, so it cannot rot. No timing
is asserted."""

from __future__ import annotations

import pytest

from bench import load_test
from service import local


@pytest.mark.parametrize("engine", ["memory", "disk"])
def test_load_test_runs_a_tiny_class_without_errors(capsys, engine):
    if engine == "disk" and local.durable_dynamodb_problem():
        pytest.skip(local.durable_dynamodb_problem())
    load_test.main(["--tiny", *(["--disk"] if engine == "disk" else [])])
    printed = capsys.readouterr().out
    assert "POST /c/[cohort] (submit)" in printed
    assert "Budget: zero errors — met" in printed
    assert ("durable dynalite" in printed) == (engine == "disk")
