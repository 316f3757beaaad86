"""The map's legend and tooltips on known data: classes whose bounds no value shares, and
a territory with records, none matching the filters, told apart from one with no data."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import BOUARFA, FIGUIG, TANGER, make_validated_measure
from tracker.maps.choropleth import class_label


def map_page(client, query: str) -> str:
    response = client.get(f"/map?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def legend_labels(page: str) -> list[str]:
    found = re.search(r"(\[\{\"border\".*?\}\])\.forEach", page, re.S)
    assert found, "no legend"
    return [entry["label"] for entry in json.loads(found.group(1))]


def tooltip_labels(page: str) -> dict[str, str]:
    return json.loads(re.search(r"_labels = (\{.*?\});", page).group(1))


@pytest.fixture
def more_measures(known):
    """The known measures and six more: Figuig has 6 measures, Bouarfa 3, Tanger 1."""
    for title in ("Permanence", "Cours", "Accueil", "Orientation"):
        make_validated_measure(known, FIGUIG, title, sectors=["employment"])
    for title in ("Atelier", "Caravane"):
        make_validated_measure(known, BOUARFA, title, sectors=["employment"])
    return known


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", ["1", "2 to 3", "4 to 6", "no data"]),
        ("fr", ["1", "de 2 à 3", "de 4 à 6", "pas de données"]),
    ],
)
def test_whole_number_classes_share_no_bound(more_measures, client, lang, expected):
    page = map_page(client, f"metric=measures&level=commune&lang={lang}")
    labels = legend_labels(page)
    # The classes, then "no data" (the pilot's places follow).
    assert labels[: len(expected)] == expected


def test_classes_of_decimals_read_with_more_than_and_up_to(app):
    with app.test_request_context("/?lang=en"):
        assert class_label("percent", None, 1.5, whole=False) == "up to 1.5 %"
        assert class_label("percent", 1.5, 3.0, whole=False) == "more than 1.5 %, up to 3.0 %"
        assert class_label("percent", 3.0, None, whole=False) == "more than 3.0 %"
    with app.test_request_context("/?lang=fr"):
        assert class_label("percent", 1.5, 3.0, whole=False) == "plus de 1,5 %, jusqu'à 3,0 %"


def test_whole_numbers_start_one_above_the_bound_below(app):
    with app.test_request_context("/?lang=en"):
        labels = [
            class_label("count", low, high, True, 0, 14)
            for low, high in ((None, 2), (2, 5), (5, 6), (6, None))
        ]
    assert labels == ["0 to 2", "3 to 5", "6", "7 to 14"]


def test_a_filtered_map_says_which_territories_have_records_none_matching(known, client):
    page = map_page(client, "metric=measures&level=commune&sector=health&lang=en")
    labels = tooltip_labels(page)
    assert labels[FIGUIG] == "2"
    assert labels[TANGER] == "1"
    # Bouarfa's one measure is about employment: a 0 that the tooltip explains.
    assert labels[BOUARFA] == "0 (records, none matching the filters)"
    legend = legend_labels(page)
    assert "0 (records, none matching the filters)" in legend
    assert "no data" in legend  # Bni Tadjite and the others, with nothing recorded


@pytest.mark.parametrize(
    "lang, said",
    [
        ("fr", "0 (des enregistrements, aucun ne correspondant aux filtres)"),
        ("ar", "0 (توجد سجلات، لا يطابق أيٌّ منها المرشحات)"),
    ],
)
def test_records_none_matching_in_french_and_arabic(known, client, lang, said):
    page = map_page(client, f"metric=measures&level=commune&sector=health&lang={lang}")
    assert tooltip_labels(page)[BOUARFA] == said
    assert said in legend_labels(page)
    table = page[page.index('id="figures"') :]
    assert f'<span dir="auto">{said}</span>' in table


def test_a_share_with_no_measure_matching_says_so_rather_than_no_data(known, client):
    page = map_page(client, "metric=completed_share&level=commune&sector=health&lang=en")
    assert tooltip_labels(page)[BOUARFA] == "records, none matching the filters"
    assert "02.251.03.03" not in tooltip_labels(page)  # nothing recorded: no data


def test_without_filters_no_territory_is_said_to_miss_them(known, client):
    page = map_page(client, "metric=measures&level=commune&lang=en")
    assert not any("matching" in label for label in tooltip_labels(page).values())
    assert not any("matching" in label for label in legend_labels(page))
