"""What `python -m service serve` prints at start: the tokens it made itself (now, or on an earlier
start, kept in the data folder), never a token the operator gave it in the environment."""

from __future__ import annotations

import os

import pytest

from service import local
from service.__main__ import _print_banner

GIVEN = "operators-own-admin-token-Zq8-3kP0xY2"


@pytest.fixture
def banner(monkeypatch, capsys):
    def start(environ: dict, data_dir) -> str:
        environ["ASSESS_DYNAMODB_ENDPOINT"] = "http://127.0.0.1:9"  # an endpoint of its own: nothing started
        monkeypatch.setattr(os, "environ", environ)
        environment = local.prepare_environment(environ, data_dir=data_dir)
        _print_banner("http://127.0.0.1:8000", environment, "assessments", False, None)
        return capsys.readouterr().out

    return start


def test_a_token_given_in_the_environment_is_never_printed(banner, tmp_path):
    printed = banner({"ASSESS_ADMIN_TOKEN": GIVEN}, tmp_path)
    assert GIVEN not in printed
    assert "Admin token:        (ASSESS_ADMIN_TOKEN, from the environment: not shown)" in printed


def test_tokens_the_run_made_are_printed_now_and_after_a_restart(banner, tmp_path):
    environ: dict = {}
    first = banner(environ, tmp_path)
    admin, evaluator = environ["ASSESS_ADMIN_TOKEN"], environ["ASSESS_EVALUATOR_TOKEN"]
    assert f"Admin token:        {admin}" in first and f"Evaluator token:    {evaluator}" in first
    again = banner({}, tmp_path)  # a restart prints the ones kept in secrets.json
    assert f"Admin token:        {admin}" in again and f"Evaluator token:    {evaluator}" in again


@pytest.mark.parametrize("name", ["ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN"])
def test_a_given_token_is_not_printed_or_kept_on_any_start(banner, tmp_path, name):
    assert GIVEN not in banner({name: GIVEN}, tmp_path)
    assert GIVEN not in banner({name: GIVEN}, tmp_path)
    assert GIVEN not in (tmp_path / "secrets.json").read_text()
