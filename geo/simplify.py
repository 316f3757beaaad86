"""Simplifying a coverage for the web with the borders neighbours share kept shared.

The boundaries of the coverage are cut into arcs: stretches of border between two junctions
(points where three or more units, or two units and the outside, meet). Each arc is simplified
once, with Douglas-Peucker in metres, rounded to 4 decimals (about 10 m), and every unit is
rebuilt from its arcs. A border two units share is one arc, so both get the same line: no gap,
no overlap. Arcs whose simplified lines would cross or touch another arc anywhere but at their
common ends, or whose unit would come out invalid, overlapping a neighbour or far from its
area, are simplified again with half their tolerance, until none is.

`GeoSeries.simplify_coverage` keeps borders shared too, but with Visvalingam-Whyatt and one area
tolerance for the whole country: it bounds neither how far a border moves nor lets a small
town keep more detail than a desert commune. Tried at the same size of commune layer, it left
the median commune's border up to 0.78 km (Hausdorff distance) from the original, against
0.49 km here, and widened the source's holes by 30 km², against 9 km² here.

Tolerance: a unit gets `scale * √area` metres (clipped to [min_m, max_m]), so detail is kept
in proportion to its size; an arc takes the smallest tolerance of the units along it, and an arc
on a hole of the outline (a reservoir the source leaves out) at most `hole_m`, so that those
holes barely widen. The floor `min_m` is what keeps the commune layer within its byte budget:
finer borders for the smallest third of the communes cost more bytes than they are worth on a
national map (their borders still move less than `min_m`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike

from .clean import polygonal
from .crs import METRIC, WGS84, area_km2, project

#: Two points this close (degrees, about 0.1 mm) are the same point of a border.
_SAME_POINT = 1e-9


@dataclass(frozen=True)
class Tolerance:
    """How much a unit's border may be simplified.

    scale: metres of tolerance per metre of √area (0.046: 460 m for a 100 km² commune);
    min_m, max_m: bounds of a unit's tolerance; hole_m: the most an arc on a hole of the
    outline gets; decimals: coordinates are rounded to this many decimal places.
    """

    scale: float = 0.046
    min_m: float = 450.0
    max_m: float = 3000.0
    hole_m: float = 150.0
    decimals: int = 4

    def as_dict(self) -> dict[str, Any]:
        """The parameters, for the build report."""
        return asdict(self)


#: The tolerance of the published layers, chosen on the national data: the commune layer under
#: 0.9 MB with the median commune's border within 0.5 km of the original.
DEFAULT_TOLERANCE = Tolerance()


def unit_tolerances(areas_km2: ArrayLike, tolerance: Tolerance = DEFAULT_TOLERANCE) -> np.ndarray:
    """Each unit's tolerance in metres: `scale * √area`, clipped to [min_m, max_m]."""
    side_m = np.sqrt(np.asarray(areas_km2, dtype=float) * 1e6)
    return np.clip(tolerance.scale * side_m, tolerance.min_m, tolerance.max_m)


def round_coordinates(geoms: ArrayLike, decimals: int = 4) -> np.ndarray:
    """Geometries with every coordinate rounded to `decimals` places and repeated points removed."""
    rounded = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))
    return shapely.remove_repeated_points(rounded)


@dataclass
class Arcs:
    """The borders of a coverage cut into open arcs.

    lines: the arcs (LineStrings, longitude/latitude), each with its two ends at junctions;
    side_arc, side_unit: one row per side of an arc that a unit lies on (an arc has two sides
    inside the outline, one on the outline or a hole); on_hole: arcs on a hole of the outline.
    """

    lines: np.ndarray
    side_arc: np.ndarray
    side_unit: np.ndarray
    on_hole: np.ndarray


