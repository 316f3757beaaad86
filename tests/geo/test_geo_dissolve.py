"""Provinces and regions dissolved from units, and the nesting of Casablanca's prefectures."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.dissolve import dissolve_level, dissolve_levels, memberships


def same_shape(a, b) -> bool:
    """The same area, whatever the vertices and their order."""
    return a.symmetric_difference(b).area < 1e-12


@pytest.fixture
def units():
    """A clean coverage of units: four communes of Figuig, Casablanca as two prefectures."""
    rows = [
        ("02.251.01.03", "02.251.01.03", shapely.box(-1.95, 32.05, -1.9, 32.1)),
        (
            "02.251.05.01",
            "02.251.05.01",
            shapely.box(-2.0, 32.0, -1.8, 32.2).difference(shapely.box(-1.95, 32.05, -1.9, 32.1)),
        ),
        ("02.251.05.03", "02.251.05.03", shapely.box(-1.8, 32.0, -1.6, 32.2)),
        ("02.251.07.11", "02.251.07.11", shapely.box(-2.0, 32.2, -1.6, 32.3)),
        ("06.141.01.00", "06.141.01.0", shapely.box(-7.6, 33.5, -7.5, 33.6)),
        ("06.141.01.10", "06.141.01.0", shapely.box(-7.5, 33.5, -7.4, 33.6)),
    ]
    frame = gpd.GeoDataFrame(
        [{"unit": u, "code": c, "geometry": g} for u, c, g in rows],
        geometry="geometry",
        crs="EPSG:4326",
    )
    frame["geometry"] = shapely.coverage_clean(frame.geometry.values)
    return frame


def test_memberships_put_casablanca_units_in_both_provinces(units, reference):
    rows = memberships(units, reference, "province")
    by_position = rows.groupby("position")["code"].apply(list)
    assert by_position[4] == ["06.141", "06.141.01.00"]
    assert by_position[0] == ["02.251"]
    assert set(memberships(units, reference, "region")["code"]) == {"02", "06"}
    with pytest.raises(ValueError):
        memberships(units, reference, "cercle")


def test_communes_provinces_and_regions_are_unions_of_their_units(units, reference):
    layers, anomalies = dissolve_levels(units, reference)
    communes = layers["commune"].set_index("code")
    assert list(communes.index) == sorted(communes.index)
    assert same_shape(communes.loc["06.141.01.0", "geometry"], shapely.box(-7.6, 33.5, -7.4, 33.6))
    assert communes.loc["02.251.01.03", "parent_code"] == "02.251"
    provinces = layers["province"].set_index("code")
    assert list(provinces.index) == ["02.251", "06.141", "06.141.01.00", "06.141.01.10"]
    assert provinces.loc["02.251", "parent_code"] == "02"
    figuig = provinces.loc["02.251", "geometry"]
    assert figuig.geom_type == "Polygon" and not figuig.interiors
    assert same_shape(figuig, shapely.box(-2.0, 32.0, -1.6, 32.3))
    assert provinces.loc["06.141", "geometry"].contains(provinces.loc["06.141.01.00", "geometry"])
    regions = layers["region"]
    assert list(regions["code"]) == ["02", "06"]
    assert regions["parent_code"].isna().all()
    assert list(layers["region"].columns) == [
        "code",
        "name_fr",
        "name_ar",
        "parent_code",
        "geometry",
    ]
    nested = [a for a in anomalies if a["kind"] == "nested_province"]
    assert len(nested) == 1 and nested[0]["code"] == "06.141"
    assert "06.141.01.00, 06.141.01.10" in nested[0]["detail"]


def test_sliver_holes_left_by_a_dissolve_are_filled_but_real_holes_stay(units, reference):
    geoms = units.geometry.values.copy()
    # A 10 m notch in Bni Guil's border with Abou Lakhal leaves a gap between them; with the
    # town taken out, the province also has a 21 km² hole.
    notch = shapely.box(-1.8, 32.1, -1.7999, 32.1001)
    geoms[2] = shapely.box(-1.8, 32.0, -1.6, 32.2).difference(notch)
    geoms[0] = shapely.Polygon()
    units = units.assign(geometry=shapely.coverage_clean(geoms))
    province, filled = dissolve_level(units, reference, "province", sliver_km2=0.5)
    figuig = province.set_index("code").loc["02.251", "geometry"]
    assert filled["holes"] == 1
    assert len(figuig.interiors) == 1
    assert same_shape(shapely.Polygon(figuig.interiors[0]), shapely.box(-1.95, 32.05, -1.9, 32.1))


def test_territories_without_units_are_left_out(units, reference_with_missing):
    commune, _ = dissolve_level(units, reference_with_missing, "commune")
    assert "02.251.05.99" not in set(commune["code"])
    assert len(commune) == 5
