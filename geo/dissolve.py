"""Communes, provinces and regions dissolved from the units of a clean coverage.

A unit is a commune, except that the commune of Casablanca is drawn as its eight prefectures
of arrondissements, which are among the 83 provinces. So a unit belongs to one commune, one
region, and one province or, in Casablanca, two: the prefecture of Casablanca (06.141) and the
prefecture of arrondissements inside it. Both are in the province layer, the larger first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .clean import SLIVER_KM2, fill_small_holes, polygonal
from .crs import WGS84
from .reference import LEVELS, Reference
from .report import anomaly

LAYER_COLUMNS = ["code", "name_fr", "name_ar", "parent_code", "geometry"]


def memberships(units: pd.DataFrame, ref: Reference, level: str) -> pd.DataFrame:
    """Which units make up each territory of `level`: rows of (`position` of the unit, `code`).

    `units` needs `unit` and `code` (its commune). Raises `ValueError` for an unknown level and
    `KeyError` for a unit whose commune is not in the reference.
    """
    if level not in LEVELS:
        raise ValueError(f"level is one of {', '.join(LEVELS)}, not {level!r}")
    communes = ref.communes.set_index("code")
    position = np.arange(len(units))
    commune = units["code"].to_numpy()
    if level == "commune":
        return pd.DataFrame({"position": position, "code": commune})
    if level == "region":
        return pd.DataFrame(
            {"position": position, "code": communes.loc[commune, "region_code"].to_numpy()}
        )
    rows = pd.DataFrame(
        {"position": position, "code": communes.loc[commune, "province_code"].to_numpy()}
    )
    provinces = set(ref.provinces["code"])
    unit = units["unit"].to_numpy()
    own = np.array(
        [u in provinces and u != c for u, c in zip(unit, rows["code"], strict=True)], dtype=bool
    )
    nested = pd.DataFrame({"position": position[own], "code": unit[own]})
    return pd.concat([rows, nested], ignore_index=True)


def dissolve_level(
    units: gpd.GeoDataFrame, ref: Reference, level: str, sliver_km2: float = SLIVER_KM2
) -> tuple[gpd.GeoDataFrame, dict[str, float]]:
    """The territories of `level` with geometry: columns code, name_fr, name_ar, parent_code.

    Each territory is the union of its units (which must form a coverage), with holes under
    `sliver_km2` filled. Territories with no unit are left out (the caller reports them).
    Sorted by code, so a province comes before the prefectures of arrondissements inside it.
    Also returns {"holes": count, "km2": area} of the holes filled.
    """
    table = {"commune": ref.communes, "province": ref.provinces, "region": ref.regions}[level]
    parent = {"commune": "province_code", "province": "region_code", "region": None}[level]
    geoms = units.geometry.values
    groups = memberships(units, ref, level).groupby("code")["position"].apply(list)
    rows, holes, km2 = [], 0, 0.0
    for record in table.sort_values("code").itertuples(index=False):
        positions = groups.get(record.code)
        if not positions:
            continue
        geom = polygonal(shapely.coverage_union_all(geoms[positions]))
        geom, count, filled = fill_small_holes(geom, sliver_km2)
        holes, km2 = holes + count, km2 + filled
        if geom.is_empty:
            continue
        rows.append(
            {
                "code": record.code,
                "name_fr": record.name_fr,
                "name_ar": record.name_ar,
                "parent_code": getattr(record, parent) if parent else None,
                "geometry": geom,
            }
        )
    layer = gpd.GeoDataFrame(
        rows, columns=LAYER_COLUMNS, geometry="geometry", crs=units.crs or WGS84
    )
    return layer, {"holes": holes, "km2": km2}


def dissolve_levels(
    units: gpd.GeoDataFrame, ref: Reference, sliver_km2: float = SLIVER_KM2
) -> tuple[dict[str, gpd.GeoDataFrame], list[dict[str, Any]]]:
    """All three layers from the units, and the anomalies: sliver holes filled in a level, and
    provinces drawn inside another province."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    found: list[dict[str, Any]] = []
    for level in LEVELS:
        layers[level], filled = dissolve_level(units, ref, level, sliver_km2)
        if filled["holes"]:
            found.append(
                anomaly(
                    "sliver_holes_filled",
                    f"{filled['holes']} holes under {sliver_km2:g} km² "
                    f"({filled['km2']:.3f} km² in all) filled in the {level} layer",
                )
            )
    inside: dict[str, set[str]] = defaultdict(set)
    for _position, members in memberships(units, ref, "province").groupby("position", sort=False)[
        "code"
    ]:
        # The commune's own province comes first, the prefecture of arrondissements after.
        codes = list(members)
        inside[codes[0]].update(codes[1:])
    for outer, nested in sorted(inside.items()):
        if not nested:
            continue
        found.append(
            anomaly(
                "nested_province",
                f"contains the provinces {', '.join(sorted(nested))}: their features overlap "
                "it in the province layer, which lists it first",
                code=outer,
            )
        )
    return layers, found
