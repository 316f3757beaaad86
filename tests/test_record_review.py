"""The review loop and the history of a record: submitted, returned with a comment, fixed
and validated before the public sees it; edited again and back to review; deleted and
restored by an administrator; each change kept with its old and new values as the forms
label them, for the signed-in only; no lost update, since a save or a review step from an
old, damaged or racing form is refused and nothing changes; and the coordinator's view of
what each council of the region has recorded."""

import re

import pytest
from sqlalchemy import select, update

from tests.records_support import GOOD_MEASURE, create_measure, post_form

# A fixture: the tests name it, and pytest finds it among this module's names.
from tests.records_support import officer as officer
from tests.support import FIGUIG, csrf_token
from tracker.extensions import db
from tracker.models import AuditEntry, Measure, Organisation
from tracker.records import outcomes


def test_review_loop_return_fix_resubmit_validate_then_public(app, client, officer):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    public = client.get(f"/territories/{FIGUIG}").get_data(as_text=True)
    assert GOOD_MEASURE["title"] not in public.replace("&#39;", "'")

    assert post_form(client, f"{view}/submit", {"version": 1}, view).status_code == 302
    officer.logout()
    officer.login("coord.oriental@example.org")
    queue = client.get("/review").get_data(as_text=True)
    assert view in queue
    response = post_form(
        client,
        f"{view}/return",
        {"version": 2, "comment": "Préciser le budget / حدد الميزانية"},
        view,
    )
    assert response.status_code == 302
    officer.logout()

    officer.login("figuig@example.org")
    home = client.get("/work").get_data(as_text=True)
    assert "Préciser le budget / حدد الميزانية" in home
    edit = f"{view}/edit"
    response = post_form(client, edit, {**GOOD_MEASURE, "budget_planned": "260000", "version": 3})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Measure, measure_id).review_state == "returned"
    post_form(client, f"{view}/submit", {"version": 4}, view)
    officer.logout()

    officer.login("coord.oriental@example.org")
    assert post_form(client, f"{view}/validate", {"version": 5}, view).status_code == 302
    public = client.get(f"/territories/{FIGUIG}").get_data(as_text=True)
    assert "Cellule d&#39;accueil" in public
    with app.app_context():
        actions = [
            e.action
            for e in db.session.scalars(
                select(AuditEntry).where(AuditEntry.entity_id == measure_id).order_by(AuditEntry.id)
            )
        ]
        assert actions == ["create", "submit", "return", "update", "submit", "validate"]


def test_return_needs_a_comment(app, client, officer):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    post_form(client, f"{view}/submit", {"version": 1}, view)
    officer.logout()
    officer.login("coord.oriental@example.org")
    post_form(client, f"{view}/return", {"version": 2, "comment": "  "}, view)
    with app.app_context():
        assert db.session.get(Measure, measure_id).review_state == "submitted"


def test_editing_a_validated_record_sends_it_back_to_review(app, client, officer):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    post_form(client, f"{view}/submit", {"version": 1}, view)
    officer.logout()
    officer.login("coord.oriental@example.org")
    post_form(client, f"{view}/validate", {"version": 2}, view)
    officer.logout()
    officer.login("figuig@example.org")
    post_form(client, f"{view}/edit", {**GOOD_MEASURE, "progress": "90", "version": 3})
    with app.app_context():
        assert db.session.get(Measure, measure_id).review_state == "draft"
    public = client.get(f"/territories/{FIGUIG}").get_data(as_text=True)
    assert "Cellule d&#39;accueil" not in public


def test_second_save_from_an_old_version_is_refused_and_first_change_stays(app, client, officer):
    measure_id = create_measure(client)
    edit = f"/work/measure/{measure_id}/edit"
    first = post_form(client, edit, {**GOOD_MEASURE, "progress": "60", "version": 1})
    assert first.status_code == 302
    second = post_form(client, edit, {**GOOD_MEASURE, "title": "Autre titre", "version": 1})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    # The first save was the same officer's: the page says so, rather than blame another.
    assert re.search(r"You saved this record in another tab or window at \d\d:\d\d", page)
    assert "Progress" in page  # says what changed
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.progress == 60 and m.title == GOOD_MEASURE["title"]


def test_history_shows_old_and_new_values(client, officer):
    measure_id = create_measure(client)
    post_form(
        client, f"/work/measure/{measure_id}/edit", {**GOOD_MEASURE, "progress": "75", "version": 1}
    )
    page = client.get(f"/work/measure/{measure_id}").get_data(as_text=True)
    assert re.search(r"<del[^>]*>40</del> → <ins[^>]*>75</ins>", page)
    assert "figuig@example.org" in page


