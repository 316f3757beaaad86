"""`flask --app tracker demo load`: the demo dataset from the command line, with its refusals."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.demo.dataset import DEMO_PASSWORD
from tracker.demo.loader import DemoError, load_demo
from tracker.extensions import db

demo_cli = AppGroup("demo", help="Illustrative pilot data (labelled as demo data on every page).")


def database_backend() -> str:
    """The kind of database the app uses: `sqlite`, `postgresql`..."""
    return db.engine.url.get_backend_name()


def refusal_reason(env_name: str | None, backend: str) -> str | None:
    """Why the demo data should not go into this database unless forced, or None.

    Refused when ENV_NAME is production, and whenever the database is not the embedded
    SQLite: a PostgreSQL database is a configured deployment, whatever ENV_NAME says.
    """
    if env_name == "production":
        return "this is a production configuration (ENV_NAME=production)"
    if backend != "sqlite":
        return (
            f"the database is {backend}, not the embedded SQLite, so this looks like a "
            "configured deployment"
        )
    return None


@demo_cli.command("load")
@click.option(
    "--yes-in-production",
    is_flag=True,
    help="Load even into a production configuration or a database other than the embedded "
    "SQLite (the demo accounts share a public password).",
)
def demo_load_command(yes_in_production: bool) -> None:
    """Load the illustrative pilot dataset (safe to run again).

    Refused on a production configuration, or on a database other than the embedded
    SQLite (such as PostgreSQL), unless --yes-in-production is given.
    """
    reason = refusal_reason(current_app.config.get("ENV_NAME"), database_backend())
    if reason:
        if not yes_in_production:
            click.echo(
                f"Refused: {reason}. The demo data adds made-up records and accounts with a "
                "published password. Run again with --yes-in-production if that is really "
                "wanted.",
                err=True,
            )
            sys.exit(1)
        click.echo(
            f"Warning: loading demo data although {reason}. Disable the demo accounts "
            "before real use.",
            err=True,
        )
    try:
        result = load_demo(progress=click.echo)
    except DemoError as error:
        click.echo(f"Demo data not loaded: {error}", err=True)
        sys.exit(1)
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role, names in result.accounts:
        click.echo(f"  {email:<42} {role:<12} {names}")
