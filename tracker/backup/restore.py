"""Putting a backup in place of the configured database: `flask restore PATH`.

The backup is first restored into a copy beside the database (a temporary file next
to the SQLite one, a temporary database on the PostgreSQL server), upgraded there to
the newest schema, and checked to hold every table of the models; only then does it
take the database's place, in one step. A failure at any point before leaves the
database as it was and removes the copy. A single transaction over the database
itself was the other way, and was not chosen: on SQLite the migrations rebuild tables
outside the caller's transaction, and on PostgreSQL `pg_restore` and the migrations
run on connections of their own, so neither the restore nor its upgrade could be
rolled back together.

SQLite: the copy goes into the database file through SQLite's online backup API in
one write transaction, so that other connections see the old or the new database,
never half of each. PostgreSQL: the database is renamed away and the copy renamed to
its name (the role must own the database and may create databases); sessions on it
are ended, and the old one is dropped.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import flask_migrate
import sqlalchemy
from flask import Flask
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from tracker import MIGRATIONS_DIR
from tracker.backup.checks import Backup, RestoreError, one_line, read_backup, read_only_uri
from tracker.extensions import db, migrate

NAMES = {"sqlite": "an SQLite", "postgresql": "a PostgreSQL"}


def restore_database(
    url: str, path: Path, *, replace: bool = False, progress: Callable[[str], None] = print
) -> Backup:
    """Restore the backup at `path` (made by `flask backup`) into the database at `url`,
    upgrading its schema when the backup is older than this code; return the backup
    read. `progress` is told each step in one line.

    Refuses (with `RestoreError`, the database unchanged) a backup `read_backup`
    refuses, a backup of the other kind of database, and a database that holds any
    table unless `replace`.
    """
    backup = read_backup(Path(path))
    progress(f"Backup checked: {backup.describe()}.")
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise RestoreError(f"No restore method for {backend} databases.")
    if backup.kind != backend:
        kind, configured = NAMES[backup.kind], NAMES[backend]
        raise RestoreError(
            f"{backup.path} is a backup of {kind} database and the configured one is "
            f"{configured} database: restore it into {kind} database."
        )
    if backend == "sqlite":
        restore_sqlite(parsed, backup, replace, progress)
    else:
        restore_postgresql(parsed, backup, replace, progress)
    progress(
        f"Database restored from {backup.path}: {parsed.render_as_string(hide_password=True)}."
    )
    progress(
        "Restart the application's servers: the figures they keep in memory may date "
        "from before the restore."
    )
    return backup


def refuse_unless_empty(tables: list[str], replace: bool, where: str) -> None:
    """Raise `RestoreError` when `tables` (those of the database at `where`) is not
    empty and `replace` was not asked."""
    if tables and not replace:
        raise RestoreError(
            f"The database {where} is not empty ({len(tables)} tables): add --replace to "
            "overwrite it with the backup."
        )


def upgrade_copy(url: str, backup: Backup, progress: Callable[[str], None]) -> None:
    """Upgrade the restored copy at `url` to the newest schema (saying so when the
    backup was older), then check it holds every table of the models.

    Raises `RestoreError` when a table is missing. The copy is upgraded through an
    application of its own, so that the configured database is never touched.
    """
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool}
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            with db.engine.connect() as connection:
                found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
                revision = found.scalar_one()
                tables = set(sqlalchemy.inspect(connection).get_table_names())
        except Exception as error:  # whatever a migration raises, said in one line
            raise RestoreError(
                f"The restored copy could not be upgraded: {one_line(str(error))}"
            ) from error
        finally:
            db.engine.dispose()
    if revision != backup.revision:
        progress(
            f"Schema upgraded from revision {backup.revision} to {revision}: the backup "
            "is older than this version of the tracker."
        )
    missing = sorted(set(db.metadata.tables) - tables)
    if missing:
        raise RestoreError(f"{backup.path} lacks tables of the tracker: {', '.join(missing)}.")


# ---- SQLite ----------------------------------------------------------------------------


def sqlite_tables(target: Path) -> list[str]:
    """The tables of the SQLite database at `target` (none when the file is missing or
    empty); raises `RestoreError` when it is not an SQLite database."""
    if not target.exists() or target.stat().st_size == 0:
        return []
    try:
        with sqlite3.connect(target) as connection:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return [row[0] for row in rows]
    except sqlite3.DatabaseError as error:
        raise RestoreError(f"The configured database {target} is not readable: {error}.") from error


def restore_sqlite(
    parsed: URL, backup: Backup, replace: bool, progress: Callable[[str], None]
) -> None:
    """Restore an SQLite backup into the SQLite database of `parsed`; see the module."""
    if not parsed.database or parsed.database == ":memory:":
        raise RestoreError("An in-memory database cannot be restored into.")
    target = Path(parsed.database)
    refuse_unless_empty(sqlite_tables(target), replace, str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex[:8]}")
    try:
        copy_sqlite(backup.path, work, backup=True)
        upgrade_copy(f"sqlite:///{work}", backup, progress)
        # Checked again just before: a database may have been made meanwhile.
        refuse_unless_empty(sqlite_tables(target), replace, str(target))
        copy_sqlite(work, target, backup=False)
    except sqlite3.Error as error:
        raise RestoreError(f"The restore failed: {error}.") from error
    finally:
        for leftover in (work, Path(f"{work}-wal"), Path(f"{work}-shm"), Path(f"{work}-journal")):
            leftover.unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path, *, backup: bool) -> None:
    """Copy the SQLite database `source` (a backup file when `backup`) into `target`
    with the online backup API, in one step (one write transaction on `target`,
    rolled back if it fails)."""
    origin = sqlite3.connect(read_only_uri(source) if backup else str(source), uri=backup)
    destination = sqlite3.connect(target)
    try:
        origin.backup(destination, pages=-1)
    finally:
        destination.close()
        origin.close()


# ---- PostgreSQL ------------------------------------------------------------------------


def engine_on(parsed: URL, database: str) -> sqlalchemy.Engine:
    """An engine on `database` of the server of `parsed`, outside transactions (as
    CREATE, ALTER and DROP DATABASE want), keeping no connection open."""
    return sqlalchemy.create_engine(
        parsed.set(database=database), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def run_sql(parsed: URL, database: str, *statements: str) -> list:
    """Run `statements` connected to `database`; the rows of the last one, if any."""
    engine = engine_on(parsed, database)
    try:
        with engine.connect() as connection:
            for statement in statements:
                result = connection.exec_driver_sql(statement)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def quoted(name: str) -> str:
    """`name` as a PostgreSQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def postgresql_tables(parsed: URL) -> list[str]:
    """The tables of the database of `parsed`, in every schema but the system's."""
    rows = run_sql(
        parsed,
        parsed.database,
        "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN "
        "('pg_catalog', 'information_schema')",
    )
    return [row[0] for row in rows]


