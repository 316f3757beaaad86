"""`/healthz`: whether this server can answer, for a load balancer or a reverse proxy.

It answers 200 with `{"status": "ok", "database": "ok", "boundaries": "ok"}` when the
database answers a query on the territories and every boundary layer the map draws is
built, and 503 with the check that failed ("failed") otherwise. It names nothing else:
no address, version, setting or error text (those go to the application's log).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db
from tracker.geography import GeographyMissing, layer_path
from tracker.models.territory import LEVELS, Territory

bp = Blueprint("ops", __name__)


def database_answers() -> bool:
    """Whether the database answers a query on the territories (so the schema is there)."""
    try:
        db.session.execute(select(Territory.code).limit(1)).all()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("Health check: the database does not answer: %s", error)
        return False
    return True


def boundaries_built() -> bool:
    """Whether the boundary cache holds the layer of every level the map draws."""
    try:
        for level in LEVELS:
            layer_path(level)
    except (GeographyMissing, OSError) as error:
        current_app.logger.warning("Health check: boundaries not built: %s", error)
        return False
    return True


@bp.get("/healthz")
def healthz():
    """The server's health as a tiny JSON: 200 when every check passes, 503 naming the
    one that failed. Never cached, and it sets no cookie."""
    checks = {
        "database": "ok" if database_answers() else "failed",
        "boundaries": "ok" if boundaries_built() else "failed",
    }
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if healthy else "failed", **checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register `/healthz`."""
    app.register_blueprint(bp)
