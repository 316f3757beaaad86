"""The self-assessment in the downloads and the comparison: the figures exports carry the
score metrics (with "not assessed", the year and the potential), the assessments
export holds one row per published assessment, and the comparison sets the dimensions
side by side in its table and a chart, saying which territories are not assessed."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.support import BOUARFA, FIGUIG, TANGER, make_assessment
from tracker.compare import bp as compare_bp


@pytest.fixture(autouse=True)
def compare_registered(app):
    if "compare" not in app.blueprints:
        app.register_blueprint(compare_bp)
    return app


@pytest.fixture
def assessed(app):
    """Figuig at 3 points in 2025 (1 in 2024), Bouarfa at 0, the Oriental council at 2
    with Q4 and Q9 "not applicable"; Tanger and the Tanger region never assessed."""
    make_assessment(app, FIGUIG, 2024, {q: 1 for q in QUESTIONS})
    make_assessment(app, FIGUIG, 2025, {q: 3 for q in QUESTIONS})
    make_assessment(app, BOUARFA, 2025, {q: 0 for q in QUESTIONS})
    make_assessment(app, "02", 2025, {"Q4": "not_applicable", "Q9": "not_applicable"})
    return app


QUESTIONS = [f"Q{n}" for n in range(1, 16)]


def csv_rows(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.data
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


# ---- the figures exports --------------------------------------------------------------------


def test_the_figures_csv_says_not_assessed_and_gives_year_and_potential(assessed, client):
    rows = csv_rows(client, "/export/figures.csv?level=commune&metric=assessment_D3&lang=fr")
    by_code = {row["Code HCP"]: row for row in rows}
    heading = "Auto-évaluation : D3. Accueil, orientation et appui juridique (0-100)"
    assert by_code[FIGUIG][heading] == "100.0"
    assert by_code[FIGUIG]["Année évaluée"] == "2025"
    assert by_code[FIGUIG]["Potentiel (questions applicables)"] == "2"
    assert by_code[BOUARFA][heading] == "0.0"  # assessed, at 0
    assert by_code[TANGER][heading] == "" and by_code[TANGER]["Tel qu'affiché"] == "non évalué"
    assert by_code[TANGER]["Année évaluée"] == ""


def test_the_figures_follow_the_year(assessed, client):
    rows = csv_rows(client, "/export/figures.csv?level=commune&metric=assessment_score&year=2024")
    by_code = {row["HCP code"]: row for row in rows}
    assert by_code[FIGUIG]["Self-assessment score (0-100)"] == "33.3"
    assert by_code[BOUARFA]["As shown"] == "not assessed"  # none in 2024


def test_the_figures_xlsx_and_geojson_carry_the_score(assessed, client):
    response = client.get("/export/figures.xlsx?level=region&metric=assessment_score&lang=ar")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert "نقطة التقييم الذاتي (من 0 إلى 100)" in rows[0]
    oriental = next(r for r in rows if r[0] == "02")
    assert 66.7 in oriental and "غير مُقيَّم" in next(r for r in rows if r[0] == "01")
    geo = client.get("/export/figures.geojson?level=region&metric=assessment_score").json
    props = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert props["02"]["value"] == 66.7 and props["02"]["assessment_year"] == 2025
    assert props["01"]["value"] is None and props["01"]["shown"] == "not assessed"


# ---- the assessments export -----------------------------------------------------------------


def test_the_assessments_csv_has_a_row_per_published_assessment(assessed, client):
    rows = csv_rows(client, "/export/assessments.csv?territory=02.251&lang=fr")
    assert [(r["Code de la collectivité"], r["Année"]) for r in rows] == [
        (BOUARFA, "2025"),
        (FIGUIG, "2024"),
        (FIGUIG, "2025"),
    ]
    figuig = rows[2]
    assert figuig["Collectivité (nom en français)"] == "Figuig"
    assert figuig["Collectivité (nom en arabe)"] == "فجيج"
    assert figuig["Version du référentiel"] == "1" and figuig["Score global"] == "100.0"
    assert figuig["Score D1 : Institutions et planification"] == "100.0"
    assert figuig["Potentiel D1"] == "3"
    assert rows[0]["Score global"] == "0.0"


def test_the_assessments_xlsx_and_geojson(assessed, client):
    response = client.get("/export/assessments.xlsx?year=2025&lang=en")
    assert response.status_code == 200
    assert "assessments-MA-2025-" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    headings = rows[0]
    region = dict(zip(headings, next(r for r in rows if r[1] == "02"), strict=True))
    assert region["Potential D2"] == 4 and region["Potential D3"] == 1
    assert region["Score D3: Reception, orientation and legal support"] == 66.7
    assert len(rows) == 4  # the heading, Oriental, Bouarfa, Figuig 2025
    geo = client.get("/export/assessments.geojson?territory=02").json
    assert len(geo["features"]) == 4
    assert {f["properties"]["territory_code"] for f in geo["features"]} == {"02", FIGUIG, BOUARFA}


def test_a_bad_filter_is_refused_as_json(client):
    response = client.get("/export/assessments.csv?year=1990&lang=fr")
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == "year"


def test_the_map_links_the_assessments_export(assessed, client):
    page = client.get("/map?metric=assessment_score&level=region&year=2025").text
    assert 'href="/export/assessments.csv?year=2025"' in page


# ---- the comparison -------------------------------------------------------------------------


def cells(page: str, key: str) -> dict[str, str]:
    row = re.search(rf'<tr data-row="{key}".*?</tr>', page, re.S).group(0)
    return {
        code: re.sub(r"<[^>]+>", " ", text).split()
        for code, text in re.findall(r'<td data-code="([^"]+)"[^>]*>(.*?)</td>', row, re.S)
    }


def test_the_comparison_sets_the_dimensions_side_by_side(assessed, client):
    page = client.get(
        "/compare?level=commune&codes="
        + FIGUIG
        + "&codes="
        + BOUARFA
        + "&codes="
        + TANGER
        + "&lang=fr"
    ).text
    year = cells(page, "assessment_year")
    assert year == {FIGUIG: ["2025"], BOUARFA: ["2025"], TANGER: ["non", "évalué"]}
    d1 = cells(page, "assessment_D1")
    assert d1[FIGUIG] == ["100,0", "potentiel", "3", "questions"]
    assert d1[TANGER] == ["non", "évalué"]
    assert 'href="/methodology"' in page
    chart = re.search(
        r'<svg[^>]*aria-labelledby="svg-assessment_dimensions-title.*?</svg>', page, re.S
    )
    assert chart, "no chart of the dimensions"
    svg = chart.group(0)
    assert svg.count('class="dimension-label"') == 6
    assert svg.count('class="bar-label"') == 18  # three territories in each dimension
    assert "100,0 (potentiel 3 questions)" in svg and "non évalué" in svg
    assert "Non évalués (aucune auto-évaluation validée) : Tanger" in page
    assert 'id="chart-assessment_score"' in page


def test_the_comparison_in_arabic_and_its_csv(assessed, client):
    page = client.get("/compare?level=region&codes=02&codes=01&lang=ar").text
    assert cells(page, "assessment_score")["01"] == ["غير", "مُقيَّم"]
    assert "66.7" in " ".join(cells(page, "assessment_D2")["02"])
    assert "الإمكانات: 4 أسئلة" in page
    lines = list(
        csv.reader(
            io.StringIO(
                client.get("/compare.csv?level=region&codes=02&codes=01").data.decode("utf-8-sig")
            )
        )
    )
    by_key = {line[0]: line for line in lines}
    assert by_key["assessment_D3"][2:4] == ["66.7", ""]
    assert by_key["assessment_year"][2:4] == ["2025", ""]
    geo = client.get("/compare.geojson?level=region&codes=02&codes=01")
    if geo.status_code == 200:
        props = {f["properties"]["code"]: f["properties"] for f in geo.json["features"]}
        assert props["02"]["assessment_score"] == 66.7 and props["01"]["assessment_score"] is None


def test_a_comparison_without_assessment_draws_no_score(client):
    page = client.get("/compare?level=region&codes=02&codes=01&lang=en").text
    assert "svg-assessment_dimensions-title" not in page
    assert "None of these territories has a validated self-assessment" in page
    assert cells(page, "assessment_score") == {"02": ["not", "assessed"], "01": ["not", "assessed"]}
