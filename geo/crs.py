"""The coordinate systems the geography is measured in.

Geometry is stored and published in longitude/latitude (EPSG:4326, as RFC 7946 requires), but
degrees are neither areas nor distances: areas are taken in an equal-area projection and
lengths in a conformal one fitted to Morocco.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike

#: Longitude/latitude, the only system the published files use.
WGS84 = "EPSG:4326"

#: World cylindrical equal-area: areas in m², whatever the latitude.
EQUAL_AREA = "EPSG:6933"

#: Lambert conformal conic with standard parallels at 24°N and 34°N, centred on the country
#: (Lagouira at 21°N to Tangier at 36°N): lengths are within about 0.5 % everywhere, which a
#: single UTM zone cannot do across 16 degrees of longitude.
METRIC = "+proj=lcc +lat_1=24 +lat_2=34 +lat_0=29 +lon_0=-8 +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=8)
def transformer(source: str, target: str) -> pyproj.Transformer:
    """A cached lon/lat-ordered transformer from `source` to `target`."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def project(geoms: ArrayLike, source: str = WGS84, target: str = METRIC) -> np.ndarray:
    """Return `geoms` (shapely geometries) transformed from `source` to `target`.

    The same input coordinate always gives the same output coordinate, so borders that two
    geometries share stay shared.
    """
    forward = transformer(source, target)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = forward.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), move)


def area_km2(geoms: ArrayLike, crs: str = WGS84) -> np.ndarray:
    """Area of each geometry in km², measured in the equal-area projection."""
    series = gpd.GeoSeries(np.asarray(geoms, dtype=object), crs=crs)
    return series.to_crs(EQUAL_AREA).area.to_numpy() / 1e6
