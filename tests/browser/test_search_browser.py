"""Finding a territory in a real browser, offline: suggestions as one types, chosen with
the keyboard or the mouse, the map zoomed to the territory and outlined."""

from __future__ import annotations

import os
from pathlib import Path

FIGUIG = "02.251.01.03"
# Screenshots are kept here when SCREENSHOTS names a folder, to be looked at.
SHOTS = os.environ.get("SCREENSHOTS")

MAP_STATE = """
() => {
    const map = window[document.querySelector('.folium-map').id];
    const view = map.getBounds();
    const outlined = [];
    map.eachLayer(layer => {
        if (layer.feature && layer.options && layer.options.interactive === false
                && layer.feature.properties.code) {
            outlined.push({code: layer.feature.properties.code, colour: layer.options.color,
                           weight: layer.options.weight,
                           box: layer.getBounds().toBBoxString()});
        }
    });
    return {zoom: map.getZoom(), view: view.toBBoxString(), outlined: outlined};
}
"""


def _suggestions(page) -> list[dict]:
    page.wait_for_selector("#search-suggestions:not([hidden]) [role=option]", timeout=10_000)
    return page.eval_on_selector_all(
        "#search-suggestions [role=option]",
        "items => items.map(i => ({code: i.dataset.code, text: i.textContent,"
        " dir: i.getAttribute('dir'), selected: i.getAttribute('aria-selected')}))",
    )


def _type(page, text: str) -> list[dict]:
    field = page.locator("#search-q")
    field.fill("")
    field.press_sequentially(text, delay=30)
    # The list says which text it answers: an earlier text's suggestions are not taken.
    page.wait_for_function(
        "(text) => document.querySelector('#search-suggestions').dataset.for === text",
        arg=text,
        timeout=10_000,
    )
    return _suggestions(page)


def _shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _map_shows_figuig(page) -> dict:
    page.wait_for_url(f"**/map?focus={FIGUIG}*", timeout=15_000)
    page.wait_for_selector(f".folium-map[data-focus='{FIGUIG}']", timeout=30_000)
    page.wait_for_selector(".folium-map[data-loaded-commune]", timeout=30_000)
    state = page.evaluate(MAP_STATE)
    assert {o["code"] for o in state["outlined"]} == {FIGUIG}
    colours = sorted(o["colour"] for o in state["outlined"])
    assert colours == ["#a0006a", "#ffffff"]  # the line over its casing
    # Zoomed in: the commune's box lies inside the view, which is no wider than a region.
    west, south, east, north = map(float, state["view"].split(","))
    box = [float(v) for v in state["outlined"][0]["box"].split(",")]
    assert west <= box[0] and south <= box[1] and box[2] <= east and box[3] <= north
    assert east - west < 5
    return state


def test_on_the_map_arabic_then_french_names_are_suggested_and_the_map_zooms(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{page.base_url}/map?lang=ar")
    page.wait_for_selector(".folium-map[data-loaded-commune]", timeout=30_000)
    found = _type(page, "فجيج")
    figuig = next(s for s in found if s["code"] == FIGUIG)
    # In the page's language, with its kind and its parent, in its own direction.
    assert figuig["text"].startswith("فجيج — جماعة حضرية، فجيج")
    assert figuig["dir"] == "auto"
    assert page.get_attribute("#search-q", "aria-expanded") == "true"
    assert "02.251" in [s["code"] for s in found]  # the province too, the whole country
    _shoot(page, "map-suggestions-ar-1280")

    found = _type(page, "Figu")
    codes = [s["code"] for s in found]
    assert FIGUIG in codes
    for _ in range(codes.index(FIGUIG) + 1):
        page.keyboard.press("ArrowDown")
    chosen = page.get_attribute("#search-q", "aria-activedescendant")
    assert page.get_attribute(f"#{chosen}", "data-code") == FIGUIG
    assert page.get_attribute(f"#{chosen}", "aria-selected") == "true"
    page.keyboard.press("Enter")
    _map_shows_figuig(page)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    _shoot(page, "map-focus-ar-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _map_shows_figuig(page)
    _shoot(page, "map-focus-ar-390")
    assert page.watched.refused == []
    assert page.watched.console_errors == []
    assert page.watched.page_errors == []


def test_the_map_in_french_at_both_widths(page):
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{page.base_url}/map?focus={FIGUIG}&lang=fr")
        _map_shows_figuig(page)
        # The legend names the territory looked for (on a phone once opened).
        if width < 640:
            page.click(".map-legend-title")
        assert "Figuig (territoire recherché)" in page.inner_text(".map-legend")
        _shoot(page, f"map-focus-fr-{width}")
    assert page.watched.page_errors == []


def test_on_the_home_page_a_suggestion_opens_the_territory_page(page):
    page.goto(f"{page.base_url}/?lang=fr")
    found = _type(page, "Figu")
    figuig = next(s for s in found if s["code"] == FIGUIG)
    assert figuig["text"].startswith("Figuig — Commune urbaine, Figuig")
    page.click(f"#search-suggestions [data-code='{FIGUIG}']")
    page.wait_for_url(f"**/territories/{FIGUIG}", timeout=15_000)
    assert page.inner_text("h1").strip().startswith("Figuig")
    assert page.watched.page_errors == []


def test_on_the_comparison_a_suggestion_fills_a_slot(page):
    page.goto(f"{page.base_url}/compare?level=commune&lang=fr")
    found = _type(page, "فجيج")
    assert [s["code"] for s in found] == [FIGUIG]  # communes only
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#slot-1") == FIGUIG
    assert page.input_value("#search-q") == ""
    found = _type(page, "Bouarfa")
    page.click("#search-suggestions [role=option]")
    assert page.input_value("#slot-2") == found[0]["code"]
    page.click(".compare-form button[type=submit]")
    page.wait_for_selector(".compare-table", timeout=15_000)
    assert f"codes={FIGUIG}" in page.url
    assert page.watched.page_errors == []


def test_without_javascript_the_box_submits_to_the_search_page(browser, live_server):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/map?lang=fr")
    page.fill("#search-q", "Figuig")
    page.click(".search-box button[type=submit]")
    page.wait_for_url("**/search?q=Figuig&to=map", timeout=15_000)
    page.click(f"li[data-code='{FIGUIG}'] a")
    page.wait_for_url(f"**/map?focus={FIGUIG}", timeout=15_000)
    context.close()
