"""Zone overlays on folium maps: one toggleable group per type, styles, popups, legend."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from povmaps.choropleth import base_map
from povmaps.overlays import em_group, overlay_legend_html, priority_group, zone_groups


def _js(text: str) -> str:
    """``text`` as folium embeds it in the page (ASCII JSON with &, <, > escaped)."""
    encoded = json.dumps(text)[1:-1]
    return encoded.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "zone_id": [1, 2], "zone_type": ["flood", "special_use_forest"],
        "name": ["Ngập <script>alert(1)</script>", "Vườn quốc gia Cát Tiên"],
        "legal_basis": [None, "QĐ 08/2004"], "households": [120.0, float("nan")],
        "relocate_households": [30.0, None], "relocation_form": ["interspersed", None],
        "status": ["Đang thực hiện", None], "year": pd.array([2024, None], dtype="Int64"),
    }, geometry=[box(107.3, 11.4, 107.35, 11.45), box(107.4, 11.35, 107.5, 11.45)], crs=4326)


def _units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"unit_code": ["26119", "26122"], "name": ["Xã Đak Lua", "Xã B"]},
                            geometry=[box(107.2, 11.3, 107.4, 11.5), box(107.4, 11.3, 107.6, 11.5)],
                            crs=4326)


def test_one_group_per_zone_type_with_distinct_dashed_outlines() -> None:
    groups = zone_groups(_zones(), "vi")
    assert [g.layer_name for g in groups] == ["Ngập lụt / lũ", "Rừng đặc dụng"]
    fmap = base_map([107.2, 11.3, 107.6, 11.5])
    for g in groups:
        g.add_to(fmap)
    page = fmap.get_root().render()
    assert '"dashArray": "8 4"' in page  # flood
    assert '"dashArray": "1 0"' in page  # special-use forest
    assert "povmap-zone-flood" in page
    assert "<script>alert(1)</script>" not in page
    assert _js("Ngập &lt;script&gt;alert(1)&lt;/script&gt;") in page
    assert _js("Hình thức bố trí") in page
    assert _js("Xen ghép") in page


def test_english_labels_and_em_and_priority_layers() -> None:
    assert [g.layer_name for g in zone_groups(_zones(), "en")] == ["Flooding",
                                                                  "Special-use forest"]
    em = em_group(_units(), pd.Series({"26119": 1.0, "26122": 0.0}), "vi")
    page = base_map([107.2, 11.3, 107.6, 11.5]).add_child(em).get_root().render()
    assert _js("Xã Đak Lua") in page
    assert _js("Xã B") not in page
    ranked = priority_group(_units(), pd.Series({"26122": 0.8}), pd.Series({"26122": 1}), "vi")
    html = base_map([107.2, 11.3, 107.6, 11.5]).add_child(ranked).get_root().render()
    assert '"rank": "1"' in html
    assert '"rank": "\\u2014"' in html


def test_legend_lists_each_overlay() -> None:
    legend = overlay_legend_html(["flood", "riverbank_erosion"], True, "vi")
    assert 'data-zone-type="flood"' in legend
    assert "Sạt lở bờ sông" in legend
    assert "dashed" in legend
    assert "double" in legend
    assert "Xã vùng đồng bào DTTS &amp; miền núi" in legend
    assert "Rừng đặc dụng" not in legend
