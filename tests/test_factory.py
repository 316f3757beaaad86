"""The application factory and its layered configuration."""

import pytest

from tracker import InsecureConfiguration, create_app


def test_test_config_overrides_defaults(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost/tracker")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    # psycopg 3 is the driver for PostgreSQL URLs.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@localhost/tracker"


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production"})


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    app = create_app({"ENV_NAME": "production"})
    assert app.config["SECRET_KEY"] == "a-long-random-production-secret"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('PILOT_COMMUNE = "01.511.01.01"\n')
    from flask import Flask

    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    app = create_app()
    assert app.config["PILOT_COMMUNE"] == "01.511.01.01"


@pytest.mark.parametrize(
    ("text", "shown"), [("false", False), ("0", False), ("no", False), ("true", True), ("1", True)]
)
def test_environment_booleans_mean_what_they_say(monkeypatch, text, shown):
    monkeypatch.setenv("TRACKER_PUBLIC_SHOW_SUBMITTED", text)
    monkeypatch.setenv("TRACKER_SMALL_COUNT_THRESHOLD", "10")
    app = create_app()
    assert app.config["PUBLIC_SHOW_SUBMITTED"] is shown
    assert app.config["SMALL_COUNT_THRESHOLD"] == 10


def test_an_unreadable_environment_setting_is_named(monkeypatch):
    monkeypatch.setenv("TRACKER_PUBLIC_SHOW_SUBMITTED", "perhaps")
    with pytest.raises(ValueError, match="TRACKER_PUBLIC_SHOW_SUBMITTED"):
        create_app()
