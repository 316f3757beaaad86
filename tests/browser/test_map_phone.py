"""The map on a phone, offline: the map first, the filters folded, the legend and the layer
list folded and opened by a tap, the territory looked for clear of them, one finger
scrolling the page; on a desktop the legend and the filters open."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from tests.browser.map_scripts import DRAWN_TERRITORIES

FIGUIG = "02.251.01.03"
FIGUIG_PROVINCE = "02.251"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/shots/phonemap"))

MAP_VIEW = """
() => {
    const map = window[document.querySelector('.folium-map').id];
    const centre = map.getCenter();
    return {lat: centre.lat, lng: centre.lng, zoom: map.getZoom(),
            gestures: Boolean(map.gestureHandling && map.gestureHandling.enabled()),
            dragging: map.dragging.enabled()};
}
"""

# The screen box of the territory looked for, from its outline's lines.
FOCUS_BOX = """
() => {
    const map = window[document.querySelector('.folium-map').id];
    const frame = map.getContainer().getBoundingClientRect();
    let box = null;
    map.eachLayer(layer => {
        if (layer.feature && layer.options && layer.options.interactive === false) {
            const b = layer.getBounds();
            const a = map.latLngToContainerPoint(b.getNorthWest());
            const c = map.latLngToContainerPoint(b.getSouthEast());
            box = {x: frame.left + a.x, y: frame.top + a.y, width: c.x - a.x, height: c.y - a.y};
        }
    });
    return box;
}
"""


def _watched_page(browser, server, viewport, lang, phone, tiles_host=None):
    """A page (French, Arabic or English) whose requests may reach the app only: any other
    host is refused, and recorded unless it is the base map's."""
    context = browser.new_context(
        locale={"ar": "ar-MA", "fr": "fr-FR", "en": "en-GB"}[lang],
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    page = context.new_page()
    page.watched = SimpleNamespace(refused=[], page_errors=[])
    page.tiles = []
    app_host = urlsplit(server.url).netloc

    def guard(route):
        host = urlsplit(route.request.url).netloc
        if host != app_host:
            (page.tiles if host == tiles_host else page.watched.refused).append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.on("pageerror", lambda error: page.watched.page_errors.append(str(error)))
    page.base_url = server.url
    return page


@pytest.fixture
def open_map(browser, live_server):
    """Opens /map with a query at a viewport, in a fresh context; closes them all after."""
    pages = []

    def open_it(query: str, viewport=PHONE, lang="fr", tiles_host=None):
        page = _watched_page(
            browser, live_server, viewport, lang, viewport["width"] < 640, tiles_host=tiles_host
        )
        pages.append(page)
        page.goto(f"{page.base_url}/map?lang={lang}&{query}")
        page.wait_for_selector(
            ".folium-map[data-loaded-commune], .folium-map[data-loaded-province]"
        )
        return page

    yield open_it
    for page in pages:
        page.context.close()


def _shoot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _top(page, selector: str) -> float:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().top + window.scrollY")


def test_on_a_phone_the_map_comes_first_and_the_filters_are_folded(open_map):
    page = open_map("metric=measures&sector=health&status=ongoing")
    assert _top(page, ".map-frame") < _top(page, ".map-search")
    assert _top(page, ".map-frame") < _top(page, ".map-filters")
    assert _top(page, ".map-filters") < _top(page, ".figures")
    fold = page.locator("details#map-filters")
    assert fold.get_attribute("open") is None
    assert not page.locator("#sector").is_visible()
    # The figure stays in sight; the summary says how many filters are in use.
    assert page.locator("#metric").is_visible()
    assert page.inner_text("#map-filters > summary").split() == ["Filtres", "2", "appliqués"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".map-filters").screenshot(path=str(SHOTS / "phone-fr-filters-folded.png"))
    page.tap("#map-filters > summary")
    assert page.locator("#sector").is_visible()
    page.locator(".map-filters").screenshot(path=str(SHOTS / "phone-fr-filters-open.png"))
    assert page.input_value("#sector") == "health"
    assert page.watched.refused == [] and page.watched.page_errors == []


def test_on_a_phone_the_legend_and_layers_start_folded_and_open_on_a_tap(open_map):
    page = open_map("metric=measures")
    legend = page.locator(".map-legend")
    assert legend.evaluate("e => e.open") is False
    assert not page.locator(".map-legend-row").first.is_visible()
    layers = page.locator(".leaflet-control-layers")
    button = layers.locator("button.map-fold")
    assert button.inner_text().strip() == "Couches"
    assert button.get_attribute("aria-expanded") == "false"
    assert not layers.locator(".leaflet-control-layers-list").is_visible()
    # Folded, both leave most of the map free: each under a fifth of its width.
    frame = page.locator(".map-frame").bounding_box()
    for control in (legend, layers):
        assert control.bounding_box()["width"] < frame["width"] * 0.5
    _shoot(page, "phone-fr-folded")

    page.tap(".map-legend-title")
    assert legend.evaluate("e => e.open") is True
    assert page.locator(".map-legend-row").first.is_visible()
    button.tap()
    assert button.get_attribute("aria-expanded") == "true"
    assert layers.locator(".leaflet-control-layers-list").is_visible()
    assert layers.get_by_label("Provinces").is_visible()
    # Choosing a layer keeps the list open; a second tap on its heading folds it.
    layers.get_by_label("Provinces").tap()
    page.wait_for_selector(".folium-map[data-loaded-province]")
    assert button.get_attribute("aria-expanded") == "true"
    button.tap()
    assert button.get_attribute("aria-expanded") == "false"
    assert not layers.locator(".leaflet-control-layers-list").is_visible()
    _shoot(page, "phone-fr-legend-open")
    assert page.watched.refused == [] and page.watched.page_errors == []


@pytest.mark.parametrize("code", [FIGUIG, FIGUIG_PROVINCE])
def test_on_a_phone_no_control_covers_the_territory_looked_for(open_map, code):
    page = open_map(f"focus={code}")
    page.wait_for_selector(f".folium-map[data-focus='{code}']")
    box = page.evaluate(FOCUS_BOX)
    frame = page.locator(".map-frame").bounding_box()
    assert box["width"] > frame["width"] * 0.3 or box["height"] > frame["height"] * 0.3
    for selector in (
        ".map-legend",
        ".leaflet-control-layers",
        ".leaflet-control-zoom",
        ".leaflet-control-scale",
    ):
        control = page.locator(selector).bounding_box()
        assert not _overlap(box, control), (selector, box, control)
    # And it lies inside the map.
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]


