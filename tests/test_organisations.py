"""Partner organisations: named in French and Arabic and shown in the page's language, a
country chosen from a list of names, a kind for Moroccan collectivities, and the partner
chooser and dialog of the measure form (their server side; the browser drives them in
tests/browser/test_partners_browser.py)."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select, text

from tests.support import FIGUIG, csrf_token, make_organisation
from tracker.extensions import db
from tracker.models import Measure, Organisation
from tracker.records import service

NEW = "/work/organisations/new"
DIALOG = "/work/organisations/new?inline=1"


def post(client, url, data, form_url=None, **kwargs):
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def count_organisations(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Organisation.id)).all())


@pytest.fixture
def officer(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("coord.oriental@example.org", "coordinator", ["02"])
    accounts.login("figuig@example.org")
    return accounts


def country_options(page: str) -> list[tuple[str, str]]:
    select_html = re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)
    return [
        (value, unescape(label))
        for value, label in re.findall(
            r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html
        )
    ]


# ---- the country: a list of names in the page's language -----------------------------------


def test_the_country_list_is_in_french_with_morocco_first(client, officer):
    options = country_options(client.get(f"{NEW}?lang=fr").get_data(as_text=True))
    assert options[0] == ("MA", "Maroc")
    assert ("SN", "Sénégal") in options and ("ES", "Espagne") in options
    names = [name for _code, name in options[1:]]
    assert names.index("Afghanistan") < names.index("Égypte") < names.index("Zimbabwe")
    codes = {code for code, _name in options}
    # Only countries: no groupings, regions or private-use codes.
    assert not codes & {"EU", "UN", "ZZ", "XK", "001", "150", "EA", "IC"}
    assert all(len(code) == 2 and code.isalpha() for code in codes)
    assert len(options) > 240
    # Morocco is chosen for a new organisation.
    page = client.get(f"{NEW}?lang=fr").get_data(as_text=True)
    assert re.search(r'<option selected value="MA">|<option value="MA" selected>', page)


def test_the_country_list_is_in_arabic_with_morocco_first(client, officer):
    options = country_options(client.get(f"{NEW}?lang=ar").get_data(as_text=True))
    assert options[0] == ("MA", "المغرب")
    assert ("SN", "السنغال") in options and ("FR", "فرنسا") in options


def test_a_bad_country_code_is_refused_with_a_message_and_nothing_is_written(app, client, officer):
    response = post(
        client,
        f"{NEW}?lang=fr",
        {"name_fr": "Association Oasis", "kind": "association", "country": "ZZ"},
    )
    assert response.status_code == 400
    assert "Choisissez le pays dans la liste." in response.get_data(as_text=True)
    assert count_organisations(app) == 0
    with app.app_context(), pytest.raises(service.RecordInvalid) as refused:
        service.clean_organisation({"name_fr": "A", "kind": "association", "country": "EU"})
    assert set(refused.value.errors) == {"country"}


def test_the_organisation_pages_name_the_country_in_the_page_language(app, client, officer):
    make_organisation(app, "Ayuntamiento de Granada", kind="foreign_local_government", country="es")
    french = client.get("/work/organisations?lang=fr").get_data(as_text=True)
    assert "<td>Espagne</td>" in french and "<td>ES</td>" not in french
    arabic = client.get("/work/organisations?lang=ar").get_data(as_text=True)
    assert "<td>إسبانيا</td>" in arabic


# ---- names in French and Arabic -------------------------------------------------------------


def test_a_name_in_french_or_arabic_is_required(app, client, officer):
    response = post(client, f"{NEW}?lang=ar", {"kind": "association", "country": "MA"})
    assert response.status_code == 400
    assert "أدخل الاسم بالفرنسية أو بالعربية أو بهما معًا." in response.get_data(as_text=True)
    assert count_organisations(app) == 0


def test_an_organisation_named_in_arabic_only_is_saved(app, client, officer):
    response = post(
        client, NEW, {"name_ar": "جمعية واحة فجيج", "kind": "association", "country": "MA"}
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(Organisation))
        assert (saved.name_fr, saved.name_ar) == (None, "جمعية واحة فجيج")


def test_one_name_given_as_before_goes_where_its_script_belongs(app):
    with app.app_context():
        arabic = service.clean_organisation({"name": "كاريتاس المغرب", "kind": "association"})
        french = service.clean_organisation({"name": "Caritas Maroc", "kind": "association"})
    assert (arabic["name_fr"], arabic["name_ar"]) == (None, "كاريتاس المغرب")
    assert (french["name_fr"], french["name_ar"]) == ("Caritas Maroc", None)
    assert french["country"] == "MA"


@pytest.fixture
def partnered(app, validated_measure):
    """A validated measure of Figuig with a partner named in both languages and one
    named in French only; returns the measure's id."""
    both = make_organisation(
        app, None, name_fr="Caritas Maroc", name_ar="كاريتاس المغرب", country="MA"
    )
    french = make_organisation(app, "Progettomondo", country="IT")
    return validated_measure(FIGUIG, "Accueil", partners=[str(both), str(french)])


