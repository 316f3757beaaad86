"""The controls of a territory map on every screen, a phone's included.

On a small map the legend and the layer list start folded (each opens from its own
heading); the map is fitted to its box clear of the controls, so none covers the
territory looked for; and with Leaflet.GestureHandling one finger scrolls the page
rather than the map. The code is `static/map_controls.js`.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import CssLink, JavascriptLink, MacroElement

from .map_script import PackagedScript, ScriptTemplate


@dataclass(frozen=True)
class Gestures:
    """Leaflet.GestureHandling, served from `js` and `css`: one finger and a plain wheel
    scroll the page; two fingers, and the wheel with Ctrl (⌘ on a Mac), move the map.
    The hints it shows over the map when the page scrolls instead: `touch`, `scroll` and
    `scroll_mac`, in the page's language."""

    js: str
    css: str
    touch: str = "Use two fingers to move the map"
    scroll: str = "Use Ctrl + scroll to zoom the map"
    scroll_mac: str = "Use ⌘ + scroll to zoom the map"


class MapControls(PackagedScript, MacroElement):
    """Folds the layer control `layers` under a button named `layers_title`, fits the map
    to `bounds` clear of every control, and turns on `gestures` (None: the map takes
    every gesture, as Leaflet's default). Added after the controls and the first fit."""

    script_file = "map_controls.js"
    _template = ScriptTemplate(
        """
        {% macro script(this, kwargs) %}
        trackerMapControls({{ this._parent.get_name() }}, {{ this.layers.get_name() }},
                           {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layers: folium.LayerControl,
        bounds: tuple[tuple[float, float], tuple[float, float]],
        layers_title: str,
        gestures: Gestures | None = None,
    ):
        super().__init__()
        self._name = "MapControls"
        self.layers = layers
        self.gestures = gestures
        self.options = {
            "bounds": [list(bounds[0]), list(bounds[1])],
            "layers_title": layers_title,
            "gestures": gestures
            and {
                "touch": gestures.touch,
                "scroll": gestures.scroll,
                "scrollMac": gestures.scroll_mac,
            },
        }

    def render(self, **kwargs):
        """Load the gesture handling after Leaflet, in the page's head, then render as usual."""
        if self.gestures:
            header = self.get_root().header
            header.add_child(JavascriptLink(self.gestures.js), name="leaflet_gesture_handling")
            header.add_child(CssLink(self.gestures.css), name="leaflet_gesture_handling_css")
        super().render(**kwargs)
