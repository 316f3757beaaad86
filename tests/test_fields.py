"""The measure fields are declared once (`tracker.records.fields`): what is made from the
declaration follows it, and what is written by hand agrees with it."""

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import inspect

from tracker.models import Measure
from tracker.records import measure_rules, service
from tracker.records.field_kinds import KINDS
from tracker.records.fields import (
    EXPORTED_FIELDS,
    FIELDS_BY_KEY,
    FORM_FIELDS,
    IMPORT_FIELDS,
    MEASURE_FIELDS,
    PUBLIC_FIELDS,
)
from tracker.records.forms import CONFIRMATIONS, MeasureForm, form_field

FIGUIG = "02.251.01.03"

# The keys of a public measure, in their order (the API, the map and the exports read them).
PUBLIC_KEYS = [
    "id",
    "territory_code",
    "territory_name_fr",
    "territory_name_ar",
    "region_code",
    "programme_id",
    "programme_kind",
    "programme_title",
    "programme_integration",
    "title",
    "description",
    "kind",
    "sectors",
    "target_groups",
    "status",
    "review_state",
    "start_date",
    "start_date_precision",
    "end_date",
    "end_date_precision",
    "budget_planned",
    "budget_spent",
    "overspend_reason",
    "funding_sources",
    "partners",
    "beneficiaries",
    "progress",
    "evidence",
    "latitude",
    "longitude",
    "good_practice",
]

COMPLETE = {
    "territory_code": FIGUIG,
    "reference": "FIG-2024-07",
    "title": "Cellule d'accueil et d'orientation des migrants",
    "description": "Accueil, orientation, accompagnement.",
    "kind": "reception",
    "status": "ongoing",
    "sectors": ["social_humanitarian"],
    "target_groups": ["refugees"],
    "start_date": "2024-01-15",
    "end_date": "2026-12-31",
    "budget_planned": "250000",
    "budget_spent": "260000,50",
    "overspend_reason": "Un local de plus.",
    "funding_sources": ["own_budget"],
    "beneficiaries_total": "120",
    "beneficiaries_women": "50",
    "beneficiaries_men": "70",
    "beneficiaries_minors": "30",
    "progress": "40",
    "evidence": "Délibération n° 12/2024",
    "latitude": "32.108",
    "longitude": "-1.228",
}


@pytest.fixture
def admin(accounts):
    accounts.create("fields.admin@example.org", "admin")
    return "fields.admin@example.org"


def _admin(email):
    from tracker.extensions import db
    from tracker.models import User

    return db.session.scalar(db.select(User).where(User.email == email))


def _validated_measure(app, email) -> int:
    from tracker.extensions import db

    with app.app_context():
        user = _admin(email)
        partner = service.save_organisation(
            user, {"name": "Association Oriental Accueil", "kind": "association"}
        )
        programme = service.save_programme(
            user,
            {
                "territory_code": FIGUIG,
                "kind": "PAC",
                "title": "Programme d'action communale",
                "first_year": "2023",
                "last_year": "2028",
                "integration": "dedicated",
            },
        )
        links = {"partners": [str(partner.id)], "programme_id": str(programme.id)}
        measure = service.save_measure(user, {**COMPLETE, **links})
        service.transition(user, "measure", measure, "submit")
        service.transition(user, "measure", measure, "validate")
        db.session.commit()
        return measure.id


def test_every_kind_is_read_and_every_field_has_a_known_kind():
    assert set(measure_rules.READERS) == set(KINDS)
    assert {field.kind for field in MEASURE_FIELDS} <= set(KINDS)
    assert list(FIELDS_BY_KEY) == [field.key for field in MEASURE_FIELDS]


def test_every_field_is_a_column_or_relation_of_measure():
    attributes = set(inspect(Measure).attrs.keys())
    assert [f.key for f in MEASURE_FIELDS if f.key not in attributes] == []


def test_the_form_has_exactly_the_declared_form_fields_in_order(app):
    with app.test_request_context("/?lang=en"):
        form = MeasureForm(meta={"csrf": False})
        # Then the boxes that confirm a warning, then the documents (not a measure field).
        extra = (*CONFIRMATIONS, *MeasureForm.document_fields)
        assert [f.name for f in form] == ["version", *[f.key for f in FORM_FIELDS], *extra]
        fields = [f for f in form if f.name != "version" and f.name not in extra]
        assert [f.name for f in fields] == [f.key for f in FORM_FIELDS]
        assert [str(f.label.text) for f in fields] == [str(f.label) for f in FORM_FIELDS]
    assert "territory_code" not in {f.key for f in FORM_FIELDS}  # it comes from the address


def test_the_form_takes_its_limits_from_the_declaration():
    title = dataclasses.replace(FIELDS_BY_KEY["title"], max_length=12)
    assert form_field(title).kwargs["render_kw"] == {
        "maxlength": 12,
        "dir": "auto",
        "required": True,
        "aria-required": "true",
    }
    reference = dataclasses.replace(FIELDS_BY_KEY["reference"], max_length=20)
    assert form_field(reference).kwargs["render_kw"] == {"maxlength": 20}


