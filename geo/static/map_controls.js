// The controls of a territory map on every screen, a phone's included; geo/maps.py
// (the legend) and geo/map_controls.py write the calls.
//
// On a small map the legend and the layer list start folded, each opened and closed
// from its own heading (the legend is a <details>, the layer list a button that says
// with aria-expanded whether it is open). The map is fitted to its box clear of the
// controls' corners, so none covers the territory looked for. When the page loads
// Leaflet.GestureHandling, one finger and a plain wheel scroll the page; two fingers,
// and the wheel with Ctrl (or ⌘), move the map, with hints in the page's language.

// Whether the map is too small to keep its legend and layer list open over it: a
// phone's, or a short window's.
function trackerSmallMap(map) {
    var size = map.getSize();
    return size.x < 640 || size.y < 420;
}

// The layer control's list under a button named title; open on a large map only.
function trackerFoldLayers(map, control, title) {
    var container = control.getContainer();
    var list = container.querySelector(".leaflet-control-layers-list");
    list.id = "map-layers-" + L.Util.stamp(control);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "map-fold";
    button.textContent = title;
    button.setAttribute("aria-controls", list.id);
    container.insertBefore(button, container.firstChild);
    container.classList.add("map-foldable");
    // Leaflet's own toggle would open the list again each time a layer is added.
    control.options.collapsed = true;
    function show(open) {
        if (open) { control.expand(); } else { control.collapse(); }
        button.setAttribute("aria-expanded", String(open));
    }
    L.DomEvent.on(button, "click", function(event) {
        L.DomEvent.stop(event);
        show(button.getAttribute("aria-expanded") !== "true");
    });
    show(!trackerSmallMap(map));
}

// Fits the map to bounds leaving the controls' corners clear: a band above and below the
// box, or beside it, whichever shows the box larger.
function trackerFitClear(map, bounds) {
    var frame = map.getContainer().getBoundingClientRect();
    var used = {top: 0, bottom: 0, left: 0, right: 0};
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function(control) {
        var box = control.getBoundingClientRect();
        // The attribution line runs along the whole bottom edge when tiles are shown: it
        // is a line of small print, meant to be drawn over, not a corner to keep clear.
        if ((!box.width && !box.height) || control.classList.contains("leaflet-control-attribution")) {
            return;
        }
        var corner = control.parentNode.classList;
        var vertical = corner.contains("leaflet-top") ? "top" : "bottom";
        var horizontal = corner.contains("leaflet-left") ? "left" : "right";
        used[vertical] = Math.max(used[vertical], vertical === "top"
            ? box.bottom - frame.top : frame.bottom - box.top);
        used[horizontal] = Math.max(used[horizontal], horizontal === "left"
            ? box.right - frame.left : frame.right - box.left);
    });
    var margin = 8;
    var choices = [
        [L.point(margin, used.top + margin), L.point(margin, used.bottom + margin)],
        [L.point(used.left + margin, margin), L.point(used.right + margin, margin)]
    ];
    // A band that leaves less than a third of the map for the box is no choice: Leaflet
    // would zoom in without end to fit it into nothing.
    var size = map.getSize();
    function fits(choice) {
        var padding = choice[0].add(choice[1]);
        return padding.x < size.x * 2 / 3 && padding.y < size.y * 2 / 3;
    }
    function zoomOf(choice) {
        return fits(choice) ? map.getBoundsZoom(bounds, false, choice[0].add(choice[1])) : -Infinity;
    }
    var plain = [L.point(margin, margin), L.point(margin, margin)];
    var best = zoomOf(choices[1]) > zoomOf(choices[0]) ? choices[1] : choices[0];
    if (!fits(best)) { best = plain; }
    map.fitBounds(bounds, {paddingTopLeft: best[0], paddingBottomRight: best[1], animate: false});
}

// options: bounds, layers_title, gestures ({touch, scroll, scrollMac} or null)
function trackerMapControls(map, layers, options) {
    // Kilometres only: Morocco measures in them, and a second, imperial line was clipped
    // on a phone.
    L.control.scale({imperial: false}).addTo(map);
    trackerFoldLayers(map, layers, options.layers_title);
    if (options.gestures && map.gestureHandling) {
        map.options.gestureHandlingOptions = {text: options.gestures, duration: 1500};
        map.gestureHandling.enable();
    }
    trackerFitClear(map, L.latLngBounds(options.bounds));
}
