"""The comparison page of two to four territories: its table against the statistics,
the sectors covered and the gaps, small counts shown as <5, the seven charts with their
text alternatives (mirrored on an Arabic page), the links to the downloads, and the form
that offers provinces by region and communes typed by name or code."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from tests.compare_support import (
    PILOT,
    SEARCH_SCRIPT,
    csv_lines,
    get,
    measures_in_sector,
    read_table,
    svgs,
)

# Fixtures: pytest finds them among this module's names.
from tests.compare_support import compare_registered as compare_registered
from tests.compare_support import database_url as database_url
from tests.compare_support import small_count as small_count
from tests.support import BOUARFA, FIGUIG
from tracker.compare.views import ASSESSMENT_CHART_BUILDERS, CHART_BUILDERS
from tracker.extensions import db
from tracker.i18n import metric_text
from tracker.models import Territory
from tracker.stats import METRICS, Filters, metric_values
from tracker.stats import assessments as assessment_stats


def expected_cell(app, key: str, level: str, code: str, filters: Filters = Filters()) -> str:
    """What the page should show for metric `key` of `code`, from `tracker.stats`: a
    dimension's score is followed by its potential (the questions that apply)."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        metric = METRICS[key]
        values = metric_values(key, level, filters)
        if values.get(code) is None:
            return str(metric.no_value)  # "no data", "not assessed" for a score
        shown = metric_text(metric, values[code])
        if assessment_stats.dimension_of(key):
            potential = assessment_stats.details(key, level, filters)[code].potential
            shown += f"potential {potential} question" + ("s" if potential != 1 else "")
        return shown


# ---- the page -------------------------------------------------------------------------------


def test_default_page_compares_the_pilot_regions(client):
    response, page = get(client)
    assert response.status_code == 200
    table = read_table(page)
    assert table.columns == PILOT
    assert "Oriental" in page and "Béni Mellal-Khénifra" in page
    for code in PILOT:
        assert f'href="/territories/{code}"' in page
    # The shareable address holds the whole comparison.
    assert "/compare?level=region&amp;codes=02&amp;codes=01&amp;codes=05" in page
    assert "/compare.csv?level=region&amp;codes=02&amp;codes=01&amp;codes=05" in page


def test_the_page_offers_the_three_downloads_with_its_filters(client):
    _, page = get(client, "?level=region&codes=02&codes=01&sector=health&year=2024")
    for extension, label in (
        ("csv", "Download as CSV"),
        ("xlsx", "Download as XLSX"),
        ("geojson", "Download as GeoJSON"),
    ):
        link = re.search(rf'<a [^>]*href="/compare\.{extension}\?([^"]*)"[^>]*>([^<]*)</a>', page)
        assert link, extension
        assert link.group(2) == label
        for part in ("level=region", "codes=02", "codes=01", "year=2024", "sector=health"):
            assert part in link.group(1).split("&amp;"), (extension, part)


def test_table_values_equal_the_statistics(app, client):
    _, page = get(client, "?level=region&codes=02&codes=01&codes=05")
    table = read_table(page)
    for key in METRICS:
        for code in PILOT:
            assert table.rows[key][code] == expected_cell(app, key, "region", code), (key, code)
    with app.app_context():
        oriental = db.session.get(Territory, "02")
        assert table.rows["population_2024"]["02"] == f"{oriental.population_2024:,}"
        assert table.rows["population_2014"]["02"] == f"{oriental.population_2014:,}"
    # Every metric's definition is on the page.
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        for metric in METRICS.values():
            assert html.escape(str(metric.definition), quote=False) in page


def test_sectors_not_covered_are_marked(app, client):
    _, page = get(client, "?codes=01&codes=05")
    table = read_table(page)
    health_01 = measures_in_sector(app, "01", "health")
    assert health_01 > 0
    assert table.rows["sector:health"]["01"] == f"✓ {health_01} measures"
    assert measures_in_sector(app, "05", "health") == 0
    assert table.rows["sector:health"]["05"] == "not covered"
    # Neither covers flow management: a gap, said in words, in the table and the grid.
    assert measures_in_sector(app, "01", "flows_trafficking") == 0
    assert measures_in_sector(app, "05", "flows_trafficking") == 0
    assert "gap" in table.row_classes["sector:flows_trafficking"]
    assert "gap" not in table.row_classes["sector:health"]
    assert "gap: none of these territories covers it" in page
    assert "Sectors none of these territories covers:" in page
    grid = next(svg for svg in svgs(page) if 'id="svg-sectors-title"' in svg)
    assert ">gap</text>" in grid
    assert f">{health_01}</text>" in grid


def test_the_oriental_covers_every_sector(client):
    _, page = get(client)
    table = read_table(page)
    sector_rows = [key for key in table.rows if key.startswith("sector:")]
    assert len(sector_rows) == 11
    assert all(table.rows[key]["02"].startswith("✓") for key in sector_rows)
    assert "Every sector is covered by at least one of these territories." in page


def test_no_data_is_not_zero(client):
    # Fès-Meknès has nothing recorded in the demo.
    _, page = get(client, "?codes=02&codes=03")
    table = read_table(page)
    assert table.rows["measures"]["03"] == "no data"
    assert table.rows["sector:health"]["03"] == "no data"
    assert table.rows["measures"]["02"] != "no data"


