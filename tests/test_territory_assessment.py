"""The self-assessment on a territory page: the latest validated assessment's scores by
dimension with their potential, the change since the previous year, every year's scores,
each answer with its level's description and its evidence, links to other collectivities'
good practices; "not assessed" (never 0) for a territory without one."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from sqlalchemy import event, select

from tests.support import BOUARFA, FIGUIG, make_assessment, make_validated_measure
from tracker.assessment import published
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.models import Assessment, AssessmentAnswer, Measure, Sector
from tracker.response_cache import cache_of

ORIENTAL = "02"
QUESTIONS = latest_indicator_set()


def section(client, code: str, lang: str) -> str:
    """The self-assessment section of territory `code`'s page in `lang`."""
    response = client.get(f"/territories/{code}?lang={lang}")
    assert response.status_code == 200
    found = re.search(
        r'<section class="self-assessment".*?</section>', response.get_data(as_text=True), re.S
    )
    assert found, "no self-assessment section"
    return found.group(0)


def text_of(fragment: str) -> str:
    """The text of an HTML fragment, its tags taken out and its spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def chart_row(fragment: str, title: str) -> str:
    """The text of the score chart's row for dimension (or "overall") `title`."""
    chart = re.search(r'<table class="data score-chart".*?</table>', fragment, re.S).group(0)
    for row in re.findall(r"<tr.*?</tr>", chart, re.S):
        if text_of(row).startswith(title):
            return text_of(row)
    raise AssertionError(f"no row {title!r}")


def test_a_territory_never_assessed_says_so_never_0(client):
    french = section(client, FIGUIG, "fr")
    assert "Non évalué" in french
    assert "Comment fonctionne l'auto-évaluation" in text_of(french)
    assert 'href="/methodology"' in french
    assert "score-chart" not in french and "0,0" not in french
    arabic = section(client, FIGUIG, "ar")
    assert "غير مُقيَّم" in arabic
    assert "0.0" not in arabic


def test_a_draft_submitted_or_returned_assessment_is_never_shown(app, client):
    make_assessment(app, FIGUIG, 2025, state="draft")
    make_assessment(app, BOUARFA, 2025, state="returned")
    make_assessment(app, BOUARFA, 2026, state="submitted")
    assert "Not assessed" in section(client, FIGUIG, "en")
    assert "Not assessed" in section(client, BOUARFA, "en")
    # A validated year shows; the year under review after it does not.
    make_assessment(app, FIGUIG, 2024, {"Q1": 3})
    make_assessment(app, FIGUIG, 2026, {"Q1": 0}, state="submitted")
    shown = text_of(section(client, FIGUIG, "en"))
    assert "Self-assessment 2024, indicator set version 1." in shown
    assert "2026" not in shown and "first assessment" in shown


def test_a_deleted_assessment_is_not_shown(app, client):
    gone = make_assessment(app, FIGUIG, 2025)
    with app.app_context():
        db.session.get(Assessment, gone).deleted_at = datetime.now(UTC)
        db.session.commit()
    assert "Not assessed" in section(client, FIGUIG, "en")


def test_scores_and_potentials_show_rounded_with_a_bar_each(app, client):
    # D1: 2 + 2 + 1 of 9 points is 55.555…, shown 55.6; D3: 3 + 0 of 6 is 50.
    make_assessment(app, FIGUIG, 2026, {"Q1": 2, "Q2": 2, "Q3": 1, "Q9": 3, "Q10": 0})
    english = section(client, FIGUIG, "en")
    assert chart_row(english, "Institutions and planning") == (
        "Institutions and planning 55.6 3 applicable questions"
    )
    assert chart_row(english, "Reception, orientation and legal support") == (
        "Reception, orientation and legal support 50.0 2 applicable questions"
    )
    assert chart_row(english, "Capacity") == "Capacity 66.7 1 applicable question"
    french = section(client, FIGUIG, "fr")
    assert chart_row(french, "Institutions et planification") == (
        "Institutions et planification 55,6 3 questions applicables"
    )
    # Each bar is as long as its score, and each score links to the methodology.
    assert '<span class="score-bar" style="--share: 0.556"></span>' in english
    assert '<a class="score" href="/methodology#scores"><bdi dir="ltr">55.6</bdi></a>' in english
    arabic = section(client, FIGUIG, "ar")
    assert chart_row(arabic, "المؤسسات والتخطيط") == "المؤسسات والتخطيط 55.6 3 أسئلة منطبقة"