def restore_postgresql(
    parsed: URL, backup: Backup, replace: bool, progress: Callable[[str], None]
) -> None:
    """Restore a PostgreSQL dump into the database of `parsed`; see the module."""
    name = parsed.database
    try:
        refuse_unless_empty(postgresql_tables(parsed), replace, name)
        encoding, collate, ctype = run_sql(
            parsed,
            name,
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()",
        )[0]
        work = f"{name[:40]}_restore_{uuid.uuid4().hex[:8]}"
        run_sql(
            parsed,
            name,
            f"CREATE DATABASE {quoted(work)} TEMPLATE template0 ENCODING '{encoding}' "
            f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'",
        )
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise RestoreError(f"The restore failed: {one_line(str(error.orig or error))}") from error
    try:
        load_dump(parsed.set(database=work), backup)
        upgrade_copy(
            parsed.set(database=work).render_as_string(hide_password=False), backup, progress
        )
        # Checked again just before: a schema may have been made meanwhile.
        refuse_unless_empty(postgresql_tables(parsed), replace, name)
        swap_databases(parsed, name, work)
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise RestoreError(f"The restore failed: {one_line(str(error.orig or error))}") from error
    finally:
        run_sql(parsed, name, f"DROP DATABASE IF EXISTS {quoted(work)} WITH (FORCE)")


def load_dump(parsed: URL, backup: Backup) -> None:
    """`pg_restore` the dump into the (new, empty) database of `parsed`, stopping at the
    first error; raises `RestoreError` with it. Objects are owned by the restoring role
    and keep no grants, so that a dump restores on another server."""
    environment = dict(os.environ)
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    # The password goes by the environment, not on a command line others may list.
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    ).render_as_string()
    result = subprocess.run(
        [
            "pg_restore",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            plain,
            str(backup.path),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if result.returncode != 0:
        raise RestoreError(f"{backup.path} could not be restored: {one_line(result.stderr)}")


def swap_databases(parsed: URL, name: str, work: str) -> None:
    """Put database `work` in the place of `name`: `name` is closed to connections, its
    sessions ended, and it is renamed away; `work` takes its name; the old one is
    dropped. A failure before `work` is renamed gives `name` back as it was."""
    old = f"{name[:40]}_before_{uuid.uuid4().hex[:8]}"
    run_sql(
        parsed,
        work,
        f"ALTER DATABASE {quoted(name)} WITH ALLOW_CONNECTIONS false",
    )
    try:
        run_sql(
            parsed,
            work,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name.replace(chr(39), chr(39) * 2)}' AND pid <> pg_backend_pid()",
            f"ALTER DATABASE {quoted(name)} RENAME TO {quoted(old)}",
        )
    except sqlalchemy.exc.SQLAlchemyError:
        run_sql(parsed, work, f"ALTER DATABASE {quoted(name)} WITH ALLOW_CONNECTIONS true")
        raise
    run_sql(parsed, work, f"ALTER DATABASE {quoted(old)} WITH ALLOW_CONNECTIONS true")
    try:
        run_sql(parsed, old, f"ALTER DATABASE {quoted(work)} RENAME TO {quoted(name)}")
    except sqlalchemy.exc.SQLAlchemyError:
        run_sql(parsed, work, f"ALTER DATABASE {quoted(old)} RENAME TO {quoted(name)}")
        raise
    run_sql(parsed, name, f"DROP DATABASE {quoted(old)} WITH (FORCE)")
