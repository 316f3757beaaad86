"""The boundary layers of a territory map, built from plain specs with no app: the classes
a metric's values fall into, the colour each territory gets from its class or category (and
the style of those without data), the level each layer fetches, and what its tooltips and
clicks do. Values are read back from the rendered page (never a snapshot, since Folium gives
every element a random id)."""

from __future__ import annotations

import re

import pytest

from geo.map_script import packaged_script
from geo.maps import (
    CATEGORICAL,
    NO_DATA_FILL,
    OTHER_FILL,
    PILOT_FILL,
    SEQUENTIAL,
    Choropleth,
    LayerSpec,
    category_colours,
    class_breaks,
)
from tests.geo.maps_support import json_after, layer_options, rendered, spec


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
