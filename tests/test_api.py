"""The public JSON API: territories, boundaries, OpenAPI description, errors."""

import gzip
import json

import pytest


def test_list_is_paginated(client):
    body = client.get("/api/v1/territories?level=commune&per_page=10&page=2").get_json()
    assert body["total"] == 1503
    assert body["page"] == 2 and body["per_page"] == 10
    assert len(body["items"]) == 10
    first = client.get("/api/v1/territories?level=commune&per_page=10").get_json()["items"]
    codes = [t["code"] for t in first + body["items"]]
    assert len(set(codes)) == 20 and {t["level"] for t in body["items"]} == {"commune"}
    assert set(body["items"][0]) >= {
        "code",
        "level",
        "name_fr",
        "name_ar",
        "parent_code",
        "population_2024",
    }


def test_children_of_a_province(client):
    body = client.get("/api/v1/territories?parent=02.251&per_page=500").get_json()
    assert body["total"] == 13
    assert "02.251.01.03" in {t["code"] for t in body["items"]}
    assert all(t["parent_code"] == "02.251" for t in body["items"])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("fes", "03.231.01.0"),  # accents ignored
        ("FIGUIG", "02.251.01.03"),  # case ignored
        ("فجيج", "02.251.01.03"),
        ("02.251.01.0", "02.251.01.03"),  # start of a code
    ],
)
def test_search_by_name_or_code(client, query, expected):
    body = client.get("/api/v1/territories", query_string={"q": query, "per_page": 500}).get_json()
    assert expected in {t["code"] for t in body["items"]}


def test_search_treats_percent_literally(client):
    body = client.get("/api/v1/territories?q=%25").get_json()
    assert body["total"] == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("level=planet", "Level: planet is not one of region, province, commune."),
        ("parent=99.999", "Parent territory: no territory has the code 99.999."),
        ("page=0", "Page: 0 is not between 1 and 1000000."),
        ("page=abc", "Page: abc is not a whole number."),
        ("page=99999999999999999999", "Page: 99999999999999999999 is not between 1 and 1000000."),
        ("per_page=501", "Items per page: 501 is not between 1 and 500."),
        ("per_page=-1", "Items per page: -1 is not between 1 and 500."),
        ("q=" + "x" * 101, "Text looked for: at most 100 characters."),
    ],
)
def test_bad_parameters_are_400_json(client, query, message):
    response = client.get(f"/api/v1/territories?{query}&lang=en")
    assert response.status_code == 400
    parameter = query.split("=")[0]
    assert response.get_json()["error"] == {
        "code": "bad_parameter",
        "message": message,
        "parameter": parameter,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/territories?q=a%00b",
        "/api/v1/territories/02%00",
        "/api/v1/measures?territory=02%00",
        "/api/v1/measures?page=99999999999999999999",
        "/api/v1/stats?level=commune&metric=measures&sector=%00",
    ],
)
def test_hostile_parameters_are_400_json_on_every_database(client, path):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    if "%00" in path:
        assert message == "The request contains a character that is not allowed."
    else:
        assert message == "Page: 99999999999999999999 is not between 1 and 1000000."


def test_an_unexpected_failure_in_the_api_answers_json(app, client, monkeypatch):
    import tracker.api.views as api_views

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(api_views, "openapi_document", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"


def test_one_territory(client):
    body = client.get("/api/v1/territories/02.251").get_json()
    assert body["code"] == "02.251"
    assert body["name_fr"] == "Figuig"
    assert body["children_count"] == 13
    assert body["population_2024"] == 144451 and body["population_2014"] == 138325
    assert body["households_2024"] == 34105
    assert body["level"] == "province" and body["parent_code"] == "02"


def test_unknown_territory_is_404_json(client):
    response = client.get("/api/v1/territories/99.999.99.99?lang=fr")
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "not_found",
        "message": "Aucun territoire ne porte le code 99.999.99.99.",
    }


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "Level: planet is not one of region, province, commune."),
        ("fr", "Niveau : planet ne fait pas partie de : region, province, commune."),
        ("ar", "المستوى: القيمة planet ليست من بين: region, province, commune."),
    ],
)
def test_error_messages_follow_the_language(client, lang, message):
    response = client.get(f"/api/v1/territories?level=planet&lang={lang}")
    assert response.get_json()["error"]["message"] == message


