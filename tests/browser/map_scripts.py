"""Scripts the map's browser tests run in the page to read what Leaflet drew."""

# For each territory of the shown boundary layers, its code and whether it is drawn: on
# the boundaries' canvas, with a part inside the map's view.
DRAWN_TERRITORIES = """
() => {
    const map = window[document.querySelector('.folium-map').id];
    const drawn = {};
    map.eachLayer(layer => {
        if (layer.feature && layer._renderer === map.trackerBoundaryRenderer) {
            drawn[layer.feature.properties.code] = layer._parts.length > 0;
        }
    });
    return drawn;
}
"""

# Each territory of the shown boundary layers: its tooltip's text, as its layer's tooltip
# makes it when the pointer is on it, and its fill colour.
TOOLTIPS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    const found = {};
    map.eachLayer(group => {
        if (!group.trackerLevel || !group.getTooltip()) { return; }
        const content = group.getTooltip().getContent();
        group.eachLayer(l => {
            found[l.feature.properties.code] = [content(l).textContent, l.options.fillColor];
        });
    });
    return found;
}"""
