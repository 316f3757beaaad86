"""Territory maps built from plain specs, with no app: values read back from the rendered
page (never a snapshot, since Folium gives every element a random id)."""

from __future__ import annotations

import json
import re

import pytest

from geo.map_controls import Gestures
from geo.map_script import packaged_script, script_json
from geo.maps import (
    CATEGORICAL,
    FOCUS_CASING,
    FOCUS_COLOUR,
    NO_DATA_FILL,
    OTHER_FILL,
    PILOT_FILL,
    PLACE_COLOUR,
    SEQUENTIAL,
    Choropleth,
    LayerSpec,
    LegendEntry,
    MapAssets,
    MapSpec,
    Place,
    category_colours,
    class_breaks,
    map_components,
    territory_map,
)

ASSETS = MapAssets(leaflet_js="/assets/leaflet.js", leaflet_css="/assets/leaflet.css")
BOUNDS = ((32.0, -7.0), (36.0, -1.0))
# Each tries to run as markup, as a JavaScript template literal, or as a server-side template.
PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "`${alert(3)}`",
    "{{ 7 * 7 }}",
    "{% if %}",
    "{# x",
]


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


def choropleth_map(values, breaks, **choropleth) -> str:
    layer = LayerSpec(
        "region",
        "Regions",
        "/boundaries/region.geojson",
        show=True,
        choropleth=Choropleth(values, breaks, **choropleth),
    )
    return rendered(spec(layers=[layer]))["script"]


# ---- class breaks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, expected",
    [
        ([], []),
        ([None, None], []),
        ([7.0], []),
        ([5.0, 5.0, 5.0, 5.0], []),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 5, 7, 9]),
        # Ties give fewer classes, never an empty one nor a bound twice.
        ([0, 0, 0, 0, 0, 0, 1, 2, 3, 10], [0, 1, 3]),
        ([None, 1.0, 2.0], [1.0]),
        ([2.0, 1.0], [1.0]),
    ],
)
def test_class_breaks(values, expected):
    assert class_breaks(values) == expected


def test_class_breaks_with_fewer_classes():
    assert class_breaks(list(range(1, 11)), classes=2) == [6]
    assert class_breaks(list(range(1, 11)), classes=1) == []


# ---- colours --------------------------------------------------------------------------------


def test_each_territory_gets_the_colour_of_its_class():
    values = {"01": 0.0, "02": 3.0, "03": 3.5, "04": 9.0, "05": 100.0}
    script = choropleth_map(values, [0.0, 3.0, 9.0])
    fills = json_after(script, "_fills =")
    # A value on a bound belongs to the class below it; above the last, the darkest used.
    assert fills == {
        "01": SEQUENTIAL[0],
        "02": SEQUENTIAL[1],
        "03": SEQUENTIAL[2],
        "04": SEQUENTIAL[2],
        "05": SEQUENTIAL[3],
    }
    assert json_after(script, "_values =") == values


def test_territories_without_data_are_left_to_the_no_data_style():
    script = choropleth_map({"01": 2.0, "02": None}, [1.0], labels={"01": "2"})
    assert json_after(script, "_fills =") == {"01": SEQUENTIAL[1]}
    assert layer_options(script, "region")["no_data_fill"] == NO_DATA_FILL == "#cfcfcf"
    assert layer_options(script, "region")["no_data_label"] == "No data"
    # The layer draws a code without a value dashed, in that fill, and says so in its tooltip.
    code = packaged_script("boundary_layer.js")
    assert 'dashArray: known ? null : "2 3"' in code
    assert "fillColor: known ? choropleth.fills[code] : options.no_data_fill" in code
    assert "options.no_data_label" in code


def test_no_data_has_its_own_label_and_colour_apart_from_zero():
    choropleth = Choropleth({"01": 0.0}, [0.0, 5.0], no_data_label="pas de données")
    assert choropleth.colour_of(None) == NO_DATA_FILL
    assert choropleth.colour_of(0.0) == SEQUENTIAL[0] != NO_DATA_FILL
    script = choropleth_map({"01": 0.0}, [0.0, 5.0], no_data_label="pas de données")
    assert layer_options(script, "region")["no_data_label"] == "pas de données"


def test_a_single_class_is_the_lightest_colour():
    script = choropleth_map({"01": 4.0, "02": 4.0}, class_breaks([4.0, 4.0]))
    assert json_after(script, "_fills =") == {"01": SEQUENTIAL[0], "02": SEQUENTIAL[0]}


