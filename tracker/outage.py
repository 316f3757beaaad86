"""A database that does not answer (restarting, unreachable, out of connections): a 503
in the user's language, as a page or as the JSON envelope, never a traceback.

The page is drawn from `templates/outage.html` alone, without the site's layout or its
context processors, because those read the database (the signed-in account, the demo
banner). The connection that failed is thrown away by SQLAlchemy; the pool's pre-ping
(`SQLALCHEMY_ENGINE_OPTIONS`) replaces the others before they are used, so the next
request after the database is back succeeds without restarting the application.
"""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from tracker.errors import json_error
from tracker.extensions import db
from tracker.i18n import current_language, text_direction

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 10

# Answered as JSON: the API and the downloads, which programs read.
_JSON_PREFIXES = ("/api/", "/export/")
_JSON_SUFFIXES = (".csv", ".xlsx", ".geojson", ".json")


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (rather than that a query is
    wrong): an operational or interface error of the driver, or any whose connection
    SQLAlchemy found broken."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _forget_session() -> None:
    """Roll the request's session back; a broken connection may refuse even that."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool discards it
        current_app.logger.debug("rollback after a database outage failed", exc_info=True)


def unavailable(error: DBAPIError):
    """The answer to a request the database could not serve: 503 with `Retry-After`, the
    JSON envelope (code "database_unavailable") for the API and the downloads, a page
    otherwise. Re-raises `error` when it is not an outage (a wrong query is a 500)."""
    if not is_outage(error):
        raise error
    _forget_session()
    current_app.logger.warning("database unavailable: %s", str(error.orig or error)[:300])
    message = _(
        "The tracker cannot reach its database at the moment. What you had saved before is "
        "kept; what you were sending now was not saved. Please try again in a minute."
    )
    path = request.path
    if path.startswith(_JSON_PREFIXES) or path.endswith(_JSON_SUFFIXES):
        response, status = json_error(503, "database_unavailable", message)
    else:
        page = current_app.jinja_env.get_template("outage.html").render(
            lang=current_language(),
            direction=text_direction(),
            title=_("The database is not answering"),
            site=_("Migration integration tracker"),
            message=message,
            stylesheet=url_for("static", filename="tracker.css"),
            home=url_for("public.home"),
            home_text=_("Back to the home page"),
        )
        response, status = current_app.response_class(page, mimetype="text/html"), 503
    response.status_code = status
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def close_session(exception: BaseException | None = None) -> None:  # noqa: ARG001
    """Close the request's session once the response is made, even when the database
    went away since: its connection is then discarded rather than rolled back, so a
    request answered before the outage is not turned into a server error afterwards.
    Re-raises a database error that is not an outage."""
    try:
        db.session.remove()
    except DBAPIError as error:
        if not is_outage(error):
            raise
        try:
            db.session.registry().invalidate()
        except DBAPIError:
            current_app.logger.debug("discarding a broken connection failed", exc_info=True)
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    """Answer every database outage a view meets with `unavailable`, and close each
    request's session with `close_session` (teardowns run last registered first, so
    before Flask-SQLAlchemy's own, which then finds nothing left to close)."""
    app.register_error_handler(DBAPIError, unavailable)
    app.teardown_appcontext(close_session)
