"""Plain helpers the test modules share: not tests, not fixtures, importable from any of them."""

from __future__ import annotations

import re
from pathlib import Path


def name_of(url: str) -> str:
    """The database name in a URL made by the suite's `Databases`."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return Path(database).stem if database.endswith(".sqlite3") else database


def dispose(app) -> None:
    """Close the app's connections so its database can be copied or dropped."""
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form at `url`, as a browser would read it; fails the test
    when the page has none."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, f"no CSRF token in {url}"
    return match.group(1)


FACTORY_ADMIN = "factory.admin@example.org"


def make_validated_measure(
    app, territory_code: str, title: str = "Mesure", *, author: str | None = None, **fields
) -> int:
    """Record a measure of `territory_code` as the app would, through the records service:
    created by `author` (the e-mail of an existing account; an administrator made here
    when None), submitted by the same, then validated by the administrator, each step
    in its history. `fields` are the form's values (kind "service" and status "ongoing"
    unless given). Returns the measure's id; raises what the service raises for a
    measure it refuses."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User
    from tracker.records import service

    with app.app_context():
        admin = _factory_admin()
        by = admin
        if author is not None:
            by = db.session.scalar(select(User).where(User.email == author))
            assert by is not None, f"no account {author}"
        measure = service.save_measure(
            by,
            {
                "territory_code": territory_code,
                "title": title,
                "kind": "service",
                "status": "ongoing",
                **fields,
            },
        )
        service.transition(by, "measure", measure, "submit")
        service.transition(admin, "measure", measure, "validate")
        db.session.commit()
        return measure.id


def make_organisation(app, name: str, kind: str = "association", **fields) -> int:
    """Record a partner organisation as the app would, by the factory's administrator;
    returns its id."""
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        organisation = service.save_organisation(
            _factory_admin(), {"name": name, "kind": kind, **fields}
        )
        db.session.commit()
        return organisation.id


def _factory_admin():
    """The administrator the factories record with, made the first time it is needed."""
    from sqlalchemy import select

    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.models import User

    admin = db.session.scalar(select(User).where(User.email == FACTORY_ADMIN))
    return admin or create_user(FACTORY_ADMIN, "a long factory password", "admin")