@pytest.mark.parametrize(
    "lang, shown, hidden",
    [("ar", "كاريتاس المغرب", "Caritas Maroc"), ("fr", "Caritas Maroc", "كاريتاس المغرب")],
)
def test_partners_are_named_in_the_page_language_on_every_public_page(
    app, client, partnered, lang, shown, hidden
):
    for url in (f"/territories/{FIGUIG}", f"/measures/{partnered}"):
        page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        assert f">{shown}</" in page, url
        assert hidden not in page, url
        # A partner with only a French name is named in French on an Arabic page too.
        assert ">Progettomondo</" in page, url


def test_the_programme_page_names_partners_in_its_language(app, client, validated_measure):
    from tests.support import make_programme

    programme = make_programme(app)
    both = make_organisation(app, None, name_fr="Caritas Maroc", name_ar="كاريتاس المغرب")
    validated_measure(FIGUIG, "Accueil", programme_id=str(programme), partners=[str(both)])
    arabic = client.get(f"/programmes/{programme}?lang=ar").get_data(as_text=True)
    assert "كاريتاس المغرب" in arabic and "Caritas Maroc" not in arabic
    french = client.get(f"/programmes/{programme}?lang=fr").get_data(as_text=True)
    assert "Caritas Maroc" in french and "كاريتاس المغرب" not in french


def test_the_api_and_exports_name_partners_in_the_language_asked(client, partnered):
    organisations = client.get("/api/v1/organisations?lang=ar").get_json()["items"]
    caritas = next(o for o in organisations if o["name_fr"] == "Caritas Maroc")
    assert (caritas["name"], caritas["name_ar"]) == ("كاريتاس المغرب", "كاريتاس المغرب")
    french = client.get("/api/v1/organisations?lang=fr").get_json()["items"]
    assert {o["name"] for o in french} == {"Caritas Maroc", "Progettomondo"}
    measures = client.get("/api/v1/measures?lang=ar").get_json()["items"]
    assert sorted(measures[0]["partners"]) == sorted(["كاريتاس المغرب", "Progettomondo"])
    export = client.get("/export/measures.csv?lang=fr").data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(export, newline="")))
    partners = next(value for key, value in row.items() if "partenaire" in key.lower())
    assert "Caritas Maroc" in partners and "كاريتاس" not in partners


def test_the_registry_lists_each_name_in_the_page_language_first(app, client, officer):
    make_organisation(app, None, name_fr="Caritas Maroc", name_ar="كاريتاس المغرب")
    arabic = client.get("/work/organisations?lang=ar").get_data(as_text=True)
    assert arabic.index("<bdi>كاريتاس المغرب</bdi>") < arabic.index(
        '<bdi class="other-name">Caritas Maroc</bdi>'
    )


# ---- a kind for Moroccan collectivities -----------------------------------------------------


@pytest.mark.parametrize(
    "lang, label",
    [
        ("fr", "Collectivité territoriale marocaine (commune, province, conseil régional)"),
        ("ar", "جماعة ترابية مغربية (جماعة، عمالة أو إقليم، مجلس جهة)"),
        ("en", "Moroccan territorial collectivity (commune, province, regional council)"),
    ],
)
def test_a_kind_for_moroccan_collectivities_and_regional_councils(client, officer, lang, label):
    page = client.get(f"{NEW}?lang={lang}").get_data(as_text=True)
    assert f'<option value="moroccan_collectivity">{label}</option>' in page


# ---- the partner chooser and the dialog -----------------------------------------------------


def test_the_measure_form_offers_partners_in_a_searchable_select(app, client, officer):
    make_organisation(app, None, name_fr="Caritas Maroc", name_ar="كاريتاس المغرب")
    page = client.get(f"/work/{FIGUIG}/measure/new?lang=fr").get_data(as_text=True)
    chooser = re.search(r"<select[^>]*data-partner-chooser[^>]*>", page).group(0)
    assert "multiple" in chooser and 'name="partners"' in chooser
    assert 'data-search="caritas maroc كاريتاس المغرب"' in page
    assert re.search(r"/static/partner-chooser\.[0-9a-f]{10}\.js", page)
    add = re.search(r'<a href="([^"]+)" target="_blank"[^>]*data-partner-add="([^"]+)"', page)
    assert add and "next=" in add.group(1) and "inline=1" in add.group(2)
    assert "Ajouter une organisation partenaire" in page


