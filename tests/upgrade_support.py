"""What the upgrade tests share: the rows a database filled through the migrations must
give back, written table by table against the tables as the current revision has them
(reflected), followed through the columns a migration adds and a downgrade drops, and
compared, every column of every row, with what the database holds; and the rows of the
two oldest revisions, the territories and the records every later one builds on."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import MetaData, insert, select

from tests.support import BOUARFA, FIGUIG
from tracker import MIGRATIONS_DIR

PROVINCE, REGION = "02.251", "02"
AT = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)
LATER = datetime(2026, 11, 2, 17, 5, 0, tzinfo=UTC)


def snia_sectors() -> list[dict]:
    path = next((MIGRATIONS_DIR / "versions").glob("0002_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SNIA_SECTORS


def plain(value):
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
                tuple(row[k] for k in key): {c: plain(v) for c, v in row.items()}
                for row in self.conn.execute(select(table)).mappings()
            }
            wanted = {
                tuple(row[k] for k in key): {c: plain(v) for c, v in row.items()}
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


def territories(filled: Filled) -> None:
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


def records(filled: Filled) -> None:
    filled.rows["sector"] = [dict(s) for s in snia_sectors()]  # written by the migration
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
