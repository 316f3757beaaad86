"""The API page in a real browser, offline: Swagger UI, served by the app, renders every
operation in Arabic, French and English, the page's own text in its language and
direction, and no request leaves the site.

Screenshots are kept when SCREENSHOTS names a folder, to be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker import create_app

SHOTS = os.environ.get("SCREENSHOTS")

# What each language's page says, and how its API describes the measures list.
PAGES = {
    "ar": ("واجهة برمجة التطبيقات للمتتبع", "rtl", "التدابير المصادق عليها"),
    "fr": ("L'API du suivi", "ltr", "Les mesures validées"),
    "en": ("The tracker's API", "ltr", "Validated measures"),
}


@pytest.fixture
def live_app(demo_database_url, fake_geography):
    """The app on the demo data; the API page needs no boundaries."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": demo_database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_api_page_renders_every_operation_offline(page, lang):
    heading, direction, measures = PAGES[lang]
    page.goto(f"{page.base_url}/?lang={lang}")
    page.get_by_role("navigation", name={"ar": "الرئيسية", "fr": "Principal", "en": "Main"}[lang])
    page.locator(".site-nav a[href='/api']").click()
    page.wait_for_url("**/api")
    operation = page.locator(".opblock-summary-path[data-path='/measures']")
    operation.wait_for(timeout=20_000)

    assert page.locator("h1").inner_text() == heading
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("html").get_attribute("lang") == lang
    link = page.locator(f"a[href='/api/v1/openapi.json?lang={lang}']")
    assert link.count() == 1
    paths = page.eval_on_selector_all(
        ".opblock-summary-path", "nodes => nodes.map(n => n.dataset.path)"
    )
    assert {"/territories", "/measures", "/programmes", "/organisations", "/stats"} <= set(paths)
    summary = page.locator(".opblock-tag-section .opblock-get").filter(has=operation)
    assert measures in summary.locator(".opblock-summary-description").inner_text()

    # Opened, the measures list shows its parameters, the sector's keys among them.
    operation.click()
    page.locator("tr[data-param-name='sector']").wait_for()
    sector = page.locator("tr[data-param-name='sector'] select")
    assert "health" in sector.inner_text()

    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(Path(SHOTS) / f"api-{lang}-{width}.png"), full_page=False)
            operation.scroll_into_view_if_needed()
            shot = Path(SHOTS) / f"api-{lang}-{width}-measures.png"
            page.screenshot(path=str(shot), full_page=False)
    assert page.watched.refused == []
    assert page.watched.page_errors == []
    assert page.watched.console_errors == []


def test_a_request_tried_from_the_page_stays_on_the_site(page):
    page.goto(f"{page.base_url}/api?lang=fr")
    operation = page.locator(".opblock-summary-path[data-path='/programmes']")
    operation.wait_for(timeout=20_000)
    operation.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=10_000)
    assert status.inner_text().strip() == "200"
    assert "Programme" in page.locator(".live-responses-table .microlight").first.inner_text()
    assert page.watched.refused == []
    assert page.watched.page_errors == []
