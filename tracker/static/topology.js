// Decodes the map's boundaries, sent as a packed topology (geo/topology.py, whose
// docstring describes the document), back into GeoJSON.
//
// Each border is kept once: `arcs` is one string of arcs separated by spaces, each point
// the offset from the point written before it (across arcs too), the numbers packed as in
// the polyline encoding (five bits a character from "?", 0x20 set on all but a number's
// last; the number doubled, its sign in the lowest bit), to be scaled and translated by
// `transform`. A ring is a string of packed arc references, each 2·d (+ 1 when the arc is
// walked backwards), d the arc's index minus the one written before it in the document;
// each arc after a ring's first leaves out its first point (the last of the one before).
// `properties` holds one list per property. trackerDecodeTopology(topology) gives the
// FeatureCollection, every feature with its properties, in order.

// Calls each(number) for every number packed in `text`, and each(null) for a space.
function trackerEachPacked(text, each) {
    var value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
        var code = text.charCodeAt(i);
        if (code === 32) {
            each(null);
            continue;
        }
        var bits = code - 63;
        value |= (bits & 0x1f) << shift;
        if (bits & 0x20) {
            shift += 5;
            continue;
        }
        each(value & 1 ? ~(value >> 1) : value >> 1);
        value = 0;
        shift = 0;
    }
}

function trackerDecodeTopology(topology) {
    var sx = topology.transform.scale[0], sy = topology.transform.scale[1];
    var tx = topology.transform.translate[0], ty = topology.transform.translate[1];

    // The arcs, as lists of [longitude, latitude]: one pass over the string.
    var lines = [], line = [], x = 0, y = 0, isY = false;
    trackerEachPacked(topology.arcs, function(number) {
        if (number === null) {
            lines.push(line);
            line = [];
        } else if (isY) {
            y += number;
            line.push([x * sx + tx, y * sy + ty]);
            isY = false;
        } else {
            x += number;
            isY = true;
        }
    });
    if (topology.arcs.length) { lines.push(line); }

    // The arc references are relative to the one before, across the whole document, so
    // the rings are read in the document's order.
    var previous = 0;

    function ring(refs) {
        var points = [];
        trackerEachPacked(refs, function(ref) {
            previous += ref >> 1;
            var arc = lines[previous], skip = points.length ? 1 : 0, j;
            if (ref & 1) {
                for (j = arc.length - 1 - skip; j >= 0; j--) { points.push(arc[j]); }
            } else {
                for (j = skip; j < arc.length; j++) { points.push(arc[j]); }
            }
        });
        return points;
    }

    function polygon(rings) { return rings.map(ring); }

    var columns = topology.properties, names = Object.keys(columns);
    var features = topology.geometries.map(function(geometry, index) {
        var properties = {};
        names.forEach(function(name) { properties[name] = columns[name][index]; });
        var single = typeof geometry[0] === "string";
        return {
            type: "Feature",
            properties: properties,
            geometry: {
                type: single ? "Polygon" : "MultiPolygon",
                coordinates: single ? polygon(geometry) : geometry.map(polygon)
            }
        };
    });
    return {type: "FeatureCollection", features: features};
}
