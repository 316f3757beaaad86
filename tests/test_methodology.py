"""The public methodology page: the questions with their levels, the "not applicable" rules
by level, how scores are computed and the versions, in French, Arabic and English."""

from __future__ import annotations

import copy
import html
import json
import re

import pytest

from tracker.assessment import indicators

NBSP = "\u00a0"


def _published(version: int, day: str) -> str:
    return (
        f'version {version}, published on <time datetime="{day}"><bdi dir="ltr">{day}</bdi></time>.'
    )


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _na_table(page: str) -> dict[str, list[bool]]:
    """Each row of the "not applicable" table: the question's anchor and, for each level
    column (commune, province, region), whether the answer is allowed."""
    table = page[page.index('class="data na-rules"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        key = re.search(r'href="#(Q\d+)"', row).group(1)
        rows[key] = ["mark allowed" in cell for cell in re.findall(r'<td class="([^"]*)"', row)]
    return rows


def test_the_page_in_french_shows_the_questions_levels_and_rules(client):
    page = _page(client, "/methodology?lang=fr")
    assert '<html lang="fr" dir="ltr">' in page
    assert "<h1>Méthodologie de l'auto-évaluation</h1>" in page
    assert "Dimension 3. Accueil, orientation et appui juridique" in page
    assert "Question 9. Structure d'accueil et d'orientation" in page
    assert (
        "Une cellule fonctionnelle, avec des horaires d'ouverture et une liste d'orientation."
        in page
    )
    assert "Niveau 3" in page
    assert f"Réponse «{NBSP}sans objet{NBSP}» admise pour{NBSP}: région." in page
    assert f"Jamais «{NBSP}sans objet{NBSP}»{NBSP}: toute collectivité y répond." in page
    assert f"Mesures pouvant servir de justificatif{NBSP}: Clinique juridique" in page
    assert "Score d'une dimension = 100 × points ÷ (3 × questions applicables)" in page
    assert "Score global = moyenne des scores des dimensions" in page
    assert "Calculée sur les dimensions comptant au moins une question applicable." in page
    assert (
        "Référentiel d'indicateurs, version 1, publiée le "
        '<time datetime="2026-12-07"><bdi dir="ltr">2026-12-07</bdi></time>.'
    ) in page
    assert "Reception and orientation structure" not in page


def test_the_page_in_arabic_is_right_to_left_and_in_arabic(client):
    page = _page(client, "/methodology?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>منهجية التقييم الذاتي</h1>" in page
    assert "السؤال 9. بنية الاستقبال والتوجيه" in page
    assert "المحور 1. المؤسسات والتخطيط" in page
    assert "خلية تشتغل بانتظام، بمواقيت عمل محددة ولائحة للتوجيه." in page
    assert "يُقبل فيه جواب «لا ينطبق» بالنسبة لـ: جهة." in page
    assert "نقطة المحور = 100 × النقط ÷ (3 × عدد الأسئلة المنطبقة)" in page
    assert "Structure d'accueil et d'orientation" not in page
    assert "Reception and orientation structure" not in page


def test_the_page_in_english_shows_scores_and_versions(client):
    page = _page(client, "/methodology?lang=en")
    assert "Question 10. Legal clinic or legal aid" in page
    assert "Score of a dimension = 100 × points ÷ (3 × applicable questions)" in page
    assert "Each score is shown with its potential: the number of applicable questions." in page
    assert "Its dimension 3 scores 100 × 2 ÷ (3 × 1) = 67, with a potential of 1 question." in page
    assert '<time datetime="2026-12-07">' in page
    assert "First version: 15 questions in 6 dimensions." in page
    assert page.count('class="question"') == 15
    for key in ["D1", "D6", "Q1", "Q15", "scores", "not-applicable", "versions"]:
        assert f'id="{key}"' in page, key


@pytest.mark.parametrize("lang, heading", [("fr", "Commune"), ("ar", "جماعة"), ("en", "Commune")])
def test_the_not_applicable_table_gives_each_question_by_level(client, lang, heading):
    page = _page(client, f"/methodology?lang={lang}")
    assert f'<th scope="col" class="mark">{heading}</th>' in page
    rows = _na_table(page)
    assert list(rows) == [f"Q{n}" for n in range(1, 16)]
    # commune, province, region
    assert rows["Q4"] == [False, False, True]
    assert rows["Q9"] == [False, False, True]
    for key in ("Q1", "Q2", "Q3", "Q10", "Q15"):
        assert rows[key] == [False, False, False], key


def test_the_home_page_links_to_the_methodology(client):
    page = _page(client, "/?lang=fr")
    assert (
        f'<a href="/methodology">Comment les collectivités s\'auto-évaluent chaque année'
        f"{NBSP}: la méthodologie</a>"
    ) in page


@pytest.mark.parametrize("version", ["99", "abc", "-1"])
def test_an_unknown_version_is_not_found(client, version):
    assert client.get(f"/methodology?version={version}&lang=en").status_code == 404


def test_every_version_is_listed_and_an_earlier_one_can_be_read(client, monkeypatch, tmp_path):
    first = indicators.indicator_set(1)
    raw = json.loads((indicators.data_folder() / "indicators-1.json").read_text(encoding="utf-8"))
    second = copy.deepcopy(raw)
    second.update(version=2, published="2027-06-30")
    second["changes"] = {
        "ar": "صياغة جديدة للسؤال 7.",
        "fr": "Nouvelle rédaction de la question 7.",
        "en": "Question 7 reworded.",
    }
    second["questions"][6]["title"]["en"] = "Vocational training, employment and income"
    (tmp_path / "indicators-2.json").write_text(json.dumps(second), encoding="utf-8")
    newer = indicators.read_indicator_set(
        (tmp_path / "indicators-2.json").read_text(encoding="utf-8"), "indicators-2.json"
    )
    monkeypatch.setattr(indicators, "indicator_sets", lambda: (first, newer))

    latest = _page(client, "/methodology?lang=en")
    assert "Indicator set, " + _published(2, "2027-06-30") in latest
    assert "Question 7. Vocational training, employment and income" in latest
    assert "Question 7 reworded." in latest and "First version: 15 questions" in latest
    assert '<a href="/methodology?version=1">1</a>' in latest

    earlier = _page(client, "/methodology?version=1&lang=en")
    assert "Indicator set, " + _published(1, "2026-12-07") in earlier
    assert "Question 7. Vocational training and income" in earlier
    assert "This is an earlier version: see the latest, version 2." in earlier
