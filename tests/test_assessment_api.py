"""`GET /api/v1/assessments`: the published self-assessments within a territory and of a
year, paginated as the other lists, each with its scores, potentials and answers;
errors as the other endpoints."""

from __future__ import annotations

import pytest

from tests.support import BOUARFA, FIGUIG, TANGER, make_assessment, make_validated_measure


@pytest.fixture
def assessed(app):
    """Figuig in 2024 and 2025 (the 2025 one citing a measure), Bouarfa in 2025, the
    Oriental council in 2025 answering Q4 and Q9 "not applicable", Tanger only submitted."""
    measure = make_validated_measure(app, FIGUIG, "Cellule d'accueil", kind="reception")
    make_assessment(app, FIGUIG, 2024, {"Q1": 1})
    answer_2025 = make_assessment(app, FIGUIG, 2025, {"Q1": 3, "Q2": 0})
    make_assessment(app, BOUARFA, 2025)
    make_assessment(app, "02", 2025, {"Q4": "not_applicable", "Q9": "not_applicable"})
    make_assessment(app, TANGER, 2025, state="submitted")
    with app.app_context():
        from tracker.extensions import db
        from tracker.models import Assessment, Measure

        assessment = db.session.get(Assessment, answer_2025)
        assessment.answer("Q9").measures.append(db.session.get(Measure, measure))
        db.session.commit()
    return measure


def test_an_assessment_gives_its_territory_scores_potentials_and_answers(assessed, client):
    body = client.get(f"/api/v1/assessments?territory={FIGUIG}&year=2025").json
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 50
    item = body["items"][0]
    assert item["territory"] == {
        "code": FIGUIG,
        "name_fr": "Figuig",
        "name_ar": "فجيج",
        "level": "commune",
    }
    assert item["year"] == 2025 and item["indicator_version"] == 1 and item["complete"]
    d1 = item["dimensions"][0]
    # D1: Q1 at 3, Q2 at 0, Q3 at 2: 100 × 5 ÷ 9 = 55.6.
    assert d1 == {"key": "D1", "score": 55.6, "potential": 3}
    assert [d["key"] for d in item["dimensions"]] == ["D1", "D2", "D3", "D4", "D5", "D6"]
    answers = {a["question"]: a for a in item["answers"]}
    assert len(answers) == 15
    assert answers["Q2"] == {
        "question": "Q2",
        "points": 0,
        "not_applicable": False,
        "evidence_reference": None,
        "evidence_url": None,
        "evidence_text": None,
        "measures": [],
    }
    assert answers["Q9"]["measures"] == [assessed]
    assert answers["Q9"]["evidence_text"] == "Délibération du conseil"


def test_not_applicable_answers_lower_the_potential(assessed, client):
    item = client.get("/api/v1/assessments?territory=02&year=2025").json["items"]
    region = next(i for i in item if i["territory"]["code"] == "02")
    dimensions = {d["key"]: d for d in region["dimensions"]}
    assert dimensions["D2"] == {"key": "D2", "score": 66.7, "potential": 4}
    assert dimensions["D3"] == {"key": "D3", "score": 66.7, "potential": 1}
    q4 = next(a for a in region["answers"] if a["question"] == "Q4")
    assert q4["points"] is None and q4["not_applicable"] is True


def test_a_territory_means_it_and_everything_within_it(assessed, client):
    body = client.get("/api/v1/assessments?territory=02").json
    listed = [(i["territory"]["code"], i["year"]) for i in body["items"]]
    assert listed == [("02", 2025), (BOUARFA, 2025), (FIGUIG, 2024), (FIGUIG, 2025)]
    assert client.get("/api/v1/assessments?year=2024").json["total"] == 1
    # Only validated ones: Tanger's is submitted.
    assert client.get(f"/api/v1/assessments?territory={TANGER}").json["total"] == 0


def test_the_list_is_paginated_as_the_others(assessed, client):
    first = client.get("/api/v1/assessments?per_page=2").json
    second = client.get("/api/v1/assessments?per_page=2&page=2").json
    assert first["total"] == second["total"] == 4
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])


@pytest.mark.parametrize(
    "query, status, parameter, message",
    [
        ("year=3000", 400, "year", "Année : 3000 n'est pas une année comprise entre 2000 et 2050."),
        ("per_page=0", 400, "per_page", None),
        (
            "territory=99.999",
            404,
            "territory",
            "Territoire : aucun territoire ne porte le code 99.999.",
        ),
    ],
)
def test_errors_name_their_field(client, query, status, parameter, message):
    response = client.get(f"/api/v1/assessments?{query}&lang=fr")
    assert response.status_code == status
    error = response.json["error"]
    assert error["parameter"] == parameter
    if message:
        assert error["message"] == message
