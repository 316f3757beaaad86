"""Error pages in the user's language (the API answers its own errors as JSON)."""

from __future__ import annotations

from flask import Flask, abort, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def _not_found_message() -> str:
    """What a 404 page says: what may be wrong with the address asked for."""
    if request.path.startswith("/territories/"):
        return _("There is no page at this address. The territory code may be mistyped.")
    if request.path.startswith("/measures/"):
        return _(
            "There is no page at this address. A measure is published only once its "
            "coordinator has validated it."
        )
    return _("There is no page at this address.")


def _page(error: HTTPException):
    if request.path.startswith("/api/"):
        # The API blueprint's own handlers answer JSON; this catches routes it does not own.
        from flask import jsonify

        return jsonify(
            {
                "error": {
                    "code": "not_found" if error.code == 404 else "http_error",
                    "message": error.description,
                }
            }
        ), error.code
    titles = {
        400: _("The request could not be understood"),
        403: _("You may not do this"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        413: _("The file is too large"),
    }
    messages = {
        404: _not_found_message(),
        413: _(
            "A file sent to the tracker may hold at most %(size)d MB. Nothing was saved: "
            "split the file, or remove what it does not need, and send it again.",
            size=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        ),
    }
    title = titles.get(error.code, _("Something went wrong"))
    message = messages.get(error.code, _("Please go back and try again."))
    return render_template("error.html", title=title, message=message), error.code


def _server_error(error):  # noqa: ARG001
    if request.path.startswith("/api/"):
        from flask import jsonify

        return jsonify(
            {
                "error": {
                    "code": "server_error",
                    "message": _("The error has been logged. Please try again in a moment."),
                }
            }
        ), 500
    return (
        render_template(
            "error.html",
            title=_("Something went wrong"),
            message=_("The error has been logged. Please try again in a moment."),
        ),
        500,
    )


def _refuse_nul() -> None:
    """Refuse a request whose address, query or form carries a NUL character: no code,
    name or text has one, and PostgreSQL refuses to compare or store it."""
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400, description=_("The request contains a character that is not allowed."))


def init_app(app: Flask) -> None:
    """Register the error pages, and the check every request passes first."""
    app.before_request(_refuse_nul)
    app.register_error_handler(HTTPException, _page)
    app.register_error_handler(500, _server_error)
