"""The application and the database a benchmark runs on, and the changes it makes.

`database(server, work)` gives the URL of an empty database: a SQLite file in `work`,
or a database created on a PostgreSQL server and dropped afterwards. `make_app(url,
work)` builds the app on it with the schema and the territories; `dispose(app)` closes
its connections; `settle(app)` does what autovacuum would after a bulk load;
`geography(given, work)` finds or builds the boundaries the map draws.
`change_measure(app, code)` changes a measure of a collectivity.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


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


def settle(app) -> tuple[int, int]:
    """What autovacuum does on PostgreSQL soon after a bulk load: statistics for the
    planner, and the visibility map that lets it answer from an index alone.
    Answers the measure table's pages marked visible to all, and its pages."""
    from tracker.extensions import db

    # With synchronous_commit off, VACUUM cannot mark the new rows visible to all
    # before the WAL writer has flushed the load's commit. (A combined VACUUM ANALYZE
    # left them unmarked here; the two commands in turn do not.)
    time.sleep(2)
    with app.app_context(), db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("ANALYZE")
        visible, pages = conn.exec_driver_sql(
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'measure'"
        ).one()
    return visible, pages


def geography(given: Path | None, work: Path) -> Path:
    """The built boundaries the map draws: `given`, else the application's own
    (`TRACKER_GEO_CACHE_DIR`, or `instance/geography`) when built, else built in `work`."""
    if given is not None:
        return given
    default = Path(os.environ.get("TRACKER_GEO_CACHE_DIR") or ROOT / "instance" / "geography")
    if (default / "commune.geojson").is_file():
        return default
    import geo

    built = work / "geography"
    geo.build_geography(built, progress=lambda line: None)
    return built


def change_measure(app, code: str) -> None:
    """Change one public measure of collectivity `code` as an officer's edit leaves it:
    the row (its progress) and an entry in its history, committed."""
    from tracker.extensions import db
    from tracker.models import AuditEntry, Measure

    with app.app_context():
        measure = db.session.scalars(
            select(Measure).where(Measure.territory_code == code).limit(1)
        ).one()
        before = measure.progress
        measure.progress = (before or 0) % 100 + 1
        measure.version += 1
        db.session.add(
            AuditEntry(
                entity="measure",
                entity_id=measure.id,
                territory_code=code,
                action="update",
                actor="command_line",
                version=measure.version,
                changes={"progress": [before, measure.progress]},
            )
        )
        db.session.commit()
