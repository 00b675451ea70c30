"""Choropleth builder: escaped text, legend, one feature per unit, local assets only."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import streamlit_folium
from shapely.geometry import LineString, MultiPolygon, box

from povmaps.choropleth import (
    BASE_STYLE,
    SELECTED_STYLE,
    FrameControl,
    build_choropleth,
    controls_group,
)
from povmaps.mapassets import ASSET_URLS, asset_urls, linked_urls

XSS = "<img src=x onerror=alert(1)>"
ESCAPED_XSS = "&lt;img src=x onerror=alert(1)&gt;"
COLOURS = ["#fee5d9", "#fb6a4a", "#a50f15"]
LABELS = ["0 – 5", "5 – 10", "10 – 40"]
GREY = "#cccccc"  # the one "no data" fill, typed here on purpose


def make_units(n: int = 6) -> gpd.GeoDataFrame:
    """n unit squares in a row; unit 1 is a MultiPolygon (a ward with an islet)."""
    geoms: list[Any] = [box(107 + 0.1 * i, 11, 107.1 + 0.1 * i, 11.1) for i in range(n)]
    geoms[1] = MultiPolygon([geoms[1], box(107.12, 10.9, 107.15, 10.95)])
    names = [XSS if i == 0 else f"Phường {i}" for i in range(n)]
    types = ["phường" if i % 2 else "xã" for i in range(n)]
    return gpd.GeoDataFrame(
        {"code": [f"{26000 + i}" for i in range(n)], "name": names, "type": types},
        geometry=geoms, crs=4326,
    )


@pytest.fixture
def units() -> gpd.GeoDataFrame:
    return make_units()


@pytest.fixture(autouse=True)
def no_tiles_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POVMAP_TILES", raising=False)
    monkeypatch.delenv("POVMAP_TILES_ATTRIBUTION", raising=False)


def classified(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Values with one no-data unit; classes 0,0,1,2,-1,2 → counts [2, 1, 2] + 1."""
    codes = frame["code"].tolist()
    values = pd.Series([1.0, 3.0, 7.0, 20.0, np.nan, 35.0], index=codes)
    classes = pd.Series([0, 0, 1, 2, -1, 2], index=codes)
    return {"values": values, "classes": classes, "colours": COLOURS, "labels": LABELS,
            "counts": [2, 1, 2], "no_data_count": 1}


def build(frame: gpd.GeoDataFrame, **kwargs: Any) -> folium.Map:
    args: dict[str, Any] = {**classified(frame), "title": "Tỷ lệ hộ nghèo 2024",
                            "unit_label": "%"}
    args.update(kwargs)
    return build_choropleth(frame, **args)


