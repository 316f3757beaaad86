"""Small things a user meets: downloads named after what they hold, a refusal that says
what the account may do, times in Morocco's time zone, one range of years, and a
multi-line text saved untouched that changes nothing."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import abort
from sqlalchemy import select

from tests.support import csrf_token

FIGUIG = "02.251.01.03"
DAY = r"\d{4}-\d{2}-\d{2}"


def disposition(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.headers["Content-Disposition"]


# ---- downloads named after their territory and filters --------------------------------------


def test_a_territory_export_is_named_after_the_territory(client, known):
    name = disposition(client.get(f"/export/measures.csv?territory={FIGUIG}"))
    assert re.fullmatch(rf'attachment; filename="measures-02\.251\.01\.03-{DAY}\.csv"', name)


def test_an_export_is_named_after_its_filters(client, known):
    name = disposition(client.get("/export/measures.xlsx?territory=02&sector=health&year=2024"))
    assert re.fullmatch(rf'attachment; filename="measures-02-health-2024-{DAY}\.xlsx"', name)
    name = disposition(client.get("/export/measures.geojson?status=completed&since=2020"))
    assert re.fullmatch(
        rf'attachment; filename="measures-MA-completed-since2020-{DAY}\.geojson"', name
    )


def test_a_figures_export_is_named_after_its_metric_level_and_filters(client, known):
    url = "/export/figures.csv?level=province&metric=measures&sector=health&year=2023"
    name = disposition(client.get(url))
    assert re.fullmatch(rf'attachment; filename="measures-province-health-2023-{DAY}\.csv"', name)


def test_a_download_name_keeps_to_ascii_whatever_it_is_given():
    from datetime import UTC, datetime

    from tracker.writers import download_name

    moment = datetime(2026, 12, 6, 21, 48, tzinfo=UTC)
    name = download_name("measures", ["02.251", "", 'ب "x"/y', None], "csv", moment)
    assert name == "measures-02.251-x-y-2026-12-06.csv"


# ---- a refusal that says what the account may do --------------------------------------------


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_refused_visitor_is_invited_to_sign_in_and_brought_back_in_french(app, accounts):
    # Any view refusing with abort(403) gets the same page.
    app.add_url_rule("/refused-here", "refused_here", lambda: abort(403))
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    response = accounts.client.get("/refused-here?year=2024&lang=fr")
    assert response.status_code == 403
    page = page_text(response)
    assert "Cette page est réservée aux comptes du suivi. Connectez-vous" in page
    assert "Veuillez revenir en arrière et réessayer" not in page
    link = re.search(r'<a href="(/login\?next=[^"]*)">Se connecter</a>', page)
    assert link, page
    assert link.group(1) == "/login?next=/refused-here?year%3D2024%26lang%3Dfr"
    token = csrf_token(accounts.client, link.group(1))
    signed_in = accounts.client.post(
        link.group(1),
        data={"email": "figuig@example.org", "password": accounts.PASSWORD, "csrf_token": token},
    )
    assert signed_in.headers["Location"] == "/refused-here?year=2024&lang=fr"


def test_a_refused_officer_is_told_their_collectivities_in_arabic(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG, "02.251.01.01"])
    accounts.login("figuig@example.org")
    response = accounts.client.get("/review?lang=ar")
    assert response.status_code == 403
    page = page_text(response)
    assert "يسجّل حسابك التدابير والبرامج لهذه الجماعات الترابية:" in page
    assert "<li><bdi>بوعرفة</bdi></li><li><bdi>فجيج</bdi></li>" in page
    assert '<a href="/work">الانتقال إلى فضاء عملك</a>' in page


def test_a_refused_coordinator_is_told_their_regions_in_english(accounts):
    accounts.create("oriental@example.org", "coordinator", ["02"])
    accounts.login("oriental@example.org")
    response = accounts.client.get(f"/work/{FIGUIG}/measure/new?lang=en")
    assert response.status_code == 403
    page = page_text(response)
    assert "Your account reviews the records of these regions:" in page
    assert "<li><bdi>Oriental</bdi></li>" in page
    assert '<a href="/review">Go to the review queue</a>' in page
    assert "try again" not in page


# ---- times in Morocco's time zone -----------------------------------------------------------


def set_time(app, model, moment, **where):
    from sqlalchemy import update

    from tracker.extensions import db

    with app.app_context():
        column = "at" if hasattr(model, "at") else "updated_at"
        statement = update(model).values({column: moment})
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        db.session.execute(statement)
        db.session.commit()


def test_history_times_are_morocco_times_with_the_zone_named_in_french(
    app, accounts, validated_measure
):
    from tracker.models import AuditEntry

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil")
    # Summer: UTC+1. Ramadan 2026 (from mid-February to late March): UTC+0.
    set_time(app, AuditEntry, datetime(2026, 7, 1, 10, 0, tzinfo=UTC), action="create")
    set_time(app, AuditEntry, datetime(2026, 3, 1, 10, 0, tzinfo=UTC), action="submit")
    set_time(app, AuditEntry, datetime(2026, 12, 6, 23, 30, tzinfo=UTC), action="validate")
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    page = page_text(accounts.client.get(f"/work/measure/{measure_id}?lang=fr"))
    assert '<bdi dir="ltr">2026-07-01 11:00</bdi> (heure du Maroc)' in page
    assert '<bdi dir="ltr">2026-03-01 10:00</bdi> (heure du Maroc)' in page
    assert '<time datetime="2026-12-06T23:30:00Z"><bdi dir="ltr">2026-12-07 00:30</bdi>' in page


def test_the_review_queue_gives_the_day_in_morocco_in_arabic(app, accounts):
    from tracker.extensions import db
    from tracker.models import Measure, User
    from tracker.records import service

    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("oriental@example.org", "coordinator", ["02"])
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "figuig@example.org"))
        measure = service.save_measure(
            officer,
            {"territory_code": FIGUIG, "title": "خلية", "kind": "service", "status": "ongoing"},
        )
        service.transition(officer, "measure", measure, "submit")
        db.session.commit()
    set_time(app, Measure, datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    accounts.login("oriental@example.org")
    page = page_text(accounts.client.get("/review?lang=ar"))
    assert (
        '<time datetime="2026-12-06T23:30:00Z" title="2026-12-07 00:30 (بتوقيت المغرب)">'
        '<bdi dir="ltr">2026-12-07</bdi></time>'
    ) in page


def test_morocco_time_follows_the_zone_database_not_a_fixed_offset():
    from tracker.i18n import morocco_time

    # A time SQLite gives back without its zone is the UTC time stored.
    assert morocco_time(datetime(2027, 2, 20, 10, 0)).utcoffset() == timedelta(0)
    assert morocco_time(datetime(2027, 4, 20, 10, 0)).utcoffset() == timedelta(hours=1)


def test_the_deleted_records_give_morocco_times_in_english(app, accounts, validated_measure):
    from sqlalchemy import update

    from tracker.extensions import db
    from tracker.models import Measure

    validated_measure(FIGUIG, "Deleted measure")
    with app.app_context():
        moment = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
        db.session.execute(update(Measure).values(deleted_at=moment))
        db.session.commit()
    accounts.create("admin.time@example.org", "admin")
    accounts.login("admin.time@example.org")
    page = page_text(accounts.client.get("/admin/deleted?lang=en"))
    assert '<bdi dir="ltr">2026-07-01 11:00</bdi> (Morocco time)' in page


# ---- one range of years ---------------------------------------------------------------------


def post_form(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


PROGRAMME = {"kind": "PAC", "title": "PAC de Figuig", "integration": "absent"}


@pytest.mark.parametrize("first, last", [("1999", "2004"), ("2047", "2051"), ("2023", "2100")])
def test_a_programme_names_years_from_2000_to_2050_in_french(accounts, first, last):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    url = f"/work/{FIGUIG}/programme/new?lang=fr"
    response = post_form(
        accounts.client, url, {**PROGRAMME, "first_year": first, "last_year": last}
    )
    assert response.status_code == 400
    assert "Saisissez une année comprise entre 2000 et 2050." in page_text(response)
    response = post_form(
        accounts.client, url, {**PROGRAMME, "first_year": "2045", "last_year": "2050"}
    )
    assert response.status_code == 302


def test_a_measure_date_outside_those_years_is_refused_in_arabic(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    url = f"/work/{FIGUIG}/measure/new?lang=ar"
    measure = {"title": "خلية", "kind": "service", "status": "ongoing"}
    response = post_form(accounts.client, url, {**measure, "start_date": "1999-12-31"})
    assert response.status_code == 400
    assert "يرجى إدخال تاريخ بين 2000 و2050." in page_text(response)


def test_the_filters_take_the_same_years_in_english(client, known):
    assert client.get("/api/v1/measures?year=2050").status_code == 200
    assert client.get("/export/measures.csv?since=2040").status_code == 200
    response = client.get("/api/v1/measures?year=2051&lang=en")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "Year: 2051 is not a year between 2000 and 2050."


# ---- a multi-line text saved untouched changes nothing ---------------------------------------

DESCRIPTION = "Accueil des personnes migrantes.\nOrientation vers les services.\n\nSuivi."


def edit_measure(client, measure_id: int, **change):
    """Post the measure's edit form as a browser sends it: the text area's lines end in
    CR LF. Returns the response."""
    url = f"/work/measure/{measure_id}/edit?lang=fr"
    data = {
        "title": "Cellule d'accueil",
        "kind": "service",
        "status": "ongoing",
        "description": DESCRIPTION.replace("\n", "\r\n") + "\r\n  ",
        "version": change.pop("version"),
        **change,
    }
    return post_form(client, url, data)


def history_actions(app, measure_id: int) -> list[str]:
    from tracker import audit

    with app.app_context():
        return [entry.action for entry in audit.history("measure", measure_id)]


# As the service stores it (LF), and as a form stored it before line endings were
# normalised (CR LF).
@pytest.mark.parametrize("stored", [DESCRIPTION, DESCRIPTION.replace("\n", "\r\n")])
def test_saving_an_untouched_multi_line_text_records_no_change(
    app, accounts, validated_measure, stored
):
    from tracker.extensions import db
    from tracker.models import Measure

    accounts.create("figuig@example.org", "officer", [FIGUIG])
    measure_id = validated_measure(
        FIGUIG, "Cellule d'accueil", author="figuig@example.org", description=DESCRIPTION
    )
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        measure.description = stored
        db.session.commit()
        version = measure.version
    accounts.login("figuig@example.org")
    before = history_actions(app, measure_id)
    response = edit_measure(accounts.client, measure_id, version=version)
    assert response.status_code == 302, page_text(response)
    assert history_actions(app, measure_id) == before
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert (measure.version, measure.review_state) == (version, "validated")
        assert measure.description == stored
    page = page_text(accounts.client.get(f"/work/measure/{measure_id}?lang=fr"))
    assert '<span class="state state-validated">Validé</span>' in page


def test_an_untouched_save_in_another_tab_blames_no_one(app, accounts, validated_measure):
    from tracker.extensions import db
    from tracker.models import Measure

    accounts.create("figuig@example.org", "officer", [FIGUIG])
    measure_id = validated_measure(
        FIGUIG, "Cellule d'accueil", author="figuig@example.org", description=DESCRIPTION
    )
    with app.app_context():
        version = db.session.get(Measure, measure_id).version
    accounts.login("figuig@example.org")
    # Two tabs open the form at the same version; the first saves it untouched.
    assert edit_measure(accounts.client, measure_id, version=version).status_code == 302
    response = edit_measure(accounts.client, measure_id, version=version, status="completed")
    assert response.status_code == 302, page_text(response)
    page = page_text(accounts.client.get(f"/work/measure/{measure_id}?lang=fr"))
    assert "Une autre personne" not in page and "Enregistrement effectué." in page
    with app.app_context():
        assert db.session.get(Measure, measure_id).status == "completed"
    assert history_actions(app, measure_id)[0] == "update"
