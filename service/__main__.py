"""Command line: `python -m service serve | cohorts create | report | banks check|template|import|publish|diff|...`."""

from __future__ import annotations

import os
import sys

import click

from service.authoring import cli as authoring_cli
from service.domain.models import PHASES


@click.group()
def cli():
    """Pre/post training knowledge assessment."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, envvar="PORT", default=8000, show_default=True)
@click.option("--threads", type=int, default=8, show_default=True)
@click.option(
    "--data",
    "data_option",
    type=click.Path(file_okay=False),
    help="Folder that keeps the database, secrets and exports (default .local/, or ASSESS_DATA_DIR).",
)
@click.option("--memory", is_flag=True, help="Keep nothing: an in-memory database and secrets for this run only.")
@click.option("--room", is_flag=True, help="Serve the phones in this room: listen on the laptop's network address.")
def serve(host: str, port: int, threads: int, data_option: str | None, memory: bool, room: bool):
    """Run the service locally; data is kept in a folder unless --memory (or ASSESS_DYNAMODB_ENDPOINT)."""
    import waitress

    from service import local
    from service.app import create_app
    from service.export_jobs import ExportJobs
    from service.store.table import create_table

    if memory and data_option:
        raise click.UsageError("--memory keeps nothing; --data names where to keep it: choose one")
    data_dir = None if memory else local.data_dir_from(data_option)
    if data_dir is not None and local.running_service(data_dir):
        raise click.ClickException(f"a service is already running on {data_dir}: stop it first, or use --data")
    room_address = _room_address(port) if room else None
    if room:
        host = "0.0.0.0"
    try:
        environment = local.prepare_environment(data_dir=data_dir)
    except local.LocalSetupError as error:
        raise click.ClickException(str(error)) from None
    app = create_app()
    services = app.extensions["assess"]
    ExportJobs(services.settings).delete_expired_files()  # links that expired while it was stopped
    created = create_table(services.store.client, services.settings.table_name)
    demo = local.create_demo_cohort(services, data_dir if environment.embedded else None)
    root = services.settings.public_url or f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if data_dir is not None:
        local.write_run_file(data_dir, environment.endpoint, root)
    _print_banner(root, environment, services.settings.table_name, created, demo)
    if room_address is not None:
        _print_room(root, room_address, demo)
    click.echo(f"Serving on http://{host}:{port} — press Ctrl+C to stop.")
    sys.stdout.flush()
    waitress.serve(app, host=host, port=port, threads=threads, ident="assess", _quiet=True)


def _room_address(port: int):
    """The laptop's address for the room's phones; every link and QR code names it (ASSESS_PUBLIC_URL)."""
    from service import room

    chosen = room.choose_room_address(room.interface_addresses())
    if chosen.address and not os.environ.get("ASSESS_PUBLIC_URL"):
        os.environ["ASSESS_PUBLIC_URL"] = f"http://{chosen.address}:{port}"
    return chosen


def _print_room(root: str, room_address, demo) -> None:
    from service import room
    from service.web import links

    if room_address.warning:
        click.echo(f"WARNING:            {room_address.warning}", err=True)
    click.echo(f"Room:               phones on this laptop's network open {root}")
    if demo:
        click.echo(room.terminal_qr(links.participant_link(root, demo[0])))
    click.echo("                    The trainer page's projector view shows this link as a QR code.")


def _print_banner(root: str, environment, table_name: str, created: bool, demo) -> None:
    """Where the service answers, where its data lives and how to reset it, the demo links and tokens."""
    from service.web import links

    echo = click.echo
    echo(f"Service:            {root}  (healthz: {root}/healthz, API: {root}/api/v1/openapi.json)")
    if environment.engine == "moto":
        echo(f"DynamoDB:           embedded (moto) at {environment.endpoint}")
        echo("                    Data is kept in memory only (--memory): it is LOST when this process stops.")
    elif environment.engine == "dynalite":
        echo(f"DynamoDB:           embedded (dynalite on disk) at {environment.endpoint}")
    else:
        echo(f"DynamoDB:           {environment.endpoint}, table {table_name} ({'created' if created else 'existing'})")
        echo("                    Data survives a restart if that endpoint keeps it on disk.")
    if environment.data_dir is not None:
        echo(f"Data folder:        {environment.data_dir}")
        echo(
            "                    Kept across restarts, kill and power cuts: database, secrets, export files."
            " To start afresh: stop the service and delete this folder."
        )
    if demo:
        cohort_id, trainer_token = demo
        echo(f"Participant link:   {links.participant_link(root, cohort_id)}")
        if trainer_token:
            echo(f"Trainer link:       {links.trainer_link(root, cohort_id, trainer_token)}")
    if environment.embedded:
        echo("More cohorts:       python -m service cohorts create --bank online-child-safety --version 2 --label ...")
        if environment.data_dir is None:
            echo(f"                    (with ASSESS_DYNAMODB_ENDPOINT={environment.endpoint} set)")
    # Only the tokens this run made (now, or on an earlier start and kept) are printed: one the
    # operator set is theirs, maybe shared with a deployment, and a terminal's scrollback or a
    # screen shared in a room is no place for it.
    for label, name in (("Admin token", "ASSESS_ADMIN_TOKEN"), ("Evaluator token", "ASSESS_EVALUATOR_TOKEN")):
        shown = f"({name}, from the environment: not shown)" if name in environment.given else os.environ[name]
        echo(f"{label + ':':<20}{shown}")
    if environment.generated:
        kept = f"kept in {environment.data_dir / 'secrets.json'}" if environment.data_dir else "for this run only"
        echo(f"                    ({', '.join(environment.generated)} generated now, {kept}.)")


@cli.group()
def cohorts():
    """Manage cohorts."""


@cohorts.command("create")
@click.option("--bank", "bank_id", required=True)
@click.option("--version", "bank_version", required=True)
@click.option("--label", required=True)
@click.option("--language")
@click.option("--region")
@click.option("--closed", multiple=True, type=click.Choice(PHASES), help="Phases that start closed.")
@click.option(
    "--expected",
    "expected_participants",
    type=int,
    default=100,
    show_default=True,
    help="Participants expected; each test takes at most 1.5 times as many submissions.",
)
def create_cohort(bank_id, bank_version, label, language, region, closed, expected_participants):
    """Create a cohort on the configured DynamoDB (ASSESS_DYNAMODB_ENDPOINT or AWS)."""
    from service import operations
    from service.errors import ServiceError

    app = _app_on_configured_store()
    try:
        created = operations.create_cohort(
            app.extensions["assess"],
            bank_id=bank_id,
            bank_version=bank_version,
            label=label,
            language=language,
            region=region,
            phases={phase: False for phase in closed},
            expected_participants=expected_participants,
        )
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    from service.web import links

    root = app.extensions["assess"].settings.public_url or "http://127.0.0.1:8000"
    click.echo(f"cohort_id:        {created.cohort.id}")
    click.echo(f"participant link: {links.participant_link(root, created.cohort.id)}")
    click.echo(f"trainer link:     {links.trainer_link(root, created.cohort.id, created.trainer_token)}")
    click.echo("The trainer link is shown only this once.")


@cohorts.command("delete")
@click.argument("cohort_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_cohort(cohort_id, yes):
    """Erase a cohort and all its answers from the configured DynamoDB (cannot be undone)."""
    from service import operations
    from service.errors import ServiceError

    app = _app_on_configured_store()
    services = app.extensions["assess"]
    cohort = services.store.get_cohort(cohort_id)
    if cohort is None:
        raise click.ClickException(f"no such cohort: {cohort_id}")
    if not yes:
        click.confirm(
            f"Erase cohort {cohort.id} ({cohort.label}) and every answer of it? This cannot be undone", abort=True
        )
    try:
        deleted = operations.delete_cohort(services, cohort_id)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Deleted cohort {cohort_id}: {deleted} items (the cohort and its submissions).")


def _app_on_configured_store():
    """The app on the DynamoDB the environment names; locally that is the endpoint `serve` printed."""
    from service import local
    from service.app import create_app
    from service.settings import SettingsError

    if os.environ.get("ASSESS_STAGE", "local") == "local":
        data_dir = None
        if not os.environ.get("ASSESS_DYNAMODB_ENDPOINT"):
            # Beside a running `serve`: its data folder says where its database answers and holds its secrets.
            data_dir = local.data_dir_from(None)
            running = local.running_service(data_dir)
            if running is None:
                raise click.ClickException(
                    f"no service is running on {data_dir}: start `python -m service serve` (or set"
                    " ASSESS_DYNAMODB_ENDPOINT to the endpoint it printed, or ASSESS_STAGE)"
                )
            os.environ["ASSESS_DYNAMODB_ENDPOINT"] = running["endpoint"]
            os.environ.setdefault("ASSESS_PUBLIC_URL", running.get("root", ""))
        local.fill_local_secrets(data_dir=data_dir)
        for name, value in local.DUMMY_CREDENTIALS.items():
            os.environ.setdefault(name, value)
    try:
        return create_app()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@click.option("--bank", "bank_id", help="Bank id; with --version, every cohort of that version pooled.")
@click.option("--version", "bank_version", help="Bank version.")
@click.option("--cohort", "cohort_ids", multiple=True, help="A cohort; repeat to pool several of one bank version.")
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def report(bank_id, bank_version, cohort_ids, output_format):
    """The effectiveness report of one cohort or of cohorts pooled (the evaluator's numbers), on stdout.

    CSV has one row per figure (docs/report.md); JSON is what GET /api/v1/reports answers.
    """
    import json

    from service import reports
    from service.domain import report_table
    from service.errors import ServiceError

    app = _app_on_configured_store()
    try:
        figures = reports.evaluator_report(
            app.extensions["assess"], cohort_ids=cohort_ids, bank_id=bank_id, bank_version=bank_version
        )
    except ServiceError as error:
        details = "; ".join(f"{name}: {problem}" for name, problem in error.fields.items())
        raise click.ClickException(f"{error}" + (f" ({details})" if details else "")) from None
    if output_format == "csv":
        click.echo(report_table.to_csv(report_table.report_rows(figures)), nl=False)
    else:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False, allow_nan=False))


@cli.group("room")
def room_commands():
    """A class served from a laptop without internet, sent to a deployment afterwards."""


@room_commands.command("upload")
@click.option("--to", "to", required=True, help="The deployment's address, e.g. https://assess.example.org")
@click.option(
    "--admin-token", envvar="ASSESS_UPLOAD_ADMIN_TOKEN", prompt=True, hide_input=True, help="The deployment's."
)
@click.option(
    "--data", "data_option", type=click.Path(file_okay=False), help="The room's data folder (default .local/)."
)
@click.option("--cohort", "cohort_ids", multiple=True, help="Only this cohort (repeat); default: every closed one.")
@click.option("--close", is_flag=True, help="Close the chosen cohorts for good first (no more answers on the laptop).")
def room_upload(to, admin_token, data_option, cohort_ids, close):
    """Send this laptop's closed cohorts, with every submission, to a deployment (run again to resume)."""
    from service import local, operations, reports, room
    from service.app import create_app

    data_dir = local.data_dir_from(data_option)
    running = local.running_service(data_dir)
    if running:
        os.environ["ASSESS_DYNAMODB_ENDPOINT"] = running["endpoint"]
    try:
        local.prepare_environment(data_dir=data_dir)
    except local.LocalSetupError as error:
        raise click.ClickException(str(error)) from None
    services = create_app().extensions["assess"]
    chosen = reports.select_cohorts(services, cohort_ids=cohort_ids)
    if cohort_ids and len(chosen) < len(set(cohort_ids)):
        raise click.ClickException(
            "no such cohort on this laptop: " + ", ".join(sorted(set(cohort_ids) - {c.id for c in chosen}))
        )
    if close:
        chosen = [operations.close_cohort(services, cohort.id) for cohort in chosen]
    still_open = [cohort for cohort in chosen if not cohort.closed]
    if still_open and cohort_ids:
        names = ", ".join(cohort.id for cohort in still_open)
        raise click.ClickException(f"close these cohorts for good first (console, or --close): {names}")
    closed = [cohort for cohort in chosen if cohort.closed]
    if not closed:
        raise click.ClickException("no closed cohort to upload: close one for good first (console, or --close)")
    for cohort in still_open:
        click.echo(f"{cohort.id}  {cohort.label}: still open on this laptop, not sent")
    try:
        room.upload(services.store, closed, to.rstrip("/"), admin_token, echo=click.echo)
    except room.UploadError as error:
        raise click.ClickException(f"{error} — run the same command again to resume") from None


@cli.group()
def banks():
    """Question banks."""


authoring_cli.register(banks)


@banks.command("check")
@click.option("--root", type=click.Path(file_okay=False), default=None, help="Default: question_banks/")
@click.option("--strict", is_flag=True, help="Item-writing warnings (cues to the key) count as problems too.")
def check(root, strict):
    """Validate every bank file and the lock of published versions; warn of item-writing cues."""
    from pathlib import Path

    from service.domain.banks import check_banks, item_warning_lines
    from service.settings import REPOSITORY

    folder = Path(root) if root else REPOSITORY / "question_banks"
    problems = check_banks(folder)
    for problem in problems:
        click.echo(problem, err=True)
    warnings = item_warning_lines(folder)
    for warning in warnings:
        click.echo(("error: " if strict else "warning: ") + warning, err=True)
    if problems or (strict and warnings):
        counted = len(problems) + (len(warnings) if strict else 0)
        raise click.ClickException(f"{counted} problem(s) found")
    click.echo(
        "All question banks are valid and every published version is unchanged"
        + (f"; {len(warnings)} item-writing warning(s) (docs/question-banks.md)." if warnings else ".")
    )


if __name__ == "__main__":
    cli(prog_name="python -m service")
