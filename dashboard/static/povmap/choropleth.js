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

    root.povmap = {
        unitStyle: unitStyle,
        unitEvents: unitEvents,
        decodeTopology: decodeTopology,
        addTopology: addTopology,
        htmlControl: htmlControl
    };
})(window);
