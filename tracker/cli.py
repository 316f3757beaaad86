"""Command-line commands: `flask --app tracker <command>`.

Each command is a thin wrapper that calls a plain function and prints its progress.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import flask_migrate
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

import geo
from tracker import MIGRATIONS_DIR
from tracker.vocab import ROLES


def _say(line: str) -> None:
    click.echo(line)


def upgrade_database() -> None:
    """Create the schema, or upgrade it to the newest migration; safe to run again."""
    flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    upgrade_database()
    _say("Database ready: " + _describe_database())


def _describe_database() -> str:
    from tracker.extensions import db

    return db.engine.url.render_as_string(hide_password=True)


territories_cli = AppGroup("territories", help="Morocco's regions, provinces and communes.")


@territories_cli.command("load")
def territories_load_command() -> None:
    """Load or refresh the 12 regions, 83 provinces and 1,503 communes (safe to run again)."""
    from tracker.territories import load_territories

    result = load_territories(progress=_say)
    _say(f"Territories loaded: {result.total()} in all.")


geo_cli = AppGroup("geo", help="Boundaries: build the cache, report on it.")


def build_geography(force: bool = False) -> geo.BuildReport | None:
    """Build the boundary cache in the instance folder; skip it if it exists unless `force`."""
    out_dir = Path(current_app.config["GEO_CACHE_DIR"])
    if not force and (out_dir / "report.json").exists():
        _say(f"Geography already built in {out_dir} (use --force to rebuild).")
        return None
    started = time.monotonic()
    report = geo.build_geography(out_dir, progress=_say)
    _say(f"Geography built in {time.monotonic() - started:.0f} s, in {out_dir}.")
    return report


@geo_cli.command("build")
@click.option("--force/--no-force", default=True, help="Rebuild even if the cache exists.")
def geo_build_command(force: bool) -> None:
    """Build the boundary cache with progress, then print the join report."""
    report = build_geography(force=force)
    if report is None:
        report = geo.load_report(Path(current_app.config["GEO_CACHE_DIR"]))
    for line in report.lines():
        _say(line)


@geo_cli.command("report")
def geo_report_command() -> None:
    """List every commune without geometry and every anomaly; exit 1 if a commune lacks geometry."""
    out_dir = Path(current_app.config["GEO_CACHE_DIR"])
    try:
        report = geo.load_report(out_dir)
    except FileNotFoundError:
        _say(f"No geography in {out_dir}: run `flask --app tracker geo build` first.")
        sys.exit(1)
    for line in report.lines():
        _say(line)
    sys.exit(0 if report.ok else 1)


users_cli = AppGroup("users", help="Accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="The account's e-mail address.")
@click.option("--role", required=True, type=click.Choice(list(ROLES)), help="The role.")
@click.option(
    "--territory",
    "territories",
    multiple=True,
    help="HCP code of a collectivity (officer) or region (coordinator); repeat for several.",
)
def users_create_command(email: str, role: str, territories: tuple[str, ...]) -> None:
    """Create an account; the password is read from standard input (at least 12 characters)."""
    from tracker import accounts
    from tracker.extensions import db

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(email, password, role, territories)
        db.session.commit()
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    _say(
        f"Account {user.email} created ({user.role}"
        + (f"; {', '.join(t.code for t in user.territories)}" if user.territories else "")
        + ")."
    )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH (safe while the app runs)."""
    from tracker.backup import BackupError, backup_database

    try:
        written = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    _say(f"Database copied to {written} ({written.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Overwrite the database even if it holds tables already."
)
@with_appcontext
def restore_command(path: Path, replace: bool) -> None:
    """Restore a backup made by `backup` into the database, then upgrade its schema.

    The backup is checked first; a database that holds any table is refused unless
    `--replace`. On any error the database is left as it was (exit status 1).
    """
    from tracker.backup import RestoreError, restore_database

    try:
        restore_database(
            current_app.config["SQLALCHEMY_DATABASE_URI"], path, replace=replace, progress=_say
        )
    except RestoreError as error:
        raise click.ClickException(str(error)) from error


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Prepare a fresh installation: schema, territories, geography (each skipped if done)."""
    _say("1/3 Database schema…")
    upgrade_database()
    _say("2/3 Territories…")
    from tracker.territories import load_territories

    load_territories(progress=_say)
    _say("3/3 Geography…")
    build_geography(force=False)
    _say("Ready.")


def init_app(app: Flask) -> None:
    """Register the commands on the application."""
    app.cli.add_command(init_db_command)
    app.cli.add_command(territories_cli)
    app.cli.add_command(geo_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from tracker.demo import demo_cli
    from tracker.imports import import_cli

    app.cli.add_command(import_cli)
    app.cli.add_command(demo_cli)
    from tracker.accounts_cli import add_account_commands

    add_account_commands(users_cli)
