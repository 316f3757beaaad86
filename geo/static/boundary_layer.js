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
                return data.type === "Topology" ? trackerDecodeTopology(data) : data;
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

    function onEachFeature(feature, shape) {
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
        shape.bindTooltip(label, {sticky: true});
        if (options.link_template) {
            shape.on("click", function() {
                window.location.href = options.link_template.replace(
                    "{code}", encodeURIComponent(feature.properties.code));
            });
        }
        shape.on("mouseover", function(e) { e.target.setStyle({weight: 2.5}); });
        shape.on("mouseout", function(e) { layer.resetStyle(e.target); });
    }

    var layer = L.geoJson(null, {style: style, onEachFeature: onEachFeature});
    layer.trackerLevel = options.level;
    layer.trackerLoaded = false;
    layer.on("add", function() {
        if (layer.trackerLoaded) { return; }
        layer.trackerLoaded = true;
        var container = layer._map ? layer._map.getContainer() : null;
        if (container) { container.setAttribute("data-loading", layer.trackerLevel); }
        trackerFetchBoundaries(options.topology_url || options.url)
            .then(function(data) {
                layer.addData(data);
                // Markers of places stay above the boundaries drawn after them.
                layer.bringToBack();
                if (container) {
                    container.removeAttribute("data-loading");
                    container.setAttribute("data-loaded-" + layer.trackerLevel,
                                           String(data.features.length));
                }
            })
            .catch(function(error) {
                layer.trackerLoaded = false;
                if (container) {
                    container.removeAttribute("data-loading");
                    container.setAttribute("data-failed", layer.trackerLevel);
                }
                console.warn("boundaries not loaded", error);
            });
    });
    return layer;
}