def test_the_region_shows_its_councils_assessment_not_its_communes(app, client):
    make_assessment(app, FIGUIG, 2026, {"Q1": 3, "Q2": 3, "Q3": 3})
    assert "Not assessed" in section(client, ORIENTAL, "en")
    make_assessment(app, ORIENTAL, 2026, {"Q1": 1, "Q4": "not_applicable", "Q9": "not_applicable"})
    english = section(client, ORIENTAL, "en")
    shown = text_of(english)
    assert "These are the scores of the regional council itself" in shown
    french = text_of(section(client, ORIENTAL, "fr"))
    assert "Ce sont les scores du conseil régional lui-même" in french
    # The region's Q1 at 1 with Q2 and Q3 at 2: 5 of 9, not the commune's 100.
    assert chart_row(english, "Institutions and planning").startswith(
        "Institutions and planning 55.6"
    )
    # "Not applicable" lowers the potential: D2 has 4 applicable questions of 5, D3 1 of 2.
    assert chart_row(english, "Access to services, by sector").endswith("4 applicable questions")
    assert chart_row(english, "Reception, orientation and legal support") == (
        "Reception, orientation and legal support 66.7 1 applicable question"
    )
    assert "Not applicable" in english


def test_the_change_since_the_previous_year_and_every_years_scores(app, client):
    make_assessment(app, FIGUIG, 2024, {"Q1": 0, "Q2": 0, "Q3": 0})
    make_assessment(app, FIGUIG, 2025, {"Q1": 3, "Q2": 3, "Q3": 3, "Q13": 3})
    make_assessment(app, FIGUIG, 2026, {"Q1": 1, "Q13": 3})
    english = section(client, FIGUIG, "en")
    with client.application.app_context():
        newest = published.latest(FIGUIG)
        assert published.previous(newest).year == 2025
    # D1 from 100 to 55.6 (5 of 9); D5 stays at 100; D2 stays at 66.7.
    assert chart_row(english, "Institutions and planning") == (
        "Institutions and planning 55.6 3 applicable questions −44.4"
    )
    assert chart_row(english, "Capacity") == "Capacity 100.0 1 applicable question 0.0"
    assert "Change since 2025" in english
    assert "change since 2025:" in text_of(english)
    # Every year assessed, oldest first, in a table of its own.
    years = re.search(r'<table class="data score-years".*?</table>', english, re.S).group(0)
    assert [int(y) for y in re.findall(r'<th scope="col" class="num">(\d{4})</th>', years)] == [
        2024,
        2025,
        2026,
    ]
    d1 = next(r for r in re.findall(r"<tr>.*?</tr>", years, re.S) if "Institutions" in r)
    assert text_of(d1) == "Institutions and planning 0.0 100.0 55.6"
    french = text_of(section(client, FIGUIG, "fr"))
    assert "évolution depuis 2025 : −" in french


def test_a_first_assessment_says_so(app, client):
    make_assessment(app, FIGUIG, 2026)
    english = section(client, FIGUIG, "en")
    assert "first assessment" in text_of(english)
    assert "Change since" not in english
    assert "première évaluation" in text_of(section(client, FIGUIG, "fr"))
    assert "أول تقييم" in text_of(section(client, FIGUIG, "ar"))


def test_each_answer_shows_its_points_and_its_levels_description(app, client):
    make_assessment(app, BOUARFA, 2026, {"Q1": 3, "Q3": 0})
    # The commune of Figuig answers everything; a region may say Q9 is not applicable.
    make_assessment(app, ORIENTAL, 2026, {"Q9": "not_applicable"})
    french = text_of(section(client, BOUARFA, "fr"))
    q1, q3 = QUESTIONS.question("Q1"), QUESTIONS.question("Q3")
    assert f"Question 1. {q1.title.fr} 3 points sur 3 — {q1.level_text(3).fr}" in french
    assert f"Question 3. {q3.title.fr} 0 point sur 3 — {q3.level_text(0).fr}" in french
    arabic = text_of(section(client, BOUARFA, "ar"))
    assert f"{q1.title.ar} 3 نقاط من 3 — {q1.level_text(3).ar}" in arabic
    region = text_of(section(client, ORIENTAL, "en"))
    assert f"Question 9. {QUESTIONS.question('Q9').title.en} Not applicable" in region
    # Each question links to its place in the methodology.
    assert 'href="/methodology#Q9"' in section(client, ORIENTAL, "en")


