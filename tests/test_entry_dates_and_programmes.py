"""The checks on a measure's dates and programme, in the form and in the import alike: a
start in the future (refused unless the measure is planned), dates outside the
programme's years (saved once confirmed), dates given as a year or a month (kept and
shown as given, compared by the ends of their periods), and the programmes a measure may
come under: its own collectivity's, its province's and its region's, never a neighbour's."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
from sqlalchemy import select

from tests.entry_checks_support import ADMIN, MEASURE, import_rows, measures, new_id, post_new, row

# A fixture: the tests name it, and pytest finds it among this module's names.
from tests.entry_checks_support import officer as officer
from tests.support import BOUARFA, FIGUIG, csrf_token
from tracker.accounts import find_user
from tracker.extensions import db
from tracker.models import Measure
from tracker.records import service

PROVINCE, REGION = "02.251", "02"


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
