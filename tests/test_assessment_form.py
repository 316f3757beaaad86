"""The assessment form: its pages in French and Arabic, the server's refusals (a crafted
"not applicable", a second assessment for the year, a foreign measure, a stale save,
missing evidence at submission), the history, the review loop and who may do what."""

import html
import re

import pytest
from sqlalchemy import select

from tests.support import BOUARFA, FIGUIG, TANGER, csrf_token, make_validated_measure
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.models import Assessment

ORIENTAL = "02"
NEW = f"/work/{FIGUIG}/assessment/new"


@pytest.fixture
def people(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("region@example.org", "officer", [ORIENTAL])
    accounts.create("coord@example.org", "coordinator", [ORIENTAL])
    accounts.create("coord.tanger@example.org", "coordinator", ["01"])
    accounts.login("figuig@example.org")
    return accounts


def post(client, url, data, form_url=None):
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def complete(points="2", **evidence):
    """A form answering every question, each with a reference unless `evidence` says else."""
    written = evidence or {"evidence_reference": "Délibération n° 12 du 3 mars 2025"}
    data = {"year": "2025"}
    for question in latest_indicator_set().questions:
        data[f"{question.key}_points"] = points
        for field, value in written.items():
            data[f"{question.key}_{field}"] = value
    return data


def create(client, data=None):
    response = post(client, NEW, data or {"year": "2025", "Q1_points": "2"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/work/assessment/(\d+)", response.headers["Location"]).group(1))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_french_form_groups_questions_by_dimension_with_their_levels(client, people):
    page = text_of(client.get(f"{NEW}?lang=fr"))
    questions = latest_indicator_set()
    for dimension in questions.dimensions:
        assert f"{dimension.number}. {dimension.title.fr}</legend>" in page
    q1 = questions.question("Q1")
    for points in range(4):
        assert q1.level_text(points).fr in page
    assert "jamais le nom d'une personne ni aucune donnée personnelle" in page
    assert "Enregistrer le brouillon" in page and "Soumettre pour validation" in page
    # A commune may not answer Q4 "not applicable": the form does not offer it.
    assert 'name="Q4_points" type="radio" value="na"' not in page
    assert 'href="/methodology"' in page


def test_the_arabic_form_of_a_region_offers_not_applicable_where_allowed(client, people):
    people.login("region@example.org")
    page = text_of(client.get(f"/work/{ORIENTAL}/assessment/new?lang=ar"))
    assert 'dir="rtl"' in page
    assert latest_indicator_set().question("Q9").title.ar in page
    assert "لا ينطبق" in page
    assert re.search(r'id="Q4_points-4"[^>]*value="na"|value="na"[^>]*id="Q4_points-4"', page)
    assert not re.search(r'name="Q1_points"[^>]*value="na"', page)
    assert "حفظ المسودة" in page


def test_a_crafted_not_applicable_is_refused_on_the_server(app, client, people):
    response = post(client, f"{NEW}?lang=fr", {"year": "2025", "Q4_points": "na"}, NEW)
    assert response.status_code == 400
    assert "Cette collectivité ne peut pas répondre « sans objet » à cette question." in text_of(
        response
    )
    with app.app_context():
        assert db.session.scalars(select(Assessment)).all() == []


def test_a_draft_is_saved_part_way_and_resumed(client, people):
    assessment = create(
        client, {"year": "2025", "Q2_points": "1", "Q2_evidence_reference": "Arrêté n° 4/2024"}
    )
    page = text_of(client.get(f"/work/assessment/{assessment}/edit?lang=fr"))
    assert '<input checked id="Q2_points-1" name="Q2_points" type="radio" value="1">' in page
    assert 'value="Arrêté n° 4/2024"' in page
    assert re.search(r'name="version"[^>]*value="1"|value="1"[^>]*name="version"', page)
    shown = text_of(client.get(f"/work/assessment/{assessment}?lang=fr"))
    assert "Incomplète : 14 questions n'ont pas encore de réponse." in shown
    assert "Arrêté n° 4/2024" in shown
    assert latest_indicator_set().question("Q2").level_text(1).fr in shown
    assert "Sans réponse" in shown


def test_a_second_assessment_for_the_year_is_refused_with_a_link(client, people):
    first = create(client)
    response = post(client, f"{NEW}?lang=fr", {"year": "2025"}, NEW)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Cette collectivité a déjà une évaluation pour 2025" in html.unescape(page)
    assert f'<a href="/work/assessment/{first}">' in page


def test_a_foreign_measure_is_refused(app, client, people):
    foreign = make_validated_measure(app, BOUARFA, "Cellule de Bouarfa", kind="reception")
    own = make_validated_measure(app, FIGUIG, "Cellule de Figuig", kind="reception")
    form = text_of(client.get(f"{NEW}?lang=fr"))
    assert "Cellule de Figuig" in form and "Cellule de Bouarfa" not in form
    data = {"year": "2025", "Q9_points": "3", "Q9_measure_ids": [str(foreign)]}
    response = post(client, f"{NEW}?lang=fr", data, NEW)
    assert response.status_code == 400
    assert "Seules les mesures validées de la collectivité elle-même" in text_of(response)
    assessment = create(client, {**data, "Q9_measure_ids": [str(own)]})
    assert "Cellule de Figuig" in text_of(client.get(f"/work/assessment/{assessment}?lang=fr"))


def test_submission_needs_evidence_above_zero(app, client, people):
    data = complete()
    del data["Q5_evidence_reference"]
    response = post(client, f"{NEW}?lang=en", {**data, "submit_for_review": "1"}, NEW)
    assert response.status_code == 302
    edit = response.headers["Location"]
    assert edit.endswith("/edit")
    page = text_of(client.get(f"{edit}?lang=en"))
    assert "Saved as a draft, but not submitted for review yet:" in page
    # One message, the problem linked to its question on the form.
    links = re.findall(r'<li><a href="([^"]+)">(Q\d+ — [^<]+)</a></li>', page)
    assert [(href, text.split(":")[0]) for href, text in links] == [
        (f"{edit}#Q5", f"Q5 — {latest_indicator_set().question('Q5').title.en}")
    ]
    assert "An answer above 0 needs evidence" in links[0][1]
    assert 'id="Q5"' in page
    with app.app_context():
        assert db.session.scalars(select(Assessment.review_state)).all() == ["draft"]


def test_submitting_from_the_record_page_lists_what_is_missing_in_french(app, client, people):
    data = complete()
    del data["Q5_evidence_reference"], data["Q12_points"]
    assessment = create(client, data)
    page = f"/work/assessment/{assessment}"
    form = text_of(client.get(page))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    response = post(client, f"{page}/submit", {"version": version}, page)
    assert response.status_code == 302
    shown = text_of(client.get(f"{page}?lang=fr"))
    assert "Non soumis pour validation : complétez d'abord ces points." in shown
    links = re.findall(r'<li><a href="([^"]+)">(Q\d+) — [^<]+ : [^<]+</a></li>', shown)
    assert links == [(f"{page}/edit#Q5", "Q5"), (f"{page}/edit#Q12", "Q12")]
    with app.app_context():
        assert db.session.scalars(select(Assessment.review_state)).all() == ["draft"]


def test_an_arabic_refusal_of_every_question_fits_the_session(app, client, people):
    """The problems are found again on the page: the session cookie holds only which
    record, so fifteen long Arabic messages cannot push it past what browsers keep."""
    response = post(client, f"{NEW}?lang=ar", {"year": "2025", "submit_for_review": "1"}, NEW)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert len(cookie) < 1500
    shown = text_of(client.get(f"{response.headers['Location']}?lang=ar"))
    assert "حُفظ كمسودة، لكنه لم يُرسل بعدُ للمصادقة:" in shown
    assert len(re.findall(r'<li><a href="[^"]+#Q\d+">', shown)) == 15


def test_a_new_assessment_proposes_the_year_not_yet_assessed(app, client, people):
    from tracker.i18n import morocco_today

    this_year = morocco_today().year
    form = text_of(client.get(f"{NEW}?lang=en"))
    assert f'value="{this_year}"' in re.search(r'<input[^>]*name="year"[^>]*>', form).group(0)
    create(client, {"year": str(this_year), "Q1_points": "1"})
    form = text_of(client.get(f"{NEW}?lang=en"))
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', form).group(0)
    assert f'value="{this_year - 1}"' in year_input
    create(client, {"year": str(this_year - 1), "Q1_points": "1"})
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', text_of(client.get(NEW))).group(0)
    assert 'value=""' in year_input or "value=" not in year_input


def test_the_form_is_headed_by_the_assessment_once_in_french(client, people):
    assessment = create(client, {"year": "2025", "Q1_points": "2"})
    page = text_of(client.get(f"/work/assessment/{assessment}/edit?lang=fr"))
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", heading).strip() == "Évaluation 2025"


def test_a_stale_save_is_refused(client, people):
    assessment = create(client)
    edit = f"/work/assessment/{assessment}/edit"
    assert post(client, edit, {"year": "2025", "Q1_points": "1", "version": "1"}).status_code == 302
    response = post(
        client, f"{edit}?lang=en", {"year": "2025", "Q1_points": "3", "version": "1"}, edit
    )
    assert response.status_code == 409
    assert "Nothing you typed here was saved" in text_of(response)


def test_the_history_shows_each_answers_old_and_new_value(client, people):
    assessment = create(client, {"year": "2025", "Q1_points": "1"})
    edit = f"/work/assessment/{assessment}/edit"
    post(
        client,
        edit,
        {"year": "2025", "Q1_points": "2", "Q1_evidence_text": "PAC 2023", "version": "1"},
    )
    page = text_of(client.get(f"/work/assessment/{assessment}?lang=en"))
    title = latest_indicator_set().question("Q1").title.en
    assert re.search(
        rf"<strong>Q1 — {re.escape(title)}</strong>: <del[^>]*>1 point</del> → "
        r"<ins[^>]*>2 points · Evidence: \u2068PAC 2023\u2069</ins>",
        page,
    )


def test_returned_corrected_and_validated_through_the_review_queue(app, client, people):
    assessment = create(client, {**complete(), "submit_for_review": "1"})
    view = f"/work/assessment/{assessment}"
    people.logout()
    people.login("coord@example.org")
    queue = text_of(client.get("/review?lang=fr"))
    assert f'href="{view}"' in queue and "Évaluation 2025" in queue
    returned = post(
        client, f"{view}/return", {"version": "2", "comment": "Q3 : joindre l'étude"}, view
    )
    assert returned.status_code == 302
    people.logout()
    people.login("figuig@example.org")
    home = text_of(client.get("/work?lang=fr"))
    assert "Évaluation 2025" in home and "Q3 : joindre l'étude" in home
    corrected = {**complete(), "Q3_points": "3", "version": "3", "submit_for_review": "1"}
    assert post(client, f"{view}/edit", corrected).status_code == 302
    people.logout()
    people.login("coord@example.org")
    assert post(client, f"{view}/validate", {"version": "5"}, view).status_code == 302
    with app.app_context():
        assert db.session.get(Assessment, assessment).review_state == "validated"


@pytest.mark.parametrize(
    "who, code, status",
    [
        ("figuig@example.org", FIGUIG, 200),
        ("figuig@example.org", BOUARFA, 403),
        ("coord@example.org", FIGUIG, 403),
        (None, FIGUIG, 302),
    ],
)
def test_who_may_open_the_form(client, people, who, code, status):
    people.logout()
    if who:
        people.login(who)
    assert client.get(f"/work/{code}/assessment/new").status_code == status


@pytest.mark.parametrize(
    "who, status",
    [
        ("figuig@example.org", 200),
        ("coord@example.org", 200),
        ("coord.tanger@example.org", 403),
        ("region@example.org", 403),
        (None, 302),
    ],
)
def test_who_may_see_an_assessment(client, people, who, status):
    assessment = create(client)
    people.logout()
    if who:
        people.login(who)
    assert client.get(f"/work/assessment/{assessment}").status_code == status


def test_an_officer_of_tanger_cannot_post_for_figuig(app, client, people):
    people.create("tanger@example.org", "officer", [TANGER])
    people.logout()
    people.login("tanger@example.org")
    token = csrf_token(client, "/work")
    response = client.post(NEW, data={"year": "2025", "csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Assessment)).all() == []


def test_the_officers_home_lists_the_assessments(client, people):
    create(client)
    home = text_of(client.get("/work?lang=fr"))
    assert "Évaluation 2025" in home
    assert f'href="{NEW}"' in home and "Nouvelle évaluation" in home
