"""The application's view of the boundary cache that `geo` builds in the instance folder.

Boundary files are read once per process (again only when a rebuild changes
them), kept in memory raw and gzip-compressed, and served with an ETag so
browsers and proxies can keep them.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import geopandas
from flask import current_app

import geo.cache
from tracker.models.territory import LEVELS

_lock = threading.Lock()
_files: dict[tuple[str, float], BoundaryFile] = {}
_extents: dict[tuple[str, float], Extents] = {}


class GeographyMissing(LookupError):
    """The boundary cache has not been built yet (`flask --app tracker geo build`)."""


@dataclass(frozen=True)
class BoundaryFile:
    """One level's simplified boundaries, ready to send."""

    raw: bytes
    gzipped: bytes
    etag: str


@dataclass(frozen=True)
class Extents:
    """Bounding boxes of every territory, and a point inside each commune."""

    boxes: dict[str, tuple[float, float, float, float]]
    points: dict[str, tuple[float, float]]

    def union(self, codes) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """The ((south, west), (north, east)) box around `codes`, or None if none is known."""
        found = [self.boxes[c] for c in codes if c in self.boxes]
        if not found:
            return None
        return (
            (min(b[1] for b in found), min(b[0] for b in found)),
            (max(b[3] for b in found), max(b[2] for b in found)),
        )


def cache_dir() -> Path:
    """The folder the boundary cache lives in."""
    return Path(current_app.config["GEO_CACHE_DIR"])


def layer_path(level: str) -> Path:
    """The simplified GeoJSON file of `level`, where `geo.cache` keeps it.

    Raises `GeographyMissing` if it is not built, `ValueError` for a level `geo` does not know.
    """
    path = geo.cache.layer_path(cache_dir(), level)
    if not path.exists():
        raise GeographyMissing(str(path))
    return path


def boundary_file(level: str) -> BoundaryFile:
    """The boundaries of `level` in memory, read again only when the file changes."""
    path = layer_path(level)
    key = (str(path), path.stat().st_mtime)
    with _lock:
        cached = _files.get(key)
        if cached is None:
            raw = path.read_bytes()
            cached = BoundaryFile(
                raw=raw,
                gzipped=gzip.compress(raw, compresslevel=9, mtime=0),
                etag=hashlib.sha256(raw).hexdigest()[:32],
            )
            _files[key] = cached
    return cached


def extents() -> Extents:
    """Boxes of every region, province and commune, and a point inside each commune."""
    marker = layer_path("commune")
    key = (str(marker), marker.stat().st_mtime)
    with _lock:
        cached = _extents.get(key)
    if cached is not None:
        return cached
    boxes: dict[str, tuple[float, float, float, float]] = {}
    points: dict[str, tuple[float, float]] = {}
    for level in LEVELS:
        layer = geopandas.read_file(layer_path(level))
        for code, box in zip(layer["code"], layer.geometry.bounds.itertuples(index=False)):
            boxes[str(code)] = tuple(float(v) for v in box)
        if level == "commune":
            inside = layer.geometry.representative_point()
            for code, point in zip(layer["code"], inside):
                points[str(code)] = (point.y, point.x)
    cached = Extents(boxes, points)
    with _lock:
        _extents[key] = cached
    return cached
