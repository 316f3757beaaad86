"""`flask --app tracker restore PATH`: a backup made by `flask backup` comes back whole,
every table row by row; a backup that is damaged, foreign or newer than the code, and
a database that holds data already (without `--replace`), are refused and the
database is left as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from datetime import UTC, datetime

import flask_migrate
import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.support import empty_database_app, name_of
from tracker import MIGRATIONS_DIR
from tracker.backup import backup_database, known_revisions
from tracker.extensions import db
from tracker.models import (
    AssessmentAnswer,
    Attachment,
    AuditEntry,
    Measure,
    Setting,
    SignInAttempt,
    User,
)

DOCUMENT = b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256)))


@pytest.fixture
def database_url(demo_database_url):
    """Every test starts from the demo data."""
    return demo_database_url


def _attachment(name: str, media_type: str, data: bytes, by: User) -> Attachment:
    return Attachment(
        file_name=name,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_by_id=by.id,
    )


@pytest.fixture
def filled(app):
    """The demo data with a record of each kind it lacks: documents attached to a
    measure and to an answer, a good-practice mark, an entry made from the command line, a failed sign-in, an
    account that works in Arabic, has visited and must change its password."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin").limit(1))
        measure = db.session.scalar(
            select(Measure).where(Measure.review_state == "validated").limit(1)
        )
        answer = db.session.scalar(select(AssessmentAnswer).limit(1))
        measure.attachments.append(
            _attachment("délibération.pdf", "application/pdf", DOCUMENT, admin)
        )
        answer.attachments.append(_attachment("photo.png", "image/png", PICTURE, admin))
        measure.good_practice_note = "Des horaires adaptés, un local prêté par la commune."
        measure.good_practice_at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
        measure.good_practice_by_id = admin.id
        db.session.add(
            AuditEntry(
                entity="measure",
                entity_id=measure.id,
                territory_code=measure.territory_code,
                action="update",
                actor="command_line",
                version=measure.version,
                changes={"title": ["Ancien", measure.title]},
                comment="Import du 30 novembre",
            )
        )
        db.session.add(
            SignInAttempt(
                email="inconnu@example.org",
                address="192.0.2.7",
                at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
            )
        )
        admin.language = "ar"
        admin.last_seen_at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
        admin.previous_visit_at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        admin.must_change_password = True
        db.session.commit()
    return app


def everything(url: str) -> dict:
    """Every row of every table of the database at `url`, every column, in key order;
    the columns of each table; on PostgreSQL, where each sequence stands."""
    engine = create_engine(url, poolclass=NullPool)
    found: dict = {}
    try:
        with engine.connect() as connection:
            meta = MetaData()
            meta.reflect(bind=connection)
            for name, table in meta.tables.items():
                order = list(table.primary_key.columns) or list(table.columns)
                found[name] = [
                    tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                    for row in connection.execute(select(table).order_by(*order))
                ]
                found[f"{name} columns"] = [c.name for c in table.columns]
            if connection.dialect.name == "postgresql":
                found["sequences"] = connection.exec_driver_sql(
                    "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
                ).all()
    finally:
        engine.dispose()
    return found


def url_of(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def restore(app, path, *options: str):
    return app.test_cli_runner().invoke(args=["restore", str(path), *options])


@pytest.fixture
def empty(databases, tmp_path):
    """An application on a new database that holds nothing, not even a schema."""
    yield from empty_database_app(databases, tmp_path, "restored")


def test_a_backup_restores_every_row_of_every_table(filled, empty, tmp_path):
    started = time.perf_counter()
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    before = everything(url_of(filled))
    tables = [name for name in before if not name.endswith(" columns") and name != "sequences"]
    assert len(tables) == len(db.metadata.tables) + 1  # and alembic_version
    assert [name for name in tables if not before[name]] == []

    result = restore(empty, backup)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Backup checked: {backup}: ")
    assert not any("upgraded" in line for line in lines)
    assert "Restart the application's servers" in lines[-1]
    assert everything(url_of(empty)) == before
    assert time.perf_counter() - started < 30


def test_a_database_with_data_is_kept_unless_replace_is_given(filled, tmp_path):
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    with filled.app_context():
        db.session.add(Setting(key="after_the_backup", value="kept"))
        db.session.commit()
    now = everything(url_of(filled))

    refused = restore(filled, backup)

    assert refused.exit_code == 1
    assert refused.output.count("\n") == 2  # "Backup checked" and the one error line
    assert "is not empty" in refused.output and "--replace" in refused.output
    assert everything(url_of(filled)) == now

    replaced = restore(filled, backup, "--replace")

    assert replaced.exit_code == 0, replaced.output
    after = everything(url_of(filled))
    assert ("after_the_backup", "kept") not in after["setting"]
    assert after["measure"] == now["measure"]
    with filled.app_context():  # the running application reads the restored data
        assert db.session.get(Setting, "after_the_backup") is None


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _overwritten(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_truncated, _overwritten], ids=["truncated", "overwritten"])
def test_a_damaged_backup_is_refused_and_nothing_changes(filled, tmp_path, damage):
    if damage is _overwritten and not url_of(filled).startswith("sqlite"):
        pytest.skip("a custom dump's data blocks are not checksummed by pg_restore")
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    damage(backup)
    now = everything(url_of(filled))

    result = restore(filled, backup, "--replace")

    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: ") and str(backup) in error
    assert everything(url_of(filled)) == now


