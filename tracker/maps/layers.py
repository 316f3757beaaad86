"""The map's boundaries as a topology (`geo.topology`): each border sent once, in small
integers, at a URL that names its content, so a browser keeps it for a year.

A layer is encoded from the built GeoJSON the first time it is asked for in a process,
compressed then, and encoded again only when a rebuild replaces the file.
"""

from __future__ import annotations

import hashlib
import json
import threading

from flask import url_for

import geo.topology
from tracker import geography
from tracker.assets import Compressed, compress_body

# Part of every layer's version: a change to the encoding is a new URL.
FORMAT = "topology-1"
MIMETYPE = "application/json"

_lock = threading.Lock()
_encoded: dict[tuple[str, str], Compressed] = {}


def layer_version(level: str) -> str:
    """The version of `level`'s topology: a hash of the built file and of the encoding.
    Raises `geography.GeographyMissing` while the boundaries are not built."""
    etag = geography.boundary_file(level).etag
    return hashlib.sha256(f"{FORMAT}:{etag}".encode()).hexdigest()[:12]


def topology_url(level: str) -> str:
    """The versioned URL of `level`'s topology. Raises `geography.GeographyMissing` while
    the boundaries are not built."""
    return url_for("maps.topology", level=level, version=layer_version(level))


def encoded_layer(level: str) -> Compressed:
    """`level`'s topology, compressed, encoded once per built file and process."""
    source = geography.boundary_file(level)
    key = (level, source.etag)
    with _lock:
        found = _encoded.get(key)
    if found is None:
        data = geo.topology.topology_bytes(json.loads(source.raw), level)
        found = compress_body(data, MIMETYPE)
        with _lock:
            _encoded[key] = found
    return found
