"""An officer records a measure in Arabic; the coordinator returns it; the officer fixes it;
the coordinator validates it; the public page shows it. In a real browser, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.accounts import create_user, find_user
from tracker.extensions import db
from tracker.records import service

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


SHOTS = Path("/tmp/shots/entry")


@pytest.fixture
def province_programme(live_server, people):
    """The province of Figuig's programme, 2023-2028, validated: a commune's measures may
    belong to it."""
    with live_server.app.test_request_context("/?lang=fr"):
        create_user("admin@example.org", PASSWORD, "admin")
        admin = find_user("admin@example.org")
        programme = service.save_programme(
            admin,
            {
                "territory_code": "02.251",
                "kind": "PDP",
                "title": "برنامج التنمية الإقليمية لفجيج",
                "first_year": "2023",
                "last_year": "2028",
                "integration": "dedicated",
            },
        )
        db.session.commit()
        return programme.id


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_new_measure_form_reads_in_sections_on_a_desktop_and_a_phone(
    page, province_programme, lang
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "figuig@example.org")
    page.goto(f"{page.base_url}/work/{FIGUIG}/measure/new?lang={lang}")
    assert (
        page.locator("fieldset.form-section > legend").count() == 7
    )  # six sections, then the documents
    assert page.locator("label[for=title] .required-mark").count() == 1
    assert page.locator("input[name=title][required][aria-required=true]").count() == 1
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        # Nothing wider than the screen: the form reads without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"measure-form-{lang}-{width}.png"), full_page=True)

    # A measure under the province's programme, started the year before it: confirmed.
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=kind]", "reception")
    page.select_option("select[name=status]", "completed")
    page.select_option("select[name=programme_id]", str(province_programme))
    page.fill("input[name=start_date]", "2022")
    page.fill("input[name=end_date]", "2023-06")
    page.click("form.record-form button[type=submit]")
    box = page.locator("input[name=confirm_dates]")
    assert box.count() == 1 and "2023–2028" in page.locator(".notice.confirm").inner_text()
    page.screenshot(path=str(SHOTS / f"measure-confirm-{lang}-390.png"), full_page=True)
    box.check()
    page.click("form.record-form button[type=submit]")
    page.wait_for_url("**/work/measure/*")
    assert "2022 → 2023-06" in page.locator("dl.facts").inner_text()
    assert page.watched.refused == [] and page.watched.page_errors == []