def test_history_lists_changed_fields_in_the_forms_order(client, officer):
    measure_id = create_measure(client)
    changed = {"title": "Guichet d'accueil", "budget_planned": "300000", "progress": "75"}
    post_form(client, f"/work/measure/{measure_id}/edit", {**GOOD_MEASURE, **changed, "version": 1})
    page = client.get(f"/work/measure/{measure_id}?lang=en").get_data(as_text=True)
    entry = re.search(r'<ul class="changes">(.*?)</ul>', page, re.S).group(1)
    shown = re.findall(r"<strong>([^<]+)</strong>", entry)
    # As the form asks for them (title, budget, progress), not by their keys' spelling.
    assert shown == ["Title", "Budget planned (MAD)", "Progress, in percent"], shown


def test_history_is_not_public(client, officer):
    measure_id = create_measure(client)
    officer.logout()
    assert client.get(f"/work/measure/{measure_id}").status_code == 302


def test_delete_is_reversible_by_an_administrator(app, client, officer):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    assert post_form(client, f"{view}/delete", {"version": 1}, view).status_code == 302
    assert client.get(view).status_code == 404
    officer.logout()
    officer.login("admin@example.org")
    assert "Cellule" in client.get("/admin/deleted").get_data(as_text=True)
    post_form(client, f"/admin/deleted/measure/{measure_id}/restore", {}, "/admin/deleted")
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.deleted_at is None and m.title == GOOD_MEASURE["title"]


# ---- tampered and racing forms --------------------------------------------------------------


@pytest.mark.parametrize("version", ["abc", "", "1.5", "-1"])
def test_a_tampered_version_is_refused_and_nothing_saved(app, client, officer, version):
    measure_id = create_measure(client)
    response = post_form(
        client,
        f"/work/measure/{measure_id}/edit",
        {**GOOD_MEASURE, "title": "Titre changé", "version": version},
    )
    assert response.status_code == 400
    assert "This form is damaged or incomplete. Nothing was saved" in response.get_data(
        as_text=True
    )
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.title == GOOD_MEASURE["title"] and m.version == 1


@pytest.mark.parametrize("action", ["submit", "delete"])
@pytest.mark.parametrize("version", [None, "abc"])
def test_a_review_step_without_its_version_is_refused(app, client, officer, action, version):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    data = {} if version is None else {"version": version}
    response = post_form(client, f"{view}/{action}", data, view)
    assert response.status_code == 303
    page = client.get(view).get_data(as_text=True)
    assert "This form is damaged or incomplete. Nothing was saved" in page
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.review_state == "draft" and m.deleted_at is None and m.version == 1


def _someone_saves_meanwhile(monkeypatch, model, record_id):
    """Make another connection raise the record's version just after the service has
    checked it and before it writes: the race that the database's version check catches."""
    real = outcomes.check_version

    def check_then_race(entity, record, expected_version):
        real(entity, record, expected_version)
        with db.engine.begin() as connection:
            connection.execute(
                update(model).where(model.id == record_id).values(version=model.version + 1)
            )

    monkeypatch.setattr(outcomes, "check_version", check_then_race)


@pytest.mark.parametrize("action", ["submit", "delete"])
def test_a_race_on_a_review_step_is_refused_and_nothing_changes(
    app, client, officer, monkeypatch, action
):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    token = csrf_token(client, view)
    _someone_saves_meanwhile(monkeypatch, Measure, measure_id)
    response = client.post(f"{view}/{action}", data={"version": 1, "csrf_token": token})
    monkeypatch.undo()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(view)
    page = client.get(view).get_data(as_text=True)
    assert "Someone else changed this record after you opened it. Nothing was done" in page
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.review_state == "draft" and m.deleted_at is None and m.version == 2
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == measure_id)
        ).all()
        assert actions == ["create"]


def test_a_race_on_an_organisation_is_refused_and_nothing_changes(
    app, client, officer, monkeypatch
):
    post_form(
        client, "/work/organisations/new", {"name": "Association Oasis", "kind": "association"}
    )
    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id))
    url = f"/work/organisations/{organisation_id}/edit"
    token = csrf_token(client, url)
    _someone_saves_meanwhile(monkeypatch, Organisation, organisation_id)
    response = client.post(
        url,
        data={
            "name": "Association Oasis Figuig",
            "kind": "association",
            "country": "MA",
            "version": 1,
            "csrf_token": token,
        },
    )
    monkeypatch.undo()
    assert response.status_code == 200
    assert "Someone else saved this record at the same moment" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, organisation_id).name == "Association Oasis"


# ---- what the pages say ---------------------------------------------------------------------


