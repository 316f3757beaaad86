"""Fixtures shared by the whole suite: a fresh app per test, its client and runner, the
demo data, a factory of validated measures and accounts that sign in through the form.

The territories are loaded once per session into a template database (and the demo data
into a copy of it), which each test copies, so every test starts from the same full
country. Plain helpers live in `tests/support.py`: no test module imports another.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest

from tests.support import (
    BOUARFA,
    FIGUIG,
    TANGER,
    csrf_token,
    dispose,
    make_validated_measure,
    name_of,
)
from tracker import create_app
from tracker.cli import upgrade_database
from tracker.territories import load_territories


def _square(lon: float, lat: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


# A small stand-in for the boundary cache: real codes, made-up squares.
FAKE_LAYERS = {
    "region": [
        ("02", "Oriental", "الشرق", None, _square(-3.0, 32.0, 2.0)),
        ("01", "Tanger-Tétouan-Al Hoceima", "طنجة-تطوان-الحسيمة", None, _square(-6.0, 35.0, 1.0)),
        ("05", "Béni Mellal-Khénifra", "بني ملال-خنيفرة", None, _square(-7.0, 32.0, 1.0)),
        ("03", "Fès-Meknès", "فاس-مكناس", None, _square(-5.0, 33.0, 1.0)),
    ],
    "province": [
        ("02.251", "Figuig", "فجيج", "02", _square(-2.0, 32.0, 1.0)),
    ],
    "commune": [
        ("02.251.01.03", "Figuig", "فجيج", "02.251", _square(-1.3, 32.0, 0.2)),
        ("02.251.01.01", "Bouarfa", "بوعرفة", "02.251", _square(-2.0, 32.4, 0.2)),
    ],
}


def write_fake_geography(folder: Path) -> Path:
    """Write the small stand-in boundary cache into `folder`."""
    from geo.cache import layer_path

    folder.mkdir(parents=True, exist_ok=True)
    for level, rows in FAKE_LAYERS.items():
        features = [
            {
                "type": "Feature",
                "properties": {"code": c, "name_fr": fr, "name_ar": ar, "parent_code": p},
                "geometry": g,
            }
            for c, fr, ar, p, g in rows
        ]
        layer_path(folder, level).write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )
    return folder


class Databases:
    """Makes a fresh database per test from a template, on SQLite (the default) or on
    PostgreSQL when `DATABASE_URL` names a PostgreSQL server (with a role that may
    create databases), so the whole suite runs on both."""

    def __init__(self, folder: Path):
        self.folder = folder
        url = os.environ.get("DATABASE_URL", "")
        self.server = None
        if url.startswith(("postgres://", "postgresql")):
            from sqlalchemy.engine import make_url

            self.server = (
                make_url(url)
                .set(drivername="postgresql+psycopg")
                .render_as_string(hide_password=False)
            )
        self.made: list[str] = []

    @property
    def postgres(self) -> bool:
        return bool(self.server)

    def _admin(self):
        import sqlalchemy

        return sqlalchemy.create_engine(self.server, isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> str:
        if self.postgres:
            from sqlalchemy.engine import make_url

            return make_url(self.server).set(database=name).render_as_string(hide_password=False)
        return f"sqlite:///{self.folder / (name + '.sqlite3')}"

    def copy(self, source: str, name: str | None = None) -> str:
        """A new database holding what `source` (a name made here) holds; returns its URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            engine.dispose()
        else:
            shutil.copy(self.folder / f"{source}.sqlite3", self.folder / f"{name}.sqlite3")
        self.made.append(name)
        return self.url(name)

    def create(self, name: str) -> str:
        """A new empty database; returns its URL."""
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            engine.dispose()
        self.made.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        if self.postgres:
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine.dispose()
        else:
            (self.folder / f"{name}.sqlite3").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    for name in made.made:
        made.drop(name)


@pytest.fixture(scope="session")
def template_database(databases, tmp_path_factory) -> str:
    """The name of a database with the schema and every territory, made once per session."""
    name = f"tmpl_{uuid.uuid4().hex[:8]}"
    url = databases.create(name)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "GEO_CACHE_DIR": str(tmp_path_factory.mktemp("nogeo")),
        }
    )
    with app.app_context():
        upgrade_database()
        load_territories()
    dispose(app)
    return name


@pytest.fixture
def database_url(databases, template_database):
    """A fresh copy of the template database for one test; dropped afterwards."""
    url = databases.copy(template_database)
    yield url
    databases.drop(name_of(url))


@pytest.fixture(scope="session")
def demo_database(databases, template_database, tmp_path_factory) -> str:
    """The name of a copy of the template database with the demo data loaded, made once
    per session; tests read it through a copy (`demo_database_url`), never write to it."""
    from tracker.demo import load_demo
    from tracker.extensions import db

    url = databases.copy(template_database, name=f"demo_{uuid.uuid4().hex[:8]}")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "GEO_CACHE_DIR": str(tmp_path_factory.mktemp("nogeo")),
        }
    )
    with app.app_context():
        load_demo(progress=lambda line: None)
        # Return the connection to the pool, so disposing closes it and the copy is complete.
        db.session.remove()
    dispose(app)
    return name_of(url)


