"""Simplification arc by arc: shared borders stay shared, coordinates are rounded."""

from __future__ import annotations

import geopandas as gpd
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
from geo.simplify import (
    Tolerance,
    coverage_arcs,
    round_coordinates,
    simplify_coverage_arcs,
    simplify_units,
    unit_tolerances,
)


def wiggly_border(bump: float = 0.0) -> np.ndarray:
    """A border from -2.0 to -1.0 longitude at 32°N that zigzags by about 500 m, with a
    rectangular bump of `bump` degrees to the north between -1.52 and -1.48."""
    x = np.linspace(-2.0, -1.0, 401)
    rng = np.random.default_rng(7)
    y = 32.0 + 0.004 * np.sin(x * 40) + rng.uniform(-0.001, 0.001, x.size)
    y[0] = y[-1] = 32.0
    y[(x > -1.52) & (x < -1.48)] += bump
    return np.column_stack([x, y])


def two_neighbours(bump: float = 0.0) -> np.ndarray:
    """A southern and a northern unit sharing the wiggly border, vertex for vertex."""
    border = wiggly_border(bump)
    south = shapely.Polygon([(-1.0, 31.8), (-2.0, 31.8), *border])
    north = shapely.Polygon([*border, (-1.0, 32.2), (-2.0, 32.2)])
    return np.array([south, north], dtype=object)


def test_two_units_sharing_a_border_still_share_it_after_simplification():
    geoms = two_neighbours()
    simplified, stats = simplify_coverage_arcs(geoms, [2000.0, 2000.0])
    assert shapely.is_valid(simplified).all()
    assert stats["vertices_after"] < stats["vertices_before"] / 10
    assert len(neighbour_overlaps(simplified, ["S", "N"])) == 0
    assert outline_holes(simplified) == []
    shared = shapely.intersection(simplified[0].boundary, simplified[1].boundary)
    # One line from -2.0 to -1.0 longitude that both units have.
    assert shapely.get_dimensions(shared) == 1
    assert shared.length >= 1.0


def test_each_polygon_simplified_alone_would_open_gaps_that_ours_does_not():
    geoms = two_neighbours()
    alone = shapely.simplify(geoms, 0.02, preserve_topology=True)
    ours, _ = simplify_coverage_arcs(geoms, [2000.0, 2000.0])
    assert new_gaps_km2(geoms, alone) + area_km2([shapely.intersection(*alone)])[0] > 1.0
    assert new_gaps_km2(geoms, ours) == 0.0


def test_borders_move_less_than_the_tolerance():
    geoms = two_neighbours()
    simplified, _ = simplify_coverage_arcs(geoms, [500.0, 500.0])
    moved = boundary_displacement(geoms, simplified)
    # 500 m tolerance, plus at most 7 m of rounding to 4 decimals.
    assert (moved["hausdorff_km"] < 0.51).all()
    assert (moved["mean_km"] < 0.25).all()


def test_coordinates_are_rounded_to_four_decimals():
    simplified, _ = simplify_coverage_arcs(two_neighbours(), [300.0, 300.0])
    coords = shapely.get_coordinates(simplified)
    assert np.array_equal(coords, np.round(coords, 4))


def test_round_coordinates_removes_points_that_round_together():
    line = shapely.LineString([(0.00001, 0), (0.00002, 0), (1.123456, 2.654321)])
    rounded = round_coordinates([line])[0]
    assert shapely.get_coordinates(rounded).tolist() == [[0.0, 0.0], [1.1235, 2.6543]]