def test_on_a_phone_one_finger_scrolls_the_page_not_the_map(open_map):
    page = open_map(f"focus={FIGUIG}")
    before = page.evaluate(MAP_VIEW)
    assert before["gestures"] is True
    assert before["dragging"] is False
    container = page.locator(".folium-map")
    assert container.get_attribute("data-gesture-handling-touch-content") == (
        "Utilisez deux doigts pour déplacer la carte"
    )
    frame = page.locator(".map-frame").bounding_box()
    x, y = frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] * 0.6
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x, "y": y - 30 * step}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    # The hint says how to move the map, over it, while the page scrolls.
    assert "leaflet-gesture-handling-touch-warning" in container.get_attribute("class")
    page.wait_for_timeout(900)
    _shoot(page, "phone-fr-one-finger", full_page=False)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(300)
    after = page.evaluate(MAP_VIEW)
    assert (after["lat"], after["lng"], after["zoom"]) == (
        before["lat"],
        before["lng"],
        before["zoom"],
    )
    assert page.evaluate("window.scrollY") > 100
    assert page.watched.page_errors == []


def test_on_a_desktop_the_legend_layers_and_filters_start_open(open_map):
    page = open_map("metric=measures&year=2025", viewport=DESKTOP)
    assert page.locator(".map-legend").evaluate("e => e.open") is True
    assert page.locator(".map-legend-row").first.is_visible()
    button = page.locator(".leaflet-control-layers button.map-fold")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator(".leaflet-control-layers-list").is_visible()
    assert page.locator("details#map-filters").get_attribute("open") == ""
    assert page.locator("#year").is_visible()
    assert page.inner_text("#map-filters > summary").split() == ["Filtres", "1", "appliqué"]
    # The search and the filters come before the map there.
    assert _top(page, ".map-filters") < _top(page, ".map-frame")
    # The wheel scrolls the page; Ctrl and the wheel zoom the map.
    before = page.evaluate(MAP_VIEW)
    assert before["gestures"] is True
    frame = page.locator(".map-frame").bounding_box()
    page.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(400)
    assert page.evaluate(MAP_VIEW)["zoom"] == before["zoom"]
    assert page.evaluate("window.scrollY") > 0
    assert "Ctrl" in page.get_attribute(".folium-map", "data-gesture-handling-scroll-content")
    page.keyboard.down("Control")
    for _ in range(4):  # as a wheel turns: the first notch hands the wheel to the map
        page.mouse.wheel(0, -100)
        page.wait_for_timeout(60)
    page.keyboard.up("Control")
    page.wait_for_timeout(600)
    assert page.evaluate(MAP_VIEW)["zoom"] > before["zoom"]
    # The legend can be folded there too.
    page.click(".map-legend-title")
    assert page.locator(".map-legend").evaluate("e => e.open") is False
    button.click()
    assert button.get_attribute("aria-expanded") == "false"
    assert page.watched.refused == [] and page.watched.page_errors == []


