"""The self-assessment metrics: each collectivity's own published score (overall and by
dimension) for the year chosen or its latest, and the share of communes assessed; a
territory without a validated assessment is "not assessed", never 0, on the map, in
the API's figures, the comparison and the pages that read `METRICS`."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from tests.support import BOUARFA, FIGUIG, TANGER, make_assessment
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.models import Territory
from tracker.stats import METRICS, Filters, metric_values, territory_summary

ORIENTAL, FIGUIG_PROVINCE = "02", "02.251"


def every(points):
    return {q.key: points for q in latest_indicator_set().questions}


@pytest.fixture
def assessed(app):
    """The Oriental's council at 2 points everywhere (66.7), Figuig at 1 (33.3) in 2024
    and 3 (100) in 2025, Bouarfa at 0 in 2025, and a region answering Q4 and Q9 N/A;
    Tanger never assessed, a draft and a submitted one never shown."""
    make_assessment(app, ORIENTAL, 2025, every(2))
    make_assessment(app, FIGUIG, 2024, every(1))
    make_assessment(app, FIGUIG, 2025, every(3))
    make_assessment(app, BOUARFA, 2025, every(0))
    make_assessment(app, "01", 2025, {"Q4": "not_applicable", "Q9": "not_applicable"})
    make_assessment(app, TANGER, 2025, every(3), state="submitted")
    make_assessment(app, FIGUIG_PROVINCE, 2025, every(3), state="draft")
    return app


def values(app, key, level, **filters):
    with app.app_context():
        return metric_values(key, level, Filters(**filters))


def test_the_metrics_are_declared_once_from_the_indicator_set():
    dimensions = [d.key for d in latest_indicator_set().dimensions]
    assert dimensions == ["D1", "D2", "D3", "D4", "D5", "D6"]
    for key in ["assessment_score", *(f"assessment_{d}" for d in dimensions)]:
        metric = METRICS[key]
        assert metric.unit == "score" and metric.by_assessment
        assert metric.levels == ("region", "province", "commune")  # never the country
    share = METRICS["communes_assessed_share"]
    assert share.unit == "percent" and share.levels == ("region", "province", "country")


def test_a_region_scores_its_own_council_not_the_mean_of_its_communes(assessed):
    # The communes inside score 100 and 0: their mean would be 50.
    assert values(assessed, "assessment_score", "region")[ORIENTAL] == 66.7
    assert values(assessed, "assessment_D1", "region", year=2025)[ORIENTAL] == 66.7


def test_the_year_chooses_the_assessment_and_none_means_the_latest(assessed):
    assert values(assessed, "assessment_score", "commune", year=2024) == {FIGUIG: 33.3}
    latest = values(assessed, "assessment_score", "commune")
    assert latest == {FIGUIG: 100.0, BOUARFA: 0.0}
    assert values(assessed, "assessment_score", "commune", year=2023) == {}


def test_a_territory_not_assessed_has_no_value_never_zero(assessed):
    communes = values(assessed, "assessment_score", "commune")
    assert TANGER not in communes  # only submitted
    assert BOUARFA in communes and communes[BOUARFA] == 0.0  # assessed, at 0
    assert values(assessed, "assessment_score", "province") == {}  # a draft is no score
    with assessed.app_context():
        tanger = db.session.get(Territory, TANGER)
        summary = territory_summary(tanger)
    assert summary["assessment_score"] is None and summary["assessment_D3"] is None


def test_not_applicable_lowers_the_potential_not_the_score(assessed):
    # Region 01: 2 points everywhere, Q4 and Q9 not applicable.
    assert values(assessed, "assessment_D2", "region")["01"] == 66.7
    assert values(assessed, "assessment_D3", "region")["01"] == 66.7
    assert values(assessed, "assessment_score", "region")["01"] == 66.7


def test_the_share_of_communes_assessed(assessed):
    with assessed.app_context():
        inside = db.session.scalar(
            select(func.count())
            .select_from(Territory)
            .where(Territory.level == "commune", Territory.parent_code == FIGUIG_PROVINCE)
        )
        total = db.session.scalar(
            select(func.count()).select_from(Territory).where(Territory.level == "commune")
        )
    share = values(assessed, "communes_assessed_share", "province")
    assert share[FIGUIG_PROVINCE] == pytest.approx(200 / inside)
    assert share["01.511"] == 0.0  # Tanger's is only submitted
    assert values(assessed, "communes_assessed_share", "province", year=2024)[
        FIGUIG_PROVINCE
    ] == pytest.approx(100 / inside)
    with assessed.app_context():
        from tracker.stats import national_summary

        national = national_summary()
    assert national["communes_assessed_share"] == pytest.approx(200 / total)
    assert national["assessment_score"] is None  # the country answers no assessment
    assert values(assessed, "communes_assessed_share", "commune") == {}


def test_the_api_stats_say_why_a_score_is_null(assessed, client):
    body = client.get("/api/v1/stats?level=commune&metric=assessment_score&per_page=500").json
    assert body["metric"]["unit"] == "score"
    items = {item["code"]: item for item in body["items"]}
    assert items[FIGUIG] == {"code": FIGUIG, "value": 100.0}
    assert items[BOUARFA] == {"code": BOUARFA, "value": 0.0}
    assert items[TANGER] == {"code": TANGER, "value": None, "reason": "not_assessed"}
    region = client.get("/api/v1/stats?level=region&metric=communes_assessed_share").json
    assert {i["code"]: i["value"] for i in region["items"]}["01"] == 0.0
    commune = client.get("/api/v1/stats?level=commune&metric=communes_assessed_share").json
    assert commune["items"][0]["reason"] == "not_given"
    measures = client.get("/api/v1/stats?level=commune&metric=measures&per_page=500").json
    assert {i["code"]: i for i in measures["items"]}[TANGER]["reason"] == "no_record"


@pytest.mark.parametrize(
    "lang, label, dimension",
    [
        (
            "fr",
            "Score d'auto-évaluation (0-100)",
            "Auto-évaluation : D1. Institutions et planification (0-100)",
        ),
        (
            "ar",
            "نقطة التقييم الذاتي (من 0 إلى 100)",
            "التقييم الذاتي: D1. المؤسسات والتخطيط (من 0 إلى 100)",
        ),
    ],
)
def test_the_labels_are_in_the_language_asked_for(client, lang, label, dimension):
    body = client.get(f"/api/v1/stats?metric=assessment_score&lang={lang}").json
    assert body["metric"]["label"] == label
    d1 = client.get(f"/api/v1/stats?metric=assessment_D1&lang={lang}").json
    assert d1["metric"]["label"] == dimension


# ---- the map --------------------------------------------------------------------------------


def tooltip_labels(page: str) -> dict[str, str]:
    found = re.search(r"_labels = (\{.*?\});", page)
    assert found, "no choropleth"
    return json.loads(found.group(1))


def legend_entries(page: str) -> list[dict]:
    found = re.search(r"(\[\{\"border\".*?\}\])\.forEach", page, re.S)
    assert found, "no legend"
    return json.loads(found.group(1))


def test_the_map_greys_the_territories_not_assessed_and_links_the_method(assessed, client):
    page = client.get("/map?metric=assessment_D1&level=commune&lang=fr").get_data(as_text=True)
    labels = tooltip_labels(page)
    assert labels[FIGUIG] == "100,0 (potentiel 3 questions)"
    assert labels[BOUARFA] == "0,0 (potentiel 3 questions)"
    assert TANGER not in labels  # drawn as "not assessed"
    entries = {entry["label"]: entry for entry in legend_entries(page)}
    assert entries["Non évalué"]["dashed"] and entries["Non évalué"]["fill"] == "#cfcfcf"
    assert entries["Calcul des scores"]["url"] == "/methodology"
    no_data = re.search(r'"no_data_label": ("[^"]*")', page).group(1)
    assert json.loads(no_data) == "non évalué"
    assert "Auto-évaluation : D1. Institutions et planification (0-100)" in page
    # The table under the map says so too, and gives the year.
    table = page[page.index('id="figures"') :]
    assert "non évalué" in table and "100,0 (potentiel 3 questions)" in table


def test_the_map_in_arabic(assessed, client):
    page = client.get("/map?metric=assessment_score&level=region&lang=ar").get_data(as_text=True)
    assert tooltip_labels(page)[ORIENTAL] == "66.7"
    entries = {entry["label"]: entry for entry in legend_entries(page)}
    assert entries["غير مُقيَّم"]["dashed"]
    assert entries["طريقة احتساب النقط"]["url"] == "/methodology"
