"""How far a point lies outside a territory: metres measured in the country's conformal
projection, against the geodesic distance, and the unsimplified boundary read from the cache."""

from __future__ import annotations

import os

import geopandas as gpd
import pyproj
import pytest
import shapely

from geo.cache import layer_path
from geo.distance import boundary_of, distance_outside_m

GEOD = pyproj.Geod(ellps="WGS84")

# The conformal projection's scale error, from Tangier to Lagouira.
WITHIN = 0.006


def square(lon: float, lat: float, size: float) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + size, lat + size)


def east_of(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """The point `metres` due east of (lon, lat) along the geodesic."""
    east, north, _back = GEOD.fwd(lon, lat, 90, metres)
    return east, north


def write_full_layer(out_dir, level: str, shapes: dict[str, shapely.Geometry]) -> None:
    """An unsimplified layer of the cache holding `shapes` (code → geometry)."""
    path = layer_path(out_dir, level, full=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    layer = gpd.GeoDataFrame(
        {
            "code": list(shapes),
            "name_fr": list(shapes),
            "name_ar": list(shapes),
            "parent_code": [None] * len(shapes),
        },
        geometry=list(shapes.values()),
        crs="EPSG:4326",
    )
    layer.to_file(path, driver="GPKG", layer=level, engine="pyogrio")


FIGUIG_SQUARE = square(-1.3, 32.0, 0.2)


@pytest.mark.parametrize("point", [(-1.2, 32.1), (-1.1, 32.1), (-1.3, 32.0)])
def test_a_point_inside_or_on_the_boundary_is_zero_metres_outside(point):
    assert distance_outside_m(FIGUIG_SQUARE, *point) == 0.0


@pytest.mark.parametrize("metres", [50, 1000, 2000, 14000, 80000])
def test_a_point_east_of_figuig_is_as_far_as_the_geodesic_says(metres):
    lon, lat = east_of(-1.1, 32.1, metres)
    assert distance_outside_m(FIGUIG_SQUARE, lon, lat) == pytest.approx(metres, rel=WITHIN)


@pytest.mark.parametrize(
    "corner",
    [
        (-5.9, 35.7),  # Tangier, the north
        (-15.95, 23.65),  # Dakhla, the south
        (-1.9, 34.65),  # Oujda, the east
        (-17.0, 21.0),  # Lagouira, the far south-west
    ],
)
def test_distances_hold_from_the_north_to_the_south_of_the_country(corner):
    lon, lat = corner
    shape = square(lon - 0.1, lat - 0.1, 0.1)  # the point's corner is its north-east
    for azimuth in (0, 45, 90):
        east, north, _back = GEOD.fwd(lon, lat, azimuth, 14000)
        measured = distance_outside_m(shape, east, north)
        assert measured == pytest.approx(14000, rel=WITHIN), (corner, azimuth)


def test_a_territory_in_pieces_is_measured_to_its_nearest_piece():
    pieces = shapely.MultiPolygon([square(-1.3, 32.0, 0.2), square(-0.9, 32.0, 0.1)])
    lon, lat = east_of(-0.8, 32.05, 3000)
    assert distance_outside_m(pieces, lon, lat) == pytest.approx(3000, rel=WITHIN)
    between = east_of(-1.1, 32.05, 5000)
    assert distance_outside_m(pieces, *between) == pytest.approx(5000, rel=WITHIN)


@pytest.mark.parametrize("boundary", [None, shapely.Polygon()])
def test_no_shape_is_no_distance(boundary):
    with pytest.raises(ValueError):
        distance_outside_m(boundary, -1.2, 32.1)


def test_the_boundary_comes_from_the_unsimplified_layer(tmp_path):
    write_full_layer(tmp_path, "commune", {"02.251.01.03": FIGUIG_SQUARE, "other": square(0, 0, 1)})
    found = boundary_of(tmp_path, "commune", "02.251.01.03")
    assert found.equals(FIGUIG_SQUARE)


def test_no_boundary_when_the_cache_lacks_the_layer_or_the_territory(tmp_path):
    assert boundary_of(tmp_path, "commune", "02.251.01.03") is None
    write_full_layer(tmp_path, "commune", {"02.251.01.03": FIGUIG_SQUARE})
    assert boundary_of(tmp_path, "commune", "01.511.01.0") is None
    assert boundary_of(tmp_path, "province", "02.251") is None
    assert boundary_of(tmp_path, "commune", "it's") is None  # a quote in a code is a code


def test_a_rebuilt_layer_is_read_again(tmp_path):
    write_full_layer(tmp_path, "commune", {"02.251.01.03": FIGUIG_SQUARE})
    assert boundary_of(tmp_path, "commune", "02.251.01.03").equals(FIGUIG_SQUARE)
    moved = square(-1.2, 32.0, 0.2)
    write_full_layer(tmp_path, "commune", {"02.251.01.03": moved})
    path = layer_path(tmp_path, "commune", full=True)
    later = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))
    assert boundary_of(tmp_path, "commune", "02.251.01.03").equals(moved)


def test_an_unknown_level_is_refused(tmp_path):
    with pytest.raises(ValueError):
        boundary_of(tmp_path, "district", "02")
