"""Deploying: the HTTPS setting, the number of proxies trusted, and gunicorn serving the
application with `gunicorn.conf.py`."""

from __future__ import annotations

import json
import logging
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import LogLines, dispose
from tracker import create_app
from tracker.ops import after_fork, warm_up

ROOT = Path(__file__).resolve().parent.parent
PROFILE = "/territories/02.251.01.03/profile"


@pytest.fixture
def make_app(database_url, fake_geography):
    made = []

    def make(**settings):
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "GEO_CACHE_DIR": str(fake_geography),
                "MAP_TILES_URL": None,
                **settings,
            }
        )
        made.append(app)
        return app

    yield make
    for app in made:
        dispose(app)


@pytest.fixture
def log():
    handler = LogLines()
    logger = logging.getLogger("tracker.requests")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_behind_one_proxy_its_client_address_and_scheme_are_believed(make_app, log):
    client = make_app(PROXIES=1).test_client()
    page = client.get(PROFILE, headers=FORWARDED).get_data(as_text=True)
    assert "https://localhost/methodology" in page
    assert "addr=203.0.113.7" in log[-1]


def test_only_the_last_proxys_address_is_believed(make_app, log):
    client = make_app(PROXIES=1).test_client()
    client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert "addr=203.0.113.7" in log[-1]


def test_without_proxies_forwarded_headers_are_ignored(make_app, log):
    client = make_app().test_client()
    page = client.get(PROFILE, headers=FORWARDED).get_data(as_text=True)
    assert "http://localhost/methodology" in page
    assert "https://" not in re.sub(r"https://tile[^\"' ]*", "", page.split("<body", 1)[1])
    assert "addr=127.0.0.1" in log[-1]
    assert "203.0.113.7" not in log[-1]


def test_the_number_of_proxies_is_read_from_the_environment(monkeypatch, make_app, log):
    monkeypatch.setenv("TRACKER_PROXIES", "1")
    client = make_app().test_client()
    client.get("/healthz", headers=FORWARDED)
    assert "addr=203.0.113.7" in log[-1]


def test_a_negative_number_of_proxies_is_refused(make_app):
    with pytest.raises(ValueError, match="PROXIES"):
        make_app(PROXIES=-1)


def test_https_makes_the_cookies_secure_and_sends_hsts(make_app):
    app = make_app(HTTPS=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.test_request_context("/"):
        from flask import url_for

        assert url_for("public.home", _external=True).startswith("https://")


def test_without_https_no_hsts_and_plain_cookies(make_app):
    response = make_app().test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def test_https_is_read_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("TRACKER_HTTPS", "true")
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "Strict-Transport-Security" in app.test_client().get("/healthz").headers


def test_a_forked_worker_drops_the_inherited_connections_and_still_answers(make_app):
    app = make_app()
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    after_fork(app)
    assert client.get("/healthz").status_code == 200


def _grouped_by_collectivity(app, path: str) -> list[str]:
    """The statements that reading `path` ran which group measures by collectivity."""
    from sqlalchemy import event

    from tracker.extensions import db

    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", seen)
    return [s for s in statements if "GROUP BY measure.territory_code" in s]


def test_after_the_warm_up_the_first_pages_read_no_measure_again(known, make_app):
    # Without it, the first page reads the measures of every collectivity...
    assert _grouped_by_collectivity(known, "/territories/02?lang=fr")
    # ... which a server warmed up has read before its first visitor.
    warmed = make_app()
    assert warm_up(warmed) >= 0
    for path in ("/territories/02?lang=fr", "/territories/02.251?lang=ar", "/compare?level=region"):
        assert _grouped_by_collectivity(warmed, path) == [], path


def test_the_warm_up_of_a_server_whose_database_does_not_answer_is_skipped(tmp_path, caplog):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'tracker.sqlite3'}",
            "GEO_CACHE_DIR": str(tmp_path),
        }
    )
    with caplog.at_level(logging.WARNING):
        assert warm_up(app) is None  # and raises nothing
    assert "Warm-up skipped" in caplog.text


def _settings(monkeypatch, **environment) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_settings_have_sane_defaults(monkeypatch):
    settings = _settings(monkeypatch)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert 1 <= settings["workers"] <= 8
    assert settings["workers"] == min(2 * os.cpu_count() + 1, 8)
    assert settings["accesslog"] is None
    assert settings["timeout"] == 60
    assert settings["wsgi_app"] == "tracker:create_app()"


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    settings = _settings(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:9000,[::1]:9000",
        GUNICORN_WORKERS="3",
        GUNICORN_TIMEOUT="20",
    )
    assert settings["bind"] == ["0.0.0.0:9000", "[::1]:9000"]
    assert settings["workers"] == 3
    assert settings["timeout"] == 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(database_url, fake_geography, tmp_path):
    """gunicorn serving the app with gunicorn.conf.py on a free loopback port, 2 workers:
    (its address, a function giving what it wrote to its error log so far)."""
    port = _free_port()
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TRACKER_", "GUNICORN_")) and name not in ("SECRET_KEY",)
    }
    environment.update(
        DATABASE_URL=database_url,
        TRACKER_GEO_CACHE_DIR=str(fake_geography),
        TRACKER_MAP_TILES_URL="",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    errors = tmp_path / "gunicorn.log"
    with errors.open("wb") as stream:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(address + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + errors.read_text(errors="replace"))
            time.sleep(0.3)
        yield address, lambda: errors.read_text(errors="replace")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_serves_the_health_check_and_public_pages(gunicorn, fake_geography):
    address, output = gunicorn
    status, headers, body = _get(address + "/healthz", {"X-Request-ID": "probe-1"})
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "boundaries": "ok"}
    assert headers["X-Request-ID"] == "probe-1"
    status, headers, body = _get(address + "/territories/02?lang=fr")
    assert status == 200
    assert "Oriental" in body.decode()
    assert "base-uri 'none'" in headers["Content-Security-Policy"]
    status, _, _ = _get(address + "/map?lang=en")
    assert status == 200
    deadline = time.monotonic() + 5
    while "path=/map status=200" not in output() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = output()
    assert re.search(r"Warmed up in [0-9.]+ s", log)  # before the workers were forked
    assert "id=probe-1 method=GET path=/healthz status=200" in log
    assert "path=/territories/02 status=200" in log
    assert "lang=fr" not in log
    # gunicorn's own access log is off: the application's line is the only one per request.
    assert log.count("/territories/02") == 1
    # With PROXIES at 0, neither the app nor gunicorn believes a forwarded scheme.
    status, _, body = _get(address + PROFILE, FORWARDED)
    assert status == 200
    assert f"{address}/methodology" in body.decode()
    # A server whose boundaries went missing is taken out of the proxy's rotation.
    (fake_geography / "commune.geojson").unlink()
    status, headers, body = _get(address + "/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "failed", "database": "ok", "boundaries": "failed"}
    assert headers["Cache-Control"] == "no-store"
