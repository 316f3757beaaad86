"""The built geography on disk: where each file lives, how layers are written and read back.

    <out_dir>/region.geojson, province.geojson, commune.geojson   simplified, for the web
    <out_dir>/full/region.gpkg, province.gpkg, commune.gpkg        unsimplified, cleaned
    <out_dir>/report.json                                          the BuildReport

The folder belongs to the cache: a build replaces it as a whole.
"""

from __future__ import annotations

import gzip
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from .crs import WGS84
from .reference import LEVELS
from .report import BuildReport
from .simplify import round_coordinates

#: The properties of every feature of the published layers, in this order.
PROPERTIES = ("code", "name_fr", "name_ar", "parent_code")

REPORT_FILE = "report.json"


class GeographyNotBuilt(FileNotFoundError):
    """The geography cache (or one of its files) is absent: run the build first."""


def layer_path(out_dir: Path, level: str, full: bool = False) -> Path:
    """Where a layer is stored. Raises `ValueError` for a level not in `LEVELS`."""
    if level not in LEVELS:
        raise ValueError(f"level is one of {', '.join(LEVELS)}, not {level!r}")
    out_dir = Path(out_dir)
    return out_dir / "full" / f"{level}.gpkg" if full else out_dir / f"{level}.geojson"


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def feature_collection(layer: gpd.GeoDataFrame, decimals: int = 4) -> dict[str, Any]:
    """A layer as an RFC 7946 FeatureCollection: properties exactly `PROPERTIES`, coordinates
    rounded to `decimals`, exterior rings counter-clockwise, features without geometry left out.

    Refuses (raises `ValueError`) a layer that is not in longitude/latitude or lacks a property.
    """
    if layer.crs is None or not pyproj.CRS.from_user_input(layer.crs).equals(
        pyproj.CRS.from_user_input(WGS84)
    ):
        raise ValueError(f"a published layer is in {WGS84} (longitude, latitude), not {layer.crs}")
    missing = [name for name in PROPERTIES if name not in layer.columns]
    if missing:
        raise ValueError(f"the layer lacks {', '.join(missing)}")
    geoms = shapely.orient_polygons(
        round_coordinates(layer.geometry.values, decimals), exterior_cw=False
    )
    features = []
    for values, geom in zip(layer[list(PROPERTIES)].itertuples(index=False), geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    name: _text(value) for name, value in zip(PROPERTIES, values, strict=True)
                },
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_bytes(layer: gpd.GeoDataFrame, decimals: int = 4) -> bytes:
    """The layer's FeatureCollection as compact UTF-8 JSON (no spaces, Arabic unescaped)."""
    text = json.dumps(
        feature_collection(layer, decimals),
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return text.encode("utf-8")


def write_layers(
    folder: Path,
    web: dict[str, gpd.GeoDataFrame],
    full: dict[str, gpd.GeoDataFrame],
    decimals: int = 4,
) -> tuple[dict[str, int], dict[str, int]]:
    """Write every level's web GeoJSON and full GeoPackage into `folder`; returns the GeoJSON
    sizes in bytes, raw and gzipped (level 6, what a web server typically uses)."""
    raw: dict[str, int] = {}
    packed: dict[str, int] = {}
    (folder / "full").mkdir(parents=True, exist_ok=True)
    for level in LEVELS:
        data = geojson_bytes(web[level], decimals)
        layer_path(folder, level).write_bytes(data)
        raw[level] = len(data)
        packed[level] = len(gzip.compress(data, compresslevel=6))
        full[level].to_file(
            layer_path(folder, level, full=True), driver="GPKG", layer=level, engine="pyogrio"
        )
    return raw, packed


def publish(staging: Path, out_dir: Path) -> None:
    """Put the finished `staging` folder in place of `out_dir`, never leaving a half-written cache.

    Both folders must be on the same file system (the build makes `staging` beside `out_dir`).
    A reader sees the old cache or the new one, or for an instant between the two renames no
    cache (`GeographyNotBuilt`), never a mixture.
    """
    staging, out_dir = Path(staging), Path(out_dir)
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except OSError:
        retired.rename(out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def load_layer(out_dir: Path, level: str, full: bool = False) -> gpd.GeoDataFrame:
    """A built layer as a GeoDataFrame in EPSG:4326 with columns code, name_fr, name_ar,
    parent_code (None for regions) and geometry, in file order (by code).

    `full=True` gives the unsimplified cleaned geometry. Raises `GeographyNotBuilt` if the
    cache has no such file, `ValueError` for an unknown level.
    """
    path = layer_path(out_dir, level, full)
    if not path.is_file():
        raise GeographyNotBuilt(f"no {level} layer at {path}: build the geography first")
    if full:
        layer = gpd.read_file(path, layer=level, engine="pyogrio")
    else:
        document = json.loads(path.read_bytes())
        layer = gpd.GeoDataFrame.from_features(
            document["features"], crs=WGS84, columns=[*PROPERTIES, "geometry"]
        )
    for name in PROPERTIES:
        layer[name] = layer[name].astype(object).map(_text)
    return layer[[*PROPERTIES, "geometry"]]


def load_report(out_dir: Path) -> BuildReport:
    """The report of the last build. Raises `GeographyNotBuilt` if there is none."""
    path = Path(out_dir) / REPORT_FILE
    if not path.is_file():
        raise GeographyNotBuilt(f"no build report at {path}: build the geography first")
    return BuildReport.from_json(path.read_text(encoding="utf-8"))
