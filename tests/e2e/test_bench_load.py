"""The classroom load test runs end to end at a tiny scale against a real server process (locust
headless, a few seconds), so it cannot rot. No timing is asserted."""

from __future__ import annotations

from bench import load_test


def test_load_test_runs_a_tiny_class_without_errors(capsys):
    load_test.main(["--tiny"])
    printed = capsys.readouterr().out
    assert "POST /c/[cohort] (submit)" in printed
    assert "Budget: zero errors — met" in printed
