"""Loading the illustrative pilot dataset into a database without it: the setting that
says it is loaded, nothing kept when a step fails, its communes found by name, and the
`demo load` command, which prints the accounts and refuses, unless asked, to load in
production or into a database other than the embedded SQLite."""

from __future__ import annotations

import pytest

from tests.demo_support import app_on
from tests.demo_support import demo_measures as _demo_measures
from tests.demo_support import table_counts as _counts
from tests.support import FIGUIG, dispose
from tracker.demo import (
    COMMUNES,
    DEMO_PASSWORD,
    MEASURES,
    Collectivity,
    DemoError,
    demo_cli,
    demo_loaded,
    load_demo,
    resolve_collectivity,
)
from tracker.records import service


def test_demo_loaded_flips(app):
    with app.app_context():
        assert not demo_loaded()
        lines: list[str] = []
        result = load_demo(progress=lines.append)
        assert demo_loaded()
        assert lines and result.lines()
        assert any("Measures" in line for line in result.lines())


def test_an_error_rolls_everything_back(app, monkeypatch):
    real = service.transition
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 30:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "transition", failing)
    with app.app_context():
        before = _counts()
        with pytest.raises(RuntimeError):
            load_demo(progress=lambda line: None)
        assert _counts() == before
        assert not demo_loaded()


def test_every_demo_commune_is_found_by_name(app):
    with app.app_context():
        codes = {c.slug: resolve_collectivity(c).code for c in COMMUNES}
        assert codes["figuig"] == FIGUIG
        assert codes["oujda"].startswith("02.411.")
        with pytest.raises(DemoError, match="Territory not found"):
            resolve_collectivity(
                Collectivity("x", "02", "02.251", "Nowhere", "absent", "2023-01-01")
            )


# ---- the command ------------------------------------------------------------------------


def _with_demo_command(app):
    if "demo" not in app.cli.commands:
        app.cli.add_command(demo_cli)
    return app.test_cli_runner()


def _load_args(databases) -> list[str]:
    """`demo load`, forced when the suite runs on PostgreSQL (a configured deployment)."""
    return ["demo", "load"] + (["--yes-in-production"] if databases.postgres else [])


def test_command_loads_and_prints_the_accounts(app, databases):
    runner = _with_demo_command(app)
    result = runner.invoke(args=_load_args(databases))
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    assert "figuig.officer@example.org" in result.output
    assert "oriental.coordinator@example.org" in result.output
    assert "Measures:" in result.output
    again = runner.invoke(args=_load_args(databases))
    assert again.exit_code == 0
    assert "already loaded" in again.output
    with app.app_context():
        assert demo_loaded()


@pytest.fixture
def production_app(tmp_path, database_url):
    app = app_on(database_url, tmp_path, ENV_NAME="production", SECRET_KEY="x" * 40)
    yield app
    dispose(app)


def test_command_refuses_in_production_unless_asked(production_app):
    runner = _with_demo_command(production_app)
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code == 1
    assert "production" in refused.output and "--yes-in-production" in refused.output
    with production_app.app_context():
        assert not demo_loaded()
        assert not _demo_measures()

    loaded = runner.invoke(args=["demo", "load", "--yes-in-production"])
    assert loaded.exit_code == 0, loaded.output
    with production_app.app_context():
        assert demo_loaded()
        assert len(_demo_measures()) == len(MEASURES)


def test_command_refuses_a_database_other_than_sqlite_unless_asked(app, databases, monkeypatch):
    if not databases.postgres:
        # On the SQLite run, pretend: the check reads only the database's kind.
        monkeypatch.setattr("tracker.demo.command.database_backend", lambda: "postgresql")
    runner = _with_demo_command(app)
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code == 1
    assert "postgresql, not the embedded SQLite" in refused.output
    assert "--yes-in-production" in refused.output
    with app.app_context():
        assert not demo_loaded()
    forced = runner.invoke(args=["demo", "load", "--yes-in-production"])
    assert forced.exit_code == 0, forced.output
    assert "Warning" in forced.output
    with app.app_context():
        assert demo_loaded()
