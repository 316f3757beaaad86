"""Programmes as public data: their serialiser, their page, their API list, and what a
measure says of its programme in the API and the exports."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support import ADMIN, BOUARFA, FIGUIG, make_programme, programmes_admin
from tracker.extensions import db
from tracker.models import Programme
from tracker.records import service


@pytest.fixture
def programme(app, validated_measure):
    """A validated PAC of Figuig holding two validated measures, and a draft one."""
    programme_id = make_programme(app)
    validated_measure(FIGUIG, "Cellule d'accueil", programme_id=str(programme_id))
    validated_measure(FIGUIG, "Cours de darija", programme_id=str(programme_id))
    with app.app_context():
        admin = programmes_admin()
        service.save_measure(
            admin,
            {
                "territory_code": FIGUIG,
                "title": "Brouillon",
                "kind": "service",
                "status": "planned",
                "programme_id": str(programme_id),
            },
        )
        db.session.commit()
    return programme_id


# ---- the serialiser ---------------------------------------------------------------------


def test_a_programme_is_given_with_its_collectivity_and_public_measures(app, programme):
    from tracker.records.registry import record_type

    with app.test_request_context("/?lang=en"):
        item = record_type("programme").public_item(db.session.get(Programme, programme))
    assert item == {
        "id": programme,
        "territory_code": FIGUIG,
        "territory_name_fr": "Figuig",
        "territory_name_ar": "فجيج",
        "region_code": "02",
        "kind": "PAC",
        "title": "Programme d'action communale de Figuig",
        "first_year": 2023,
        "last_year": 2028,
        "adopted_on": "2023-03-14",
        "reference": "Délibération 7/2023",
        "integration": "dedicated",
        "review_state": "validated",
        "measure_count": 2,
    }


def test_a_programme_item_names_no_officer(app, programme):
    from tracker.public_data import programme_item

    with app.test_request_context("/?lang=en"):
        item = programme_item(db.session.get(Programme, programme))
    assert not {key for key in item if "by" in key or "user" in key or "comment" in key}
    assert ADMIN not in str(item)


# ---- the page ---------------------------------------------------------------------------


def test_the_programme_page_says_what_the_programme_is_in_french(app, client, programme):
    page = client.get(f"/programmes/{programme}?lang=fr").get_data(as_text=True)
    assert '<h1 dir="auto">Programme d&#39;action communale de Figuig</h1>' in page
    assert "<dd>Programme d'action communal (PAC)</dd>" in page  # the kind's label, not "PAC"
    assert "<strong>Un axe ou des mesures dédiés</strong>" in page
    assert "2023–2028" in page and "2023-03-14" in page
    assert "Délibération 7/2023" in page
    assert "Un programme de Figuig." in page
    assert 'href="/territories/02"' in page and 'href="/territories/02.251"' in page


def test_the_programme_page_lists_its_public_measures_by_status(app, client, programme):
    page = client.get(f"/programmes/{programme}?lang=en").get_data(as_text=True)
    assert "<h3>Ongoing <span" in page
    assert "Cellule d&#39;accueil</a>" in page and "Cours de darija</a>" in page
    assert "Brouillon" not in page  # a draft measure is not public
    with app.app_context():
        from tracker.models import Measure

        ids = db.session.scalars(
            select(Measure.id).where(Measure.title.in_(["Cellule d'accueil", "Cours de darija"]))
        ).all()
    for measure_id in ids:
        assert f'href="/measures/{measure_id}"' in page


def test_the_programme_page_shows_sectors_covered_and_not_and_partners(
    app, client, validated_measure
):
    from tests.support import make_organisation

    programme_id = make_programme(app)
    partner = make_organisation(app, "مجلس جهة الشرق – Conseil de la région de l'Oriental")
    validated_measure(
        FIGUIG,
        "Santé",
        programme_id=str(programme_id),
        sectors=["health"],
        partners=[str(partner)],
    )
    page = client.get(f"/programmes/{programme_id}?lang=en").get_data(as_text=True)
    assert '<li class="covered">Health: covered</li>' in page
    assert '<li class="uncovered">Housing: no measure yet</li>' in page
    assert '<li dir="auto">مجلس جهة الشرق – Conseil de la région de l&#39;Oriental</li>' in page


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "deleted"])
def test_a_programme_that_is_not_public_has_no_page(app, client, state):
    programme_id = make_programme(app, state)
    answer = client.get(f"/programmes/{programme_id}?lang=fr")
    assert answer.status_code == 404
    assert "Un programme n&#39;est publié qu&#39;une fois validé" in answer.get_data(as_text=True)


def test_an_unknown_programme_has_no_page_in_arabic(client):
    answer = client.get("/programmes/999999?lang=ar")
    assert answer.status_code == 404
    assert "لا يُنشر البرنامج إلا بعد مصادقة المنسق عليه" in answer.get_data(as_text=True)


def test_a_submitted_programme_is_shown_marked_when_the_setting_says_so(app, client):
    programme_id = make_programme(app, "submitted")
    app.config["PUBLIC_SHOW_SUBMITTED"] = True
    answer = client.get(f"/programmes/{programme_id}?lang=en")
    assert answer.status_code == 200
    assert '<span class="state state-submitted">Submitted</span>' in answer.get_data(as_text=True)


def test_the_territory_and_measure_pages_link_to_the_programme(app, client, validated_measure):
    programme_id = make_programme(app)
    measure_id = validated_measure(FIGUIG, "Cellule", programme_id=str(programme_id))
    link = f'<a href="/programmes/{programme_id}" dir="auto">Programme d&#39;action'
    assert link in client.get(f"/territories/{FIGUIG}?lang=en").get_data(as_text=True)
    assert link in client.get(f"/measures/{measure_id}?lang=en").get_data(as_text=True)


# ---- the API's lists --------------------------------------------------------------------


@pytest.fixture
def demo_client(demo_database_url, fake_geography):
    """A client of an app on a fresh copy of the demo data, asking for English."""
    from tests.support import dispose
    from tracker import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": demo_database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield client
    dispose(app)


def test_the_programmes_of_a_region_include_its_communes(app, client, programme):
    make_programme(app, territory_code="02", kind="PDR", title="PDR de l'Oriental")
    make_programme(app, territory_code="01", kind="PDR", title="PDR de Tanger")
    make_programme(app, "draft", territory_code=BOUARFA, title="PAC de Bouarfa")
    answer = client.get("/api/v1/programmes?territory=02").get_json()
    assert answer["total"] == 2 and answer["page"] == 1 and answer["per_page"] == 50
    by_title = {item["title"]: item for item in answer["items"]}
    assert set(by_title) == {"PDR de l'Oriental", "Programme d'action communale de Figuig"}
    assert by_title["Programme d'action communale de Figuig"]["measure_count"] == 2
    assert by_title["PDR de l'Oriental"]["territory_name_ar"] == "الشرق"


def test_the_programmes_are_filtered_by_kind_integration_and_year(app, client):
    make_programme(app, title="PAC 2017", first_year="2017", last_year="2022", integration="absent")
    make_programme(app, title="PAC 2023")
    make_programme(app, territory_code="02", kind="PDR", title="PDR", integration="mentioned")

    def titles(query: str) -> set[str]:
        answer = client.get(f"/api/v1/programmes?{query}")
        assert answer.status_code == 200, answer.get_json()
        return {item["title"] for item in answer.get_json()["items"]}

    assert titles("kind=PAC") == {"PAC 2017", "PAC 2023"}
    assert titles("kind=PDR&territory=02") == {"PDR"}
    assert titles("integration=absent") == {"PAC 2017"}
    assert titles("year=2022") == {"PAC 2017"}
    assert titles("year=2023&kind=PAC") == {"PAC 2023"}
    assert titles("territory=02.251.01.01") == set()
    assert len(titles("per_page=1&page=3")) == 1 and titles("per_page=1&page=4") == set()


@pytest.mark.parametrize(
    "query, field, label",
    [
        ("kind=PCD", "kind", "Type de programme : PCD "),
        ("integration=some", "integration", "Intégration de la migration : some "),
        ("year=1990", "year", "Année : 1990 n'est pas une année comprise entre 2000 et 2050."),
    ],
)
def test_a_bad_programme_filter_is_a_400_in_french(client, query, field, label):
    answer = client.get(f"/api/v1/programmes?{query}&lang=fr")
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["message"].startswith(label)
    assert error["parameter"] == field


def test_the_programmes_of_an_unknown_territory_are_a_404(client):
    answer = client.get("/api/v1/programmes?territory=99.999&lang=fr")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == {
        "code": "not_found",
        "message": "Territoire : aucun territoire ne porte le code 99.999.",
        "parameter": "territory",
    }


def test_the_demo_programmes_are_in_the_api(demo_client):
    answer = demo_client.get("/api/v1/programmes?territory=02&per_page=500").get_json()
    assert answer["total"] > 0
    assert {item["kind"] for item in answer["items"]} <= {"PAC", "PDP", "PDR", "other"}
    assert all(item["review_state"] == "validated" for item in answer["items"])
    assert all(item["region_code"] == "02" for item in answer["items"])


def test_the_organisations_are_listed_without_who_recorded_them(app, client):
    from tests.support import make_organisation

    make_organisation(app, "Caritas Maroc", country="MA")
    make_organisation(app, "Ayuntamiento de Granada", kind="foreign_local_government", country="ES")
    gone = make_organisation(app, "Ancienne association")
    with app.app_context():
        from tracker.models import Organisation

        service.delete(programmes_admin(), "organisation", db.session.get(Organisation, gone))
        db.session.commit()
    answer = client.get("/api/v1/organisations?per_page=1&page=2").get_json()
    assert answer["total"] == 2 and answer["per_page"] == 1
    assert [{k: v for k, v in item.items() if k != "id"} for item in answer["items"]] == [
        {
            "name": "Caritas Maroc",
            "name_fr": "Caritas Maroc",
            "name_ar": None,
            "kind": "association",
            "country": "MA",
        }
    ]
    everything = client.get("/api/v1/organisations").get_data(as_text=True)
    assert "Ancienne" not in everything and "created" not in everything and "@" not in everything


def test_the_openapi_describes_the_programmes_and_organisations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["Programme"]["properties"]["kind"]["enum"] == ["PAC", "PDP", "PDR", "other"]
    assert schemas["Programme"]["properties"]["integration"]["enum"] == [
        "absent",
        "mentioned",
        "dedicated",
    ]
    # Both names are always there, null when not given.
    assert set(schemas["Organisation"]["required"]) == {
        "id",
        "name",
        "name_fr",
        "name_ar",
        "kind",
        "country",
    }
    names = [p["name"] for p in document["paths"]["/programmes"]["get"]["parameters"]]
    assert names == ["territory", "kind", "integration", "year", "page", "per_page"]
    assert "404" in document["paths"]["/programmes"]["get"]["responses"]
    assert "/organisations" in document["paths"]


# ---- a measure's programme in the API and the exports ----------------------------------


def test_a_measure_in_the_api_says_what_its_programme_is(app, client, programme):
    items = client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"]
    assert len(items) == 2
    for item in items:
        assert item["programme_id"] == programme
        assert item["programme_kind"] == "PAC"
        assert item["programme_title"] == "Programme d'action communale de Figuig"
        assert item["programme_integration"] == "dedicated"


def test_a_measure_of_a_programme_that_is_not_public_says_nothing_of_it(
    app, client, validated_measure
):
    hidden = make_programme(app, "returned")
    validated_measure(FIGUIG, "Cellule", programme_id=str(hidden))
    validated_measure(FIGUIG, "Sans programme")
    for item in client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"]:
        assert item["programme_id"] is None and item["programme_kind"] is None
        assert item["programme_title"] is None and item["programme_integration"] is None


def test_the_csv_in_french_has_the_programme_columns_after_the_collectivity(client, programme):
    import csv
    import io

    text = client.get("/export/measures.csv?lang=fr").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    at = header.index("Programme\u00a0: type")
    assert header[at - 1 : at + 4] == [
        "Code de la région",
        "Programme\u00a0: type",
        "Programme\u00a0: intitulé",
        "Programme\u00a0: intégration de la migration",
        "Intitulé",
    ]
    assert {row["Programme\u00a0: type"] for row in rows} == {"PAC"}
    assert {row["Programme\u00a0: intitulé"] for row in rows} == {
        "Programme d'action communale de Figuig"
    }
    assert {row["Programme\u00a0: intégration de la migration"] for row in rows} == {"dedicated"}


def test_the_xlsx_and_geojson_carry_the_programme(client, programme):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/export/measures.xlsx?lang=en").data))
    sheet = book["Measures"]
    headings = [cell.value for cell in sheet[1]]
    first = [cell.value for cell in sheet[2]]
    assert first[headings.index("Programme: kind")] == "PAC"
    assert first[headings.index("Programme: how it integrates migration")] == "dedicated"
    about = "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for row in book["About"].iter_rows(values_only=True)
    )
    assert "Programme: kind | PDR | Regional development programme (PDR)" in about
    assert (
        "Programme: how it integrates migration | dedicated | A dedicated axis or measures" in about
    )
    features = client.get("/export/measures.geojson").get_json()["features"]
    assert {f["properties"]["programme_title"] for f in features} == {
        "Programme d'action communale de Figuig"
    }
