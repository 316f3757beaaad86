"""Public pages, API answers and exports kept between requests until the data changes.

An anonymous GET of one of `PUBLIC_ENDPOINTS` is answered from memory when the same
address was answered before in the same language, with the same data version (see
`tracker.stats.committed_data_version`: the latest history entry's id, read from the
database outside any transaction, so every worker and server agrees on it) and the same
public settings. Reading that version is the one query a kept answer costs, with no
transaction around it. An answer is kept only if the view read the same version in its own
transaction (`tracker.stats.data_version`).

What is kept is what the view answered (body and headers, before compression), with the
page's CSP nonce cut out: each answer carries a fresh nonce, the one the
Content-Security-Policy header of `tracker.security` names. Nothing is kept for a
signed-in user, for a visitor with a message waiting (a flash), from an answer that is
not 200, sets a cookie, is streamed or says `no-store`/`private`, nor from a request
whose transaction wrote. The memory is bounded by a byte budget (`RESPONSE_CACHE_BYTES`,
0 turns the cache off); the least recently used answers go first.

Every public answer carries a weak ETag (a hash of what is kept: the same page in the
same language over the same data has the same one, whatever its nonce or compression)
and `Cache-Control: no-cache`, so a browser asks again and gets 304 without a body when
nothing changed. A 304 carries no Content-Security-Policy: the browser keeps the header
it stored with the body, whose nonce it matches.

Territories (names, populations) change only with `territories load`, which writes no
history entry: kept answers follow it once a record changes or the server restarts, as
the figures of `tracker.stats.kept` do.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request, request_finished, session
from flask_babel import get_locale
from flask_login import current_user

from tracker import privacy, stats
from tracker.i18n import morocco_today
from tracker.security import csp_nonce

# The endpoints whose anonymous answers depend only on the address, the language and
# the data. The boundary files are left out: they are pre-compressed files with an ETag
# of their own.
PUBLIC_ENDPOINTS = frozenset(
    {
        "public.home",
        "public.territory",
        "public.profile",
        "public.measure",
        "public.programme",
        "maps.national_map",
        "compare.compare",
        "compare.compare_csv",
        "compare.compare_geojson",
        "compare.compare_xlsx",
        "assessment.methodology",
        "good_practices.index",
        "api_docs.page",
        "api.measures",
        "api.programmes",
        "api.assessments",
        "api.organisations",
        "api.statistics",
        "api.territories",
        "api.territory",
        "api.openapi",
        "exports.measures_csv",
        "exports.measures_xlsx",
        "exports.measures_geojson",
        "exports.programmes_csv",
        "exports.programmes_xlsx",
        "exports.programmes_geojson",
        "exports.assessments_csv",
        "exports.assessments_xlsx",
        "exports.assessments_geojson",
        "exports.figures_csv",
        "exports.figures_xlsx",
        "exports.figures_geojson",
    }
)

DEFAULT_BUDGET = 64 * 1024 * 1024
# One answer may take at most this share of the budget (a large export is made again).
LARGEST_SHARE = 4

# Headers that belong to one answer, never to a kept one.
_NOT_KEPT = frozenset({"content-length", "set-cookie", "content-security-policy"})
_STATE = "tracker_response_cache"
# Where the data version stands in a key (see `_key`).
_VERSION_AT = 6


@dataclass(frozen=True)
class Kept:
    """One kept answer: the body cut at each place the CSP nonce stood, and headers."""

    parts: tuple[bytes, ...]
    headers: tuple[tuple[str, str], ...]
    etag: str

    @property
    def size(self) -> int:
        """Bytes the answer holds, roughly what it costs in memory."""
        return sum(len(p) for p in self.parts) + sum(len(k) + len(v) for k, v in self.headers)


class ResponseCache:
    """A least-recently-used map of answers under a byte budget, safe across threads."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.hits = 0
        self.misses = 0
        self.stored = 0
        self._entries: OrderedDict[tuple, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Kept | None:
        """The answer kept under `key`, if any (counted as a hit or a miss)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, entry: Kept) -> bool:
        """Keep `entry` under `key`, letting the least recently used go to stay within
        the budget; an entry larger than a quarter of the budget is refused (False)."""
        size = entry.size
        if size * LARGEST_SHARE > self.budget:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old.size
            self._entries[key] = entry
            self.used += size
            self.stored += 1
            while self.used > self.budget:
                _, gone = self._entries.popitem(last=False)
                self.used -= gone.size
        return True

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every answer (the counters stay)."""
        with self._lock:
            self._entries.clear()
            self.used = 0


def cache_of(app: Flask) -> ResponseCache | None:
    """The response cache of `app`, None when `RESPONSE_CACHE_BYTES` is 0."""
    return app.extensions.get(_STATE)


def _eligible() -> bool:
    """Whether this request may be answered from, or fill, the cache."""
    return (
        request.endpoint in PUBLIC_ENDPOINTS
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _key() -> tuple:
    """What the answer depends on: the address, the negotiated language, the data and
    the public settings, and the day (a programme "running this year", a file's name)."""
    return (
        request.endpoint,
        request.host,
        request.script_root,
        request.path,
        request.query_string,
        str(get_locale()),
        stats.committed_data_version(),
        privacy.public_states(),
        privacy.threshold(),
        morocco_today(),
        datetime.now(UTC).date(),
    )


def _etag(parts: tuple[bytes, ...], headers: tuple[tuple[str, str], ...]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    for name, value in headers:
        digest.update(f"{name}:{value}\n".encode())
    return digest.hexdigest()[:32]


def _public_headers(response: Response, etag: str) -> None:
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))


def _answer_kept() -> Response | None:
    """Before the view: the kept answer with a fresh nonce, or 304, or None to render."""
    if not _eligible():
        return None
    key = _key()
    g.response_cache_key = key
    cache = cache_of(current_app)
    entry = cache.get(key) if cache is not None else None
    if entry is None:
        return None
    g.response_cache_hit = True
    if request.if_none_match.contains_weak(entry.etag):
        response = Response(status=304)
    else:
        nonce = csp_nonce().encode() if len(entry.parts) > 1 else b""
        response = Response(nonce.join(entry.parts))
        response.headers.clear()
        response.headers.extend(entry.headers)
    _public_headers(response, entry.etag)
    return response


def _capture(response: Response) -> Response:
    """After the view (before compression): mark a public answer with its ETag and
    Cache-Control, keep what the cache would store, answer 304 when the browser's copy
    is current."""
    if g.get("response_cache_hit") or "response_cache_key" not in g:
        return response
    if response.status_code != 200 or response.is_streamed:
        return response
    control = response.headers.get("Cache-Control", "")
    if "no-store" in control or "private" in control:
        return response
    body = response.get_data()
    nonce = g.get("csp_nonce")
    parts = tuple(body.split(nonce.encode())) if nonce else (body,)
    headers = tuple(
        (name, value) for name, value in response.headers if name.lower() not in _NOT_KEPT
    )
    etag = _etag(parts, headers)
    _public_headers(response, etag)
    headers = tuple(
        (name, value) for name, value in response.headers if name.lower() not in _NOT_KEPT
    )
    g.response_cache_entry = Kept(parts, headers, etag)
    if request.if_none_match.contains_weak(etag):
        response.status_code = 304
        response.set_data(b"")
    return response


def _finished(sender: Flask, response: Response, **extra) -> None:
    """Once every header is set: keep the captured answer if it set no cookie and the
    data did not move under it; strip the CSP header from a 304."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        return
    if response.status_code == 304:
        response.headers.pop("Content-Security-Policy", None)
    entry = g.pop("response_cache_entry", None)
    cache = cache_of(sender)
    if entry is None or cache is None or "Set-Cookie" in response.headers:
        return
    key = g.response_cache_key
    if stats.data_version() != key[_VERSION_AT]:
        return  # the request wrote, or a commit moved the version: not what was read
    cache.put(key, entry)


def init_app(app: Flask) -> None:
    """Keep the anonymous answers of `PUBLIC_ENDPOINTS` within `RESPONSE_CACHE_BYTES`.

    Register it after every other `after_request` hook (CSP, language cookie,
    compression): its own runs first, on the view's answer as the view made it.
    Raises `ValueError` when `RESPONSE_CACHE_BYTES` is not a whole number.
    """
    budget = int(app.config.get("RESPONSE_CACHE_BYTES", DEFAULT_BUDGET))
    if budget > 0:
        app.extensions[_STATE] = ResponseCache(budget)
    app.before_request(_answer_kept)
    app.after_request(_capture)
    request_finished.connect(_finished, app, weak=False)
