"""A locator map: a small static SVG of a territory among its neighbours, highlighted.

Made from the simplified boundaries of the cache (longitude/latitude) for a page that shows
where a territory lies with no map library, no tiles and no script: the units around it drawn
light, the territory in the accent colour, a `<title>` naming what is shown. A few kilobytes:
the shapes are moved onto a small grid (the longer side `GRID` units), simplified once more
at that scale with shared borders kept shared, and written with whole numbers and relative
moves. A territory too small to be seen at that scale gets a ring around it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

#: Units of the SVG's coordinate grid along the longer side of the picture.
GRID = 480

#: Triangles of about this many grid units across are taken out of the borders: at the
#: size the picture is shown, a grid unit is under a pixel.
TOLERANCE = 1.0

#: A margin around the shapes, in grid units, so the outer borders are not cut.
MARGIN = 4

#: A territory whose longer side is under this many grid units (twenty pixels as shown)
#: gets a ring around it, to be seen at a glance.
RING_BELOW = 40


@dataclass(frozen=True)
class LocatorStyle:
    """Colours of a locator map, as SVG presentation attributes (shown without a stylesheet)."""

    context_fill: str = "#dfe4ea"
    context_stroke: str = "#ffffff"
    target_fill: str = "#1f5f99"
    target_stroke: str = "#0b2f52"


def _projected(geoms: np.ndarray) -> np.ndarray:
    """Longitude/latitude onto a plane where a degree of longitude is as long as it is at
    the shapes' middle latitude, y pointing down as in SVG."""
    south, north = shapely.total_bounds(geoms)[[1, 3]]
    shrink = math.cos(math.radians((south + north) / 2))
    return shapely.transform(geoms, lambda xy: np.column_stack([xy[:, 0] * shrink, -xy[:, 1]]))


def _on_grid(geoms: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The shapes scaled onto the grid (their longer side `GRID` units, within `MARGIN`),
    and the grid's width and height."""
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    scale = GRID / max(x1 - x0, y1 - y0, 1e-9)
    moved = shapely.transform(geoms, lambda xy: (xy - np.array([x0, y0])) * scale + MARGIN)
    width = math.ceil((x1 - x0) * scale) + 2 * MARGIN
    height = math.ceil((y1 - y0) * scale) + 2 * MARGIN
    return moved, width, height


def _simplified(geoms: np.ndarray) -> np.ndarray:
    """The shapes simplified at the grid's scale, borders that neighbours share kept shared
    (each shape alone when they do not form a coverage GEOS can simplify)."""
    try:
        simplified = shapely.coverage_simplify(geoms, TOLERANCE)
    except (GEOSException, ValueError):
        simplified = shapely.simplify(geoms, TOLERANCE, preserve_topology=True)
    # Rounded to whole grid units as they are written (`path_data`): a ring rounding
    # would make degenerate is left out there, where GEOS would refuse it here.
    return shapely.orient_polygons(simplified, exterior_cw=False)


def _ring(target: BaseGeometry) -> tuple[int, int, int] | None:
    """The centre and radius of a ring around a territory too small to be seen on the grid
    (its longer side under `RING_BELOW` units), None for one large enough."""
    x0, y0, x1, y1 = shapely.bounds(target)
    side = max(x1 - x0, y1 - y0)
    if side >= RING_BELOW:
        return None
    centre = shapely.centroid(target)
    return round(centre.x), round(centre.y), round(side / 2 + 10)


def _numbers(values: Iterable[int]) -> str:
    """Whole numbers as SVG path data writes them most shortly: a minus sign is separator
    enough."""
    text = ""
    for value in values:
        part = str(int(value))
        text += part if not text or part.startswith("-") else " " + part
    return text


def path_data(geom: BaseGeometry) -> str:
    """SVG path data of a (multi)polygon on whole-number coordinates: each ring a move to
    its first point, then relative lines, closed. Rings that rounding left with fewer than
    three points are left out. Nothing for an empty or non-polygonal geometry."""
    parts = []
    for polygon in shapely.get_parts(geom):
        if not isinstance(polygon, shapely.Polygon):
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = np.asarray(ring.coords, dtype=float)[:-1].round().astype(int)
            # Points that rounding made one are drawn once.
            points = points[np.any(points != np.roll(points, 1, axis=0), axis=1)]
            if len(points) < 3:
                continue
            steps = np.diff(points, axis=0).ravel()
            start = _numbers(points[0])
            parts.append(f"M{start}l{_numbers(steps)}z" if len(steps) else f"M{start}z")
    return "".join(parts)


def locator_svg(
    units: Mapping[str, BaseGeometry | None],
    highlight: str,
    title: str,
    size: int = 240,
    style: LocatorStyle = LocatorStyle(),
    element_id: str = "locator-title",
) -> str:
    """An inline SVG (text) of `units` (code → longitude/latitude (multi)polygon) drawn light,
    the unit `highlight` over them in the accent colour, its longer side `size` pixels, with
    `title` (plain text, escaped here) as its accessible name (`role="img"`, labelled by the
    `<title>` whose id is `element_id`).

    Units without a shape are left out. Raises `ValueError` when `highlight` has no shape.
    """
    shaped = {
        code: geom
        for code, geom in units.items()
        if geom is not None and not shapely.is_empty(geom)
    }
    if highlight not in shaped:
        raise ValueError(f"no shape for {highlight!r} among the units")
    codes = list(shaped)
    geoms, width, height = _on_grid(_projected(np.array(list(shaped.values()), dtype=object)))
    target = geoms[codes.index(highlight)]
    drawn = _simplified(geoms)
    context = "".join(
        path_data(g) for code, g in zip(codes, drawn, strict=True) if code != highlight
    )
    ring = _ring(target)
    # The picture's box: the grid, and the ring where it reaches past it.
    left, top, right, bottom = 0, 0, width, height
    if ring is not None:
        cx, cy, r = ring
        left, top = min(left, cx - r - 2), min(top, cy - r - 2)
        right, bottom = max(right, cx + r + 2), max(bottom, cy + r + 2)
    longer = max(right - left, bottom - top)
    label = html.escape(title, quote=True)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="locator"'
        f' viewBox="{left} {top} {right - left} {bottom - top}"'
        f' width="{round(size * (right - left) / longer)}"'
        f' height="{round(size * (bottom - top) / longer)}" role="img"'
        f' aria-labelledby="{html.escape(element_id)}">',
        f'<title id="{html.escape(element_id)}">{label}</title>',
    ]
    if context:
        parts.append(
            f'<path class="locator-context" fill="{style.context_fill}"'
            f' stroke="{style.context_stroke}" stroke-width="1.5" stroke-linejoin="round"'
            f' d="{context}"/>'
        )
    parts.append(
        f'<path class="locator-target" fill="{style.target_fill}"'
        f' stroke="{style.target_stroke}" stroke-width="1.5" stroke-linejoin="round"'
        f' d="{path_data(drawn[codes.index(highlight)])}"/>'
    )
    if ring is not None:
        cx, cy, r = ring
        parts.append(
            f'<circle class="locator-ring" cx="{cx}" cy="{cy}" r="{r}" fill="none"'
            f' stroke="{style.target_stroke}" stroke-width="3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
