"""What the tests of the checks on entry share: the measure Figuig's officer records, the
accounts (a fixture), the form and the import as that officer sends them, and the count
of measures saved."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests.support import FIGUIG, csrf_token
from tracker.accounts import find_user
from tracker.extensions import db
from tracker.imports import import_measures
from tracker.models import Measure

OFFICER = "entry.officer@figuig.ma"
ADMIN = "entry.admin@tracker.ma"

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