def test_categories_each_have_their_colour_and_an_unknown_one_is_no_data():
    colours = category_colours(["absent", "mentioned", "dedicated"])
    assert colours == {
        "absent": CATEGORICAL[0],
        "mentioned": CATEGORICAL[2],
        "dedicated": CATEGORICAL[3],
    }
    assert len(set(colours.values()) | {NO_DATA_FILL}) == 4
    values = {"01": "dedicated", "02": "absent", "03": "mentioned"}
    script = choropleth_map(
        values,
        (),
        categories=colours,
        labels={"01": "Un axe dédié", "04": "Aucun programme enregistré"},
        no_data_label="Aucun programme enregistré",
    )
    assert json_after(script, "_fills =") == {
        "01": CATEGORICAL[3],
        "02": CATEGORICAL[0],
        "03": CATEGORICAL[2],
    }
    assert json_after(script, "_values =") == values
    assert layer_options(script, "region")["no_data_label"] == "Aucun programme enregistré"
    assert Choropleth({}, categories=colours).colour_of("none") == NO_DATA_FILL


def test_more_categories_than_colours_are_refused():
    with pytest.raises(ValueError, match="5 categories"):
        category_colours(["a", "b", "c", "d", "e"])


def test_more_classes_than_colours_are_refused():
    with pytest.raises(ValueError, match="more than the 2 colours"):
        Choropleth({"01": 1.0}, [1.0, 2.0], colours=("#ffffff", "#000000"))


def test_without_a_metric_pilot_regions_are_filled_apart():
    script = rendered(spec(pilot_regions=["02", "01"], highlight_codes=["02.251"]))["script"]
    options = layer_options(script, "region")
    assert options["pilot_regions"] == ["02", "01"]
    assert options["highlight_codes"] == ["02.251"]
    assert (options["pilot_fill"], options["other_fill"]) == (PILOT_FILL, OTHER_FILL)
    assert "_fills =" not in script and "_values =" not in script


def test_each_layer_fetches_its_own_level_and_only_the_chosen_one_is_shown():
    script = rendered(spec())["script"]
    assert layer_options(script, "region")["url"] == "/boundaries/region.geojson"
    assert layer_options(script, "commune")["url"] == "/boundaries/commune.geojson"
    added = re.findall(r"(boundary_layer_\w+)\.addTo\(", script)
    shown = [name for name in added if f"var {name} = trackerBoundaryLayer(" in script]
    assert len(shown) == 1
    assert script.index(f"var {shown[0]} =") < script.index('"level": "commune"')
    # The layers' code is written once, however many layers use it.
    assert script.count("function trackerBoundaryLayer(") == 1


def test_tooltips_name_territories_in_the_asked_language():
    script = rendered(spec(name_property="name_ar"))["script"]
    assert 'return feature.properties["name_ar"];' in script
    assert "name_fr" not in script


def test_a_click_opens_the_territory_page():
    script = rendered(spec(link_template="/territories/{code}"))["script"]
    assert layer_options(script, "region")["link_template"] == "/territories/{code}"


# ---- legend ---------------------------------------------------------------------------------


def test_the_legend_has_its_title_and_one_line_per_entry():
    entries = [
        LegendEntry("up to 3", SEQUENTIAL[0]),
        LegendEntry("no data", NO_DATA_FILL, border="#777777", dashed=True),
        LegendEntry("Places", PLACE_COLOUR, dot=True),
    ]
    script = rendered(spec(legend_title="Measures", legend=entries))["script"]
    lines = json_after(script, "title.textContent = " + json.dumps("Measures") + ";")
    assert lines == [
        {"label": "up to 3", "fill": "#eff3ff", "border": "#3b3b3b", "dot": False, "dashed": False},
        {"label": "no data", "fill": "#cfcfcf", "border": "#777777", "dot": False, "dashed": True},
        {"label": "Places", "fill": "#d7301f", "border": "#3b3b3b", "dot": True, "dashed": False},
    ]
    assert 'L.control({position: "bottomright"})' in script


def test_no_legend_is_drawn_without_entries():
    assert "map-legend" not in rendered(spec())["script"]


def test_the_legend_folds_under_its_title_and_starts_folded_on_a_small_map():
    script = rendered(spec(legend_title="Mesures", legend=[LegendEntry("x", "#ffffff")]))["script"]
    assert 'L.DomUtil.create("details", "map-legend")' in script
    assert "box.open = !trackerSmallMap(map);" in script
    assert 'L.DomUtil.create("summary", "map-legend-title", box)' in script
    # Its code is written once, with the other controls', ahead of the map.
    assert script.count("function trackerSmallMap(") == 1
    assert script.index("function trackerSmallMap(") < script.index("L.map(")
    assert "size.x < 640" in packaged_script("map_controls.js")


