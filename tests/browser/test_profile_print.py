"""The migration-governance profile printed from Chromium to an A4 PDF, in Arabic,
French and English, on the demo data with two years assessed: a few pages, a break
before each main section, no navigation, and the section titles in the language asked.
The territory page and the profile on a 1280 px screen and a 390 px phone never scroll
sideways; screenshots and the PDFs are saved under the test's tmp_path.
"""

from __future__ import annotations

import re

import pytest

from tests.support import make_assessment

FIGUIG = "02.251.01.03"
ORIENTAL = "02"
# The width A4 leaves between the profile's print margins (210 - 2 × 14 mm), in CSS pixels.
A4_TEXT_WIDTH = round((210 - 28) / 25.4 * 96)

TITLES = {
    "fr": (
        "Profil de gouvernance migratoire",
        "Le territoire",
        "Scores de l'auto-évaluation",
        "Domaines bien développés",
        "Domaines à fort potentiel de développement",
        "Secteurs de la SNIA couverts et non couverts",
        "À propos de ces données",
    ),
    "ar": (
        "ملف حكامة الهجرة",
        "الوحدة الترابية",
        "نتائج التقييم الذاتي",
        "المجالات المتطورة بشكل جيد",
        "مجالات قابلة لمزيد من التطوير",
        "قطاعات الاستراتيجية الوطنية للهجرة واللجوء المشمولة وغير المشمولة",
        "حول هذه المعطيات",
    ),
    "en": (
        "Migration-governance profile",
        "The territory",
        "Self-assessment scores",
        "Areas that are well developed",
        "Areas with potential for further development",
        "SNIA sectors covered and not covered",
        "About these data",
    ),
}

# The elements of the profile wider than the printed page, or starting outside it.
OVERFLOWING = """width => [...document.querySelectorAll('.profile *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.left < -1 || r.right > width + 1); })
    .map(e => e.tagName + '.' + e.className)"""


@pytest.fixture
def database_url(demo_database_url):
    """Every test of this module reads a fresh copy of the demo database."""
    return demo_database_url


@pytest.fixture
def assessed(live_app):
    """Figuig assessed in 2025 and 2026 (with answers at 0, 1 and 3), the Oriental's
    council in 2026."""
    make_assessment(live_app, FIGUIG, 2025, {"Q1": 1, "Q2": 2, "Q9": 0, "Q10": 3})
    make_assessment(
        live_app,
        FIGUIG,
        2026,
        {"Q1": 1, "Q2": 3, "Q3": 0, "Q9": 1, "Q10": 3, "Q13": 3},
        evidence_reference="Délibération n° 12/2026 du 3 mars 2026",
        evidence_url="https://example.org/deliberation-12",
    )
    make_assessment(live_app, ORIENTAL, 2026, {"Q4": "not_applicable", "Q9": "not_applicable"})


def page_count(pdf: bytes) -> int:
    """The pages of a PDF as Chromium writes it (one `/Type /Page` object each)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_profile_prints_on_a_few_a4_pages_in_the_language_asked(page, assessed, tmp_path, lang):
    page.set_viewport_size({"width": A4_TEXT_WIDTH, "height": 1000})
    page.goto(f"{page.base_url}/territories/{FIGUIG}/profile?lang={lang}")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    (tmp_path / f"profile-{lang}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    assert 3 <= page_count(pdf) <= 8

    # What prints: the profile without the site's header, footer or the screen's hint.
    for chrome in (".site-header", ".site-footer", ".breadcrumb", ".profile-print-hint"):
        assert page.locator(chrome).is_hidden(), chrome
    assert page.locator(".profile .good-practices").first.is_hidden()
    # Read as laid out (the kind of page is written in capitals).
    printed = page.locator("article.profile").inner_text().casefold()
    for title in TITLES[lang]:
        assert title.casefold() in printed, title
    other = "en" if lang != "en" else "fr"
    assert TITLES[other][2].casefold() not in printed

    # The scores and the areas start a page, the sectors follow the areas; a table
    # going on over a page repeats its header, not its total; nothing is wider than the page.
    breaks = page.eval_on_selector_all(
        ".profile-part", "parts => parts.map(p => getComputedStyle(p).breakBefore)"
    )
    assert breaks == ["auto", "page", "page", "auto", "auto"], breaks
    totals = page.eval_on_selector_all(
        ".profile tfoot", "feet => feet.map(f => getComputedStyle(f).display)"
    )
    assert totals and set(totals) == {"table-row-group"}
    assert page.evaluate(OVERFLOWING, A4_TEXT_WIDTH) == []
    direction = page.evaluate("getComputedStyle(document.querySelector('.profile')).direction")
    assert direction == ("rtl" if lang == "ar" else "ltr")
    assert not page.watched.page_errors and not page.watched.refused


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_territory_page_and_the_profile_fit_the_screen(page, assessed, tmp_path, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in (
        ("territory", f"/territories/{FIGUIG}"),
        ("region", f"/territories/{ORIENTAL}"),
        ("profile", f"/territories/{FIGUIG}/profile"),
    ):
        page.goto(f"{page.base_url}{path}?lang={lang}")
        if name != "profile":
            page.locator(".assessment-answers > summary").click()
            page.locator(".self-assessment").screenshot(
                path=str(tmp_path / f"{name}-{lang}-{width}.png")
            )
        else:
            page.screenshot(path=str(tmp_path / f"{name}-{lang}-{width}.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, name
    # On a phone each dimension's bar takes the width, under the dimension's name.
    if width == 390:
        page.goto(f"{page.base_url}/territories/{FIGUIG}?lang={lang}")
        bar = page.locator(".score-chart tbody tr").first.locator(".score-track").bounding_box()
        assert bar["width"] > 200
    assert not page.watched.page_errors and not page.watched.refused
