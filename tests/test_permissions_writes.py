"""The permission matrix of the write routes: every write route × role × own or other
territory (for an organisation: the officer's own or another's).

Each case asserts the status the user gets: a refused write answers 403 (404 where
no route exists, 400 for an import of another collectivity's rows; an anonymous
visitor is sent to sign in) and changes nothing in the database; an allowed one
goes through.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from tests.permissions_support import ACTORS, MEASURE, ORGANISATION_OWNERS, PROGRAMME, TARGETS
from tests.permissions_support import sign_in as _sign_in
from tests.support import FIGUIG, TANGER, name_of
from tracker import create_app
from tracker.extensions import db

# An assessment's form for a year no stored assessment holds, one question answered.
ASSESSMENT = {"year": "2026", "Q1_points": "1", "Q1_evidence_reference": "Délibération n° 7"}


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
        "assessment",
        "assessment_answer",
        "assessment_answer_measure",
    )
    return {t: db.session.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).all() for t in tables}


@dataclass(frozen=True)
class Route:
    """A write route: `who` names its rule, `target` the territory (or, for an
    organisation, whose it is: the officer's own or another's) it acts on."""

    name: str
    url: str
    data: dict
    who: str
    target: str | None = None


def _import_file(code: str) -> bytes:
    """A CSV of one measure for collectivity `code`, headed by column keys."""
    return (
        "territory_code,title,kind,status,sectors\r\n"
        f"{code},Mesure importée,service,planned,health\r\n"
    ).encode("utf-8-sig")


def _reviewed_routes(ids) -> list[Route]:
    """The routes of programmes, measures and assessments, on each target territory."""
    routes = []
    for entity, data in (
        ("measure", MEASURE),
        ("programme", PROGRAMME),
        ("assessment", ASSESSMENT),
    ):
        for target, code in TARGETS.items():
            draft = ids[(entity, target, "draft")]
            submitted = ids[(entity, target, "submitted")]
            deleted = ids[(entity, target, "deleted")]
            routes += [
                Route(f"new {entity}", f"/work/{code}/{entity}/new", data, "writer", target),
                Route(
                    f"edit {entity}",
                    f"/work/{entity}/{draft}/edit",
                    {**data, "title": "Changed", "year": "2025", "version": 1},
                    "writer",
                    target,
                ),
                Route(
                    f"submit {entity}",
                    f"/work/{entity}/{draft}/submit",
                    {"version": 1},
                    "writer",
                    target,
                ),
                Route(
                    f"delete {entity}",
                    f"/work/{entity}/{draft}/delete",
                    {"version": 1},
                    "writer",
                    target,
                ),
                Route(
                    f"validate {entity}",
                    f"/work/{entity}/{submitted}/validate",
                    {"version": 2},
                    "reviewer",
                    target,
                ),
                Route(
                    f"return {entity}",
                    f"/work/{entity}/{submitted}/return",
                    {"version": 2, "comment": "À revoir"},
                    "reviewer",
                    target,
                ),
                Route(
                    f"restore {entity}",
                    f"/admin/deleted/{entity}/{deleted}/restore",
                    {},
                    "admin",
                    target,
                ),
            ]
    return routes


def _routes(ids) -> list[Route]:
    """Every write route, for each territory or owner it can act on."""
    routes = _reviewed_routes(ids)
    routes += [
        Route(
            "import measures",
            "/work/import",
            {"file": _import_file(code)},
            "importer",
            target,
        )
        for target, code in TARGETS.items()
    ]
    routes += [
        Route(
            "import assessments",
            "/work/import?what=assessments",
            {"file": f"territory_code,year,question,points\r\n{code},2026,Q1,0\r\n".encode()},
            "importer",
            target,
        )
        for target, code in TARGETS.items()
    ]
    routes.append(
        Route(
            "new organisation",
            "/work/organisations/new",
            {"name": "Nouvelle association", "kind": "association"},
            "officer-or-admin",
        )
    )
    for owner in ORGANISATION_OWNERS:
        organisation = ids[("organisation", owner)]
        routes += [
            Route(
                "edit organisation",
                f"/work/organisations/{organisation}/edit",
                {"name": "OIM Maroc", "kind": "international", "version": 1},
                "creator-or-admin",
                owner,
            ),
            # Organisations are not deleted from the web: no route answers for them.
            Route(
                "delete organisation",
                f"/work/organisation/{organisation}/delete",
                {"version": 1},
                "nobody",
                owner,
            ),
        ]
    routes += [
        Route(
            "restore organisation",
            f"/admin/deleted/organisation/{ids[('organisation', 'deleted')]}/restore",
            {},
            "admin",
        ),
        Route(
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
        ),
        Route(
            "edit account",
            f"/admin/accounts/{ids['officer_user']}",
            {
                "email": "officer@example.org",
                "role": "officer",
                "territories": TANGER,
                "active": "y",
            },
            "admin",
        ),
    ]
    return routes


def _allowed(actor: str, who: str, target: str | None) -> bool:
    if who == "nobody":
        return False
    if actor == "admin":
        return True
    if who in ("writer", "importer"):
        return actor == "officer" and target == "own"
    if who == "reviewer":
        return actor == "coordinator" and target in ("own", "same-region")
    if who == "officer-or-admin":
        return actor == "officer"
    if who == "creator-or-admin":
        return actor == "officer" and target == "own"
    return False


def _expected_status(actor: str, route: Route) -> int:
    """The status `actor` gets from `route`: a redirect after a save (the import
    answers its report, 200), 403 when refused; 400 for an officer's import of another
    collectivity's rows (the report says which), 404 for a route that does not exist."""
    if actor == "anonymous":
        return 302
    if _allowed(actor, route.who, route.target):
        return 200 if route.who == "importer" else 302
    if route.who == "nobody":
        return 404
    if route.who == "importer" and actor == "officer":
        return 400
    return 403


def _cases():
    for index, route in enumerate(_routes(defaultdict(int))):
        for actor in ACTORS:
            yield pytest.param(index, actor, id=f"{route.name}-{route.target or 'any'}-{actor}")


@pytest.mark.parametrize("route_index, actor", list(_cases()))
def test_write_route(databases, matrix_database, route_index, actor):
    source, ids = matrix_database
    db_url = databases.copy(source)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url})
    client = app.test_client()
    route = _routes(ids)[route_index]
    name, who, target = route.name, route.who, route.target

    _sign_in(app, client, actor)
    page = client.get("/login" if actor == "anonymous" else "/work").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    with app.app_context():
        before = _snapshot()
    files = {
        k: (io.BytesIO(v), "measures.csv") for k, v in route.data.items() if isinstance(v, bytes)
    }
    response = client.post(route.url, data={**route.data, **files, "csrf_token": csrf})
    with app.app_context():
        after = _snapshot()
        db.engine.dispose()
    databases.drop(name_of(db_url))

    expected = _expected_status(actor, route)
    assert response.status_code == expected, (name, actor, target, response.status_code)
    if actor == "anonymous":
        assert "/login" in response.headers["Location"]
    if _allowed(actor, who, target):
        assert after != before, f"{name} by {actor} on {target} changed nothing"
    else:
        assert after == before, f"{name} by {actor} on {target} changed the database"
