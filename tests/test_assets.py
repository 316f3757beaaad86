"""Static and bundled files: versioned URLs kept a year, compressed once, and the old
URLs still answering, so a page kept from before an upgrade does not break."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest
import xstatic.pkg.leaflet

from tracker import assets

VERSIONED = re.compile(r"\.[0-9a-f]{10}\.[a-z]+$")
STATIC = Path(assets.__file__).parent / "static"


def references(page: str) -> list[str]:
    """Every script, stylesheet and icon the page loads from the app."""
    return [
        url
        for url in re.findall(r'(?:src|href)="(/(?:static|assets)/[^"]+)"', page)
        + re.findall(r'data-leaflet-(?:js|css)="([^"]+)"', page)
    ]


def test_every_asset_of_the_map_page_is_versioned_and_kept_a_year(client):
    page = client.get("/map?lang=fr").get_data(as_text=True)
    urls = references(page)
    # The stylesheet of every page, Leaflet, its gesture handling (which Folium writes
    # into the page) and the boundaries' decoder.
    for name in ("tracker", "leaflet", "leaflet-gesture-handling.min", "topology"):
        assert [u for u in urls if u.rsplit("/", 1)[1].startswith(name + ".")], name
    for url in urls:
        assert VERSIONED.search(url), url
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.fixture
def officer(accounts):
    accounts.create("officer@example.org", "officer", ["02.251.01.03"])
    accounts.login("officer@example.org")
    return accounts


def test_the_signed_in_form_loads_versioned_scripts(client, officer):
    page = client.get("/work/02.251.01.03/measure/new?lang=fr").get_data(as_text=True)
    urls = references(page)
    assert len(urls) >= 4  # the stylesheet, the partner chooser, the point picker and Leaflet
    assert all(VERSIONED.search(url) for url in urls), urls


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_stylesheet_is_sent_compressed_with_its_length(client, encoding):
    url = references(client.get("/?lang=fr").get_data(as_text=True))
    css = next(u for u in url if "/static/tracker." in u)
    response = client.get(css, headers={"Accept-Encoding": f"{encoding}, deflate"})
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Vary"] == "Accept-Encoding"
    assert int(response.headers["Content-Length"]) == len(response.data)
    body = (
        gzip.decompress(response.data) if encoding == "gzip" else brotli.decompress(response.data)
    )
    assert body == assets.minified((STATIC / "tracker.css").read_bytes(), ".css")
    assert len(response.data) < len(body) / 3


def test_a_client_without_compression_gets_the_file_as_it_is(client):
    response = client.get("/static/tracker.css", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data == assets.minified((STATIC / "tracker.css").read_bytes(), ".css")


def test_an_unversioned_or_outdated_url_still_works_revalidated(client):
    plain = client.get("/static/tracker.css", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, no-cache"
    again = client.get(
        "/static/tracker.css",
        headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    stale = client.get("/static/tracker.0123456789.css")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "public, no-cache"
    assert stale.data == assets.minified((STATIC / "tracker.css").read_bytes(), ".css")
    old = client.get("/assets/leaflet/1.9.3/leaflet.0123456789.js")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "public, no-cache"


def test_unknown_files_and_paths_out_of_the_folder_are_not_found(client):
    assert client.get("/static/nothing.css").status_code == 404
    assert client.get("/static/nothing.0123456789.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/assets/leaflet/1.9.3/../../x.js").status_code == 404
    assert client.get("/assets/leaflet/0.0.1/leaflet.js").status_code == 404


def test_an_image_is_sent_as_it_is(client):
    response = client.get(
        "/assets/leaflet/1.9.3/images/layers.png", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "Content-Encoding" not in response.headers


def test_each_file_is_compressed_once_per_process(app):
    with app.test_request_context():
        first = assets.load_file(STATIC / "tracker.css", minify=True)
        assert assets.load_file(STATIC / "tracker.css", minify=True) is first
        assert assets.versioned_name(str(STATIC), "tracker.css", minify=True) == (
            f"tracker.{first.digest[:10]}.css"
        )


@pytest.mark.parametrize("name", ["tracker.css", "search.js", "topology.js"])
def test_the_apps_own_files_are_sent_minified_under_the_hash_of_what_is_sent(client, name):
    source = (STATIC / name).read_bytes()
    page = client.get("/map?lang=fr").get_data(as_text=True)
    (url,) = [u for u in references(page) if u.startswith(f"/static/{name.split('.')[0]}.")]
    body = client.get(url, headers={"Accept-Encoding": "identity"}).data
    assert body == assets.minified(source, "." + name.rsplit(".", 1)[1])
    assert len(body) < len(source) * 0.85
    assert b"/*" not in body and b"\n//" not in body  # no comment left
    assert url.split(".")[-2] == hashlib.sha256(body).hexdigest()[:10]


def test_third_party_files_are_sent_as_their_package_ships_them(client):
    page = client.get("/map?lang=fr").get_data(as_text=True)
    leaflet = re.compile(r"/assets/leaflet/[^/]+/leaflet\.[0-9a-f]{10}\.js$")
    (url,) = [u for u in references(page) if leaflet.search(u)]
    body = client.get(url, headers={"Accept-Encoding": "identity"}).data
    assert body == (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js").read_bytes()


def test_the_map_layers_are_topologies_kept_a_year(client):
    page = client.get("/map?lang=fr").get_data(as_text=True)
    urls = re.findall(r'"topology_url": "(/map/topology/fr/[a-z]+\.[0-9a-f]{12}\.json)"', page)
    assert {u.split("/")[-1].split(".")[0] for u in urls} == {"region", "province", "commune"}
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert brotli.decompress(response.data).startswith(b'{"type":"PackedTopology"')
    stale = client.get("/map/topology/fr/commune.000000000000.json")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "public, no-cache"
    assert client.get("/map/topology/fr/canton.000000000000.json").status_code == 404
    assert client.get("/map/topology/xx/commune.000000000000.json").status_code == 404


def test_the_arabic_map_fetches_the_arabic_names(client):
    page = client.get("/map?lang=ar").get_data(as_text=True)
    url = re.search(r'"topology_url": "(/map/topology/ar/commune\.[0-9a-f]{12}\.json)"', page)
    topology = json.loads(client.get(url.group(1), headers={"Accept-Encoding": ""}).data)
    assert list(topology["properties"]) == ["code", "name_ar"]
    english = client.get("/map?lang=en").get_data(as_text=True)
    assert "/map/topology/fr/commune." in english  # French names, shared with the French page


def test_the_map_page_has_its_shown_layer_fetched_at_once(client):
    response = client.get("/map?level=province&lang=fr")
    link = response.headers["Link"]
    assert re.fullmatch(
        r"</map/topology/fr/province\.[0-9a-f]{12}\.json>; rel=preload; as=fetch;"
        r" crossorigin=anonymous",
        link,
    )
    assert link[1:].split(">")[0] in response.get_data(as_text=True)  # the layer's own URL
