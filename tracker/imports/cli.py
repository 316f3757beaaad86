"""The command line: `flask --app tracker import measures FILE` and `import assessments FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from tracker.imports.columns import LANGUAGES
from tracker.imports.kinds import record_import
from tracker.imports.reading import ImportFileError
from tracker.imports.run import run_import

import_cli = AppGroup("import", help="Bulk imports from CSV or XLSX files.")


def _options(command):
    """The file and the options every import command takes."""
    for option in reversed(
        (
            click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
            click.option(
                "--user",
                "email",
                default=None,
                help="E-mail address of the account to import as, with its permissions. "
                "Without it, the import acts with an administrator's rights and the history "
                "says: command line.",
            ),
            click.option(
                "--dry-run", is_flag=True, help="Check the file and print the report; save nothing."
            ),
            click.option(
                "--lang",
                type=click.Choice(LANGUAGES),
                default=None,
                help="Language of the report (default: the site's default language).",
            ),
        )
    ):
        command = option(command)
    return command


def run_command(what: str, file: Path, email: str | None, dry_run: bool, lang: str | None) -> None:
    """Import FILE as the import `what` ("measures", "assessments") and print the report.

    With an e-mail address, rows are saved as that account, with its permissions. Without
    it, they are saved with an administrator's rights for any collectivity, and the
    history records them as made from the command line (whoever runs commands on the
    server already holds the database). Exits with status 1 if the account is unknown or
    disabled, the file cannot be read, or any row is wrong.
    """
    from tracker.accounts import COMMAND_LINE, find_user

    if email is None:
        user = COMMAND_LINE
    else:
        user = find_user(email)
        if user is None:
            click.echo(f"No account with the e-mail address {email}.", err=True)
            sys.exit(1)
        if not user.is_active:
            click.echo(f"The account {email} is disabled.", err=True)
            sys.exit(1)
    importer, _template = record_import(what)
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            with file.open("rb") as stream:
                report = run_import(user, importer, file.name, stream, dry_run=dry_run)
        except ImportFileError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        for line in report.lines():
            click.echo(line)
    sys.exit(0 if report.ok else 1)


@import_cli.command("measures")
@_options
def import_measures_command(file: Path, email: str | None, dry_run: bool, lang: str | None) -> None:
    """Import the measures of FILE (CSV or XLSX): all rows or none, with a report per row.

    With --user, rows are saved as that account, with its permissions. Without it,
    they are saved with an administrator's rights for any collectivity, and the
    history records them as made from the command line. Exit status 1 if the account
    is unknown or disabled, the file cannot be read, or any row is wrong.
    """
    run_command("measures", file, email, dry_run, lang)


@import_cli.command("assessments")
@_options
def import_assessments_command(
    file: Path, email: str | None, dry_run: bool, lang: str | None
) -> None:
    """Import the assessment answers of FILE (CSV or XLSX, one row per answer): all rows
    or none, with a report per row. Rows of one collectivity and year make one assessment,
    saved as a draft (an existing one is updated). --user, --dry-run and --lang as for
    measures; exit status 1 if any row is wrong.
    """
    run_command("assessments", file, email, dry_run, lang)
