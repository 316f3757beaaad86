"""A database filled at the oldest migration keeps every record up to the newest.

The test walks the migrations one by one from an empty database. At each revision it
checks that every row written so far is still there with its values (columns a
migration fills or transforms with the value it should give them), then writes rows
for what that revision introduced, through SQLAlchemy Core against the tables as they
are at that revision (reflected). At the newest it reads everything through the
models' tables, then takes the newest revisions down and up again.
"""

from __future__ import annotations

import hashlib
import importlib.util
from datetime import UTC, date, datetime
from decimal import Decimal

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert, select

from tests.support import BOUARFA, FIGUIG, empty_database_app
from tracker import MIGRATIONS_DIR
from tracker.extensions import db

PROVINCE, REGION = "02.251", "02"
AT = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)
LATER = datetime(2026, 11, 2, 17, 5, 0, tzinfo=UTC)
DOCUMENT = b"%PDF-1.4\n" + bytes(range(256)) * 3 + b"\x00\xff%%EOF"
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256)))


def _revisions() -> list[str]:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def _snia_sectors() -> list[dict]:
    path = next((MIGRATIONS_DIR / "versions").glob("0002_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SNIA_SECTORS


def _plain(value):
    """A value as both databases give it back: times in UTC without a zone (SQLite keeps
    none), bytes as bytes."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, memoryview):
        return bytes(value)
    return value


class Filled:
    """The rows written so far, table by table, each with every column of its table as
    the current revision has it: what the database must give back."""

    def __init__(self, conn):
        self.conn = conn
        self.rows: dict[str, list[dict]] = {}
        self.tables = {}

    def reflect(self) -> None:
        meta = MetaData()
        meta.reflect(bind=self.conn)
        self.tables = dict(meta.tables)
        # An open transaction would hold locks a migration waits for.
        self.conn.rollback()

    def add(self, name: str, *rows: dict) -> None:
        """Insert `rows` into table `name` and expect them back (None where not given)."""
        table = self.tables[name]
        columns = [c.name for c in table.columns]
        unknown = {key for row in rows for key in row} - set(columns)
        assert not unknown, f"{name} has no column {unknown}"
        # Every row names every column: an executemany takes its columns from the first.
        full = [{c: row.get(c) for c in columns} for row in rows]
        self.conn.execute(insert(table), full)
        self.rows.setdefault(name, []).extend(dict(row) for row in full)

    def column(self, name: str, column: str, value=lambda row: None) -> None:
        """A migration added `column` to `name`, filled with `value(row)`."""
        for row in self.rows.get(name, []):
            row[column] = value(row)

    def drop(self, name: str, column: str | None = None) -> None:
        """A downgrade dropped `column` of `name` (the whole table when None)."""
        if column is None:
            self.rows.pop(name, None)
            return
        for row in self.rows.get(name, []):
            row.pop(column)

    def check(self, tables=None) -> None:
        """Every table holds exactly the rows expected, every column compared; `tables`
        (the models' tables at the newest revision) read them, else the reflected ones."""
        tables = tables or {n: t for n, t in self.tables.items() if n != "alembic_version"}
        assert set(self.rows) <= set(tables), set(self.rows) - set(tables)
        for name, table in tables.items():
            key = [c.name for c in table.primary_key.columns]
            found = {
                tuple(row[k] for k in key): {c: _plain(v) for c, v in row.items()}
                for row in self.conn.execute(select(table)).mappings()
            }
            wanted = {
                tuple(row[k] for k in key): {c: _plain(v) for c, v in row.items()}
                for row in self.rows.get(name, [])
            }
            assert found.keys() == wanted.keys(), f"rows of {name}"
            differ = {
                (name, k, c): (found[k].get(c), v)
                for k, row in wanted.items()
                for c, v in row.items()
                if found[k].get(c, "missing") != v
            }
            assert not differ, f"(table, row, column): (found, wanted) {differ}"
        self.conn.rollback()


def _territories(filled: Filled) -> None:
    place = {"population_2024": None, "population_2014": None, "households_2024": None}
    filled.add(
        "territory",
        {
            **place,
            "code": REGION,
            "level": "region",
            "kind": "region",
            "name_fr": "Oriental",
            "name_ar": "الشرق",
            "region_code": REGION,
            "population_2024": 2_294_665,
            "population_2014": 2_314_346,
            "search_text": "oriental الشرق",
        },
        {
            **place,
            "code": PROVINCE,
            "level": "province",
            "kind": "province",
            "name_fr": "Figuig",
            "name_ar": "فجيج",
            "parent_code": REGION,
            "region_code": REGION,
            "households_2024": 31_002,
            "search_text": "figuig فجيج",
        },
        {
            **place,
            "code": FIGUIG,
            "level": "commune",
            "kind": "urban",
            "name_fr": "Figuig (Mun.)",
            "name_ar": "فجيج",
            "parent_code": PROVINCE,
            "region_code": REGION,
            "population_2024": 11_495,
            "search_text": "figuig mun فجيج",
        },
        {
            **place,
            "code": BOUARFA,
            "level": "commune",
            "kind": "urban",
            "name_fr": "Bouarfa d'en haut — l'Oasis",
            "name_ar": "بوعرفة",
            "parent_code": PROVINCE,
            "region_code": REGION,
            "search_text": "",
        },
    )


def _records(filled: Filled) -> None:
    filled.rows["sector"] = [dict(s) for s in _snia_sectors()]  # written by the migration
    filled.add(
        "sector",
        {
            "key": "local_extra",
            "position": 12,
            "name_en": "Other",
            "name_fr": "Autre",
            "name_ar": "أخرى",
        },
    )
    filled.add(
        "setting",
        {"key": "demo_data", "value": "1"},
        {"key": "note", "value": "Deux lignes\net de l'arabe : مرحبا"},
    )
    account = {"active": True, "failed_logins": 0, "created_at": AT}
    filled.add(
        "user",
        {
            **account,
            "id": 1,
            "email": "admin@example.org",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA",
            "role": "admin",
            "session_token": "token-admin",
            "last_login_at": LATER,
        },
        {
            **account,
            "id": 2,
            "email": "officer@example.org",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=1$c2FsdDI$aGFzaDI",
            "role": "officer",
            "active": False,
            "session_token": "token-officer",
            "failed_logins": 5,
            "locked_until": LATER,
        },
    )
    filled.add("user_territory", {"user_id": 2, "territory_code": FIGUIG})
    filled.add(
        "audit_entry",
        {
            "id": 1,
            "entity": "measure",
            "entity_id": 1,
            "territory_code": FIGUIG,
            "action": "create",
            "user_id": 2,
            "at": AT,
            "version": 1,
            "changes": {"title": [None, "Cours d'arabe"], "sectors": [[], ["health", "housing"]]},
        },
        {
            "id": 2,
            "entity": "measure",
            "entity_id": 1,
            "territory_code": FIGUIG,
            "action": "return",
            "user_id": 1,
            "at": LATER,
            "version": 2,
            "changes": {},
            "comment": "Précisez le budget, s'il vous plaît.",
        },
    )
    dated = {"created_at": AT, "updated_at": LATER, "version": 1}
    filled.add(
        "organisation",
        {
            **dated,
            "id": 1,
            "name": "Association Figuig Solidarité",
            "kind": "association",
            "country": "MA",
            "website": "https://example.org/figuig",
            "created_by_id": 2,
        },
        {**dated, "id": 2, "name": "جمعية الأمل للتنمية", "kind": "association", "country": "MA"},
        {
            **dated,
            "id": 3,
            "name": "OIM",
            "kind": "international",
            "country": "CH",
            "deleted_at": LATER,
            "version": 3,
        },
    )
    filled.add(
        "programme",
        {
            **dated,
            "id": 1,
            "territory_code": FIGUIG,
            "kind": "PAC",
            "title": "Plan d'action communal 2023-2028",
            "first_year": 2023,
            "last_year": 2028,
            "adopted_on": date(2023, 3, 15),
            "integration": "explicit",
            "reference": "Délibération 12/2023",
            "review_state": "validated",
        },
        {
            **dated,
            "id": 2,
            "territory_code": REGION,
            "kind": "PDR",
            "title": "برنامج التنمية الجهوية",
            "first_year": 2022,
            "last_year": 2027,
            "integration": "none",
            "review_state": "returned",
            "review_comment": "Ajoutez l'acte.",
            "deleted_at": LATER,
        },
    )
    filled.add(
        "measure",
        {
            **dated,
            "id": 1,
            "reference": "FIG-001",
            "territory_code": FIGUIG,
            "programme_id": 1,
            "title": "Cours d'arabe et de darija",
            "description": "Trois groupes par semaine.\nأفواج للنساء.",
            "kind": "service",
            "target_groups": ["migrants", "refugees"],
            "status": "ongoing",
            "start_date": date(2024, 1, 8),
            "end_date": date(2024, 12, 31),
            "budget_planned": Decimal("150000.50"),
            "budget_spent": Decimal("99999.99"),
            "overspend_reason": None,
            "funding_sources": ["commune", "international"],
            "beneficiaries_total": 120,
            "beneficiaries_women": 70,
            "beneficiaries_men": 50,
            "beneficiaries_minors": 30,
            "progress": 40,
            "evidence": "Registre des présences",
            "latitude": Decimal("32.123456"),
            "longitude": Decimal("-1.234567"),
            "review_state": "validated",
            "version": 2,
        },
        {
            **dated,
            "id": 2,
            "territory_code": BOUARFA,
            "title": "Cellule d'accueil",
            "kind": "structure",
            "target_groups": [],
            "status": "planned",
            "funding_sources": [],
            "review_state": "draft",
        },
    )
    filled.add(
        "measure_sector",
        {"measure_id": 1, "sector_key": "health"},
        {"measure_id": 1, "sector_key": "housing"},
        {"measure_id": 2, "sector_key": "local_extra"},
    )
    filled.add(
        "measure_organisation",
        {"measure_id": 1, "organisation_id": 1},
        {"measure_id": 1, "organisation_id": 2},
        {"measure_id": 2, "organisation_id": 3},
    )


def _actor(filled: Filled) -> None:
    filled.column("audit_entry", "actor")
    filled.add(
        "audit_entry",
        {
            "id": 3,
            "entity": "programme",
            "entity_id": 1,
            "territory_code": FIGUIG,
            "action": "update",
            "actor": "command_line",
            "at": LATER,
            "version": 2,
            "changes": {"title": ["PAC", "Plan d'action communal 2023-2028"]},
        },
    )


def _organisation_names(filled: Filled) -> None:
    for row in filled.rows["organisation"]:
        name = row.pop("name")
        arabic = any("\u0600" <= c <= "\u06ff" for c in name)
        row["name_fr"], row["name_ar"] = (None, name) if arabic else (name, None)
    dated = {"created_at": AT, "updated_at": AT, "version": 1, "country": "MA"}
    filled.add(
        "organisation",
        {
            **dated,
            "id": 4,
            "name_fr": "Entraide nationale",
            "name_ar": "التعاون الوطني",
            "kind": "state",
        },
        {**dated, "id": 5, "name_ar": "جمعية الواحة", "kind": "association"},
    )


def _assessments(filled: Filled) -> None:
    dated = {"created_at": AT, "updated_at": LATER, "version": 1, "indicator_version": 1}
    filled.add(
        "assessment",
        {**dated, "id": 1, "territory_code": FIGUIG, "year": 2025, "review_state": "validated"},
        {
            **dated,
            "id": 2,
            "territory_code": FIGUIG,
            "year": 2025,
            "review_state": "draft",
            "deleted_at": LATER,
        },
        {
            **dated,
            "id": 3,
            "territory_code": BOUARFA,
            "year": 2024,
            "review_state": "returned",
            "review_comment": "Q2 ?",
            "version": 4,
        },
    )
    filled.add(
        "assessment_answer",
        {
            "id": 1,
            "assessment_id": 1,
            "question_key": "Q1",
            "points": 3,
            "not_applicable": False,
            "evidence_text": "Délibération du conseil",
            "evidence_reference": "Dél. 7/2025",
            "evidence_url": "https://example.org/deliberation-7",
        },
        {"id": 2, "assessment_id": 1, "question_key": "Q2", "points": None, "not_applicable": True},
        {"id": 3, "assessment_id": 3, "question_key": "Q10", "points": 0, "not_applicable": False},
    )
    filled.add(
        "assessment_answer_measure",
        {"assessment_answer_id": 1, "measure_id": 1},
        {"assessment_answer_id": 1, "measure_id": 2},
    )


def _precision(row) -> str | None:
    return None if row is None else "day"


def _date_precision(filled: Filled) -> None:
    filled.column("measure", "start_date_precision", lambda row: _precision(row["start_date"]))
    filled.column("measure", "end_date_precision", lambda row: _precision(row["end_date"]))
    measure = dict(filled.rows["measure"][1], id=3, title="Semaine de l'accueil")
    measure.update(start_date=date(2025, 1, 1), start_date_precision="year")
    measure.update(end_date=date(2025, 3, 31), end_date_precision="month")
    filled.add("measure", measure)


def _attachments(filled: Filled) -> None:
    documents = [
        (1, "délibération 12.pdf", "application/pdf", DOCUMENT),
        (2, "photo.png", "image/png", PICTURE),
    ]
    filled.add(
        "attachment",
        *(
            {
                "id": i,
                "file_name": name,
                "media_type": kind,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "created_at": AT,
                "created_by_id": 2,
            }
            for i, name, kind, data in documents
        ),
    )
    filled.add("measure_attachment", {"measure_id": 1, "attachment_id": 1})
    filled.add("assessment_answer_attachment", {"assessment_answer_id": 1, "attachment_id": 2})


def _good_practices(filled: Filled) -> None:
    for column in ("good_practice_note", "good_practice_at", "good_practice_by_id"):
        filled.column("measure", column)
    table = filled.tables["measure"]
    marked = {
        "good_practice_note": "Des horaires adaptés aux femmes.",
        "good_practice_at": LATER,
        "good_practice_by_id": 1,
    }
    filled.conn.execute(table.update().where(table.c.id == 1).values(**marked))
    filled.rows["measure"][0].update(marked)


def _sign_in_attempts(filled: Filled) -> None:
    # Accounts there already are not asked to change their password.
    filled.column("user", "must_change_password", lambda row: False)
    filled.add(
        "sign_in_attempt",
        {"id": 1, "email": "figuig@example.org", "address": "192.0.2.7", "at": LATER},
        {"id": 2, "email": "inconnu@example.org", "address": "2001:db8:1::", "at": LATER},
    )
    table = filled.tables["user"]
    second = filled.rows["user"][1]
    filled.conn.execute(
        table.update().where(table.c.id == second["id"]).values(must_change_password=True)
    )
    second["must_change_password"] = True


def _notifications(filled: Filled) -> None:
    # Accounts there already write in French until they use another language.
    filled.column("user", "language", lambda row: "fr")
    filled.column("user", "last_seen_at")
    filled.column("user", "previous_visit_at")
    table = filled.tables["user"]
    seen = {"language": "ar", "last_seen_at": LATER, "previous_visit_at": AT}
    first = filled.rows["user"][0]
    filled.conn.execute(table.update().where(table.c.id == first["id"]).values(**seen))
    first.update(seen)


# What each revision introduced, as data; a revision of indexes only adds none.
STEPS = {
    "0001": _territories,
    "0002": _records,
    "0003": None,
    "0004": _actor,
    "0005": None,
    "0006": _organisation_names,
    "0009": _assessments,
    "0010": _date_precision,
    "0011": _attachments,
    "0012": _good_practices,
    "0013": _sign_in_attempts,
    "0014": _notifications,
    "0015": None,
}


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
