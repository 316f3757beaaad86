// A level's boundary layer on a territory map; geo/maps.py writes one call per level.
//
// The layer fetches its boundaries the first time it is shown, so a slow line loads one
// level at a time, and marks the map's container while it does (data-loading, then
// data-loaded-<level> with the number of features, or data-failed). Every text is set
// with textContent, never as HTML, so no name or label can run as markup.
//
// options: url (GeoJSON), topology_url (the same as a topology, fetched instead when
//          given), level, border, weight, highlight_codes, pilot_regions, pilot_fill,
//          other_fill, no_data_fill, no_data_label, link_template (or null)
// nameOf:  the name a feature is shown by
// choropleth (or null): values, labels and fills by territory code; a code without a
//          value has no data and is drawn dashed, in the no-data fill
//
// trackerFocusOutline draws the territory looked for on top of every layer, from the same
// boundary file (fetched once, however many use it).
//
// The boundaries are drawn on one canvas, in a pane of their own under the overlay pane:
// as SVG, the 1,503 communes were 1,503 elements to style and lay out, most of the time a
// small computer took to show the map. The places' markers and the focus outline stay
// SVG in the overlay pane, above them; hovering and clicking a territory work the same.
function trackerBoundaryRenderer(map) {
    if (!map.trackerBoundaryRenderer) {
        map.createPane("trackerBoundaries").style.zIndex = 350;
        map.trackerBoundaryRenderer = L.canvas({pane: "trackerBoundaries"});
    }
    return map.trackerBoundaryRenderer;
}

// The boundaries at url, fetched once a page; asked again after a failure. A topology is
// decoded into a FeatureCollection (trackerDecodeTopology, loaded with the page).
function trackerFetchBoundaries(url) {
    var kept = trackerFetchBoundaries.kept || (trackerFetchBoundaries.kept = {});
    if (!kept[url]) {
        kept[url] = fetch(url, {credentials: "same-origin"})
            .then(function(response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            })
            .then(function(data) {
                return data.type === "PackedTopology" ? trackerDecodeTopology(data) : data;
            })
            .catch(function(error) {
                delete kept[url];
                throw error;
            });
    }
    return kept[url];
}

// options: url, topology_url (as the layer's), code, colour, casing, weight. The outline
// takes no pointer events, so the territory's tooltip and link under it still answer; the
// map's container gets data-focus=<code> once it is drawn.
function trackerFocusOutline(map, options) {
    trackerFetchBoundaries(options.topology_url || options.url)
        .then(function(data) {
            var found = data.features.filter(function(feature) {
                return String(feature.properties.code) === options.code;
            });
            if (!found.length) { return; }
            [[options.casing, options.weight + 3], [options.colour, options.weight]]
                .forEach(function(line) {
                    L.geoJson(found[0], {
                        interactive: false,
                        style: {color: line[0], weight: line[1], opacity: 1, fill: false}
                    }).addTo(map);
                });
            map.getContainer().setAttribute("data-focus", options.code);
        })
        .catch(function(error) { console.warn("focus not drawn", error); });
}

function trackerBoundaryLayer(options, nameOf, choropleth) {
    function hasData(code) {
        var value = choropleth.values[code];
        return value !== undefined && value !== null;
    }

    function style(feature) {
        var code = String(feature.properties.code || "");
        var weight = options.highlight_codes.indexOf(code) >= 0 ? 2.5 : options.weight;
        if (choropleth) {
            var known = hasData(code);
            return {
                color: options.border,
                weight: weight,
                dashArray: known ? null : "2 3",
                fillColor: known ? choropleth.fills[code] : options.no_data_fill,
                fillOpacity: 0.85
            };
        }
        var pilot = options.pilot_regions.indexOf(code.slice(0, 2)) >= 0;
        return {
            color: options.border,
            weight: weight,
            fillColor: pilot ? options.pilot_fill : options.other_fill,
            fillOpacity: pilot ? 0.35 : 0.2
        };
    }

    // A territory's tooltip, made when it is first shown, not for every territory drawn.
    function tooltipOf(feature) {
        var label = document.createElement("span");
        label.setAttribute("dir", "auto");
        var name = document.createElement("strong");
        name.textContent = nameOf(feature) || "";
        label.appendChild(name);
        if (choropleth) {
            var shown = choropleth.labels[feature.properties.code];
            var figure = document.createElement("span");
            figure.textContent = " " + (shown === undefined ? options.no_data_label : shown);
            label.appendChild(figure);
        }
        return label;
    }

    // One tooltip and one handler of each kind for the whole layer, told which territory
    // the pointer is on, rather than one for each of the 1,503 communes.
    var layer = L.geoJson(null, {style: style});
    layer.bindTooltip(function(shape) { return tooltipOf(shape.feature); }, {sticky: true});
    if (options.link_template) {
        layer.on("click", function(e) {
            window.location.href = options.link_template.replace(
                "{code}", encodeURIComponent(e.layer.feature.properties.code));
        });
    }
    layer.on("mouseover", function(e) { e.layer.setStyle({weight: 2.5}); });
    layer.on("mouseout", function(e) { layer.resetStyle(e.layer); });
    layer.trackerLevel = options.level;
    layer.trackerLoaded = false;
    layer.on("add", function() {
        if (layer.trackerLoaded) { return; }
        layer.trackerLoaded = true;
        layer.options.renderer = trackerBoundaryRenderer(layer._map);
        var container = layer._map.getContainer();
        container.setAttribute("data-loading", layer.trackerLevel);
        trackerFetchBoundaries(options.topology_url || options.url)
            .then(function(data) {
                layer.addData(data);
                container.removeAttribute("data-loading");
                container.setAttribute("data-loaded-" + layer.trackerLevel,
                                       String(data.features.length));
            })
            .catch(function(error) {
                layer.trackerLoaded = false;
                container.removeAttribute("data-loading");
                container.setAttribute("data-failed", layer.trackerLevel);
                console.warn("boundaries not loaded", error);
            });
    });
    return layer;
}
