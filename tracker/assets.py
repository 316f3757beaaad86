"""Serving the application's static files and third-party front-end files (Leaflet and its
gesture handling, Swagger UI) from the application itself, compressed and versioned.

The third-party files come from packages on PyPI (XStatic's, swagger-ui-bundle), so a page
never needs a CDN and the map works on an intranet with no internet access.

Every URL the application writes for one of these files carries a hash of its content in
the file's name (`/static/tracker.3f9a1c2b4d.css`), so a browser keeps it for a year without
asking again (`immutable`), and a changed file is a new URL. A URL without the hash, or with
an outdated one (a page kept from before an upgrade), still answers with the current file,
to be revalidated each time (`no-cache` and an ETag). Each file is read and compressed once
per process (gzip, and brotli when the `brotli` module is there, which flask-compress
brings), and sent compressed as the request's `Accept-Encoding` allows; flask-compress
leaves a response that already has its `Content-Encoding` alone. The application's own
scripts and stylesheets are minified first (`minified`), and their hash is that of the
bytes sent; the third-party files are sent as their packages ship them, minified already.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin
import swagger_ui_bundle
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_gesturehandling
from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from werkzeug.security import safe_join

from geo.map_controls import Gestures
from geo.maps import MapAssets

try:  # a dependency of flask-compress; without it, gzip alone
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

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

#: How a versioned URL may be kept: a year, by anyone, never asked again.
IMMUTABLE = "public, max-age=31536000, immutable"
#: How an unversioned URL may be kept: by anyone, asked again (cheaply, with its ETag) each time.
REVALIDATE = "public, no-cache"
#: Hex digits of the content hash in a versioned file name.
HASH_LENGTH = 10
# Types worth compressing; images such as PNG are compressed already.
COMPRESSIBLE = {
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
    "text/plain",
    "text/html",
}
# How the application's own files of each kind lose their comments and needless spaces.
MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
_VERSIONED = re.compile(
    rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)$"
)

bp = Blueprint("assets", __name__, url_prefix="/assets")


@dataclass(frozen=True)
class Compressed:
    """A body as it can be sent: `raw`, and gzipped and brotli-compressed when that makes it
    smaller (None otherwise); `digest` is the hash of `raw`."""

    raw: bytes
    gzipped: bytes | None
    brotli: bytes | None
    digest: str
    mimetype: str


def compress_body(raw: bytes, mimetype: str) -> Compressed:
    """`raw` with its compressed forms, at the slowest and smallest settings (this is done
    once per file and process); none for a type that does not compress."""
    gzipped = packed = None
    if mimetype in COMPRESSIBLE:
        gzipped = gzip.compress(raw, compresslevel=9, mtime=0)
        packed = brotli.compress(raw, quality=11) if brotli is not None else None
    return Compressed(
        raw=raw,
        gzipped=gzipped if gzipped is not None and len(gzipped) < len(raw) else None,
        brotli=packed if packed is not None and len(packed) < len(raw) else None,
        digest=hashlib.sha256(raw).hexdigest(),
        mimetype=mimetype,
    )


def compressed_response(body: Compressed, cache_control: str) -> Response:
    """`body` in the best encoding the request accepts (brotli, gzip, or as it is), with
    `Vary: Accept-Encoding`, its length, an ETag per encoding and `cache_control`; 304 when
    the request's `If-None-Match` already holds that ETag."""
    accepted = request.accept_encodings
    data, encoding = body.raw, None
    if body.brotli is not None and accepted["br"]:
        data, encoding = body.brotli, "br"
    elif body.gzipped is not None and accepted["gzip"]:
        data, encoding = body.gzipped, "gzip"
    etag = body.digest[:32] + (f"-{encoding}" if encoding else "")
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(data, mimetype=body.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.headers["Content-Length"] = str(len(data))
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = cache_control
    response.same_for_everyone = True
    return response


class AssetAwareSessions(SecureCookieSessionInterface):
    """The session cookie, left out of a response that is the same for everyone (see
    `compressed_response`): no `Set-Cookie` and no `Vary: Cookie` there, which would keep
    proxies from sharing it and browsers from reusing it once signed in."""

    def save_session(self, app, session, response):
        """Save the session, unless `response` is a file the same for everyone."""
        if getattr(response, "same_for_everyone", False):
            return
        super().save_session(app, session, response)


def minified(data: bytes, suffix: str) -> bytes:
    """`data`, the content of a file ending in `suffix`, minified when it is a script or a
    stylesheet (`MINIFIERS`), as it is otherwise."""
    minify = MINIFIERS.get(suffix.lower())
    return minify(data) if minify is not None else data


_lock = threading.Lock()
_files: dict[tuple[str, int, int, bool], Compressed] = {}


def load_file(path: Path, minify: bool = False) -> Compressed:
    """The file at `path`, read (and, with `minify`, minified) and compressed once per
    process, again when it changes."""
    status = path.stat()
    key = (str(path), status.st_mtime_ns, status.st_size, minify)
    with _lock:
        found = _files.get(key)
    if found is None:
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = path.read_bytes()
        found = compress_body(minified(data, path.suffix) if minify else data, mimetype)
        with _lock:
            _files[key] = found
    return found


def _existing(folder: str, filename: str) -> Path | None:
    joined = safe_join(folder, filename)
    return Path(joined) if joined is not None and Path(joined).is_file() else None


def versioned_name(folder: str, filename: str, minify: bool = False) -> str:
    """`filename` (in `folder`) with the hash of its content as sent (`load_file`) before
    its extension: `css/site.css` → `css/site.3f9a1c2b4d.css`; unchanged for a file that is
    not there."""
    path = _existing(folder, filename)
    if path is None:
        return filename
    head, _sep, name = filename.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    digest = load_file(path, minify).digest[:HASH_LENGTH]
    versioned = f"{stem}.{digest}" + (f".{suffix}" if dot else "")
    return f"{head}/{versioned}" if head else versioned


def send_asset(folder: str, filename: str, minify: bool = False) -> Response:
    """The file `filename` of `folder`, versioned or not (see the module's docstring), and
    minified with `minify`.

    Aborts with 404 for a file that is not there, or a path out of `folder`.
    """
    path = _existing(folder, filename)
    current = False
    if path is None:
        head, _sep, name = filename.rpartition("/")
        match = _VERSIONED.match(name)
        if match is None:
            abort(404)
        plain = match["stem"] + match["suffix"]
        path = _existing(folder, f"{head}/{plain}" if head else plain)
        if path is None:
            abort(404)
        current = load_file(path, minify).digest.startswith(match["digest"])
    return compressed_response(load_file(path, minify), IMMUTABLE if current else REVALIDATE)


@bp.get("/<library>/<version>/<path:filename>")
def vendor(library: str, version: str, filename: str):
    """Serve a file of a bundled library; 404 for an unknown library, version or file."""
    if library not in LIBRARIES or LIBRARIES[library][1] != version:
        abort(404)
    return send_asset(LIBRARIES[library][0], filename)


def vendor_url(library: str, filename: str) -> str:
    """The versioned URL of a bundled library's file."""
    folder, version = LIBRARIES[library]
    return url_for(
        "assets.vendor",
        library=library,
        version=version,
        filename=versioned_name(folder, filename),
    )


def static_file(filename: str) -> Response:
    """Serve a file of the application's `static/` folder, versioned or not, minified."""
    return send_asset(current_app.static_folder, filename, minify=True)


def version_static_urls(endpoint: str, values: dict) -> None:
    """Give every `url_for("static", filename=...)` the file's versioned name."""
    if endpoint == "static" and "filename" in values:
        values["filename"] = versioned_name(
            current_app.static_folder, values["filename"], minify=True
        )


def map_assets() -> MapAssets:
    """Leaflet and its gesture handling as this application serves them, the gesture
    hints in the request's language, and the boundaries' decoder: what every map of the
    application loads."""
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
        scripts=(url_for("static", filename="topology.js"),),
    )


def init_app(app: Flask) -> None:
    """Register the asset routes, serve `static/` through `static_file`, version every URL
    of a static file, add the `vendor_url` template helper, and keep the session cookie
    off the files (`AssetAwareSessions`, unless the app has a session interface of its own)."""
    app.register_blueprint(bp)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = AssetAwareSessions()
    app.view_functions["static"] = static_file
    app.url_defaults(version_static_urls)
    app.jinja_env.globals["vendor_url"] = vendor_url
