"""The measures: overlaps, holes, new gaps and displacement, in km² and km."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.crs import area_km2
from geo.quality import (
    boundary_displacement,
    neighbour_overlaps,
    new_gaps_km2,
    outline_holes,
)


def test_overlaps_are_measured_in_km2_and_touching_is_not_overlapping():
    a = shapely.box(-2.0, 32.0, -1.9, 32.1)
    b = shapely.box(-1.91, 32.0, -1.8, 32.1)  # overlaps a by 0.01° of longitude
    c = shapely.box(-1.8, 32.0, -1.7, 32.1)  # touches b
    overlaps = neighbour_overlaps([a, b, c], ["A", "B", "C"])
    assert overlaps[["code_a", "code_b"]].values.tolist() == [["A", "B"]]
    expected = area_km2([shapely.box(-1.91, 32.0, -1.9, 32.1)])[0]
    assert overlaps["km2"].iloc[0] == pytest.approx(expected)
    assert 9 < expected < 11  # about 0.94 km by 11.1 km at 32°N


def test_outline_holes_are_listed_with_their_area_place_and_neighbours():
    frame = shapely.box(-2.0, 32.0, -1.7, 32.3)
    hole = shapely.box(-1.9, 32.1, -1.8, 32.2)
    west = shapely.box(-2.0, 32.0, -1.85, 32.3).difference(hole)
    east = shapely.box(-1.85, 32.0, -1.7, 32.3).difference(hole)
    holes = outline_holes([west, east, shapely.box(-1.7, 32.0, -1.6, 32.3)], ["W", "E", "X"])
    assert len(holes) == 1
    assert holes[0]["area_km2"] == pytest.approx(area_km2([hole])[0])
    assert hole.contains(shapely.Point(holes[0]["lon"], holes[0]["lat"]))
    assert holes[0]["communes"] == ["E", "W"]
    assert outline_holes([frame]) == []


def test_new_gaps_count_what_simplification_opens_but_not_the_source_holes():
    hole = shapely.box(-1.9, 32.1, -1.8, 32.2)
    west = shapely.box(-2.0, 32.0, -1.85, 32.3).difference(hole)
    east = shapely.box(-1.85, 32.0, -1.7, 32.3).difference(hole)
    assert new_gaps_km2([west, east], [west, east]) == 0.0
    # The east unit pulls back from the shared border by 0.01°: a gap closed at both ends.
    gap = shapely.box(-1.85, 32.25, -1.84, 32.28)
    shrunk = east.difference(gap)
    assert new_gaps_km2([west, east], [west, shrunk]) == pytest.approx(area_km2([gap])[0])


def test_displacement_is_zero_for_the_same_shape_and_the_offset_otherwise():
    square = shapely.box(-2.0, 32.0, -1.9, 32.1)
    same = boundary_displacement([square], [square])
    assert same["mean_km"].iloc[0] == 0 and same["hausdorff_km"].iloc[0] == 0
    # Growing the square by 0.001° of latitude on every side moves its border by about 111 m,
    # and its corners by 111 m × √2.
    grown = shapely.box(-2.0 - 0.00118, 32.0 - 0.001, -1.9 + 0.00118, 32.1 + 0.001)
    moved = boundary_displacement([square], [grown])
    assert moved["hausdorff_km"].iloc[0] == pytest.approx(0.157, abs=0.01)
    assert moved["mean_km"].iloc[0] == pytest.approx(0.111, abs=0.01)
    assert np.isfinite(boundary_displacement([shapely.Polygon()], [square])["mean_km"]).all()
