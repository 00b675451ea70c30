"""Map builders: return ``folium.Map`` objects (never show them) so tests can inspect."""

from __future__ import annotations

import html

import folium
import geopandas as gpd


def boundary_map(frame: gpd.GeoDataFrame, approximate: bool) -> folium.Map:
    """Outline map of one boundary layer with escaped name tooltips."""
    minx, miny, maxx, maxy = frame.total_bounds
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    safe = frame.assign(
        label=[html.escape(f"{n} ({c})") for n, c in zip(frame["name"], frame["code"], strict=True)]
    )[["code", "label", "geometry"]]
    colour = "#b35806" if approximate else "#2b5c8a"
    folium.GeoJson(
        safe.to_json(drop_id=True),
        name="units",
        style_function=lambda _f: {"color": colour, "weight": 1, "fillColor": "#dfe8f1",
                                   "fillOpacity": 0.5, "dashArray": "4" if approximate else None},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)
    return fmap
