"""The map's boundaries as a packed topology (`geo.topology`): each border sent once, in
small integers, at a URL that names its content, so a browser keeps it for a year.

A layer holds what the map reads of each territory, its code and its name in the page's
language, so a page fetches no name it does not show. It is encoded from the built
GeoJSON the first time it is asked for in a process, compressed then, and encoded again
only when a rebuild replaces the file.
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
FORMAT = "topology-3-columns"
MIMETYPE = "application/json"

_lock = threading.Lock()
_encoded: dict[tuple[str, str, str], Compressed] = {}


def name_property(lang: str) -> str:
    """The property a territory's name is shown from in `lang`: Arabic, or French."""
    return "name_ar" if lang == "ar" else "name_fr"


def layer_version(level: str, lang: str) -> str:
    """The version of `level`'s topology in `lang`: a hash of the built file, the language
    and the encoding. Raises `geography.GeographyMissing` while the boundaries are not built."""
    etag = geography.boundary_file(level).etag
    return hashlib.sha256(f"{FORMAT}:{name_property(lang)}:{etag}".encode()).hexdigest()[:12]


def topology_url(level: str, lang: str) -> str:
    """The versioned URL of `level`'s topology in `lang` (the French names' for every
    language but Arabic, so that they share one). Raises `geography.GeographyMissing`
    while the boundaries are not built."""
    names = "ar" if name_property(lang) == "name_ar" else "fr"
    return url_for("maps.topology", lang=names, level=level, version=layer_version(level, names))


def encoded_layer(level: str, lang: str) -> Compressed:
    """`level`'s topology in `lang`, compressed, encoded once per built file and process.
    Raises `geography.GeographyMissing` while the boundaries are not built."""
    source = geography.boundary_file(level)
    key = (level, name_property(lang), source.etag)
    with _lock:
        found = _encoded.get(key)
    if found is None:
        data = geo.topology.topology_bytes(
            json.loads(source.raw),
            level,
            properties=("code", name_property(lang)),
        )
        found = compress_body(data, MIMETYPE)
        with _lock:
            _encoded[key] = found
    return found
