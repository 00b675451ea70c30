"""A boundary file whose unit name is an HTML payload must never reach the map as HTML."""

import folium
import pandas as pd

from analysis.classify import classify
from geodata.approximate import approximate_boundaries
from geodata.boundaries import load_boundaries
from povcore.config import settings
from povmaps.choropleth import build_choropleth, units_group

XSS = "<img src=x onerror=alert(1)>"


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
    # Names shown are the registry's official names, not the file's.
    row = b.frame[b.frame["code"] == "26068"].iloc[0]
    assert row["name"] == "Phường Biên Hòa"
    values = pd.Series(range(95), index=b.frame["code"].to_numpy(), dtype=float)
    cls = classify(values, "quantiles", 5)
    fmap = folium.Map(tiles=None)
    units_group(b.frame, values, cls.yb, ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26",
                                          "#a50f15"], lang="vi").add_to(fmap)
    page = fmap.get_root().render()
    assert XSS not in page
    assert "onerror" not in page
    assert "Phường Biên Hòa" in page


def test_html_name_in_the_frame_renders_as_text():
    frame = approximate_boundaries("2025", "commune")
    frame.loc[frame["code"] == "26068", "name"] = XSS
    values = pd.Series(1.0, index=frame["code"].to_numpy())
    yb = pd.Series(0, index=frame["code"].to_numpy())
    page = build_choropleth(frame, values, yb, ["#fee5d9"], ["1"], [95], 0, "T", "%",
                            tooltip_rows={"26068": {"Ghi chú": XSS}}).get_root().render()
    assert XSS not in page
    assert "&lt;img src=x onerror=alert(1)&gt; (Phường)" in page
    assert page.count("onerror") == 2  # the name and the tooltip row, both escaped
