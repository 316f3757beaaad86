"""The checks a careful officer expects when recording a measure, in the form and in the
import alike: dates in the future or outside the programme's years, dates given as a year
or a month, programmes of the province or the region, labels instead of keys, invisible
characters, a conflict with oneself, a possible duplicate, and a form in sections."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.support import BOUARFA, FIGUIG, csrf_token
from tracker.accounts import find_user
from tracker.extensions import db
from tracker.imports import import_measures
from tracker.models import Measure, Organisation, Programme
from tracker.records import service

OFFICER = "entry.officer@figuig.ma"
ADMIN = "entry.admin@tracker.ma"
PROVINCE, REGION = "02.251", "02"

MEASURE = {
    "title": "Cellule d'accueil et d'orientation des migrants",
    "kind": "reception",
    "status": "ongoing",
    "start_date": "2024-01-15",
    "end_date": "2026-12-31",
}


@pytest.fixture
def officer(accounts):
    accounts.create(OFFICER, "officer", [FIGUIG])
    accounts.create(ADMIN, "admin")
    accounts.login(OFFICER)
    return accounts


def add_programme(app, territory_code=FIGUIG, kind="PAC", first=2023, last=2028, title=None):
    """A programme recorded by the administrator through the service; its id."""
    with app.app_context():
        programme = service.save_programme(
            find_user(ADMIN),
            {
                "territory_code": territory_code,
                "kind": kind,
                "title": title or f"Programme {kind} {territory_code}",
                "first_year": str(first),
                "last_year": str(last),
                "integration": "dedicated",
            },
        )
        db.session.commit()
        return programme.id


def measures(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Measure))


def post_new(client, data, lang="fr"):
    url = f"/work/{FIGUIG}/measure/new?lang={lang}"
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def new_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/work/measure/(\d+)", response.headers["Location"]).group(1))


def import_rows(app, rows: list[dict], lang="fr", email=OFFICER):
    """Import `rows` (keys as headings, which the import accepts) as `email`."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([keys] + [[row.get(k, "") for k in keys] for row in rows])
    with app.test_request_context(f"/?lang={lang}"):
        report = import_measures(
            find_user(email), "measures.csv", io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
        )
        return report, report.lines()


def row(**changes) -> dict:
    return {"territory_code": FIGUIG, **MEASURE, **changes}


# ---- a start in the future ------------------------------------------------------------------


