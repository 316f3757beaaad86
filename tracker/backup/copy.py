"""A consistent copy of the database, taken while the application runs."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The copy could not be written; the message says why."""


def backup_database(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at `url` to `target` and return it.

    SQLite is copied with its online backup API (safe while others write);
    PostgreSQL with `pg_dump` in its custom format. Either copy holds every table,
    the attached documents' bytes included (`attachment.data`). Refuses to overwrite
    an existing file. Raises `BackupError`.
    """
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise BackupError("An in-memory database cannot be backed up.")
        source = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    if parsed.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError(
                "pg_dump is not installed (Debian: apt-get install postgresql-client)."
            )
        plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(target), plain],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise BackupError(result.stderr.strip() or "pg_dump failed.")
        return target
    raise BackupError(f"No backup method for {parsed.get_backend_name()} databases.")
