"""Database connection settings that SQLAlchemy does not apply by itself."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Seconds a new PostgreSQL connection may take before the request gives up (and is
# answered 503, `tracker.outage`): a server that is down or restarting must not hold a
# worker for the operating system's TCP timeout, which is minutes.
CONNECT_TIMEOUT = 5


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """Turn on foreign keys, WAL and a busy timeout on every SQLite connection, and turn
    off just-in-time compilation on every PostgreSQL one.

    SQLite leaves foreign keys off by default, and without WAL a reader blocks a
    writer. PostgreSQL compiles a query it estimates costly before running it, which
    for the tracker's aggregations over a few thousand index entries costs 40 to 80 ms
    and saves nothing (measured with 100,000 measures: a commune's page 176 ms with it,
    86 ms without, before its figures are kept).
    """
    module = type(dbapi_connection).__module__
    if module.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()
        return
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "do_connect")
def _connect_timeout(dialect, connection_record, cargs, cparams) -> None:  # noqa: ARG001
    """Bound the time a PostgreSQL connection may take (`CONNECT_TIMEOUT`), unless the
    database URL sets its own."""
    if dialect.name == "postgresql":
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT)
