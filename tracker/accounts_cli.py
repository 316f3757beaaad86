"""Account commands: `flask --app tracker users list|disable|reset-password|unlock`.

They join the `users` group of `tracker.cli`, next to `users create`.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker import accounts, throttling
from tracker.extensions import db
from tracker.models import User


def _account(email: str) -> User:
    """The account with this e-mail address; a command-line error when there is none."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email}.")
    return user


def read_password() -> str:
    """The password typed twice at a terminal, or the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("list")
@with_appcontext
def users_list_command() -> None:
    """Every account: e-mail, role, territories, status and last sign-in."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    locked = throttling.locked_emails(u.email for u in users)
    for user in users:
        status = "active" if user.active else "disabled"
        if user.email in locked:
            status += ", locked"
        if user.must_change_password:
            status += ", must change password"
        last = user.last_login_at
        click.echo(
            "\t".join(
                [
                    user.email,
                    user.role,
                    " ".join(t.code for t in user.territories) or "-",
                    status,
                    f"last sign-in {last:%Y-%m-%d %H:%M} UTC" if last else "never signed in",
                ]
            )
        )
    click.echo(f"{len(users)} account{'' if len(users) == 1 else 's'}.")


@click.command("disable")
@with_appcontext
@click.argument("email")
def users_disable_command(email: str) -> None:
    """Disable the account EMAIL: it can no longer sign in and its sessions end now."""
    user = _account(email)
    accounts.disable(user)
    db.session.commit()
    click.echo(f"Account {user.email} disabled; its sessions have ended.")


@click.command("reset-password")
@with_appcontext
@click.argument("email")
@click.option(
    "--temporary/--permanent",
    default=False,
    help="Whether the account must choose its own password at the next sign-in.",
)
def users_reset_password_command(email: str, temporary: bool) -> None:
    """Give EMAIL a new password read from standard input (at least 12 characters);
    its sessions end and its lock is cleared."""
    user = _account(email)
    try:
        accounts.set_password(user, read_password(), temporary=temporary)
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Password of {user.email} changed; its sessions have ended"
        + ("; it must choose its own at the next sign-in." if temporary else ".")
    )


@click.command("unlock")
@with_appcontext
@click.argument("email")
def users_unlock_command(email: str) -> None:
    """Clear the failed sign-ins of EMAIL from every address, so it can sign in at once."""
    user = _account(email)
    cleared = accounts.unlock(user)
    db.session.commit()
    click.echo(f"Account {user.email} unlocked ({cleared} failed sign-ins cleared).")


def add_account_commands(group: click.Group) -> None:
    """Add the account commands to the `users` group."""
    for command in (
        users_list_command,
        users_disable_command,
        users_reset_password_command,
        users_unlock_command,
    ):
        group.add_command(command)
