"""A territory's migration-governance profile, in the page's language: its census
figures, programmes, latest scores against their potential and the previous year, the
areas well developed and those with potential for further development (with the next
levels as steps), the SNIA sectors covered and not, its partners, the date and version
of the data, and a print stylesheet for A4."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support import (
    BOUARFA,
    FIGUIG,
    make_assessment,
    make_organisation,
    make_programme,
    make_validated_measure,
)
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.i18n import format_number
from tracker.models import Sector, Territory

ORIENTAL = "02"
QUESTIONS = latest_indicator_set()
CSS = Path(__file__).resolve().parents[1] / "tracker" / "static" / "tracker.css"

TITLES = {
    "fr": (
        "Profil de gouvernance migratoire",
        "Le territoire",
        "Programmes et intégration de la migration",
        "Scores de l'auto-évaluation",
        "Domaines bien développés",
        "Domaines à fort potentiel de développement",
        "Secteurs de la SNIA couverts et non couverts",
        "Partenaires",
        "À propos de ces données",
    ),
    "ar": (
        "ملف حكامة الهجرة",
        "الوحدة الترابية",
        "البرامج وكيفية إدماجها للهجرة",
        "نتائج التقييم الذاتي",
        "المجالات المتطورة بشكل جيد",
        "مجالات قابلة لمزيد من التطوير",
        "قطاعات الاستراتيجية الوطنية للهجرة واللجوء المشمولة وغير المشمولة",
        "الشركاء",
        "حول هذه المعطيات",
    ),
    "en": (
        "Migration-governance profile",
        "The territory",
        "Programmes and how they integrate migration",
        "Self-assessment scores",
        "Areas that are well developed",
        "Areas with potential for further development",
        "SNIA sectors covered and not covered",
        "Partners",
        "About these data",
    ),
}


def profile(client, code: str, lang: str) -> str:
    response = client.get(f"/territories/{code}/profile?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    """The text of an HTML fragment, its tags taken out and its spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def part(page: str, heading_id: str) -> str:
    """The profile's section whose heading has id `heading_id`."""
    found = re.search(
        rf'<section class="profile-part[^"]*" aria-labelledby="{heading_id}">.*?</section>',
        page,
        re.S,
    )
    assert found, heading_id
    return found.group(0)


@pytest.fixture
def figuig(app):
    """Figuig with a programme, two measures with a partner, and two years assessed."""
    partner = make_organisation(app, "Association Oasis Figuig")
    make_programme(app)
    make_validated_measure(app, FIGUIG, "Santé", sectors=["health"], partners=[str(partner)])
    make_validated_measure(app, FIGUIG, "Logement", sectors=["housing"])
    make_assessment(app, FIGUIG, 2025, {"Q1": 1, "Q2": 1})
    make_assessment(app, FIGUIG, 2026, {"Q1": 3, "Q2": 1, "Q3": 0, "Q13": 3})
    return app


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_profile_has_its_sections_in_the_language_asked(figuig, client, lang):
    page = profile(client, FIGUIG, lang)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
    shown = text_of(page)
    for title in TITLES[lang]:
        assert title in shown, title
    other = "en" if lang == "fr" else "fr"
    assert TITLES[other][3] not in shown


def test_the_census_figures_and_the_programmes(figuig, client):
    with figuig.test_request_context("/?lang=fr"):
        population = format_number(db.session.get(Territory, FIGUIG).population_2024)
    french = text_of(part(profile(client, FIGUIG, "fr"), "profile-territory"))
    assert text_of(f"Population 2024 {population}") in french
    assert "Ménages 2024" in french and "Population 2014" in french
    assert "Programme d'action communale de Figuig" in french
    assert "Programme d'action communal (PAC) 2023–2028 Un axe ou des mesures dédiés" in french
    arabic = text_of(part(profile(client, FIGUIG, "ar"), "profile-territory"))
    assert "عدد السكان 2024" in arabic and "عدد الأسر 2024" in arabic
    assert "محور أو تدابير مخصصة" in arabic


def test_a_region_profile_counts_how_the_councils_inside_integrate_migration(figuig, client):
    english = text_of(part(profile(client, ORIENTAL, "en"), "profile-territory"))
    assert "Programmes of the councils inside Oriental" in english
    assert "A dedicated axis or measures 1" in english
    assert "No validated programme of this collectivity yet." in english


