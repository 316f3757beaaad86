"""The programmes exports (CSV, XLSX, GeoJSON) with the filters of the programmes API,
and the territory page's measures grouped under their programme."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.support import ADMIN, BOUARFA, FIGUIG, make_programme
from tracker.extensions import db
from tracker.models import Programme, User
from tracker.public import views
from tracker.records import service

FORMULA = '=HYPERLINK("http://x","y")'
ARABIC = "برنامج عمل جماعة بوعرفة"


@pytest.fixture
def programmes(app):
    """Figuig's validated PAC (dedicated, 2023-2028) with a formula-like title, Bouarfa's
    validated PAC in Arabic (mentioned, 2017-2022), and programmes never to be exported."""
    ids = {
        "formula": make_programme(app, title=FORMULA),
        "arabic": make_programme(
            app,
            territory_code=BOUARFA,
            title=ARABIC,
            first_year="2017",
            last_year="2022",
            integration="mentioned",
        ),
    }
    make_programme(app, "draft", title="Brouillon de programme")
    make_programme(app, "deleted", title="Programme supprimé")
    make_programme(app, "returned", title="Programme renvoyé")
    return ids


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.data
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_headings_in_french_and_the_formula_kept_as_text(client, programmes):
    response = client.get("/export/programmes.csv?lang=fr")
    assert re.fullmatch(
        r'attachment; filename="programmes-MA-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    heading, *body = rows(response)
    assert heading[:2] == ["Numéro du programme", "Code de la collectivité"]
    assert "Type de programme" in heading and "Intitulé" in heading
    titles = {row[heading.index("Intitulé")] for row in body}
    assert titles == {"'" + FORMULA, ARABIC}


def test_csv_headings_in_arabic(client, programmes):
    heading, *body = rows(client.get("/export/programmes.csv?lang=ar"))
    assert heading[0] == "رقم البرنامج"
    assert "العنوان" in heading
    assert len(body) == 2


@pytest.mark.parametrize(
    "query, titles",
    [
        (f"territory={BOUARFA}", {ARABIC}),
        ("territory=02", {"'" + FORMULA, ARABIC}),
        ("integration=dedicated", {"'" + FORMULA}),
        ("kind=PDP", set()),
        ("year=2018", {ARABIC}),
        ("year=2025&kind=PAC", {"'" + FORMULA}),
    ],
)
def test_filters_narrow_the_rows(client, programmes, query, titles):
    heading, *body = rows(client.get(f"/export/programmes.csv?{query}&lang=en"))
    assert {row[heading.index("Title")] for row in body} == titles


def test_the_file_is_named_after_its_territory_and_filters(client, programmes):
    response = client.get(f"/export/programmes.xlsx?territory={FIGUIG}&kind=PAC&year=2024")
    assert re.fullmatch(
        rf'attachment; filename="programmes-{re.escape(FIGUIG)}-PAC-2024-\d{{4}}-\d{{2}}-\d{{2}}\.xlsx"',
        response.headers["Content-Disposition"],
    )


@pytest.mark.parametrize("extension", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize(
    "query, message",
    [
        ("territory=99.999", "Territory: no territory has the code 99.999."),
        ("kind=PXX", "Programme kind: PXX is not one of PAC, PDP, PDR, other."),
        ("year=1800", "Year: 1800 is not a year between 2000 and 2050."),
    ],
)
def test_a_bad_filter_is_a_400_json(client, programmes, extension, query, message):
    response = client.get(f"/export/programmes.{extension}?{query}&lang=en")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_parameter",
        "message": message,
        "parameter": query.split("=")[0],
    }


def test_xlsx_keeps_the_formula_as_text_and_has_an_about_sheet(client, programmes):
    response = client.get("/export/programmes.xlsx?integration=dedicated&lang=fr")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet, about = book.worksheets
    heading = [cell.value for cell in sheet[1]]
    title = sheet.cell(2, heading.index("Intitulé") + 1)
    assert title.value == FORMULA and title.data_type == "s"
    assert sheet.max_row == 2
    about_text = [[c for c in row if c is not None] for row in about.iter_rows(values_only=True)]
    assert ["Nombre de programmes", 1] in about_text
    assert any(row[:2] == ["Type de programme", "PDR"] for row in about_text)
    assert any(row[:2] == ["Intégration de la migration", "dedicated"] for row in about_text)


def test_xlsx_in_arabic_is_right_to_left(client, programmes):
    book = load_workbook(io.BytesIO(client.get("/export/programmes.xlsx?lang=ar").data))
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert sheet.cell(1, 1).value == "رقم البرنامج"


def test_geojson_places_each_programme_at_its_collectivity(client, programmes):
    response = client.get("/export/programmes.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    found = {f["properties"]["title"]: f for f in data["features"]}
    assert set(found) == {FORMULA, ARABIC}
    figuig = found[FORMULA]
    assert figuig["id"] == programmes["formula"]
    lon, lat = figuig["geometry"]["coordinates"]
    assert -1.3 < lon < -1.1 and 32.0 < lat < 32.2
    props = figuig["properties"]
    assert props["located"] == "collectivity"
    assert props["territory_code"] == FIGUIG and props["territory_name_ar"] == "فجيج"
    assert props["kind"] == "PAC" and props["integration"] == "dedicated"
    assert props["first_year"] == 2023 and props["last_year"] == 2028
    assert props["measure_count"] == 0


def test_no_draft_returned_or_deleted_programme_in_any_export(client, programmes):
    for extension in ("csv", "xlsx", "geojson"):
        body = client.get(f"/export/programmes.{extension}").data
        if extension == "xlsx":
            book = load_workbook(io.BytesIO(body))
            body = repr([list(r) for r in book.worksheets[0].iter_rows(values_only=True)])
        else:
            body = body.decode("utf-8")
        for title in ("Brouillon de programme", "Programme supprimé", "Programme renvoyé"):
            assert title not in body


def test_the_territory_page_links_the_programmes_downloads(client, programmes):
    page = client.get(f"/territories/{FIGUIG}?year=2024&lang=fr").get_data(as_text=True)
    assert "Télécharger les programmes" in page
    assert f"/export/programmes.csv?territory={FIGUIG}&amp;year=2024" in page
    assert f"/export/programmes.geojson?territory={FIGUIG}&amp;year=2024" in page


# ---- the territory page's measures under their programme ----------------------------------


def group_headings(page: str) -> list[str]:
    """The text of the measures table's group rows, tags removed."""
    rows = re.findall(r'<tr class="group"><th[^>]*>(.*?)</th></tr>', page, re.S)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row))).strip() for row in rows]