def test_boundaries_are_geojson_compressed_and_cacheable(client):
    response = client.get("/api/v1/boundaries/commune.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.data))
    assert data["type"] == "FeatureCollection"
    codes = {f["properties"]["code"] for f in data["features"]}
    assert codes == {"02.251.01.03", "02.251.01.01"}  # the stand-in communes
    etag = response.headers["ETag"]
    again = client.get("/api/v1/boundaries/commune.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_boundaries_plain_when_gzip_not_accepted(client):
    response = client.get("/api/v1/boundaries/region.geojson", headers={"Accept-Encoding": ""})
    assert "Content-Encoding" not in response.headers
    data = response.get_json()
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in data["features"]} == {"01", "02", "03", "05"}


def test_unknown_boundary_level_is_404(client):
    response = client.get("/api/v1/boundaries/planet.geojson")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_boundaries_before_build_are_503(app, client, tmp_path):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "empty")
    response = client.get("/api/v1/boundaries/region.geojson?lang=fr")
    assert response.status_code == 503
    assert response.get_json()["error"] == {
        "code": "geography_not_built",
        "message": "Les limites territoriales n'ont pas encore été générées. "
        "Veuillez réessayer ultérieurement.",
    }


def test_openapi_describes_every_route(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = set(doc["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json")
    }
    routes = {r.replace("{level}.geojson", "{level}.geojson") for r in routes}
    assert routes == documented


def test_a_measure_names_its_programme_only_once_the_programme_is_public(
    app, client, validated_measure
):
    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.models import Programme, User
    from tracker.records import service

    with app.app_context():
        admin = create_user("programme.admin@example.org", "a long admin password", "admin")
        programme = service.save_programme(
            admin,
            {
                "territory_code": "02.251.01.03",
                "kind": "PAC",
                "title": "Programme d'action communale",
                "first_year": "2023",
                "last_year": "2028",
                "integration": "dedicated",
            },
        )
        service.transition(admin, "programme", programme, "submit")  # under review only
        db.session.commit()
        programme_id = programme.id
    measure_id = validated_measure(
        "02.251.01.03", "Cellule d'accueil", kind="reception", programme_id=programme_id
    )

    def named():
        items = client.get("/api/v1/measures?territory=02.251.01.03").get_json()["items"]
        return next(i["programme_id"] for i in items if i["id"] == measure_id)

    assert named() is None
    assert "Programme d&#39;action communale" not in client.get(f"/measures/{measure_id}").text
    with app.app_context():
        admin = db.session.scalar(
            db.select(User).where(User.email == "programme.admin@example.org")
        )
        service.transition(admin, "programme", db.session.get(Programme, programme_id), "validate")
        db.session.commit()
    assert named() == programme_id
    assert "Programme d&#39;action communale" in client.get(f"/measures/{measure_id}").text


def test_measures_of_an_unknown_territory_are_a_404_in_arabic(client):
    response = client.get("/api/v1/measures?territory=99.999&lang=ar")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found" and "99.999" in error["message"]
    with client.application.test_request_context("/?lang=ar"):
        from flask_babel import gettext

        assert error["message"] == gettext(
            "%(label)s: no territory has the code %(value)s.",
            label="الوحدة الترابية",
            value="99.999",
        )
    assert error["message"] == "الوحدة الترابية: لا توجد وحدة ترابية تحمل الرمز 99.999."
    assert error["parameter"] == "territory"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/territories?level=region",
        "/api/v1/territories/02",
        "/api/v1/measures",
        "/api/v1/programmes",
        "/api/v1/organisations",
        "/api/v1/stats",
        "/api/v1/openapi.json",
        "/api/v1/territories/99.999",
        "/api/v1/measures?status=lost",
    ],
)
def test_every_api_answer_may_be_read_from_any_site(client, path):
    response = client.get(path)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_page_is_not_opened_to_other_sites(client):
    assert "Access-Control-Allow-Origin" not in client.get("/territories/02").headers


def test_counts_are_whole_numbers_in_the_api(client, validated_measure):
    validated_measure("02.251.01.03", "Cellule", beneficiaries_total="40", sectors=["health"])
    validated_measure("02.251.01.03", "Cours", beneficiaries_total="3")
    for metric in ("measures", "sectors_covered", "beneficiaries"):
        body = client.get(f"/api/v1/stats?level=region&metric={metric}&per_page=20").text
        item = next(i for i in json.loads(body)["items"] if i["code"] == "02")
        assert isinstance(item["value"], int), (metric, item)
        assert f'"value":{item["value"]}}}' in body.replace(" ", "")  # written 2, not 2.0
    body = client.get("/api/v1/territories/02.251.01.03").get_json()
    summary = body["summary"]
    assert summary["measures"] == 2 and isinstance(summary["measures"], int)
    assert summary["beneficiaries"] == 40 and summary["beneficiaries_small_counts_left_out"] == 1
    assert isinstance(summary["beneficiaries"], int)
    assert isinstance(summary["completed_share"], float)
    for key in ("population_2024", "population_2014", "households_2024"):
        assert isinstance(body[key], int)
    region = client.get("/api/v1/territories?level=region").get_json()["items"][0]
    assert isinstance(region["population_2024"], int)
