"""The pages that lead to a write, by role: each opens to those its rule lets in and
answers 403 to anyone else (an anonymous visitor is sent to sign in). And deleting an
organisation, which no page offers: the service lets its creator or an administrator do
it, and refuses anyone else, changing nothing."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from tests.permissions_support import ACTORS, ORGANISATION_OWNERS
from tests.permissions_support import sign_in as _sign_in
from tests.support import name_of
from tracker import create_app
from tracker.extensions import db
from tracker.models import Organisation, User
from tracker.records import service

# (name, url, who may see it) for the pages that lead to a write, by their rule.
PAGES = (
    ("review queue", "/review", ("coordinator", "admin")),
    ("deleted records", "/admin/deleted", ("admin",)),
    ("import", "/work/import", ("officer", "admin")),
    ("new organisation", "/work/organisations/new", ("officer", "admin")),
    ("own organisation", "/work/organisations/{own}/edit", ("officer", "admin")),
    ("other organisation", "/work/organisations/{other}/edit", ("admin",)),
)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name, url, who", PAGES, ids=[p[0] for p in PAGES])
def test_page(databases, matrix_database, name, url, who, actor):
    source, ids = matrix_database
    db_url = databases.copy(source)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url})
    client = app.test_client()
    _sign_in(app, client, actor)
    organisations = {owner: ids[("organisation", owner)] for owner in ORGANISATION_OWNERS}
    response = client.get(url.format(**organisations))
    with app.app_context():
        db.engine.dispose()
    databases.drop(name_of(db_url))
    if actor == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == (200 if actor in who else 403), (name, actor)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("owner", ORGANISATION_OWNERS)
def test_deleting_an_organisation(databases, matrix_database, owner, actor):
    """No page deletes an organisation; the service lets its creator or an
    administrator do it, and refuses anyone else, changing nothing."""
    source, ids = matrix_database
    db_url = databases.copy(source)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{actor}@example.org"))
        organisation = db.session.get(Organisation, ids[("organisation", owner)])
        allowed = actor == "admin" or (actor == "officer" and owner == "own")
        if allowed:
            service.delete(user, "organisation", organisation, expected_version=1)
            assert organisation.deleted_at is not None
        else:
            with pytest.raises(service.NotAllowed):
                service.delete(user or AnonymousUserMixin(), "organisation", organisation)
            assert organisation.deleted_at is None
        db.session.rollback()
        db.engine.dispose()
    databases.drop(name_of(db_url))
