"""The programme metrics in a real browser: the map coloured by how each regional
council's PDR integrates migration, with its categorical legend in Arabic, and a French
name in an Arabic comparison chart keeping its order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.map_scripts import TOOLTIPS
from tests.support import make_programme, make_validated_measure

SHOTS = Path(os.environ.get("TRACKER_SHOTS", "/tmp/shots/progmetrics"))
FRENCH = "Tanger-Tétouan-Al Hoceïma (région)"


@pytest.fixture
def pdrs(live_server):
    """A validated PDR (2022-2027) for the Oriental (dedicated), Tanger-Tétouan-Al
    Hoceïma (mentioned) and Béni Mellal-Khénifra (absent)."""
    for code, integration in (("02", "dedicated"), ("01", "mentioned"), ("05", "absent")):
        make_programme(
            live_server.app,
            territory_code=code,
            kind="PDR",
            title=f"Programme de développement régional {code}",
            first_year="2022",
            last_year="2027",
            integration=integration,
        )


LEGEND = """() => Array.from(document.querySelectorAll('.map-legend-row')).map(row => [
    row.querySelector('.map-legend-label').textContent,
    getComputedStyle(row.querySelector('.map-legend-swatch')).backgroundColor,
    row.querySelector('.map-legend-swatch').classList.contains('dashed')])"""


def test_the_programme_map_has_a_categorical_legend_in_arabic(page, pdrs):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{page.base_url}/map?metric=programme_integration&level=region&year=2025&lang=ar")
    page.wait_for_selector(".folium-map[data-loaded-region]", timeout=30_000)
    title = page.locator(".map-legend-title").inner_text()
    assert title == "كيف يدمج برنامج الجماعة الترابية الهجرة: البرامج الجارية في 2025"
    legend = page.evaluate(LEGEND)
    assert [label for label, _fill, _dashed in legend[:4]] == [
        "غائبة",
        "مُشار إليها",
        "محور أو تدابير مخصصة",
        "لا يوجد برنامج مسجل",
    ]
    assert len({fill for _label, fill, _dashed in legend[:4]}) == 4
    assert legend[3][2]  # no programme: dashed, as no data is drawn
    tooltips = page.evaluate(TOOLTIPS)
    assert tooltips["02"] == ["الشرق محور أو تدابير مخصصة", "#2166ac"]
    assert tooltips["05"][0].endswith("غائبة")
    assert tooltips["03"][0].endswith("لا يوجد برنامج مسجل")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-programme-integration-ar-1280.png"))
    assert page.watched.console_errors == [] and page.watched.refused == []


CHAR_X = """([text, wanted]) => {
    const label = Array.from(document.querySelectorAll('#chart-measures_per_100k .bar-label'))
        .find(t => t.textContent.includes(text));
    const at = c => label.getStartPositionOfChar(label.textContent.indexOf(c)).x;
    return wanted.map(at);
}"""


def test_a_french_name_keeps_its_order_in_an_arabic_chart(page, live_server):
    from tracker.extensions import db
    from tracker.models import Territory

    app = live_server.app
    make_validated_measure(app, "01", "Mesure de Tanger")
    make_validated_measure(app, "02", "Mesure de l'Oriental")
    with app.app_context():
        db.session.get(Territory, "01").name_ar = FRENCH
        db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{page.base_url}/compare?level=region&codes=02&codes=01&lang=ar")
    tanger, opening, closing = page.evaluate(CHAR_X, [FRENCH, ["T", "(", ")"]])
    # Left to right inside the isolate, whatever the page's direction: the closing
    # bracket ends the name on the right, not at its left as bare text would put it.
    assert tanger < opening < closing