def test_a_sector_filter_changes_the_figures(app, client):
    _, everything = get(client)
    _, health = get(client, "?level=region&codes=02&codes=01&codes=05&sector=health")
    all_rows, health_rows = read_table(everything).rows, read_table(health).rows
    filters = Filters(sector="health")
    for code in PILOT:
        assert health_rows["measures"][code] == expected_cell(
            app, "measures", "region", code, filters
        )
    assert health_rows["measures"] != all_rows["measures"]
    assert "With a sector chosen" in health


def test_seven_charts_with_text_alternatives(client):
    _, page = get(client)
    found = svgs(page)
    # The demo's regional councils are assessed: the two score charts are drawn too.
    assert len(found) == len(CHART_BUILDERS) + len(ASSESSMENT_CHART_BUILDERS) == 7
    assert "None of these territories has a validated self-assessment" not in page
    for svg in found:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        # Values are written as text too, beside their bar.
    bars = next(svg for svg in found if "svg-measures_per_100k-title" in svg)
    assert bars.count('class="bar-label"') == 3
    assert bars.count('class="bar-value"') == 3


def test_bars_are_proportional_to_the_largest_value(app, client):
    _, page = get(client)
    bars = next(svg for svg in svgs(page) if "svg-measures_per_100k-title" in svg)
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*width="([\d.]+)"', bars)]
    with app.app_context():
        values = metric_values("measures_per_100k", "region")
    expected = [values[code] for code in PILOT]
    assert len(widths) == 3
    for width, value in zip(widths, expected, strict=True):
        assert width / max(widths) == pytest.approx(value / max(expected), abs=0.01)


def test_arabic_page_is_right_to_left_and_self_contained(client):
    response, page = get(client, "?lang=ar")
    assert response.status_code == 200
    assert 'dir="rtl"' in page
    assert "الشرق" in page
    found = svgs(page)
    assert found
    for svg in found:
        assert 'direction="rtl"' in svg
        for outside in ("http", "href", "url(", "<script", "<image", "<foreignObject"):
            assert outside not in svg
    # Mirrored: the names stand on the right of their bars.
    bars = next(svg for svg in found if "svg-measures_per_100k-title" in svg)
    label_x = float(re.search(r'class="bar-label" x="([\d.]+)"', bars).group(1))
    bar = re.search(r'class="bar" x="([\d.]+)"[^>]*width="([\d.]+)"', bars)
    assert float(bar.group(1)) + float(bar.group(2)) < label_x
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    # No inline script: the only one is the search box's, served by the app.
    assert "<script" not in SEARCH_SCRIPT.sub("", page, count=1)


def test_english_bars_have_names_on_the_left(client):
    _, page = get(client)
    bars = next(svg for svg in svgs(page) if "svg-measures_per_100k-title" in svg)
    label_x = float(re.search(r'class="bar-label" x="([\d.]+)"', bars).group(1))
    bar_x = float(re.search(r'class="bar" x="([\d.]+)"', bars).group(1))
    assert label_x < bar_x
    assert 'direction="ltr"' in bars


# ---- small counts ---------------------------------------------------------------------------


def test_small_counts_show_as_less_than_five(client, small_count):
    _, page = get(client, f"?level=commune&codes={BOUARFA}&codes={FIGUIG}")
    table = read_table(page)
    assert table.rows["beneficiaries"][BOUARFA] == "<5"
    assert table.rows["beneficiaries"][FIGUIG] not in ("<5", "no data")
    rows = csv_lines(client, f"?level=commune&codes={BOUARFA}&codes={FIGUIG}")
    beneficiaries = next(row for row in rows if row[0] == "beneficiaries")
    assert beneficiaries[2] == "<5"


# ---- the form -------------------------------------------------------------------------------


def test_provinces_are_offered_by_region(client):
    response, page = get(client, "?level=province")
    assert response.status_code == 200
    assert "<optgroup" in page and 'value="02.251"' in page
    assert "Choose two to four territories above" in page


def test_communes_are_typed_with_pilot_suggestions(app, client):
    response, page = get(client, f"?level=commune&codes={FIGUIG}&codes={BOUARFA}")
    assert response.status_code == 200
    datalist = re.search(r'<datalist id="commune-list">(.*?)</datalist>', page, flags=re.S)
    suggested = re.findall(r'<option value="([\d.]+)"', datalist.group(1))
    with app.app_context():
        pilot_communes = db.session.scalar(
            select(func.count())
            .select_from(Territory)
            .where(Territory.level == "commune", Territory.region_code.in_(PILOT))
        )
    assert len(suggested) == pilot_communes
    assert all(code[:2] in PILOT for code in suggested)
    assert f'value="{FIGUIG}"' in page
    assert 'list="commune-list"' in page


def test_a_commune_typed_by_name_redirects_to_its_code(client):
    response = client.get(f"/compare?level=commune&codes=Figuig&codes={BOUARFA}")
    assert response.status_code == 302
    assert f"codes={FIGUIG}" in response.headers["Location"]
    assert f"codes={BOUARFA}" in response.headers["Location"]


def test_the_level_follows_the_codes_when_not_given(client):
    response, page = get(client, f"?codes={FIGUIG}&codes={BOUARFA}")
    assert response.status_code == 200
    assert read_table(page).columns == [FIGUIG, BOUARFA]
