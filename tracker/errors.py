"""Errors in the user's language: pages for people, and one JSON envelope,
`{"error": {"code": ..., "message": ...}}` (with "parameter" for a bad parameter), for
the API and every download."""

from __future__ import annotations

from flask import Flask, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from tracker.i18n import current_language


class JsonError(Exception):
    """A request the API or a download refuses: answered as the JSON envelope with
    `status` (4xx, or 503 while something the answer needs is not built), a stable
    `code` for programs, a `message` in the user's language and, when one parameter is
    to blame, its name (`parameter`)."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter


class BadParameter(JsonError):
    """A query parameter that is not acceptable (400, "bad_parameter"); `field` names the
    parameter, and the message the field's label (see `tracker.params`). Pages catch it
    to show the message beside their form; elsewhere it answers JSON."""

    def __init__(self, field: str, message: str):
        super().__init__(400, "bad_parameter", message, parameter=field)
        self.field = field


# The envelope's code for an HTTP error raised by routing or `abort`.
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def json_error(status: int, code: str, message: str, parameter: str | None = None):
    """The JSON error response: the envelope and its status; `parameter`, when given,
    names the parameter refused, for programs (the message names its label, for people)."""
    error = {"code": code, "message": message}
    if parameter is not None:
        error["parameter"] = parameter
    return jsonify({"error": error}), status


def _json_error(error: JsonError):
    return json_error(error.status, error.code, error.message, error.parameter)


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


def _forbidden() -> dict:
    """What a 403 page offers instead, by who asks: signed out, to sign in and come back;
    an officer, the collectivities the account records for and its work; a coordinator,
    the regions it reviews and its queue; anyone else, its work."""
    if not getattr(current_user, "is_authenticated", False):
        back = request.full_path.rstrip("?") if request.method == "GET" else request.path
        return {
            "message": _(
                "This page is for the tracker's accounts. Sign in, and you will be brought "
                "back here."
            ),
            "action": (url_for("auth.login", next=back), _("Sign in")),
        }
    lang = current_language()
    places = sorted(t.name(lang) for t in current_user.territories)
    work = (url_for("records.home"), _("Go to your work"))
    # An officer always has a collectivity and a coordinator a region: the accounts
    # refuse either without.
    if current_user.role == "officer":
        message = _("Your account records measures and programmes for these collectivities:")
    elif current_user.role == "coordinator":
        message = _("Your account reviews the records of these regions:")
        work = (url_for("review.queue"), _("Go to the review queue"))
    else:
        message = _("Your work lists what your account may do.")
        places = []
    return {"message": message, "places": places, "action": work}


def _too_large_message() -> str:
    """What a 413 page says: the limit of the request refused (a form with documents
    has its own, `DOCUMENT_FORMS`)."""
    if request.endpoint in current_app.config.get("DOCUMENT_FORMS", ()):
        return _(
            "The documents sent with one form may hold at most %(size)d MB together. "
            "Nothing was saved: attach fewer documents at a time, and send the form again.",
            size=current_app.config["MAX_DOCUMENT_FORM_LENGTH"] // (1024 * 1024),
        )
    return _(
        "A file sent to the tracker may hold at most %(size)d MB. Nothing was saved: "
        "split the file, or remove what it does not need, and send it again.",
        size=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )


def allowed_methods(error: HTTPException) -> dict[str, str]:
    """The `Allow` header a 405 must carry (the methods the address answers), as
    Werkzeug's `MethodNotAllowed` knows them; no header for any other error."""
    methods = getattr(error, "valid_methods", None)
    return {"Allow": ", ".join(methods)} if error.code == 405 and methods else {}


def _page(error: HTTPException):
    return (*_error_body(error), allowed_methods(error))


def _error_body(error: HTTPException):
    if request.path.startswith("/api/"):
        return json_error(error.code, _HTTP_CODES.get(error.code, "http_error"), error.description)
    titles = {
        400: _("The request could not be understood"),
        403: _("You may not do this"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        413: _("The file is too large"),
    }
    messages = {404: _not_found_message(), 413: _too_large_message()}
    title = titles.get(error.code, _("Something went wrong"))
    if error.code == 403:
        return render_template("error.html", title=title, **_forbidden()), 403
    message = messages.get(error.code, _("Please go back and try again."))
    return render_template("error.html", title=title, message=message), error.code


def _server_error(error):  # noqa: ARG001
    if request.path.startswith("/api/"):
        return json_error(
            500, "server_error", _("The error has been logged. Please try again in a moment.")
        )
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


def _request_limit() -> None:
    """Let the forms that send documents (`DOCUMENT_FORMS`) send more than the other
    requests (`MAX_DOCUMENT_FORM_LENGTH`): set before anything reads the body."""
    if request.endpoint in current_app.config.get("DOCUMENT_FORMS", ()):
        request.max_content_length = current_app.config["MAX_DOCUMENT_FORM_LENGTH"]


def init_app(app: Flask) -> None:
    """Register the error pages, and the checks every request passes first (its size
    limit, then no NUL character)."""
    # First of all: the CSRF check, registered earlier, reads the body.
    app.before_request_funcs.setdefault(None, []).insert(0, _request_limit)
    app.before_request(_refuse_nul)
    app.register_error_handler(HTTPException, _page)
    app.register_error_handler(JsonError, _json_error)
    app.register_error_handler(500, _server_error)
