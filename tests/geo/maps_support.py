"""Plain helpers the map tests share: a map spec of two regions, its rendered page, and
the values the page passes to its scripts, read back as JSON."""

from __future__ import annotations

import json

from geo.maps import LayerSpec, MapAssets, MapSpec, map_components, territory_map

ASSETS = MapAssets(leaflet_js="/assets/leaflet.js", leaflet_css="/assets/leaflet.css")
BOUNDS = ((32.0, -7.0), (36.0, -1.0))


def spec(**changes) -> MapSpec:
    """A map of two regions, the first shown, with whatever `changes` say."""
    values = {
        "assets": ASSETS,
        "layers": [
            LayerSpec("region", "Regions", "/boundaries/region.geojson", show=True),
            LayerSpec("commune", "Communes", "/boundaries/commune.geojson"),
        ],
        "bounds": BOUNDS,
    }
    return MapSpec(**{**values, **changes})


def rendered(map_spec: MapSpec) -> dict[str, str]:
    return map_components(territory_map(map_spec))


def json_after(text: str, marker: str):
    """The JSON value written right after the first `marker` in `text`."""
    start = text.index(marker) + len(marker)
    start += len(text[start:]) - len(text[start:].lstrip())
    value, _ = json.JSONDecoder().raw_decode(text, start)
    return value


def layer_options(script: str, level: str) -> dict:
    """The options of the boundary layer of `level`, as the page passes them."""
    calls = script.split("= trackerBoundaryLayer(")[1:]
    options = [json_after(call, "") for call in calls]
    return next(o for o in options if o["level"] == level)
