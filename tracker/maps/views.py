"""The map of Morocco's regions, provinces and communes, coloured by a metric the user picks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

import geo.maps
from tracker import geography, public_data, stats
from tracker.assets import IMMUTABLE, REVALIDATE, compressed_response, map_assets
from tracker.errors import BadParameter, JsonError
from tracker.extensions import db
from tracker.i18n import LEVEL_PLURALS, current_language, metric_text, text_direction
from tracker.maps.choropleth import coloured, none_matching, score_text
from tracker.maps.layers import encoded_layer, layer_version, name_property, topology_url
from tracker.models import Measure, Territory
from tracker.models.territory import LEVELS
from tracker.params import (
    filter_args,
    parse_filters,
    parse_focus,
    parse_level,
    parse_metric,
    sector_choices,
)
from tracker.stats.assessments import details
from tracker.vocab import MEASURE_KINDS, MEASURE_STATUSES
from tracker.writers import boundary_file

bp = Blueprint("maps", __name__)

# Used when the pilot's boxes are unknown: the whole country.
MOROCCO_BOUNDS = ((20.7, -17.1), (35.95, -0.99))


@dataclass(frozen=True)
class MapChoice:
    """What the user asked the map to show: a level, a metric (None: the pilot view),
    filters, and the code of a territory to zoom to and outline (None: the pilot's box)."""

    level: str = "commune"
    metric: str | None = None
    filters: stats.Filters = field(default_factory=stats.Filters)
    focus: str | None = None

    def kept_args(self) -> dict[str, str]:
        """The metric and filters as a query string, for a link to the map focused on
        another territory (whose level then follows that territory's)."""
        args = filter_args(self.filters)
        if self.metric:
            args["metric"] = self.metric
        return args


def parse_choice(args) -> tuple[MapChoice, list[str]]:
    """The map's choice from the query string, and a message for each value set aside.

    With a `focus` and no `level`, the level is the focused territory's.
    """
    errors = []

    def read(parse, fallback):
        try:
            return parse(args)
        except BadParameter as bad:
            errors.append(bad.message)
            return fallback

    focus = read(parse_focus, None)
    default_level = focus.level if focus is not None else "commune"
    level = read(lambda a: parse_level(a, default_level), default_level)
    metric = read(lambda a: parse_metric(a, None), None)
    if metric and level not in stats.METRICS[metric].levels:
        errors.append(
            _(
                "The figure “%(figure)s” is not given for this level (%(level)s).",
                figure=stats.METRICS[metric].label,
                level=LEVEL_PLURALS[level],
            )
        )
        metric = None
    filters = read(parse_filters, stats.Filters())
    return MapChoice(level, metric, filters, focus.code if focus else None), errors


def _places(lang: str, filters: stats.Filters) -> list[geo.maps.Place]:
    """The pilot commune, and every public measure recorded at a place."""
    config = current_app.config
    extents = geography.extents()
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
    query = public_data.measures_query(None, filters).where(Measure.latitude.is_not(None))
    for measure in public_data.load_measures(query):
        places.append(
            geo.maps.Place(
                lat=float(measure.latitude),
                lon=float(measure.longitude),
                label=measure.title,
                url=url_for("public.measure", measure_id=measure.id),
                details=(
                    str(MEASURE_KINDS.get(measure.kind, measure.kind)),
                    measure.territory.name(lang),
                    str(MEASURE_STATUSES.get(measure.status, measure.status)),
                ),
                link_text=_("Open the measure's page"),
            )
        )
    return places


def build_map_spec(choice: MapChoice | None = None) -> geo.maps.MapSpec:
    """Describe the national map for the current request's language, settings and choice.

    Raises `geography.GeographyMissing` while the boundary cache is not built.
    """
    choice = choice or MapChoice()
    config = current_app.config
    lang = current_language()
    extents = geography.extents()
    pilot_regions = list(config["PILOT_REGIONS"])
    focus = db.session.get(Territory, choice.focus) if choice.focus else None
    bounds = (
        (focus and extents.union([focus.code])) or extents.union(pilot_regions) or MOROCCO_BOUNDS
    )

    choropleth, legend_title = None, _("Legend")
    legend = [
        geo.maps.LegendEntry(_("Pilot regions"), geo.maps.PILOT_FILL),
        geo.maps.LegendEntry(_("Other territories"), geo.maps.OTHER_FILL),
    ]
    if choice.metric:
        drawn = coloured(choice.metric, choice.level, choice.filters)
        choropleth, legend, legend_title = drawn.choropleth, drawn.legend, drawn.title
    legend.append(
        geo.maps.LegendEntry(
            _("Places (reception, legal clinics...)"), geo.maps.PLACE_COLOUR, dot=True
        )
    )
    if focus is not None:
        legend.append(
            geo.maps.LegendEntry(
                _("%(name)s (looked for)", name=focus.name(lang)),
                "transparent",
                border=geo.maps.FOCUS_COLOUR,
            )
        )

    layers = [
        geo.maps.LayerSpec(
            level=level,
            title=str(LEVEL_PLURALS[level]),
            url=url_for("api.boundaries", level=level),
            topology_url=topology_url(level, lang),
            weight={"region": 1.5, "province": 1.0, "commune": 0.5}[level],
            show=(level == choice.level),
            choropleth=choropleth if level == choice.level else None,
        )
        for level in ("region", "province", "commune")
    ]
    link = url_for("public.territory", code="__CODE__").replace("__CODE__", "{code}")
    return geo.maps.MapSpec(
        assets=map_assets(),
        layers=layers,
        bounds=bounds,
        name_property=name_property(lang),
        link_template=link,
        pilot_regions=pilot_regions,
        highlight_codes=[config["PILOT_PROVINCE"], config["PILOT_COMMUNE"]],
        places=_places(lang, choice.filters),
        places_title=_("Places"),
        legend_title=legend_title,
        legend=legend,
        tiles_url=config.get("MAP_TILES_URL") or None,
        tiles_attribution=config.get("MAP_TILES_ATTRIBUTION"),
        tiles_title=_("Base map"),
        layers_title=_("Layers"),
        rtl=text_direction() == "rtl",
        focus_code=focus.code if focus else None,
        focus_level=focus.level if focus else None,
    )


def map_parts(choice: MapChoice) -> dict[str, str]:
    """The rendered map for this language and choice, kept per process (see
    `stats.kept`) until a record, the boundaries or the map settings change.

    Raises `geography.GeographyMissing` while the boundary cache is not built.
    """
    config = current_app.config
    return stats.kept(
        "map",
        lambda: geo.maps.map_components(geo.maps.territory_map(build_map_spec(choice))),
        current_language(),
        request.script_root,
        choice,
        stats.programme_year(choice.filters),  # this year's programmes, when none is chosen
        geography.layer_path("commune").stat().st_mtime,
        config.get("MAP_TILES_URL"),
        tuple(config["PILOT_REGIONS"]),
        config["PILOT_PROVINCE"],
        config["PILOT_COMMUNE"],
        limit=256,
    )


def figures_table(choice: MapChoice) -> list[dict]:
    """The map's figures as rows for the table under it, largest first (no data last); a
    category's rows in the order of its categories, from the most, the sort key its
    rank (`value`), and `text` set when the value is words rather than a number."""
    if not choice.metric:
        return []
    metric = stats.METRICS[choice.metric]
    values = stats.metric_values(choice.metric, choice.level, choice.filters)
    unmatched = stats.unmatched(choice.metric, choice.level, choice.filters)
    ranks = {key: rank for rank, key in enumerate(metric.categories or ())}
    scored = details(choice.metric, choice.level, choice.filters) if metric.unit == "score" else {}
    territories = db.session.scalars(
        select(Territory).where(Territory.level == choice.level).order_by(Territory.code)
    ).all()
    lang = current_language()
    rows = []
    for t in territories:
        value = values.get(t.code)
        shown = metric_text(metric, value)
        if t.code in unmatched:
            shown = none_matching(shown if value is not None else None)
        if metric.categories is not None:
            number = None if value in (None, metric.empty) else float(ranks.get(value, -1))
        else:
            number = None if value is None else float(value)
        row = {"code": t.code, "name": t.name(lang), "value": number, "shown": shown}
        row["text"] = metric.categories is not None or t.code in unmatched
        if t.code in scored:
            row["shown"], row["text"] = score_text(metric, scored[t.code]), True
        rows.append(row)
    with_data = sorted((r for r in rows if r["value"] is not None), key=lambda r: -r["value"])
    return with_data + [r for r in rows if r["value"] is None]


@bp.get("/map")
def national_map():
    """The map page: a metric by region, province or commune, with filters in the URL,
    places, and the same figures as a table under the map.

    Answers 503 with an explanation while the geography has not been built.
    """
    choice, errors = parse_choice(request.args)
    try:
        parts = map_parts(choice)
    except geography.GeographyMissing:
        return render_template("map_unavailable.html"), 503
    # The shown layer's boundaries are fetched alongside Leaflet, not once it has run.
    preload = f"<{topology_url(choice.level, current_language())}>; rel=preload; as=fetch"
    headers = {"Link": preload + "; crossorigin=anonymous"}
    return render_map_page(parts, choice, errors), (400 if errors else 200), headers


def render_map_page(parts: dict[str, str], choice: MapChoice, errors: list[str] = ()) -> str:
    """The map page around the rendered map `parts`: the form, the legend's table of
    figures and the export links for `choice`."""
    table, with_data = figures_table_html(choice)
    return render_template(
        "map.html",
        map=parts,
        choice=choice,
        errors=list(errors),
        metrics=stats.METRICS,
        levels=LEVEL_PLURALS,
        sectors=sector_choices(current_language()),
        statuses=MEASURE_STATUSES,
        figures_table=table,
        with_data=with_data,
        export_args=filter_args(choice.filters),
        focus=db.session.get(Territory, choice.focus) if choice.focus else None,
        lang=current_language(),
    )


def figures_table_html(choice: MapChoice) -> tuple[Markup, int]:
    """The table of the map's figures, rendered, and how many territories have data.

    Kept per process for each choice and language until a record changes: a commune
    map's table has 1,503 rows, whose values and links cost more than the rest of the page.
    """
    if not choice.metric:
        return Markup(""), 0
    choice = replace(choice, focus=None)

    def render() -> tuple[Markup, int]:
        rows = figures_table(choice)
        html = render_template(
            "maps/figures_table.html",
            rows=rows,
            metric=stats.METRICS[choice.metric],
            link=url_for("public.territory", code="__CODE__"),
        )
        return Markup(html), sum(1 for r in rows if r["value"] is not None)

    # A rendered commune table is about 80 kB: a few dozen are kept, not thousands.
    return stats.kept(
        "map-table", render, choice, current_language(), request.script_root, limit=64
    )


@bp.get("/map/boundary/<code>.geojson")
def territory_boundary(code: str):
    """The simplified boundary of one territory, as a FeatureCollection of its one feature
    (properties `code`, `name_fr`, `name_ar`, `parent_code`), for the small maps of the pages.

    Answers 404 for a territory unknown or absent from the boundaries, 503 while the
    geography has not been built; with an ETag, so a browser asks again cheaply.
    """
    territory = db.session.get(Territory, code)
    body = territory and _one_feature(boundary_file(territory.level).raw, territory.code)
    if not body:
        raise JsonError(404, "not_found", _("Unknown territory code: %(codes)s.", codes=code))
    response = Response(body, mimetype="application/geo+json")
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)


@lru_cache(maxsize=64)
def _one_feature(layer: bytes, code: str) -> bytes | None:
    # Keyed on the layer's bytes, which a rebuild replaces: a new cache is read again.
    features = [f for f in json.loads(layer)["features"] if f["properties"]["code"] == code]
    if not features:
        return None
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@bp.get("/map/topology/<lang>/<level>.<version>.json")
def topology(lang: str, level: str, version: str):
    """A level's simplified boundaries as a packed topology (`geo.topology`), each
    territory's properties its `code` and its name in `lang` (`name_ar` in Arabic,
    `name_fr` otherwise), compressed as the request accepts.

    Kept a year under the current version; an older version answers the current layer, to
    be revalidated. 404 for an unknown level, 503 while the geography is not built.
    """
    if level not in LEVELS or lang not in current_app.config["LANGUAGES"]:
        abort(404)
    try:
        body = encoded_layer(level, lang)
        current = version == layer_version(level, lang)
    except geography.GeographyMissing:
        abort(503)
    return compressed_response(body, IMMUTABLE if current else REVALIDATE)
