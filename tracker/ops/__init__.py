"""Running the tracker as a deployment: the health check, the request log, and the
settings that depend on what stands in front of it (HTTPS, trusted proxies).

`init_app` wires them into the factory; `after_fork` is for an application server that
builds the application once and then forks its workers (gunicorn's `preload_app`).
"""

from __future__ import annotations

from flask import Flask

from tracker.ops import health, request_log, serving


def init_app(app: Flask) -> None:
    """Apply the HTTPS and proxy settings, and register the request log and `/healthz`."""
    serving.init_app(app)
    request_log.init_app(app)
    health.init_app(app)


def after_fork(app: Flask) -> None:
    """Forget, in a freshly forked worker, the database connections of the process it was
    forked from: two processes must never share one connection. The parent's connections
    are left open for the parent (`close=False`)."""
    from tracker.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
