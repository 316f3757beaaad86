"""Good practices: who may mark a validated measure as one (and take the mark away), the
note it needs, what the public sees of it and when, the public page's filters and its
order for a territory (same level first, nearest first, itself left out), the API, the
exports and the history."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select, text

from tests.support import BOUARFA, FIGUIG, TANGER, csrf_token, make_organisation
from tracker.extensions import db
from tracker.models import AuditEntry, Measure, User

NOTE = "Une permanence hebdomadaire tenue avec l'association locale ; il a fallu un local."
OFFICER = "officer@example.org"
COORDINATOR = "coordinator@example.org"  # of the Oriental, Figuig's region
OTHER_COORDINATOR = "other.coordinator@example.org"  # of Tanger-Tétouan-Al Hoceïma
ADMIN = "admin@example.org"
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


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _mark(app, measure_id: int, note: str = NOTE, by: str = COORDINATOR) -> None:
    """Mark a measure through the service, as `by`."""
    from tracker.good_practices import marks

    with app.app_context():
        marks.mark(_user(by), db.session.get(Measure, measure_id), note)
        db.session.commit()


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
        _mark(app, measure_id)
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
    _mark(app, measure_id)
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
            marks.mark(_user(COORDINATOR), db.session.get(Measure, measure_id), "x" * 1001)
        assert refused.value.errors == {"note": "At most 1000 characters."}
        marks.mark(_user(COORDINATOR), db.session.get(Measure, measure_id), "x" * 1000)


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
            _user(ADMIN),
            {
                "territory_code": FIGUIG,
                "title": "En revue",
                "kind": "reception",
                "status": "ongoing",
            },
        )
        service.transition(_user(ADMIN), "measure", measure, "submit")
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

    _mark(app, measure_id)
    page, items = _public(client, measure_id)
    assert "Cellule d&#39;accueil" in page and "Une permanence hebdomadaire" in page
    assert [item["id"] for item in items] == [measure_id]
    measure_page = client.get(f"/measures/{measure_id}?lang=en").get_data(as_text=True)
    assert "Good practice" in measure_page and "Une permanence hebdomadaire" in measure_page

    # Edited and submitted again: public as submitted, but no longer a good practice.
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        raw = {"territory_code": FIGUIG, "title": "Cellule d'accueil", "kind": "reception"}
        service.save_measure(_user(OFFICER), {**raw, "status": "completed"}, measure)
        service.transition(_user(OFFICER), "measure", measure, "submit")
        db.session.commit()
    page, items = _public(client, measure_id)
    assert "Cellule d&#39;accueil" not in page and items == []
    api = client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"]
    assert [(item["id"], item["good_practice"]) for item in api] == [(measure_id, None)]
    measure_page = client.get(f"/measures/{measure_id}?lang=en").get_data(as_text=True)
    assert "Une permanence hebdomadaire" not in measure_page

    # Validated again: the note was kept, and shows again.
    with app.app_context():
        service.transition(_user(ADMIN), "measure", db.session.get(Measure, measure_id), "validate")
        db.session.commit()
    page, items = _public(client, measure_id)
    assert [item["good_practice"]["note"] for item in items] == [NOTE]


def test_a_deleted_measure_is_no_longer_a_good_practice(app, client, people, validated_measure):
    from tracker.records import service

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    _mark(app, measure_id)
    with app.app_context():
        service.delete(_user(ADMIN), "measure", db.session.get(Measure, measure_id))
        db.session.commit()
    page, items = _public(client, measure_id)
    assert "Cellule d&#39;accueil" not in page and items == []


# ---- the public page ----------------------------------------------------------------------------


def test_each_good_practice_says_what_where_when_and_with_whom(app, client, validated_measure):
    partner = make_organisation(app, "Association Oriental Accueil")
    measure_id = validated_measure(
        FIGUIG,
        "Cellule d'accueil des migrants",
        kind="reception",
        sectors=["social_humanitarian"],
        start_date="2023",
        end_date="2025",
        partners=[str(partner)],
    )
    with app.app_context():
        from tracker.accounts import create_user

        create_user(COORDINATOR, "a long coordinator password", "coordinator", ["02"])
        db.session.commit()
    _mark(app, measure_id)
    page = client.get("/good-practices?lang=fr").get_data(as_text=True)
    assert f'href="/measures/{measure_id}"' in page
    assert "Cellule d&#39;accueil des migrants" in page
    assert f'href="/territories/{FIGUIG}"' in page and "Oriental" in page
    assert "Assistance sociale et humanitaire" in page
    assert "Structure d&#39;accueil et d&#39;orientation" in page
    assert "2023–2025" in page
    assert "Association Oriental Accueil" in page
    assert "Une permanence hebdomadaire" in page


def _practices(client, query: str) -> list[int]:
    """The measures the page lists for `query`, in order, read from their links."""
    import re

    page = client.get(f"/good-practices?lang=en&{query}").get_data(as_text=True)
    return [int(n) for n in re.findall(r'<h3><a href="/measures/(\d+)"', page)]


@pytest.fixture
def four(app, validated_measure):
    """Four good practices: Figuig's reception cell (health), Bouarfa's staff training
    (housing), Tanger's reception desk (health) and the Oriental's study (employment)."""
    ids = {
        "figuig": validated_measure(FIGUIG, "Cellule", kind="reception", sectors=["health"]),
        "bouarfa": validated_measure(BOUARFA, "Formation", kind="training", sectors=["housing"]),
        "tanger": validated_measure(TANGER, "Guichet", kind="reception", sectors=["health"]),
        "oriental": validated_measure("02", "Étude", kind="study", sectors=["employment"]),
    }
    with app.app_context():
        from tracker.accounts import create_user

        create_user(ADMIN, "a long admin password", "admin")
        db.session.commit()
    for measure_id in ids.values():
        _mark(app, measure_id, by=ADMIN)
    return ids


@pytest.mark.parametrize(
    "query, expected",
    [
        ("sector=health", {"figuig", "tanger"}),
        ("kind=training", {"bouarfa"}),
        ("question=Q9", {"figuig", "tanger"}),  # reception structures serve as its evidence
        ("question=Q13", {"bouarfa"}),
        ("question=Q3", {"oriental"}),
        ("question=Q1", set()),  # no kind of measure serves as its evidence
        ("region=02", {"figuig", "bouarfa", "oriental"}),
        ("region=01&sector=health", {"tanger"}),
        ("", {"figuig", "bouarfa", "tanger", "oriental"}),
    ],
)
def test_the_filters(client, four, query, expected):
    names = {measure_id: name for name, measure_id in four.items()}
    assert {names[i] for i in _practices(client, query)} == expected


def test_near_a_commune_other_communes_come_first_nearest_first_itself_left_out(client, four):
    order = _practices(client, f"near={FIGUIG}")
    # Bouarfa (70 km) before Tanger (its region's point, 500 km): both communes, before
    # the Oriental's council, a region, however near.
    assert order == [four["bouarfa"], four["tanger"], four["oriental"]]
    page = client.get(f"/good-practices?lang=en&near={FIGUIG}").get_data(as_text=True)
    assert "Nearest to Figuig first" in page and "km away" in page


def test_near_keeps_the_other_filters(client, four):
    assert _practices(client, f"near={FIGUIG}&question=Q9") == [four["tanger"]]
    assert _practices(client, f"near={TANGER}&sector=health") == [four["figuig"]]


@pytest.mark.parametrize(
    "query, lang, message",
    [
        ("kind=nope", "fr", "Type de mesure : \u2068nope\u2069 ne fait pas partie de :"),
        ("question=Q99", "fr", "Question de l’auto-évaluation : \u2068Q99\u2069 ne fait"),
        ("region=99", "ar", "جهة: القيمة \u206899\u2069 ليست من بين: \u206801, 02"),
        ("near=00.000", "fr", "Le plus près de : aucun territoire ne porte le code 00.000."),
        ("sector=nope", "en", "Sector: \u2068nope\u2069 is not one of"),
        ("page=9", "en", "There is 1 page of good practices."),
        ("page=0", "fr", "Page : 0 n&#39;est pas compris entre 1 et"),
    ],
)
def test_a_bad_filter_is_said_in_the_page_language(client, four, query, lang, message):
    response = client.get(f"/good-practices?lang={lang}&{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # What the other filters keep is still listed.
    assert "/measures/" in page


def test_the_page_is_paginated(app, client, validated_measure):
    from tracker.good_practices.listing import PER_PAGE

    with app.app_context():
        from tracker.accounts import create_user

        create_user(ADMIN, "a long admin password", "admin")
        db.session.commit()
    for number in range(PER_PAGE + 1):
        _mark(app, validated_measure(FIGUIG, f"Mesure {number}"), by=ADMIN)
    assert len(_practices(client, "")) == PER_PAGE
    assert len(_practices(client, "page=2")) == 1
    page = client.get("/good-practices?lang=en&sector=").get_data(as_text=True)
    assert "Page 1 of 2" in page and 'rel="next" href="/good-practices?page=2' in page


def test_the_home_page_and_the_menu_lead_to_it(client):
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert page.count('href="/good-practices"') == 2
    assert "Bonnes pratiques" in page


# ---- API and exports ------------------------------------------------------------------------


def test_the_api_gives_the_mark_and_filters_on_it(client, four, validated_measure):
    plain = validated_measure(BOUARFA, "Rien de particulier")
    every = client.get("/api/v1/measures?per_page=500").get_json()["items"]
    marks = {item["id"]: item["good_practice"] for item in every}
    assert marks[plain] is None
    mark = marks[four["figuig"]]
    assert set(mark) == {"note", "marked_at"} and mark["note"] == NOTE
    assert mark["marked_at"].endswith("Z") and mark["marked_at"][:2] == "20"
    kept = client.get("/api/v1/measures?good_practice=1&territory=02").get_json()
    assert kept["total"] == 3 and plain not in [item["id"] for item in kept["items"]]
    assert client.get("/api/v1/measures?good_practice=0").get_json()["total"] == 5
    refused = client.get("/api/v1/measures?good_practice=yes&lang=en")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["parameter"] == "good_practice"
    assert refused.get_json()["error"]["message"] == (
        "Good practices only: yes is not one of 0, 1."
    )


def test_the_openapi_description_names_the_mark_and_the_filter(client):
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    schema = document["components"]["schemas"]["Measure"]["properties"]["good_practice"]
    assert schema["type"] == ["object", "null"]
    assert set(schema["properties"]) == {"note", "marked_at"}
    names = [p["name"] for p in document["paths"]["/measures"]["get"]["parameters"]]
    assert "good_practice" in names


def test_the_measures_export_has_the_note_and_the_filter(client, four, validated_measure):
    plain = validated_measure(BOUARFA, "Rien de particulier")
    body = client.get("/export/measures.csv?lang=en").get_data().decode("utf-8-sig")
    rows = {row["Measure number"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows[str(four["figuig"])]["Good practice: what made it work"] == NOTE
    assert rows[str(four["figuig"])]["Good practice: marked on (UTC)"].endswith("Z")
    assert rows[str(plain)]["Good practice: what made it work"] == ""
    body = client.get("/export/measures.csv?good_practice=1").get_data().decode("utf-8-sig")
    numbers = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert sorted(numbers) == sorted(str(i) for i in four.values())
    geojson = client.get("/export/measures.geojson?good_practice=1").get_json()
    assert {f["properties"]["good_practice_note"] for f in geojson["features"]} == {NOTE}


# ---- history and schema -----------------------------------------------------------------------


def test_the_history_keeps_the_mark_and_the_note(app, client, people, validated_measure):
    from tracker.good_practices import marks

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    _mark(app, measure_id)
    with app.app_context():
        marks.unmark(_user(ADMIN), db.session.get(Measure, measure_id))
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


def test_without_boundaries_the_nearest_are_those_of_the_same_province_then_region(
    app, client, four, tmp_path
):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    assert _practices(client, f"near={FIGUIG}") == [
        four["bouarfa"],
        four["tanger"],
        four["oriental"],
    ]
    page = client.get(f"/good-practices?lang=en&near={FIGUIG}").get_data(as_text=True)
    assert "km away" not in page


def test_the_points_are_read_once_per_process(app, monkeypatch):
    import geopandas

    from tracker.good_practices import nearness

    reads = []
    read = geopandas.read_file
    monkeypatch.setattr(geopandas, "read_file", lambda path: reads.append(path) or read(path))
    with app.app_context():
        first = nearness.territory_points()
        again = nearness.territory_points()
    # This test's boundaries are new to the process: read once, then kept.
    assert len(reads) == 3 and again is first
    assert set(first) >= {FIGUIG, BOUARFA, "02.251", "02", "01"}
