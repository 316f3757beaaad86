"""The checks on what a measure says, in the form and in the import alike: invisible
characters in titles and names, a save from an older tab told apart from someone else's,
a possible duplicate (a similar title with overlapping dates) shown with a link and saved
once confirmed, and a form that marks its required fields and reads in sections."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from tests.entry_checks_support import ADMIN, MEASURE, import_rows, measures, new_id, post_new, row

# A fixture: the tests name it, and pytest finds it among this module's names.
from tests.entry_checks_support import officer as officer
from tests.support import FIGUIG, csrf_token
from tracker.accounts import find_user
from tracker.extensions import db
from tracker.models import Measure, Organisation, Programme
from tracker.records import service

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
