"""What the tests of the exports share: the measures they export (one with a formula for
a title, one in Arabic, a draft and a submitted one besides the validated ones), the
accounts that record them, the blueprint registered and the measures saved (fixtures), and
ways to read the CSV, the XLSX and its About sheet, and the GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.support import BOUARFA, FIGUIG, TANGER
from tracker.accounts import create_user
from tracker.exports import bp
from tracker.extensions import db
from tracker.records import service

OFFICER = "figuig.officer@example.org"
ADMIN = "admin.exports@example.org"
FORMULA = '=HYPERLINK("http://x","y")'
ARABIC = "خلية استقبال وتوجيه المهاجرين"

# title: (collectivity, extra fields, review state reached)
MEASURES = {
    FORMULA: (
        FIGUIG,
        {
            "kind": "reception",
            "status": "ongoing",
            "sectors": ["social_humanitarian"],
            "start_date": "2024-01-15",
            "beneficiaries_total": 50,
            "beneficiaries_women": 3,
            "beneficiaries_men": 47,
            "beneficiaries_minors": 10,
            "budget_planned": "250000",
            "budget_spent": "120000.50",
            "latitude": "32.108",
            "longitude": "-1.228",
        },
        "validated",
    ),
    ARABIC: (
        FIGUIG,
        {
            "kind": "service",
            "status": "completed",
            "sectors": ["health"],
            "start_date": "2023-01-01",
            "end_date": "2023-12-31",
            "beneficiaries_total": 3,
            "beneficiaries_women": 2,
            "beneficiaries_men": 1,
            "beneficiaries_minors": 1,
        },
        "validated",
    ),
    "-5 familles relogées": (
        BOUARFA,
        {
            "kind": "service",
            "status": "planned",
            "sectors": ["employment"],
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "description": "-12.5",
        },
        "validated",
    ),
    "Plan régional de gouvernance": (
        "02",
        {
            "kind": "study",
            "status": "ongoing",
            "sectors": ["governance_communication"],
            "start_date": "2022-01-01",
            "end_date": "2027-12-31",
        },
        "validated",
    ),
    "Caravane santé Tanger": (
        TANGER,
        {
            "kind": "service",
            "status": "completed",
            "sectors": ["health"],
            "start_date": "2023-05-01",
            "end_date": "2023-06-30",
        },
        "validated",
    ),
    "Brouillon interne": (FIGUIG, {"kind": "service", "status": "planned"}, "draft"),
    "Soumise non validée": (FIGUIG, {"kind": "service", "status": "planned"}, "submitted"),
}
PUBLIC = {title for title, (_, _, state) in MEASURES.items() if state == "validated"}


def register_exports(app) -> None:
    """Register the exports blueprint unless the factory already does."""
    if "exports" not in app.blueprints:
        app.register_blueprint(bp)


@pytest.fixture(autouse=True)
def exports_registered(app):
    register_exports(app)


@pytest.fixture
def known(app):
    """The measures of `MEASURES`, the Figuig ones recorded by the commune's officer."""
    with app.app_context():
        admin = create_user(ADMIN, "a long admin password", "admin")
        officer = create_user(OFFICER, "a long officer password", "officer", [FIGUIG])
        for title, (code, fields, state) in MEASURES.items():
            author = officer if code == FIGUIG else admin
            m = service.save_measure(author, {"territory_code": code, "title": title, **fields})
            if state in ("submitted", "validated"):
                service.transition(author, "measure", m, "submit")
            if state == "validated":
                service.transition(admin, "measure", m, "validate")
        db.session.commit()
    return app


def csv_rows(response) -> list[dict]:
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def workbook(response):
    return load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def about_text(wb) -> str:
    about = wb.worksheets[1]
    return "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for row in about.iter_rows(values_only=True)
    )


def features(response) -> list[dict]:
    return json.loads(response.data)["features"]


def by_title(rows, key="Title") -> dict:
    return {row[key]: row for row in rows}
