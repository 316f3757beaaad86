"""Accounts: creation, sign-in with throttling, and the territories an account acts for."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from tracker.extensions import db
from tracker.models import Territory, User
from tracker.models.base import now_utc
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
    """A request about an account that cannot be carried out; the message says why,
    and `field` names the form field it is about, if one is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# One "@", something before it, a domain with a dot after it, no spaces: enough to catch
# typing mistakes without refusing real addresses.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


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


def check_email(email: str, user_id: int | None = None) -> str:
    """The address, normalised, if it can be the e-mail of account `user_id` (of a new
    account when None); raises `AccountError` (field `email`) if it is not an e-mail
    address or another account already uses it."""
    email = normalise_email(email)
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise AccountError(_("This is not an e-mail address."), field="email")
    taken = select(func.count()).select_from(User).where(User.email == email)
    if user_id is not None:
        taken = taken.where(User.id != user_id)
    if db.session.scalar(taken):
        raise AccountError(_("An account already uses this e-mail address."), field="email")
    return email


def create_user(email: str, password: str, role: str, territory_codes: Iterable[str] = ()) -> User:
    """Create an account; raises `AccountError` for a malformed or taken e-mail, a short
    password, an unknown role or territory. Does not commit."""
    email = check_email(email)
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


def lock_duration(failures: int) -> timedelta | None:
    """How long an account waits after its `failures`-th failed sign-in in a row, if at all:
    15 seconds at the third, doubling at the fourth, 15 minutes from the fifth."""
    if failures >= LOCK_AFTER:
        return LOCK_FOR
    if failures >= SLOW_AFTER:
        return timedelta(seconds=15 * 2 ** (failures - SLOW_AFTER))
    return None


def wait_message(seconds: float) -> str:
    """The refusal shown while an account waits `seconds` more: in seconds under a
    minute, otherwise in whole minutes (rounded up, so it never says too little)."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return ngettext(
            "Too many failed attempts. Try again in %(num)d second.",
            "Too many failed attempts. Try again in %(num)d seconds.",
            seconds,
        )
    return ngettext(
        "Too many failed attempts. Try again in %(num)d minute.",
        "Too many failed attempts. Try again in %(num)d minutes.",
        math.ceil(seconds / 60),
    )


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
    if locked_until and locked_until > now_utc():
        raise SignInRefused(wait_message((locked_until - now_utc()).total_seconds()))
    if not user.check_password(password) or not user.active:
        # Counted in one statement, so guesses made in parallel (other workers, other
        # threads) each add one; the pause follows the count the database returns.
        failures = db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        pause = lock_duration(failures)
        if pause is not None:
            db.session.execute(
                update(User)
                .where(User.id == user.id)
                .values(locked_until=now_utc() + pause)
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
        raise SignInRefused(generic)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now_utc()
    db.session.commit()
    return user


class CommandLine:
    """Who acts when a command is run on the server without naming an account.

    Whoever can run `flask --app tracker ...` there already holds the database and
    can create an administrator, so such a command acts with an administrator's
    rights; the history records no account, only that it came from the command line.
    """

    id = None
    email = None
    role = "admin"
    territories: list[Territory] = []
    is_authenticated = True
    is_active = True
    is_anonymous = False
    # What `tracker.audit.log` writes in `AuditEntry.actor`.
    audit_actor = "command_line"

    def __repr__(self) -> str:
        return "<CommandLine>"


COMMAND_LINE = CommandLine()
