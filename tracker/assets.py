"""Serving third-party front-end files (Leaflet and its gesture handling, Swagger UI) from
the application itself.

The files come from packages on PyPI (XStatic's, swagger-ui-bundle), so a page never
needs a CDN and the map works on an intranet with no internet access.
"""

from __future__ import annotations

import swagger_ui_bundle
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_gesturehandling
from flask import Blueprint, Flask, abort, current_app, send_from_directory, url_for
from flask_babel import gettext as _

from geo.map_controls import Gestures
from geo.maps import MapAssets

# Library name in the URL → folder of its files and its version (part of the URL,
# so a new version is a new URL and browsers may cache the files for long).
LIBRARIES = {
    "leaflet": (xstatic.pkg.leaflet.BASE_DIR, xstatic.pkg.leaflet.VERSION),
    "leaflet-gesture-handling": (
        xstatic.pkg.leaflet_gesturehandling.BASE_DIR,
        xstatic.pkg.leaflet_gesturehandling.VERSION,
    ),
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


def map_assets() -> MapAssets:
    """Leaflet and its gesture handling as this application serves them, the gesture
    hints in the request's language: what every map of the application loads."""
    return MapAssets(
        leaflet_js=vendor_url("leaflet", "leaflet.js"),
        leaflet_css=vendor_url("leaflet", "leaflet.css"),
        gestures=Gestures(
            js=vendor_url("leaflet-gesture-handling", "leaflet-gesture-handling.min.js"),
            css=vendor_url("leaflet-gesture-handling", "leaflet-gesture-handling.min.css"),
            touch=_("Use two fingers to move the map"),
            scroll=_("Use Ctrl + scroll to zoom the map"),
            scroll_mac=_("Use ⌘ + scroll to zoom the map"),
        ),
    )


def init_app(app: Flask) -> None:
    """Register the asset routes and the `vendor_url` template helper."""
    app.register_blueprint(bp)
    app.jinja_env.globals["vendor_url"] = vendor_url
