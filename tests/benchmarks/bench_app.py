"""The application and the database a benchmark runs on.

`database(server, work)` gives the URL of an empty database: a SQLite file in `work`,
or a database created on a PostgreSQL server and dropped afterwards. `make_app(url,
work)` builds the app on it with the schema and the territories; `dispose(app)` closes
its connections.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


@contextlib.contextmanager
def database(server: str | None, work: Path) -> Iterator[str]:
    """The URL of an empty database for the run: a SQLite file in `work`, or a new
    database on the PostgreSQL `server`, dropped afterwards."""
    if not server:
        yield f"sqlite:///{work / 'bench.sqlite3'}"
        return
    base = make_url(server).set(drivername="postgresql+psycopg")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_app(url: str, work: Path, **config):
    """The app on the database at `url`, its schema created and the territories loaded;
    no boundaries unless `GEO_CACHE_DIR` is given, other settings from `config`."""
    from tracker import create_app
    from tracker.cli import upgrade_database
    from tracker.territories import load_territories

    settings = {"SQLALCHEMY_DATABASE_URI": url, "GEO_CACHE_DIR": str(work / "no-geography")}
    app = create_app(settings | config)
    with app.app_context():
        upgrade_database()
        load_territories()
    return app


def dispose(app) -> None:
    """Close the app's connections, so its database can be dropped."""
    from tracker.extensions import db

    with app.app_context():
        db.engine.dispose()
