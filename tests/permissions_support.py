"""The accounts and records the permission tests act on: the full country, an officer of
Figuig, a coordinator of its region and an administrator; in each target territory a
measure, a programme and an assessment in each state a route needs; organisations the
officer and an administrator added. And a way to sign an account in without the form."""

from __future__ import annotations

from sqlalchemy import select

from tests.support import BOUARFA, FIGUIG, TANGER, name_of
from tracker import create_app
from tracker.accounts import create_user
from tracker.extensions import db
from tracker.models import User
from tracker.records import service

# The officer's own collectivity (Figuig, region 02), another of the same province and
# region (Bouarfa), and one of another region (Tanger).
TARGETS = {"own": FIGUIG, "same-region": BOUARFA, "other-region": TANGER}
ACTORS = ("anonymous", "officer", "coordinator", "admin")
# Whose an organisation is: the officer's, who added it, or an administrator's.
ORGANISATION_OWNERS = ("own", "other")

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
# The years of the stored assessments, by state (one live one per year and collectivity).
ASSESSMENT_YEARS = {"draft": 2025, "submitted": 2024, "deleted": 2023}


def _save_assessment(user, data: dict):
    """A complete assessment, every answer with its evidence, for the year `data` names."""
    from tracker.assessment.indicators import latest_indicator_set
    from tracker.assessment.service import save_assessment

    answers = {
        q.key: {"points": 2, "evidence_reference": "Délibération n° 7"}
        for q in latest_indicator_set().questions
    }
    return save_assessment(user, {**data, "answers": answers})


def build_matrix_database(databases, template_database):
    """Make a copy of the template database holding the full country plus accounts; in
    each target territory, a measure and a programme and an assessment in each state a
    route needs (draft, submitted, deleted); an organisation the officer added, one an
    administrator added, and a deleted one. Returns its name and the ids of what it holds."""
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
                ("assessment", {}, _save_assessment),
            ):
                for state in ("draft", "submitted", "deleted"):
                    year = {"year": ASSESSMENT_YEARS[state]} if entity == "assessment" else {}
                    record = saver(admin, {**data, **year, "territory_code": code})
                    if state == "submitted":
                        service.transition(admin, entity, record, "submit")
                    if state == "deleted":
                        service.delete(admin, entity, record)
                    ids[(entity, name, state)] = record.id
        officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
        ids["officer_user"] = officer.id
        for owner, author in (("own", officer), ("other", admin), ("deleted", admin)):
            organisation = service.save_organisation(
                author, {"name": f"OIM {owner}", "kind": "international"}
            )
            if owner == "deleted":
                service.delete(admin, "organisation", organisation)
            ids[("organisation", owner)] = organisation.id
        db.session.commit()
        db.engine.dispose()
    return name_of(url), ids


def sign_in(app, client, actor: str) -> None:
    """Put `actor`'s session token in the client's session (nothing for anonymous)."""
    if actor == "anonymous":
        return
    with app.app_context():
        token = db.session.scalar(
            select(User.session_token).where(User.email == f"{actor}@example.org")
        )
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
