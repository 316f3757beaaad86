"""What the tests of recording share: a measure as Figuig's officer fills it in, the form
sent as a browser sends it, and the accounts that record and review (a fixture)."""

import re

import pytest

from tests.support import FIGUIG, csrf_token

GOOD_MEASURE = {
    "title": "Cellule d'accueil et d'orientation des migrants",
    "description": "خلية استقبال وتوجيه المهاجرين بمقر الجماعة — accueil (Darija, français).",
    "kind": "reception",
    "status": "ongoing",
    "sectors": ["social_humanitarian", "governance_communication"],
    "target_groups": ["regular_migrants", "refugees"],
    "start_date": "2024-01-15",
    "end_date": "2026-12-31",
    "budget_planned": "250000",
    "budget_spent": "120000,50",
    "funding_sources": ["own_budget", "international"],
    "beneficiaries_total": "120",
    "beneficiaries_women": "50",
    "beneficiaries_men": "70",
    "beneficiaries_minors": "30",
    "progress": "40",
    "latitude": "32.108",
    "longitude": "-1.228",
}


def post_form(client, url, data, form_url=None):
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture
def officer(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("coord.oriental@example.org", "coordinator", ["02"])
    accounts.create("admin@example.org", "admin")
    accounts.login("figuig@example.org")
    return accounts


def create_measure(client, data=None):
    response = post_form(client, f"/work/{FIGUIG}/measure/new", data or GOOD_MEASURE)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/work/measure/(\d+)", response.headers["Location"]).group(1))
