"""A live server on loopback and a headless Chromium that may reach nothing else.

Chromium is Debian's (`/usr/bin/chromium`, installed by `.ci/run`). Every request
to a host other than the app's is refused and recorded, so a test proves the
page works with no internet access.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.browser.chromium import CHROMIUM, launch
from tracker import create_app


@dataclass
class LiveServer:
    app: object
    url: str
    thread: threading.Thread
    server: object


def start_server(app) -> LiveServer:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return LiveServer(app, f"http://127.0.0.1:{server.server_port}", thread, server)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium; skipped only outside CI when it is not installed."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def live_app(database_url, national_geography):
    """The app on a copy of the full database and the real national geography."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEO_CACHE_DIR": str(national_geography),
            "MAP_TILES_URL": None,
        }
    )
    return app


@pytest.fixture
def live_server(live_app):
    server = start_server(live_app)
    yield server
    server.server.shutdown()


@dataclass
class Watched:
    """What a page did that a person would notice, or that should not happen offline."""

    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page whose requests may only reach the live server."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    watched = Watched()
    app_host = urlsplit(live_server.url).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc != app_host:
            watched.refused.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.on(
        "console",
        lambda message: (
            watched.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
    page.watched = watched
    page.base_url = live_server.url
    yield page
    context.close()
