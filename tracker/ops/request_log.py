"""One line per request on the `tracker.requests` logger, as key=value pairs:

    time=2026-12-07T12:00:00.123Z id=6f1c... method=GET path=/map status=200 ms=12.4 user=- addr=127.0.0.1

`id` is the request's id: a sane `X-Request-ID` sent by the proxy, else one made here,
and sent back in the response's `X-Request-ID`. `path` never has the query string (its
values may hold a token), and nothing from the body, the cookies or the headers is
written: no password, token, cookie or CSRF token can reach the log. `user` is the
signed-in account's id, or `-`. `addr` is the client's address as the trusted proxies
(`PROXIES`) give it.

Without a handler configured for the logger, lines go to the standard error, which is
gunicorn's error log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request, request_finished, request_started
from flask_login import current_user

from tracker.security import signed_in

logger = logging.getLogger("tracker.requests")

HEADER = "X-Request-ID"
# What a proxy's request id looks like (a UUID, a hex or base64 token); anything else is
# replaced, so that the log cannot be fed lines or markup through it.
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,64}")
# A value written as it is; any other is written as a JSON string (quoted, escaped).
_PLAIN = re.compile(r"[A-Za-z0-9._:/@%+,~-]+")


class StandardError(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a line is written (it may be replaced
    after the handler is made)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self):
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def request_id() -> str:
    """The id of the current request: its sane `X-Request-ID`, else one made on first use."""
    if "request_id" not in g:
        asked = request.headers.get(HEADER, "")
        g.request_id = asked if _SANE_ID.fullmatch(asked) else uuid.uuid4().hex
    return g.request_id


def log_line(fields: dict[str, object]) -> str:
    """`fields` as one line of key=value pairs; a value with a space, a quote or a
    control character is written as a JSON string, so a line is always one line."""
    parts = []
    for key, value in fields.items():
        text = str(value)
        parts.append(f"{key}={text if _PLAIN.fullmatch(text) else json.dumps(text)}")
    return " ".join(parts)


def _user() -> str:
    """The signed-in account's id, or "-"."""
    try:
        return str(current_user.id) if signed_in() else "-"
    except Exception:  # noqa: BLE001  (the database may be down: the line is still written)
        return "-"


def _started(sender, **extra) -> None:  # noqa: ARG001
    g.request_started = time.perf_counter()


def _echo_id(response):
    response.headers[HEADER] = request_id()
    return response


def _finished(sender, response, **extra) -> None:  # noqa: ARG001
    started = g.get("request_started")
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    now = datetime.now(UTC)
    fields = {
        "time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "id": request_id(),
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "ms": f"{elapsed:.1f}",
        "user": _user(),
        "addr": request.remote_addr or "-",
    }
    logger.info(log_line(fields))


def init_app(app: Flask) -> None:
    """Log every request of `app`, and send its id back in `X-Request-ID`."""
    if not logger.handlers:
        logger.addHandler(StandardError())
        logger.propagate = False
    logger.setLevel(logging.INFO)
    # A logging configuration read earlier in the process disables the loggers that exist
    # then (Alembic's does, when the migrations run in the same process).
    logger.disabled = False
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    app.after_request(_echo_id)
