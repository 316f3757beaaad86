"""The comparison of two to four territories: the page, its table against the statistics,
the charts, the CSV, XLSX and GeoJSON downloads, and every bad input answered 400 with a
message."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.accounts import create_user
from tracker.compare import bp
from tracker.compare.views import ASSESSMENT_CHART_BUILDERS, CHART_BUILDERS
from tracker.extensions import db
from tracker.i18n import metric_text
from tracker.models import Measure, Territory
from tracker.models.record import measure_sector
from tracker.records import service
from tracker.stats import METRICS, Filters, metric_values
from tracker.stats import assessments as assessment_stats

PILOT = ["02", "01", "05"]
# The page's one script: the search box's, served by the app (never inline).
SEARCH_SCRIPT = re.compile(r'<script src="/static/search\.[0-9a-f]{10}\.js" defer></script>')
FIGUIG, BOUARFA = "02.251.01.03", "02.251.01.01"


# ---- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def database_url(demo_database_url):
    """Each test of this module starts from a fresh copy of the demo database."""
    return demo_database_url


@pytest.fixture(autouse=True)
def compare_registered(app):
    if "compare" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def small_count(app):
    """A validated measure of Bouarfa that reached 3 people: a count public outputs hide."""
    with app.app_context():
        admin = create_user("compare.admin@example.org", "a long admin password", "admin")
        measure = service.save_measure(
            admin,
            {
                "territory_code": BOUARFA,
                "title": "Permanence d'orientation",
                "kind": "service",
                "status": "ongoing",
                "sectors": ["social_humanitarian"],
                "start_date": "2024-01-01",
                "beneficiaries_total": 3,
            },
        )
        service.transition(admin, "measure", measure, "submit")
        service.transition(admin, "measure", measure, "validate")
        db.session.commit()


# ---- reading the page -----------------------------------------------------------------------


class _Table(HTMLParser):
    """The comparison table as `{row key: {code: cell text}}`, the rows' classes, and the
    codes of the column headings in order."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.row_classes: dict[str, str] = {}
        self.columns: list[str] = []
        self._row = None
        self._code = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-row" in attrs:
            self._row = attrs["data-row"]
            self.rows[self._row] = {}
            self.row_classes[self._row] = attrs.get("class") or ""
        elif tag == "td" and self._row and "data-code" in attrs:
            self._code = attrs["data-code"]
            self._text = []
        elif tag == "th" and "data-code" in attrs:
            self.columns.append(attrs["data-code"])

    def handle_endtag(self, tag):
        if tag == "td" and self._code:
            self.rows[self._row][self._code] = "".join(self._text).strip()
            self._code = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._code:
            self._text.append(data)


def read_table(page: str) -> _Table:
    table = _Table()
    table.feed(page)
    return table


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def get(client, query: str = "", **headers):
    response = client.get("/compare" + query, headers=headers)
    return response, response.get_data(as_text=True)


def csv_lines(client, query: str = "") -> list[list[str]]:
    response = client.get("/compare.csv" + query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def about_text(book) -> str:
    return "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for row in book.worksheets[1].iter_rows(values_only=True)
    )


def geojson(client, query: str = "") -> dict:
    response = client.get("/compare.geojson" + query)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return json.loads(response.data)


def same_as_csv(cell: str, value) -> bool:
    """Whether a value of the XLSX or the GeoJSON is what the CSV writes: nothing for an
    empty cell, the same text (never a number written as text), or the same number."""
    if value is None:
        return cell == ""
    if isinstance(value, str):
        return value == cell and re.fullmatch(r"-?\d+(\.\d+)?", value) is None
    return not isinstance(value, bool) and float(cell) == value


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


