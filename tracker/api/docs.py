"""The API's page for people: the OpenAPI description rendered by Swagger UI, served by
the application itself, in the page's language.

Swagger UI 4 (the version swagger-ui-bundle carries) reads OpenAPI 3.0 only, so the page
hands it the description written the 3.0 way (`as_openapi_30`); `/api/v1/openapi.json`
stays the 3.1 original.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.api.openapi import openapi_document
from tracker.i18n import current_language

# Outside the API's /api/v1 prefix: a page, answered as pages are (errors included).
bp = Blueprint("api_docs", __name__)


def as_openapi_30(node: object) -> object:
    """`node`, a 3.1 description or a part of it, written the OpenAPI 3.0 way: a type list
    holding "null" becomes the type with `nullable`, a list of several types an `anyOf`.
    Everything else is kept as it is."""
    if isinstance(node, list):
        return [as_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_openapi_30(value) for key, value in node.items()}
    types = converted.get("type")
    if isinstance(types, list):
        kept = [t for t in types if t != "null"]
        if len(kept) < len(types):
            converted["nullable"] = True
        if len(kept) == 1:
            converted["type"] = kept[0]
        else:
            del converted["type"]
            converted["anyOf"] = [{"type": t} for t in kept]
    if "openapi" in converted:
        converted["openapi"] = "3.0.3"
    return converted


@bp.get("/api")
def page():
    """The API described for people: what it offers, the link to the OpenAPI description
    in the page's language, and every operation rendered with its parameters and answers."""
    lang = current_language()
    return render_template("api_docs.html", spec=as_openapi_30(openapi_document()), spec_lang=lang)
