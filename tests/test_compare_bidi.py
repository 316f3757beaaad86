"""The comparison's charts on an Arabic page with a French name among the territories:
every name the SVG writes is isolated in its own direction."""

from __future__ import annotations

import re

from tracker.extensions import db
from tracker.models import Territory

# A French name where an Arabic one is expected: HCP leaves a few untranslated.
FRENCH = "Tanger-Tétouan-Al Hoceïma (région)"


def test_a_french_name_in_an_arabic_chart_is_isolated(app, client, validated_measure):
    validated_measure("01", "Mesure de Tanger")
    validated_measure("02", "Mesure de l'Oriental")
    with app.app_context():
        db.session.get(Territory, "01").name_ar = FRENCH
        db.session.commit()
    page = client.get("/compare?level=region&codes=02&codes=01&lang=ar").get_data(as_text=True)
    bars = page[page.index('id="chart-measures_per_100k"') :]
    bars = bars[: bars.index("</svg>")]
    assert 'direction="rtl"' in bars
    labels = re.findall(r'class="bar-label"[^>]*>([^<]*)</text>', bars)
    assert labels == ["&#x2068;الشرق&#x2069;", f"&#x2068;{FRENCH}&#x2069;"]
    assert f"<title>&#x2068;{FRENCH}&#x2069;: " in bars
    assert f"\u2068{FRENCH}\u2069: " in bars  # the chart's description
    grid = page[page.index('id="chart-sectors"') :]
    assert f"&#x2068;{FRENCH[:23]}…&#x2069;</text>" in grid  # its heading, fitted
    assert f"<title>\u2068{FRENCH}\u2069 — " in grid  # a cell's tooltip
