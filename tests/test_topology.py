"""The map's boundaries as a packed topology: every territory there, each shared border
once, and the same shapes as the published GeoJSON once decoded, point for point on the
4-decimal grid."""

from __future__ import annotations

import gzip
import json

import pytest
import shapely
from shapely.geometry import shape

from geo.topology import encode, pack_number, topology_bytes
from tests.support import decode_topology as decode
from tests.support import topology_arcs as arcs_of
from tests.support import topology_references as references
from tests.support import unpack_numbers as unpack

SCALE_TOLERANCE = 0.5e-4 + 1e-9  # half a grid step of 4 decimals


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def feature(code, geometry):
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def assert_same_shapes(source: dict, decoded: dict) -> None:
    assert len(decoded["features"]) == len(source["features"])
    for before, after in zip(source["features"], decoded["features"], strict=True):
        assert after["properties"] == before["properties"]
        a, b = shape(before["geometry"]), shape(after["geometry"])
        code = before["properties"]["code"]
        assert b.is_valid, code
        assert a.hausdorff_distance(b) <= SCALE_TOLERANCE, code
        assert abs(a.area - b.area) <= 1e-9 + a.area * 1e-6, code


# A hole, the enclave that fills it, and an island: the enclave's ring and the hole are
# one arc, shared whole; the holed square's exterior touches a neighbour's border.
HOLED = {"type": "Polygon", "coordinates": [square(0, 0, 4, 4), square(1, 1, 2, 2)[::-1]]}
ENCLAVE = {"type": "Polygon", "coordinates": [square(1, 1, 2, 2)]}
ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [[square(5, 0, 6, 1)], [square(7, 0, 7.5, 0.5), square(7.1, 0.1, 7.2, 0.2)]],
}
NEIGHBOUR = {"type": "Polygon", "coordinates": [square(4, 0, 5, 4)]}
SAMPLES = collection(
    feature("h", HOLED), feature("e", ENCLAVE), feature("i", ISLANDS), feature("n", NEIGHBOUR)
)


def test_the_document_is_packed_strings_and_columns():
    topology = encode(SAMPLES, "demo")
    assert topology["type"] == "PackedTopology" and topology["name"] == "demo"
    assert isinstance(topology["arcs"], str)
    assert set(topology["arcs"]) <= {" "} | {chr(c) for c in range(63, 127)}
    assert topology["properties"] == {"code": ["h", "e", "i", "n"]}
    holed, enclave, islands, neighbour = topology["geometries"]
    assert [len(holed), len(enclave), len(neighbour)] == [2, 1, 1]  # Polygons: their rings
    assert [len(polygon) for polygon in islands] == [1, 2]  # a MultiPolygon: its polygons


def test_two_neighbours_share_their_border_once():
    left = feature("a", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]})
    right = feature("b", {"type": "Polygon", "coordinates": [square(1, 0, 2, 1)]})
    source = collection(left, right)
    topology = encode(source, "demo")
    # Each polygon has two arcs: its own side and the shared border, one walked backwards.
    assert len(arcs_of(topology)) == 3
    left_refs, right_refs = references(topology)[:2], references(topology)[2:]
    assert sorted(left_refs) == [0, 1]
    assert len(set(left_refs) & {~i for i in right_refs}) == 1
    assert_same_shapes(source, decode(topology))


def test_a_ring_shared_whole_is_one_arc_walked_both_ways():
    topology = encode(collection(feature("h", HOLED), feature("e", ENCLAVE)), "demo")
    refs = references(topology)
    # The exterior, the hole, and the enclave: the hole walked backwards, as a hole winds
    # the other way.
    assert len(arcs_of(topology)) == 2
    assert refs == [0, 1, ~1]


def test_each_arc_starts_from_the_end_of_the_one_before():
    far = feature("f", {"type": "Polygon", "coordinates": [square(30, 20, 31, 21)]})
    near = feature("n", {"type": "Polygon", "coordinates": [square(30.5, 20.5, 30.6, 20.6)]})
    topology = encode(collection(far, near), "demo")
    first, second = topology["arcs"].split(" ")
    assert unpack(first)[:2] == [0, 0]  # the first from the origin, (30, 20)
    assert topology["transform"]["translate"] == pytest.approx([30, 20])
    # The second from the end of the first, (30, 20) again: 0.5 degrees on the grid.
    assert unpack(second)[:2] == [5000, 5000]


def test_the_samples_come_back_whole_in_the_same_order():
    decoded = decode(encode(SAMPLES, "demo"))
    assert [f["geometry"]["type"] for f in decoded["features"]] == [
        "Polygon",
        "Polygon",
        "MultiPolygon",
        "Polygon",
    ]
    hole = decoded["features"][0]["geometry"]["coordinates"][1]
    assert hole[0] == hole[-1] and len(hole) == 5
    assert_same_shapes(SAMPLES, decoded)


def test_packed_numbers_read_back():
    numbers = [0, 1, -1, -16, 15, 16, -17, 31, 32, -32, 123456, -987654, 2**25, -(2**25)]
    assert unpack("".join(pack_number(n) for n in numbers)) == numbers


def test_properties_are_those_asked_for_or_every_one_met():
    first = {"type": "Feature", "properties": {"code": "a", "x": 1}, "geometry": ENCLAVE}
    second = {"type": "Feature", "properties": {"code": "b", "y": 2}, "geometry": NEIGHBOUR}
    source = collection(first, second)
    asked = json.loads(topology_bytes(source, "demo", properties=["code", "z"]))
    assert asked["properties"] == {"code": ["a", "b"], "z": [None, None]}
    every = encode(source, "demo")["properties"]
    assert every == {"code": ["a", "b"], "x": [1, None], "y": [None, 2]}


def test_a_line_is_refused():
    line = feature("l", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    with pytest.raises(ValueError):
        encode(collection(line), "demo")


@pytest.mark.parametrize("level", ["region", "province", "commune"])
def test_the_national_layers_decode_to_their_geojson(national_geography, level, capsys):
    raw = (national_geography / f"{level}.geojson").read_bytes()
    source = json.loads(raw)
    decoded = decode(json.loads(topology_bytes(source, level)))
    assert_same_shapes(source, decoded)
    codes = [f["properties"]["code"] for f in decoded["features"]]
    assert len(set(codes)) == len(codes) == {"region": 12, "province": 83, "commune": 1503}[level]
    # Decoded, no two neighbours overlap nor leave a gap where the source has none.
    if level != "commune":
        union = shapely.union_all([shape(f["geometry"]) for f in source["features"]])
        decoded_union = shapely.union_all([shape(f["geometry"]) for f in decoded["features"]])
        assert abs(union.area - decoded_union.area) <= union.area * 1e-6
    # As the map fetches it: the code and the names of one language.
    data = topology_bytes(source, level, properties=["code", "name_fr"])
    packed = len(gzip.compress(data, compresslevel=9))
    with capsys.disabled():
        print(
            f"\n{level}: GeoJSON {len(raw):,} B ({len(gzip.compress(raw, 9)):,} gzipped),"
            f" the map's topology {len(data):,} B ({packed:,} gzipped)"
        )
    assert packed < len(gzip.compress(raw, 9)) * 0.5
    if level == "commune":
        assert packed <= 100_000
