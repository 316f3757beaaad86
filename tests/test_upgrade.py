"""A database filled at the oldest migration keeps every record up to the newest, and
every migration is covered: each revision has its step of data in
`tests/upgrade_data.py`, in the order the migrations run.

The test walks the migrations one by one from an empty database. At each revision it
checks that every row written so far is still there with its values (columns a
migration fills or transforms with the value it should give them), then writes rows
for what that revision introduced, through SQLAlchemy Core against the tables as they
are at that revision (reflected). At the newest it reads everything through the
models' tables, then takes the newest revisions down and up again.
"""

from __future__ import annotations

import flask_migrate
import pytest
from alembic.script import ScriptDirectory

from tests.support import empty_database_app
from tests.upgrade_data import STEPS
from tests.upgrade_data import precision as _precision
from tests.upgrade_support import Filled
from tracker import MIGRATIONS_DIR
from tracker.extensions import db


def _revisions() -> list[str]:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def test_every_migration_has_its_data_step():
    """A new migration adds here the data of what it introduces, so the walk covers it."""
    assert _revisions() == list(STEPS)


@pytest.fixture
def empty_app(databases, tmp_path):
    yield from empty_database_app(databases, tmp_path, "up")


def _walk_up(filled: Filled) -> None:
    for revision, step in STEPS.items():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision=revision)
        filled.reflect()
        if step is not None:
            with filled.conn.begin():
                step(filled)
        filled.check()


def test_every_record_survives_every_upgrade_and_the_newest_downgrades(empty_app):
    with empty_app.app_context(), db.engine.connect() as conn:
        filled = Filled(conn)
        _walk_up(filled)
        models = {
            name: db.metadata.tables[name] for name in filled.tables if name != "alembic_version"
        }
        assert set(models) == set(db.metadata.tables)
        filled.check(models)

        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="0009")
        # Lossy by design: taking 0014 to 0010 down drops the accounts' language, visits and
        # sign-in attempts, the good-practice marks, the attached documents and the dates'
        # precision; going up again gives every date the precision "day" (a start given
        # as "2025" reads 2025-01-01).
        for column in ("good_practice_note", "good_practice_at", "good_practice_by_id"):
            filled.drop("measure", column)
        for table in ("measure_attachment", "assessment_answer_attachment", "attachment"):
            filled.drop(table)
        filled.drop("measure", "start_date_precision")
        filled.drop("measure", "end_date_precision")
        # ... and the accounts' language and visits (French again, no visit known).
        for column in ("language", "last_seen_at", "previous_visit_at", "must_change_password"):
            filled.drop("user", column)
        filled.drop("sign_in_attempt")
        filled.reflect()
        filled.check()

        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        filled.column("measure", "start_date_precision", lambda row: _precision(row["start_date"]))
        filled.column("measure", "end_date_precision", lambda row: _precision(row["end_date"]))
        for column in ("good_practice_note", "good_practice_at", "good_practice_by_id"):
            filled.column("measure", column)
        filled.column("user", "language", lambda row: "fr")
        filled.column("user", "last_seen_at")
        filled.column("user", "previous_visit_at")
        filled.column("user", "must_change_password", lambda row: False)
        filled.check(models)
