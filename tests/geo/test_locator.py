"""The locator map: a territory among its neighbours as a small static SVG, with no app."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
import shapely
from shapely.geometry import Polygon, box

import geo.cache
from geo.locator import GRID, MARGIN, locator_svg, path_data

SVG = "{http://www.w3.org/2000/svg}"

# Three communes of a made-up province: A (south-west), B (south-east), C along the north.
UNITS = {
    "A": box(-2.0, 32.0, -1.5, 32.5),
    "B": box(-1.5, 32.0, -1.0, 32.5),
    "C": box(-2.0, 32.5, -1.0, 33.0),
}


def parsed(svg: str) -> ET.Element:
    """The SVG as an XML tree: it must be well-formed to be inlined in a page."""
    return ET.fromstring(svg)


def points(d: str) -> list[tuple[int, int]]:
    """Every point of path data written as `path_data` writes it (M x y, then relative l)."""
    found = []
    for ring in re.findall(r"M([^z]*)z", d):
        start, _, moves = ring.partition("l")
        x, y = (int(v) for v in re.findall(r"-?\d+", start))
        found.append((x, y))
        steps = [int(v) for v in re.findall(r"-?\d+", moves)]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            found.append((x, y))
    return found


def test_the_territory_is_drawn_over_its_neighbours_with_its_title():
    svg = locator_svg(UNITS, "A", "Location of A in the province")
    root = parsed(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title.text == "Location of A in the province"
    assert root.get("aria-labelledby") == title.get("id")
    context, target = root.findall(f"{SVG}path")
    assert context.get("class") == "locator-context"
    assert target.get("class") == "locator-target"
    assert target.get("fill") != context.get("fill")
    # Two neighbours drawn light, one ring each; the territory once.
    assert context.get("d").count("M") == 2
    assert target.get("d").count("M") == 1


def test_the_territory_is_where_it_lies_on_the_picture():
    root = parsed(locator_svg(UNITS, "A", "A"))
    width, height = (int(v) for v in root.get("viewBox").split()[2:])
    target = points(root.findall(f"{SVG}path")[1].get("d"))
    xs, ys = [x for x, _ in target], [y for _, y in target]
    # South-west: the left half, and the lower half (SVG's y points down).
    assert min(xs) == MARGIN and max(xs) <= width / 2 + 1
    assert min(ys) >= height / 2 - 1 and max(ys) == height - MARGIN


def test_the_longer_side_fills_the_grid_and_the_picture_keeps_its_shape():
    root = parsed(locator_svg(UNITS, "C", "C"))
    width, height = (int(v) for v in root.get("viewBox").split()[2:])
    # A degree north to south, a degree west to east, which at 32.5°N is 0.84 as long.
    assert height == GRID + 2 * MARGIN
    assert width - 2 * MARGIN == pytest.approx(GRID * math.cos(math.radians(32.5)), abs=1)
    assert root.get("height") == "240"
    assert int(root.get("width")) == round(240 * width / height)


def test_a_title_is_escaped():
    svg = locator_svg(UNITS, "A", 'Figuig <"Centre"> & Bni Guil')
    assert parsed(svg).find(f"{SVG}title").text == 'Figuig <"Centre"> & Bni Guil'
    assert '<"Centre">' not in svg


@pytest.mark.parametrize("missing", ["Z", "N"])
def test_a_territory_without_a_shape_is_refused(missing):
    with pytest.raises(ValueError, match=missing):
        locator_svg({**UNITS, "N": None}, missing, "—")


def test_units_without_a_shape_are_left_out():
    svg = locator_svg({**UNITS, "N": None, "E": Polygon()}, "A", "A")
    assert parsed(svg).findall(f"{SVG}path")[0].get("d").count("M") == 2


def test_a_territory_alone_is_drawn_without_neighbours():
    paths = parsed(locator_svg({"A": UNITS["A"]}, "A", "A")).findall(f"{SVG}path")
    assert [p.get("class") for p in paths] == ["locator-target"]


def test_a_territory_too_small_to_see_gets_a_ring_inside_the_picture():
    # In the south-east corner, where a ring would reach past the shapes.
    tiny = {**UNITS, "T": box(-1.001, 32.0, -1.0, 32.001)}
    root = parsed(locator_svg(tiny, "T", "T"))
    ring = root.find(f"{SVG}circle")
    assert ring is not None and ring.get("fill") == "none"
    left, top, width, height = (int(v) for v in root.get("viewBox").split())
    cx, cy, r = (int(ring.get(name)) for name in ("cx", "cy", "r"))
    assert left <= cx - r and cx + r <= left + width
    assert top <= cy - r and cy + r <= top + height
    assert max(int(root.get("width")), int(root.get("height"))) == 240
    assert parsed(locator_svg(UNITS, "A", "A")).find(f"{SVG}circle") is None


def test_a_hole_winds_against_its_outline_so_an_enclave_inside_is_filled():
    outer = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (1, 3), (3, 3), (3, 1)]])
    enclave = box(1, 1, 3, 3)
    root = parsed(locator_svg({"O": outer, "E": enclave}, "O", "O"))
    d = root.findall(f"{SVG}path")[1].get("d")
    rings = re.findall(r"M[^z]*z", d)
    assert len(rings) == 2
    areas = [shapely.Polygon(points(ring)).area for ring in rings]
    signed = [shapely.LinearRing(points(ring)).is_ccw for ring in rings]
    assert all(a > 0 for a in areas) and signed[0] != signed[1]


def test_path_data_is_written_with_whole_numbers_and_relative_moves():
    assert path_data(box(0, 0, 10, 10)) == "M10 0l0 10-10 0 0-10z"
    assert path_data(Polygon()) == ""
    # A ring that rounding leaves with under three points is left out.
    assert path_data(box(0, 0, 0.2, 0.2)) == ""


def test_a_multipolygon_is_one_path_of_several_rings():
    two = shapely.MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)])
    assert path_data(two).count("M") == 2


# ---- on the national boundaries --------------------------------------------------------


def locators(folder, level: str, chosen: set[str] = frozenset()) -> dict[str, str]:
    """The locator of one territory of `level` among each parent's children (its first,
    and those `chosen`), as the territory pages draw it: siblings share their picture but
    for the unit highlighted, so one tells the size of them all."""
    layer = geo.cache.load_layer(folder, level)
    by_parent: dict = {}
    for code, parent, shape in zip(layer["code"], layer["parent_code"], layer.geometry):
        by_parent.setdefault(parent, {})[code] = shape
    drawn = {}
    for parent, units in by_parent.items():
        for code in {next(iter(units)), *(chosen & set(units))}:
            drawn[code] = locator_svg(units, code, f"Location of {code} in {parent}")
    return drawn


@pytest.mark.parametrize("level", ["commune", "province", "region"])
def test_every_national_locator_weighs_a_few_kilobytes(national_geography, level):
    drawn = locators(national_geography, level, {"02.251.01.03", "02.251", "02"})
    sizes = {code: len(svg.encode("utf-8")) for code, svg in drawn.items()}
    assert max(sizes.values()) < 20_000, max(sizes, key=sizes.get)
    if level == "commune":
        # The commune of Figuig, in its province of 13 communes: a couple of kilobytes.
        assert sizes["02.251.01.03"] < 5_000
        figuig = parsed(drawn["02.251.01.03"])
        assert figuig.find(f"{SVG}path[@class='locator-target']").get("d")
        assert figuig.find(f"{SVG}path[@class='locator-context']").get("d").count("M") >= 12
    if level == "region":
        assert sizes["02"] < 10_000
