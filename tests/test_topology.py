"""The map's boundaries as a topology: every territory there, each shared border once, and
the same shapes as the published GeoJSON once decoded, point for point on the 4-decimal grid."""

from __future__ import annotations

import gzip
import json

import pytest
import shapely
from shapely.geometry import shape

from geo.topology import encode, pack_line, topology_bytes

SCALE_TOLERANCE = 0.5e-4 + 1e-9  # half a grid step of 4 decimals


def unpack(text: str) -> list[tuple[int, int]]:
    """A packed arc's deltas, read as Google's polyline algorithm describes it."""
    numbers, value, shift = [], 0, 0
    for char in text:
        bits = ord(char) - 63
        value |= (bits & 0x1F) << shift
        shift += 5
        if not bits & 0x20:
            numbers.append(-(value >> 1) - 1 if value & 1 else value >> 1)
            value, shift = 0, 0
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def decode(topology: dict) -> dict:
    """A reference decoder, written from the TopoJSON specification apart from the encoder."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    lines = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in unpack(arc) if isinstance(arc, str) else arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        lines.append(points)

    def ring(indices):
        points = []
        for index in indices:
            line = lines[~index][::-1] if index < 0 else lines[index]
            points.extend(line[1:] if points else line)
        return points

    (collection,) = topology["objects"].values()
    features = []
    for geometry in collection["geometries"]:
        if geometry["type"] == "Polygon":
            coordinates = [ring(r) for r in geometry["arcs"]]
        else:
            coordinates = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
        features.append(
            {
                "type": "Feature",
                "properties": geometry["properties"],
                "geometry": {"type": geometry["type"], "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def feature(code, geometry):
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def assert_same_shapes(source: dict, decoded: dict) -> None:
    assert len(decoded["features"]) == len(source["features"])
    for before, after in zip(source["features"], decoded["features"], strict=True):
        assert after["properties"] == before["properties"]
        a, b = shape(before["geometry"]), shape(after["geometry"])
        code = before["properties"]["code"]
        assert b.is_valid, code
        assert a.hausdorff_distance(b) <= SCALE_TOLERANCE, code
        assert abs(a.area - b.area) <= 1e-9 + a.area * 1e-6, code


def test_two_neighbours_share_their_border_once():
    left = feature("a", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]})
    right = feature("b", {"type": "Polygon", "coordinates": [square(1, 0, 2, 1)]})
    source = {"type": "FeatureCollection", "features": [left, right]}
    topology = encode(source, "demo")
    assert topology["type"] == "Topology"
    # Each polygon has two arcs: its own side and the shared border, one walked backwards.
    rings = [g["arcs"][0] for g in topology["objects"]["demo"]["geometries"]]
    assert len(topology["arcs"]) == 3
    shared = set(rings[0]) & {~i for i in rings[1]}
    assert len(shared) == 1
    assert_same_shapes(source, decode(topology))


def test_a_hole_an_enclave_and_islands_come_back_whole():
    holed = {
        "type": "Polygon",
        "coordinates": [square(0, 0, 4, 4), square(1, 1, 2, 2)[::-1]],
    }
    enclave = {"type": "Polygon", "coordinates": [square(1, 1, 2, 2)]}
    islands = {
        "type": "MultiPolygon",
        "coordinates": [[square(5, 0, 6, 1)], [square(7, 0, 7.5, 0.5)]],
    }
    source = {
        "type": "FeatureCollection",
        "features": [feature("h", holed), feature("e", enclave), feature("i", islands)],
    }
    topology = encode(source, "demo")
    # The enclave's ring and the hole around it are one arc.
    assert len(topology["arcs"]) == 4
    decoded = decode(topology)
    assert decoded["features"][2]["geometry"]["type"] == "MultiPolygon"
    assert_same_shapes(source, decoded)


def test_packed_arcs_read_back_as_their_deltas():
    deltas = [[0, 0], [1, -1], [-16, 15], [123456, -987654], [-1, 31], [32, -32]]
    assert unpack(pack_line(deltas)) == [tuple(d) for d in deltas]
    left = feature("a", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]})
    source = {"type": "FeatureCollection", "features": [left]}
    packed = json.loads(topology_bytes(source, "demo", packed=True, properties=["code", "x"]))
    assert all(isinstance(arc, str) for arc in packed["arcs"])
    assert packed["objects"]["demo"]["geometries"][0]["properties"] == {"code": "a", "x": None}
    assert_same_shapes(
        source, {"features": [dict(decode(packed)["features"][0], properties={"code": "a"})]}
    )


def test_a_line_is_refused():
    line = feature("l", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    with pytest.raises(ValueError):
        encode({"type": "FeatureCollection", "features": [line]}, "demo")


@pytest.mark.parametrize("level", ["region", "province", "commune"])
def test_the_national_layers_decode_to_their_geojson(national_geography, level, capsys):
    raw = (national_geography / f"{level}.geojson").read_bytes()
    source = json.loads(raw)
    decoded = decode(json.loads(topology_bytes(source, level, packed=True)))
    assert_same_shapes(source, decoded)
    codes = [f["properties"]["code"] for f in decoded["features"]]
    assert len(set(codes)) == len(codes) == {"region": 12, "province": 83, "commune": 1503}[level]
    # Decoded, no two neighbours overlap nor leave a gap where the source has none.
    if level != "commune":
        union = shapely.union_all([shape(f["geometry"]) for f in source["features"]])
        decoded_union = shapely.union_all([shape(f["geometry"]) for f in decoded["features"]])
        assert abs(union.area - decoded_union.area) <= union.area * 1e-6
    # As the map fetches it: the code and the names of one language.
    data = topology_bytes(source, level, packed=True, properties=["code", "name_fr"])
    packed = len(gzip.compress(data, compresslevel=9))
    with capsys.disabled():
        print(
            f"\n{level}: GeoJSON {len(raw):,} B ({len(gzip.compress(raw, 9)):,} gzipped),"
            f" the map's topology {len(data):,} B ({packed:,} gzipped)"
        )
    assert packed < len(gzip.compress(raw, 9)) * 0.7
    if level == "commune":
        assert packed <= 160_000