def coverage_arcs(geoms: ArrayLike) -> Arcs:
    """Cut the boundaries of a coverage (`clean.clean_coverage` output) into arcs.

    Closed arcs (an island, a hole, an enclave with one neighbour) are cut in two, so every arc
    has two ends that simplification keeps. Raises `ValueError` if an arc does not lie on one or
    two units, which happens only when the geometries are not a coverage.
    """
    geoms = np.asarray(geoms, dtype=object)
    merged = shapely.line_merge(shapely.union_all(shapely.boundary(geoms)))
    pieces = []
    for line in shapely.get_parts(merged):
        coords = shapely.get_coordinates(line)
        if line.is_closed:
            middle = len(coords) // 2
            pieces += [
                shapely.LineString(coords[: middle + 1]),
                shapely.LineString(coords[middle:]),
            ]
        else:
            pieces.append(line)
    lines = np.asarray(pieces, dtype=object)
    # The middle of an arc's first segment lies on that arc only, and so on the units along it.
    first = np.array([shapely.get_coordinates(line)[:2].mean(axis=0) for line in lines])
    probes = shapely.points(first)
    side_arc, side_unit = shapely.STRtree(geoms).query(
        probes, predicate="dwithin", distance=_SAME_POINT
    )
    sides = np.bincount(side_arc, minlength=len(lines))
    if (sides == 0).any() or (sides > 2).any():
        raise ValueError(
            "the geometries are not a coverage: a border lies on no unit or on more than two"
        )
    union = shapely.coverage_union_all(geoms)
    rims = [
        shapely.LineString(interior.coords)
        for part in shapely.get_parts(union)
        for interior in part.interiors
    ]
    on_hole = np.zeros(len(lines), dtype=bool)
    if rims:
        on_hole = (sides == 1) & shapely.dwithin(probes, shapely.union_all(rims), _SAME_POINT)
    order = np.lexsort((side_arc, side_unit))
    return Arcs(lines, side_arc[order], side_unit[order], on_hole)


def _crossing_arcs(lines: np.ndarray) -> np.ndarray:
    """Arcs that cross themselves or touch another arc anywhere but at ends they both have.

    An arc shorter than the rounding (its two junctions now one point) is left out: it has
    vanished, which changes nothing around it.
    """
    alive = np.flatnonzero(shapely.length(lines) > 0)
    bad = np.zeros(len(lines), dtype=bool)
    bad[alive] = ~shapely.is_simple(lines[alive])
    left, right = shapely.STRtree(lines[alive]).query(lines[alive], predicate="intersects")
    keep = left < right
    left, right = alive[left[keep]], alive[right[keep]]
    touch = shapely.intersection(lines[left], lines[right])
    # End points rather than boundaries: an arc whose two ends rounded to one point is closed
    # and has no boundary, yet still meets its neighbours there.
    ends = shapely.multipoints(
        np.stack([shapely.get_point(lines, 0), shapely.get_point(lines, -1)], axis=1)
    )
    ends = shapely.intersection(ends[left], ends[right])
    # Anything but shared end points, and above all a shared stretch of line, is a conflict.
    wrong = (shapely.get_dimensions(touch) > 0) | ~shapely.covered_by(touch, ends)
    bad[left[wrong]] = True
    bad[right[wrong]] = True
    return bad


def _rebuild(lines: np.ndarray, arcs: Arcs, count: int) -> np.ndarray:
    """Each unit as the area its arcs enclose."""
    kept = shapely.length(lines[arcs.side_arc]) > 0
    collections = shapely.multilinestrings(
        lines[arcs.side_arc][kept], indices=arcs.side_unit[kept], out=np.empty(count, dtype=object)
    )
    return np.array([polygonal(shapely.build_area(c)) for c in collections], dtype=object)


def _faulty_units(rebuilt: np.ndarray, original: np.ndarray) -> np.ndarray:
    """Units rebuilt invalid, empty, far from their area, or overlapping another unit."""
    bad = ~shapely.is_valid(rebuilt) | shapely.is_empty(rebuilt)
    before, after = shapely.area(original), shapely.area(rebuilt)
    bad |= (after < 0.5 * before) | (after > 2 * before)
    left, right = shapely.STRtree(rebuilt).query(rebuilt, predicate="intersects")
    keep = (left < right) & ~bad[left] & ~bad[right]
    left, right = left[keep], right[keep]
    # About 1 m² in degrees²: shared arcs make the true overlap exactly zero.
    overlap = shapely.area(shapely.intersection(rebuilt[left], rebuilt[right])) > 1e-10
    bad[left[overlap]] = True
    bad[right[overlap]] = True
    return bad


