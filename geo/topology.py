"""A layer's boundaries as a topology: each border stored once, in small integers.

The published GeoJSON repeats every border two units share, once in each, in decimal
degrees. Here the coordinates are quantised to the grid they were rounded to (`decimals`,
so nothing moves), the rings cut into arcs at their junctions (points where the rings that
pass differ), each arc kept once and written as deltas from its previous point; a ring is
the list of its arcs' indices, `~i` (that is `-i - 1`) for arc `i` walked backwards.

The document is TopoJSON (https://github.com/topojson/topojson-specification): `type`
"Topology", a `transform` (`scale`, `translate`), `arcs` and one `GeometryCollection` in
`objects`, named after the layer, whose geometries carry the features' `properties` (all of
them, or those asked for). One liberty is taken, for a third fewer bytes once compressed: an
arc may be written as a string rather than a list of `[dx, dy]` pairs (`packed=True`), its
deltas in turn x then y, each as in Google's polyline encoding (the value doubled, its sign
in the lowest bit, then five bits a character from `?`, the last one below `_`). The
browser's decoder is the application's `static/topology.js`; it reads both forms.

Plain values in and out: nothing here imports Flask or geopandas.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

Point = tuple[int, int]


def quantise(ring: Iterable[Sequence[float]], decimals: int) -> list[Point]:
    """`ring`'s points on the integer grid of `decimals` (open: the closing point dropped),
    with points that fall on the same cell as their predecessor left out."""
    factor = 10**decimals
    points: list[Point] = []
    for x, y in ring:
        point = (round(x * factor), round(y * factor))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _rings(geometry: dict[str, Any]) -> list[list]:
    """The polygons of a (Multi)Polygon as lists of rings, exterior first."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"a boundary is a Polygon or a MultiPolygon, not a {geometry['type']}")


def _junctions(rings: list[list[Point]]) -> set[Point]:
    """Points where the rings through them do not all go on the same way: where one border
    meets another, or a ring passes a point twice."""
    neighbours: dict[Point, set[frozenset]] = defaultdict(set)
    seen: dict[Point, int] = defaultdict(int)
    for ring in rings:
        count = len(ring)
        for i, point in enumerate(ring):
            seen[point] += 1
            neighbours[point].add(frozenset((ring[i - 1], ring[(i + 1) % count])))
    return {point for point, pairs in neighbours.items() if len(pairs) > 1 or seen[point] > 2}


def _cut(ring: list[Point], junctions: set[Point]) -> list[list[Point]]:
    """`ring` as the closed list of its arcs, cut at `junctions`; a ring with none is one
    arc starting at its smallest point, so a ring shared whole is found whoever owns it."""
    cuts = [i for i, point in enumerate(ring) if point in junctions]
    if not cuts:
        start = ring.index(min(ring))
        turned = ring[start:] + ring[:start]
        return [turned + [turned[0]]]
    turned = ring[cuts[0] :] + ring[: cuts[0]]
    offsets = [i - cuts[0] for i in cuts] + [len(ring)]
    closed = turned + [turned[0]]
    return [closed[a : b + 1] for a, b in zip(offsets, offsets[1:])]


class _Arcs:
    """Arcs kept once: an arc met again, forwards or backwards, gets the index it has (a
    closed arc always starts at its smallest point, so it is met again as it was kept)."""

    def __init__(self) -> None:
        self.lines: list[list[Point]] = []
        self.index: dict[tuple[Point, ...], int] = {}

    def add(self, line: list[Point]) -> int:
        key = tuple(line)
        if key in self.index:
            return self.index[key]
        backwards = key[::-1]
        if backwards in self.index:
            return ~self.index[backwards]
        self.index[key] = len(self.lines)
        self.lines.append(line)
        return self.index[key]


def _delta(line: list[Point], origin: Point) -> list[list[int]]:
    previous = origin
    out = []
    for x, y in line:
        out.append([x - previous[0], y - previous[1]])
        previous = (x, y)
    return out


def pack_number(value: int) -> str:
    """`value` as in the polyline encoding: `~(v << 1)` for a negative one, then five bits
    a character, from the lowest, each but the last with 0x20 set, each plus 63."""
    value = ~(value << 1) if value < 0 else value << 1
    chars = []
    while value >= 0x20:
        chars.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chars.append(chr(value + 63))
    return "".join(chars)


def pack_line(deltas: list[list[int]]) -> str:
    """An arc's deltas as one string: x then y of each, packed (`pack_number`)."""
    return "".join(pack_number(dx) + pack_number(dy) for dx, dy in deltas)


def encode(
    collection: dict[str, Any],
    name: str,
    decimals: int = 4,
    properties: Sequence[str] | None = None,
    packed: bool = False,
) -> dict[str, Any]:
    """The FeatureCollection `collection` (Polygons and MultiPolygons) as a topology whose one
    object is `name`, on the grid of `decimals`; with `packed`, each arc a string.

    Each feature becomes a geometry with its `properties` (only those named in
    `properties`, when given), in the same order. Refuses (raises `ValueError`) a geometry
    that is neither a Polygon nor a MultiPolygon.
    """
    features = collection["features"]
    shapes = [
        [[quantise(ring, decimals) for ring in polygon] for polygon in _rings(f["geometry"])]
        for f in features
    ]
    every_ring = [ring for shape in shapes for polygon in shape for ring in polygon]
    junctions = _junctions(every_ring)
    arcs = _Arcs()
    geometries = []
    for feature, shape in zip(features, shapes, strict=True):
        polygons = [
            [
                [arcs.add(line) for line in _cut(ring, junctions)]
                for ring in polygon
                if len(ring) > 2
            ]
            for polygon in shape
        ]
        polygons = [p for p in polygons if p]
        geometry: dict[str, Any] = (
            {"type": "Polygon", "arcs": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "arcs": polygons}
        )
        kept = feature["properties"]
        if properties is not None:
            kept = {key: kept.get(key) for key in properties}
        geometry["properties"] = kept
        geometries.append(geometry)
    origin = (
        min((x for line in arcs.lines for x, _ in line), default=0),
        min((y for line in arcs.lines for _, y in line), default=0),
    )
    scale = 10.0**-decimals
    return {
        "type": "Topology",
        "transform": {"scale": [scale, scale], "translate": [origin[0] * scale, origin[1] * scale]},
        "arcs": [
            pack_line(_delta(line, origin)) if packed else _delta(line, origin)
            for line in arcs.lines
        ],
        "objects": {name: {"type": "GeometryCollection", "geometries": geometries}},
    }


def topology_bytes(collection: dict[str, Any], name: str, **options: Any) -> bytes:
    """`encode`'s topology (with its keyword `options`) as compact UTF-8 JSON (no spaces,
    Arabic unescaped)."""
    text = json.dumps(
        encode(collection, name, **options), ensure_ascii=False, separators=(",", ":")
    )
    return text.encode("utf-8")
