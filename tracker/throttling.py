"""Failed sign-ins counted by account and client address, in the database.

A guesser at one address slows, then locks, an account for that address only: the
officer signing in from their own address is not locked out. An address that fails on
many accounts is throttled as a whole. The rows live in the database, so every worker
and every server counts the same failures.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from tracker.extensions import db
from tracker.models import SignInAttempt
from tracker.models.base import now_utc

# Failed sign-ins of one account from one address before each pause, and the longest pause.
SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
# Failures of an address on any accounts within the window that throttle it as a whole.
ADDRESS_LIMIT = 20
ADDRESS_WINDOW = timedelta(minutes=15)
# How long a failure is remembered: after a day without one, an account starts afresh.
KEEP_FOR = timedelta(days=1)


def lock_duration(failures: int) -> timedelta | None:
    """How long an account waits, at one address, after its `failures`-th failed sign-in
    there: 15 seconds at the third, 30 at the fourth, 15 minutes from the fifth."""
    if failures >= LOCK_AFTER:
        return LOCK_FOR
    if failures >= SLOW_AFTER:
        return timedelta(seconds=15 * 2 ** (failures - SLOW_AFTER))
    return None


def client_key(address: str | None) -> str:
    """What failures are counted against: an IPv4 address as it is, an IPv6 address by
    its /64 network (one line holds a whole /64, so counting single addresses would let
    a guesser move to the next one), and "unknown" when there is no address."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def aware(moment: datetime | None) -> datetime | None:
    """`moment` with its UTC zone: SQLite returns naive datetimes even for timezone-aware
    columns."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _pair_locked(count: int, last: datetime | None, now: datetime) -> bool:
    pause = lock_duration(count)
    return pause is not None and last is not None and aware(last) + pause > now


def refused(email: str, address: str) -> bool:
    """Whether a sign-in to `email` from `address` (a `client_key`) is refused without
    looking at the password: the account is paused or locked for this address, or the
    address is throttled as a whole."""
    now = now_utc()
    from_address = db.session.scalar(
        select(func.count()).where(
            SignInAttempt.address == address, SignInAttempt.at > now - ADDRESS_WINDOW
        )
    )
    if from_address >= ADDRESS_LIMIT:
        return True
    count, last = db.session.execute(
        select(func.count(), func.max(SignInAttempt.at)).where(
            SignInAttempt.email == email,
            SignInAttempt.address == address,
            SignInAttempt.at > now - KEEP_FOR,
        )
    ).one()
    return _pair_locked(count, last, now)


def record_failure(email: str, address: str) -> None:
    """Count a failed sign-in, and prune failures older than `KEEP_FOR`. Each failure is
    its own row, so guesses made in parallel (other workers, other servers) are all
    counted. Does not commit."""
    now = now_utc()
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - KEEP_FOR))
    db.session.add(SignInAttempt(email=email, address=address, at=now))


def forget(email: str, address: str | None = None) -> int:
    """Drop the failures of `email` from `address`, or from every address when None (an
    administrator unlocks the account); the number dropped. Does not commit."""
    statement = delete(SignInAttempt).where(SignInAttempt.email == email)
    if address is not None:
        statement = statement.where(SignInAttempt.address == address)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def locked_emails(emails: Iterable[str]) -> set[str]:
    """Those of `emails` that are paused or locked now for at least one address."""
    emails = list(emails)
    if not emails:
        return set()
    now = now_utc()
    rows = db.session.execute(
        select(SignInAttempt.email, func.count(), func.max(SignInAttempt.at))
        .where(SignInAttempt.email.in_(emails), SignInAttempt.at > now - KEEP_FOR)
        .group_by(SignInAttempt.email, SignInAttempt.address)
    )
    return {email for email, count, last in rows if _pair_locked(count, last, now)}
