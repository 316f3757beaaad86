"""The locator map of a territory page: the territory among its parent's other children,
drawn by `geo.locator` from the simplified boundaries of the cache.

The boundaries of a level are read once per process (again when a build changes them),
and each locator once per language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

import geo.cache
import geo.locator
from tracker import geography
from tracker.i18n import KIND_NAMES
from tracker.models import Territory


@lru_cache(maxsize=6)
def units_by_parent(folder: str, level: str, built: float) -> dict[str | None, dict]:
    """The shapes of a level's units, `{parent code: {code: shape}}` (regions under None),
    as the cache in `folder` held them when it was built at `built` (its file's time)."""
    layer = geo.cache.load_layer(Path(folder), level)
    grouped: dict[str | None, dict[str, BaseGeometry]] = {}
    for code, parent, shape in zip(layer["code"], layer["parent_code"], layer.geometry):
        grouped.setdefault(parent, {})[code] = shape
    return grouped


def layer_key(level: str) -> tuple[str, str, float]:
    """What the shapes of `level` are read and kept under (`units_by_parent`): the
    cache's folder, the level and its file's time. Raises `geography.GeographyMissing`
    while the boundaries are not built."""
    return str(geography.cache_dir()), level, geography.layer_path(level).stat().st_mtime


@lru_cache(maxsize=1024)
def drawn(folder: str, level: str, built: float, parent: str | None, code: str, title: str) -> str:
    """The locator of `code` among its parent's children, as `geo.locator` writes it."""
    units = units_by_parent(folder, level, built).get(parent, {})
    return geo.locator.locator_svg(units, code, title)


def locator_title(territory: Territory, lang: str) -> str:
    """What the locator shows, in the page's language: "Location of Figuig in the
    Oriental", each kind said when the two names are the same."""
    parent = territory.parent
    if parent is None:
        return _(
            "Location of %(name)s in %(parent)s", name=territory.name(lang), parent=_("Morocco")
        )
    name, within = territory.name(lang), parent.name(lang)
    if name == within:
        name = f"{name} ({KIND_NAMES.get(territory.kind, territory.kind)})"
        within = f"{within} ({KIND_NAMES.get(parent.kind, parent.kind)})"
    return _("Location of %(name)s in %(parent)s", name=name, parent=within)


def locator(territory: Territory, lang: str) -> Markup | None:
    """The territory's locator map as inline SVG markup, or None while the boundary cache
    is not built or has no shape for the territory."""
    try:
        layer = layer_key(territory.level)
    except geography.GeographyMissing:
        return None
    try:
        svg = drawn(*layer, territory.parent_code, territory.code, locator_title(territory, lang))
    except (ValueError, FileNotFoundError):
        # A territory the boundaries leave out (`geo report` lists it), or a cache
        # replaced between the two reads: the page goes without its locator.
        return None
    return Markup(svg)