def measures_in_sector(app, region: str, sector: str) -> int:
    """Validated demo measures of `region` (its councils and communes) addressing `sector`,
    counted without the comparison's code."""
    with app.app_context():
        return db.session.scalar(
            select(func.count(func.distinct(Measure.id)))
            .join(Territory, Territory.code == Measure.territory_code)
            .join(measure_sector, measure_sector.c.measure_id == Measure.id)
            .where(
                Territory.region_code == region,
                Measure.review_state == "validated",
                Measure.deleted_at.is_(None),
                measure_sector.c.sector_key == sector,
            )
        )


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


# ---- bad inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ("?level=region&codes=02", "Choose at least 2 territories to compare."),
        ("?codes=02&codes=&codes=", "Choose at least 2 territories to compare."),
        (
            "?codes=02&codes=01&codes=05&codes=03&codes=04",
            "Choose at most 4 territories to compare.",
        ),
        ("?codes=02&codes=99", "No territory has the code 99."),
        (
            "?codes=02&codes=Atlantis",
            "No territory of the level compared (Region) is named Atlantis",
        ),
        ("?codes=02&codes=02.251", "Figuig (02.251) is not of the level compared (Region)"),
        ("?level=province&codes=02&codes=01", "Oriental (02) is not of the level compared"),
        ("?codes=02&codes=02", "Oriental (02) is chosen twice."),
        (
            "?level=planet&codes=02&codes=01",
            "Level: planet is not one of region, province, commune.",
        ),
        ("?codes=02&codes=01&year=next", "Year: next is not a year between 2000 and 2050."),
        ("?codes=02&codes=01&sector=astrology", "Sector: astrology is not one of education_"),
    ],
)
def test_bad_input_answers_400_with_the_form_and_a_message(client, query, message):
    response, page = get(client, query)
    assert response.status_code == 400
    assert message in page
    assert 'name="codes"' in page and "<form" in page
    assert read_table(page).rows == {}


def test_control_characters_are_refused_not_looked_up(client):
    response, page = get(client, "?codes=02&codes=0%002")
    assert response.status_code == 400
    assert "is named 0\ufffd2" in page
    assert "\x00" not in page


