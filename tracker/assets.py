"""Serving third-party front-end files (Leaflet, Swagger UI) from the application itself.

The files come from packages on PyPI (XStatic's, swagger-ui-bundle), so a page never
needs a CDN and the map works on an intranet with no internet access.
"""

from __future__ import annotations

import swagger_ui_bundle
import xstatic.pkg.leaflet
from flask import Blueprint, Flask, abort, current_app, send_from_directory, url_for

# Library name in the URL → folder of its files and its version (part of the URL,
# so a new version is a new URL and browsers may cache the files for long).
LIBRARIES = {
    "leaflet": (xstatic.pkg.leaflet.BASE_DIR, xstatic.pkg.leaflet.VERSION),
    # The API page's viewer; its folder is named after the version it holds.
    "swagger-ui": (
        str(swagger_ui_bundle.swagger_ui_path),
        swagger_ui_bundle.swagger_ui_path.name.removeprefix("swagger-ui-"),
    ),
}

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.get("/<library>/<version>/<path:filename>")
def vendor(library: str, version: str, filename: str):
    """Serve a file of a bundled library; 404 for an unknown library, version or file."""
    if library not in LIBRARIES or LIBRARIES[library][1] != version:
        abort(404)
    folder, _ = LIBRARIES[library]
    return send_from_directory(folder, filename, max_age=current_app.config["ASSET_MAX_AGE"])


def vendor_url(library: str, filename: str) -> str:
    """The URL of a bundled library's file."""
    return url_for(
        "assets.vendor", library=library, version=LIBRARIES[library][1], filename=filename
    )


def init_app(app: Flask) -> None:
    """Register the asset routes and the `vendor_url` template helper."""
    app.register_blueprint(bp)
    app.jinja_env.globals["vendor_url"] = vendor_url