def test_an_ongoing_measure_cannot_start_in_the_future_form_in_french(app, client, officer):
    response = post_new(client, {**MEASURE, "start_date": "2049-03", "end_date": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Une mesure en cours ou achevée ne peut pas commencer dans le futur (2049-03" in page
    assert measures(app) == 0


def test_a_completed_measure_cannot_start_in_the_future_form_in_arabic(app, client, officer):
    data = {**MEASURE, "status": "completed", "start_date": "2049", "end_date": ""}
    page = post_new(client, data, lang="ar").get_data(as_text=True)
    assert "لا يمكن لتدبير جارٍ أو منجز أن ينطلق في المستقبل" in page
    assert measures(app) == 0


def test_a_planned_measure_may_start_in_the_future(app, client, officer):
    data = {**MEASURE, "status": "planned", "start_date": "2049-01-01", "end_date": ""}
    assert new_id(post_new(client, data))
    assert measures(app) == 1


def test_the_import_refuses_a_future_start_of_an_ongoing_measure(app, officer):
    report, lines = import_rows(app, [row(start_date="2049-06-01", end_date="")])
    assert not report.ok and not report.written
    assert any("ne peut pas commencer dans le futur" in line for line in lines)
    assert measures(app) == 0


# ---- dates outside the programme's years ----------------------------------------------------


def test_dates_outside_the_programme_need_a_confirmation_in_the_form(app, client, officer):
    programme = add_programme(app, first=2023, last=2028)
    data = {**MEASURE, "programme_id": str(programme), "start_date": "2022-09", "end_date": ""}
    refused = post_new(client, data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Ces dates sortent des années du programme (2023–2028)" in page
    assert 'name="confirm_dates"' in page and "Oui, ces dates sont exactes" in page
    assert measures(app) == 0

    measure_id = new_id(post_new(client, {**data, "confirm_dates": "y"}))
    with app.app_context():
        assert db.session.get(Measure, measure_id).programme_id == programme


def test_an_end_given_as_the_programmes_last_year_is_inside_it(app, client, officer):
    programme = add_programme(app, first=2023, last=2028)
    data = {**MEASURE, "programme_id": str(programme), "start_date": "2023", "end_date": "2028"}
    assert new_id(post_new(client, data))


def test_a_measure_saved_with_confirmed_dates_is_not_asked_again(app, client, officer):
    programme = add_programme(app, first=2023, last=2028)
    data = {**MEASURE, "programme_id": str(programme), "start_date": "2022", "confirm_dates": "y"}
    measure_id = new_id(post_new(client, data))
    url = f"/work/measure/{measure_id}/edit?lang=fr"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    edited = {**data, "title": "Cellule d'accueil (siège)", "version": version}
    del edited["confirm_dates"]
    response = client.post(url, data={**edited, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_the_import_reports_a_row_outside_the_programme_in_arabic(app, officer):
    programme = add_programme(app, first=2023, last=2028)
    report, lines = import_rows(
        app, [row(programme_id=str(programme), end_date="2030-06")], lang="ar"
    )
    assert not report.ok
    assert any(
        "تقع هذه التواريخ خارج سنوات البرنامج (\u20662023–2028\u2069)" in line for line in lines
    )
    assert measures(app) == 0


def test_the_import_confirms_dates_in_its_confirmation_column(app, officer):
    programme = add_programme(app, first=2023, last=2028)
    report, _lines = import_rows(
        app, [row(programme_id=str(programme), start_date="2022", confirm="dates")]
    )
    assert report.written and measures(app) == 1


# ---- a year or a month ----------------------------------------------------------------------


def test_a_year_and_a_month_are_kept_and_shown_as_given(app, client, officer):
    data = {**MEASURE, "start_date": "2024", "end_date": "2026-03"}
    measure_id = new_id(post_new(client, data))
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert (measure.start_date.isoformat(), measure.start_date_precision) == (
            "2024-01-01",
            "year",
        )
        # An end is kept as the last day of the month it names, as it is compared.
        assert (measure.end_date.isoformat(), measure.end_date_precision) == (
            "2026-03-31",
            "month",
        )
    record_page = client.get(f"/work/measure/{measure_id}?lang=fr").get_data(as_text=True)
    facts = record_page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert "2024 → 2026-03" in facts and "2024-01-01" not in facts
    # The history names the precision by its label and gives its value's label.
    history = record_page.split("</dl>", 1)[1]
    assert "Précision de la date de début" in history and "Année" in history
    # Each date in the history is as it was given, never the day it is stored as.
    assert "2024-01-01" not in history and "2026-03-31" not in history
    assert "<bdi>2024</bdi>" in history or ">2024<" in history
    assert ">year<" not in history
    form = client.get(f"/work/measure/{measure_id}/edit?lang=fr").get_data(as_text=True)
    assert 'value="2024"' in form and 'value="2026-03"' in form


def test_the_public_outputs_give_the_dates_as_given(app, client, officer, validated_measure):
    measure_id = validated_measure(FIGUIG, "Permanence juridique", start_date="2025", end_date="")
    item = client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"][0]
    assert item["id"] == measure_id
    assert item["start_date"] == "2025" and item["start_date_precision"] == "year"
    assert item["end_date"] is None and item["end_date_precision"] is None
    page = client.get(f"/measures/{measure_id}?lang=fr").get_data(as_text=True)
    assert "2025 → …" in page and "2025-01-01" not in page
    exported = client.get(f"/export/measures.csv?territory={FIGUIG}&lang=fr")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["Date de début"] == "2025"
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/export/measures.xlsx?territory={FIGUIG}&lang=fr").data)
    )
    sheet = workbook.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=headings.index("Date de début") + 1).value == "2025"
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Measure"]
    # Null with no date.
    assert schema["properties"]["start_date_precision"]["enum"] == ["year", "month", "day", None]


def test_a_start_month_and_an_end_year_compare_by_the_ends_of_their_periods(app, client, officer):
    assert new_id(post_new(client, {**MEASURE, "start_date": "2025-03", "end_date": "2025"}))
    refused = post_new(client, {**MEASURE, "start_date": "2025", "end_date": "2024-12"})
    assert "La date de fin ne peut pas" in refused.get_data(as_text=True)


def test_the_import_reads_a_year_and_a_month_and_keeps_them_on_update(app, officer):
    first = row(reference="FIG-7", start_date="2024", end_date="2025-06")
    report, _lines = import_rows(app, [first])
    assert report.written
    # The dates' columns left out: the update keeps them as they were given.
    update = {k: first[k] for k in ("territory_code", "reference", "title", "kind", "status")}
    report, _lines = import_rows(app, [{**update, "progress": "60"}])
    assert report.written and report.updated == 1
    with app.app_context():
        measure = db.session.scalar(select(Measure).where(Measure.reference == "FIG-7"))
        assert measure.progress == 60
        assert measure.given_date("start_date") == "2024"
        assert measure.given_date("end_date") == "2025-06"


# ---- programmes of the province and the region ----------------------------------------------


def test_the_form_offers_the_province_and_region_programmes_with_labels(app, client, officer):
    add_programme(app, FIGUIG, "PAC", title="PAC de Figuig")
    add_programme(app, PROVINCE, "PDP", title="PDP de la province")
    add_programme(app, REGION, "PDR", title="PDR de l'Oriental")
    add_programme(app, BOUARFA, "PAC", title="PAC de Bouarfa")
    page = client.get(f"/work/{FIGUIG}/measure/new?lang=fr").get_data(as_text=True)
    options = re.findall(
        r"<option[^>]*>([^<]*)</option>", page.split('id="programme_id"')[1].split("</select>")[0]
    )
    assert options[0] == "Aucun programme"
    assert (
        options[1] == "Programme d&#39;action communal (PAC) : \u2068PAC de Figuig\u2069, 2023–2028"
    )
    assert "Province \u2068Figuig\u2069 — " in options[2] and "PDP de la province" in options[2]
    assert "Région" in options[3] and "PDR de l&#39;Oriental" in options[3]
    assert not any("Bouarfa" in option for option in options)


def test_a_measure_under_the_regions_programme_is_saved(app, client, officer):
    programme = add_programme(app, REGION, "PDR", first=2022, last=2027)
    measure_id = new_id(post_new(client, {**MEASURE, "programme_id": str(programme)}))
    with app.app_context():
        assert db.session.get(Measure, measure_id).programme.territory_code == REGION


def test_a_crafted_post_with_a_neighbours_programme_is_refused(app, client, officer):
    programme = add_programme(app, BOUARFA, "PAC")
    response = post_new(client, {**MEASURE, "programme_id": str(programme)})
    assert response.status_code == 400
    assert "Ce programme appartient à une collectivité dont celle-ci ne fait pas partie" in (
        response.get_data(as_text=True)
    )
    assert measures(app) == 0


def test_the_import_refuses_a_neighbours_programme_in_arabic(app, officer):
    programme = add_programme(app, BOUARFA, "PAC")
    report, lines = import_rows(app, [row(programme_id=str(programme))], lang="ar")
    assert not report.ok
    assert any("ينتمي هذا البرنامج إلى جماعة لا تنتمي إليها" in line for line in lines)


# ---- invisible characters -------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u0007", "\u0085", "\t"])
def test_a_title_with_an_invisible_character_is_refused(app, client, officer, character):
    response = post_new(client, {**MEASURE, "title": f"Cellule{character} d'accueil"})
    assert response.status_code == 400
    code = f"{ord(character):04X}"
    assert f"Ce texte contient un caractère invisible (U+{code})" in response.get_data(as_text=True)
    assert measures(app) == 0


def test_a_description_keeps_its_lines_and_tabs_but_not_a_bell(app, client, officer):
    assert new_id(post_new(client, {**MEASURE, "description": "Accueil\n\tOrientation"}))
    refused = post_new(client, {**MEASURE, "title": "Autre", "description": "Accueil\u0007"})
    assert "caractère invisible (U+0007)" in refused.get_data(as_text=True)


def test_programme_titles_and_organisation_names_are_checked_too(app, officer):
    with app.test_request_context("/?lang=ar"):
        admin = find_user(ADMIN)
        with pytest.raises(service.RecordInvalid) as refused:
            service.save_programme(
                admin,
                {
                    "territory_code": FIGUIG,
                    "kind": "PAC",
                    "title": "برنامج\u202b عمل",
                    "first_year": "2023",
                    "last_year": "2028",
                    "integration": "dedicated",
                },
            )
        assert "يحتوي هذا النص على حرف غير مرئي (U+202B)" in refused.value.errors["title"]
        with pytest.raises(service.RecordInvalid) as refused:
            service.save_organisation(
                admin, {"name_fr": "Association", "name_ar": "جمعية\u202e", "kind": "association"}
            )
        assert "U+202E" in refused.value.errors["name_ar"]
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Programme)) == 0
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_the_import_refuses_a_title_with_a_direction_override(app, officer):
    report, lines = import_rows(app, [row(title="Cellule \u202ed'accueil")])
    assert not report.ok and any("U+202E" in line for line in lines)
    assert measures(app) == 0


# ---- a conflict with oneself ----------------------------------------------------------------


def edit_form(client, measure_id, lang="fr"):
    url = f"/work/measure/{measure_id}/edit?lang={lang}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    return url, {"version": version, "csrf_token": csrf_token(client, url)}


def test_a_save_from_an_older_tab_says_the_user_saved_it_elsewhere(app, client, officer):
    measure_id = new_id(post_new(client, MEASURE))
    first_tab = edit_form(client, measure_id)
    second_tab = edit_form(client, measure_id)
    url, hidden = first_tab
    saved = client.post(url, data={**MEASURE, "title": "Cellule (siège)", **hidden})
    assert saved.status_code == 302
    url, hidden = second_tab
    refused = client.post(url, data={**MEASURE, "progress": "30", **hidden})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert re.search(
        r"Vous avez enregistré cette fiche dans un autre onglet ou une autre fenêtre à \d\d:\d\d",
        page,
    )
    assert "Une autre personne" not in page
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert measure.title == "Cellule (siège)" and measure.progress is None


def test_a_save_after_someone_elses_still_names_them(app, client, officer):
    measure_id = new_id(post_new(client, MEASURE))
    url, hidden = edit_form(client, measure_id, lang="en")
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        raw = {**MEASURE, "territory_code": FIGUIG, "progress": "10"}
        service.save_measure(find_user(ADMIN), raw, measure, expected_version=measure.version)
        db.session.commit()
    page = client.post(url, data={**MEASURE, **hidden}).get_data(as_text=True)
    assert f"Someone else ({ADMIN}) saved this record" in page
    assert "another tab" not in page


# ---- a possible duplicate -------------------------------------------------------------------


def test_a_possible_duplicate_is_shown_with_a_link_and_may_be_saved_anyway(app, client, officer):
    first = new_id(post_new(client, MEASURE))
    twin = {
        **MEASURE,
        "title": "cellule d’accueil et d’orientation des Migrants",
        "start_date": "2025",
    }
    refused = post_new(client, twin)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Cette collectivité a déjà une mesure au titre semblable" in page
    assert f'href="/work/measure/{first}"' in page
    assert "C'est une autre mesure : l'enregistrer quand même" in html.unescape(page)
    assert measures(app) == 1
    assert new_id(post_new(client, {**twin, "confirm_duplicate": "y"}))
    assert measures(app) == 2


def test_a_similar_title_in_other_years_is_no_duplicate(app, client, officer):
    new_id(post_new(client, MEASURE))
    assert new_id(post_new(client, {**MEASURE, "start_date": "2020", "end_date": "2021"}))
    assert new_id(post_new(client, {**MEASURE, "title": "Formation des élus", "end_date": ""}))


def test_the_import_reports_a_possible_duplicate_in_arabic(app, client, officer):
    new_id(post_new(client, {**MEASURE, "title": "خلية استقبال وتوجيه المهاجرين"}))
    report, lines = import_rows(app, [row(title="خليّة استقبال و توجيه المهاجرين")], lang="ar")
    assert not report.ok
    assert any("لدى هذه الجماعة تدبير بعنوان مشابه وتواريخ متداخلة" in line for line in lines)
    assert measures(app) == 1
    # The row confirmed, by the label of its confirmation in French: saved.
    confirmed = row(
        title="خليّة استقبال و توجيه المهاجرين", confirm="C'est une autre mesure, pas un doublon"
    )
    report, _lines = import_rows(app, [confirmed])
    assert report.written and measures(app) == 2


# ---- required fields and sections -----------------------------------------------------------


def test_the_form_marks_required_fields_and_reads_in_sections(app, client, officer):
    page = client.get(f"/work/{FIGUIG}/measure/new?lang=fr").get_data(as_text=True)
    assert "Les champs marqués d'un astérisque (*) sont obligatoires." in html.unescape(page)
    title = re.search(r'<label for="title">.*?</label>\s*<input[^>]*>', page, re.S).group(0)
    assert 'class="required-mark"' in title
    assert "required" in title and 'aria-required="true"' in title
    description = re.search(r'<label for="description">.*?</label>', page, re.S).group(0)
    assert "required-mark" not in description
    legends = re.findall(
        r'<fieldset class="form-section" id="section-(\w+)">\s*<legend>([^<]+)</legend>', page
    )
    assert legends == [
        ("what", "Quoi"),
        ("when", "Quand"),
        ("money", "Financement"),
        ("people", "Personnes touchées"),
        ("where", "Où"),
        ("evidence", "Justificatifs"),
    ]
    where = page.split('id="section-where"')[1].split("</fieldset>")[0]
    assert 'name="latitude"' in where and 'name="longitude"' in where


def test_the_form_in_arabic_has_its_sections(app, client, officer):
    page = client.get(f"/work/{FIGUIG}/measure/new?lang=ar").get_data(as_text=True)
    assert "<legend>الأشخاص المستفيدون</legend>" in page
    assert "الحقول المشار إليها بنجمة (*) إلزامية." in page


def test_extra_widget_attributes_reach_the_page(app):
    from tracker.records.forms import MeasureForm

    with app.test_request_context("/?lang=fr"):
        form = MeasureForm(meta={"csrf": False})
        form.latitude.render_kw = {**(form.latitude.render_kw or {}), "data-point-picker": "lat"}
        macros = app.jinja_env.get_template("_forms.html").module
        html = str(macros.field(form.latitude))
    assert 'data-point-picker="lat"' in html and 'inputmode="decimal"' in html


def test_titles_are_compared_without_accents_case_or_short_vowels_but_with_numbers():
    from tracker.records.duplicates import similar_titles

    assert similar_titles("Cellule d'accueil des migrants", "CELLULE D’ACCUEIL DES MIGRANTS")
    assert similar_titles("Clinique juridique à Figuig", "Clinique juridique a Figuig")
    assert similar_titles("خلية استقبال وتوجيه المهاجرين", "خليّة استقبال و توجيه المهاجرين")
    assert not similar_titles(
        "Campagne de sensibilisation 2024", "Campagne de sensibilisation 2025"
    )
    assert not similar_titles("Cellule d'accueil", "Formation des élus")


def test_a_measure_recorded_by_a_program_is_not_asked_about_duplicates(app, officer):
    with app.test_request_context("/?lang=fr"):
        admin = find_user(ADMIN)
        raw = {**MEASURE, "territory_code": FIGUIG}
        service.save_measure(admin, raw)
        service.save_measure(admin, raw)  # the demo's loader, a script: what it is given
        with pytest.raises(service.RecordInvalid) as refused:
            service.save_measure(admin, raw, warn_duplicates=True)
        assert "confirm_duplicate" in refused.value.errors
