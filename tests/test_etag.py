"""Conditional requests on public pages, API answers and exports: an ETag, 304 with no
body when the browser's copy is current, a new ETag when the data changes, and
`Cache-Control` that lets the browser ask again (never for a signed-in visitor)."""

import pytest

from tests.support import FIGUIG
from tracker.response_cache import cache_of

PUBLIC = [
    f"/territories/{FIGUIG}",
    "/map",
    "/api/v1/measures",
    "/api/v1/stats?level=region&metric=measures",
    "/export/measures.csv",
    "/export/figures.xlsx?level=region",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_if_none_match_is_answered_304_without_a_body(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert "Content-Security-Policy" not in again.headers  # the browser keeps its own
    assert again.headers["ETag"] == etag


def test_304_also_when_the_page_was_not_yet_kept(app, client):
    etag = client.get("/map").headers["ETag"]
    cache_of(app).clear()
    again = client.get("/map", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_the_etag_is_the_same_whatever_the_nonce_or_compression(client):
    plain = client.get("/map")
    gzipped = client.get("/map", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert plain.headers["ETag"] == gzipped.headers["ETag"]
    assert client.get("/map", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_the_etag_changes_when_the_data_changes(client, validated_measure):
    url = f"/territories/{FIGUIG}"
    before = client.get(url)
    api = client.get("/api/v1/measures")
    export = client.get("/export/measures.csv")
    validated_measure(FIGUIG, "Caravane de santé")
    assert client.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 200
    assert client.get(url).headers["ETag"] != before.headers["ETag"]
    assert client.get("/api/v1/measures").headers["ETag"] != api.headers["ETag"]
    changed = client.get("/export/measures.csv", headers={"If-None-Match": export.headers["ETag"]})
    assert changed.status_code == 200
    assert "Caravane de santé" in changed.get_data(as_text=True)


def test_the_etag_differs_by_language(client):
    english = client.get("/map", headers={"Accept-Language": "en"})
    french = client.get("/map", headers={"Accept-Language": "fr"})
    assert '<html lang="fr"' in french.get_data(as_text=True)
    assert english.headers["ETag"] != french.headers["ETag"]
    asked = client.get(
        "/map", headers={"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
    )
    assert asked.status_code == 200
    assert "Accept-Language" in asked.headers["Vary"]


def test_a_signed_in_page_has_no_etag_nor_public_cache_control(client, accounts):
    accounts.create("coordinator@example.org", "coordinator", ["02"])
    accounts.login("coordinator@example.org")
    page = client.get("/map")
    assert page.status_code == 200
    assert "ETag" not in page.headers
    assert page.headers.get("Cache-Control") != "no-cache"