def test_evidence_is_shown_with_safe_links_and_the_measures_cited(app, client):
    cited = make_validated_measure(app, FIGUIG, "Cellule d'accueil des migrants", kind="reception")
    gone = make_validated_measure(app, FIGUIG, "Mesure supprimée ensuite", kind="reception")
    make_assessment(
        app,
        FIGUIG,
        2026,
        {"Q10": 3},
        evidence_reference="Délibération n° 12/2026 du 3 mars 2026",
        evidence_url="https://commune-figuig.ma/deliberations/12",
        evidence_text="La cellule reçoit chaque semaine.",
    )
    make_assessment(app, BOUARFA, 2026, evidence_url="javascript:alert(1)")
    with app.app_context():
        answer = db.session.scalar(
            select(AssessmentAnswer)
            .join(Assessment)
            .where(Assessment.territory_code == FIGUIG, AssessmentAnswer.question_key == "Q9")
        )
        answer.measures = [db.session.get(Measure, cited), db.session.get(Measure, gone)]
        db.session.get(Measure, gone).deleted_at = datetime.now(UTC)
        db.session.commit()
    french = section(client, FIGUIG, "fr")
    assert (
        '<a href="https://commune-figuig.ma/deliberations/12" rel="nofollow noopener" dir="ltr">'
        in french
    )
    assert "Délibération n° 12/2026 du 3 mars 2026" in text_of(french)
    assert "La cellule reçoit chaque semaine." in text_of(french)
    assert "Mesures citées comme justificatifs" in french
    assert f'<a href="/measures/{cited}" dir="auto">Cellule d&#39;accueil des migrants</a>' in (
        french
    )
    assert "Mesure supprimée ensuite" not in french
    # An address that is not a web page's is shown as text, never as a link.
    other = section(client, BOUARFA, "en")
    assert 'href="javascript' not in other
    assert "javascript:alert(1)" in other


def test_uncovered_sectors_and_weak_questions_link_to_good_practices(app, client):
    make_validated_measure(app, FIGUIG, "Santé des migrants", sectors=["health"])
    make_assessment(app, FIGUIG, 2026, {"Q3": 0, "Q9": 1, "Q10": 2, "Q13": 3})
    response = client.get(f"/territories/{FIGUIG}?lang=fr")
    page = response.get_data(as_text=True)
    with app.app_context():
        keys = db.session.scalars(select(Sector.key)).all()
    assert "health" in keys
    for key in keys:
        link = f'href="/good-practices?sector={key}&amp;near={FIGUIG}"'
        assert (link in page) == (key != "health"), key
    assert page.count("Bonnes pratiques d'autres collectivités") >= len(keys) - 1 + 2
    answers = section(client, FIGUIG, "fr")
    for key, weak in (("Q3", True), ("Q9", True), ("Q10", False), ("Q13", False)):
        link = f'href="/good-practices?question={key}&amp;near={FIGUIG}"'
        assert (link in answers) == weak, key


def test_the_page_links_the_printable_profile(client):
    french = section(client, FIGUIG, "fr")
    assert (
        f'<a href="/territories/{FIGUIG}/profile">Profil de gouvernance migratoire (imprimable)</a>'
        in french
    )


def count_queries(app, client, path: str) -> int:
    """How many SQL statements making the page at `path` runs (not as kept between
    requests for visitors: the kept answers are let go first)."""
    statements = []
    cache_of(app).clear()
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_a_few_queries_however_many_answers_and_measures(app, client):
    measures = [
        make_validated_measure(app, FIGUIG, f"Mesure {n}", kind="reception") for n in range(6)
    ]
    make_assessment(app, FIGUIG, 2025)
    path = f"/territories/{FIGUIG}?lang=fr"
    client.get(path)
    one_year = count_queries(app, client, path)
    make_assessment(app, FIGUIG, 2026)
    make_assessment(app, FIGUIG, 2024)
    with app.app_context():
        for answer in db.session.scalars(select(AssessmentAnswer)):
            answer.measures = [db.session.get(Measure, m) for m in measures]
        db.session.commit()
    three_years = count_queries(app, client, path)
    assert three_years == one_year
    assert section(client, FIGUIG, "fr").count('href="/measures/') == 15 * 6


def test_the_figures_table_says_not_assessed_rather_than_no_data(client):
    page = html.unescape(client.get(f"/territories/{FIGUIG}?lang=fr").get_data(as_text=True))
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>\s*<td class="num">([^<]*)</td>', page)
    scores = [value for label, value in rows if label.startswith("Score")]
    assert scores and set(scores) == {"non évalué"}
