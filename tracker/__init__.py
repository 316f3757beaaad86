"""The territorial migration-integration tracker: a Flask application.

`create_app` builds the application from layered configuration: the defaults in
`tracker.config`, then `instance/config.py`, then the environment (`SECRET_KEY`,
`DATABASE_URL`, `TRACKER_*`), then the mapping a test passes in.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from tracker import config as default_config
from tracker.extensions import babel, compress, csrf, db, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


class InsecureConfiguration(RuntimeError):
    """Raised when a production configuration still carries a development secret."""


def _template_folder() -> str:
    """Where the Jinja templates are.

    A plain install copies the repository's top-level `templates/` into the
    package; an editable install or a checkout reads it in place.
    """
    installed = PACKAGE_DIR / "templates"
    if (installed / "base.html").exists():
        return str(installed)
    return str(PACKAGE_DIR.parent / "templates")


def _apply_environment(app: Flask) -> None:
    """Overlay the settings given in the environment."""
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for key, value in os.environ.items():
        if key.startswith("TRACKER_"):
            name = key[len("TRACKER_") :]
            app.config[name] = _typed_like(app.config.get(name), value, key)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _typed_like(default: Any, value: str, key: str) -> Any:
    """`value` from the environment, read as a boolean or a number where the setting's
    default is one (`TRACKER_PUBLIC_SHOW_SUBMITTED=false` must mean false).

    Raises `ValueError` naming `key` when the text cannot be read so.
    """
    if isinstance(default, bool):
        word = value.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise ValueError(f"{key} must be true or false, not {value!r}.")
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{key} must be a whole number, not {value!r}.") from None
    return value


def _check_secret(app: Flask) -> None:
    """Refuse to serve production traffic signed with the development secret."""
    if app.config.get("ENV_NAME") == "production" and (
        not app.config.get("SECRET_KEY")
        or app.config["SECRET_KEY"] == default_config.DEV_SECRET_KEY
    ):
        raise InsecureConfiguration(
            "SECRET_KEY is the development secret: set SECRET_KEY in the environment "
            "or in instance/config.py before running in production."
        )


class RecordId(IntegerConverter):
    """`<int:...>` in every route: a record id, no larger than the id columns hold
    (32-bit on PostgreSQL), so a larger number is an unknown page (404), not an
    overflow in the database driver."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build and configure the application.

    Raises `InsecureConfiguration` when `ENV_NAME` is "production" and the
    secret key is missing or still the development one.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_template_folder(),
    )
    app.url_map.converters["int"] = RecordId
    app.config.from_object(default_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "tracker.sqlite3"
    )
    app.config["GEO_CACHE_DIR"] = os.path.join(app.instance_path, "geography")
    app.config.from_pyfile("config.py", silent=True)
    _apply_environment(app)
    if test_config is not None:
        app.config.from_mapping(test_config)
    _check_secret(app)

    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    compress.init_app(app)
    csrf.init_app(app)
    from tracker import auth_setup

    auth_setup.init_app(app)

    from tracker import i18n

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    i18n.init_app(app)

    from tracker import ops, security

    ops.init_app(app)
    security.init_app(app)

    from tracker import notifications

    notifications.init_app(app)

    from tracker import admin, api, auth, compare, exports, maps, public, records, review

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(maps.bp)
    app.register_blueprint(api.bp)
    from tracker import attachments, good_practices
    from tracker.assessment import bp as assessment_bp

    app.register_blueprint(assessment_bp)
    app.register_blueprint(good_practices.bp)
    app.register_blueprint(attachments.bp)

    from tracker import assets, errors

    assets.init_app(app)
    errors.init_app(app)
    from tracker import outage

    outage.init_app(app)

    from tracker import cli

    cli.init_app(app)

    # Last, so that its after_request hook sees the view's answer before the others.
    from tracker import response_cache

    response_cache.init_app(app)

    return app
