"""The self-assessment scores in a real browser, in French and Arabic, on a desk and a
phone: the map greys the territories not assessed, says so in its legend and tooltips
and links to how scores are computed; the comparison sets the dimensions side by side."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser.map_scripts import TOOLTIPS
from tests.support import BOUARFA, FIGUIG, make_assessment
from tracker.extensions import db
from tracker.models import Assessment

SHOTS = Path(os.environ.get("TRACKER_SHOTS", "/tmp/shots/assessment-scores"))
QUESTIONS = [f"Q{n}" for n in range(1, 16)]
SIZES = {"desk": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def database_url(demo_database_url):
    return demo_database_url


@pytest.fixture
def assessed(live_server):
    """The Oriental and Tanger councils, the province and the commune of Figuig, and
    Bouarfa, each with a validated 2025 assessment; every other territory not assessed
    (the demo's own assessments are taken away first)."""
    app = live_server.app
    with app.app_context():
        for assessment in db.session.scalars(select(Assessment)):
            db.session.delete(assessment)
        db.session.commit()
    make_assessment(app, "02", 2025, {"Q4": "not_applicable", "Q9": "not_applicable"})
    make_assessment(app, "01", 2025, {q: 1 for q in QUESTIONS[:8]} | {"Q4": "not_applicable"})
    make_assessment(app, "02.251", 2025, {q: 3 for q in QUESTIONS[:5]})
    make_assessment(app, FIGUIG, 2025, {q: 3 for q in QUESTIONS})
    make_assessment(app, BOUARFA, 2025, {q: 1 for q in QUESTIONS})
    return app


LEGEND = """() => Array.from(document.querySelectorAll('.map-legend-row')).map(row => {
    const link = row.querySelector('a');
    if (link) { return ['link', link.textContent, link.getAttribute('href')]; }
    return [row.querySelector('.map-legend-label').textContent,
            getComputedStyle(row.querySelector('.map-legend-swatch')).backgroundColor,
            row.querySelector('.map-legend-swatch').classList.contains('dashed')];
})"""


@pytest.mark.parametrize(
    "lang, not_assessed, how, potential",
    [
        ("fr", "Non évalué", "Calcul des scores", "(potentiel 2 questions)"),
        ("ar", "غير مُقيَّم", "طريقة احتساب النقط", "(الإمكانات: سؤالان)"),
    ],
)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_score_map(page, assessed, lang, not_assessed, how, potential, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{page.base_url}/map?metric=assessment_D3&level=commune&lang={lang}")
    page.wait_for_selector(".folium-map[data-loaded-commune]", timeout=60_000)
    if size == "phone":
        page.locator(".map-legend-title").click()  # folded at first on a phone
    legend = page.evaluate(LEGEND)
    assert [not_assessed, "rgb(207, 207, 207)", True] in legend
    assert ["link", how, "/methodology"] in legend
    tooltips = page.evaluate(TOOLTIPS)
    assert tooltips[FIGUIG][0].endswith(potential)
    assert tooltips["02.251.03.03"][0].endswith(
        not_assessed.lower() if lang == "fr" else not_assessed
    )
    assert tooltips["02.251.03.03"][1] == "#cfcfcf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"map-{lang}-{width}.png"))
    assert page.watched.console_errors == [] and page.watched.page_errors == []
    assert page.watched.refused == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_comparison_of_dimensions(page, assessed, lang, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{page.base_url}/compare?level=region&codes=02&codes=01&codes=05&lang={lang}")
    chart = page.locator("#chart-assessment_dimensions")
    assert chart.count() == 1
    assert chart.locator(".dimension-label").count() == 6
    # No bar runs out of the chart's box, whatever the direction.
    inside = page.evaluate(
        """() => { const svg = document.querySelector('#chart-assessment_dimensions svg');
        const box = svg.viewBox.baseVal;
        return Array.from(svg.querySelectorAll('text, rect')).every(e => {
            const b = e.getBBox();
            return b.x >= -1 && b.x + b.width <= box.width + 1; }); }"""
    )
    assert inside
    # Every bar is drawn at the length the chart gives it (the page's styles leave it be).
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('#chart-assessment_dimensions rect.bar'))
            .map(r => [r.getBBox().width, Number(r.getAttribute('width'))])"""
    )
    assert drawn and all(abs(got - wanted) < 0.5 for got, wanted in drawn)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".compare-table").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"compare-table-{lang}-{width}.png"))
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"compare-chart-{lang}-{width}.png"))
    assert page.watched.console_errors == [] and page.watched.page_errors == []
