"""A record's life after it is written: submitted, validated or returned, deleted, restored.
Each step checks who is asking and the record's state, and writes its history entry."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from tracker import audit, permissions
from tracker.extensions import db
from tracker.models.base import now_utc
from tracker.records import outcomes, registry, values
from tracker.records.fields import TEXT_MAX
from tracker.records.outcomes import NotAllowed, RecordInvalid, SubmissionRefused

# ---- review, delete, restore ----------------------------------------------------------------

# action → (states it may start from, state it leads to, the rule for who may take it)
TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted", permissions.can_write),
    "validate": (("submitted",), "validated", permissions.can_review),
    "return": (("submitted",), "returned", permissions.can_review),
}


class WrongState(Exception):
    """The record is not in a state this step can start from."""


class TakenPlace(Exception):
    """A deleted record cannot come back: a live one now holds its place (an assessment
    of the same collectivity and year)."""


def transition(
    user,
    entity: str,
    record,
    action: str,
    comment: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Move a reviewed record through review: submit, validate, or return with a comment.

    Raises `NotAllowed` (wrong person), `WrongState`, `RecordInvalid` (a return
    without a comment), `SubmissionRefused` (a submission the record type's
    `submission_problems` refuses, with every problem), `StaleRecord`.
    """
    starts, target, may = TRANSITIONS[action]
    if not may(user, record.territory_code) or record.deleted_at is not None:
        raise NotAllowed()
    outcomes.check_version(entity, record, expected_version)
    if record.review_state not in starts:
        raise WrongState()
    comment = values.text(comment)
    if action == "return" and not comment:
        raise RecordInvalid({"comment": _("Say what needs correcting.")})
    if comment and len(comment) > TEXT_MAX:
        raise RecordInvalid({"comment": _("At most %(max)d characters.", max=TEXT_MAX)})
    problems = registry.record_type(entity).submission_problems
    if action == "submit" and problems is not None and (found := problems(record)):
        raise SubmissionRefused(found)
    previous = record.review_state
    record.review_state = target
    if action == "return":
        record.review_comment = comment
    elif action == "validate":
        record.review_comment = None
    db.session.flush()
    audit.log(entity, record, action, user, {"review_state": [previous, target]}, comment)


def delete(user, entity: str, record, expected_version: int | None = None) -> None:
    """Delete a record (it is kept, hidden, and an administrator can restore it).

    Raises `NotAllowed` unless the record type's write rule lets `user` change the
    record and it is not deleted already, `StaleRecord` when it changed since
    `expected_version`.
    """
    if not registry.record_type(entity).may_write(user, record) or record.deleted_at is not None:
        raise NotAllowed()
    outcomes.check_version(entity, record, expected_version)
    record.deleted_at = now_utc()
    db.session.flush()
    audit.log(entity, record, "delete", user, {"deleted": [False, True]})


def restore(user, entity: str, record) -> None:
    """Bring a deleted record back (administrators only), as it was when deleted.

    Raises `NotAllowed` for anyone else, `WrongState` when the record is not deleted,
    `TakenPlace` when a live record holds its place (the database's unique index); the
    record then stays deleted.
    """
    if not permissions.can_restore(user):
        raise NotAllowed()
    if record.deleted_at is None:
        raise WrongState()
    savepoint = db.session.begin_nested()
    record.deleted_at = None
    try:
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise TakenPlace() from None
    savepoint.commit()
    audit.log(entity, record, "restore", user, {"deleted": [True, False]})
