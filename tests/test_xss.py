"""HTML in any text the map shows (unit names, tooltips, legend, title) is shown as text."""

import json
import re

import folium
import pandas as pd
from mapframe import frame_specs

from analysis.classify import classify
from geodata.approximate import approximate_boundaries
from geodata.boundaries import load_boundaries
from povcore.config import settings
from povmaps.choropleth import build_choropleth, framed, legend_markup, units_group
from povmaps.mapview import frame_controls, stamp_lines

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
REDS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]


def _features(page: str) -> dict[str, dict[str, str]]:
    """Properties of the units embedded in the page, by code (JSON-decoded)."""
    (raw,) = re.findall(r"povmap\.addTopology\(geo_json_\w+, (\{.*\})\);", page)
    topo = json.loads(raw.replace("<\\/", "</"))
    return {g["properties"]["code"]: g["properties"]
            for g in topo["objects"]["units"]["geometries"]}


def test_user_boundary_file_with_html_name(tmp_path):
    geo = tmp_path / "geo"
    (geo / "custom").mkdir(parents=True)
    frame = approximate_boundaries("2025", "commune")[["code", "name", "geometry"]]
    frame.loc[frame["code"] == "26068", "name"] = XSS
    frame.to_file(geo / "custom" / "2025_commune.geojson", driver="GeoJSON")
    cfg = settings({"POVMAP_DATA_DIR": str(tmp_path / "data"), "POVMAP_GEODATA": str(geo)})
    b = load_boundaries("2025", "commune", cfg)
    assert b.source.startswith("tệp của người dùng")
    assert len(b.frame) == 95
    # The file's name does not reach the map: the registry's official name replaces it.
    units = b.frame.set_index("code")
    assert units.loc["26068", "name"] == "Phường Biên Hòa"
    assert XSS not in set(b.frame["name"])
    # Where the map does take its text from (the frame's name and type, the tooltip
    # rows), HTML is escaped: the payload goes there.
    shown = b.frame.copy()
    shown.loc[shown["code"] == "26068", "name"] = XSS
    shown.loc[shown["code"] == "25195", "type"] = XSS
    values = pd.Series(range(95), index=b.frame["code"].to_numpy(), dtype=float)
    cls = classify(values, "quantiles", 5)
    fmap = folium.Map(tiles=None)
    units_group(shown, values, cls.yb, REDS, lang="vi",
                tooltip_rows={"26068": {XSS: XSS}}).add_to(fmap)
    page = fmap.get_root().render()
    assert XSS not in page
    props = _features(page)
    assert props["26068"]["name"] == f"{ESCAPED} ({units.loc['26068', 'type']})"
    assert props["25195"]["name"] == f"{units.loc['25195', 'name']} ({ESCAPED})"
    assert props["26068"]["t0"] == ESCAPED
    # The tooltip heading (alias) is escaped too; tojson writes "&" as \u0026.
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert props["26068"]["lb"] == ESCAPED  # the name label drawn on the map
    assert page.count("onerror") == 5  # name, label, type, tooltip value and heading


def test_legend_title_and_labels_with_html_render_as_text():
    markup = legend_markup(REDS[:3], [XSS, "2", "3"], [1, 1, 1], 0, XSS, "vi")
    assert XSS not in markup
    assert f'<div class="povmap-legend-title">{ESCAPED}</div>' in markup
    assert f'<span class="povmap-legend-label">{ESCAPED}</span>' in markup


def test_html_name_in_the_frame_renders_as_text():
    frame = approximate_boundaries("2025", "commune")
    frame.loc[frame["code"] == "26068", "name"] = XSS
    values = pd.Series(1.0, index=frame["code"].to_numpy())
    yb = pd.Series(0, index=frame["code"].to_numpy())
    page = build_choropleth(frame, values, yb, ["#fee5d9"], ["1"], [95], 0, XSS, "%",
                            flags=[XSS], tooltip_rows={"26068": {"Ghi chú": XSS}}
                            ).get_root().render()
    assert XSS not in page
    assert "&lt;img src=x onerror=alert(1)&gt; (Phường)" in page
    assert f'<div class="povmap-title-text">{ESCAPED}</div>' in page
    assert f'<span class="povmap-flag">{ESCAPED}</span>' in page
    assert page.count("onerror") == 5  # name, label, tooltip row, title, flag: all escaped


def test_title_legend_and_stamp_in_the_map_frame_render_as_text():
    """The boxes carried into the map frame by the swapped units group (st_folium)."""
    frame = approximate_boundaries("2025", "commune")
    values = pd.Series(range(95), index=frame["code"].to_numpy(), dtype=float)
    cls = classify(values, "quantiles", 3)
    source = "</script><script>alert(1)</script>.xlsx"
    controls = frame_controls(
        XSS, legend_markup(REDS[:3], [XSS, "2", "3"], list(cls.counts), 0, XSS, "vi"),
        stamp_lines(source, "2026-11-27T08:15:02", "vi"), [XSS])
    group = framed(units_group(frame, values, cls.yb, REDS[:3]), controls)
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    page = fmap.get_root().render()
    assert XSS not in page
    assert "</script><script>" not in page  # "</" is escaped inside the script
    boxes = {spec["kind"]: spec["html"] for spec in frame_specs(page)}
    assert list(boxes) == ["title", "legend", "stamp"]
    assert f'<div class="povmap-title-text">{ESCAPED}</div>' in boxes["title"]
    assert f'<div class="povmap-legend-title">{ESCAPED}</div>' in boxes["legend"]
    assert f'<span class="povmap-legend-label">{ESCAPED}</span>' in boxes["legend"]
    assert f'<span class="povmap-flag">{ESCAPED}</span>' in boxes["stamp"]
    assert ('<div class="povmap-stamp-line"><span class="povmap-stamp-key">Nguồn số liệu: '
            '</span>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;.xlsx</div>'
            ) in boxes["stamp"]
    assert page.count("onerror") == 4  # title, legend heading and label, flag


def test_unit_name_with_html_in_the_framed_group_renders_as_text():
    frame = approximate_boundaries("2025", "commune")
    frame.loc[frame["code"] == "26068", "name"] = XSS
    values = pd.Series(1.0, index=frame["code"].to_numpy())
    yb = pd.Series(0, index=frame["code"].to_numpy())
    group = framed(units_group(frame, values, yb, ["#fee5d9"]),
                   frame_controls("Tỷ lệ hộ nghèo — 2026", "<div></div>", [], ["Dữ liệu minh họa"]))
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    page = fmap.get_root().render()
    assert XSS not in page
    assert _features(page)["26068"]["lb"] == ESCAPED
    assert [s["kind"] for s in frame_specs(page)] == ["title", "legend", "stamp"]