# ---- the controls on every screen -----------------------------------------------------------


def controls_call(script: str) -> tuple[str, str, dict]:
    """The map, the layer control and the options `trackerMapControls` is called with."""
    found = re.search(r"trackerMapControls\((map_\w+), (layer_control_\w+),", script)
    return found.group(1), found.group(2), json_after(script, found.group(0))


def test_the_layer_list_folds_under_its_title_and_the_map_fits_clear_of_the_controls():
    script = rendered(spec(layers_title="Couches"))["script"]
    map_name, control, options = controls_call(script)
    assert f"var {map_name} = L.map(" in script
    assert f"let {control} = L.control.layers(" in script
    assert options == {
        "bounds": [[32.0, -7.0], [36.0, -1.0]],
        "layers_title": "Couches",
        "gestures": None,
    }
    # After the controls are on the map, so that their size is known when it is fitted.
    assert script.index(f"let {control} = L.control.layers(") < script.index(
        f"trackerMapControls({map_name}"
    )
    code = packaged_script("map_controls.js")
    assert 'setAttribute("aria-expanded"' in code
    assert "paddingTopLeft" in code and "paddingBottomRight" in code


def test_gesture_handling_is_loaded_after_leaflet_with_its_hints():
    gestures = Gestures("/assets/gh.js", "/assets/gh.css", "Deux doigts", "Ctrl", "Cmd")
    assets = MapAssets("/assets/leaflet.js", "/assets/leaflet.css", gestures=gestures)
    parts = rendered(spec(assets=assets))
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", parts["header"])
    sheets = re.findall(r"<link[^>]*\bhref=\"([^\"]+)\"", parts["header"])
    assert scripts == ["/assets/leaflet.js", "/assets/gh.js"]
    assert sheets == ["/assets/leaflet.css", "/assets/gh.css"]
    assert controls_call(parts["script"])[2]["gestures"] == {
        "touch": "Deux doigts",
        "scroll": "Ctrl",
        "scrollMac": "Cmd",
    }
    assert "gestureHandling.enable()" in packaged_script("map_controls.js")


# ---- places ---------------------------------------------------------------------------------


def test_places_are_markers_with_their_popup():
    places = [
        Place(32.1, -1.2, "Bouarfa", url="/measures/1", details=("Reception", "Figuig")),
        Place(32.5, -1.9, "Figuig (pilot commune)", url="/territories/02.251.01.03"),
    ]
    script = rendered(spec(places=places, places_title="Lieux"))["script"]
    assert json_after(script, "= trackerPlaceMarkers(") == [
        {
            "lat": 32.1,
            "lon": -1.2,
            "label": "Bouarfa",
            "url": "/measures/1",
            "details": ["Reception", "Figuig"],
            "link_text": None,
        },
        {
            "lat": 32.5,
            "lon": -1.9,
            "label": "Figuig (pilot commune)",
            "url": "/territories/02.251.01.03",
            "details": [],
            "link_text": None,
        },
    ]
    assert PLACE_COLOUR in script.split("= trackerPlaceMarkers(")[1]
    assert '"Lieux" : place_markers_' in script
    assert script.count("function trackerPlaceMarkers(") == 1


def test_no_markers_without_places():
    assert "= trackerPlaceMarkers(" not in rendered(spec())["script"]


# ---- text that tries to run -----------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_names_stay_text_in_tooltips_popups_and_legend(payload):
    place = Place(32.1, -1.2, f"Cellule {payload}", details=(payload,), link_text=payload)
    layer = LayerSpec(
        "region",
        "Regions",
        "/boundaries/region.geojson",
        show=True,
        choropleth=Choropleth({"01": 1.0}, [], labels={"01": payload}, no_data_label=payload),
    )
    script = rendered(
        spec(layers=[layer], places=[place], legend=[LegendEntry(payload, "#ffffff")])
    )["script"]
    # Each comes back whole from the JSON it was written as: nothing evaluated or dropped.
    marker = json_after(script, "= trackerPlaceMarkers(")[0]
    assert (marker["label"], marker["details"], marker["link_text"]) == (
        f"Cellule {payload}",
        [payload],
        payload,
    )
    assert json_after(script, "_labels =") == {"01": payload}
    assert layer_options(script, "region")["no_data_label"] == payload
    assert json_after(script, "title.textContent = " + json.dumps("") + ";")[0]["label"] == payload
    assert "<script>alert" not in script and "<img" not in script
    # The page's code sets every text as text, and has no template literal to break out of.
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    for name in ("boundary_layer.js", "place_markers.js", "map_controls.js"):
        assert "`" not in packaged_script(name)


