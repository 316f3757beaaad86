"""The map page: Folium layers from the app's own assets, under the CSP."""

import html
import re

import pytest


def _page(client, lang="fr"):
    response = client.get(f"/map?lang={lang}")
    assert response.status_code == 200
    return response, response.get_data(as_text=True)


def test_map_has_three_levels_and_opens_on_communes(client):
    _, page = _page(client, "en")
    for level in ("region", "province", "commune"):
        assert f"/api/v1/boundaries/{level}.geojson" in page
    assert '"Regions" :' in page and '"Communes" :' in page


def test_map_loads_nothing_from_outside(client):
    _, page = _page(client)
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', page)
    assert external == []
    assert re.search(r'src="/assets/leaflet/1\.9\.3/leaflet\.[0-9a-f]{10}\.js"', page)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in page


def test_leaflet_is_served_by_the_app(client):
    response = client.get("/assets/leaflet/1.9.3/leaflet.js")
    assert response.status_code == 200
    assert b"Leaflet" in response.data[:2000]
    assert client.get("/assets/leaflet/0.0.1/leaflet.js").status_code == 404
    assert client.get("/assets/nothing/1/x.js").status_code == 404


def test_every_inline_script_carries_the_nonce(client):
    response, page = _page(client)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline, "the map's script is inline"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline)


def test_map_opens_on_the_pilot_and_marks_figuig(client):
    _, page = _page(client)
    # The stand-in pilot regions span lon -7..-1, lat 32..36.
    assert re.search(r"fitBounds\(\s*\[\[32\.0, -7\.0\], \[36\.0, -1\.0\]\]", page)
    assert '"02", "01", "05"' in page
    assert "Figuig" in page and "/territories/02.251.01.03" in page


@pytest.mark.parametrize("lang, prop", [("ar", "name_ar"), ("fr", "name_fr"), ("en", "name_fr")])
def test_tooltips_use_the_page_language(client, lang, prop):
    _, page = _page(client, lang)
    assert f'feature.properties["{prop}"]' in page


def test_tiles_are_optional(app, client):
    _, page = _page(client)
    assert "tileLayer" not in page
    app.config["MAP_TILES_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    response, page = _page(client)
    assert "tiles.example.org" in page
    assert (
        "img-src 'self' data: https://tiles.example.org"
        in response.headers["Content-Security-Policy"]
    )


@pytest.mark.parametrize(
    "lang, title, meanwhile",
    [
        ("en", "The map is not ready yet", "the territory pages and the API work meanwhile."),
        ("fr", "La carte n'est pas encore prête", "les pages des territoires et l'API"),
        ("ar", "الخريطة غير جاهزة بعد", "تظل صفحات الوحدات الترابية وواجهة API متاحة."),
    ],
)
def test_map_without_geography_explains_itself(app, client, tmp_path, lang, title, meanwhile):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "empty")
    response = client.get(f"/map?lang={lang}")
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert title in page and meanwhile in page
    assert "flask --app tracker geo build" in page  # the command is the same in every language
