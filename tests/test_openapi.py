"""The OpenAPI description says what the API answers: every key each list and detail
returns on the demo data is described, every key it calls required is there, filters are
described with their keys and bounds, in the language asked for; and the API page shows
it, served by the app."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import FIGUIG, make_assessment
from tracker.records.values import FIRST_YEAR, LAST_YEAR
from tracker.stats import METRICS

JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


@pytest.fixture
def database_url(demo_database_url):
    return demo_database_url


@pytest.fixture(autouse=True)
def assessed(app):
    """The demo's Oriental council, the province and the commune of Figuig with a
    validated self-assessment (one with "not applicable" answers), so that the
    assessments list and the score metrics have values to check."""
    make_assessment(app, "02", 2025, {"Q4": "not_applicable", "Q9": "not_applicable"})
    make_assessment(app, "02.251", 2025, {"Q1": 3})
    make_assessment(app, FIGUIG, 2024, {"Q2": 0})
    make_assessment(app, FIGUIG, 2025)
    return app


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json?lang=en").get_json()


def resolved(schema: dict, document: dict) -> dict:
    """`schema` with its `$ref` followed and its `allOf` parts merged into one."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return resolved(document["components"]["schemas"][name], document)
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = resolved(part, document)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def problems(value, schema: dict, document: dict, where: str = "") -> list[str]:
    """What in `value` the schema does not describe: an undocumented key, a missing
    required one, a value of another type, a key outside its enum; recursively."""
    schema = resolved(schema, document)
    found = []
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        allowed = tuple(t for name in types for t in _as_tuple(JSON_TYPES[name]))
        if isinstance(value, bool) and "boolean" not in types or not isinstance(value, allowed):
            found.append(f"{where}: {value!r} is not {types}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict) and "properties" in schema:
        for key in value:
            if key not in schema["properties"]:
                found.append(f"{where}.{key}: not documented")
            else:
                found += problems(value[key], schema["properties"][key], document, f"{where}.{key}")
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{where}.{key}: required but not returned")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(item, schema["items"], document, f"{where}[{i}]")
    return found


def _as_tuple(kind):
    return kind if isinstance(kind, tuple) else (kind,)


def answer_schema(document: dict, path: str) -> dict:
    responses = document["paths"][path]["get"]["responses"]
    return responses["200"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "path, url",
    [
        ("/territories", "/api/v1/territories?per_page=500"),
        ("/territories", "/api/v1/territories?level=commune&parent=02.251"),
        ("/territories/{code}", "/api/v1/territories/02"),
        ("/territories/{code}", "/api/v1/territories/02.251.01.03"),
        ("/measures", "/api/v1/measures?per_page=500"),
        ("/programmes", "/api/v1/programmes?per_page=500"),
        ("/organisations", "/api/v1/organisations?per_page=500"),
        ("/assessments", "/api/v1/assessments?per_page=500"),
        ("/assessments", "/api/v1/assessments?territory=02&year=2025"),
    ],
)
def test_every_key_an_answer_returns_is_described(client, document, path, url):
    answer = client.get(url).get_json()
    if "items" in answer:
        assert answer["items"], "the demo data has items to check"
    assert problems(answer, answer_schema(document, path), document) == []


@pytest.mark.parametrize("metric", list(METRICS))
@pytest.mark.parametrize("level", ["region", "commune"])
def test_every_metric_of_the_stats_is_described(client, document, metric, level):
    url = f"/api/v1/stats?level={level}&metric={metric}&per_page=500&since=2020&status=ongoing"
    answer = client.get(url).get_json()
    assert problems(answer, answer_schema(document, "/stats"), document) == []
    if level in METRICS[metric].levels:
        assert any(item["value"] is not None for item in answer["items"])
    else:
        # A figure not given for this level (a commune's share of communes): null, as the
        # schema allows, never a made-up zero.
        assert answer["items"] and all(item["value"] is None for item in answer["items"])


def test_the_stats_follow_the_metrics(document):
    parameters = {p["name"]: p for p in document["paths"]["/stats"]["get"]["parameters"]}
    assert parameters["metric"]["schema"]["enum"] == list(METRICS)
    for key, metric in METRICS.items():
        assert f"{key}: {metric.label}" in parameters["metric"]["description"]
    stats = document["components"]["schemas"]["Stats"]["properties"]
    assert stats["metric"]["properties"]["key"]["enum"] == list(METRICS)
    item = document["components"]["schemas"]["StatsItem"]
    assert item["required"] == ["code", "value"]
    assert "small_counts_left_out" in item["properties"]  # beneficiaries counts people
    summary = document["components"]["schemas"]["TerritoryDetail"]["allOf"][1]
    assert set(METRICS) <= set(summary["properties"]["summary"]["properties"])


def test_sectors_are_their_keys_and_years_their_bounds(client, document):
    from tracker.extensions import db
    from tracker.models import Sector

    with client.application.app_context():
        keys = [s.key for s in db.session.query(Sector).order_by(Sector.position)]
    assert len(keys) == 11
    measures = document["components"]["schemas"]["Measure"]["properties"]
    assert measures["sectors"]["items"]["enum"] == keys
    years = 0
    for path in ("/measures", "/stats", "/programmes"):
        for parameter in document["paths"][path]["get"]["parameters"]:
            if parameter["name"] == "sector":
                assert parameter["schema"]["enum"] == keys
            if parameter["name"] in ("year", "since"):
                assert parameter["schema"]["minimum"] == FIRST_YEAR == 2000
                assert parameter["schema"]["maximum"] == LAST_YEAR == 2050
                years += 1
    assert years == 5
    programme = document["components"]["schemas"]["Programme"]["properties"]
    assert programme["first_year"]["maximum"] == LAST_YEAR


def test_an_error_documents_its_parameter(client, document):
    answer = client.get("/api/v1/measures?year=3000&lang=en").get_json()
    assert problems(answer, document["components"]["schemas"]["Error"], document) == []
    assert answer["error"] == {
        "code": "bad_parameter",
        "message": "Year: 3000 is not a year between 2000 and 2050.",
        "parameter": "year",
    }


@pytest.mark.parametrize(
    "ask, summary, title",
    [
        ("?lang=ar", "التدابير المصادق عليها داخل وحدة ترابية", "واجهة برمجة تطبيقات"),
        ("?lang=fr", "Les mesures validées d'un territoire", "API du suivi territorial"),
        ("?lang=en", "Validated measures within a territory", "tracker API"),
    ],
)
def test_the_description_is_in_the_language_asked_for(client, ask, summary, title):
    document = client.get(f"/api/v1/openapi.json{ask}").get_json()
    assert document["paths"]["/measures"]["get"]["summary"].startswith(summary)
    assert title in document["info"]["title"]


def test_the_description_follows_the_remembered_language(client):
    client.set_cookie("lang", "fr")
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/organisations"]["get"]["summary"] == (
        "Les organisations partenaires, par nom"
    )


