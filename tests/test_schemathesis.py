"""The API answers as its OpenAPI document says, for any input schemathesis generates:
every default check of schemathesis on every operation, on the demo data."""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.support import dispose
from tracker import create_app
from tracker.cli import upgrade_database
from tracker.territories import load_territories


def the_document() -> dict:
    """The API's OpenAPI document as `/api/v1/openapi.json` serves it, in English, from an
    app on a new database with the territories (the lists it names, such as the sectors and the parents'
    codes, are the database's)."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/none.sqlite3",
                "GEO_CACHE_DIR": folder,
            }
        )
        with app.app_context():
            upgrade_database()
            load_territories()
        document = app.test_client().get("/api/v1/openapi.json?lang=en").get_json()
        dispose(app)
    return document


schema = schemathesis.openapi.from_dict(the_document())


@pytest.fixture
def database_url(demo_database_url):
    return demo_database_url


@schema.parametrize()
# The same inputs on every run, so that a run on a clean machine meets what was checked
# here; a search for new failures raises max_examples by hand.
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_as_its_document_says(case, app):
    # The test client does not unpack what flask-compress packs.
    case.call_and_validate(app=app, headers={"Accept-Encoding": "identity"})


def test_a_405_of_a_page_says_which_methods_are_allowed(client):
    response = client.post("/map?lang=fr")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Cette action n&#39;est pas autorisée ici" in response.get_data(as_text=True)


def test_a_405_of_the_api_says_which_methods_are_allowed_in_json(client):
    response = client.delete("/api/v1/measures?lang=en")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "query, parameter, message",
    [
        (
            "level=",
            "level",
            "Level: the value is empty. Leave the parameter out to use its default.",
        ),
        (
            "q=%20",
            "q",
            "Text looked for: the value is empty. Leave the parameter out to use its default.",
        ),
        (
            "parent=02.251.01.03",
            "parent",
            "Parent territory: 02.251.01.03 is a commune, which has no territories under it.",
        ),
    ],
)
def test_an_empty_parameter_or_a_commune_as_parent_is_a_400(client, query, parameter, message):
    response = client.get(f"/api/v1/territories?{query}&lang=en")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_parameter",
        "message": message,
        "parameter": parameter,
    }


def test_the_parent_codes_are_those_of_the_regions_and_provinces(client):
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    parameters = document["paths"]["/territories"]["get"]["parameters"]
    codes = next(p for p in parameters if p["name"] == "parent")["schema"]["enum"]
    assert {"02", "02.251"} <= set(codes)
    assert "02.251.01.03" not in codes
