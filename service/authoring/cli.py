"""`python -m service banks template | import | publish | diff | export-moodle`: the authoring
commands, attached to the `banks` group of `service/__main__.py` by `register`."""

from __future__ import annotations

from pathlib import Path

import click

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: question_banks/"
)


def register(group: click.Group) -> None:
    for command in (template, import_bank, publish, diff, export_moodle):
        group.add_command(command)


def _root(root: Path | None) -> Path:
    from service.settings import REPOSITORY

    return root or REPOSITORY / "question_banks"


def _fail(problems: list[str], what: str) -> None:
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"{len(problems)} problem(s); {what}")


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="e.g. bank.xlsx")
@click.option("--languages", default="uk,en", show_default=True, help="Language codes, the default first.")
def template(out: Path, languages: str):
    """Write the spreadsheet template (.xlsx) a bank is written in."""
    from service.authoring.sheets import SpreadsheetError
    from service.authoring.template import write_template

    codes = tuple(code.strip() for code in languages.split(",") if code.strip())
    try:
        write_template(out, codes)
    except SpreadsheetError as error:
        _fail(error.problems, "no template written")
    click.echo(f"Wrote {out}: fill in the sheets Settings, Questions, Demographics and Reaction (see Notes).")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@ROOT_OPTION
@click.option(
    "--strict", is_flag=True, help="Item-writing warnings (cues to the key) are problems: nothing is written."
)
def import_bank(files: tuple[Path, ...], root: Path | None, strict: bool):
    """Turn a filled-in spreadsheet (.xlsx, or its sheets as CSV files) into <id>/<version>.yaml."""
    from service.authoring.importer import bank_and_cells_from_sheets
    from service.authoring.publish import write_draft
    from service.authoring.sheets import SpreadsheetError, read_workbook
    from service.domain.banks import BankError, parse_bank
    from service.domain.item_checks import item_warnings

    try:
        data, cell_of = bank_and_cells_from_sheets(read_workbook(list(files)))
        warnings = [
            f"{cell_of(w.segments)}: {w.message} [{w.check}]" for w in item_warnings(parse_bank(data, "import"))
        ]
        if strict and warnings:
            _fail(warnings, "nothing was written (--strict)")
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        written = write_draft(_root(root), data, ", ".join(path.name for path in files))
    except (SpreadsheetError, BankError) as error:
        _fail(error.problems, "nothing was written")
    questions = len(data["questions"])
    click.echo(f"{'Replaced' if written.replaced else 'Wrote'} {written.path} ({questions} questions), a draft.")
    click.echo(f"Check it, then: python -m service banks publish {data['id']} {data['version']}")


@click.command()
@click.argument("bank_id")
@click.argument("version")
@ROOT_OPTION
def publish(bank_id: str, version: str, root: Path | None):
    """Validate a version and add it to published.lock; from then on it never changes."""
    from service.authoring import publish as publishing
    from service.domain.banks import BankError

    try:
        bank, added = publishing.publish(_root(root), bank_id, version)
    except BankError as error:
        _fail(error.problems, "not published")
    if added:
        click.echo(f"Published {bank_id} version {version} (sha256 {bank.sha256}).")
    else:
        click.echo(f"{bank_id} version {version} is already published with this content; nothing changed.")


@click.command()
@click.argument("bank_id")
@click.argument("old_version")
@click.argument("new_version")
@ROOT_OPTION
def diff(bank_id: str, old_version: str, new_version: str, root: Path | None):
    """List items added, removed and changed between two versions, and which are comparable."""
    from service.authoring.diff import describe, diff_banks

    old, new = _load(root, bank_id, old_version), _load(root, bank_id, new_version)
    for line in describe(diff_banks(old, new)):
        click.echo(line)


@click.command("export-moodle")
@click.argument("bank_id")
@click.argument("version")
@click.option("--lang", "language", default=None, help="Default: the bank's first language.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: stdout.")
@click.option(
    "--all-or-nothing",
    type=click.Choice(["multichoice", "multichoiceset"]),
    default="multichoice",
    show_default=True,
    help="How all_or_nothing multiple-answer questions are written (multichoiceset needs that Moodle plugin).",
)
@ROOT_OPTION
def export_moodle(bank_id, version, language, out, all_or_nothing, root):
    """Write a bank version as Moodle XML (multichoice questions, a category per topic)."""
    from service.authoring.moodle import MoodleExportError, moodle_xml

    bank = _load(root, bank_id, version)
    try:
        text = moodle_xml(bank, language, all_or_nothing=all_or_nothing)
    except MoodleExportError as error:
        _fail(error.problems, "nothing was written")
    inexact = [q.id for q in bank.questions if q.type == "multiple"]
    if bank.scoring == "all_or_nothing" and all_or_nothing == "multichoice" and inexact:
        click.echo(
            f"Note: Moodle's multichoice cannot grade all-or-nothing; in {', '.join(inexact)} a subset of the "
            "correct options without a wrong one earns part marks there. Use --all-or-nothing multichoiceset "
            "if the Moodle site has that plugin.",
            err=True,
        )
    if bank.reaction or bank.confidence:
        click.echo(
            f"Note: not exported: {len(bank.reaction)} reaction item(s) about the training"
            + (" and the sure / not sure marks" if bank.confidence else "")
            + ". A Moodle quiz has no unscored rating question; ask them in a Moodle Feedback activity.",
            err=True,
        )
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out} ({len(bank.questions)} questions).", err=True)


def _load(root: Path | None, bank_id: str, version: str):
    from service.domain.banks import BankError, load_bank_file

    path = _root(root) / bank_id / f"{version}.yaml"
    if not path.is_file():
        raise click.ClickException(f"no file {path}")
    try:
        return load_bank_file(path)
    except BankError as error:
        _fail(error.problems, f"{bank_id} version {version} is not valid")