@pytest.mark.parametrize(
    "lang, direction, heading",
    [("ar", "rtl", "واجهة برمجة التطبيقات للمتتبع"), ("fr", "ltr", "L'API du suivi")],
)
def test_the_api_page_is_served_by_the_app_in_its_language(client, lang, direction, heading):
    page = client.get(f"/api?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'href="/api/v1/openapi.json?lang={lang}"' in page
    assert '<a href="/api">API</a>' in page  # the menu leads here
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    bundle = r"/assets/swagger-ui/4\.15\.5/swagger-ui-bundle\.[0-9a-f]{10}\.js"
    assert [s for s in sources if re.fullmatch(bundle, s)]
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
    for source in ("/assets/swagger-ui/4.15.5/swagger-ui-bundle.js", "/static/api_docs.js"):
        assert client.get(source).status_code == 200


def test_the_page_gives_the_viewer_the_description_the_openapi_way_it_reads(client):
    from tracker.api.docs import as_openapi_30

    page = client.get("/api?lang=fr").get_data(as_text=True)
    held = re.search(r'<script type="application/json" id="api-description">(.*?)</script>', page)
    description = json.loads(held.group(1))
    assert description["openapi"] == "3.0.3"
    assert description["paths"]["/measures"]["get"]["summary"].startswith("Les mesures validées")
    assert as_openapi_30({"openapi": "3.1.0", "type": ["string", "null"], "enum": ["a", None]}) == {
        "openapi": "3.0.3",
        "type": "string",
        "nullable": True,
        "enum": ["a", None],
    }
    assert as_openapi_30({"items": {"type": ["integer", "string", "null"]}}) == {
        "items": {"nullable": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}
    }


def test_a_text_parameter_of_separators_only_is_blank_for_the_document_and_the_api(client):
    """Found by schemathesis: U+001F and a line break passed JSON Schema's "not blank",
    and the API, which strips them as Python does, refused the request as blank."""
    import re

    from tracker.api.openapi_parts import NOT_BLANK

    for blank in ("\x1f\n", "\x1c", " \u0085 ", "\t"):
        assert re.search(NOT_BLANK, blank) is None, repr(blank)
    assert re.search(NOT_BLANK, " 02.251 ")
    response = client.get("/api/v1/programmes?territory=%1F%0A&lang=fr")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"