@pytest.fixture
def demo_database_url(databases, demo_database):
    """A fresh copy of the demo database for one test; dropped afterwards. A module whose
    every test reads the demo data overrides `database_url` with it."""
    url = databases.copy(demo_database)
    yield url
    databases.drop(name_of(url))


@pytest.fixture
def fake_layers() -> dict:
    """The stand-in boundaries, level by level: (code, French name, Arabic name, parent
    code, GeoJSON geometry)."""
    return FAKE_LAYERS


@pytest.fixture
def fake_geography(tmp_path) -> Path:
    """A folder holding the stand-in boundary cache, for this test."""
    return write_fake_geography(tmp_path / "geography")


@pytest.fixture
def app(database_url, fake_geography):
    """A fresh application on a copy of the template database, with the stand-in geography."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    """A browser that asks for English pages unless a test says otherwise."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def validated_measure(app):
    """A function that records a validated measure in the test's app, as the app would:
    `validated_measure(code, title, author=email, **fields)` returns its id (see
    `tests.support.make_validated_measure`)."""

    def make(territory_code: str, title: str = "Mesure", **fields) -> int:
        return make_validated_measure(app, territory_code, title, **fields)

    return make


@pytest.fixture(scope="session")
def national_build(tmp_path_factory):
    """The real national boundary cache, built once per session from the installed packages:
    (folder, report, progress lines, seconds)."""
    import time

    import geo

    out_dir = tmp_path_factory.mktemp("national") / "geography"
    lines: list[str] = []
    started = time.perf_counter()
    report = geo.build_geography(out_dir, lines.append)
    return out_dir, report, lines, time.perf_counter() - started


@pytest.fixture(scope="session")
def national_geography(national_build) -> Path:
    """The folder of the real national boundary cache."""
    return national_build[0]


class Accounts:
    """Creates accounts and signs them in through the real login form."""

    PASSWORD = "correct horse battery staple"

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def create(self, email: str, role: str, territories=()) -> int:
        from tracker.accounts import create_user
        from tracker.extensions import db

        with self.app.app_context():
            user = create_user(email, self.PASSWORD, role, territories)
            db.session.commit()
            return user.id

    def login(self, email: str, password: str | None = None):
        token = csrf_token(self.client, "/login")
        return self.client.post(
            "/login",
            data={"email": email, "password": password or self.PASSWORD, "csrf_token": token},
        )

    def logout(self):
        token = csrf_token(self.client, "/work")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def accounts(app, client):
    return Accounts(app, client)


# ---- known measures: the figures every metric should give are worked out from them ----------


# (collectivity, sectors, status, start, end, planned, spent, beneficiaries, validated)
KNOWN_MEASURES = [
    (FIGUIG, ["health"], "completed", "2023-01-01", "2023-12-31", "10000", "9000", 40, True),
    (FIGUIG, ["health", "housing"], "ongoing", "2024-03-01", None, "5000", "1000", 3, True),
    (BOUARFA, ["employment"], "planned", "2025-01-01", "2025-12-31", "20000", None, None, True),
    (
        "02",
        ["governance_communication"],
        "ongoing",
        "2022-01-01",
        "2027-12-31",
        "100000",
        "30000",
        200,
        True,
    ),
    (TANGER, ["health"], "completed", "2023-05-01", "2023-06-30", "1000", "1000", 10, True),
    (FIGUIG, ["youth_leisure"], "ongoing", "2024-01-01", None, "999999", None, 500, False),  # draft
]


@pytest.fixture
def known(app):
    """The app with `KNOWN_MEASURES` saved by an admin (admin@example.org), all but the
    last validated."""
    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        admin = create_user("admin@example.org", "a long admin password", "admin")
        for code, sectors, status, start, end, planned, spent, people, validated in KNOWN_MEASURES:
            m = service.save_measure(
                admin,
                {
                    "territory_code": code,
                    "title": f"Mesure {code}",
                    "kind": "service",
                    "status": status,
                    "sectors": sectors,
                    "start_date": start,
                    "end_date": end,
                    "budget_planned": planned,
                    "budget_spent": spent,
                    "beneficiaries_total": people,
                },
            )
            if validated:
                service.transition(admin, "measure", m, "submit")
                service.transition(admin, "measure", m, "validate")
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def matrix_database(databases, template_database):
    """The database the permission tests copy, made once per session: its name and the ids
    of the records it holds (see `tests.permissions_support.build_matrix_database`)."""
    from tests.permissions_support import build_matrix_database

    return build_matrix_database(databases, template_database)
