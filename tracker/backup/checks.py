"""Reading a backup before restoring it: what it is, whether it is whole, which
revision of the schema it holds, and whether this version of the tracker knows it."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from tracker import MIGRATIONS_DIR

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
# The tables a tracker database holds from its first revision on.
REQUIRED_TABLES = ("alembic_version", "territory")
# `pg_restore --list`: "215; 1259 16390 TABLE public territory tracker".
LISTED_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ", re.MULTILINE)


class RestoreError(RuntimeError):
    """A backup that cannot be restored, or a restore refused or failed; the message
    (one line, for the operator) says why. The database is left as it was."""


@dataclass(frozen=True)
class Backup:
    """A backup file read and checked: its kind (`sqlite` or `postgresql`, the database
    it restores into), the schema revision it holds and its tables."""

    path: Path
    kind: str
    revision: str
    tables: tuple[str, ...]

    def describe(self) -> str:
        """One line for the operator: the file, its kind, revision and table count."""
        kind = "an SQLite database" if self.kind == "sqlite" else "a PostgreSQL dump"
        return f"{self.path}: {kind} at revision {self.revision}, {len(self.tables)} tables"


def known_revisions() -> tuple[set[str], str]:
    """Every schema revision this code's migrations know, and the newest of them."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {s.revision for s in script.walk_revisions()}, script.get_current_head()


def one_line(text: str) -> str:
    """`text` (an error from SQLite or pg_restore) as one line: its first error line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["no message"])[0]


def read_backup(path: Path) -> Backup:
    """Read the backup at `path` (as `flask backup` writes it) and check it can be
    restored: an SQLite database whose `PRAGMA integrity_check` is ok, or a PostgreSQL
    custom dump that `pg_restore --list` reads; either holding the tracker's tables and
    an `alembic_version` at a revision this code knows. Changes nothing.

    Raises `RestoreError` for a missing file, a file that is neither, a damaged one,
    one without the tracker's tables, and one from a newer version of the tracker.
    """
    path = Path(path)
    if not path.is_file():
        raise RestoreError(f"{path} does not exist or is not a file.")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        backup = read_sqlite_backup(path)
    elif header.startswith(PG_DUMP_HEADER):
        backup = read_pg_dump(path)
    else:
        raise RestoreError(
            f"{path} is not a backup made by `flask backup`: neither an SQLite database "
            "nor a PostgreSQL custom-format dump."
        )
    missing = [name for name in REQUIRED_TABLES if name not in backup.tables]
    if missing:
        raise RestoreError(
            f"{path} holds no {', '.join(missing)} table: it is not a backup of the tracker."
        )
    known, newest = known_revisions()
    if backup.revision not in known:
        raise RestoreError(
            f"{path} is at schema revision {backup.revision}, which this version of the "
            f"tracker does not know (its newest is {newest}): restore it with the version "
            "that made it, or a newer one."
        )
    return backup


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens the backup at `path` read-only and as a file that does
    not change: no lock taken, and no `-wal` or `-shm` file made beside it (a copy of a
    WAL database is marked WAL too)."""
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def read_sqlite_backup(path: Path) -> Backup:
    """An SQLite backup, opened read-only and checked page by page; raises `RestoreError`."""
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise RestoreError(f"{path} cannot be opened: {error}.") from error
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            said = one_line("\n".join(verdict))
            raise RestoreError(f"{path} is damaged: SQLite's integrity check says {said}")
        tables = tuple(
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        )
        revisions = []
        if "alembic_version" in tables:
            revisions = [
                row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
            ]
    except sqlite3.DatabaseError as error:
        raise RestoreError(f"{path} is damaged: {error}.") from error
    finally:
        connection.close()
    return Backup(path, "sqlite", single_revision(path, revisions), tables)


def read_pg_dump(path: Path) -> Backup:
    """A PostgreSQL custom dump, read by `pg_restore --list` and its `alembic_version`
    data; raises `RestoreError`."""
    if shutil.which("pg_restore") is None:
        raise RestoreError(
            "pg_restore is not installed (Debian: apt-get install postgresql-client)."
        )
    listing = run_pg_restore(path, "--list")
    tables = tuple(sorted(name for _schema, name in LISTED_TABLE.findall(listing)))
    revisions: list[str] = []
    if "alembic_version" in tables:
        script = run_pg_restore(path, "--data-only", "--table=alembic_version", "--file=-")
        rows = script.split("FROM stdin;\n", 1)[1:]
        revisions = [line for line in rows[0].split("\n\\.", 1)[0].splitlines()] if rows else []
    return Backup(path, "postgresql", single_revision(path, revisions), tables)


def run_pg_restore(path: Path, *options: str) -> str:
    """What `pg_restore OPTIONS PATH` prints; raises `RestoreError` when it fails."""
    result = subprocess.run(
        ["pg_restore", *options, str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RestoreError(f"{path} cannot be read by pg_restore: {one_line(result.stderr)}")
    return result.stdout


def single_revision(path: Path, revisions: list[str]) -> str:
    """The one revision in `alembic_version`; "none" when the table is missing (the
    caller refuses that); raises `RestoreError` for an empty table or several rows."""
    if len(revisions) == 1:
        return revisions[0]
    if not revisions:
        return "none"
    raise RestoreError(f"{path} holds several schema revisions ({', '.join(revisions)}).")