def test_a_file_that_is_not_a_backup_is_refused(filled, tmp_path):
    now = everything(url_of(filled))
    text = tmp_path / "notes.txt"
    text.write_text("Ceci n'est pas une sauvegarde.\n", encoding="utf-8")
    foreign = tmp_path / "other.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE recipe (name TEXT)")

    for path, reason in [
        (text, "is not a backup made by `flask backup`"),
        (tmp_path / "missing.backup", "does not exist"),
    ]:
        result = restore(filled, path, "--replace")
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: {path} {reason}")
        assert result.output.count("\n") == 1
    result = restore(filled, foreign, "--replace")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {foreign} holds no alembic_version, territory table: it is not a backup "
        "of the tracker.\n"
    )
    assert everything(url_of(filled)) == now


def test_a_backup_with_the_tracker_s_revision_but_not_its_tables_is_refused(filled, tmp_path):
    now = everything(url_of(filled))
    _known, newest = known_revisions()
    impostor = tmp_path / "impostor.sqlite3"
    with sqlite3.connect(impostor) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (newest,))
        connection.execute("CREATE TABLE territory (code TEXT)")

    result = restore(filled, impostor, "--replace")

    assert result.exit_code == 1
    error = result.output.splitlines()[-1]
    if url_of(filled).startswith("sqlite"):
        assert error.startswith(f"Error: {impostor} lacks tables of the tracker: assessment, ")
    else:
        assert error == (
            f"Error: {impostor} is a backup of an SQLite database and the configured one "
            "is a PostgreSQL database: restore it into an SQLite database."
        )
    assert everything(url_of(filled)) == now


def test_a_backup_from_a_newer_version_is_refused(filled, tmp_path):
    with filled.app_context():
        db.session.execute(db.text("UPDATE alembic_version SET version_num = '0099'"))
        db.session.commit()
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    _known, newest = known_revisions()

    result = restore(filled, backup, "--replace")

    assert result.exit_code == 1
    assert (
        f"is at schema revision 0099, which this version of the tracker does not know (its newest is {newest})"
        in result.output
    )
    with filled.app_context():
        assert db.session.scalar(db.text("SELECT version_num FROM alembic_version")) == "0099"


def test_an_older_backup_is_upgraded_after_the_restore(filled, empty, tmp_path):
    with filled.app_context():
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="0011")
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    before = everything(url_of(filled))
    _known, newest = known_revisions()

    result = restore(empty, backup)

    assert result.exit_code == 0, result.output
    assert f"Schema upgraded from revision 0011 to {newest}: the backup is older" in result.output
    after = everything(url_of(empty))
    assert after["alembic_version"] == [(newest,)]
    for table in ("measure_sector", "attachment", "assessment_answer", "audit_entry"):
        assert after[table] == before[table]
    assert [row[:3] for row in after["measure"]] == [row[:3] for row in before["measure"]]
    # The accounts gain the later columns (their language, visits, a forced password
    # change) with what the migrations give accounts there already.
    kept = len(before["user"][0])
    assert [row[:kept] for row in after["user"]] == before["user"]
    assert set(after["user columns"][kept:]) == {
        "must_change_password",
        "language",
        "last_seen_at",
        "previous_visit_at",
    }


def test_the_database_name_is_kept_on_postgresql(filled, empty, tmp_path):
    if url_of(filled).startswith("sqlite"):
        pytest.skip("PostgreSQL swaps databases")
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    assert restore(empty, backup).exit_code == 0
    engine = create_engine(url_of(empty), poolclass=NullPool)
    with engine.connect() as connection:
        names = connection.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
    engine.dispose()
    assert name_of(url_of(empty)) in names
    assert not [n for n in names if "_restore_" in n or "_before_" in n]


def test_a_failure_after_the_restore_began_leaves_the_database_as_it_was(
    filled, tmp_path, monkeypatch
):
    backup = backup_database(url_of(filled), tmp_path / "tracker.backup")
    with filled.app_context():
        db.session.add(Setting(key="after_the_backup", value="kept"))
        db.session.commit()
    now = everything(url_of(filled))

    def fails(*args, **kwargs):
        raise RuntimeError("disk full\nand more")

    monkeypatch.setattr(flask_migrate, "upgrade", fails)
    result = restore(filled, backup, "--replace")

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: The restored copy could not be upgraded: disk full"
    )
    assert everything(url_of(filled)) == now
    if url_of(filled).startswith("sqlite"):
        folder = make_url(url_of(filled)).database.rsplit("/", 1)[0]
        assert not [p for p in os.listdir(folder) if ".restore-" in p]
    else:
        engine = create_engine(url_of(filled), poolclass=NullPool)
        with engine.connect() as connection:
            names = connection.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
        engine.dispose()
        assert not [n for n in names if "_restore_" in n]
