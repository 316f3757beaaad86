"""The language an account last used the site in, kept on the account: its e-mails are
written in it."""

from __future__ import annotations

import logging

from flask import request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db
from tracker.i18n import current_language

log = logging.getLogger("tracker.mail")

# Requests that show no page: they say nothing of the language someone reads.
QUIET_ENDPOINTS = {"static", "i18n.choose_language"}


def remember_language() -> None:
    """Before each page a signed-in account opens: keep the page's language on the
    account when it changed (the first page after signing in, after a switch).

    A database that cannot take the write leaves the language as it was (logged); the
    page is served all the same.
    """
    endpoint = request.endpoint
    if endpoint is None or endpoint in QUIET_ENDPOINTS or endpoint.startswith("assets."):
        return
    if not current_user.is_authenticated:
        return
    language = current_language()
    if current_user.language == language:
        return
    try:
        current_user.language = language
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("an account's language was not kept: %s", type(error).__name__)