def test_script_json_leaves_no_template_tag():
    text = str(script_json({"a": "{{ x }} {% y %} {# z", "b": [{"c": "<&'>"}]}))
    assert not re.search(r"\{[{%#]", text)
    assert "<" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"a": "{{ x }} {% y %} {# z", "b": [{"c": "<&'>"}]}


# ---- what the page loads --------------------------------------------------------------------


def test_only_the_given_assets_are_loaded():
    parts = rendered(
        spec(
            legend=[LegendEntry("x", "#ffffff")],
            places=[Place(1.0, 2.0, "p")],
            tiles_url="https://tiles.example.org/{z}/{x}/{y}.png",
            tiles_attribution="© contributors",
        )
    )
    page = "".join(parts.values())
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    sheets = re.findall(r"<link[^>]*\bhref=\"([^\"]+)\"", page)
    assert scripts == ["/assets/leaflet.js"]
    assert sheets == ["/assets/leaflet.css"]
    assert not re.search(r"@import|https?://[^\"']*\.(?:js|css)\b", page)
    # The tiles are images from the given address, not code.
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in parts["script"]


def test_without_tiles_there_is_no_base_map():
    assert "tileLayer" not in rendered(spec())["script"]


# ---- direction ------------------------------------------------------------------------------


def test_right_to_left_puts_the_controls_on_the_left():
    entries = [LegendEntry("مفتاح", "#ffffff")]
    rtl = rendered(spec(rtl=True, legend=entries))["script"]
    ltr = rendered(spec(rtl=False, legend=entries))["script"]
    assert 'L.control({position: "bottomleft"})' in rtl
    assert '"position": "topleft"' in rtl
    assert 'L.control({position: "bottomright"})' in ltr
    assert '"position": "topright"' in ltr


def test_labels_take_their_own_direction():
    # A name typed in Arabic on a French page, or the reverse, reads in its own direction.
    assert 'label.setAttribute("dir", "auto")' in packaged_script("boundary_layer.js")
    assert 'title.setAttribute("dir", "auto")' in packaged_script("place_markers.js")
    assert 'label.setAttribute("dir", "auto")' in packaged_script("place_markers.js")


def test_the_map_fits_the_given_bounds():
    script = rendered(spec())["script"]
    assert re.search(r"fitBounds\(\s*\[\[32\.0, -7\.0\], \[36\.0, -1\.0\]\]", script)


# ---- the territory looked for ---------------------------------------------------------------


def focus_outlines(script: str) -> list[dict]:
    """The options of every focus outline the page draws."""
    return [json_after(call, "") for call in script.split("trackerFocusOutline(map_")[1:]]


def test_a_focus_is_outlined_from_its_level_and_the_map_fits_its_box():
    box = ((32.0, -1.3), (32.2, -1.1))
    script = rendered(spec(bounds=box, focus_code="02.251.01.03", focus_level="commune"))["script"]
    calls = re.findall(r"trackerFocusOutline\((map_\w+), (\{[^}]*\})\);", script)
    assert len(calls) == 1
    map_name, options = calls[0][0], json.loads(calls[0][1])
    assert f"var {map_name} = L.map(" in script
    assert options == {
        "url": "/boundaries/commune.geojson",
        "code": "02.251.01.03",
        "colour": FOCUS_COLOUR,
        "casing": FOCUS_CASING,
        "weight": 3.5,
    }
    # Drawn whether or not its level is the one shown (here the regions are).
    assert layer_options(script, "region")["url"] == "/boundaries/region.geojson"
    assert re.search(r"fitBounds\(\s*\[\[32\.0, -1\.3\], \[32\.2, -1\.1\]\]", script)


def test_without_a_focus_nothing_is_outlined():
    script = rendered(spec())["script"]
    assert "trackerFocusOutline(map_" not in script
    # The outline's code is there once, with the layers', and takes no pointer events.
    code = packaged_script("boundary_layer.js")
    assert "interactive: false" in code and 'setAttribute("data-focus"' in code


def test_the_focus_colour_reads_on_every_fill():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    # The line against its white casing, and the casing or the line against every fill.
    assert contrast(FOCUS_COLOUR, FOCUS_CASING) >= 4.5
    for fill in (*SEQUENTIAL, NO_DATA_FILL, PILOT_FILL, OTHER_FILL):
        assert max(contrast(FOCUS_COLOUR, fill), contrast(FOCUS_CASING, fill)) >= 3, fill
    assert FOCUS_COLOUR not in (PLACE_COLOUR, *SEQUENTIAL)
