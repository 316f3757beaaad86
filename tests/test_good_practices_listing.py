"""The good practices the public finds: what each says (what, where, when, with whom),
the public page's filters and its order for a territory (same level first, nearest
first, itself left out, with or without the boundaries), its pages, the API and its
description, and the exports."""

from __future__ import annotations

import csv
import io

import pytest

from tests.good_practices_support import ADMIN, COORDINATOR, NOTE, mark_good_practice
from tests.support import BOUARFA, FIGUIG, TANGER, make_organisation
from tracker.extensions import db

# ---- the public page ----------------------------------------------------------------------------


def test_each_good_practice_says_what_where_when_and_with_whom(app, client, validated_measure):
    partner = make_organisation(app, "Association Oriental Accueil")
    measure_id = validated_measure(
        FIGUIG,
        "Cellule d'accueil des migrants",
        kind="reception",
        sectors=["social_humanitarian"],
        start_date="2023",
        end_date="2025",
        partners=[str(partner)],
    )
    with app.app_context():
        from tracker.accounts import create_user

        create_user(COORDINATOR, "a long coordinator password", "coordinator", ["02"])
        db.session.commit()
    mark_good_practice(app, measure_id)
    page = client.get("/good-practices?lang=fr").get_data(as_text=True)
    assert f'href="/measures/{measure_id}"' in page
    assert "Cellule d&#39;accueil des migrants" in page
    assert f'href="/territories/{FIGUIG}"' in page and "Oriental" in page
    assert "Assistance sociale et humanitaire" in page
    assert "Structure d&#39;accueil et d&#39;orientation" in page
    assert "2023–2025" in page
    assert "Association Oriental Accueil" in page
    assert "Une permanence hebdomadaire" in page


def _practices(client, query: str) -> list[int]:
    """The measures the page lists for `query`, in order, read from their links."""
    import re

    page = client.get(f"/good-practices?lang=en&{query}").get_data(as_text=True)
    return [int(n) for n in re.findall(r'<h3><a href="/measures/(\d+)"', page)]


@pytest.fixture
def four(app, validated_measure):
    """Four good practices: Figuig's reception cell (health), Bouarfa's staff training
    (housing), Tanger's reception desk (health) and the Oriental's study (employment)."""
    ids = {
        "figuig": validated_measure(FIGUIG, "Cellule", kind="reception", sectors=["health"]),
        "bouarfa": validated_measure(BOUARFA, "Formation", kind="training", sectors=["housing"]),
        "tanger": validated_measure(TANGER, "Guichet", kind="reception", sectors=["health"]),
        "oriental": validated_measure("02", "Étude", kind="study", sectors=["employment"]),
    }
    with app.app_context():
        from tracker.accounts import create_user

        create_user(ADMIN, "a long admin password", "admin")
        db.session.commit()
    for measure_id in ids.values():
        mark_good_practice(app, measure_id, by=ADMIN)
    return ids


@pytest.mark.parametrize(
    "query, expected",
    [
        ("sector=health", {"figuig", "tanger"}),
        ("kind=training", {"bouarfa"}),
        ("question=Q9", {"figuig", "tanger"}),  # reception structures serve as its evidence
        ("question=Q13", {"bouarfa"}),
        ("question=Q3", {"oriental"}),
        ("question=Q1", set()),  # no kind of measure serves as its evidence
        ("region=02", {"figuig", "bouarfa", "oriental"}),
        ("region=01&sector=health", {"tanger"}),
        ("", {"figuig", "bouarfa", "tanger", "oriental"}),
    ],
)
def test_the_filters(client, four, query, expected):
    names = {measure_id: name for name, measure_id in four.items()}
    assert {names[i] for i in _practices(client, query)} == expected


def test_near_a_commune_other_communes_come_first_nearest_first_itself_left_out(client, four):
    order = _practices(client, f"near={FIGUIG}")
    # Bouarfa (70 km) before Tanger (its region's point, 500 km): both communes, before
    # the Oriental's council, a region, however near.
    assert order == [four["bouarfa"], four["tanger"], four["oriental"]]
    page = client.get(f"/good-practices?lang=en&near={FIGUIG}").get_data(as_text=True)
    assert "Nearest to Figuig first" in page and "km away" in page


def test_near_keeps_the_other_filters(client, four):
    assert _practices(client, f"near={FIGUIG}&question=Q9") == [four["tanger"]]
    assert _practices(client, f"near={TANGER}&sector=health") == [four["figuig"]]


