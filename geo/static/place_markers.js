// Places on a territory map as circle markers; geo/maps.py writes the call.
//
// places: [{lat, lon, label, url (or null), details: [lines], link_text (or null)}]
// A place with details or a link text opens a popup (its label, the lines, a link to
// its page); one with only a url opens that page. Every text is set with textContent,
// never as HTML.
function trackerPlaceMarkers(places, colour) {
    var group = L.featureGroup();
    places.forEach(function(place) {
        var marker = L.circleMarker([place.lat, place.lon], {
            radius: 7, color: "#ffffff", weight: 2,
            fillColor: colour, fillOpacity: 1
        });
        var label = document.createElement("span");
        label.textContent = place.label;
        label.setAttribute("dir", "auto");
        marker.bindTooltip(label, {direction: "top", offset: [0, -6]});
        if (place.details.length || place.link_text) {
            // The box takes the page's direction; the title, typed in any
            // language, its own.
            var box = document.createElement("div");
            var title = document.createElement("strong");
            title.textContent = place.label;
            title.setAttribute("dir", "auto");
            box.appendChild(title);
            place.details.forEach(function(line) {
                var p = document.createElement("div");
                p.textContent = line;
                box.appendChild(p);
            });
            if (place.url) {
                var link = document.createElement("a");
                link.href = place.url;
                link.textContent = place.link_text || place.url;
                box.appendChild(link);
            }
            marker.bindPopup(box);
        } else if (place.url) {
            marker.on("click", function() { window.location.href = place.url; });
        }
        marker.addTo(group);
    });
    return group;
}
