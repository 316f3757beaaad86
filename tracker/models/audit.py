"""The audit history: every create, update, delete, restore and review step, field by field."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import now_utc
from tracker.models.user import User


class AuditEntry(db.Model):
    """One change to one record: who, when, what, and each field's old and new value.

    `changes` maps a field name to `[old, new]`, values as JSON-safe text.
    `actor` says who acted when no account did: `"command_line"` for a command run
    on the server without `--user` (then `user_id` is empty).
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32), index=True)
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    territory_code: Mapped[str | None] = mapped_column(String(16), index=True)
    action: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()
