"""Accounts: creation, sign-in with throttling, and the territories an account acts for."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import throttling
from tracker.extensions import db
from tracker.models import Territory, User
from tracker.models.base import now_utc
from tracker.vocab import ROLES

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


def check_password_strength(password: str, field: str | None = None) -> None:
    """Refuse a password shorter than 12 characters with an `AccountError` about
    `field`: the rule for every password an account is given, however it is given."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("The password must have at least 12 characters."), field=field)


def create_user(email: str, password: str, role: str, territory_codes: Iterable[str] = ()) -> User:
    """Create an account; raises `AccountError` for a malformed or taken e-mail, a short
    password, an unknown role or territory. Does not commit."""
    email = check_email(email)
    check_password_strength(password)
    territories = resolve_territories(territory_codes)
    check_role_territories(role, territories)
    user = User(email=email, role=role, territories=territories)
    user.set_password(password)
    db.session.add(user)
    return user


# Temporary passwords: letters and digits that cannot be mistaken for one another when
# read out or copied by hand (no 0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A random password of four groups of four characters (about 80 bits), such as
    `k7mp-x3qd-9hve-tr4w`, for an administrator to pass on."""
    groups = ("".join(secrets.choice(_TEMPORARY_ALPHABET) for _i in range(4)) for _j in range(4))
    return "-".join(groups)


def set_password(user: User, password: str, temporary: bool = False) -> None:
    """Give `user` a new password, ending every session of the account and clearing its
    failed sign-ins; a `temporary` one must be changed at the next sign-in. Raises
    `AccountError` for a weak password. Does not commit."""
    check_password_strength(password)
    user.set_password(password)
    user.must_change_password = temporary
    user.end_sessions()
    throttling.forget(user.email)


def reset_password(user: User) -> str:
    """Give `user` a fresh temporary password and return it (it is shown once, never
    stored in clear): the account's sessions end, its lock is cleared, and it must choose
    its own password at the next sign-in. Does not commit."""
    password = temporary_password()
    set_password(user, password, temporary=True)
    return password


def change_password(user: User, current: str, new: str) -> None:
    """The account's own change of password: `current` must be its password, `new` must
    be strong and differ from it. Raises `AccountError` naming the field (then nothing
    is changed). Every session of the account ends; the caller signs the current one in
    again. Does not commit."""
    if not user.check_password(current):
        raise AccountError(_("This is not your current password."), field="current_password")
    check_password_strength(new, field="new_password")
    if new == current:
        raise AccountError(
            _("The new password must differ from the current one."), field="new_password"
        )
    user.set_password(new)
    user.must_change_password = False
    user.end_sessions()


def unlock(user: User) -> int:
    """Clear the account's failed sign-ins from every address, so it is locked nowhere;
    the number of failures cleared. Does not commit."""
    return throttling.forget(user.email)


def disable(user: User) -> None:
    """Disable the account: it can no longer sign in, and its sessions end now. Does not
    commit."""
    user.active = False
    user.end_sessions()


class SignInRefused(Exception):
    """Sign-in failed; `message` is for the person signing in."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sign_in(email: str, password: str, address: str | None) -> User:
    """The account for these credentials, signing in from client `address`, or
    `SignInRefused`.

    An unknown account, a wrong password, a disabled account and one paused or locked
    for this address all get the same message, so a refusal never tells whether an
    account exists. Failures are counted by account and address (`tracker.throttling`):
    an account locked from one address still signs in from another. Commits.
    """
    email, address = normalise_email(email), throttling.client_key(address)
    generic = _("The e-mail address or the password is wrong.")
    # A throttled request is refused before any hash is checked, for known and unknown
    # accounts alike: the answer's timing says nothing an attacker does not know.
    if throttling.refused(email, address):
        raise SignInRefused(generic)
    user = find_user(email)
    if user is None:
        # The same work as for a real account, so timing does not tell it is unknown.
        _DUMMY.check_password(password)
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if not ok:
        throttling.record_failure(email, address)
        db.session.commit()
        raise SignInRefused(generic)
    throttling.forget(email, address)
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