def simplify_coverage_arcs(
    geoms: ArrayLike,
    unit_tolerance_m: ArrayLike,
    hole_m: float = DEFAULT_TOLERANCE.hole_m,
    decimals: int = DEFAULT_TOLERANCE.decimals,
    max_rounds: int = 12,
) -> tuple[np.ndarray, dict[str, int]]:
    """Simplify a coverage arc by arc (see the module's description); returns the units and counts.

    `unit_tolerance_m` gives each unit's tolerance in metres. The counts: arcs, rounds, arcs
    simplified less than their units allowed (to keep the topology), arcs still in conflict
    after `max_rounds` (0 unless something is wrong), arcs shorter than the rounding that
    vanished, and vertices before and after.
    Raises `ValueError` if `geoms` is not a coverage.
    """
    geoms = np.asarray(geoms, dtype=object)
    if not shapely.coverage_is_valid(geoms):
        raise ValueError("the geometries are not a coverage: they overlap or their borders differ")
    arcs = coverage_arcs(geoms)
    metric = project(arcs.lines, WGS84, METRIC)
    tolerance = np.full(len(arcs.lines), np.inf)
    np.minimum.at(
        tolerance, arcs.side_arc, np.asarray(unit_tolerance_m, dtype=float)[arcs.side_unit]
    )
    tolerance[arcs.on_hole] = np.minimum(tolerance[arcs.on_hole], hole_m)
    wanted = tolerance.copy()
    unresolved = 0
    for rounds in range(1, max_rounds + 1):
        simplified = shapely.simplify(metric, tolerance, preserve_topology=True)
        lines = round_coordinates(project(simplified, METRIC, WGS84), decimals)
        bad = _crossing_arcs(lines)
        rebuilt = None
        if not bad.any():
            rebuilt = _rebuild(lines, arcs, len(geoms))
            faulty = _faulty_units(rebuilt, geoms)
            bad = np.isin(np.arange(len(lines)), arcs.side_arc[faulty[arcs.side_unit]])
            if not bad.any():
                break
        if (tolerance[bad] == 0).all() or rounds == max_rounds:
            unresolved = int(bad.sum())
            if rebuilt is None:
                rebuilt = _rebuild(lines, arcs, len(geoms))
            rebuilt = np.array([polygonal(shapely.make_valid(g)) for g in rebuilt], dtype=object)
            break
        # Halve the tolerance of the arcs in trouble; below a metre keep them as drawn.
        tolerance[bad] = np.where(tolerance[bad] / 2 < 1.0, 0.0, tolerance[bad] / 2)
    stats = {
        "arcs": len(arcs.lines),
        "rounds": rounds,
        "arcs_refined": int((tolerance < wanted).sum()),
        "arcs_unresolved": unresolved,
        "arcs_vanished": int((shapely.length(lines) == 0).sum()),
        "vertices_before": int(shapely.get_num_coordinates(geoms).sum()),
        "vertices_after": int(shapely.get_num_coordinates(rebuilt).sum()),
    }
    return rebuilt, stats


def simplify_units(
    units: gpd.GeoDataFrame, tolerance: Tolerance = DEFAULT_TOLERANCE
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The units simplified and rounded for the web, and what was done (parameters and counts).

    `units` must be a coverage in longitude/latitude (`clean.clean_coverage`). Raises
    `ValueError` otherwise.
    """
    tolerances = unit_tolerances(area_km2(units.geometry.values, units.crs or WGS84), tolerance)
    geoms, stats = simplify_coverage_arcs(
        units.geometry.values, tolerances, hole_m=tolerance.hole_m, decimals=tolerance.decimals
    )
    out = units.copy()
    out["geometry"] = geoms
    return out, {**tolerance.as_dict(), **stats}