def test_messages_are_in_the_users_language(client):
    response, page = get(client, "?codes=02&codes=99", **{"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "Aucun territoire ne porte le code 99." in page


@pytest.mark.parametrize(
    "query",
    [
        "?codes=02",
        "?codes=02&codes=99",
        "?level=planet&codes=02&codes=01",
        "?codes=02&codes=01&year=next",
    ],
)
def test_downloads_refuse_bad_input_with_the_same_json(app, client, tmp_path, query):
    # Refused for what it asks, before any boundary is read.
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    answers = [
        client.get(f"/compare.{extension}{query}") for extension in ("csv", "xlsx", "geojson")
    ]
    for response in answers:
        assert response.status_code == 400
        assert response.mimetype == "application/json"
        assert response.get_json()["error"]["code"] == "bad_request"
        assert response.get_json()["error"]["message"]
    assert answers[0].get_json() == answers[1].get_json() == answers[2].get_json()


def test_user_text_is_escaped(client):
    payload = "<script>alert(1)</script>"
    response, page = get(client, f"?codes=02&codes={payload}")
    assert response.status_code == 400
    assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in SEARCH_SCRIPT.sub("", page, count=1)


def test_names_with_markup_or_formulas_stay_text(app, client):
    hostile = '=HYPERLINK("x")<script>alert(1)</script>'
    with app.app_context():
        db.session.get(Territory, "01").name_fr = hostile
        db.session.commit()
    _, page = get(client)
    assert "<script" not in SEARCH_SCRIPT.sub("", page, count=1)
    assert "&lt;script&gt;" in page
    for svg in svgs(page):
        assert "<script" not in svg
    rows = csv_lines(client)
    assert rows[0][3] == "'" + hostile + " (01)"
    response = client.get("/compare.xlsx")
    heading = workbook(response).worksheets[0]["D1"]
    assert heading.value == hostile + " (01)" and heading.data_type == "s"
    named = [
        c for row in workbook(response).worksheets[1].iter_rows() for c in row if c.value == hostile
    ]
    assert len(named) == 1 and named[0].data_type == "s"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert not any("<f>" in archive.read(name).decode() for name in archive.namelist())
    # GeoJSON is data, not a spreadsheet: the name as it is.
    assert geojson(client)["features"][1]["properties"]["name_fr"] == hostile


# ---- the CSV --------------------------------------------------------------------------------


def test_csv_has_a_bom_and_the_same_numbers(app, client):
    response = client.get("/compare.csv?level=region&codes=02&codes=01&codes=05")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["key", "Figure"]
    assert rows[0][2:5] == [
        "Oriental (02)",
        "Tanger-Tétouan-Al Hoceima (01)",
        "Béni Mellal-Khénifra (05)",
    ]
    by_key = {row[0]: row for row in rows[1:]}
    with app.app_context():
        for key, metric in METRICS.items():
            values = metric_values(key, "region")
            for column, code in enumerate(PILOT, start=2):
                value = values.get(code)
                cell = by_key[key][column]
                if value is None:
                    assert cell == ""
                elif metric.categories is not None:  # the label, in English here
                    assert cell == str(metric.categories[value])
                elif metric.counts_people and value.left_out:
                    assert cell.startswith(f"{round(value)} + ") and cell.endswith("<5")
                elif metric.unit == "count":
                    assert cell == str(round(value))
                elif metric.unit == "percent":
                    assert float(cell) == pytest.approx(value, abs=0.05)
                else:
                    assert float(cell) == pytest.approx(value, abs=0.005)
    assert by_key["sector:health"][3] == str(measures_in_sector(app, "01", "health"))
    assert by_key["sector:health"][4] == "0"
    assert by_key["population_2024"][2].isdigit()


def test_arabic_csv_keeps_arabic_names(client):
    response = client.get("/compare.csv?lang=ar")
    text = response.data.decode("utf-8-sig")
    assert "الشرق (02)" in text


# ---- the XLSX -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "?level=region&codes=02&codes=01&codes=05",
        # Fès-Meknès has nothing recorded: its cells are empty, as in the CSV.
        "?level=region&codes=02&codes=03&sector=health",
        f"?level=commune&codes={BOUARFA}&codes={FIGUIG}",
    ],
)
def test_xlsx_holds_the_csv_with_numbers_as_numbers(client, small_count, query):
    expected = csv_lines(client, query)
    response = client.get("/compare.xlsx" + query)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = workbook(response).worksheets[0]
    found = list(sheet.iter_rows(values_only=True))
    assert len(found) == len(expected)
    for line, row in zip(expected, found, strict=True):
        assert len(row) == len(line)
        for cell, value in zip(line, row, strict=True):
            assert same_as_csv(cell, value), (line[0], cell, value)
    by_key = {row[0]: row for row in found[1:]}
    assert isinstance(by_key["population_2024"][2], int)
    assert isinstance(by_key["measures"][2], int)


def test_xlsx_numbers_show_the_csv_decimals(client):
    response = client.get("/compare.xlsx?level=region&codes=02&codes=01")
    sheet = workbook(response).worksheets[0]
    formats = {row[0].value: row[2].number_format for row in sheet.iter_rows(min_row=2)}
    assert formats["budget_planned_per_inhabitant"] == "#,##0.00"  # 2.80, not 2.8
    assert formats["completed_share"] == "#,##0.0"
    assert formats["population_2024"] == "#,##0"


def test_xlsx_shows_a_small_count_as_text(client, small_count):
    response = client.get(f"/compare.xlsx?level=commune&codes={BOUARFA}&codes={FIGUIG}")
    sheet = workbook(response).worksheets[0]
    beneficiaries = next(row for row in sheet.iter_rows() if row[0].value == "beneficiaries")
    assert beneficiaries[2].value == "<5" and beneficiaries[2].data_type == "s"


