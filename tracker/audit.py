"""Keeping the history of every record: who changed what, when, field by field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select

from tracker.extensions import db
from tracker.models import AuditEntry

# Columns that change with every save and say nothing a reader needs.
_SKIPPED = {"updated_at", "created_at", "version"}


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column or relationship value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(_plain(v) for v in value)
    for key in ("key", "code", "id"):
        if hasattr(value, key):
            return getattr(value, key)
    return str(value)


def snapshot(record, relations: tuple[str, ...] = ()) -> dict[str, Any]:
    """The record's fields (and the named relationships, as keys or ids) as plain values."""
    mapper = inspect(record).mapper
    values = {
        column.key: _plain(getattr(record, column.key))
        for column in mapper.column_attrs
        if column.key not in _SKIPPED
    }
    for name in relations:
        values[name] = _plain(list(getattr(record, name)))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """`{field: [old, new]}` for every field whose value differs."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def log(
    entity: str,
    record,
    action: str,
    user,
    changes: dict[str, list] | None = None,
    comment: str | None = None,
) -> AuditEntry:
    """Add a history entry for `record` to the session (the caller commits with the change)."""
    entry = AuditEntry(
        entity=entity,
        entity_id=record.id,
        territory_code=getattr(record, "territory_code", None),
        action=action,
        user_id=getattr(user, "id", None),
        version=getattr(record, "version", None),
        changes=changes or {},
        comment=comment,
    )
    db.session.add(entry)
    return entry


def history(entity: str, entity_id: int) -> list[AuditEntry]:
    """Every entry of a record, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )
