"""Folium maps of Morocco's territories.

The maps here never embed boundary geometry: each layer fetches the simplified
boundaries of its level from a URL the caller gives (served compressed and
cacheable), and only when the layer is first shown, so a slow line loads one
level at a time. Every text shown on the map (names, legend, labels) is set
with `textContent`, never as HTML, so no name or label can run as markup.

Nothing here imports Flask: the caller passes the URLs of the assets, the
boundary files and the territory pages. The layers' JavaScript is in `static/`,
packaged with the module, and written once into the map's script. The territories'
colours (classes, categories, no data) are `geo.choropleth`'s, named here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
from branca.element import MacroElement

from .choropleth import CATEGORICAL as CATEGORICAL
from .choropleth import NO_DATA_FILL as NO_DATA_FILL
from .choropleth import SEQUENTIAL as SEQUENTIAL
from .choropleth import Choropleth as Choropleth
from .choropleth import category_colours as category_colours
from .choropleth import class_breaks as class_breaks
from .map_controls import Gestures, MapControls
from .map_script import PackagedScript, ScriptTemplate

# Colours that read on a plain background and on a base map alike.
PILOT_FILL = "#1f78b4"
OTHER_FILL = "#b2b2b2"
BORDER = "#3b3b3b"
PLACE_COLOUR = "#d7301f"
# The territory looked for: a dark magenta line over a white casing; one of the two
# stands out (3:1 at least) on every fill of the map, and neither is the places' red.
FOCUS_COLOUR = "#a0006a"
FOCUS_CASING = "#ffffff"


@dataclass(frozen=True)
class MapAssets:
    """Where the page finds Leaflet and, if it is given, its gesture handling: URLs the
    application serves itself. `scripts` are loaded after Leaflet, before the map's own
    script (the boundaries' decoder, `trackerDecodeTopology`, for a layer given as a
    topology)."""

    leaflet_js: str
    leaflet_css: str
    gestures: Gestures | None = None
    scripts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A point drawn as a marker: its label (tooltip) and, in its popup, the lines of
    `details` and a link to `url` named `link_text`. All set as text, never as HTML."""

    lat: float
    lon: float
    label: str
    url: str | None = None
    details: tuple[str, ...] = ()
    link_text: str | None = None


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a swatch (fill and border colours, or a dot) and its label;
    with `url`, the label is a link there and the line has no swatch."""

    label: str
    fill: str
    border: str = BORDER
    dot: bool = False
    # A dashed border, as the map draws territories with no data.
    dashed: bool = False
    url: str | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A level's boundary layer: its name in the layer control and where its data is:
    `url`, a GeoJSON FeatureCollection, or `topology_url` when it is given, the same
    boundaries as a topology (`geo.topology`), smaller, which the page decodes with
    `trackerDecodeTopology` (see `MapAssets.scripts`)."""

    level: str
    title: str
    url: str
    topology_url: str | None = None
    weight: float = 0.6
    show: bool = False
    choropleth: Choropleth | None = None


@dataclass
class MapSpec:
    """Everything a territory map needs, as plain values.

    With `focus_code`, the territory of that code (in the layer of `focus_level`) is
    outlined on top of every layer, and `bounds` should be its box.
    """

    assets: MapAssets
    layers: Sequence[LayerSpec]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    name_property: str = "name_fr"
    link_template: str | None = None
    pilot_regions: Sequence[str] = ()
    highlight_codes: Sequence[str] = ()
    places: Sequence[Place] = ()
    places_title: str = "Places"
    legend_title: str = ""
    legend: Sequence[LegendEntry] = ()
    tiles_url: str | None = None
    tiles_attribution: str | None = None
    tiles_title: str = "Base map"
    layers_title: str = "Layers"
    rtl: bool = False
    focus_code: str | None = None
    focus_level: str | None = None


class BoundaryLayer(PackagedScript, folium.map.Layer):
    """A level's boundaries, fetched from `url` the first time the layer is shown.

    Pilot territories (whose code starts with one of `pilot_regions`) are
    filled in the pilot colour, or, with a choropleth, every territory in the
    colour `Choropleth.colour_of` gives its value; `highlight_codes` get a
    thicker border. The tooltip is the feature's `name_property`; a click opens
    `link_template` with `{code}` replaced by the territory's code. With `focus_code`,
    that territory's outline is drawn on top of the map, thicker, whether the layer is
    shown or not. The layer's code is `static/boundary_layer.js`.
    """

    script_file = "boundary_layer.js"
    _template = ScriptTemplate(
        """
        {% macro script(this, kwargs) %}
        {%- set name = this.get_name() %}
        {%- if this.choropleth %}
        var {{ name }}_values = {{ this.choropleth.values|tojson }};
        var {{ name }}_labels = {{ this.choropleth.labels|tojson }};
        var {{ name }}_fills = {{ this.choropleth.fills()|tojson }};
        {%- endif %}
        var {{ name }} = trackerBoundaryLayer(
            {{ this.options|tojson }},
            function(feature) { return feature.properties[{{ this.name_property|tojson }}]; },
            {%- if this.choropleth %}
            {values: {{ name }}_values, labels: {{ name }}_labels, fills: {{ name }}_fills}
            {%- else %}
            null
            {%- endif %}
        );
        {%- if this.focus %}
        trackerFocusOutline({{ this._parent.get_name() }}, {{ this.focus|tojson }});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        spec: LayerSpec,
        *,
        name_property: str,
        link_template: str | None,
        pilot_regions: Sequence[str],
        highlight_codes: Sequence[str],
        focus_code: str | None = None,
    ):
        super().__init__(name=spec.title, overlay=False, control=True, show=spec.show)
        self._name = "BoundaryLayer"
        self.name_property = name_property
        self.choropleth = spec.choropleth
        self.focus = focus_code and {
            "url": spec.url,
            **({"topology_url": spec.topology_url} if spec.topology_url else {}),
            "code": focus_code,
            "colour": FOCUS_COLOUR,
            "casing": FOCUS_CASING,
            "weight": 3.5,
        }
        self.options = {
            "url": spec.url,
            "topology_url": spec.topology_url,
            "level": spec.level,
            "weight": spec.weight,
            "border": BORDER,
            "highlight_codes": list(highlight_codes),
            "pilot_regions": list(pilot_regions),
            "pilot_fill": PILOT_FILL,
            "other_fill": OTHER_FILL,
            "no_data_fill": NO_DATA_FILL,
            "no_data_label": spec.choropleth.no_data_label if spec.choropleth else None,
            "link_template": link_template,
        }


class PlaceMarkers(PackagedScript, folium.map.Layer):
    """Circle markers for places, labelled with `textContent` and linked to their page.

    The markers' code is `static/place_markers.js`.
    """

    script_file = "place_markers.js"
    _template = ScriptTemplate(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = trackerPlaceMarkers(
            {{ this.places|tojson }}, {{ this.colour|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, places: Sequence[Place], title: str):
        super().__init__(name=title, overlay=True, control=True, show=True)
        self._name = "PlaceMarkers"
        self.colour = PLACE_COLOUR
        self.places = [
            {
                "lat": p.lat,
                "lon": p.lon,
                "label": p.label,
                "url": p.url,
                "details": list(p.details),
                "link_text": p.link_text,
            }
            for p in places
        ]


class Legend(PackagedScript, MacroElement):
    """A legend drawn as a Leaflet control; one entry a line, so labels never overlap.
    It folds under its title (a <details>), folded at first on a small map."""

    script_file = "map_controls.js"
    _template = ScriptTemplate(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function(map) {
            var box = L.DomUtil.create("details", "map-legend");
            box.open = !trackerSmallMap(map);
            var title = L.DomUtil.create("summary", "map-legend-title", box);
            title.textContent = {{ this.title|tojson }};
            {{ this.entries|tojson }}.forEach(function(entry) {
                var row = L.DomUtil.create("div", "map-legend-row", box);
                if (entry.url) {
                    var link = L.DomUtil.create("a", "map-legend-link", row);
                    link.href = entry.url;
                    link.textContent = entry.label;
                    return;
                }
                var swatch = L.DomUtil.create("span", "map-legend-swatch", row);
                swatch.style.background = entry.fill;
                swatch.style.borderColor = entry.border;
                if (entry.dot) { swatch.style.borderRadius = "50%"; }
                if (entry.dashed) { swatch.classList.add("dashed"); }
                var text = L.DomUtil.create("span", "map-legend-label", row);
                text.textContent = entry.label;
            });
            L.DomEvent.disableClickPropagation(box);
            return box;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, entries: Sequence[LegendEntry], position: str):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.position = position
        self.entries = [
            {
                "label": e.label,
                "fill": e.fill,
                "border": e.border,
                "dot": e.dot,
                "dashed": e.dashed,
                **({"url": e.url} if e.url else {}),
            }
            for e in entries
        ]


def territory_map(spec: MapSpec) -> folium.Map:
    """Build the territories map described by `spec`.

    Leaflet comes from `spec.assets` only (Folium's default CDN links are
    replaced on this map instance, not globally). With no `tiles_url` the map
    has no base map and draws the boundaries on a plain background. The legend and
    the layer list fold, and the map is fitted clear of them (`geo.map_controls`).
    """
    m = folium.Map(
        tiles=None,
        width="100%",
        height="100%",
        control_scale=False,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    m.default_js = [("leaflet", spec.assets.leaflet_js)] + [
        (f"script_{i}", url) for i, url in enumerate(spec.assets.scripts)
    ]
    m.default_css = [("leaflet_css", spec.assets.leaflet_css)]

    if spec.tiles_url:
        folium.TileLayer(
            tiles=spec.tiles_url,
            attr=spec.tiles_attribution or "",
            name=spec.tiles_title,
            overlay=True,
            control=True,
            max_zoom=18,
        ).add_to(m)

    for layer in spec.layers:
        BoundaryLayer(
            layer,
            name_property=spec.name_property,
            link_template=spec.link_template,
            pilot_regions=spec.pilot_regions,
            highlight_codes=spec.highlight_codes,
            focus_code=spec.focus_code if layer.level == spec.focus_level else None,
        ).add_to(m)

    if spec.places:
        PlaceMarkers(spec.places, spec.places_title).add_to(m)

    if spec.legend:
        Legend(
            spec.legend_title,
            spec.legend,
            position="bottomleft" if spec.rtl else "bottomright",
        ).add_to(m)

    layers = folium.LayerControl(position="topleft" if spec.rtl else "topright", collapsed=False)
    layers.add_to(m)
    m.fit_bounds([list(spec.bounds[0]), list(spec.bounds[1])])
    MapControls(layers, spec.bounds, spec.layers_title, spec.assets.gestures).add_to(m)
    return m


def map_components(m: folium.Map) -> dict[str, str]:
    """Render `m` and return its `header`, `html` and `script` parts for a page of one's own.

    The parts go into the page's head, body and a nonce-carrying script tag, so
    the map works under a Content-Security-Policy without an iframe.
    """
    root = m.get_root()
    root.render()
    return {
        "header": root.header.render(),
        "html": root.html.render(),
        "script": root.script.render(),
    }
