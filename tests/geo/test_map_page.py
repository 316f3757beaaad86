"""What a territory map draws around its boundary layers, built from plain specs with no
app: the legend, the controls that fold on a small screen, the places' markers, the outline
of the territory looked for, the files the page loads, right-to-left pages, and names that
try to run as code staying text. Values are read back from the rendered page (never a
snapshot, since Folium gives every element a random id)."""

from __future__ import annotations

import json
import re

import pytest

from geo.map_controls import Gestures
from geo.map_script import packaged_script, script_json
from geo.maps import (
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
    Place,
)
from tests.geo.maps_support import json_after, layer_options, rendered, spec

# Each tries to run as markup, as a JavaScript template literal, or as a server-side template.
PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "`${alert(3)}`",
    "{{ 7 * 7 }}",
    "{% if %}",
    "{# x",
]


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
