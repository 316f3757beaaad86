"""What the application needs to know about what stands in front of it: whether it is
reached over HTTPS, and how many reverse proxies it may believe about the client.

`HTTPS = True` marks the session (and remember) cookies secure, makes generated external
addresses https and has `tracker.security` send `Strict-Transport-Security`. `PROXIES = N` believes the last N
`X-Forwarded-For`, `-Proto`, `-Host`, `-Port` and `-Prefix` values (Werkzeug's
`ProxyFix`); with 0, the default, they are ignored, so a client cannot pass itself off
as another address or scheme.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Apply `HTTPS` and `PROXIES` from the configuration.

    Raises `ValueError` when `PROXIES` is negative.
    """
    if app.config.get("HTTPS"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies < 0:
        raise ValueError(f"PROXIES is the number of proxies in front of the app, not {proxies}.")
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=proxies,
        )
