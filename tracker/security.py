"""HTTP security headers, with a Content-Security-Policy that carries a script nonce.

Every inline script a page runs (the map's included) carries the request's
nonce; scripts and styles otherwise come from the application itself. No page may
set a `<base>` or be framed, by another site or by the tracker itself.

What a signed-in user is sent is never kept by a browser or a proxy (`no-store`), nor is
the sign-in page: a shared computer's back button or cache must not show an account's
pages after it signed out. Files the same for everyone (a view marks them `public`,
and the static files) keep their caching.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_login import current_user
from markupsafe import Markup

_SCRIPT_TAG = re.compile(r"<script(?![^>]*\bnonce=)")

# One year: what browsers expect of a site that is served over HTTPS only.
HSTS = "max-age=31536000"

# Pages never kept, whoever asks for them.
NEVER_KEPT = ("auth.login",)


def csp_nonce() -> str:
    """The nonce of the current request, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def with_nonce(html: str) -> Markup:
    """Add the request's nonce to every `<script>` tag of trusted, generated `html`."""
    return Markup(_SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', html))


def _tile_origin() -> str:
    """The origin of the base-map tiles, which pages may load images from."""
    url = current_app.config.get("MAP_TILES_URL")
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1]
    return f" {parts.scheme}://{host}"


def content_security_policy(nonce: str | None) -> str:
    """The policy of a response whose inline scripts carry `nonce` (None: it has none)."""
    script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return (
        "default-src 'self'; "
        f"script-src {script_src}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:{_tile_origin()}; "
        "connect-src 'self'; "
        "font-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "frame-ancestors 'none'; "
        "form-action 'self'"
    )


def signed_in() -> bool:
    """Whether the request is a signed-in user's. The session is read only when the
    request sent one, so a public request gets no `Vary: Cookie` from asking."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    return bool(current_user.is_authenticated)


def _never_kept(response) -> bool:
    if request.endpoint in NEVER_KEPT:
        return True
    if response.cache_control.public or request.endpoint == "static":
        return False
    return signed_in()


def _set_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy", content_security_policy(g.get("csp_nonce"))
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("HTTPS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _never_kept(response):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response and the nonce helpers to templates."""
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.filters["with_nonce"] = with_nonce
