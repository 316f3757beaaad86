"""Turning joined pieces into a clean coverage: valid polygons, one per unit, no overlap, no sliver.

The source draws every commune as a single ring, so a town enclosed by a rural commune lies on
top of it instead of in a hole, and neighbouring rings were digitised separately, so they leave
thin gaps and small overlaps along shared borders. The steps, in order:

1. `repair`: make invalid rings valid (Fès-Médina crosses itself);
2. `merge_units`: union the pieces of each unit (a commune with its "(Centre)" town, a city with
   its arrondissements);
3. `cut_enclaves`: cut each unit lying inside another out of it;
4. `clean_coverage`: snap shared borders together and settle the small overlaps left;
5. `fill_sliver_gaps`: give each thin gap between units to the neighbour with the longest
   border on it, leaving the real holes (reservoirs, gaps in the source) alone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from .crs import area_km2
from .quality import outline_holes
from .report import anomaly

#: A unit whose area lies more than this share inside a larger one is enclosed by it. Shared
#: borders drawn twice overlap by well under 1 %, enclosed towns by 100 %.
ENCLAVE_SHARE = 0.5

#: Holes smaller than this (km²) are slivers left between rings drawn separately; the smallest
#: real hole in the source (a reservoir) is about 0.9 km², the largest sliver 0.003 km².
SLIVER_KM2 = 0.1

#: Disjoint parts smaller than this (km²) that touch no other unit are dropped as islets.
ISLET_KM2 = 0.1


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a geometry (the polygon parts of a collection), as one geometry."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, (shapely.Polygon, shapely.MultiPolygon))
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def repair(pieces: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Make every invalid geometry valid, keeping its polygonal part, and report each repair.

    Reports the validity problem and the area before and after. Expects the columns `source`
    and `code` (the joined pieces); refuses nothing.
    """
    repaired = pieces.copy()
    found: list[dict[str, Any]] = []
    invalid = np.flatnonzero(~shapely.is_valid(repaired.geometry.values))
    for position in invalid:
        index = repaired.index[position]
        before = repaired.geometry.iloc[position]
        after = polygonal(shapely.make_valid(before, method="structure"))
        reason = shapely.is_valid_reason(before)
        was, now = area_km2([before, after])
        found.append(
            anomaly(
                "invalid_repaired",
                f"{reason}; repaired ({was:.2f} km² as drawn, {now:.2f} km² once valid)",
                code=repaired.at[index, "code"],
                source=repaired.at[index, "source"],
            )
        )
        repaired.loc[index, "geometry"] = after
    return repaired, found


