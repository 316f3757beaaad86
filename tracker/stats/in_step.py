"""Readings per collectivity kept in step with the history: read whole once per process,
then, as records change, read again only for the collectivities whose records changed.

`kept` reads a figure again whenever any record changes, which at a national scale
means a reading of every measure on the first page after each change. What a
territory page adds up per collectivity (the years its measures run, its partners)
changes only where a record changed, and every change writes a history entry naming
the record's collectivity (`AuditEntry.territory_code`). So a reading here remembers
the entries it has followed; when the data version moves on, it reads the entries since
and then the collectivities they name, and nothing else.

The entries' ids come from a sequence on PostgreSQL, given out when an entry is
written, not when its transaction commits: an entry may appear after one with a
larger id. An id missing among those read is therefore waited for (each reading
looks again from the first missing one) until `GAP_PATIENCE` has passed since the
entry after it was written, which no transaction outlives; then it is taken for a
transaction that rolled back. A reading of everything waits the same way for the
entries written within `GAP_PATIENCE` before it. SQLite writes one transaction at a time
and leaves no such gap.

An entry that moves a record to another collectivity (its `changes` give the old code)
has both read again. A reading falls back to a whole reading when an entry names no
collectivity, when more than `FOLLOWED_AT_MOST` entries came since, and when the
version goes back (a database restored). Territories loaded by `territories load`
write no entry: their readings follow once the server restarts.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from tracker import privacy
from tracker.extensions import db
from tracker.models import AuditEntry
from tracker.stats.cache import data_version, wrote

T = TypeVar("T")

# How long a missing history entry is waited for (see the module's docstring).
GAP_PATIENCE = timedelta(minutes=10)
# More entries than this since the last reading: reading everything is as quick.
FOLLOWED_AT_MOST = 2000
# Readings kept at once under one name (one per set of filters), unless told.
READINGS_KEPT = 64

# Read(None) reads every collectivity; read(codes) those of `codes` alone.
Read = Callable[[Collection[str] | None], dict[str, T]]


@dataclass
class _Reading:
    """A reading's values and how far it follows the history: every entry up to
    `floor`, those in `beyond` above it, and the data version it was last brought to."""

    values: dict
    floor: int
    version: int
    beyond: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def in_step(
    name: str,
    read: Read,
    *key: Hashable,
    entity: str = "measure",
    limit: int = READINGS_KEPT,
) -> dict[str, T]:
    """`{collectivity code: value}` as `read` gives it, for `name` and `key` and the
    settings that change what is public, kept in step with the history of the records
    of `entity` (see the module's docstring); at most `limit` readings under `name`.
    A collectivity `read` leaves out has no value. Answers a copy of the dictionary
    (its values are shared: do not change them). In a transaction that has written,
    everything is read and nothing kept."""
    if wrote():
        return read(None)
    full_key = (*key, privacy.public_states(), privacy.threshold())
    readings = current_app.extensions.setdefault("tracker_readings_in_step", {})
    kept = readings.setdefault(name, OrderedDict())
    version = data_version()
    reading = kept.get(full_key)
    if reading is None or reading.version > version:
        reading = _Reading(read(None), floor=0, version=version)
        reading.floor, reading.beyond = _start(version)
        kept[full_key] = reading
    elif reading.version != version or reading.beyond:
        with reading.lock:
            _follow(reading, read, version, entity)
    # Another thread may trim it meanwhile: either way is right.
    with contextlib.suppress(KeyError):
        kept.move_to_end(full_key)
        while len(kept) > limit:
            kept.popitem(last=False)
    return dict(reading.values)


def _follow(reading: _Reading, read: Read, version: int, entity: str) -> None:
    """Bring `reading` to `version`: read again the collectivities of the entries of
    `entity` written since it was last brought (or everything, see the module)."""
    if reading.version == version and not reading.beyond:
        return  # another thread brought it while this one waited
    entries = db.session.execute(
        select(
            AuditEntry.id,
            AuditEntry.entity,
            AuditEntry.territory_code,
            AuditEntry.changes,
            AuditEntry.at,
        )
        .where(AuditEntry.id > reading.floor, AuditEntry.id <= version)
        .order_by(AuditEntry.id)
        .limit(FOLLOWED_AT_MOST + 1)
    ).all()
    concerned = [e for e in entries if e.id not in reading.beyond and e.entity == entity]
    if len(entries) > FOLLOWED_AT_MOST or any(e.territory_code is None for e in concerned):
        reading.values = read(None)
        reading.floor, reading.beyond = _start(version)
    else:
        codes = {code for e in concerned for code in _collectivities(e)}
        fresh = read(codes) if codes else {}
        for code in codes:
            if code in fresh:
                reading.values[code] = fresh[code]
            else:
                reading.values.pop(code, None)
        reading.floor, reading.beyond = _floor(reading.floor, entries)
    reading.version = version


def _start(version: int) -> tuple[int, set[int]]:
    """The floor and the ids followed above it of a reading of everything at `version`:
    the entries written within `GAP_PATIENCE` are looked at, since one missing among them
    may still commit (the reading did not see its change)."""
    patient = datetime.now(UTC) - GAP_PATIENCE
    settled = db.session.scalar(
        select(func.max(AuditEntry.id)).where(AuditEntry.at <= patient, AuditEntry.id <= version)
    )
    recent = db.session.execute(
        select(AuditEntry.id, AuditEntry.at)
        .where(AuditEntry.id > (settled or 0), AuditEntry.id <= version)
        .order_by(AuditEntry.id)
    ).all()
    return _floor(settled or 0, recent)


def _collectivities(entry) -> set[str]:
    """The collectivities an entry changed: its record's, and the one it left if it was
    moved (its `changes` give the old code first)."""
    moved = (entry.changes or {}).get("territory_code")
    left = moved[0] if isinstance(moved, list) and moved and isinstance(moved[0], str) else None
    return {entry.territory_code, left} - {None}


def _floor(floor: int, entries) -> tuple[int, set[int]]:
    """The new floor and the ids followed above it, after reading `entries` (in id
    order) from `floor`: the floor stops short of the first id missing that is still
    waited for."""
    now = datetime.now(UTC)
    beyond = set()
    for entry in entries:
        written = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
        if entry.id == floor + 1 or (not beyond and now - written > GAP_PATIENCE):
            floor = entry.id
        else:
            beyond.add(entry.id)
    return floor, beyond