def test_a_refused_filter_keeps_the_filters_open_on_a_phone(open_map):
    page = open_map("year=abc")
    assert page.locator("details#map-filters").get_attribute("open") == ""
    assert page.locator("#year").is_visible()


def test_the_map_loads_nothing_from_another_host_and_works_when_tiles_fail(live_app, open_map):
    # The server reads the base map's address at each request.
    live_app.config["MAP_TILES_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    live_app.config["MAP_TILES_ATTRIBUTION"] = "© contributors"
    page = open_map(f"focus={FIGUIG}", tiles_host="tiles.example.org")
    page.wait_for_selector(f".folium-map[data-focus='{FIGUIG}']")
    assert page.tiles, "the base map was asked for"
    assert page.watched.refused == []
    assert page.watched.page_errors == []
    assert page.evaluate(MAP_VIEW)["gestures"] is True
    drawn = page.evaluate(DRAWN_TERRITORIES)
    assert len(drawn) == 1503 and drawn[FIGUIG]


def test_on_a_phone_with_a_base_map_the_map_shows_the_pilot_and_the_territory(live_app, open_map):
    # With tiles, the attribution line runs along the whole bottom of a phone's map: the map
    # is still fitted to Morocco's pilot, not zoomed in on a street, and Figuig fills it.
    live_app.config["MAP_TILES_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    live_app.config["MAP_TILES_ATTRIBUTION"] = (
        "© OpenStreetMap contributors, a long line of credits"
    )
    page = open_map("", tiles_host="tiles.example.org")
    page.wait_for_selector(".leaflet-control-attribution")
    assert 4 <= page.evaluate(MAP_VIEW)["zoom"] <= 8
    page = open_map(f"focus={FIGUIG}", tiles_host="tiles.example.org")
    page.wait_for_selector(f".folium-map[data-focus='{FIGUIG}']")
    box = page.evaluate(FOCUS_BOX)
    frame = page.locator(".map-frame").bounding_box()
    assert box["width"] > frame["width"] * 0.3 or box["height"] > frame["height"] * 0.3
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_screenshots_in_each_language(open_map, lang, viewport):
    """Kept in /tmp/shots/phonemap (or SCREENSHOTS) to be looked at; the controls sit on the
    page's own side and none overlaps another."""
    page = open_map(f"focus={FIGUIG}&metric=measures", viewport=viewport, lang=lang)
    page.wait_for_selector(f".folium-map[data-focus='{FIGUIG}']")
    _shoot(page, f"map-{lang}-{viewport['width']}")
    frame = page.locator(".map-frame").bounding_box()
    layers = page.locator(".leaflet-control-layers").bounding_box()
    legend = page.locator(".map-legend").bounding_box()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    middle = frame["x"] + frame["width"] / 2
    if lang == "ar":
        assert layers["x"] + layers["width"] < middle and legend["x"] + legend["width"] < middle
    else:
        assert layers["x"] > middle and legend["x"] > middle
    boxes = [layers, legend, zoom]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert page.watched.refused == [] and page.watched.page_errors == []


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_on_a_phone_the_figures_table_scrolls_in_its_box_not_the_page(open_map, lang):
    page = open_map("metric=assessment_score&level=commune", lang=lang)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator(".figures .table-scroll").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
