"""Flask-Login wiring: sessions carry the account's rotating token, not its id."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.extensions import db, login_manager
from tracker.models import User


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The active account whose current session token is `token`, if any.

    A token changes at logout and when an account is disabled, so an old or
    copied session cookie finds no one.
    """
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "strong" would also drop the session when the address changes (mobile lines).
    login_manager.session_protection = "basic"