def merge_units(pieces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One geometry per `unit`: the union of its pieces, with the unit's commune `code`.

    Pieces without a unit (unmatched) are left out. Sorted by unit code.
    """
    matched = pieces[pieces["unit"].notna()]
    rows = []
    for unit, group in matched.groupby("unit", sort=True):
        geom = polygonal(shapely.union_all(group.geometry.values))
        rows.append({"unit": unit, "code": group["code"].iloc[0], "geometry": geom})
    return gpd.GeoDataFrame(
        rows, columns=["unit", "code", "geometry"], geometry="geometry", crs=pieces.crs
    )


def cut_enclaves(
    units: gpd.GeoDataFrame, share: float = ENCLAVE_SHARE
) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Cut every unit lying inside another (by more than `share` of its area) out of the other.

    The smaller unit keeps its whole shape: a town drawn on top of its rural commune stays the
    town's. Reports each cut with the area removed.
    """
    cut = units.copy()
    geoms = cut.geometry.values.copy()
    areas = shapely.area(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inside = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    enclosed = inside > share * np.minimum(areas[left], areas[right])
    holes: dict[int, list[int]] = defaultdict(list)
    for a, b in zip(left[enclosed], right[enclosed], strict=True):
        outer, inner = (a, b) if areas[a] >= areas[b] else (b, a)
        holes[outer].append(inner)
    found: list[dict[str, Any]] = []
    unit_codes = cut["unit"].to_numpy()
    for outer, inners in sorted(holes.items()):
        before = geoms[outer]
        geoms[outer] = polygonal(shapely.difference(before, shapely.union_all(geoms[inners])))
        for inner in inners:
            km2 = area_km2([shapely.intersection(before, geoms[inner])])[0]
            found.append(
                anomaly(
                    "enclave_cut",
                    f"{unit_codes[inner]} lay inside it and was cut out ({km2:.2f} km²)",
                    code=unit_codes[outer],
                )
            )
    cut["geometry"] = geoms
    return cut, found


def clean_coverage(units: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Make the units a valid coverage: shared borders snapped to identical vertices, overlaps
    given to one side. Gaps are kept (see `fill_sliver_gaps`).

    Reports how much area moved. Raises `ValueError` if the result is still not a valid
    coverage, since simplification would then open gaps and overlaps.
    """
    geoms = units.geometry.values
    cleaned = shapely.coverage_clean(geoms)
    if not shapely.coverage_is_valid(cleaned):
        raise ValueError("the units do not form a valid coverage once cleaned")
    # Measuring areas means projecting every vertex: do it for the units that changed only.
    touched = ~shapely.equals_exact(cleaned, geoms, tolerance=0.0)
    moved = (
        np.abs(area_km2(cleaned[touched]) - area_km2(geoms[touched]))
        if touched.any()
        else np.zeros(0)
    )
    found = []
    changed = int((moved > 1e-6).sum())
    if changed:
        found.append(
            anomaly(
                "overlaps_resolved",
                f"{changed} units moved by snapping shared borders and settling overlaps "
                f"({moved.sum():.3f} km² in all, at most {moved.max():.3f} km² for one unit)",
            )
        )
    out = units.copy()
    out["geometry"] = cleaned
    return out, found


def fill_sliver_gaps(
    units: gpd.GeoDataFrame, max_km2: float = SLIVER_KM2
) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Give each hole under `max_km2` in the coverage to the unit with the longest border on it.

    Larger holes are real (reservoirs, areas the source leaves out) and stay. The units must
    form a valid coverage (`clean_coverage`); they still do afterwards, since a gap's outline is
    made of its neighbours' edges. Reports the number and area of the gaps filled.
    """
    geoms = units.geometry.values.copy()
    slivers = [h for h in outline_holes(geoms) if h["area_km2"] < max_km2]
    if not slivers:
        return units.copy(), []
    gaps = np.asarray([h["geometry"] for h in slivers], dtype=object)
    gap_index, unit_index = shapely.STRtree(geoms).query(gaps, predicate="intersects")
    shared = shapely.length(
        shapely.intersection(shapely.boundary(gaps[gap_index]), geoms[unit_index])
    )
    taker: dict[int, int] = {}
    best: dict[int, float] = {}
    for g, u, length in zip(gap_index, unit_index, shared, strict=True):
        if length > best.get(g, -1.0):
            best[g], taker[g] = length, u
    given: dict[int, list[int]] = defaultdict(list)
    for g, u in taker.items():
        given[u].append(g)
    for u, gap_list in given.items():
        geoms[u] = polygonal(shapely.union_all([geoms[u], *gaps[gap_list]]))
    total = sum(h["area_km2"] for h in slivers)
    out = units.copy()
    out["geometry"] = geoms
    detail = (
        f"{len(slivers)} gaps under {max_km2:g} km² between units ({total:.3f} km² in all) "
        "given to the neighbour with the longest border on each"
    )
    return out, [anomaly("sliver_gaps_filled", detail)]


def fill_small_holes(
    geom: shapely.Geometry, max_km2: float = SLIVER_KM2
) -> tuple[shapely.Geometry, int, float]:
    """`geom` with its interior rings under `max_km2` filled; also the count and km² filled.

    Larger holes (a reservoir, an enclave such as Melilla's) stay.
    """
    if geom is None or geom.is_empty:
        return geom, 0, 0.0
    count, filled, parts = 0, 0.0, []
    for part in shapely.get_parts(geom):
        if not isinstance(part, shapely.Polygon):
            parts.append(part)
            continue
        rings = [shapely.Polygon(interior) for interior in part.interiors]
        sizes = area_km2(rings) if rings else np.array([])
        keep = [ring for ring, size in zip(part.interiors, sizes, strict=True) if size >= max_km2]
        count += int((sizes < max_km2).sum())
        filled += float(sizes[sizes < max_km2].sum())
        parts.append(shapely.Polygon(part.exterior, keep))
    result = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return result, count, filled


def drop_islets(
    units: gpd.GeoDataFrame, max_km2: float = ISLET_KM2
) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Drop the disjoint parts under `max_km2` that touch no other unit (islets).

    A unit's largest part is never dropped, nor a part touching a neighbour (that would open a
    gap). Reports each part dropped.
    """
    geoms = units.geometry.values.copy()
    tree = shapely.STRtree(geoms)
    found: list[dict[str, Any]] = []
    for i, geom in enumerate(geoms):
        parts = shapely.get_parts(geom)
        if len(parts) < 2:
            continue
        sizes = area_km2(parts)
        largest = int(np.argmax(sizes))
        kept = []
        for j, (part, size) in enumerate(zip(parts, sizes, strict=True)):
            neighbours = [k for k in tree.query(part, predicate="intersects") if k != i]
            if j != largest and size < max_km2 and not neighbours:
                point = shapely.point_on_surface(part)
                found.append(
                    anomaly(
                        "islet_dropped",
                        f"a part of {size:.3f} km² at {point.x:.4f}, {point.y:.4f} "
                        "touching no other unit",
                        code=units["unit"].iloc[i],
                    )
                )
            else:
                kept.append(part)
        geoms[i] = kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)
    out = units.copy()
    out["geometry"] = geoms
    return out, found