def test_xlsx_is_named_like_the_csv(client):
    response = client.get("/compare.xlsx?level=region&codes=02&codes=01")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="comparison-region-02-01.xlsx"'
    )


def test_xlsx_about_sheet_says_the_filters_definitions_date_and_sources(app, client):
    query = "?level=region&codes=02&codes=01&sector=health&status=ongoing&year=2024"
    book = workbook(client.get("/compare.xlsx" + query))
    assert book.sheetnames == ["Comparison", "About"]
    text = about_text(book)
    assert "Demo data: these records are illustrative, not real." in text
    assert "Level compared | Region" in text
    assert "02 | Oriental" in text and "01 | Tanger-Tétouan-Al Hoceima" in text
    assert "Sector | Health (health)" in text
    assert "Status | Ongoing (ongoing)" in text
    assert "Year | 2024: measures running at some time that year" in text
    assert "From year | All" in text
    assert re.search(r"Exported on \(UTC\) \| \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text)
    # The address opens the same export in the same language for whoever follows it.
    assert "Address of this export | http://localhost/compare.xlsx" + query + "&lang=en" in text
    assert "HCP" in text and "CC BY 4.0" in text
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        for metric in METRICS.values():
            assert f"{metric.label} | {metric.definition}" in text
    assert not book.worksheets[0].sheet_view.rightToLeft


def test_arabic_xlsx_is_right_to_left(client):
    client.get("/language/ar")  # chosen on the site: the download's address has no lang
    book = workbook(client.get("/compare.xlsx"))
    assert "http://localhost/compare.xlsx?lang=ar" in about_text(book)
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft and book.worksheets[1].sheet_view.rightToLeft
    assert [c.value for c in sheet[1]][2:5] == [
        "الشرق (02)",
        "طنجة-تطوان-الحسيمة (01)",
        "بني ملال-خنيفرة (05)",
    ]


# ---- the GeoJSON ----------------------------------------------------------------------------


def test_geojson_holds_exactly_the_compared_territories_and_their_values(
    client, small_count, fake_layers
):
    query = f"?level=commune&codes={FIGUIG}&codes={BOUARFA}"
    data = geojson(client, query)
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == [FIGUIG, BOUARFA]
    squares = {code: geometry for code, _fr, _ar, _p, geometry in fake_layers["commune"]}
    lines = csv_lines(client, query)
    for column, feature in enumerate(data["features"], start=2):
        properties = feature["properties"]
        assert feature["type"] == "Feature"
        assert feature["geometry"] == squares[properties["code"]]
        assert set(properties) == {"code", "name_fr", "name_ar"} | {line[0] for line in lines[1:]}
        for line in lines[1:]:
            value = properties[line[0]]
            if line[0] == "programme_integration":  # its key; the CSV, its English label
                value = str(METRICS[line[0]].categories[value])
            assert same_as_csv(line[column], value), (line[0], properties)
    # Figuig's PAC gives migration a dedicated axis (the demo data), Bouarfa has none.
    assert [f["properties"]["programme_integration"] for f in data["features"]] == [
        "dedicated",
        "none",
    ]
    bouarfa = data["features"][1]["properties"]
    assert (bouarfa["name_fr"], bouarfa["name_ar"]) == ("Bouarfa", "بوعرفة")
    assert bouarfa["beneficiaries"] == "<5"
    assert isinstance(bouarfa["population_2024"], int)


def test_geojson_keeps_the_order_compared_and_no_data_as_null(client):
    data = geojson(client, "?level=region&codes=05&codes=03&codes=02")
    assert [f["properties"]["code"] for f in data["features"]] == ["05", "03", "02"]
    fes = data["features"][1]["properties"]
    assert fes["measures"] is None and fes["sector:health"] is None
    assert isinstance(data["features"][2]["properties"]["measures"], int)


def test_geojson_before_the_geography_is_built(app, client, tmp_path):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    response = client.get("/compare.geojson?level=region&codes=02&codes=01")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "geography_not_built"


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
