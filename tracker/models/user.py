"""Accounts: who may sign in, with which role, for which territories."""

from __future__ import annotations

import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.base import now_utc
from tracker.models.territory import Territory

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes) raised to 64 MiB, 3 passes.
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)

user_territory = Table(
    "user_territory",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_code", ForeignKey("territory.code"), primary_key=True),
)


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the account."""
    return secrets.token_urlsafe(32)


class User(db.Model):
    """An account. `session_token` is what the session cookie carries, so
    rotating it (at logout, when disabled) makes every copied cookie worthless."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # Failed sign-ins are counted in `sign_in_attempt`, by account and address; these two
    # columns are no longer read or written, and stay so that a server still running the
    # previous release keeps working against an upgraded database.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when an administrator resets the password: the account chooses its own at the
    # next sign-in before anything else.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language the account last used the site in: its e-mails are written in it.
    language: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    # The latest home page view, and when the visit before the current one ended: the
    # home page lists what changed since then (`tracker.notifications.visits`).
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    previous_visit_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    territories: Mapped[list[Territory]] = relationship(
        secondary=user_territory, order_by=Territory.code
    )

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    def set_password(self, password: str) -> None:
        """Store an argon2id hash of `password`."""
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        """Whether `password` is this account's; rehashes if the parameters were raised."""
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    def end_sessions(self) -> None:
        """Invalidate every session of this account (logout everywhere)."""
        self.session_token = new_session_token()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class SignInAttempt(db.Model):
    """One failed sign-in: the e-mail address typed (normalised, whether or not an account
    has it) and the client address it came from. Kept in the database so that every
    worker and server counts the same failures; rows older than a day are pruned."""

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    __table_args__ = (
        Index("ix_sign_in_attempt_email_address_at", "email", "address", "at"),
        Index("ix_sign_in_attempt_address_at", "address", "at"),
        Index("ix_sign_in_attempt_at", "at"),
    )

    def __repr__(self) -> str:
        return f"<SignInAttempt {self.id}>"
