"""What changed since an account's previous visit, for its home page.

A visit is a run of home page views less than `VISIT_GAP` apart: a view after a longer
pause starts a new visit, and the list then covers what happened since the previous
visit ended (`User.previous_visit_at`). Reloading the page, or coming back to it during
the same visit, keeps the list; before the first visit ends, it covers the time since the
account was made.

An officer sees the records of their collectivities that were returned or validated; a
coordinator those of their regions that were submitted; an administrator both (every
submission, and the returns and validations of the collectivities assigned to them).
Nobody sees their own steps, nor a record deleted since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from tracker import audit, permissions
from tracker.extensions import db
from tracker.models import AuditEntry, Territory, User
from tracker.models.base import now_utc
from tracker.records import registry
from tracker.records.registry import RecordType

VISIT_GAP = timedelta(minutes=30)
# The most changes the home page lists, newest first.
SHOWN = 30


def as_utc(moment: datetime | None) -> datetime | None:
    """`moment` with its UTC zone (SQLite gives stored times back without one)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def note_visit(user: User, now: datetime | None = None) -> datetime:
    """Count a home page view by `user` at `now` (the caller commits) and answer the
    moment the list of changes starts from: the end of the previous visit, or the
    account's creation before a first visit has ended."""
    now = now or now_utc()
    seen = as_utc(user.last_seen_at)
    if seen is None or now - seen > VISIT_GAP:
        user.previous_visit_at = seen
    user.last_seen_at = now
    return as_utc(user.previous_visit_at) or as_utc(user.created_at) or now


@dataclass(frozen=True)
class Change:
    """One review step on a record the user cares about: `action` ("submit", "return",
    "validate"), when (`at`), by whom (`who`, as the history names them), the record and
    its type, and the comment of a return."""

    action: str
    at: datetime
    who: str
    record_type: RecordType
    record: Any
    comment: str | None


@dataclass(frozen=True)
class SinceLastVisit:
    """The changes since `since` (newest first, at most `SHOWN`), whether there were more
    (`more`), and whether `since` is a previous visit (`first`: it is the account's creation)."""

    since: datetime
    first: bool
    changes: list[Change]
    more: bool


def _steps(user: User, record_type: RecordType, since: datetime, actions, scope):
    model = record_type.model
    query = (
        select(AuditEntry, model)
        .join(model, model.id == AuditEntry.entity_id)
        .where(
            AuditEntry.entity == record_type.key,
            AuditEntry.action.in_(actions),
            AuditEntry.at > since,
            (AuditEntry.user_id != user.id) | AuditEntry.user_id.is_(None),
            model.deleted_at.is_(None),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(SHOWN + 1)
    )
    if scope is not None:
        query = query.where(scope)
    return db.session.execute(query).all()


def _scopes(user: User) -> list[tuple[tuple[str, ...], Any]]:
    """(the steps, the condition on the entry's collectivity) the user is told of."""
    scopes = []
    written = [t.code for t in permissions.writable_territories(user)]
    if written:
        scopes.append((("return", "validate"), AuditEntry.territory_code.in_(written)))
    if user.role == "admin":
        scopes.append((("submit",), None))
    elif user.role == "coordinator":
        regions = [t.code for t in user.territories if t.level == "region"]
        within = select(Territory.code).where(Territory.region_code.in_(regions))
        scopes.append((("submit",), AuditEntry.territory_code.in_(within)))
    return scopes


def since_last_visit(user: User, since: datetime) -> SinceLastVisit:
    """What changed since `since` (from `note_visit`) among the records `user` is told of."""
    found: list[Change] = []
    for actions, scope in _scopes(user):
        for record_type in registry.reviewed_types():
            for entry, record in _steps(user, record_type, since, actions, scope):
                found.append(
                    Change(
                        entry.action,
                        as_utc(entry.at),
                        audit.who(entry),
                        record_type,
                        record,
                        entry.comment if entry.action == "return" else None,
                    )
                )
    found.sort(key=lambda change: change.at, reverse=True)
    first = user.previous_visit_at is None
    return SinceLastVisit(since, first, found[:SHOWN], len(found) > SHOWN)
