"""Accounts: creation, sign-in with throttling, and the territories an account acts for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Territory, User
from tracker.vocab import ROLES

# Failed sign-ins before each pause, and how long the account then waits.
SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 12

# A hash to check against when the e-mail is unknown, so timing does not tell.
_DUMMY = User()
_DUMMY.set_password("not-a-real-account-password")


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes even for timezone-aware columns.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def resolve_territories(codes: Iterable[str]) -> list[Territory]:
    """The territories with these HCP codes; raises `AccountError` naming any unknown code."""
    wanted = [c.strip() for c in codes if c and c.strip()]
    found = {
        t.code: t for t in db.session.scalars(select(Territory).where(Territory.code.in_(wanted)))
    }
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise AccountError(_("Unknown territory code: %(codes)s.", codes=", ".join(unknown)))
    return [found[c] for c in dict.fromkeys(wanted)]


def check_role_territories(role: str, territories: list[Territory]) -> None:
    """Refuse combinations that make no sense: an officer without a collectivity,
    a coordinator for something other than a region."""
    if role not in ROLES:
        raise AccountError(_("Unknown role: %(role)s.", role=role))
    if role == "officer" and not territories:
        raise AccountError(_("A local officer needs at least one territory."))
    if role == "coordinator":
        if not territories:
            raise AccountError(_("A regional coordinator needs at least one region."))
        if any(t.level != "region" for t in territories):
            raise AccountError(_("A regional coordinator is assigned regions only."))


def create_user(email: str, password: str, role: str, territory_codes: Iterable[str] = ()) -> User:
    """Create an account; raises `AccountError` for a taken e-mail, a short password,
    an unknown role or territory. Does not commit."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(_("This is not an e-mail address."))
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise AccountError(_("An account already uses this e-mail address."))
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("The password must have at least 12 characters."))
    territories = resolve_territories(territory_codes)
    check_role_territories(role, territories)
    user = User(email=email, role=role, territories=territories)
    user.set_password(password)
    db.session.add(user)
    return user


class SignInRefused(Exception):
    """Sign-in failed; `message` is for the person signing in."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sign_in(email: str, password: str) -> User:
    """The account for these credentials, or `SignInRefused`.

    Each failure is counted on the account in the database (so the count holds
    across workers); from the third, the account waits a little longer each time,
    and from the fifth it is locked for 15 minutes. Commits.
    """
    user = find_user(email)
    generic = _("The e-mail address or the password is wrong.")
    if user is None:
        _DUMMY.check_password(password)
        raise SignInRefused(generic)
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > _now():
        minutes = max(1, round((locked_until - _now()).total_seconds() / 60))
        raise SignInRefused(
            _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=minutes)
        )
    if not user.check_password(password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= LOCK_AFTER:
            user.locked_until = _now() + LOCK_FOR
        elif user.failed_logins >= SLOW_AFTER:
            user.locked_until = _now() + timedelta(
                seconds=15 * 2 ** (user.failed_logins - SLOW_AFTER)
            )
        db.session.commit()
        raise SignInRefused(generic)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = _now()
    db.session.commit()
    return user
