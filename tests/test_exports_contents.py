"""What the measures exports hold: the measures the API gives for the same filters, in
every format; bad filters and too large an export refused as JSON; beneficiary counts
below the threshold hidden in every format; no e-mail address of any account; and on the
demo data, as many measures as the API and no personal data."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.exports_support import (
    ADMIN,
    ARABIC,
    FORMULA,
    OFFICER,
    PUBLIC,
    about_text,
    by_title,
    csv_rows,
    features,
    register_exports,
    sheet_rows,
    workbook,
)

# Fixtures: pytest finds them among this module's names.
from tests.exports_support import exports_registered as exports_registered
from tests.exports_support import known as known
from tests.support import FIGUIG, dispose
from tracker import create_app
from tracker.extensions import db
from tracker.writers import csv_safe


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