def test_the_form_without_script_returns_to_the_measure_form(app, client, officer):
    back = f"/work/{FIGUIG}/measure/new"
    form = client.get(f"{NEW}?next={back}&lang=fr").get_data(as_text=True)
    assert f'href="{back}">Retour au formulaire de la mesure' in form
    response = post(
        client,
        f"{NEW}?next={back}&lang=fr",
        {"name_fr": "Association Oasis", "kind": "association", "country": "MA"},
    )
    assert response.status_code == 302
    listed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="{back}">Retour au formulaire de la mesure' in listed
    # Another site is never a way back.
    elsewhere = client.get(f"{NEW}?next=https://example.com/&lang=fr").get_data(as_text=True)
    assert (
        "Retour au formulaire" not in elsewhere and 'href="https://example.com/"' not in elsewhere
    )


def test_the_dialog_saves_an_organisation_and_answers_it_in_json(app, client, officer):
    form = client.get(f"{DIALOG}&lang=ar")
    assert form.status_code == 200
    fragment = form.get_data(as_text=True)
    assert "<html" not in fragment and 'name="name_ar"' in fragment
    response = post(
        client,
        DIALOG + "&lang=ar",
        {"name_fr": "Association Oasis", "name_ar": "جمعية الواحة", "kind": "association"},
        form_url=DIALOG,
    )
    assert response.status_code == 201
    answer = response.get_json()
    assert answer["name"] == "جمعية الواحة" and answer["name_fr"] == "Association Oasis"
    with app.app_context():
        saved = db.session.get(Organisation, answer["id"])
        assert saved.country == "MA" and saved.created_by_id is not None


def test_the_dialog_shows_its_messages_and_writes_nothing(app, client, officer):
    response = post(client, f"{DIALOG}&lang=fr", {"kind": "association"}, form_url=DIALOG)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Indiquez le nom en français, en arabe, ou les deux." in page and "<html" not in page
    assert count_organisations(app) == 0


def test_the_dialog_refuses_anonymous_visitors_and_coordinators(app, client, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    token = csrf_token(client, "/login")
    data = {"name_fr": "Association Oasis", "kind": "association", "csrf_token": token}
    for method in (client.get, client.post):
        answer = method(DIALOG, data=data)
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"
    assert client.post(NEW, data=data).status_code == 302  # to the sign-in page
    accounts.create("coord.oriental@example.org", "coordinator", ["02"])
    accounts.login("coord.oriental@example.org")
    token = csrf_token(client, "/work")
    refused = client.post(DIALOG, data={**data, "csrf_token": token})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert count_organisations(app) == 0


def test_a_measure_form_posts_its_partners_as_before(app, client, officer):
    first = make_organisation(app, "Caritas Maroc")
    second = make_organisation(app, None, name_ar="جمعية الواحة")
    response = post(
        client,
        f"/work/{FIGUIG}/measure/new",
        {
            "title": "Accueil",
            "kind": "service",
            "status": "planned",
            "partners": [str(first), str(second)],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.scalar(select(Measure))
        assert sorted(p.id for p in measure.partners) == sorted([first, second])


# ---- the migration of the one name of before ------------------------------------------------


def test_the_migration_moves_each_old_name_by_its_script(app):
    import flask_migrate

    from tracker import MIGRATIONS_DIR

    path = MIGRATIONS_DIR / "versions" / "0006_organisation_names.py"
    spec = importlib.util.spec_from_file_location("names_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.app_context():
        flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision=migration.down_revision)
        db.session.execute(
            text(
                "INSERT INTO organisation (id, name, kind, country, created_at, updated_at, "
                "version) VALUES (1, 'Caritas Maroc', 'association', 'MA', :t, :t, 1), "
                "(2, 'كاريتاس المغرب', 'association', 'MA', :t, :t, 1)"
            ),
            {"t": datetime(2026, 1, 1, tzinfo=UTC)},
        )
        db.session.commit()
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        rows = db.session.execute(
            text("SELECT id, name_fr, name_ar FROM organisation ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [(1, "Caritas Maroc", None), (2, None, "كاريتاس المغرب")]
