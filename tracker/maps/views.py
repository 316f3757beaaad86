"""The map of Morocco's regions, provinces and communes."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

import geo.maps
from tracker import geography
from tracker.assets import vendor_url
from tracker.extensions import db
from tracker.i18n import LEVEL_PLURALS, current_language, text_direction
from tracker.models import Territory

bp = Blueprint("maps", __name__)

# Used when the pilot's boxes are unknown: the whole country.
MOROCCO_BOUNDS = ((20.7, -17.1), (35.95, -0.99))


def build_map_spec() -> geo.maps.MapSpec:
    """Describe the national map for the current request's language and settings.

    Raises `geography.GeographyMissing` while the boundary cache is not built.
    """
    config = current_app.config
    lang = current_language()
    extents = geography.extents()
    pilot_regions = list(config["PILOT_REGIONS"])
    bounds = extents.union(pilot_regions) or MOROCCO_BOUNDS

    places = []
    focal = db.session.get(Territory, config["PILOT_COMMUNE"])
    if focal is not None and focal.code in extents.points:
        lat, lon = extents.points[focal.code]
        places.append(
            geo.maps.Place(
                lat=lat,
                lon=lon,
                label=_("%(name)s (pilot commune)", name=focal.name(lang)),
                url=url_for("public.territory", code=focal.code),
            )
        )

    layers = [
        geo.maps.LayerSpec(
            level=level,
            title=str(LEVEL_PLURALS[level]),
            url=url_for("api.boundaries", level=level),
            weight={"region": 1.5, "province": 1.0, "commune": 0.5}[level],
            show=(level == "commune"),
        )
        for level in ("region", "province", "commune")
    ]
    link = url_for("public.territory", code="__CODE__").replace("__CODE__", "{code}")
    return geo.maps.MapSpec(
        assets=geo.maps.MapAssets(
            leaflet_js=vendor_url("leaflet", "leaflet.js"),
            leaflet_css=vendor_url("leaflet", "leaflet.css"),
        ),
        layers=layers,
        bounds=bounds,
        name_property="name_ar" if lang == "ar" else "name_fr",
        link_template=link,
        pilot_regions=pilot_regions,
        highlight_codes=[config["PILOT_PROVINCE"], config["PILOT_COMMUNE"]],
        places=places,
        places_title=_("Places"),
        legend_title=_("Legend"),
        legend=[
            geo.maps.LegendEntry(_("Pilot regions"), geo.maps.PILOT_FILL),
            geo.maps.LegendEntry(_("Other territories"), geo.maps.OTHER_FILL),
            geo.maps.LegendEntry(_("Pilot commune (focal point)"), geo.maps.PLACE_COLOUR, dot=True),
        ],
        tiles_url=config.get("MAP_TILES_URL") or None,
        tiles_attribution=config.get("MAP_TILES_ATTRIBUTION"),
        tiles_title=_("Base map"),
        rtl=text_direction() == "rtl",
    )


def map_parts() -> dict[str, str]:
    """The rendered map for this request's language, kept per process until its inputs change.

    Raises `geography.GeographyMissing` while the boundary cache is not built.
    """
    config = current_app.config
    key = (
        current_language(),
        request.script_root,
        geography.layer_path("commune").stat().st_mtime,
        config.get("MAP_TILES_URL"),
        tuple(config["PILOT_REGIONS"]),
        config["PILOT_PROVINCE"],
        config["PILOT_COMMUNE"],
    )
    cache = current_app.extensions.setdefault("tracker_rendered_maps", {})
    parts = cache.get(key)
    if parts is None:
        parts = geo.maps.map_components(geo.maps.territory_map(build_map_spec()))
        cache[key] = parts
    return parts


@bp.get("/map")
def national_map():
    """The map page: region, province and commune layers, opening on the pilot.

    Answers 503 with an explanation while the geography has not been built.
    """
    try:
        parts = map_parts()
    except geography.GeographyMissing:
        return render_template("map_unavailable.html"), 503
    return render_template("map.html", map=parts)
