// The point picker: a small map of the collectivity under the latitude and longitude
// fields marked data-point-picker (templates/records/point_picker.html gives the map's
// boundary address and texts). A click on the map places the point (a marker that can be
// dragged) and fills both fields; typing in the fields moves the marker; "clear the point"
// empties both. The boundary alone is enough to pick a point: base-map tiles are drawn
// only when the page names them. Leaflet is loaded, from the application, only on a page
// that has such fields, and only once that page has loaded. Without this script, or when
// neither the boundary nor tiles can be shown, the two numbers are typed as before.
(function () {
    "use strict";

    var script = document.currentScript;
    var options = script ? script.dataset : {};
    var latitude = document.querySelector("input[data-point-picker=latitude]");
    var longitude = document.querySelector("input[data-point-picker=longitude]");
    if (!latitude || !longitude || !options.boundary) { return; }

    // Five decimals are about a metre: finer than a click can aim.
    var DECIMALS = 5;
    var MOROCCO = [[20.7, -17.1], [35.95, -0.99]];
    var NUMBER = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/;

    function loadLeaflet(done) {
        if (window.L) { done(); return; }
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = options.leafletCss;
        document.head.appendChild(css);
        var js = document.createElement("script");
        js.src = options.leafletJs;
        js.onload = done;
        document.head.appendChild(js);
    }

    function numberIn(input) {
        var text = input.value.trim();
        return NUMBER.test(text) ? parseFloat(text.replace(",", ".")) : null;
    }

    // The point the fields hold, or null while either is empty or not a coordinate.
    function typedPoint() {
        var lat = numberIn(latitude);
        var lon = numberIn(longitude);
        if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
            return null;
        }
        return L.latLng(lat, lon);
    }

    function element(tag, className, text) {
        var node = document.createElement(tag);
        node.className = className;
        if (text) { node.textContent = text; }
        return node;
    }

    function build() {
        var widget = element("div", "point-picker");
        var label = element("p", "point-picker-label", options.label);
        label.id = "point-picker-label";
        var hint = element("p", "help", options.hint);
        hint.id = "point-picker-hint";
        var box = element("div", "point-picker-map");
        box.setAttribute("role", "application");
        box.setAttribute("aria-labelledby", label.id);
        box.setAttribute("aria-describedby", hint.id);
        var clear = element("button", "button secondary point-picker-clear", options.clear);
        clear.type = "button";
        widget.append(label, hint, box, clear);
        (longitude.closest(".field") || longitude).after(widget);

        var rtl = document.documentElement.dir === "rtl";
        var map = L.map(box, {zoomControl: false, attributionControl: Boolean(options.tiles)});
        L.control.zoom({position: rtl ? "topright" : "topleft"}).addTo(map);
        map.fitBounds(MOROCCO);
        if (options.tiles) {
            L.tileLayer(options.tiles, {attribution: options.attribution || "", maxZoom: 18})
                .addTo(map);
        }
        var marker = null;

        function place(latlng) {
            if (marker) {
                marker.setLatLng(latlng);
            } else {
                marker = L.marker(latlng, {
                    draggable: true,
                    title: options.marker,
                    alt: options.marker,
                    icon: L.divIcon({className: "point-picker-marker", iconSize: [18, 18]})
                }).addTo(map);
                marker.on("dragend", function () { fill(marker.getLatLng().wrap()); });
            }
            clear.disabled = false;
        }

        function unplace() {
            if (marker) { map.removeLayer(marker); }
            marker = null;
            clear.disabled = true;
        }

        function changed() {
            [latitude, longitude].forEach(function (input) {
                input.dispatchEvent(new Event("change", {bubbles: true}));
            });
        }

        function fill(latlng) {
            latitude.value = latlng.lat.toFixed(DECIMALS);
            longitude.value = latlng.lng.toFixed(DECIMALS);
            changed();
        }

        // Typing moves the marker; an empty field takes it away; a number half typed
        // ("32.", "-") leaves it where it was.
        function follow() {
            var point = typedPoint();
            if (point) {
                place(point);
                if (!map.getBounds().contains(point)) { map.panTo(point); }
            } else if (!latitude.value.trim() || !longitude.value.trim()) {
                unplace();
            }
        }

        map.on("click", function (event) {
            var latlng = event.latlng.wrap();
            place(latlng);
            fill(latlng);
        });
        latitude.addEventListener("input", follow);
        longitude.addEventListener("input", follow);
        clear.addEventListener("click", function () {
            latitude.value = "";
            longitude.value = "";
            changed();
            unplace();
            latitude.focus();
        });

        var start = typedPoint();
        if (start) { place(start); } else { clear.disabled = true; }

        fetch(options.boundary, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.json();
        }).then(function (shape) {
            var outline = L.geoJSON(shape, {
                interactive: false,
                className: "point-picker-outline",
                style: {color: "#1f5f99", weight: 2, fillColor: "#1f5f99", fillOpacity: 0.08}
            }).addTo(map);
            var bounds = outline.getBounds();
            // A point placed outside is shown with the boundary, to see how far off it is.
            if (marker) { bounds.extend(marker.getLatLng()); }
            map.fitBounds(bounds, {padding: [12, 12], animate: false});
            widget.classList.add("point-picker-ready");
        }).catch(function () {
            if (options.tiles) {
                widget.classList.add("point-picker-ready");
                return;
            }
            // Neither a boundary nor a base map: a blank square helps no one.
            map.remove();
            widget.remove();
        });
    }

    // The form is whole and usable without the map: on a slow line, Leaflet (about 40 KB)
    // is asked for once the page has loaded, not before it.
    if (document.readyState === "complete") {
        loadLeaflet(build);
    } else {
        window.addEventListener("load", function () { loadLeaflet(build); });
    }
}());