def rendered(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def embedded_collections(page: str) -> list[dict[str, Any]]:
    """The GeoJSON objects folium embeds (``geo_json_<id>_add({...});``), decoded."""
    return [json.loads(m) for m in re.findall(r"geo_json_\w+_add\((\{.*\})\);", page)]


def units_features(page: str) -> list[dict[str, Any]]:
    """The units as GeoJSON features, decoded from the embedded TopoJSON (in Python)."""
    (raw,) = re.findall(r"povmap\.addTopology\(geo_json_\w+, (\{.*\})\);", page)
    topo = json.loads(raw.replace("<\\/", "</"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append([x * sx + tx, y * sy + ty])
        arcs.append(pts)

    def ring(ids: list[int]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in ids:
            pts = arcs[~i][::-1] if i < 0 else arcs[i]
            out += pts[1:] if out else pts
        return out

    features = []
    for g in topo["objects"]["units"]["geometries"]:
        coords = ([ring(r) for r in g["arcs"]] if g["type"] == "Polygon"
                  else [[ring(r) for r in poly] for poly in g["arcs"]])
        features.append({"type": "Feature", "properties": g["properties"],
                         "geometry": {"type": g["type"], "coordinates": coords}})
    return features


def legend_rows(page: str) -> list[tuple[int, str, str, int]]:
    pattern = (r'<div class="povmap-legend-row[^"]*" data-class="(-?\d+)">'
               r'<span class="povmap-swatch" style="background-color:(#[0-9a-f]+)"></span>'
               r'<span class="povmap-legend-label">([^<]*)</span>'
               r'<span class="povmap-legend-count">(\d+)</span></div>')
    return [(int(c), col, lab, int(n)) for c, col, lab, n in re.findall(pattern, page)]


def test_one_feature_per_unit_with_small_properties(units: gpd.GeoDataFrame) -> None:
    features = units_features(rendered(build(units)))
    assert len(features) == len(units)
    assert sorted(f["properties"]["code"] for f in features) == sorted(units["code"])
    assert {k for f in features for k in f["properties"]} == {"code", "name", "fill", "lb",
                                                              "lp"}
    multi = [f for f in features if f["geometry"]["type"] == "MultiPolygon"]
    assert [f["properties"]["code"] for f in multi] == ["26001"]


def test_fill_follows_class_and_no_data_is_grey(units: gpd.GeoDataFrame) -> None:
    fills = {f["properties"]["code"]: f["properties"]["fill"]
             for f in units_features(rendered(build(units)))}
    assert fills == {"26000": COLOURS[0], "26001": COLOURS[0], "26002": COLOURS[1],
                     "26003": COLOURS[2], "26004": GREY, "26005": COLOURS[2]}


def test_legend_classes_labels_counts_and_no_data(units: gpd.GeoDataFrame) -> None:
    page = rendered(build(units))
    assert legend_rows(page) == [
        (0, COLOURS[0], LABELS[0], 2),
        (1, COLOURS[1], LABELS[1], 1),
        (2, COLOURS[2], LABELS[2], 2),
        (-1, GREY, "Không có dữ liệu", 1),
    ]
    assert '<div class="povmap-legend-title">%</div>' in page


def test_legend_in_english(units: gpd.GeoDataFrame) -> None:
    rows = legend_rows(rendered(build(units, lang="en")))
    assert rows[-1] == (-1, GREY, "No data", 1)


def test_unit_name_is_escaped_everywhere(units: gpd.GeoDataFrame) -> None:
    page = rendered(build(units))
    assert XSS not in page
    # folium's tojson writes "&" as \u0026 inside the script; either way it is escaped.
    hits = [m.start() for m in re.finditer("onerror", page)]
    assert len(hits) == 2  # the tooltip's name and the name drawn on the map
    for hit in hits:
        assert page[:hit].endswith(("&lt;img src=x ", "\\u0026lt;img src=x "))
    props = units_features(page)[0]["properties"]
    assert props["name"] == f"{ESCAPED_XSS} (xã)"
    assert props["lb"] == ESCAPED_XSS


def test_label_anchor_inside_unit_and_largest_ranked_first(units: gpd.GeoDataFrame) -> None:
    from shapely.geometry import Point

    features = units_features(rendered(build(units)))
    anchors = {f["properties"]["code"]: f["properties"]["lp"] for f in features}
    geoms = units.set_index("code").geometry
    for code, (lon, lat, _rank) in anchors.items():
        assert geoms[code].buffer(1e-3).contains(Point(lon, lat)), code
    ranks = sorted(anchors, key=lambda c: anchors[c][2])
    assert ranks[0] == geoms.area.idxmax()
    assert sorted(r for _, _, r in anchors.values()) == [float(i) for i in range(len(units))]


def test_title_flags_labels_and_rows_are_escaped(units: gpd.GeoDataFrame) -> None:
    rows = {"26000": {"Giá <b>trị</b>": "<script>x</script>"}}
    labels = ["<i>0</i>", *LABELS[1:]]
    page = rendered(build(units, title="<u>T</u>", unit_label="<s>%</s>", labels=labels,
                          flags=["<em>Dữ liệu minh họa</em>"], tooltip_rows=rows))
    for raw in ("<u>T</u>", "<s>%</s>", "<i>0</i>", "<em>", "<b>trị</b>", "<script>x"):
        assert raw not in page
    assert '<div class="povmap-title-text">&lt;u&gt;T&lt;/u&gt;</div>' in page
    assert '<div class="povmap-legend-title">&lt;s&gt;%&lt;/s&gt;</div>' in page
    assert legend_rows(page)[0][2] == "&lt;i&gt;0&lt;/i&gt;"
    assert '<span class="povmap-flag">&lt;em&gt;Dữ liệu minh họa&lt;/em&gt;</span>' in page
    first = units_features(page)[0]["properties"]
    assert first["t0"] == "&lt;script&gt;x&lt;/script&gt;"
    tooltip = tooltip_of(build(units, tooltip_rows=rows))
    assert tooltip.aliases == ["Đơn vị", "Giá &lt;b&gt;trị&lt;/b&gt;"]


def tooltip_of(fmap: folium.Map) -> folium.GeoJsonTooltip:
    layer = units_layer(fmap)
    (tooltip,) = [c for c in layer._children.values()
                  if isinstance(c, folium.GeoJsonTooltip)]
    return tooltip


def units_layer(fmap: folium.Map) -> folium.GeoJson:
    (layer,) = [c for c in fmap._children.values()
                if isinstance(c, folium.GeoJson) and c.layer_name == "units"]
    return layer


def test_tooltip_rows_in_order_missing_shown_as_dash(units: gpd.GeoDataFrame) -> None:
    rows = {"26000": {"Giá trị": "1,0 %", "Hạng": "6/6"},
            "26002": {"Giá trị": "7,0 %", "Thay đổi": "−1,2"}}
    fmap = build(units, tooltip_rows=rows)
    tooltip = tooltip_of(fmap)
    assert tooltip.fields == ["name", "t0", "t1", "t2"]
    assert tooltip.aliases == ["Đơn vị", "Giá trị", "Hạng", "Thay đổi"]
    props = {f["properties"]["code"]: f["properties"] for f in units_features(rendered(fmap))}
    assert [props["26000"][k] for k in ("t0", "t1", "t2")] == ["1,0 %", "6/6", "—"]
    assert [props["26002"][k] for k in ("t0", "t1", "t2")] == ["7,0 %", "—", "−1,2"]
    assert [props["26003"][k] for k in ("t0", "t1", "t2")] == ["—", "—", "—"]
    assert props["26001"]["name"] == "Phường 1 (phường)"


def test_single_units_layer_named_with_path_class(units: gpd.GeoDataFrame) -> None:
    fmap = build(units)
    layer = units_layer(fmap)
    assert layer.options["className"] == "povmap-unit"
    geojson_layers = [c for c in fmap._children.values() if isinstance(c, folium.GeoJson)]
    assert len(geojson_layers) == 1
    page = rendered(fmap)
    assert '"className": "povmap-unit"' in page
    assert "style_map" not in page  # one JS style function, no per-feature style table


def test_flags_badge(units: gpd.GeoDataFrame) -> None:
    page = rendered(build(units, flags=["Dữ liệu minh họa", "Ranh giới gần đúng"]))
    assert ('<div class="povmap-flags" role="note"><span class="povmap-flag">Dữ liệu minh họa'
            '</span><span class="povmap-flag">Ranh giới gần đúng</span></div>') in page
    assert 'class="povmap-flags"' not in rendered(build(units))


def test_selected_unit_gets_highlight_and_is_drawn_last(units: gpd.GeoDataFrame) -> None:
    page = rendered(build(units, selected="26002"))
    features = units_features(page)
    marked = [f["properties"]["code"] for f in features if f["properties"].get("selected")]
    assert marked == ["26002"]
    assert features[-1]["properties"]["code"] == "26002"
    assert f"povmap.unitStyle({json.dumps(SELECTED_STYLE)}, {json.dumps(BASE_STYLE)})" in page
    assert SELECTED_STYLE["weight"] > BASE_STYLE["weight"]
    unselected = units_features(rendered(build(units)))
    assert not any("selected" in f["properties"] for f in unselected)


def test_only_local_assets_and_no_external_urls(units: gpd.GeoDataFrame) -> None:
    outline = gpd.GeoDataFrame(geometry=[units.union_all().envelope], crs=4326)
    fmap = build(units, outline=outline, flags=["x"], tooltip_rows={"26000": {"a": "b"}})
    page = rendered(fmap)
    assert linked_urls(fmap) == ["/app/static/vendor/leaflet/leaflet.js",
                                 "/app/static/povmap/choropleth.js",
                                 "/app/static/vendor/leaflet/leaflet.css",
                                 "/app/static/povmap/choropleth.css"]
    assert "http://" not in page
    assert "https://" not in page
    assert "cdn" not in page.lower()


def test_asset_prefix_for_a_base_url_path(units: gpd.GeoDataFrame) -> None:
    fmap = build(units, urls=asset_urls("/povmap/app/static"))
    assert linked_urls(fmap) == ["/povmap/app/static/vendor/leaflet/leaflet.js",
                                 "/povmap/app/static/povmap/choropleth.js",
                                 "/povmap/app/static/vendor/leaflet/leaflet.css",
                                 "/povmap/app/static/povmap/choropleth.css"]


def test_map_options_and_bounds(units: gpd.GeoDataFrame) -> None:
    fmap = build(units)
    assert fmap.options["prefer_canvas"] is False  # SVG: one <path> per unit
    assert fmap.options["zoom_control"] is True
    page = rendered(fmap)
    assert '"preferCanvas": false' in page
    assert "L.control.scale()" in page
    assert fmap.control_scale is True
    (fit,) = [c for c in fmap._children.values() if isinstance(c, folium.FitBounds)]
    minx, miny, maxx, maxy = units.total_bounds
    assert fit.bounds == [[miny, minx], [maxy, maxx]]
    assert not any(isinstance(c, folium.TileLayer) for c in fmap._children.values())


def test_outline_is_a_non_interactive_context_layer(units: gpd.GeoDataFrame) -> None:
    outline = gpd.GeoDataFrame(geometry=[units.union_all().envelope], crs=4326)
    fmap = build(units, outline=outline)
    (layer,) = [c for c in fmap._children.values()
                if isinstance(c, folium.GeoJson) and c.layer_name == "outline"]
    assert layer.options["interactive"] is False
    assert len(layer.data["features"]) == 1
    assert len(units_features(rendered(fmap))) == len(units)


def test_st_folium_receives_local_links_and_the_controls(
    units: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(build(units, flags=["Dữ liệu minh họa"]), returned_objects=[])
    assert sent["js_links"] == [ASSET_URLS.js, ASSET_URLS.map_js]
    assert sent["css_links"] == [ASSET_URLS.css, ASSET_URLS.map_css]
    ids = re.findall(r'povmap\.htmlControl\(map_div, "([^"]+)"', sent["script"])
    assert len(ids) == 2
    assert all(f'<div id="{i}"' in sent["html"] for i in ids)
    assert "povmap-flag" in sent["html"]
    assert "povmap-legend-row" in sent["html"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"counts": [2, 2, 2]}, "legend counts"),
        ({"no_data_count": 0}, "legend counts"),
        ({"colours": ["#fee5d9", "#fb6a4a"]}, "one entry per class"),
        ({"colours": ["red", "#fb6a4a", "#a50f15"]}, "hex"),
        ({"lang": "fr"}, "lang must be one of"),
        ({"selected": "99999"}, "not on this map"),
    ],
)
def test_inconsistent_inputs_are_rejected(
    units: gpd.GeoDataFrame, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build(units, **change)


def test_class_out_of_range_and_value_class_disagreement(units: gpd.GeoDataFrame) -> None:
    base = classified(units)
    bad_class = base["classes"].copy()
    bad_class.iloc[0] = 3
    with pytest.raises(ValueError, match="class indices"):
        build(units, classes=bad_class)
    nan_with_class = base["values"].copy()
    nan_with_class.iloc[0] = np.nan
    with pytest.raises(ValueError, match=r"units \['26000'\]"):
        build(units, values=nan_with_class)


def test_non_polygon_geometry_and_wrong_crs_rejected(units: gpd.GeoDataFrame) -> None:
    lines = units.copy()
    lines.loc[2, "geometry"] = LineString([(107, 11), (107.1, 11.1)])
    with pytest.raises(ValueError, match=r"\['26002'\].*Polygon"):
        build(lines)
    with pytest.raises(ValueError, match="EPSG:4326"):
        build(units.to_crs(32648))


def test_builder_module_does_not_import_streamlit() -> None:
    """Importing the map builders (in a fresh interpreter) loads no streamlit module."""
    probe = ("import sys, povmaps.choropleth, povmaps.mapview; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('streamlit', 'streamlit_folium')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "[]"


def test_frame_control_rejects_an_unknown_corner():
    with pytest.raises(ValueError, match=r"position must be one of \['bottomleft'"):
        FrameControl("middle", "title", "<div></div>")


def test_controls_group_carries_boxes_and_no_layer_entry():
    group = controls_group([FrameControl("bottomright", "overlays", "<b>Lớp phủ</b>",
                                         fold=True)])
    assert group.control is False  # not listed in the layer control
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    page = fmap.get_root().render()
    calls = re.findall(r"povmap\.frameControls\((feature_group_\w+), (.*)\);", page)
    assert [name for name, _ in calls] == [group.get_name()]
    assert json.loads(calls[0][1]) == [{"position": "bottomright", "kind": "overlays",
                                        "html": "<b>Lớp phủ</b>", "fold": True,
                                        "foldedBelow": 420}]
