"""Fixtures shared by the whole suite: a fresh app per test, its client and runner.

The territories are loaded once per session into a template SQLite database,
which each test copies, so every test starts from the same full country.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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
        (folder / f"{level}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )
    return folder


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Path:
    """A SQLite database with the schema and every territory, made once per session."""
    path = tmp_path_factory.mktemp("template") / "tracker.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "GEO_CACHE_DIR": str(tmp_path_factory.mktemp("nogeo")),
        }
    )
    with app.app_context():
        upgrade_database()
        load_territories()
        from tracker.extensions import db

        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, template_database):
    """A fresh application on a copy of the template database, with the stand-in geography."""
    db_path = tmp_path / "tracker.sqlite3"
    shutil.copy(template_database, db_path)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "GEO_CACHE_DIR": str(write_fake_geography(tmp_path / "geography")),
            "MAP_TILES_URL": None,
        }
    )
    yield app
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def national_geography(tmp_path_factory) -> Path:
    """The real national boundary cache, built once per session from the installed packages."""
    import geo

    out_dir = tmp_path_factory.mktemp("national") / "geography"
    geo.build_geography(out_dir, progress=lambda line: None)
    return out_dir
