"""The command line a coordinator uses: create cohorts, check banks."""

import secrets
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.__main__ import cli
from service.settings import SECRET_NAMES
from tests.conftest import ENVIRONMENT, all_items

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(monkeypatch, dynamodb):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ASSESS_STAGE", "dev")
    # A deployed stage refuses the test suite's readable secrets: give it random ones.
    for name in SECRET_NAMES:
        monkeypatch.setenv(name, secrets.token_urlsafe(32))
    return CliRunner()


def test_cohorts_create_stores_a_cohort_and_prints_its_links(runner, dynamodb):
    result = runner.invoke(
        cli, ["cohorts", "create", "--bank", "online-child-safety", "--version", "2", "--label", "Lviv, June"]
    )
    assert result.exit_code == 0, result.output
    cohort_id = result.output.split("cohort_id:")[1].split()[0]
    assert f"https://assess.example.org/c/{cohort_id}" in result.output
    assert "?token=" in result.output
    cohorts = [item for item in all_items(dynamodb) if item["type"]["S"] == "cohort"]
    assert [item["label"]["S"] for item in cohorts] == ["Lviv, June"]


def test_cohorts_create_names_an_unpublished_version(runner):
    result = runner.invoke(
        cli, ["cohorts", "create", "--bank", "online-child-safety", "--version", "99", "--label", "x"]
    )
    assert result.exit_code == 1
    assert "no published bank online-child-safety version 99" in result.output


def test_local_cohorts_create_needs_the_endpoint_serve_printed(monkeypatch):
    monkeypatch.delenv("ASSESS_DYNAMODB_ENDPOINT", raising=False)
    monkeypatch.setenv("ASSESS_STAGE", "local")
    result = CliRunner().invoke(cli, ["cohorts", "create", "--bank", "b", "--version", "1", "--label", "x"])
    assert result.exit_code == 1
    assert "ASSESS_DYNAMODB_ENDPOINT" in result.output


def test_banks_check_passes_on_the_shipped_banks():
    result = CliRunner().invoke(cli, ["banks", "check"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_banks_check_fails_naming_a_changed_published_file(tmp_path):
    root = tmp_path / "question_banks"
    shutil.copytree(ROOT / "question_banks", root)
    bank_file = root / "online-child-safety" / "1.yaml"
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace("pass_percent: 70", "pass_percent: 60"))
    result = CliRunner().invoke(cli, ["banks", "check", "--root", str(root)])
    assert result.exit_code == 1
    assert "online-child-safety/1.yaml" in result.output
    assert "new version" in result.output
