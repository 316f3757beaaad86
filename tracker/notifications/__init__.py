"""Telling people what happened to the records they care about: e-mails when a record is
submitted, returned or validated (`messages`, sent by `mailer` once the step is
committed, `outbox`), and the home page's "since your last visit" (`visits`).

`announce` is what a view calls after a review step; `init_app` keeps each account's
language up to date (its e-mails are written in it).
"""

from __future__ import annotations

from flask import Flask

from tracker.notifications.language import remember_language
from tracker.notifications.mailer import wait_until_sent
from tracker.notifications.messages import announce

__all__ = ["announce", "init_app", "wait_until_sent"]


def init_app(app: Flask) -> None:
    """Keep the language of every signed-in account's pages on the account."""
    app.before_request(remember_language)
