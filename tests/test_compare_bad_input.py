"""The comparison refusing what it cannot compare: every bad input answered 400 with the
form and a message in the user's language, the downloads refusing it with the same JSON,
and the user's text and the territories' names kept as text on the page, in the charts,
the CSV, the XLSX and the GeoJSON."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.compare_support import (
    SEARCH_SCRIPT,
    csv_lines,
    geojson,
    get,
    read_table,
    svgs,
    workbook,
)

# Fixtures: pytest finds them among this module's names.
from tests.compare_support import compare_registered as compare_registered
from tests.compare_support import database_url as database_url
from tracker.extensions import db
from tracker.models import Territory

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
