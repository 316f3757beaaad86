"""The security headers: the Content-Security-Policy's exact directives, no framing, and
nothing a signed-in user is sent kept by a browser or a proxy."""

from __future__ import annotations

import re

import pytest

from tests.support import FIGUIG

OFFICER, COORDINATOR = "figuig.officer@example.org", "oriental.coordinator@example.org"


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_a_page_has_exactly_the_policy_with_its_nonce(client):
    response = client.get("/map")
    page = response.get_data(as_text=True)
    nonces = set(re.findall(r'<script[^>]*nonce="([^"]+)"', page))
    assert len(nonces) == 1
    nonce = nonces.pop()
    assert _directives(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_inline_script_of_a_page_carries_the_nonce(client):
    page = client.get("/map").get_data(as_text=True)
    tags = re.findall(r"<script\b[^>]*>", page)
    inline = [tag for tag in tags if "src=" not in tag and "application/json" not in tag]
    assert inline
    assert [tag for tag in inline if "nonce=" not in tag] == []


def test_a_response_without_inline_script_allows_none(client):
    response = client.get("/api/v1/territories?level=region")
    assert _directives(response)["script-src"] == ["'self'"]
    assert _directives(response)["base-uri"] == ["'none'"]
    assert _directives(response)["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/", "/map", "/api", "/territories/02", "/login", "/compare"])
def test_no_page_sets_a_base_or_frames_anything(client, url):
    page = client.get(url).get_data(as_text=True).lower()
    assert "<base" not in page
    assert "<iframe" not in page and "<frame" not in page


@pytest.mark.parametrize("url", ["/", "/map", "/territories/02", "/api"])
def test_public_pages_keep_their_caching(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Set-Cookie" not in response.headers


def test_the_sign_in_page_is_never_kept(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    accounts.login(OFFICER)
    return accounts


@pytest.fixture
def coordinator(accounts):
    accounts.create(COORDINATOR, "coordinator", ["02"])
    accounts.login(COORDINATOR)
    return accounts


@pytest.mark.parametrize(
    "url",
    [
        "/work",
        f"/work/{FIGUIG}/measure/new",
        "/",
        "/territories/02",
        "/export/measures.csv?territory=02",
        "/export/measures.xlsx?territory=02",
    ],
)
def test_nothing_an_officer_is_sent_is_kept(client, officer, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_review_queue_is_never_kept(client, coordinator):
    response = client.get("/review")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_files_the_same_for_everyone_keep_their_caching_when_signed_in(client, officer):
    page = client.get("/map").get_data(as_text=True)
    leaflet = re.search(r'src="(/assets/leaflet/[^"]+/leaflet\.[0-9a-f]+\.js)"', page).group(1)
    asset = client.get(leaflet)
    assert asset.status_code == 200
    assert "public" in asset.headers["Cache-Control"]
    boundaries = client.get("/api/v1/boundaries/region.geojson")
    assert "public" in boundaries.headers["Cache-Control"]
    stylesheet = client.get("/static/tracker.css")
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_after_signing_out_pages_are_public_again(client, officer):
    officer.logout()
    response = client.get("/territories/02")
    assert "no-store" not in response.headers.get("Cache-Control", "")
