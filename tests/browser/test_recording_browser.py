"""An officer records a measure in Arabic; the coordinator returns it; the officer fixes it;
the coordinator validates it; the public page shows it. In a real browser, offline."""

from __future__ import annotations

import pytest

from tracker.accounts import create_user
from tracker.extensions import db

FIGUIG = "02.251.01.03"
PASSWORD = "a long enough password 2026"
TITLE = "خلية استقبال وتوجيه المهاجرين — Figuig (accueil)"


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        create_user("figuig@example.org", PASSWORD, "officer", [FIGUIG])
        create_user("oriental@example.org", PASSWORD, "coordinator", ["02"])
        db.session.commit()


def sign_in(page, email):
    page.goto(f"{page.base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")


def sign_out(page):
    page.click(".account form button")
    page.wait_for_url(f"{page.base_url}/")


def test_measure_goes_through_review_to_the_public_page(page, people):
    page.goto(f"{page.base_url}/")
    page.click("nav.languages a[lang=ar]")  # the officer works in Arabic, remembered
    sign_in(page, "figuig@example.org")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.click(f"a[href$='/work/{FIGUIG}/measure/new']")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=kind]", "reception")
    page.select_option("select[name=status]", "ongoing")
    page.check("input[name=sectors][value=social_humanitarian]")
    page.check("input[name=target_groups][value=refugees]")
    page.fill("input[name=budget_planned]", "250000")
    page.fill("input[name=beneficiaries_total]", "3")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url("**/work/measure/*")
    assert page.locator("h1").inner_text().strip() == TITLE
    measure_url = page.url
    page.click("form[action$='/submit'] button")
    page.wait_for_load_state()
    sign_out(page)

    sign_in(page, "oriental@example.org")
    page.goto(f"{page.base_url}/review")
    page.click(f"text={TITLE}")
    page.fill("textarea[name=comment]", "أضيفوا الشركاء من فضلكم")
    page.click("form[action$='/return'] button")
    page.wait_for_url("**/review")
    sign_out(page)

    sign_in(page, "figuig@example.org")
    assert "أضيفوا الشركاء من فضلكم" in page.content()
    page.goto(measure_url.replace("/work/measure/", "/work/measure/") + "/edit")
    page.fill(
        "textarea[name=description]", "Ouverte le mardi et le jeudi — مفتوحة يومي الثلاثاء والخميس"
    )
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(measure_url)
    page.click("form[action$='/submit'] button")
    page.wait_for_load_state()
    sign_out(page)

    sign_in(page, "oriental@example.org")
    page.goto(measure_url)
    page.click("form[action$='/validate'] button")
    page.wait_for_url("**/review")
    sign_out(page)

    page.goto(f"{page.base_url}/territories/{FIGUIG}")
    row = page.locator("table.data tr", has_text=TITLE)
    assert row.count() == 1
    assert "<5" in row.inner_text()  # three beneficiaries shown as "<5"
    assert page.watched.refused == []
    assert page.watched.console_errors == []
    assert page.watched.page_errors == []
