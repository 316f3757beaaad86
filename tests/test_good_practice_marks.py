"""Marking a good practice: who may mark a validated measure as one (and take the mark
away), the note it needs, what the public sees of it and when (never before validation,
nor while the measure is back under review, nor once it is deleted), the history that
keeps the mark and its note, and the columns that hold them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from tests.good_practices_support import ADMIN, COORDINATOR, NOTE, mark_good_practice, user
from tests.support import FIGUIG, csrf_token
from tracker.extensions import db
from tracker.models import AuditEntry, Measure

OFFICER = "officer@example.org"
OTHER_COORDINATOR = "other.coordinator@example.org"  # of Tanger-Tétouan-Al Hoceïma
ACTORS = {
    "anonymous": None,
    "officer": OFFICER,
    "coordinator": COORDINATOR,
    "other coordinator": OTHER_COORDINATOR,
    "admin": ADMIN,
}


@pytest.fixture
def people(accounts):
    """The accounts of these tests: Figuig's officer, the Oriental's coordinator, the
    coordinator of another region, an administrator."""
    accounts.create(OFFICER, "officer", [FIGUIG])
    accounts.create(COORDINATOR, "coordinator", ["02"])
    accounts.create(OTHER_COORDINATOR, "coordinator", ["01"])
    accounts.create(ADMIN, "admin")
    return accounts


def _version(app, measure_id: int) -> int:
    with app.app_context():
        return db.session.get(Measure, measure_id).version


def _rows(app) -> tuple:
    """Every row of the measures and of the history."""
    with app.app_context():
        return (
            db.session.execute(text("SELECT * FROM measure ORDER BY id")).all(),
            db.session.execute(text("SELECT * FROM audit_entry ORDER BY id")).all(),
        )


def _post(client, url: str, data: dict):
    token = csrf_token(client, "/login" if not _signed_in(client) else "/work")
    return client.post(url, data={**data, "csrf_token": token})


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


# ---- who may mark and unmark ------------------------------------------------------------------


@pytest.mark.parametrize("action", ["mark", "unmark"])
@pytest.mark.parametrize("actor", list(ACTORS))
def test_who_may_mark_and_unmark(app, client, people, validated_measure, actor, action):
    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    if action == "unmark":
        mark_good_practice(app, measure_id)
    if ACTORS[actor]:
        people.login(ACTORS[actor])
    version = _version(app, measure_id)
    before = _rows(app)
    url = f"/work/measure/{measure_id}/good-practice" + ("/remove" if action == "unmark" else "")
    response = _post(client, url, {"version": version, "note": "Un autre mot"})
    after = _rows(app)

    if actor == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif actor in ("coordinator", "admin"):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/work/measure/{measure_id}")
        with app.app_context():
            measure = db.session.get(Measure, measure_id)
            marked = measure.good_practice_at is not None
            assert marked == (action == "mark")
            assert measure.good_practice_note == ("Un autre mot" if action == "mark" else None)
    else:
        assert response.status_code == 403
    if actor in ("coordinator", "admin"):
        assert after != before
    else:
        assert after == before, f"{action} by {actor} changed the database"


def test_the_record_page_offers_the_form_to_the_coordinator_only(
    app, client, people, validated_measure
):
    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    people.login(OFFICER)
    page = client.get(f"/work/measure/{measure_id}?lang=en").get_data(as_text=True)
    assert "Mark as a good practice" not in page
    people.logout()
    people.login(COORDINATOR)
    page = client.get(f"/work/measure/{measure_id}?lang=en").get_data(as_text=True)
    assert "Mark as a good practice" in page
    assert f'action="/work/measure/{measure_id}/good-practice"' in page
    assert 'maxlength="1000"' in page and "required" in page


def test_the_officer_sees_the_mark_and_its_note_on_the_record_page(
    app, client, people, validated_measure
):
    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    mark_good_practice(app, measure_id)
    people.login(OFFICER)
    page = client.get(f"/work/measure/{measure_id}?lang=fr").get_data(as_text=True)
    assert "Marquée comme bonne pratique" in page
    assert "Une permanence hebdomadaire" in page
    assert "Ne plus en faire une bonne pratique" not in page


# ---- the note ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, message",
    [
        ("fr", "Dites ce qui l’a fait réussir et ce qu’il a fallu : la note est obligatoire."),
        ("ar", "اذكروا ما الذي أنجحه وما الذي تطلّبه: الملاحظة إلزامية."),
    ],
)
def test_a_note_is_required(app, client, people, validated_measure, lang, message):
    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    people.login(COORDINATOR)
    before = _rows(app)
    url = f"/work/measure/{measure_id}/good-practice?lang={lang}"
    response = _post(client, url, {"version": _version(app, measure_id), "note": " "})
    assert response.status_code == 302
    assert _rows(app) == before
    page = client.get(response.headers["Location"] + f"?lang={lang}").get_data(as_text=True)
    assert message in page


def test_a_note_longer_than_a_thousand_characters_is_refused(app, people, validated_measure):
    from tracker.good_practices import marks
    from tracker.records.service import RecordInvalid

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    with app.test_request_context("/?lang=en"):
        with pytest.raises(RecordInvalid) as refused:
            marks.mark(user(COORDINATOR), db.session.get(Measure, measure_id), "x" * 1001)
        assert refused.value.errors == {"note": "At most 1000 characters."}
        marks.mark(user(COORDINATOR), db.session.get(Measure, measure_id), "x" * 1000)


# ---- what the public sees, and when ---------------------------------------------------------


def _public(client, measure_id: int) -> tuple[str, list]:
    """The good-practices page (in English) and the API's good practices."""
    page = client.get("/good-practices?lang=en").get_data(as_text=True)
    items = client.get("/api/v1/measures?good_practice=1").get_json()["items"]
    return page, items


