"""The permission matrix: every write route × role × own or other territory.

A refused write answers 403 or 404 (or sends an anonymous visitor to sign in)
and changes nothing in the database; an allowed one goes through.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from tests.support import name_of
from tracker import create_app
from tracker.accounts import create_user
from tracker.extensions import db
from tracker.models import User
from tracker.records import service

FIGUIG = "02.251.01.03"  # the officer's own collectivity, in region 02
BOUARFA = "02.251.01.01"  # another collectivity of the same province and region
TANGER = "01.511.01.0"  # a collectivity of another region
TARGETS = {"own": FIGUIG, "same-region": BOUARFA, "other-region": TANGER}
ACTORS = ("anonymous", "officer", "coordinator", "admin")

MEASURE = {
    "title": "Mesure",
    "kind": "service",
    "status": "planned",
    "sectors": ["health"],
}
PROGRAMME = {
    "kind": "PAC",
    "title": "PAC",
    "first_year": "2023",
    "last_year": "2028",
    "integration": "mentioned",
}


@pytest.fixture(scope="session")
def matrix_database(databases, template_database):
    """The full country plus accounts and, in each target territory, a measure and a
    programme in each state a route needs (draft, submitted, deleted)."""
    url = databases.copy(template_database)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        admin = create_user("admin@example.org", "a long admin password", "admin")
        create_user("officer@example.org", "a long officer password", "officer", [FIGUIG])
        create_user("coordinator@example.org", "a long coord password", "coordinator", ["02"])
        db.session.flush()
        ids = {}
        for name, code in TARGETS.items():
            for entity, data, saver in (
                ("measure", MEASURE, service.save_measure),
                ("programme", PROGRAMME, service.save_programme),
            ):
                for state in ("draft", "submitted", "deleted"):
                    record = saver(admin, {**data, "territory_code": code})
                    if state == "submitted":
                        service.transition(admin, entity, record, "submit")
                    if state == "deleted":
                        service.delete(admin, entity, record)
                    ids[(entity, name, state)] = record.id
        organisation = service.save_organisation(admin, {"name": "OIM", "kind": "international"})
        ids["organisation"] = organisation.id
        ids["officer_user"] = db.session.scalar(
            select(User.id).where(User.email == "officer@example.org")
        )
        db.session.commit()
        db.engine.dispose()
    return name_of(url), ids


def _snapshot():
    """Every row of every table that records or accounts live in."""
    tables = (
        "measure",
        "programme",
        "organisation",
        "user",
        "user_territory",
        "audit_entry",
        "measure_sector",
        "measure_organisation",
    )
    return {t: db.session.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).all() for t in tables}


def _routes(ids):
    """(name, method url, form data, who may, which target) for every write route."""
    routes = []
    for entity, data in (("measure", MEASURE), ("programme", PROGRAMME)):
        for target in TARGETS:
            draft = ids[(entity, target, "draft")]
            submitted = ids[(entity, target, "submitted")]
            deleted = ids[(entity, target, "deleted")]
            code = TARGETS[target]
            routes += [
                (f"new {entity}", f"/work/{code}/{entity}/new", data, "writer", target),
                (
                    f"edit {entity}",
                    f"/work/{entity}/{draft}/edit",
                    {**data, "title": "Changed", "version": 1},
                    "writer",
                    target,
                ),
                (
                    f"submit {entity}",
                    f"/work/{entity}/{draft}/submit",
                    {"version": 1},
                    "writer",
                    target,
                ),
                (
                    f"delete {entity}",
                    f"/work/{entity}/{draft}/delete",
                    {"version": 1},
                    "writer",
                    target,
                ),
                (
                    f"validate {entity}",
                    f"/work/{entity}/{submitted}/validate",
                    {"version": 2},
                    "reviewer",
                    target,
                ),
                (
                    f"return {entity}",
                    f"/work/{entity}/{submitted}/return",
                    {"version": 2, "comment": "À revoir"},
                    "reviewer",
                    target,
                ),
                (
                    f"restore {entity}",
                    f"/admin/deleted/{entity}/{deleted}/restore",
                    {},
                    "admin",
                    target,
                ),
            ]
    routes += [
        (
            "new organisation",
            "/work/organisations/new",
            {"name": "Nouvelle association", "kind": "association"},
            "officer-or-admin",
            None,
        ),
        (
            "edit organisation",
            f"/work/organisations/{ids['organisation']}/edit",
            {"name": "OIM Maroc", "kind": "international", "version": 1},
            "admin",
            None,
        ),
        (
            "new account",
            "/admin/accounts/new",
            {
                "email": "new@example.org",
                "role": "officer",
                "territories": FIGUIG,
                "password": "yet another long password",
                "active": "y",
            },
            "admin",
            None,
        ),
        (
            "edit account",
            f"/admin/accounts/{ids['officer_user']}",
            {
                "email": "officer@example.org",
                "role": "officer",
                "territories": TANGER,
                "active": "y",
            },
            "admin",
            None,
        ),
    ]
    return routes


def _allowed(actor: str, who: str, target: str | None) -> bool:
    if actor == "admin":
        return True
    if who == "writer":
        return actor == "officer" and target == "own"
    if who == "reviewer":
        return actor == "coordinator" and target in ("own", "same-region")
    if who == "officer-or-admin":
        return actor == "officer"
    return False


def _cases():
    ids_stub = {k: 0 for k in ("organisation", "officer_user")}
    ids_stub.update(
        {
            (e, t, s): 0
            for e in ("measure", "programme")
            for t in TARGETS
            for s in ("draft", "submitted", "deleted")
        }
    )
    for index, (name, _, _, _who, target) in enumerate(_routes(ids_stub)):
        for actor in ACTORS:
            yield pytest.param(index, actor, id=f"{name}-{target or 'any'}-{actor}")


@pytest.mark.parametrize("route_index, actor", list(_cases()))
def test_write_route(databases, matrix_database, route_index, actor):
    source, ids = matrix_database
    db_url = databases.copy(source)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url})
    client = app.test_client()
    name, url, data, who, target = _routes(ids)[route_index]

    if actor != "anonymous":
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == f"{actor}@example.org"))
            token = user.session_token
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        page = client.get("/work").get_data(as_text=True)
    else:
        page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    with app.app_context():
        before = _snapshot()
    response = client.post(url, data={**data, "csrf_token": csrf})
    with app.app_context():
        after = _snapshot()
        db.engine.dispose()
    databases.drop(name_of(db_url))

    if _allowed(actor, who, target):
        assert response.status_code in (200, 302), (name, response.status_code)
        assert after != before, f"{name} by {actor} on {target} changed nothing"
    else:
        if actor == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code in (403, 404), (name, actor, target, response.status_code)
        assert after == before, f"{name} by {actor} on {target} changed the database"
