// Decodes the map's boundaries, sent as a topology (geo/topology.py), back into GeoJSON.
//
// A topology keeps each border once: `arcs` are lines of integer points, each point
// written as its offset from the one before (the first from 0, 0), to be scaled and
// translated by `transform`; a ring is a list of arc indices, ~i for arc i walked
// backwards, each arc after the first leaving out its first point (the last of the one
// before). An arc is a list of [dx, dy], or a string of them packed as in the polyline
// encoding (five bits a character from "?", 0x20 set on all but a number's last; the
// number doubled, its sign in the lowest bit). trackerDecodeTopology(topology) gives the
// FeatureCollection of its one object, every feature with its properties, in order.

function trackerUnpackLine(text) {
    var deltas = [], numbers = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
        var bits = text.charCodeAt(i) - 63;
        value |= (bits & 0x1f) << shift;
        if (bits & 0x20) {
            shift += 5;
            continue;
        }
        numbers.push(value & 1 ? ~(value >> 1) : value >> 1);
        value = 0;
        shift = 0;
        if (numbers.length === 2) {
            deltas.push(numbers);
            numbers = [];
        }
    }
    return deltas;
}

function trackerDecodeTopology(topology) {
    var scale = topology.transform.scale;
    var translate = topology.transform.translate;
    var lines = topology.arcs.map(function(arc) {
        var x = 0, y = 0;
        return (typeof arc === "string" ? trackerUnpackLine(arc) : arc).map(function(delta) {
            x += delta[0];
            y += delta[1];
            return [x * scale[0] + translate[0], y * scale[1] + translate[1]];
        });
    });

    function ring(indices) {
        var points = [];
        indices.forEach(function(index) {
            var line = index < 0 ? lines[~index].slice().reverse() : lines[index];
            points = points.concat(points.length ? line.slice(1) : line);
        });
        return points;
    }

    function polygon(rings) { return rings.map(ring); }

    var name = Object.keys(topology.objects)[0];
    var features = topology.objects[name].geometries.map(function(geometry) {
        return {
            type: "Feature",
            properties: geometry.properties,
            geometry: {
                type: geometry.type,
                coordinates: geometry.type === "Polygon" ?
                    polygon(geometry.arcs) : geometry.arcs.map(polygon)
            }
        };
    });
    return {type: "FeatureCollection", features: features};
}
