"""Recording through the forms, checked on the server: a measure saved exactly as typed,
bad input refused with a clear message (in Arabic too) and nothing saved, budgets at the
limit of what is stored, programmes and their years, partner organisations, and the
kinds of record there are, each with its page and its heading."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.records_support import GOOD_MEASURE, create_measure, post_form

# A fixture: the tests name it, and pytest finds it among this module's names.
from tests.records_support import officer as officer
from tests.support import FIGUIG, make_validated_measure
from tracker.extensions import db
from tracker.models import Assessment, AuditEntry, Measure, Programme
from tracker.records import registry


def test_officer_records_a_measure_exactly_as_typed(app, client, officer):
    measure_id = create_measure(client)
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.title == GOOD_MEASURE["title"]
        assert m.description == GOOD_MEASURE["description"]
        assert m.review_state == "draft" and m.territory_code == FIGUIG
        assert [s.key for s in m.sectors] == ["social_humanitarian", "governance_communication"]
        assert str(m.budget_spent) == "120000.50"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_id == measure_id))
        assert entry.action == "create" and entry.changes["title"] == [None, GOOD_MEASURE["title"]]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 301}, "title", "At most 300 characters."),
        ({"end_date": "2023-01-01"}, "end_date", "cannot be before the start date"),
        ({"budget_planned": "-5"}, "budget_planned", "cannot be negative"),
        ({"budget_spent": "300000"}, "overspend_reason", "More was spent than planned"),
        ({"beneficiaries_women": "100"}, "beneficiaries_total", "cannot exceed the total"),
        ({"beneficiaries_men": "-1"}, "beneficiaries_men", "cannot be negative"),
        ({"kind": "party"}, "kind", "Choose a value from the list."),
        ({"status": "imaginary"}, "status", "Choose a value from the list."),
        ({"sectors": ["health", "astrology"]}, "sectors", "astrology"),
        ({"target_groups": ["tourists"]}, "target_groups", "tourists"),
        ({"progress": "140"}, "progress", "at most 100"),
        ({"latitude": "48.85", "longitude": "2.35"}, "latitude", "outside Morocco"),
        ({"start_date": "15/01/2024"}, "start_date", "a month (2025-03)"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    app, client, officer, change, field, message
):
    response = post_form(client, f"/work/{FIGUIG}/measure/new", {**GOOD_MEASURE, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Nothing was saved" in page
    with app.app_context():
        assert db.session.scalars(select(Measure)).all() == []


def test_overspending_with_a_reason_is_accepted(client, officer):
    create_measure(
        client,
        {
            **GOOD_MEASURE,
            "budget_spent": "300000",
            "overspend_reason": "Afflux exceptionnel en hiver",
        },
    )


def test_messages_in_arabic(client, officer):
    client.get("/language/ar")
    response = post_form(client, f"/work/{FIGUIG}/measure/new", {**GOOD_MEASURE, "title": ""})
    page = response.get_data(as_text=True)
    assert "This field is required." not in page
    assert "هذا الحقل إلزامي." in page
    assert 'dir="rtl"' in page


def test_programme_and_home_page(app, client, officer):
    response = post_form(
        client,
        f"/work/{FIGUIG}/programme/new",
        {
            "kind": "PAC",
            "title": "برنامج عمل جماعة فجيج 2023-2028",
            "first_year": "2023",
            "last_year": "2028",
            "adopted_on": "2023-03-02",
            "integration": "dedicated",
            "reference": "Délibération n° 12/2023",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    create_measure(client)
    home = client.get("/work?lang=en").get_data(as_text=True)
    assert "برنامج عمل جماعة فجيج 2023-2028" in home
    # Sectors with no measure yet are listed.
    assert "SNIA sectors with no measure yet" in home and "Health" in home.split("SNIA sectors")[1]
    with app.app_context():
        assert db.session.scalar(select(Programme)).integration == "dedicated"


def test_programme_years_are_checked(client, officer):
    response = post_form(
        client,
        f"/work/{FIGUIG}/programme/new",
        {
            "kind": "PAC",
            "title": "PAC",
            "first_year": "2028",
            "last_year": "2023",
            "integration": "absent",
        },
    )
    assert response.status_code == 400
    assert "cannot be before the first year" in response.get_data(as_text=True)


def test_organisation_registry(app, client, officer):
    response = post_form(
        client,
        "/work/organisations/new",
        {"name": "جمعية <script>alert(1)</script> ${x}", "kind": "association", "country": "ma"},
    )
    assert response.status_code == 302
    page = client.get("/work/organisations").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# ---- budgets at the limit of the column -----------------------------------------------------


@pytest.mark.parametrize("amount", ["1000000000000", "999999999999.999", "5e20"])
def test_a_budget_too_large_for_the_column_is_refused_with_a_message(app, client, officer, amount):
    response = post_form(
        client, f"/work/{FIGUIG}/measure/new", {**GOOD_MEASURE, "budget_planned": amount}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This amount is too large: at most 999,999,999,999.99 dirhams." in page
    with app.app_context():
        assert db.session.scalars(select(Measure)).all() == []


def test_the_largest_budget_the_column_holds_is_saved(app, client, officer):
    measure_id = create_measure(
        client,
        {
            **GOOD_MEASURE,
            "budget_planned": "999999999999.99",
            "budget_spent": "999 999 999 999,985",  # rounds to the cent, as stored
            "overspend_reason": "",
        },
    )
    with app.app_context():
        m = db.session.get(Measure, measure_id)
        assert m.budget_planned == m.budget_spent == Decimal("999999999999.99")


def test_each_record_type_is_registered_once_with_its_page_and_rule(app):
    assert [t.key for t in registry.record_types()] == [
        "measure",
        "programme",
        "assessment",
        "organisation",
    ]
    assert registry.reviewed_models() == [Measure, Programme, Assessment]
    assert registry.find("organisation", reviewed=True) is None
    assert registry.find("survey") is None
    with pytest.raises(LookupError):
        registry.record_type("survey")
    for record_type in registry.reviewed_types():
        assert app.jinja_env.get_template(record_type.partial)
        assert registry.type_of(record_type.model()) is record_type
    with app.test_request_context("/?lang=fr"):
        assert [str(t.label) for t in registry.record_types()] == [
            "Mesure",
            "Programme",
            "Évaluation",
            "Organisation partenaire",
        ]


def test_the_measure_form_is_headed_by_its_type_and_title_in_french(app, client, officer):
    measure_id = make_validated_measure(app, FIGUIG, "Cellule d'accueil")
    page = client.get(f"/work/measure/{measure_id}/edit?lang=fr").get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert heading == 'Mesure : <span dir="auto">Cellule d&#39;accueil</span>'