def test_the_scores_against_their_potential_and_the_previous_year(figuig, client):
    english = part(profile(client, FIGUIG, "en"), "profile-scores")
    shown = text_of(english)
    assert "Self-assessment 2026, indicator set version 1." in shown
    # D1 from 1 + 1 + 2 (44.4) to 3 + 1 + 0 (44.4): no change; D5 from 66.7 to 100.
    assert "Institutions and planning 44.4 3 applicable questions 0.0" in shown
    assert "Capacity 100.0 1 applicable question +33.3" in shown
    assert "Change since 2025" in shown
    assert "Scores over the years assessed" in shown
    french = text_of(part(profile(client, FIGUIG, "fr"), "profile-scores"))
    assert "Renforcement des capacités 100,0 1 question applicable +33,3" in french


def test_well_developed_areas_and_those_with_potential_with_next_steps(figuig, client):
    french = part(profile(client, FIGUIG, "fr"), "profile-strengths")
    strong, to_develop = french.split('id="profile-to-develop"')
    q1, q2, q3, q13 = (QUESTIONS.question(k) for k in ("Q1", "Q2", "Q3", "Q13"))
    strong_text = text_of(strong)
    assert f"Question 1. {q1.title.fr} {q1.level_text(3).fr}" in strong_text
    assert f"Question 13. {q13.title.fr}" in strong_text
    assert q2.title.fr not in strong_text
    weak = text_of(to_develop)
    assert f"Question 2. {q2.title.fr} Aujourd'hui : 1 point sur 3 — {q2.level_text(1).fr}" in weak
    assert (
        f"Prochaines étapes Niveau 2 — {q2.level_text(2).fr} Niveau 3 — {q2.level_text(3).fr}"
        in weak
    )
    assert f"Question 3. {q3.title.fr}" in weak and q1.title.fr not in weak
    for key in ("Q2", "Q3"):
        assert f'href="/good-practices?question={key}&amp;near={FIGUIG}"' in to_develop
    assert "good-practices?question=Q1" not in french
    arabic = text_of(part(profile(client, FIGUIG, "ar"), "profile-strengths"))
    assert f"الخطوات المقبلة المستوى 2 — {q2.level_text(2).ar}" in arabic


def test_sectors_covered_and_not_with_good_practices_and_the_partners(figuig, client):
    page = profile(client, FIGUIG, "fr")
    sectors = part(page, "profile-sectors")
    with figuig.app_context():
        keys = db.session.scalars(select(Sector.key)).all()
    for key in keys:
        link = f'href="/good-practices?sector={key}&amp;near={FIGUIG}"'
        assert (link in sectors) == (key not in ("health", "housing")), key
    assert "Santé : couvert" in text_of(sectors)
    assert "Association Oasis Figuig" in text_of(sectors)


def test_the_date_and_version_of_the_data(figuig, client):
    english = text_of(part(profile(client, FIGUIG, "en"), "profile-data"))
    assert re.search(r"Data as of \w+ \d+, \d{4}", english)
    assert "Indicator set Version 1, published on 2026-12-07" in english
    assert re.search(r"Data version \d+", english)
    assert f"/territories/{FIGUIG}/profile" in english
    french = text_of(part(profile(client, FIGUIG, "fr"), "profile-data"))
    assert "Version des données" in french and "Grille d'indicateurs Version 1" in french


def test_a_territory_never_assessed_gets_a_profile_saying_so(client):
    french = profile(client, BOUARFA, "fr")
    scores = text_of(part(french, "profile-scores"))
    assert "Non évalué" in scores and "0,0" not in scores
    assert "Domaines bien développés" not in french
    assert "Aucune organisation partenaire" in text_of(french)
    assert "غير مُقيَّم" in profile(client, BOUARFA, "ar")


def test_an_assessment_under_review_is_not_in_the_profile(app, client):
    make_assessment(app, FIGUIG, 2026, {"Q1": 3}, state="submitted")
    assert "Not assessed" in part(profile(client, FIGUIG, "en"), "profile-scores")


def test_an_unknown_territory_has_no_profile(client):
    assert client.get("/territories/99.999/profile").status_code == 404


def test_the_print_stylesheet_lays_the_profile_out_on_a4(client):
    page = profile(client, FIGUIG, "en")
    assert '<body class="profile-page">' in page
    # Not assessed: the scores start a page; the areas are not there.
    assert page.count('class="profile-part new-page"') == 1
    css = CSS.read_text(encoding="utf-8")
    printed = css[css.index("/* ---- self-assessment on the territory page") :]
    rules = printed[printed.index("@media print") :]
    assert re.search(r"@page profile \{ size: A4;", rules)
    assert "body.profile-page { page: profile; }" in rules
    assert ".profile-page .site-header, .profile-page .site-footer" in rules
    # The scores and the areas start a page; a table's total is printed once.
    assert ".profile .new-page { break-before: page; }" in rules
    assert ".profile tfoot { display: table-row-group; }" in rules
    assert client.get("/static/tracker.css").status_code == 200
