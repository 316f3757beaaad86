"""The officer's and the coordinator's home pages say what changed since their previous
visit: records of theirs returned or validated, records submitted for their review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.support import csrf_token
from tracker.extensions import db
from tracker.models import AuditEntry, User
from tracker.notifications.visits import note_visit
from tracker.records import service

FIGUIG = "02.251.01.03"
TANGER = "01.511.01.0"
OFFICER = "figuig@example.org"
COORDINATOR = "coord.oriental@example.org"
TANGER_OFFICER = "tanger@example.org"


@pytest.fixture
def people(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    accounts.create(TANGER_OFFICER, "officer", [TANGER])
    accounts.create(COORDINATOR, "coordinator", ["02"])
    return accounts


def draft(app, author: str, code: str, title: str) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == author))
        measure = service.save_measure(
            user, {"territory_code": code, "title": title, "kind": "reception", "status": "ongoing"}
        )
        db.session.commit()
        return measure.id


def step(client, measure_id: int, action: str, version: int, **data):
    view = f"/work/measure/{measure_id}"
    token = csrf_token(client, view)
    response = client.post(
        f"{view}/{action}", data={"version": version, "csrf_token": token, **data}
    )
    assert response.status_code == 302


def leave(app, email: str, minutes: int = 31) -> None:
    """The account's last home page view moves `minutes` back, as if it had left then."""
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.email == email)
            .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=minutes))
        )
        db.session.commit()


def section(page: str) -> str:
    start = page.index('class="since-last-visit"')
    return page[start : page.index("</section>", start)]


def test_an_officer_sees_what_came_back_since_the_last_visit_until_the_next(app, client, people):
    returned = draft(app, OFFICER, FIGUIG, "Cellule d'accueil")
    people.login(OFFICER)
    step(client, returned, "submit", 1)
    first = section(client.get("/work?lang=fr").get_data(as_text=True))
    assert "Rien n'a changé depuis la création de votre compte le" in first
    leave(app, OFFICER)
    people.logout()

    people.login(COORDINATOR)
    step(client, returned, "return", 2, comment="Préciser le budget / حدد الميزانية")
    people.logout()

    people.login(OFFICER)
    page = section(client.get("/work?lang=fr").get_data(as_text=True))
    assert "Depuis votre dernière visite" in page
    assert f'href="/work/measure/{returned}"' in page
    assert "renvoyé pour correction par <bdi>coord.oriental@example.org</bdi>" in page
    assert "Préciser le budget / حدد الميزانية" in page
    # A reload, or a page opened again within the visit, keeps the list.
    again = section(client.get("/work?lang=fr").get_data(as_text=True))
    assert "renvoyé pour correction par" in again
    # The officer leaves; the return is 40 minutes old when they come back.
    with app.app_context():
        db.session.execute(update(AuditEntry).values(at=datetime.now(UTC) - timedelta(minutes=40)))
        db.session.commit()
    leave(app, OFFICER)
    later = section(client.get("/work?lang=fr").get_data(as_text=True))
    assert "Rien n'a changé depuis votre dernière visite le" in later
    assert "renvoyé pour correction" not in later


def test_a_coordinator_sees_the_submissions_of_the_region_in_arabic(app, client, people):
    oriental = draft(app, OFFICER, FIGUIG, "خلية الاستقبال")
    elsewhere = draft(app, TANGER_OFFICER, TANGER, "Mesure de Tanger")
    people.login(COORDINATOR)
    client.get("/work?lang=ar")
    leave(app, COORDINATOR)
    people.logout()
    people.login(OFFICER)
    step(client, oriental, "submit", 1)
    people.logout()
    people.login(TANGER_OFFICER)
    step(client, elsewhere, "submit", 1)
    people.logout()

    people.login(COORDINATOR)
    page = section(client.get("/work?lang=ar").get_data(as_text=True))
    assert "منذ زيارتكم الأخيرة" in page
    assert f'href="/work/measure/{oriental}"' in page
    assert "قدّمه للمراجعة <bdi>figuig@example.org</bdi>" in page
    assert "خلية الاستقبال" in page
    assert "Mesure de Tanger" not in page and f"/work/measure/{elsewhere}" not in page


def test_one_s_own_steps_are_not_news(app, client, people):
    validated = draft(app, OFFICER, FIGUIG, "Cellule d'accueil")
    people.login(OFFICER)
    client.get("/work?lang=en")
    leave(app, OFFICER)
    step(client, validated, "submit", 1)
    people.logout()
    people.login(COORDINATOR)
    client.get("/work?lang=en")
    leave(app, COORDINATOR)
    step(client, validated, "validate", 2)
    page = section(client.get("/work?lang=en").get_data(as_text=True))
    # The coordinator sees the submission, not their own validation.
    assert "submitted for review by <bdi>figuig@example.org</bdi>" in page
    assert "validated by" not in page
    people.logout()
    people.login(OFFICER)
    page = section(client.get("/work?lang=en").get_data(as_text=True))
    assert "validated by <bdi>coord.oriental@example.org</bdi>" in page
    assert "submitted for review by" not in page


def test_a_visit_ends_after_half_an_hour_without_a_home_page_view(app):
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    user = User(created_at=start - timedelta(days=3))
    assert note_visit(user, start) == start - timedelta(days=3)
    assert note_visit(user, start + timedelta(minutes=20)) == start - timedelta(days=3)
    # 20 minutes after the last view: the same visit, however long it has lasted.
    assert note_visit(user, start + timedelta(minutes=40)) == start - timedelta(days=3)
    back = start + timedelta(minutes=75)
    assert note_visit(user, back) == start + timedelta(minutes=40)
    assert note_visit(user, back + timedelta(minutes=5)) == start + timedelta(minutes=40)
    assert user.last_seen_at == back + timedelta(minutes=5)