def test_the_public_item_has_the_declared_public_fields(app, admin):
    from tracker import public_data
    from tracker.extensions import db

    measure_id = _validated_measure(app, admin)
    with app.test_request_context("/?lang=en"):
        item = public_data.measure_item(db.session.get(Measure, measure_id))
    assert list(item) == PUBLIC_KEYS
    declared = {field.group or field.key for field in PUBLIC_FIELDS}
    assert declared <= set(item) and "reference" not in item
    assert item["start_date"] == "2024-01-15" and item["end_date"] == "2026-12-31"
    assert item["start_date_precision"] == "day" and item["end_date_precision"] == "day"
    assert item["budget_planned"] == 250000.0 and item["budget_spent"] == 260000.5
    assert item["latitude"] == 32.108 and item["longitude"] == -1.228
    assert item["sectors"] == ["social_humanitarian"] and item["target_groups"] == ["refugees"]
    assert item["partners"] == ["Association Oriental Accueil"]
    assert item["beneficiaries"] == {"total": 120, "women": 50, "men": 70, "minors": 30}
    assert item["progress"] == 40 and item["review_state"] == "validated"
    assert item["programme_id"] is None  # its programme is not public yet
    assert item["programme_kind"] is None and item["programme_title"] is None
    assert item["programme_integration"] is None


def test_the_api_schema_describes_the_public_item(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Measure"]
    assert set(schema["properties"]) == set(PUBLIC_KEYS)
    assert set(schema["required"]) == set(PUBLIC_KEYS)
    for field in PUBLIC_FIELDS:
        if field.group:
            part = field.key.removeprefix(f"{field.group}_")
            assert part in schema["properties"][field.group]["properties"]
        elif field.vocabulary:
            described = schema["properties"][field.key]
            if "enum" in described:
                # A single value that may be empty has null among its values.
                empty = [] if field.required else [None]
                assert described["enum"] == list(field.vocabulary) + empty
            else:
                assert described["items"]["enum"] == list(field.vocabulary)
    assert schema["properties"]["progress"]["maximum"] == 100
    assert schema["properties"]["title"]["maxLength"] == 300


def test_the_export_columns_are_the_exported_fields(app):
    from tracker.exports import columns as exports

    with app.test_request_context("/?lang=en"):
        columns = [c for c in exports.COLUMNS if c.key in FIELDS_BY_KEY]
        assert [c.key for c in columns] == [f.key for f in EXPORTED_FIELDS]
        assert [str(c.heading) for c in columns] == [str(f.export_heading) for f in EXPORTED_FIELDS]
        assert [c.width for c in columns] == [f.width for f in EXPORTED_FIELDS]


def test_the_import_columns_are_the_imported_fields(app):
    from tracker import imports

    with app.test_request_context("/?lang=en"):
        # Then the column that confirms a row's warnings, which is no field of a measure.
        assert [c.key for c in imports.COLUMNS] == [f.key for f in IMPORT_FIELDS] + ["confirm"]
        required = [c.key for c in imports.COLUMNS if c.required]
        assert required == [f.key for f in IMPORT_FIELDS if f.required]
    assert IMPORT_FIELDS[-1].key == "partners"


def test_the_record_page_shows_every_form_field(app, client, accounts, admin):
    measure_id = _validated_measure(app, admin)
    accounts.login(admin)
    page = client.get(f"/work/measure/{measure_id}?lang=en").get_data(as_text=True)
    # The dates and the point are shown together, as "Dates" and "Place".
    together = {"start_date", "end_date", "latitude", "longitude"}
    with app.test_request_context("/?lang=en"):
        labels = [str(f.label) for f in FORM_FIELDS if f.key not in together]
    assert [label for label in labels if label not in page] == []
    assert "Dates" in page and "Place" in page


def _rejected(raw) -> dict:
    try:
        service.clean_measure(raw)
    except service.RecordInvalid as invalid:
        return invalid.errors
    return {}


def _with(monkeypatch, key, **changes):
    """Replace the declaration of field `key` for the rules `clean_measure` applies."""
    changed = tuple(
        dataclasses.replace(f, **changes) if f.key == key else f for f in MEASURE_FIELDS
    )
    monkeypatch.setattr(measure_rules, "MEASURE_FIELDS", changed)


def test_clean_measure_follows_the_declared_bounds(app, monkeypatch):
    base = {"territory_code": FIGUIG, "title": "Cellule", "kind": "service", "status": "planned"}
    with app.test_request_context("/?lang=en"):
        assert _rejected({**base, "progress": "60"}) == {}
        _with(monkeypatch, "progress", maximum=50)
        assert _rejected({**base, "progress": "60"}) == {
            "progress": "This number is too large (at most 50)."
        }
        assert _rejected({**base, "progress": "50"}) == {}

        _with(monkeypatch, "title", max_length=5)
        assert _rejected(base) == {"title": "At most 5 characters."}

        _with(monkeypatch, "budget_planned", maximum=Decimal("1000"))
        assert "budget_planned" in _rejected({**base, "budget_planned": "1000.01"})
        assert service.clean_measure({**base, "budget_planned": "1000"})["budget_planned"] == (
            Decimal("1000.00")
        )

        _with(monkeypatch, "latitude", minimum=Decimal("33"))
        point = {"latitude": "32.108", "longitude": "-1.228"}
        assert _rejected({**base, **point}) == {"latitude": "This point is outside Morocco."}

        _with(monkeypatch, "kind", vocabulary={"service": "Service", "study": "Study"})
        assert _rejected({**base, "kind": "reception"}) == {"kind": "Choose a value from the list."}


def test_a_money_or_count_field_cannot_start_above_zero():
    with pytest.raises(ValueError):
        dataclasses.replace(FIELDS_BY_KEY["progress"], minimum=1)
    with pytest.raises(ValueError):
        dataclasses.replace(FIELDS_BY_KEY["title"], kind="number")
