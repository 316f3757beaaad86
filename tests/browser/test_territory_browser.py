"""A territory page at a glance, as a browser lays it out, on the demo data and the real
boundaries: on a 390 px phone the page never scrolls sideways, the measures table scrolls in
its own box with each title in view, the bars of the years chart are as long as their counts
say, and the locator map is drawn, small. Screenshots of Figuig's page and the Oriental's,
in Arabic, French and English at 1280 and 390 px, are saved under the test's tmp_path.
"""

from __future__ import annotations

import pytest

FIGUIG = "02.251.01.03"

# Where the first cell of a row is, and where its scrolling box is, after scrolling the box
# to its far end (leftwards on a right-to-left page).
SCROLLED = """box => {
    box.scrollLeft = getComputedStyle(box).direction === "rtl" ? -box.scrollWidth : box.scrollWidth;
    const cell = box.querySelector("tbody tr:not(.group) > td");
    const seen = box.getBoundingClientRect(), at = cell.getBoundingClientRect();
    return {moved: Math.abs(box.scrollLeft), box: [seen.left, seen.right], cell: [at.left, at.right],
            wide: box.scrollWidth > box.clientWidth};
}"""


@pytest.fixture
def database_url(demo_database_url):
    """Every test of this module reads a fresh copy of the demo database."""
    return demo_database_url


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_figuig_on_a_phone_never_scrolls_sideways(page, tmp_path, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/territories/{FIGUIG}?lang={lang}")
    page.screenshot(path=str(tmp_path / f"figuig-{lang}-390.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    # The measures table is wider than the phone: it scrolls in its own box, and the
    # title of each measure stays in view at its far end.
    state = page.locator(".table-scroll").evaluate(SCROLLED)
    assert state["wide"] and state["moved"] > 0
    box_left, box_right = state["box"]
    cell_left, cell_right = state["cell"]
    assert box_left - 1 <= cell_left and cell_right <= box_right + 1
    assert cell_right - cell_left >= 120  # a title has room to be read
    title = page.locator(".table-scroll tbody td a[dir=auto]").first
    assert title.is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert not page.watched.page_errors and not page.watched.refused


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_years_bars_are_as_long_as_their_counts(page, lang):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/territories/{FIGUIG}?lang={lang}")
    rows = page.locator(".years-chart tbody tr")
    bars = {
        int(rows.nth(i).locator("th").inner_text()): (
            int(rows.nth(i).locator("a").inner_text()),
            rows.nth(i).locator(".bar").bounding_box(),
        )
        for i in range(rows.count())
    }
    longest = max(box["width"] for _count, box in bars.values())
    most = max(count for count, _box in bars.values())
    assert bars[2023][0] == 2 and bars[2024][0] == 4
    for count, box in bars.values():
        assert box["width"] == pytest.approx(longest * count / most, abs=1.5)
    # Bars start where the page's text starts: at the right in Arabic.
    starts = {round(box["x"] + (box["width"] if lang == "ar" else 0)) for _c, box in bars.values()}
    assert len(starts) == 1


@pytest.mark.parametrize("path", [f"/territories/{FIGUIG}", "/territories/02"])
def test_the_locator_is_drawn_small_and_leads_to_the_map(page, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}{path}?lang=en")
    svg = page.locator("a.locator-link > svg.locator")
    box = svg.bounding_box()
    assert 100 <= max(box["width"], box["height"]) <= 240
    assert len(svg.evaluate("s => s.outerHTML").encode("utf-8")) < 20_000
    assert svg.locator("path.locator-target").bounding_box()["width"] > 0
    code = path.rsplit("/", 1)[1]
    assert page.locator("a.locator-link").get_attribute("href") == f"/map?focus={code}"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
@pytest.mark.parametrize("path", [f"/territories/{FIGUIG}", "/territories/02"])
def test_screenshots_of_a_commune_and_a_region(page, tmp_path, path, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{page.base_url}{path}?lang={lang}")
    name = "figuig" if path.endswith(FIGUIG) else "oriental"
    page.screenshot(path=str(tmp_path / f"{name}-{lang}-{width}.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert page.locator("p.as-of time").count() == 1
    assert not page.watched.page_errors and not page.watched.refused
