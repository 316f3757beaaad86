"""Keeping the history of every record: who changed what, when, field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, inspect, select

from tracker.extensions import db
from tracker.i18n import list_separator
from tracker.models import AuditEntry, Organisation, Programme, Sector, Territory
from tracker.records import registry
from tracker.records.values import same_lines
from tracker.stats import within
from tracker.vocab import LABELS_BY_FIELD

# Columns that change with every save and say nothing a reader needs.
# Kept by the record itself, or said by the entry (its id, its time, its author).
_SKIPPED = {"id", "updated_at", "created_at", "created_by_id", "version"}


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column or relationship value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        # Whole amounts without their cents, never in exponent form (250000, not 2.5E+5).
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
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
    # A date given as a year or a month is kept in the history as it was given (2025,
    # 2025-03), not as the day it is stored as.
    if hasattr(record, "given_date"):
        for key in ("start_date", "end_date"):
            if key in values:
                values[key] = record.given_date(key)
    # What a record holds in other tables (an assessment's answers), as its type says.
    try:
        extra = registry.type_of(record).history_values
    except LookupError:
        extra = None
    if extra is not None:
        values.update(extra(record))
    return values


def comparable(value: Any) -> Any:
    """`value` as two values are compared to tell a change: a text by its lines and
    without surrounding spaces (`values.same_lines`), nothing for an empty text or list."""
    if isinstance(value, str):
        value = same_lines(value)
    return None if value in ("", []) else value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """`{field: [old, new]}` for every field whose value differs (nothing, an empty text
    and an empty list are all "nothing"; texts differing only by their line endings or
    surrounding spaces are the same)."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after), key=_in_number_order)
        if comparable(before.get(key)) != comparable(after.get(key))
    }


def _in_number_order(key: str) -> list:
    # Q2 before Q10, as people count the questions.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


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
        actor=getattr(user, "audit_actor", None),
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


def last_validated(code: str) -> datetime | None:
    """When a record within territory `code` (its own council's or one inside it) that is
    validated now was last validated: the date its public data stands at. None when no
    record there is validated. Records edited since (back in draft) or deleted do not count:
    what they said is no longer shown."""
    latest = [
        db.session.scalar(
            select(func.max(AuditEntry.at))
            .join(record_type.model, record_type.model.id == AuditEntry.entity_id)
            .where(
                AuditEntry.entity == record_type.key,
                AuditEntry.action == "validate",
                record_type.model.review_state == "validated",
                record_type.model.deleted_at.is_(None),
                within(code, record_type.model),
            )
        )
        for record_type in registry.reviewed_types()
    ]
    return max((moment for moment in latest if moment is not None), default=None)


def own_save(entity: str, record, version: int, user) -> datetime | None:
    """When `user` last saved `record`, if every history entry after `version` is theirs."""
    if getattr(user, "id", None) is None:
        return None
    entries = db.session.execute(
        select(AuditEntry.user_id, AuditEntry.at).where(
            AuditEntry.entity == entity,
            AuditEntry.entity_id == record.id,
            AuditEntry.version > int(version),
        )
    ).all()
    if not entries or any(by != user.id for by, _at in entries):
        return None
    return max(at for _by, at in entries)


@dataclass(frozen=True)
class ChangesSince:
    """What changed in a record after a version: `changes` maps each field to
    `[value then, value now]`, `by` names who changed it (each once, in order)."""

    changes: dict[str, list]
    by: list[str]


def changes_since(entity: str, entity_id: int, version: int) -> ChangesSince:
    """Every change made to the record after `version`, field by field, and who made it."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity == entity,
            AuditEntry.entity_id == entity_id,
            AuditEntry.version > version,
        )
        .order_by(AuditEntry.id)
    ).all()
    changes: dict[str, list] = {}
    for entry in entries:
        for field, (old, new) in entry.changes.items():
            changes[field] = [changes.get(field, [old])[0], new]
    return ChangesSince(changes, list(dict.fromkeys(who(e) for e in entries)))


def who(entry: AuditEntry) -> str:
    """Who made the change, as the history shows it: the account's e-mail address, or
    "Command line" for a command run on the server without an account."""
    if entry.user is not None:
        return entry.user.email
    if entry.actor == "command_line":
        return _("Command line")
    return "—"


_AMOUNTS = {"budget_planned", "budget_spent"}


def _names(model, keys: list, name) -> dict:
    """`{key: label}` for the rows of `model` with these primary keys (deleted ones too)."""
    column = inspect(model).primary_key[0]
    keys = [k for k in keys if k is not None]
    if column.type.python_type is int:
        # A number the history holds as text is asked as the number it is; any other
        # text is no id (PostgreSQL refuses to compare it with one), and is shown as stored.
        keys = [int(k) for k in keys if isinstance(k, int) or str(k).isdigit()]
    if not keys:
        return {}
    return {
        getattr(r, column.key): name(r)
        for r in db.session.scalars(select(model).where(column.in_(keys)))
    }


def display_value(entity: str, field: str, value: Any, lang: str) -> str:
    """A history value as users read it in the forms, in the page's language.

    Keys from a list (kinds, statuses, target groups...) become their labels, sector
    keys their names, partner and programme ids their names, territory codes their
    names, true and false "Yes" and "No"; an empty value is "—". A key no longer known
    is shown as stored, so nothing in the history is hidden. Several partners come
    back as escaped markup, each name in its own `<bdi>` (the page isolates one value).
    """
    if value is None or value == "" or value == []:
        return "—"
    record_type = registry.find(entity)
    if record_type is not None and record_type.history_value is not None:
        shown = record_type.history_value(field, value, lang)
        if shown is not None:
            return shown
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in _AMOUNTS:
        try:
            # Entries written before amounts were kept in plain digits say "2.5E+5".
            number = Decimal(str(value))
            return format_decimal(
                number, format="#,##0" if number == number.to_integral() else "#,##0.00"
            )
        except (InvalidOperation, ValueError):
            return str(value)
    values = value if isinstance(value, list) else [value]
    if field == "kind":
        labels = record_type.kinds if record_type is not None else {}
    elif field in LABELS_BY_FIELD:
        labels = LABELS_BY_FIELD[field]
    elif field == "sectors":
        labels = _names(Sector, values, lambda s: s.name(lang))
    elif field == "partners":
        labels = _names(Organisation, values, lambda o: o.name_in(lang))
    elif field == "programme_id":
        labels = _names(Programme, values, lambda p: p.title)
    elif field == "territory_code":
        labels = _names(Territory, values, lambda t: t.name(lang))
    else:
        labels = {}
    if len(values) == 1 or field != "partners":
        return list_separator(lang).join(str(labels.get(v, v)) for v in values)
    # Partners are named as typed, in any language: each name in its own direction,
    # so a French one between Arabic ones keeps its word order; the separator stays
    # in the page's direction. Labels of the lists are all in the page's language.
    return Markup(list_separator(lang)).join(
        Markup("<bdi>%s</bdi>") % str(labels.get(v, v)) for v in values
    )
