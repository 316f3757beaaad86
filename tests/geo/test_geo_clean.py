"""Cleaning: repairs, units, enclaves cut out, overlaps settled, slivers filled, islets dropped."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.clean import (
    clean_coverage,
    cut_enclaves,
    drop_islets,
    fill_sliver_gaps,
    fill_small_holes,
    merge_units,
    repair,
)
from geo.crs import area_km2
from geo.quality import neighbour_overlaps, outline_holes


def units_frame(geoms, units=None, codes=None):
    units = units or [f"02.251.05.{i:02d}" for i in range(1, len(geoms) + 1)]
    return gpd.GeoDataFrame(
        {"unit": units, "code": codes or units, "source": [f"T.json: {u}" for u in units]},
        geometry=list(geoms),
        crs="EPSG:4326",
    )


def test_an_invalid_ring_is_repaired_and_reported():
    bowtie = shapely.Polygon([(0, 0), (0.1, 0.1), (0.1, 0), (0, 0.1)])
    repaired, anomalies = repair(units_frame([bowtie, shapely.box(1, 1, 1.1, 1.1)]))
    assert repaired.is_valid.all()
    assert repaired.geometry.iloc[0].area == pytest.approx(0.005)
    assert [a["kind"] for a in anomalies] == ["invalid_repaired"]
    assert anomalies[0]["source"] == "T.json: 02.251.05.01"
    assert "Self-intersection" in anomalies[0]["detail"]


def test_a_centre_piece_merges_into_its_commune():
    commune = shapely.box(0, 0, 1, 1)
    centre_beside = shapely.box(1, 0.4, 1.2, 0.6)
    centre_inside = shapely.box(0.2, 0.2, 0.3, 0.3)
    pieces = units_frame(
        [commune, centre_beside, centre_inside, shapely.box(5, 5, 6, 6)],
        units=["02.251.05.03"] * 3 + [None],
    )
    units = merge_units(pieces)
    assert list(units["unit"]) == ["02.251.05.03"]
    assert units.geometry.iloc[0].area == pytest.approx(1.04)
    assert units.geometry.iloc[0].geom_type == "Polygon"


def test_an_enclosed_town_is_cut_out_of_its_rural_commune():
    rural = shapely.box(0, 0, 0.2, 0.2)
    town = shapely.box(0.05, 0.05, 0.1, 0.1)
    cut, anomalies = cut_enclaves(
        units_frame([rural, town], units=["02.251.05.01", "02.251.01.03"])
    )
    assert len(neighbour_overlaps(cut.geometry.values, cut["unit"])) == 0
    assert shapely.equals(cut.geometry.iloc[1], town)
    assert len(cut.geometry.iloc[0].interiors) == 1
    assert shapely.equals(shapely.union_all(cut.geometry.values), rural)
    assert [(a["kind"], a["code"]) for a in anomalies] == [("enclave_cut", "02.251.05.01")]
    assert "02.251.01.03" in anomalies[0]["detail"]


def test_neighbours_drawn_over_each_other_at_the_edge_are_not_enclaves():
    left = shapely.box(0, 0, 0.2, 0.2)
    right = shapely.box(0.199, 0, 0.4, 0.2)
    cut, anomalies = cut_enclaves(units_frame([left, right]))
    assert anomalies == []
    assert shapely.equals(cut.geometry.iloc[0], left)


def test_clean_coverage_settles_small_overlaps_and_matches_borders():
    left = shapely.box(0, 0, 0.2, 0.2)
    right = shapely.Polygon([(0.1999, 0), (0.4, 0), (0.4, 0.2), (0.2001, 0.2)])
    cleaned, anomalies = clean_coverage(units_frame([left, right]))
    assert shapely.coverage_is_valid(cleaned.geometry.values)
    assert len(neighbour_overlaps(cleaned.geometry.values, cleaned["unit"])) == 0
    assert [a["kind"] for a in anomalies] == ["overlaps_resolved"]


def test_sliver_gaps_are_filled_and_a_real_hole_stays():
    # Units around a 0.04° by 0.02° hole (about 8 km², real) with a 2 m wide gap between the two
    # bottom ones; cleaned first, as the step expects a coverage.
    sliver = 0.00002
    units = [
        shapely.box(0, -0.1, 0.3, 0),
        shapely.box(0, 0, 0.1 - sliver, 0.1),
        shapely.box(0.1, 0, 0.3, 0.1),
        shapely.box(0, 0.1, 0.1, 0.3).difference(shapely.box(0.08, 0.12, 0.1, 0.14)),
        shapely.box(0.1, 0.1, 0.3, 0.3).difference(shapely.box(0.1, 0.12, 0.12, 0.14)),
        shapely.box(0, 0.3, 0.3, 0.4),
    ]
    frame, _ = clean_coverage(units_frame(units))
    assert len(outline_holes(frame.geometry.values)) == 2
    filled, anomalies = fill_sliver_gaps(frame, max_km2=0.1)
    holes = outline_holes(filled.geometry.values)
    assert len(holes) == 1
    assert holes[0]["area_km2"] == pytest.approx(area_km2([shapely.box(0.08, 0.12, 0.12, 0.14)])[0])
    assert shapely.coverage_is_valid(filled.geometry.values)
    assert [a["kind"] for a in anomalies] == ["sliver_gaps_filled"]
    assert "1 gaps" in anomalies[0]["detail"]


def test_fill_small_holes_keeps_holes_above_the_threshold():
    tiny = shapely.box(0.01, 0.01, 0.0101, 0.0101).exterior.coords
    big = shapely.box(0.1, 0.1, 0.15, 0.15).exterior.coords
    polygon = shapely.Polygon(shapely.box(0, 0, 0.3, 0.3).exterior.coords, [tiny, big])
    filled, count, km2 = fill_small_holes(polygon, max_km2=0.1)
    assert count == 1
    assert 0 < km2 < 0.001
    assert len(filled.interiors) == 1
    assert shapely.equals(shapely.Polygon(filled.interiors[0]), shapely.Polygon(big))


def test_only_isolated_small_parts_are_dropped():
    main = shapely.box(0, 0, 0.2, 0.2)
    islet = shapely.box(0.5, 0.5, 0.501, 0.501)
    shore = shapely.box(0.3, 0, 0.301, 0.001)  # touches the neighbour below
    neighbour = shapely.box(0.25, -0.1, 0.35, 0)
    lone = shapely.box(2, 2, 2.001, 2.001)  # a unit's only part, however small
    frame = units_frame([shapely.MultiPolygon([main, islet, shore]), neighbour, lone])
    kept, anomalies = drop_islets(frame, max_km2=0.1)
    assert shapely.equals(kept.geometry.iloc[0], shapely.MultiPolygon([main, shore]))
    assert shapely.equals(kept.geometry.iloc[2], lone)
    assert [(a["kind"], a["code"]) for a in anomalies] == [("islet_dropped", "02.251.05.01")]
    assert np.isclose(area_km2(kept.geometry.values)[1], area_km2([neighbour])[0])