@pytest.mark.parametrize(
    "query, lang, message",
    [
        ("kind=nope", "fr", "Type de mesure : \u2068nope\u2069 ne fait pas partie de :"),
        ("question=Q99", "fr", "Question de l’auto-évaluation : \u2068Q99\u2069 ne fait"),
        ("region=99", "ar", "جهة: القيمة \u206899\u2069 ليست من بين: \u206801, 02"),
        ("near=00.000", "fr", "Le plus près de : aucun territoire ne porte le code 00.000."),
        ("sector=nope", "en", "Sector: \u2068nope\u2069 is not one of"),
        ("page=9", "en", "There is 1 page of good practices."),
        ("page=0", "fr", "Page : 0 n&#39;est pas compris entre 1 et"),
    ],
)
def test_a_bad_filter_is_said_in_the_page_language(client, four, query, lang, message):
    response = client.get(f"/good-practices?lang={lang}&{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # What the other filters keep is still listed.
    assert "/measures/" in page


def test_the_page_is_paginated(app, client, validated_measure):
    from tracker.good_practices.listing import PER_PAGE

    with app.app_context():
        from tracker.accounts import create_user

        create_user(ADMIN, "a long admin password", "admin")
        db.session.commit()
    for number in range(PER_PAGE + 1):
        mark_good_practice(app, validated_measure(FIGUIG, f"Mesure {number}"), by=ADMIN)
    assert len(_practices(client, "")) == PER_PAGE
    assert len(_practices(client, "page=2")) == 1
    page = client.get("/good-practices?lang=en&sector=").get_data(as_text=True)
    assert "Page 1 of 2" in page and 'rel="next" href="/good-practices?page=2' in page


def test_the_home_page_and_the_menu_lead_to_it(client):
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert page.count('href="/good-practices"') == 2
    assert "Bonnes pratiques" in page


# ---- API and exports ------------------------------------------------------------------------


def test_the_api_gives_the_mark_and_filters_on_it(client, four, validated_measure):
    plain = validated_measure(BOUARFA, "Rien de particulier")
    every = client.get("/api/v1/measures?per_page=500").get_json()["items"]
    marks = {item["id"]: item["good_practice"] for item in every}
    assert marks[plain] is None
    mark = marks[four["figuig"]]
    assert set(mark) == {"note", "marked_at"} and mark["note"] == NOTE
    assert mark["marked_at"].endswith("Z") and mark["marked_at"][:2] == "20"
    kept = client.get("/api/v1/measures?good_practice=1&territory=02").get_json()
    assert kept["total"] == 3 and plain not in [item["id"] for item in kept["items"]]
    assert client.get("/api/v1/measures?good_practice=0").get_json()["total"] == 5
    refused = client.get("/api/v1/measures?good_practice=yes&lang=en")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["parameter"] == "good_practice"
    assert refused.get_json()["error"]["message"] == (
        "Good practices only: yes is not one of 0, 1."
    )


def test_the_openapi_description_names_the_mark_and_the_filter(client):
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    schema = document["components"]["schemas"]["Measure"]["properties"]["good_practice"]
    assert schema["type"] == ["object", "null"]
    assert set(schema["properties"]) == {"note", "marked_at"}
    names = [p["name"] for p in document["paths"]["/measures"]["get"]["parameters"]]
    assert "good_practice" in names


def test_the_measures_export_has_the_note_and_the_filter(client, four, validated_measure):
    plain = validated_measure(BOUARFA, "Rien de particulier")
    body = client.get("/export/measures.csv?lang=en").get_data().decode("utf-8-sig")
    rows = {row["Measure number"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows[str(four["figuig"])]["Good practice: what made it work"] == NOTE
    assert rows[str(four["figuig"])]["Good practice: marked on (UTC)"].endswith("Z")
    assert rows[str(plain)]["Good practice: what made it work"] == ""
    body = client.get("/export/measures.csv?good_practice=1").get_data().decode("utf-8-sig")
    numbers = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert sorted(numbers) == sorted(str(i) for i in four.values())
    geojson = client.get("/export/measures.geojson?good_practice=1").get_json()
    assert {f["properties"]["good_practice_note"] for f in geojson["features"]} == {NOTE}


def test_without_boundaries_the_nearest_are_those_of_the_same_province_then_region(
    app, client, four, tmp_path
):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    assert _practices(client, f"near={FIGUIG}") == [
        four["bouarfa"],
        four["tanger"],
        four["oriental"],
    ]
    page = client.get(f"/good-practices?lang=en&near={FIGUIG}").get_data(as_text=True)
    assert "km away" not in page


def test_the_points_are_read_once_per_process(app, monkeypatch):
    import geopandas

    from tracker.good_practices import nearness

    reads = []
    read = geopandas.read_file
    monkeypatch.setattr(geopandas, "read_file", lambda path: reads.append(path) or read(path))
    with app.app_context():
        first = nearness.territory_points()
        again = nearness.territory_points()
    # This test's boundaries are new to the process: read once, then kept.
    assert len(reads) == 3 and again is first
    assert set(first) >= {FIGUIG, BOUARFA, "02.251", "02", "01"}