@pytest.fixture
def grouped(app, validated_measure):
    """Figuig's validated PAC holding a measure, a measure of a programme later deleted,
    and a measure attached to none."""
    public = make_programme(app, title="Programme d'action de Figuig")
    gone = make_programme(app, title="Programme retiré", first_year="2016", last_year="2021")
    validated_measure(FIGUIG, "Cellule d'accueil", programme_id=str(public))
    validated_measure(FIGUIG, "Mesure du programme retiré", programme_id=str(gone))
    validated_measure(FIGUIG, "Mesure sans programme")
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        service.delete(admin, "programme", db.session.get(Programme, gone))
        db.session.commit()
    return public


def test_measures_are_listed_under_their_programme_in_french(client, grouped):
    page = client.get(f"/territories/{FIGUIG}?lang=fr").get_data(as_text=True)
    assert group_headings(page) == [
        "Programme d'action de Figuig — Programme d'action communal (PAC), 2023–2028",
        "Non rattachées à un programme public",
        "Non rattachées à un programme",
    ]
    assert f'href="/programmes/{grouped}" dir="auto"' in page
    assert "Programme retiré" not in page
    first, hidden, none = re.split(r'<tr class="group">', page)[1:4]
    assert "Cellule d&#39;accueil" in first
    assert "Mesure du programme retiré" in hidden
    assert "Mesure sans programme" in none


def test_measures_grouped_in_arabic(client, grouped):
    page = client.get(f"/territories/{FIGUIG}?lang=ar").get_data(as_text=True)
    headings = group_headings(page)
    assert headings[1:] == ["غير مرتبطة ببرنامج منشور", "غير مرتبطة بأي برنامج"]


def test_grouping_keeps_the_pages_and_the_filters(client, grouped, monkeypatch):
    monkeypatch.setattr(views, "MEASURES_PER_PAGE", 2)
    first = client.get(f"/territories/{FIGUIG}?lang=fr").get_data(as_text=True)
    second = client.get(f"/territories/{FIGUIG}?lang=fr&page=2").get_data(as_text=True)
    assert "Page 1 sur 2" in first and "Page 2 sur 2" in second
    # Each page groups the measures it shows: two on the first, one on the second.
    assert len(group_headings(first)) == 2
    assert group_headings(second) == ["Non rattachées à un programme"]
    filtered = client.get(f"/territories/{FIGUIG}?lang=fr&status=planned").get_data(as_text=True)
    assert group_headings(filtered) == []
