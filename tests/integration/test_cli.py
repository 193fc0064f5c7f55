"""The command line a coordinator uses: create cohorts, check banks."""

import csv
import io
import json
import secrets
import shutil
import uuid
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
    monkeypatch.setenv("ASSESS_K_ANONYMITY", "2")  # a class of 2 is reported; a language of 1 is not
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


@pytest.fixture
def reported_cohort(runner, settings, store):
    """A cohort of the demonstration bank with two participants, one of whom came back."""
    from service import operations, submissions
    from service.app import create_app

    services = create_app(settings, store=store).extensions["assess"]
    created = operations.create_cohort(
        services, bank_id="online-child-safety", bank_version="2", label="CLI", phases={"post": True}
    )
    cohort, bank = operations.find_cohort(services, created.cohort.id)
    half = bank.questions[: bank.min_answered_count]  # the fewest answers a test is stored with
    right = {q.id: sorted(q.correct_ids) for q in half}
    wrong = {q.id: [next(o.id for o in q.options if not o.correct)] for q in half}
    codes = []
    for answers in (right, wrong):
        result = submissions.submit(
            services, cohort, bank, submission_id=str(uuid.uuid4()), phase="pre", language="uk", answers=answers
        )
        codes.append(result.participant_code)
    submissions.submit(
        services,
        cohort,
        bank,
        submission_id=str(uuid.uuid4()),
        phase="post",
        language="en",
        answers=right,
        participant_code=codes[1],
    )
    return cohort.id


def test_report_prints_the_evaluators_json(runner, reported_cohort):
    result = runner.invoke(cli, ["report", "--cohort", reported_cohort])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cohort_ids"] == [reported_cohort] and report["cohort_id"] == reported_cohort
    assert (report["phases"]["pre"]["n"], report["phases"]["post"]["n"]) == (2, 1)
    # one pair under k = 2: counted in the phases, paired in no evaluator figure (one person's gain)
    assert report["paired"]["n"] == 0 and report["paired_cohorts_withheld"] == {"n": 1, "withheld": "fewer than 2"}
    assert report["cohorts"][0]["withheld"] == "fewer than 2" and report["cohorts"][0]["mean_gain"] is None
    # a language of one is withheld (issue 13), not shown as n = 1 with that person's score
    assert report["phases"]["post"]["by_language"]["en"] == {
        **dict.fromkeys(report["phases"]["post"]["by_language"]["uk"], None),
        "withheld": "fewer than 2",
    }
    pooled = runner.invoke(cli, ["report", "--bank", "online-child-safety", "--version", "2"])
    assert json.loads(pooled.output)["phases"] == report["phases"]


def test_report_as_csv_has_one_row_per_figure(runner, reported_cohort):
    result = runner.invoke(cli, ["report", "--cohort", reported_cohort, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    paired_n = next(row for row in rows if (row["section"], row["figure"]) == ("paired", "n"))
    assert paired_n["value"] == "0"  # one pair under k = 2 is paired in no evaluator figure
    withheld_row = next(row for row in rows if (row["section"], row["figure"]) == ("cohort", "mean_gain"))
    assert (withheld_row["group"], withheld_row["value"], withheld_row["withheld"]) == (
        reported_cohort,
        "",
        "fewer than 2",
    )
    assert {row["section"] for row in rows} == {
        "cohort",
        "meta",
        "phase",
        "topic",
        "language",
        "histogram",
        "paired",
        "gain_histogram",
        "paired_gain",
        "attrition",
        "item",
        "retention",  # the bank asks no reaction, so no "reaction" rows
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["report"], "give bank_id and bank_version"),
        (["report", "--bank", "online-child-safety"], "give bank_id and bank_version"),
        (["report", "--cohort", "nosuchcohort"], "no such cohort"),
        (["report", "--bank", "online-child-safety", "--version", "99"], "no such bank version"),
    ],
)
def test_report_names_what_is_missing_or_unknown(runner, arguments, message):
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 1
    assert message in result.output
