/*
 * Browser side of povmaps/choropleth.py: the units layer's style and hover, the
 * TopoJSON decoder, and HTML controls. Served by Streamlit at
 * /app/static/povmap/choropleth.js and linked from every map after Leaflet, so the
 * map scripts folium renders only call these functions with their data.
 */
(function (root) {
    "use strict";

    /* Style function of the units layer: the fill each feature carries, with the
       outline of the selected unit or of the others (styles passed from Python). */
    function unitStyle(selected, base) {
        return function (feature) {
            var p = feature.properties;
            return Object.assign({fillColor: p.fill}, p.selected ? selected : base);
        };
    }

    /* The sticky tooltip opens on the side of the pointer where it fits (right first):
       Leaflet's "auto" only looks at the map's centre, and a wide tooltip opened just
       right of the centre was cut at the left edge. */
    function keepTooltipInside(e) {
        var tip = e.target.getTooltip && e.target.getTooltip();
        var box = tip && tip.getElement && tip.getElement();
        if (!box || !e.target._map) { return; }
        var size = e.target._map.getSize(), w = box.offsetWidth + 24,
            x = e.containerPoint.x, y = e.containerPoint.y, room = size.x - x;
        /* Neither side has room on a narrow map: above or below the pointer, centred. */
        var side = room >= w ? "right" : (x >= w ? "left"
            : (y > box.offsetHeight + 24 ? "top" : "bottom"));
        if (tip.options.direction !== side) {
            tip.options.direction = side;
            tip.setLatLng(e.latlng);
        }
    }

    /* onEachFeature of the units layer: outline on hover, back to the style on leave. */
    function unitEvents(selected, base, hover) {
        var style = unitStyle(selected, base);
        return function (feature, layer) {
            layer.on({
                mouseover: function (e) { e.target.setStyle(hover); },
                mouseout: function (e) { e.target.setStyle(style(e.target.feature)); }
            });
        };
    }

    /* TopoJSON (the specification's arcs, delta-encoded quantised positions, ~i for a
       reversed arc) to a GeoJSON FeatureCollection of the object "units": one feature
       per geometry, hence one SVG path per unit. */
    function decodeTopology(topo) {
        var t = topo.transform, sx = t.scale[0], sy = t.scale[1],
            tx = t.translate[0], ty = t.translate[1];
        var arcs = topo.arcs.map(function (arc) {
            var x = 0, y = 0;
            return arc.map(function (d) {
                x += d[0];
                y += d[1];
                return [x * sx + tx, y * sy + ty];
            });
        });
        function ring(ids) {
            var out = [];
            ids.forEach(function (i) {
                var pts = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
                out = out.concat(out.length ? pts.slice(1) : pts);
            });
            return out;
        }
        function polygon(rings) { return rings.map(ring); }
        var features = topo.objects.units.geometries.map(function (g) {
            var coords = g.type === "Polygon" ? polygon(g.arcs) : g.arcs.map(polygon);
            return {type: "Feature", properties: g.properties,
                    geometry: {type: g.type, coordinates: coords}};
        });
        return {type: "FeatureCollection", features: features};
    }

    /* Adds the units of an embedded topology to a GeoJSON layer. */
    function addTopology(layer, topo) {
        layer.addData(decodeTopology(topo));
    }

    /* Moves the element with id domId (rendered in the page body) into a Leaflet
       control of map at position; clicks and scrolls on it do not reach the map. */
    function htmlControl(map, domId, position) {
        var node = document.getElementById(domId);
        var control = L.control({position: position});
        control.onAdd = function () {
            L.DomEvent.disableClickPropagation(node);
            L.DomEvent.disableScrollPropagation(node);
            return node;
        };
        control.addTo(map);
        return control;
    }

    /* Unit names on the map. Each feature carries lp = [lon, lat, areaRank] and lb
       (its short, escaped name). After every zoom or move the names are placed in
       order (selected unit, then largest first); a name whose box would overlap one
       already placed, or leave the map, is not drawn. White halo in the CSS. */
    var CHAR_PX = 6.6, LINE_PX = 15, GAP_PX = 3;

    /* Boxes of the controls inside the map frame (title, legend, stamp), in container
       pixels: names are not drawn under them. */
    function controlBoxes(map) {
        var outer = map.getContainer().getBoundingClientRect();
        return Array.prototype.map.call(
            map.getContainer().querySelectorAll(".povmap-frame"), function (el) {
                var r = el.getBoundingClientRect();
                return {x0: r.left - outer.left, x1: r.right - outer.left,
                        y0: r.top - outer.top, y1: r.bottom - outer.top};
            });
    }

    function placeLabels(map, layer, pane) {
        var items = [], size = map.getSize(), placed = controlBoxes(map);
        layer.eachLayer(function (l) {
            var p = l.feature && l.feature.properties;
            if (p && p.lp && p.lb) { items.push(p); }
        });
        items.sort(function (a, b) {
            return (b.selected ? 1 : 0) - (a.selected ? 1 : 0) || a.lp[2] - b.lp[2];
        });
        pane.innerHTML = "";
        items.forEach(function (p) {
            var ll = [p.lp[1], p.lp[0]], pt = map.latLngToContainerPoint(ll),
                at = map.latLngToLayerPoint(ll);
            var w = p.lb.length * CHAR_PX, box = {x0: pt.x - w / 2 - GAP_PX,
                x1: pt.x + w / 2 + GAP_PX, y0: pt.y - LINE_PX / 2 - GAP_PX,
                y1: pt.y + LINE_PX / 2 + GAP_PX};
            if (box.x0 < 0 || box.y0 < 0 || box.x1 > size.x || box.y1 > size.y) { return; }
            var clash = placed.some(function (q) {
                return box.x0 < q.x1 && q.x0 < box.x1 && box.y0 < q.y1 && q.y0 < box.y1;
            });
            if (clash) { return; }
            placed.push(box);
            var div = document.createElement("div");
            div.className = "povmap-label" + (p.selected ? " povmap-label-selected" : "");
            div.innerHTML = p.lb;  /* escaped in Python */
            div.setAttribute("data-code", p.code);
            div.style.left = at.x + "px";
            div.style.top = at.y + "px";
            pane.appendChild(div);
        });
    }

    /* On a touch screen one finger scrolls the page and two fingers move the map
       (Leaflet: one-finger dragging off, pinch still zooms and pans); a hint says so. */
    function touchPolicy(map, lang) {
        var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
        if (map._povmapTouch || !L.Browser.touch || !(L.Browser.mobile || coarse)) { return; }
        map._povmapTouch = true;
        map.dragging.disable();
        var hint = L.DomUtil.create("div", "povmap-touch-hint", map.getContainer());
        hint.textContent = lang === "en"
            ? "Use two fingers to move the map"
            : "Dùng hai ngón tay để di chuyển bản đồ";
        /* It fades after a few seconds (it lies over the legend and the stamp on a
           phone) and comes back when one finger touches the map. */
        map.getContainer().addEventListener("touchstart", function (e) {
            if (e.touches.length !== 1) { return; }
            hint.classList.remove("povmap-hint-fade");
            void hint.offsetWidth;  /* restarts the CSS animation */
            hint.classList.add("povmap-hint-fade");
        }, {passive: true});
        hint.classList.add("povmap-hint-fade");
    }

    /* Draws and keeps the names of layer's units while the layer is on a map. */
    function addLabels(layer, lang) {
        function attach(map) {
            touchPolicy(map, lang);
            layer.on("mousemove", keepTooltipInside);  /* the tooltip is the layer's */
            /* In a pane of the map (above the polygons, below tooltips and popups),
               placed in layer coordinates, so the names move with the map. */
            var host = map.getPane("povmapLabels") || map.createPane("povmapLabels");
            host.style.zIndex = 450;
            host.style.pointerEvents = "none";
            var pane = L.DomUtil.create("div", "povmap-labels", host);
            var redraw = function () { placeLabels(map, layer, pane); };
            var hide = function () { pane.style.display = "none"; };
            var show = function () { pane.style.display = ""; redraw(); };
            map.on("zoomstart", hide);
            map.on("moveend zoomend resize povmapcontrols", show);
            layer.once("remove", function () {
                map.off("zoomstart", hide);
                map.off("moveend zoomend resize povmapcontrols", show);
                pane.remove();
            });
            redraw();
        }
        if (layer._map) { attach(layer._map); } else { layer.once("add", function () {
            attach(layer._map);
        }); }
    }

    /* Controls that come and go with a feature group (st_folium swaps the group on
       every rerun and keeps the map): title, data stamp and legends inside the map
       frame. specs: [{position, kind, html, fold, foldedBelow}], html escaped in
       Python. A box with fold folds on a tap of its heading, and starts folded on a
       map narrower than foldedBelow px. The folded state of each kind is kept on the
       map across swaps. */
    function foldable(map, box, kind, foldedBelow) {
        var head = box.querySelector(".povmap-legend-title, .povmap-fold-title");
        if (!head) { return; }
        var state = map._povmapFolded = map._povmapFolded || {};
        if (!(kind in state)) { state[kind] = map.getSize().x < foldedBelow; }
        head.setAttribute("role", "button");
        head.setAttribute("tabindex", "0");
        function apply() {
            box.classList.toggle("povmap-folded", state[kind]);
            head.setAttribute("aria-expanded", state[kind] ? "false" : "true");
        }
        function toggle(e) {
            if (e.type === "keydown" && e.key !== "Enter" && e.key !== " ") { return; }
            L.DomEvent.preventDefault(e);
            state[kind] = !state[kind];
            apply();
            map.fire("povmapcontrols");
        }
        head.addEventListener("click", toggle);
        head.addEventListener("keydown", toggle);
        apply();
    }

    function frameControls(group, specs) {
        var controls = [];
        function add() {
            var map = group._map;
            if (!map || controls.length) { return; }
            specs.forEach(function (spec) {
                var control = L.control({position: spec.position});
                control.onAdd = function () {
                    var box = L.DomUtil.create("div", "povmap-frame povmap-frame-" + spec.kind);
                    box.innerHTML = spec.html;  /* escaped in Python */
                    L.DomEvent.disableClickPropagation(box);
                    L.DomEvent.disableScrollPropagation(box);
                    if (spec.fold) { foldable(map, box, spec.kind, spec.foldedBelow); }
                    return box;
                };
                control.addTo(map);
                controls.push(control);
            });
            /* Names are placed again around the boxes (not "moveend": st_folium
               answers that one). Also after a fold or unfold. */
            map.fire("povmapcontrols");
        }
        group.on("add", add);
        group.on("remove", function () {
            var map = controls.length && controls[0]._map;
            controls.forEach(function (c) { c.remove(); });
            controls = [];
            if (map) { map.fire("povmapcontrols"); }
        });
        add();
    }

    root.povmap = {
        addLabels: addLabels,
        frameControls: frameControls,
        unitStyle: unitStyle,
        unitEvents: unitEvents,
        decodeTopology: decodeTopology,
        addTopology: addTopology,
        htmlControl: htmlControl
    };
})(window);