def test_an_enclave_close_to_a_border_stays_whole_and_apart():
    # The border bumps 0.03° north; a town sits inside the bump, in the southern unit. A
    # straightened border would cut through it or pass over it.
    south, north = two_neighbours(bump=0.03)
    town = shapely.box(-1.51, 32.01, -1.49, 32.025)
    geoms = np.array([south.difference(town), north, town], dtype=object)
    simplified, stats = simplify_coverage_arcs(geoms, [3000.0, 3000.0, 3000.0])
    assert shapely.is_valid(simplified).all()
    assert len(neighbour_overlaps(simplified, ["S", "N", "T"])) == 0
    assert area_km2([simplified[2]])[0] == pytest.approx(area_km2([town])[0], rel=0.02)
    assert simplified[0].contains(simplified[2].representative_point()) is False
    assert stats["arcs_refined"] > 0
    assert stats["arcs_unresolved"] == 0


def test_the_rim_of_a_hole_gets_the_hole_tolerance():
    theta = np.linspace(0, 2 * np.pi, 300, endpoint=False)
    radius = 0.05 + 0.01 * np.sin(theta * 13)
    rim = np.column_stack([-1.5 + radius * np.cos(theta), 32.0 + radius * np.sin(theta)])
    unit = shapely.Polygon(shapely.box(-1.7, 31.8, -1.3, 32.2).exterior.coords, [rim])
    geoms = np.array([unit], dtype=object)
    careful, _ = simplify_coverage_arcs(geoms, [5000.0], hole_m=50.0)
    coarse, _ = simplify_coverage_arcs(geoms, [5000.0], hole_m=5000.0)
    assert new_gaps_km2(geoms, careful) < 1.0
    assert new_gaps_km2(geoms, coarse) > 5 * new_gaps_km2(geoms, careful)


def test_geometries_that_are_not_a_coverage_are_refused():
    overlapping = np.array([shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 1.5, 1)], dtype=object)
    with pytest.raises(ValueError, match="not a coverage"):
        simplify_coverage_arcs(overlapping, [100.0, 100.0])


def test_arcs_run_between_junctions_and_know_their_units():
    arcs = coverage_arcs(two_neighbours())
    # The shared border, and the outline of each unit (whose ends are the border's ends).
    assert len(arcs.lines) == 3
    assert sorted(np.bincount(arcs.side_arc).tolist()) == [1, 1, 2]
    assert not arcs.on_hole.any()


def test_unit_tolerances_follow_the_size_of_each_unit():
    tolerance = Tolerance(scale=0.05, min_m=100, max_m=3000)
    assert unit_tolerances([100.0, 1.0, 1e6], tolerance).tolist() == [500.0, 100.0, 3000.0]


def test_simplify_units_reports_its_parameters_and_counts():
    units = gpd.GeoDataFrame({"unit": ["S", "N"]}, geometry=list(two_neighbours()), crs="EPSG:4326")
    simplified, stats = simplify_units(units, Tolerance(scale=0.05))
    assert list(simplified["unit"]) == ["S", "N"]
    assert stats["scale"] == 0.05 and stats["decimals"] == 4
    assert stats["arcs"] == 3 and stats["rounds"] >= 1


def test_a_border_shorter_than_the_rounding_vanishes_without_harm():
    # A wedge touches the southern unit along 3 m only: rounding to 4 decimals merges the two
    # junctions at its ends into one point.
    south = shapely.box(-2.0, 31.9, -1.0, 32.0)
    west = shapely.Polygon([(-2.0, 32.0), (-1.5, 32.0), (-1.5, 32.1), (-2.0, 32.1)])
    wedge = shapely.Polygon([(-1.5, 32.0), (-1.49997, 32.0), (-1.4, 32.1), (-1.5, 32.1)])
    east = shapely.Polygon([(-1.49997, 32.0), (-1.0, 32.0), (-1.0, 32.1), (-1.4, 32.1)])
    geoms = shapely.coverage_clean(np.array([south, west, wedge, east], dtype=object))
    simplified, stats = simplify_coverage_arcs(geoms, [100.0] * 4)
    assert stats["arcs_vanished"] == 1 and stats["arcs_unresolved"] == 0
    assert shapely.is_valid(simplified).all()
    assert len(neighbour_overlaps(simplified, ["S", "W", "V", "E"])) == 0
    assert outline_holes(simplified) == []
