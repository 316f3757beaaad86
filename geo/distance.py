"""How far a point lies outside a territory's boundary, in metres.

The boundary is the unsimplified one the cache keeps (`geo.cache`, `full=True`): the published
layers are simplified for the web by up to 3 km, more than a check of a point's place allows.
Distances are measured in `crs.METRIC`, the conformal projection fitted to the whole country
(lengths within 0.6 % from Tangier to Lagouira), where a single Merchich zone or UTM zone
would stretch lengths at the far ends of the country.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from .cache import layer_path
from .crs import project


def distance_outside_m(boundary: BaseGeometry, lon: float, lat: float) -> float:
    """Metres from the point (`lon`, `lat`, WGS 84 degrees) to the nearest point of `boundary`
    (a polygon or multipolygon in EPSG:4326), measured in `crs.METRIC`; 0 for a point inside the
    boundary or on it.

    Raises `ValueError` for a missing or empty boundary.
    """
    if boundary is None or boundary.is_empty:
        raise ValueError("a distance is measured to a boundary that has a shape")
    point = shapely.Point(lon, lat)
    if boundary.covers(point):
        return 0.0
    shape, spot = project([boundary, point])
    return float(shape.distance(spot))


def boundary_of(out_dir: Path, level: str, code: str) -> BaseGeometry | None:
    """The unsimplified boundary (EPSG:4326) of the territory `code` of `level`, read from the
    cache in `out_dir`; None when the cache has no unsimplified layer of that level, or no shape
    for that code. Each territory's shape is read once until the layer's file changes.

    Raises `ValueError` for a level `geo` does not know.
    """
    path = layer_path(out_dir, level, full=True)
    try:
        changed = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _read_boundary(str(path), changed, level, code)


@lru_cache(maxsize=256)
def _read_boundary(path: str, changed: int, level: str, code: str) -> BaseGeometry | None:
    # `changed` is part of the key only: a rebuilt layer is read again.
    quoted = code.replace("'", "''")
    rows = gpd.read_file(path, layer=level, engine="pyogrio", where=f"code = '{quoted}'")
    shapes = [g for g in rows.geometry if g is not None and not g.is_empty]
    return shapely.union_all(shapes) if shapes else None