def test_editing_a_submitted_record_warns_that_it_leaves_the_queue(client, officer):
    measure_id = create_measure(client)
    view = f"/work/measure/{measure_id}"
    edit = client.get(f"{view}/edit").get_data(as_text=True)
    assert "waiting for review" not in edit
    post_form(client, f"{view}/submit", {"version": 1}, view)
    edit = client.get(f"{view}/edit").get_data(as_text=True)
    assert "This record is waiting for review." in edit
    assert "submit it again for review" in edit


def _history(page: str, heading: str = "History") -> str:
    return page.split(f"<h2>{heading}</h2>")[1]


def test_history_shows_values_as_the_forms_label_them(app, client, officer):
    post_form(
        client,
        "/work/organisations/new",
        {"name": "Organisation internationale pour les migrations", "kind": "international"},
    )
    with app.app_context():
        partner = db.session.scalar(select(Organisation.id))
    measure_id = create_measure(client)
    post_form(
        client,
        f"/work/measure/{measure_id}/edit",
        {
            **GOOD_MEASURE,
            "kind": "legal_clinic",
            "target_groups": ["asylum_seekers"],
            "sectors": ["health"],
            "partners": [str(partner)],
            "version": 1,
        },
    )
    view = f"/work/measure/{measure_id}"
    post_form(client, f"{view}/delete", {"version": 2}, view)
    officer.logout()
    officer.login("admin@example.org")
    history = _history(client.get(view).get_data(as_text=True))
    for raw in (
        "legal_clinic",
        "reception",
        "asylum_seekers",
        "regular_migrants",
        "health",
        "social_humanitarian",
        "True",
        "False",
        FIGUIG,
    ):
        assert raw not in history, raw
    assert 'Reception or orientation structure</del> → <ins dir="auto">Legal clinic' in history
    assert "Refugees, Migrants in a regular situation</del>" in history
    assert "250,000</ins>" in history and "120,000.50</ins>" in history and "E+" not in history
    assert "Asylum seekers</ins>" in history
    assert "Health</ins>" in history and "Social and humanitarian assistance" in history
    assert "Organisation internationale pour les migrations</ins>" in history
    assert "Draft" in history and "Figuig" in history
    assert 'No</del> → <ins dir="auto">Yes</ins>' in history  # deleted
    client.get("/language/fr")
    history = _history(client.get(view).get_data(as_text=True), "Historique")
    assert "Clinique juridique" in history
    assert "Assistance sociale et humanitaire" in history and "Santé" in history
    client.get("/language/ar")
    history = _history(client.get(view).get_data(as_text=True), "السجل")
    assert "اللاجئون، المهاجرون في وضعية نظامية</del>" in history  # the Arabic comma


def _overview_row(page: str, code: str) -> list[str]:
    """The cells of the coordinator's overview row of collectivity `code`."""
    table = page.split("What the councils of the region have recorded")[1].split("</table>")[0]
    row = next(r for r in table.split("<tr")[1:] if f">{code}</code>" in r).split(">", 1)[1]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.split(r"</t[hd]>", row)[:-1]]


def test_coordinator_home_shows_each_council_of_the_region_by_review_state(app, client, officer):
    create_measure(client)
    submitted = create_measure(client, {**GOOD_MEASURE, "title": "Clinique juridique"})
    view = f"/work/measure/{submitted}"
    post_form(client, f"{view}/submit", {"version": 1}, view)
    officer.logout()
    officer.login("coord.oriental@example.org")

    home = client.get("/work?lang=en").get_data(as_text=True)
    assert "1 record is waiting for your review." in home
    assert "1 council of the region has recorded something." in home
    cells = _overview_row(home, FIGUIG)
    assert cells[0].startswith("Figuig") and cells[1] == "Commune"
    # Programmes, then measures: draft, submitted, returned, validated.
    assert cells[2:] == ["0", "1", "1", "0", "0"]
    # Every other council of the Oriental is listed as having recorded nothing yet.
    with app.app_context():
        from tracker.models import Territory
        from tracker.stats import codes_within

        councils = db.session.scalar(
            select(db.func.count()).where(Territory.code.in_(codes_within("02")))
        )
    assert f"{councils - 1} councils have recorded nothing yet" in home
    silent = home.split("recorded nothing yet")[1]
    # By level, so that the province of Figuig and the commune of Figuig are told apart.
    provinces = silent.split("Provinces and prefectures:")[1].split("</p>")[0]
    communes = silent.split("Communes:")[1].split("</p>")[0]
    assert 'href="/territories/02.251"' in provinces and "Nador" in provinces
    assert 'href="/territories/02.251.01.01"' in communes  # Bouarfa
    assert "/territories/02.251.01.01" not in provinces
    # Another region's councils are not there.
    assert "Tanger" not in home

    # An officer's home has no such overview.
    officer.logout()
    officer.login("figuig@example.org")
    assert "What the councils of the region have recorded" not in client.get("/work").get_data(
        as_text=True
    )
