"""Registering shifted shapes to real positions with control points."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.registration import (
    apply_registration,
    control_points,
    fit_registration,
    load_cities,
    name_key,
)


def test_name_key_folds_case_accents_and_arabic_spelling():
    assert name_key("Béni-Mellal") == name_key("beni mellal")
    assert name_key("أصيلة") == name_key("اصيله")


def test_cities_table_has_moroccan_cities_with_arabic_names():
    cities = load_cities()
    assert len(cities) > 150
    oujda = cities[cities["name"] == "Oujda"].iloc[0]
    assert name_key("وجدة") in oujda["keys"]
    assert 34.6 < oujda["latitude"] < 34.8


def _towns(shift_lat=0.18, n=30, seed=1):
    """Square towns drawn `shift_lat` degrees north of their real points."""
    rng = np.random.default_rng(seed)
    lons = rng.uniform(-13, -2, n)
    lats = rng.uniform(24, 35, n)
    communes = gpd.GeoDataFrame(
        {
            "code": [f"00.000.01.{i:02d}" for i in range(n)],
            "name_fr": [f"Town {i}" for i in range(n)],
            "name_ar": ["" for _ in range(n)],
            "kind": "urban",
        },
        geometry=[
            box(x - 0.02, y + shift_lat - 0.02, x + 0.02, y + shift_lat + 0.02)
            for x, y in zip(lons, lats)
        ],
        crs=4326,
    )
    cities = pd.DataFrame(
        {"name": [f"Town {i}" for i in range(n)], "latitude": lats, "longitude": lons}
    )
    cities["keys"] = [{name_key(n)} for n in cities["name"]]
    return communes, cities


def test_a_uniform_shift_is_found_and_undone():
    communes, cities = _towns()
    points = control_points(communes, cities)
    assert len(points) == 30
    registration = fit_registration(points)
    assert registration.median_offset_km_before == pytest.approx(20.0, abs=0.5)
    assert registration.median_offset_km_after < 0.1
    moved = apply_registration(communes, registration)
    for geometry, lon, lat in zip(moved.geometry, cities["longitude"], cities["latitude"]):
        assert geometry.contains(Point(lon, lat))


def test_a_wrong_namesake_far_away_is_not_a_control_point():
    communes, cities = _towns()
    cities.loc[0, ["latitude", "longitude"]] = (20.0, -17.0)  # another Town 0, far off
    assert "00.000.01.00" not in set(control_points(communes, cities)["code"])


def test_a_bad_match_is_left_out_of_the_fit():
    communes, cities = _towns()
    cities.loc[0, "latitude"] += 0.25  # a match 28 km off: same name, other place nearby
    registration = fit_registration(control_points(communes, cities))
    assert registration.rejected == 1
    assert registration.median_offset_km_after < 0.1


def test_too_few_points_refuse_to_fit():
    communes, cities = _towns(n=5)
    with pytest.raises(ValueError, match="control points"):
        fit_registration(control_points(communes, cities))


def test_rural_communes_are_not_control_points():
    communes, cities = _towns()
    communes["kind"] = "rural"
    assert control_points(communes, cities).empty
