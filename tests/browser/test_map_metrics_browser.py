"""The map with a metric and filters in a real browser, and user text that tries to run."""

from __future__ import annotations

import pytest

from tests.support import make_organisation, make_validated_measure

FIGUIG = "02.251.01.03"
PAYLOADS = [
    "<script>window.__xss = 1</script>",
    '<img src="x" onerror="window.__xss = 2">',
    "${window.__xss = 3}",
]


@pytest.fixture
def records(live_server):
    """Three validated measures of Figuig placed on the map, each with a partner, whose
    title, partner's name and description carry one of the `PAYLOADS`."""
    app = live_server.app
    for i, payload in enumerate(PAYLOADS):
        make_validated_measure(
            app,
            FIGUIG,
            f"Cellule {payload}",
            kind="reception",
            sectors=["health"],
            latitude="32.11",
            longitude=f"-1.2{i}",
            partners=[make_organisation(app, "Association " + payload)],
            beneficiaries_total=20,
            description=payload,
        )


def test_choose_metric_and_filter_then_read_the_table(page, records):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{page.base_url}/language/en?next=/map")
    page.wait_for_selector(".folium-map[data-loaded-commune]")
    page.select_option("select[name=metric]", "measures")
    page.select_option("select[name=level]", "commune")
    page.select_option("select[name=sector]", "health")
    page.click("form.map-filters button[type=submit]")
    page.wait_for_selector(".folium-map[data-loaded-commune]")
    assert "metric=measures" in page.url and "sector=health" in page.url
    assert page.locator(".map-legend-title").inner_text() == "Measures"
    first_row = page.locator("#figures tbody tr").first.locator("td").all_inner_texts()
    assert [cell.strip() for cell in first_row] == ["Figuig", FIGUIG, "3"]
    # Sorting by name puts the no-data rows among the others, alphabetically.
    page.click("#figures thead th:first-child button")
    assert page.locator("#figures thead th:first-child").get_attribute("aria-sort") == "ascending"
    names = page.locator("#figures tbody tr td:first-child").all_inner_texts()
    assert names[0].casefold() < names[-1].casefold()  # A to Z first
    assert dialogs == []
    assert page.watched.console_errors == [] and page.watched.refused == []


def test_payloads_stay_text_in_popups_and_pages(page, records):
    page.goto(f"{page.base_url}/map?lang=fr")
    page.wait_for_selector(".folium-map[data-loaded-commune]")
    markers = page.locator("path.leaflet-interactive[fill='#d7301f']")
    assert markers.count() >= 3
    # Each place's popup in turn (Leaflet keeps one open at a time): its text, and
    # whether anything in it became an element.
    popups = page.evaluate("""() => {
        const map = window[document.querySelector('.folium-map').id];
        const seen = [];
        map.eachLayer(l => {
            if (!(l.getPopup && l.getPopup())) { return; }
            l.openPopup();
            // This popup's own element: a closed one fades out, still in the page.
            const box = l.getPopup().getElement().querySelector('.leaflet-popup-content');
            seen.push([box.textContent, box.querySelectorAll('img, script').length]);
        });
        return seen;
    }""")
    text = " ".join(content for content, _ in popups)
    for payload in PAYLOADS:
        assert f"Cellule {payload}" in text
    assert all(elements == 0 for _, elements in popups)
    assert page.evaluate("window.__xss") is None

    page.goto(f"{page.base_url}/territories/{FIGUIG}?lang=fr")
    body = page.locator("main").inner_text()
    for payload in PAYLOADS:
        assert f"Cellule {payload}" in body  # the measure's title
        assert f"Association {payload}" in body  # its partner's name
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.watched.console_errors == [] and page.watched.page_errors == []


def test_a_popup_on_an_arabic_map_is_right_to_left_around_a_french_title(page, records):
    page.goto(f"{page.base_url}/map?lang=ar")
    page.wait_for_selector(".folium-map[data-loaded-commune]")
    directions = page.evaluate("""() => {
        const map = window[document.querySelector('.folium-map').id];
        let found = null;
        map.eachLayer(l => { if (!found && l.getPopup && l.getPopup()) { found = l; } });
        found.openPopup();
        const box = found.getPopup().getElement().querySelector('.leaflet-popup-content > div');
        return [getComputedStyle(box).direction,
                getComputedStyle(box.querySelector('strong')).direction,
                box.querySelector('a').textContent];
    }""")
    assert directions == ["rtl", "ltr", "فتح صفحة التدبير"]


def test_open_a_comparison_of_the_pilot_regions(page, records):
    page.goto(f"{page.base_url}/language/en?next=/map")
    page.click("nav.site-nav a[href='/compare']")
    page.wait_for_url("**/compare")
    table = page.locator("table").first.inner_text()
    for name in ("Oriental", "Tanger-Tétouan-Al Hoceima", "Béni Mellal-Khénifra"):
        assert name in table
    assert page.locator("svg").count() >= 3
    page.select_option("select[name=sector]", "health")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**sector=health**")
    assert page.watched.console_errors == [] and page.watched.refused == []


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_on_a_phone_the_pages_do_not_scroll_sideways(page, records, lang):
    page.set_viewport_size({"width": 390, "height": 800})
    for path in (f"/territories/{FIGUIG}", "/compare?level=region&codes=02&codes=01&codes=05"):
        page.goto(
            f"{page.base_url}{path}?lang={lang}"
            if "?" not in path
            else f"{page.base_url}{path}&lang={lang}"
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
