"""An officer fills an assessment in French, another officer one in Arabic, each on a phone:
saved part-way, resumed, submitted; the coordinator returns it with a comment; the officer
corrects it and submits it again; the coordinator validates it; then anyone finds its score
on the map, the territory page, the comparison and the profile. In a real browser, offline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser.map_scripts import TOOLTIPS
from tests.support import BOUARFA
from tracker.accounts import create_user
from tracker.assessment.indicators import latest_indicator_set
from tracker.assessment.scores import assessment_scores
from tracker.extensions import db
from tracker.models import Assessment
from tracker.public.self_assessment import score_text

FIGUIG = "02.251.01.03"
ORIENTAL = "02"
PASSWORD = "a long enough password 2026"
PHONE = {"width": 390, "height": 844}
# Where the screenshots go, to be looked at (none when unset).
SHOTS = os.environ.get("ASSESSMENT_SHOTS")

# (language, the officer, the collectivity, what the page says once saved, the comment)
OFFICERS = [
    (
        "fr",
        "figuig@example.org",
        FIGUIG,
        "Fiche enregistrée comme brouillon",
        "Précisez la délibération de Q2.",
    ),
    (
        "ar",
        "region@example.org",
        ORIENTAL,
        "تم الحفظ كمسودة",
        "وضّحوا رقم المداولة في السؤال الثاني",
    ),
]


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        create_user("figuig@example.org", PASSWORD, "officer", [FIGUIG])
        create_user("region@example.org", PASSWORD, "officer", [ORIENTAL])
        create_user("oriental@example.org", PASSWORD, "coordinator", [ORIENTAL])
        db.session.commit()


def sign_in(page, email, lang):
    page.goto(f"{page.base_url}/login?lang={lang}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")


def sign_out(page):
    page.click(".account form button")
    page.wait_for_url(f"{page.base_url}/")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=name.endswith("full"))


def answer(page, key, points, reference=None):
    page.check(f"input[name={key}_points][value='{points}']")
    if reference:
        question = page.locator(f"#{key}")
        if question.locator("details").get_attribute("open") is None:
            question.locator("summary").click()
        question.locator(f"input[name={key}_evidence_reference]").fill(reference)


def no_wider_than_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


@pytest.mark.parametrize("lang, email, code, saved, comment", OFFICERS)
def test_an_assessment_goes_through_review(
    browser, live_server, people, lang, email, code, saved, comment
):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.base_url = live_server.url
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    questions = [q.key for q in latest_indicator_set().questions]
    reference = (
        "Délibération n° 12 du 3 mars 2025" if lang == "fr" else "مداولة رقم 12 بتاريخ 3 مارس 2025"
    )

    sign_in(page, email, lang)
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.click(f"a[href$='/work/{code}/assessment/new']")
    page.fill("input[name=year]", "2025")
    shot(page, f"{lang}-new")
    for key in questions[:5]:
        answer(page, key, 2, reference)
    shot(page, f"{lang}-form")
    no_wider_than_the_phone(page)
    page.click("button[name=save_draft]")
    page.wait_for_url("**/work/assessment/*")
    view = page.url
    assert saved in page.content()
    shot(page, f"{lang}-draft-full")
    no_wider_than_the_phone(page)

    # Resumed: what was saved is there, the rest is answered now.
    page.goto(f"{view}/edit")
    assert page.is_checked("input[name=Q1_points][value='2']")
    assert page.input_value("input[name=Q1_evidence_reference]") == reference
    for key in questions[5:]:
        if lang == "ar" and key == "Q9":
            page.check("input[name=Q9_points][value=na]")
        else:
            answer(page, key, 1, reference)
    page.click("button[name=submit_for_review]")
    page.wait_for_load_state()
    assert page.url == view, page.locator(".flash, .messages, [role=alert]").all_inner_texts()
    assert page.locator(".state-submitted").count() == 1
    sign_out(page)

    sign_in(page, "oriental@example.org", lang)
    page.goto(f"{page.base_url}/review")
    page.click(f"a[href='{view.removeprefix(page.base_url)}']")
    page.fill("textarea[name=comment]", comment)
    page.click("form[action$='/return'] button")
    page.wait_for_url("**/review")
    sign_out(page)

    sign_in(page, email, lang)
    assert comment in page.content()
    shot(page, f"{lang}-home-full")
    no_wider_than_the_phone(page)
    page.goto(f"{view}/edit")
    answer(page, "Q2", 3, reference)
    page.click("button[name=submit_for_review]")
    page.wait_for_url(view)
    sign_out(page)

    sign_in(page, "oriental@example.org", lang)
    page.goto(view)
    page.click("form[action$='/validate'] button")
    page.wait_for_url("**/review")
    page.goto(view)
    assert page.locator(".state-validated").first.is_visible()
    shot(page, f"{lang}-validated-full")
    no_wider_than_the_phone(page)
    assert errors == []
    context.close()
    the_public_finds_the_score(browser, live_server, lang, code)


def the_public_finds_the_score(browser, live_server, lang, code):
    """A visitor, signed in as nobody, finds the validated assessment's overall score on the
    map, the territory page, the comparison and the profile."""
    with live_server.app.app_context(), live_server.app.test_request_context(f"/?lang={lang}"):
        assessment = db.session.scalars(select(Assessment)).one()
        overall = score_text(assessment_scores(assessment).overall)
    level = "commune" if code == FIGUIG else "region"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/map?metric=assessment_score&level={level}&lang={lang}")
    page.wait_for_selector(f".folium-map[data-loaded-{level}]", timeout=60_000)
    assert overall in page.evaluate(TOOLTIPS)[code][0]
    page.goto(f"{base}/territories/{code}?lang={lang}")
    assert overall in page.locator(".self-assessment").inner_text()
    other = BOUARFA if code == FIGUIG else "01"
    page.goto(f"{base}/compare?level={level}&codes={code}&codes={other}&lang={lang}")
    assert overall in page.locator(".compare-table").inner_text()
    page.goto(f"{base}/territories/{code}/profile?lang={lang}")
    assert overall in page.locator("main").inner_text()
    context.close()
