"""Programmes as public data: their serialiser, their page, their API list, and what a
measure says of its programme in the API and the exports."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Programme, User
from tracker.records import service

FIGUIG, BOUARFA = "02.251.01.03", "02.251.01.01"
ADMIN = "programmes.admin@example.org"

PAC = {
    "territory_code": FIGUIG,
    "kind": "PAC",
    "title": "Programme d'action communale de Figuig",
    "first_year": "2023",
    "last_year": "2028",
    "adopted_on": "2023-03-14",
    "reference": "Délibération 7/2023",
    "integration": "dedicated",
}


def _admin():
    from tracker.accounts import create_user

    admin = db.session.scalar(select(User).where(User.email == ADMIN))
    return admin or create_user(ADMIN, "a long programmes password", "admin")


def make_programme(app, state: str = "validated", **fields) -> int:
    """Record a programme as the app would (PAC of Figuig unless `fields` say otherwise)
    and take it to `state` (draft, submitted, returned, validated or deleted); its id."""
    with app.app_context():
        admin = _admin()
        programme = service.save_programme(admin, {**PAC, **fields})
        if state != "draft":
            service.transition(admin, "programme", programme, "submit")
        if state in ("validated", "deleted"):
            service.transition(admin, "programme", programme, "validate")
        if state == "returned":
            service.transition(admin, "programme", programme, "return", comment="Les années ?")
        if state == "deleted":
            service.delete(admin, "programme", programme)
        db.session.commit()
        return programme.id


@pytest.fixture
def programme(app, validated_measure):
    """A validated PAC of Figuig holding two validated measures, and a draft one."""
    programme_id = make_programme(app)
    validated_measure(FIGUIG, "Cellule d'accueil", programme_id=str(programme_id))
    validated_measure(FIGUIG, "Cours de darija", programme_id=str(programme_id))
    with app.app_context():
        admin = _admin()
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
