"""The measure form's partners, in a real browser, offline: among hundreds of
organisations an officer finds one by typing (French or Arabic name, with or without
accents), picks it, adds a new one from the dialog without losing what was typed, saves,
and sees every partner on the record page. Screenshots in /tmp/shots/orgs/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.accounts import create_user
from tracker.extensions import db
from tracker.records import service

FIGUIG = "02.251.01.03"
PASSWORD = "a long enough password 2026"
SHOTS = Path("/tmp/shots/orgs")
TITLE = "Cellule d'accueil des migrants"


@pytest.fixture
def registry(live_server):
    """An officer of Figuig and a registry of some 300 organisations."""
    with live_server.app.app_context():
        officer = create_user("figuig@example.org", PASSWORD, "officer", [FIGUIG])
        for number in range(300):
            service.save_organisation(
                officer,
                {"name_fr": f"Association de quartier n° {number:03d}", "kind": "association"},
            )
        for names in (
            {"name_fr": "Caritas Maroc", "name_ar": "كاريتاس المغرب"},
            {"name_fr": "Association de solidarité des oasis de Figuig"},
            {"name_ar": "جمعية التضامن لواحات فجيج"},
            {
                "name_fr": "GADEM – Groupe antiraciste de défense des étrangers et migrants",
                "name_ar": "المجموعة المناهضة للعنصرية (GADEM)",
            },
        ):
            service.save_organisation(officer, {**names, "kind": "association"})
        db.session.commit()


def sign_in(page, lang="fr"):
    page.goto(f"{page.base_url}/login?lang={lang}")
    page.fill("input[name=email]", "figuig@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")


def chips(page) -> list[str]:
    return [text.strip() for text in page.locator(".chip bdi").all_inner_texts()]


def options(page) -> list[str]:
    return [text.strip() for text in page.locator(".partner-option").all_inner_texts()]


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_an_officer_finds_picks_and_adds_partners(page, registry):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page)
    page.goto(f"{page.base_url}/work/{FIGUIG}/measure/new?lang=fr")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=kind]", "reception")
    page.select_option("select[name=status]", "ongoing")
    assert page.locator("select[name=partners]").is_hidden()
    search = page.locator("input.partner-search")
    # The label now names the search box.
    assert page.locator("label[for=partners-search]").count() == 1

    # A French name typed without its accents; then an Arabic one, on a French page.
    search.fill("solidarite oasis")
    assert options(page) == ["Association de solidarité des oasis de Figuig"]
    search.press("ArrowDown")
    search.press("Enter")
    assert chips(page) == ["Association de solidarité des oasis de Figuig"]
    search.fill("كاريتاس")
    assert options(page) == ["Caritas Maroc"]
    page.click(".partner-option")
    assert chips(page) == ["Association de solidarité des oasis de Figuig", "Caritas Maroc"]
    # A name recorded only in Arabic is found, and shown in Arabic on a French page.
    search.fill("التضامن لواحات")
    assert options(page) == ["جمعية التضامن لواحات فجيج"]
    # Hundreds match a common word: some are shown, and the rest is said.
    search.fill("quartier")
    assert len(options(page)) == 30
    assert "270" in page.locator(".partner-status").inner_text()
    search.fill("")

    # A partner not yet registered: added from the dialog, the form kept as typed.
    search.fill("Association des femmes de Figuig")
    assert options(page) == []
    page.click("[data-partner-add]")
    dialog = page.locator("dialog.partner-dialog")
    dialog.locator("input[name=name_ar]").wait_for()
    assert dialog.locator("input[name=name_fr]").input_value() == "Association des femmes de Figuig"
    dialog.locator("input[name=name_ar]").fill("جمعية نساء فجيج")
    dialog.locator("select[name=kind]").select_option("association")
    assert dialog.locator("select[name=country] option").first.inner_text() == "Maroc"
    shoot(page, "dialog-fr-1280")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    assert chips(page) == [
        "Association de solidarité des oasis de Figuig",
        "Caritas Maroc",
        "Association des femmes de Figuig",
    ]
    assert page.input_value("input[name=title]") == TITLE
    page.locator("select[name=partners]").locator("xpath=..").scroll_into_view_if_needed()
    shoot(page, "measure-partners-fr-1280")

    # One removed, then the measure saved: the record page names the others.
    page.click(".chip:has-text('Caritas Maroc') .chip-remove")
    assert "Caritas Maroc" not in chips(page)
    page.click("form.record-form button[type=submit]")
    page.wait_for_url("**/work/measure/*")
    body = page.locator("main").inner_text()
    assert "Association de solidarité des oasis de Figuig" in body
    assert "Association des femmes de Figuig" in body and "Caritas Maroc" not in body
    assert page.watched.page_errors == [] and page.watched.console_errors == []
    assert page.watched.refused == []


def test_the_dialog_shows_the_server_messages(page, registry):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ar")
    page.goto(f"{page.base_url}/work/{FIGUIG}/measure/new?lang=ar")
    page.click("[data-partner-add]")
    dialog = page.locator("dialog.partner-dialog")
    dialog.locator("button[type=submit]").click()
    dialog.locator(".error").first.wait_for()
    assert "أدخل الاسم بالفرنسية أو بالعربية أو بهما معًا." in dialog.inner_text()
    assert dialog.locator("select[name=country] option").first.inner_text() == "المغرب"
    shoot(page, "dialog-ar-390")
    dialog.locator("input[name=name_ar]").fill("جمعية نساء فجيج")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    assert chips(page) == ["جمعية نساء فجيج"]
    assert page.watched.page_errors == [] and page.watched.refused == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_partner_chooser_and_the_organisation_form(page, registry, lang, width):
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    sign_in(page, lang)
    page.goto(f"{page.base_url}/work/{FIGUIG}/measure/new?lang={lang}")
    search = page.locator("input.partner-search")
    search.fill("كاريتاس")
    page.click(".partner-option")
    search.fill("gadem")
    page.click(".partner-option")
    search.fill("فجيج" if lang == "ar" else "figuig")
    field = page.locator("select[name=partners]").locator("xpath=..")
    field.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 120)")
    shoot(page, f"measure-partners-{lang}-{width}")
    # Nothing runs off the side of a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{page.base_url}/work/organisations/new?lang={lang}")
    shoot(page, f"organisation-form-{lang}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.watched.page_errors == [] and page.watched.refused == []


def test_without_javascript_the_select_and_the_link_to_the_form_work(
    browser, live_server, registry
):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.base_url = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    form = f"/work/{FIGUIG}/measure/new?lang=fr"
    page.goto(f"{page.base_url}{form}")
    partners = page.locator("select[name=partners]")
    assert partners.is_visible() and partners.get_attribute("multiple") is not None
    add = page.locator("[data-partner-add]")
    assert add.get_attribute("target") == "_blank"
    partners.scroll_into_view_if_needed()
    shoot(page, "measure-partners-nojs-fr-390")
    page.goto(live_server.url + add.get_attribute("href"))
    page.fill("input[name=name_fr]", "Association des femmes de Figuig")
    page.click("form.organisation-form button[type=submit]")
    page.wait_for_url(lambda url: "/work/organisations?next=" in url)
    page.click("text=Retour au formulaire de la mesure")
    page.wait_for_url(lambda url: url.endswith(form))
    assert "Association des femmes de Figuig" in page.locator("select[name=partners]").inner_text()
    context.close()
