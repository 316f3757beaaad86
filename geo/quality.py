"""Measures of a layer: overlaps between neighbours, holes, and how far simplification moved it.

Areas are taken in the equal-area projection (km²), distances in the conformal one (km); see
`geo.crs`. The functions take arrays of shapely geometries in longitude/latitude.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from .crs import EQUAL_AREA, area_km2, project


def neighbour_overlaps(geoms: ArrayLike, codes: ArrayLike) -> pd.DataFrame:
    """Every pair of geometries whose interiors overlap, with the overlap in km².

    Columns `code_a`, `code_b`, `km2`, largest first; pairs that only touch are left out.
    """
    planar = shapely.make_valid(project(geoms, target=EQUAL_AREA))
    names = np.asarray(codes, dtype=object)
    left, right = shapely.STRtree(planar).query(planar, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    km2 = shapely.area(shapely.intersection(planar[left], planar[right])) / 1e6
    found = km2 > 0
    frame = pd.DataFrame(
        {"code_a": names[left[found]], "code_b": names[right[found]], "km2": km2[found]}
    )
    return frame.sort_values("km2", ascending=False, ignore_index=True)


def _union(geoms: np.ndarray) -> shapely.Geometry:
    # The coverage union is ten times faster but wrong on geometries that overlap or whose
    # shared borders differ: check first, since a faulty layer is what a measure must see.
    if shapely.coverage_is_valid(geoms):
        return shapely.coverage_union_all(geoms)
    return shapely.union_all(geoms)


def outline_holes(geoms: ArrayLike, codes: ArrayLike | None = None) -> list[dict[str, Any]]:
    """The holes in the union of a polygonal coverage: land the layer leaves uncovered inside
    its outline, largest first, as {area_km2, lon, lat, communes, geometry}.

    `lon`/`lat` is a point inside the hole; `communes` the codes of the geometries around it
    (when `codes` is given).
    """
    geoms = np.asarray(geoms, dtype=object)
    union = _union(geoms)
    holes = [
        shapely.Polygon(interior)
        for part in shapely.get_parts(union)
        for interior in part.interiors
    ]
    if not holes:
        return []
    holes_array = np.asarray(holes, dtype=object)
    areas = area_km2(holes_array)
    around: list[list[str]] = [[] for _ in holes]
    if codes is not None:
        names = np.asarray(codes, dtype=object)
        hole_index, geom_index = shapely.STRtree(geoms).query(holes_array, predicate="intersects")
        for h, g in zip(hole_index, geom_index, strict=True):
            around[h].append(str(names[g]))
    found = []
    for i in np.argsort(-areas, kind="stable"):
        point = shapely.point_on_surface(holes_array[i])
        found.append(
            {
                "area_km2": float(areas[i]),
                "lon": round(point.x, 4),
                "lat": round(point.y, 4),
                "communes": sorted(around[i]),
                "geometry": holes_array[i],
            }
        )
    return found


def new_gaps_km2(
    original: ArrayLike, simplified: ArrayLike, original_holes: list[dict[str, Any]] | None = None
) -> float:
    """Area (km²) of the holes in the simplified layer's outline that the original does not have.

    The original's own holes are not counted; where simplification widened one of them, the
    widening is. `original_holes` (from `outline_holes(original)`) saves measuring them again.
    """
    if original_holes is None:
        original_holes = outline_holes(original)
    before = shapely.union_all([h["geometry"] for h in original_holes])
    after = [h["geometry"] for h in outline_holes(simplified)]
    if not after:
        return 0.0
    opened = shapely.difference(shapely.union_all(after), before)
    return float(area_km2([opened])[0])


def boundary_displacement(original: ArrayLike, simplified: ArrayLike) -> pd.DataFrame:
    """How far each simplified geometry's boundary lies from the original's, in km.

    `mean_km`: the mean distance between the two boundaries, taken as the area between them
    (their symmetric difference) divided by the original perimeter, the usual areal measure of
    line displacement. `hausdorff_km`: the largest distance (discrete Hausdorff distance
    between the boundaries), which a single spike decides. One row per geometry.
    """
    before = project(original)
    after = project(simplified)
    perimeter = shapely.length(shapely.boundary(before))
    between = shapely.area(
        shapely.symmetric_difference(shapely.make_valid(before), shapely.make_valid(after))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(perimeter > 0, between / perimeter, 0.0)
    hausdorff = shapely.hausdorff_distance(shapely.boundary(after), shapely.boundary(before))
    return pd.DataFrame({"mean_km": mean / 1000, "hausdorff_km": hausdorff / 1000})
