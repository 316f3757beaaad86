"""An officer imports a commune's self-assessment answers from a file, in a real browser:
a wrong row is named and nothing is saved, the corrected file is saved as a draft; the
page and its report fit a 390 px phone in Arabic."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.accounts import create_user
from tracker.extensions import db
from tracker.models import Assessment

FIGUIG = "02.251.01.03"
PASSWORD = "a long enough password 2026"
HEADINGS = "territory_code,year,question,points,not_applicable,evidence_reference\n"


@pytest.fixture
def officer(live_server):
    with live_server.app.app_context():
        create_user("figuig@example.org", PASSWORD, "officer", [FIGUIG])
        db.session.commit()


def sign_in(page):
    page.goto(f"{page.base_url}/login")
    page.fill("input[name=email]", "figuig@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")


def upload(page, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(HEADINGS + text, encoding="utf-8")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.narrow button[type=submit]")
    page.wait_for_load_state()


def stored(live_server):
    with live_server.app.app_context():
        return db.session.scalars(select(Assessment.review_state)).all()


def test_an_officer_imports_answers_in_french(page, officer, live_server, tmp_path):
    sign_in(page)
    page.goto(f"{page.base_url}/work?lang=fr")
    page.click("a[href$='/work/import?what=assessments']")
    assert page.locator("h1").inner_text() == "Importer des évaluations"
    wrong = f"{FIGUIG},2025,Q1,2,non,Délibération 12\n{FIGUIG},2025,Q2,5,non,Arrêté 3\n"
    upload(page, tmp_path, "wrong.csv", wrong)
    report = page.locator("section.report")
    assert "Rien n'a été enregistré" in page.locator(".flash-error").inner_text()
    bad = report.locator("tr.row-error")
    assert bad.count() == 1 and bad.locator("td").first.inner_text() == "3"
    assert stored(live_server) == []

    right = wrong.replace("Q2,5,", "Q2,3,")
    upload(page, tmp_path, "right.csv", right)
    assert report.locator("tr.row-error").count() == 0
    assert "2 ligne(s) ajoutée(s)" in report.inner_text()
    assert stored(live_server) == ["draft"]
    assert page.watched.page_errors == [] and page.watched.refused == []


def test_the_import_page_and_its_report_fit_a_phone_in_arabic(page, officer, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    page.goto(f"{page.base_url}/work/import?what=assessments&lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    upload(page, tmp_path, "wrong.csv", f"{FIGUIG},2025,Q1,9,لا,مداولة رقم 12\n")
    assert page.locator("section.report tr.row-error").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=str(tmp_path / "import-ar-390.png"), full_page=True)
