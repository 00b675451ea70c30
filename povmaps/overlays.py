"""Zone overlays, ethnic-minority marks and the priority layer for folium maps.

Each zone type is its own feature group (toggled in the layer control) drawn as an
outline with a light fill and a dash pattern of its own, so it never reads as a
choropleth class; ethnic-minority communes are marked by a thick dotted purple outline.
Clicking a zone opens its attributes. :func:`overlay_legend_html` gives the legend
entries. Every text that reaches the browser is escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from loaders.zones import RELOCATION_FORMS, ZONE_TYPES

__all__ = [
    "EM_STYLE",
    "em_group",
    "overlay_legend_html",
    "priority_group",
    "zone_groups",
]

EM_STYLE = {"color": "#762a83", "weight": 3, "dashArray": "1 6", "fill": False,
            "lineCap": "round"}
_SELECTED_FILL = "#d7301f"
_OTHER_FILL = "#bdbdbd"
_TEXT = {
    "name": {"vi": "Tên", "en": "Name"},
    "type": {"vi": "Loại", "en": "Type"},
    "legal_basis": {"vi": "Căn cứ", "en": "Legal basis"},
    "households": {"vi": "Số hộ trong vùng", "en": "Households inside"},
    "relocate_households": {"vi": "Số hộ cần di dời", "en": "Households to relocate"},
    "relocation_form": {"vi": "Hình thức bố trí", "en": "Relocation form"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "year": {"vi": "Năm", "en": "Year"},
    "em": {"vi": "Xã vùng đồng bào DTTS & miền núi", "en": "Ethnic-minority area commune"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "rank": {"vi": "Hạng ưu tiên", "en": "Priority rank"},
    "score": {"vi": "Điểm", "en": "Score"},
    "selected": {"vi": "Được lọc", "en": "Selected"},
    "not_selected": {"vi": "Không được lọc", "en": "Not selected"},
    "overlays": {"vi": "Lớp phủ", "en": "Overlays"},
    "layer": {"vi": "Đơn vị theo điểm ưu tiên", "en": "Units by priority score"},
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key]["en" if lang == "en" else "vi"]


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value))


def zone_style(zone_type: str) -> dict[str, object]:
    """Leaflet path style of a zone type: coloured dashed outline, light fill."""
    z = ZONE_TYPES[zone_type]
    return {"color": z.color, "weight": 2.5, "dashArray": z.dash, "fillColor": z.color,
            "fillOpacity": 0.12, "opacity": 0.95}


def _zone_properties(row: Mapping[Any, object], lang: str) -> dict[str, str]:
    form = row.get("relocation_form")
    form_label = RELOCATION_FORMS[str(form)][1 if lang == "en" else 0] \
        if isinstance(form, str) and form in RELOCATION_FORMS else None
    return {"name": _text(row.get("name")),
            "type": _text(ZONE_TYPES[str(row["zone_type"])].label(lang)),
            "legal_basis": _text(row.get("legal_basis")),
            "households": _text(row.get("households")),
            "relocate_households": _text(row.get("relocate_households")),
            "relocation_form": _text(form_label), "status": _text(row.get("status")),
            "year": _text(row.get("year"))}


def zone_groups(zones: gpd.GeoDataFrame, lang: str = "vi") -> list[folium.FeatureGroup]:
    """One feature group per zone type present, named by its label (layer control).

    ``zones`` has ``zone_type``, the attributes of :func:`povstore.zones.load_zones` and
    geometry in EPSG:4326. A click on a zone opens a popup with its attributes.
    """
    groups: list[folium.FeatureGroup] = []
    fields = list(_zone_properties({"zone_type": "other"}, lang))
    for key, zone_type in ZONE_TYPES.items():
        subset = zones[zones["zone_type"] == key]
        if subset.empty:
            continue
        features = [{"type": "Feature", "properties": _zone_properties(row, lang),
                     "geometry": mapping(geom)}
                    for row, geom in zip(subset.drop(columns="geometry").to_dict("records"),
                                         subset.geometry, strict=True)]
        group = folium.FeatureGroup(name=zone_type.label(lang), show=True)
        style = zone_style(key)
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=zone_type.label(lang),
            style_function=lambda _f, s=style: s,
            popup=folium.GeoJsonPopup(fields=fields,
                                      aliases=[html.escape(_t(f, lang)) for f in fields]),
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            className=f"povmap-zone povmap-zone-{key}",
        ).add_to(group)
        groups.append(group)
    return groups


def em_group(units: gpd.GeoDataFrame, em: pd.Series, lang: str = "vi") -> folium.FeatureGroup:
    """Outline of the ethnic-minority communes (``em`` > 0 by unit code)."""
    marked = units[units["unit_code"].astype(str).map(em).fillna(0).to_numpy() > 0]
    group = folium.FeatureGroup(name=_t("em", lang), show=True)
    features = [{"type": "Feature", "properties": {"name": _text(name)},
                 "geometry": mapping(geom)}
                for name, geom in zip(marked["name"], marked.geometry, strict=True)]
    if features:
        folium.GeoJson({"type": "FeatureCollection", "features": features},
                       name=_t("em", lang), style_function=lambda _f: EM_STYLE,
                       interactive=False, className="povmap-em").add_to(group)
    return group


def priority_group(units: gpd.GeoDataFrame, score: pd.Series, rank: pd.Series,
                   lang: str = "vi") -> folium.FeatureGroup:
    """Units filled by priority score (selected) or grey (not selected), rank in tooltip.

    ``score`` and ``rank`` are indexed by unit code and hold only the selected units.
    """
    group = folium.FeatureGroup(name=_t("layer", lang))
    features = []
    for code, name, geom in zip(units["unit_code"].astype(str), units["name"], units.geometry,
                                strict=True):
        chosen = code in score.index
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": {
            "name": _text(name),
            "rank": str(int(rank[code])) if chosen else "—",
            "score": f"{float(score[code]):.3f}" if chosen else "—",
            "opacity": round(0.25 + 0.6 * float(score[code]), 3) if chosen else 0.25,
            "fill": _SELECTED_FILL if chosen else _OTHER_FILL}})
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name="priority",
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#636363",
                                  "weight": 0.6, "fillOpacity": f["properties"]["opacity"]},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "rank", "score"],
            aliases=[html.escape(_t(k, lang)) for k in ("unit", "rank", "score")]),
        className="povmap-priority",
    ).add_to(group)
    return group


# CSS border style closest to each zone type's dash pattern (legend swatches).
_BORDERS = {"1 0": "solid", "2 4": "dotted", "8 4": "dashed", "10 3 2 3": "double",
            "4 4": "dashed"}


def _swatch(colour: str, border: str, fill: str = "transparent") -> str:
    return (f'<span style="display:inline-block;width:20px;height:11px;vertical-align:middle;'
            f'border:3px {border} {colour};background:{fill}"></span>')


def overlay_legend_html(zone_types: Sequence[str], with_em: bool, lang: str = "vi",
                        with_selection: bool = True) -> str:
    """Legend entries: selection fill (``with_selection``), each zone type, the EM outline."""
    rows = [
        f'<div class="povmap-ov-row"><span style="display:inline-block;width:18px;height:12px;'
        f'background:{_SELECTED_FILL};opacity:.7"></span> {html.escape(_t("selected", lang))}'
        f'</div>',
        f'<div class="povmap-ov-row"><span style="display:inline-block;width:18px;height:12px;'
        f'background:{_OTHER_FILL};opacity:.5"></span> {html.escape(_t("not_selected", lang))}'
        f'</div>',
    ] if with_selection else []
    for key in zone_types:
        z = ZONE_TYPES[key]
        rows.append(
            f'<div class="povmap-ov-row" data-zone-type="{key}">'
            f'{_swatch(z.color, _BORDERS.get(z.dash, "dashed"), z.color + "26")} '
            f'{html.escape(z.label(lang))}</div>')
    if with_em:
        rows.append(f'<div class="povmap-ov-row" data-zone-type="em">'
                    f'{_swatch(str(EM_STYLE["color"]), "dotted")} '
                    f'{html.escape(_t("em", lang))}</div>')
    title = html.escape(_t("overlays", lang))
    return (f'<div class="povmap-overlay-legend" style="font-size:0.85rem;line-height:1.6">'
            f'<strong class="povmap-fold-title">{title}</strong>{"".join(rows)}</div>')
