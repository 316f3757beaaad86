"""Messages wait for the transaction that made them: handed to the mail worker when it
is committed, dropped when it is rolled back, so nobody is told of a step that did not
happen, and the mail server is never asked while the database waits."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tracker.notifications.mailer import OUTBOX, MailSettings

PENDING = "tracker.notifications.pending"


def send_after_commit(
    session: Session, settings: MailSettings, messages: list[EmailMessage]
) -> None:
    """Keep `messages` on `session` until its transaction ends: sent if it commits."""
    session.info.setdefault(PENDING, []).extend((settings, m) for m in messages)


@event.listens_for(Session, "after_commit")
def hand_over(session: Session) -> None:
    """The transaction is committed: what it announced goes to the outbox."""
    for settings, message in session.info.pop(PENDING, []):
        OUTBOX.put(settings, message)


@event.listens_for(Session, "after_transaction_end")
def forget(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rolled back, closed): what it
    announced did not happen."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
