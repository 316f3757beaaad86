"""`/healthz`: what a load balancer or a reverse proxy asks before sending users to a server."""

from __future__ import annotations

import pytest

from tests.support import dispose
from tracker import create_app

HEALTHY = {"status": "ok", "database": "ok", "boundaries": "ok"}


def _app(database_url: str, geography) -> object:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEO_CACHE_DIR": str(geography),
            "MAP_TILES_URL": None,
        }
    )


def _health(app):
    try:
        response = app.test_client().get("/healthz")
    finally:
        dispose(app)
    return response


def test_a_healthy_server_answers_ok_uncached_and_without_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == HEALTHY
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_the_answer_names_no_version_or_server(client):
    response = client.get("/healthz")
    body = response.get_data(as_text=True).lower()
    for word in ("version", "werkzeug", "flask", "python", "sqlite", "postgres", "secret"):
        assert word not in body
    assert "Server" not in response.headers


def test_a_database_that_cannot_be_opened_answers_503(fake_geography, tmp_path):
    missing = tmp_path / "no such folder" / "tracker.sqlite3"
    response = _health(_app(f"sqlite:///{missing}", fake_geography))
    assert response.status_code == 503
    assert response.get_json() == {"status": "failed", "database": "failed", "boundaries": "ok"}
    assert "no such folder" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_server_that_does_not_answer_is_named_but_not_its_password(fake_geography):
    url = "postgresql+psycopg://tracker:s3cret-pw@127.0.0.1:1/tracker?connect_timeout=2"
    response = _health(_app(url, fake_geography))
    assert response.status_code == 503
    assert response.get_json()["database"] == "failed"
    body = response.get_data(as_text=True)
    assert "s3cret-pw" not in body
    assert "127.0.0.1" not in body


def test_a_database_without_the_schema_answers_503(fake_geography, tmp_path):
    response = _health(_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", fake_geography))
    assert response.status_code == 503
    assert response.get_json() == {"status": "failed", "database": "failed", "boundaries": "ok"}


def test_boundaries_not_built_answer_503(database_url, tmp_path):
    empty = tmp_path / "geography"
    empty.mkdir()
    response = _health(_app(database_url, empty))
    assert response.status_code == 503
    assert response.get_json() == {"status": "failed", "database": "ok", "boundaries": "failed"}
    assert str(empty) not in response.get_data(as_text=True)


@pytest.mark.parametrize("level", ["region", "province", "commune"])
def test_one_missing_layer_answers_503(database_url, fake_geography, level):
    (fake_geography / f"{level}.geojson").unlink()
    response = _health(_app(database_url, fake_geography))
    assert response.status_code == 503
    assert response.get_json() == {"status": "failed", "database": "ok", "boundaries": "failed"}


def test_both_failing_are_both_named(tmp_path):
    empty = tmp_path / "geography"
    empty.mkdir()
    response = _health(_app(f"sqlite:///{tmp_path / 'nothing' / 'x.sqlite3'}", empty))
    assert response.status_code == 503
    assert response.get_json() == {"status": "failed", "database": "failed", "boundaries": "failed"}


def test_the_server_recovers_once_the_boundaries_are_built(app, client, fake_geography):
    layer = fake_geography / "commune.geojson"
    kept = layer.read_bytes()
    layer.unlink()
    assert client.get("/healthz").status_code == 503
    layer.write_bytes(kept)
    assert client.get("/healthz").get_json() == HEALTHY
