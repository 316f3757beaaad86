"""Flask-Login wiring: sessions carry the account's rotating token, not its id."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
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


# What an account that must choose a new password may still reach: the password page,
# signing out, the language switch and the files the page needs.
_BEFORE_NEW_PASSWORD = {"auth.password", "auth.logout", "i18n.choose_language", "static"}


def require_new_password():
    """Send an account whose password an administrator reset to the password page, from
    any other page, until it has chosen its own."""
    if (
        current_user.is_authenticated
        and getattr(current_user, "must_change_password", False)
        and request.endpoint not in _BEFORE_NEW_PASSWORD
        and request.blueprint != "assets"
    ):
        return redirect(url_for("auth.password"), code=303)
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "strong" would also drop the session when the address changes (mobile lines).
    login_manager.session_protection = "basic"
    app.before_request(require_new_password)
