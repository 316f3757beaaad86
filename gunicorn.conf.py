"""gunicorn's settings for the tracker: `gunicorn -c gunicorn.conf.py` from the repository's
root serves `tracker:create_app()`, configured as the application always is (SECRET_KEY,
DATABASE_URL and TRACKER_* in the environment, or instance/config.py).

    GUNICORN_BIND     where to listen (default 127.0.0.1:8000, for a proxy on this machine;
                      several addresses separated by commas)
    GUNICORN_WORKERS  how many worker processes (default 2 per core plus one, at most 8)
    GUNICORN_TIMEOUT  seconds a request may hold a worker before it is restarted (default 60)
"""

import multiprocessing
import os

wsgi_app = "tracker:create_app()"

bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]

# Each worker holds its own boundaries and figures in memory (about 200 MB with the
# national geography): beyond 8 the memory goes faster than the database can follow.
workers = int(os.environ.get("GUNICORN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))

# An export of 100,000 measures takes some seconds; nothing the tracker does takes a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# Behind a proxy that keeps its connections to the app open.
keepalive = 5

# The application logs each request itself (the `tracker.requests` logger, with the
# request's id and account, never its query string): gunicorn's access log stays off.
accesslog = None
errorlog = "-"

# No runtime control socket (`gunicornc`): nothing uses it, and two servers on one machine
# would share its default path.
control_socket_disable = True

# Which proxies to believe about the scheme is the application's one setting, PROXIES;
# gunicorn would otherwise believe X-Forwarded-Proto from any address on this machine.
secure_scheme_headers = {}

# The application is built once, before the workers are forked: the geography libraries
# are loaded once and shared, and a wrong configuration stops gunicorn at once. The
# database engine makes no connection while it is built; each worker still drops any
# connection it inherited (two processes must never share one).
preload_app = True


def when_ready(server):
    """Read, once before the workers are forked, the figures every worker's first visitors
    would otherwise wait for (`tracker.ops.warm_up`)."""
    from tracker.ops import warm_up

    seconds = warm_up(server.app.wsgi())
    if seconds is not None:
        server.log.info("Warmed up in %.1f s", seconds)


def post_fork(server, worker):  # noqa: ARG001
    """Drop, in the new worker, the database connections of the process it was forked from."""
    from tracker.ops import after_fork

    after_fork(worker.app.wsgi())
