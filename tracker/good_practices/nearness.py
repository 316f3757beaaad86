"""How near one territory is to another: a point inside each territory (read once per
process from the boundary cache, again only when a build changes it), the distance
between two of them, and the order in which a territory sees other collectivities'
good practices (same level first, nearest first)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import geopandas

from tracker import geography
from tracker.models.territory import LEVELS

# Mean radius of the Earth, in kilometres.
EARTH_KM = 6371.0088

_lock = threading.Lock()
_points: dict[tuple, dict[str, tuple[float, float]]] = {}


def territory_points() -> dict[str, tuple[float, float]]:
    """`{code: (latitude, longitude)}`: a point inside every region, province and commune
    of the boundary cache (a representative point, always inside its shape, where a
    centroid may fall outside a curved one). Empty while the cache is not built."""
    try:
        paths = [geography.layer_path(level) for level in LEVELS]
    except geography.GeographyMissing:
        return {}
    key = tuple((str(path), path.stat().st_mtime) for path in paths)
    with _lock:
        cached = _points.get(key)
    if cached is not None:
        return cached
    points: dict[str, tuple[float, float]] = {}
    for path in paths:
        layer = geopandas.read_file(path)
        for code, point in zip(layer["code"], layer.geometry.representative_point()):
            points[str(code)] = (point.y, point.x)
    with _lock:
        _points.clear()
        _points[key] = points
    return points


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Place:
    """Where a collectivity is, as the ordering reads it: its code, level, parent's code
    and region's code."""

    code: str
    level: str
    parent_code: str | None
    region_code: str


def point_of(place: Place, points: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """The point of `place`, or of the nearest territory around it that has one (its
    parent, its region); None when none has."""
    for code in (place.code, place.parent_code, place.region_code):
        if code in points:
            return points[code]
    return None


def kinship(place: Place, near: Place) -> int:
    """How closely `place` and `near` are related in the hierarchy, 0 the closest: the
    same province (or one inside the other), then the same region, then none."""
    if near.code in (place.parent_code, place.code) or place.code == near.parent_code:
        return 0
    if place.parent_code is not None and place.parent_code == near.parent_code:
        return 0
    return 1 if place.region_code == near.region_code else 2


def nearness(
    near: Place, points: dict[str, tuple[float, float]]
) -> Callable[[Place], tuple[int, float, int]]:
    """The sort key of a collectivity for the territory `near`: those of `near`'s level
    first, then by distance between their points (those without one after), then by
    how closely related they are in the hierarchy."""
    origin = point_of(near, points)

    def key(place: Place) -> tuple[int, float, int]:
        here = point_of(place, points)
        distance = distance_km(origin, here) if origin and here else math.inf
        return (0 if place.level == near.level else 1, distance, kinship(place, near))

    return key