def test_a_measure_under_review_cannot_be_marked(app, client, people):
    from tracker.records import service

    with app.app_context():
        measure = service.save_measure(
            user(ADMIN),
            {
                "territory_code": FIGUIG,
                "title": "En revue",
                "kind": "reception",
                "status": "ongoing",
            },
        )
        service.transition(user(ADMIN), "measure", measure, "submit")
        db.session.commit()
        measure_id, version = measure.id, measure.version
    people.login(COORDINATOR)
    before = _rows(app)
    response = _post(
        client, f"/work/measure/{measure_id}/good-practice", {"version": version, "note": NOTE}
    )
    assert response.status_code == 302 and _rows(app) == before
    page, items = _public(client, measure_id)
    assert "En revue" not in page and items == []


def test_nothing_is_public_before_validation_and_again_after_resubmission(
    app, client, people, validated_measure
):
    from tracker.records import service

    app.config["PUBLIC_SHOW_SUBMITTED"] = True
    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception", author=OFFICER)
    page, items = _public(client, measure_id)
    assert "Cellule d'accueil" not in page and items == []

    mark_good_practice(app, measure_id)
    page, items = _public(client, measure_id)
    assert "Cellule d&#39;accueil" in page and "Une permanence hebdomadaire" in page
    assert [item["id"] for item in items] == [measure_id]
    measure_page = client.get(f"/measures/{measure_id}?lang=en").get_data(as_text=True)
    assert "Good practice" in measure_page and "Une permanence hebdomadaire" in measure_page

    # Edited and submitted again: public as submitted, but no longer a good practice.
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        raw = {"territory_code": FIGUIG, "title": "Cellule d'accueil", "kind": "reception"}
        service.save_measure(user(OFFICER), {**raw, "status": "completed"}, measure)
        service.transition(user(OFFICER), "measure", measure, "submit")
        db.session.commit()
    page, items = _public(client, measure_id)
    assert "Cellule d&#39;accueil" not in page and items == []
    api = client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"]
    assert [(item["id"], item["good_practice"]) for item in api] == [(measure_id, None)]
    measure_page = client.get(f"/measures/{measure_id}?lang=en").get_data(as_text=True)
    assert "Une permanence hebdomadaire" not in measure_page

    # Validated again: the note was kept, and shows again.
    with app.app_context():
        service.transition(user(ADMIN), "measure", db.session.get(Measure, measure_id), "validate")
        db.session.commit()
    page, items = _public(client, measure_id)
    assert [item["good_practice"]["note"] for item in items] == [NOTE]


def test_a_deleted_measure_is_no_longer_a_good_practice(app, client, people, validated_measure):
    from tracker.records import service

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    mark_good_practice(app, measure_id)
    with app.app_context():
        service.delete(user(ADMIN), "measure", db.session.get(Measure, measure_id))
        db.session.commit()
    page, items = _public(client, measure_id)
    assert "Cellule d&#39;accueil" not in page and items == []


# ---- history and schema -----------------------------------------------------------------------


def test_the_history_keeps_the_mark_and_the_note(app, client, people, validated_measure):
    from tracker.good_practices import marks

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    mark_good_practice(app, measure_id)
    with app.app_context():
        marks.unmark(user(ADMIN), db.session.get(Measure, measure_id))
        db.session.commit()
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "measure", AuditEntry.entity_id == measure_id)
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries][-2:] == ["mark_practice", "unmark_practice"]
        assert entries[-2].changes == {"good_practice_note": [None, NOTE]}
        assert entries[-2].user.email == COORDINATOR
        assert entries[-1].changes == {"good_practice_note": [NOTE, None]}
    people.login(COORDINATOR)
    page = client.get(f"/work/measure/{measure_id}?lang=en").get_data(as_text=True)
    history = page[page.index("History") :]
    assert "Marked as a good practice" in history and "No longer a good practice" in history
    assert "Une permanence hebdomadaire" in history


def test_the_migration_adds_the_columns_the_model_describes(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context():
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        count = db.session.scalar(select(func.count()).where(Measure.good_practice_shown))
    assert [d for d in differences if "good_practice" in repr(d)] == []
    assert count == 0
