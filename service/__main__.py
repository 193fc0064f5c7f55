"""Command line: `python -m service serve | cohorts create | banks check|template|import|publish|diff|export-moodle`."""

from __future__ import annotations

import os
import sys

import click

from service.authoring import cli as authoring_cli


@click.group()
def cli():
    """Pre/post training knowledge assessment."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, envvar="PORT", default=8000, show_default=True)
@click.option("--threads", type=int, default=8, show_default=True)
def serve(host: str, port: int, threads: int):
    """Run the service locally (embedded DynamoDB unless ASSESS_DYNAMODB_ENDPOINT is set)."""
    import waitress

    from service import local
    from service.app import create_app
    from service.store.table import create_table

    environment = local.prepare_environment()
    app = create_app()
    services = app.extensions["assess"]
    created = create_table(services.store.client, services.settings.table_name)
    demo = local.create_demo_cohort(services)
    root = services.settings.public_url or f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    echo = click.echo
    echo(f"Service:            {root}  (healthz: {root}/healthz, API: {root}/api/v1/openapi.json)")
    if environment.embedded:
        echo(f"DynamoDB:           embedded (moto) at {environment.endpoint}")
        echo("                    Data is kept in memory only: it is LOST when this process stops.")
    else:
        echo(
            f"DynamoDB:           {environment.endpoint}, table {services.settings.table_name}"
            f" ({'created' if created else 'existing'})"
        )
        echo("                    Data survives a restart if that endpoint keeps it on disk.")
    if demo:
        echo(f"Participant link:   {root}/c/{demo.cohort.id}")
        echo(f"Trainer link:       {root}/cohorts/{demo.cohort.id}?token={demo.trainer_token}")
    if environment.embedded:
        echo(
            f"More cohorts:       ASSESS_DYNAMODB_ENDPOINT={environment.endpoint} python -m service cohorts create"
            " --bank online-child-safety --version 2 --label '...'"
        )
    # The settings keep only the tokens' hashes; print what the environment holds (generated or set).
    hashed = "(configured as a SHA-256 hash; use the token you hashed)"
    echo(f"Admin token:        {os.environ.get('ASSESS_ADMIN_TOKEN') or hashed}")
    echo(f"Evaluator token:    {os.environ.get('ASSESS_EVALUATOR_TOKEN') or hashed}")
    if environment.generated:
        echo(
            f"                    ({', '.join(environment.generated)} generated for this run only;"
            " set them to keep them.)"
        )
    echo(f"Serving on http://{host}:{port} — press Ctrl+C to stop.")
    sys.stdout.flush()
    waitress.serve(app, host=host, port=port, threads=threads, ident="assess", _quiet=True)


@cli.group()
def cohorts():
    """Manage cohorts."""


@cohorts.command("create")
@click.option("--bank", "bank_id", required=True)
@click.option("--version", "bank_version", required=True)
@click.option("--label", required=True)
@click.option("--language")
@click.option("--region")
@click.option("--closed", multiple=True, type=click.Choice(["pre", "post"]), help="Phases that start closed.")
def create_cohort(bank_id, bank_version, label, language, region, closed):
    """Create a cohort on the configured DynamoDB (ASSESS_DYNAMODB_ENDPOINT or AWS)."""
    from service import local, operations
    from service.app import create_app
    from service.errors import ServiceError
    from service.settings import SettingsError

    if os.environ.get("ASSESS_STAGE", "local") == "local":
        if not os.environ.get("ASSESS_DYNAMODB_ENDPOINT"):
            raise click.ClickException(
                "set ASSESS_DYNAMODB_ENDPOINT to the endpoint `python -m service serve` printed (or ASSESS_STAGE)"
            )
        local.fill_local_secrets()
        for name, value in local.DUMMY_CREDENTIALS.items():
            os.environ.setdefault(name, value)
    try:
        app = create_app()
        created = operations.create_cohort(
            app.extensions["assess"],
            bank_id=bank_id,
            bank_version=bank_version,
            label=label,
            language=language,
            region=region,
            phases={phase: False for phase in closed},
        )
    except (ServiceError, SettingsError) as error:
        raise click.ClickException(str(error)) from None
    root = app.extensions["assess"].settings.public_url or "http://127.0.0.1:8000"
    click.echo(f"cohort_id:        {created.cohort.id}")
    click.echo(f"participant link: {root}/c/{created.cohort.id}")
    click.echo(f"trainer link:     {root}/cohorts/{created.cohort.id}?token={created.trainer_token}")
    click.echo("The trainer link is shown only this once.")


@cli.group()
def banks():
    """Question banks."""


authoring_cli.register(banks)


@banks.command("check")
@click.option("--root", type=click.Path(file_okay=False), default=None, help="Default: question_banks/")
def check(root):
    """Validate every bank file and the lock of published versions."""
    from pathlib import Path

    from service.domain.banks import check_banks
    from service.settings import REPOSITORY

    problems = check_banks(Path(root) if root else REPOSITORY / "question_banks")
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("All question banks are valid and every published version is unchanged.")


if __name__ == "__main__":
    cli(prog_name="python -m service")
