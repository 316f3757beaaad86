"""The methodology page in a real browser: on a phone (390 px) and a desktop (1280 px), in
Arabic, French and English, nothing scrolls sideways; printed, it keeps only the content.
Screenshots are kept when SCREENSHOTS names a folder, to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker import create_app

SHOTS = os.environ.get("SCREENSHOTS")
HEADINGS = {
    "ar": "منهجية التقييم الذاتي",
    "fr": "Méthodologie de l'auto-évaluation",
    "en": "Methodology of the self-assessment",
}

# The left edge of where `text` is laid out inside `element`.
LEFT_OF = """([element, text]) => {
    const node = element.firstChild, at = node.textContent.indexOf(text);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    return range.getBoundingClientRect().left;
}"""


@pytest.fixture
def live_app(database_url, fake_geography):
    """The page reads no boundaries: the small stand-in geography is enough."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )


def _shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_does_not_scroll_sideways(page, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{page.base_url}/methodology?lang={lang}")
    assert page.locator("h1").inner_text() == HEADINGS[lang]
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The "not applicable" table fits as it is: no scrolling of its own.
    table = page.locator("table.na-rules")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    assert table.locator("tbody tr").count() == 15
    # The publication date reads year first on every page, Arabic included.
    day = page.locator(".set-version bdi").element_handle()
    assert page.evaluate(LEFT_OF, [day, "2026"]) < page.evaluate(LEFT_OF, [day, "07"])
    _shoot(page, f"methodology-{lang}-{width}")
    page.locator("#not-applicable").scroll_into_view_if_needed()
    _shoot(page, f"methodology-{lang}-{width}-not-applicable")
    page.locator("#Q9").scroll_into_view_if_needed()
    _shoot(page, f"methodology-{lang}-{width}-q9")
    assert page.watched.console_errors == [] and page.watched.refused == []


def test_printed_the_page_keeps_only_its_content(page):
    page.goto(f"{page.base_url}/methodology?lang=fr")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("nav.toc").is_visible()
    assert page.locator("#Q15").is_visible()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(Path(SHOTS) / "methodology-fr.pdf"), format="A4")
