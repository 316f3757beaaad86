"""The one way figures are kept between requests: per process, keyed on the version
of the data and the settings that change what is public, bounded in size.

The version is the latest history entry's id, read from the database, so every
process and server agrees on it: every change to a record writes a history entry.
It is read once per database transaction (a page asks for it several times), and
again after the transaction writes, so that a request never sees figures from before
its own write. What a transaction computes after writing is not kept: until it
commits, nobody else may see it, and if it rolls back the version it saw may come
again with other data.

Territories (names, populations) change only with `territories load`, which writes
no history entry: the kept figures follow it once a record changes or the server
restarts.
"""

from __future__ import annotations

import contextlib
import copy
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy import event, func, select

from tracker import privacy
from tracker.extensions import db
from tracker.models import AuditEntry

T = TypeVar("T")

# Figures kept between requests under one name; a few thousand at most (every
# territory, some filters).
KEPT = 4096

# In the session's `info`, for the transaction under way.
_VERSION = "tracker_data_version"
_WROTE = "tracker_transaction_wrote"


_LATEST = select(func.max(AuditEntry.id))


def data_version() -> int:
    """A number that changes whenever a record changes (every change writes a history
    entry), for the figures and maps kept between requests. Read once per database
    transaction, and again after the transaction writes."""
    info = db.session.info
    if _VERSION not in info:
        info[_VERSION] = db.session.scalar(_LATEST) or 0
    return info[_VERSION]


def committed_data_version() -> int:
    """The version `data_version` would read, as last committed, read on a connection
    of its own outside any transaction: one query with no BEGIN or ROLLBACK around it
    (the pool's check of the connection aside), for a request that may need nothing
    else from the database (an answer kept by `tracker.response_cache`)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return conn.scalar(_LATEST) or 0


def wrote() -> bool:
    """Whether the transaction under way has written (then nothing it computes is kept)."""
    return bool(db.session.info.get(_WROTE))


def kept(name: str, compute: Callable[[], T], *key: Hashable, limit: int = KEPT) -> T:
    """`compute()`, computed once per process for `name`, `key` and the settings that
    change what is public, until a record changes (see `data_version`): a page shows
    figures read over many more measures than it lists, its parent's and the country's.

    At most `limit` values are kept under `name` (the least recently used is let go),
    so that asking for every combination of filters cannot fill the memory. Each call
    answers a copy, which the caller may change. In a transaction that has written,
    `compute()` is answered and not kept.
    """
    if wrote():
        return copy.copy(compute())
    full_key = (*key, privacy.public_states(), privacy.threshold(), data_version())
    caches = current_app.extensions.setdefault("tracker_kept_figures", {})
    cache = caches.setdefault(name, OrderedDict())
    try:
        value = cache[full_key]
        cache.move_to_end(full_key)
    except KeyError:
        value = compute()
        # Another thread may fill or trim it meanwhile: either value is right.
        cache[full_key] = value
        with contextlib.suppress(KeyError):
            while len(cache) > limit:
                cache.popitem(last=False)
    return copy.copy(value)


def _mark_written(session) -> None:
    session.info[_WROTE] = True
    session.info.pop(_VERSION, None)


def _ended(session, *args) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_VERSION, None)


@event.listens_for(db.session, "after_flush")
def _after_flush(session, flush_context) -> None:
    _mark_written(session)


@event.listens_for(db.session, "do_orm_execute")
def _on_execute(state) -> None:
    # Statements such as `update(User)...` write without a flush.
    if state.is_insert or state.is_update or state.is_delete:
        _mark_written(state.session)


for _event in ("after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(db.session, _event, _ended)
