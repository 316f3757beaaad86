"""Exports of the map's figures: every territory of the level with its public value in
CSV, XLSX (with an About sheet) and GeoJSON (on the boundaries), following the map's
filters, bad parameters refused as JSON, and the map linking to its own figures."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.exports_support import csv_rows

# Fixtures: pytest finds them among this module's names.
from tests.exports_support import exports_registered as exports_registered
from tests.exports_support import known as known
from tests.support import BOUARFA, FIGUIG

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
