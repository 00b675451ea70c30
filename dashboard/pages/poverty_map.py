"""Page "Bản đồ nghèo": choropleth by unit, side panel, shareable view (thin)."""

from __future__ import annotations

import html

import folium
import streamlit as st
from streamlit_folium import st_folium

from analysis.viewstate import BACK_PROVINCE, PROVINCE_ALL
from dashboard import controls, data, header, panel, planning, print_export
from dashboard.context import map_context
from povcore.i18n import t
from povmaps.choropleth import base_map, controls_group, overlays_control
from povmaps.mapview import fit_target, zoom_target
from povmaps.overlays import em_group, overlay_legend_html, zone_groups

lang = header.lang()
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
ctx = map_context(lang, "map")
for notice in ctx.notices:
    st.warning(notice.text(lang), icon=":material/link_off:")
if ctx.drill is not None:
    code, name = ctx.drill
    crumb, back = st.columns([4, 1])
    crumb.html(f'<nav id="povmap-breadcrumb" data-district="{code}">'
               f'{PROVINCE_ALL.text(lang)} › <b>{html.escape(name)}</b></nav>')
    back.button(BACK_PROVINCE.text(lang), key="drill_back", on_click=controls.drill_out,
                args=(code, lang), icon=":material/arrow_upward:")
# Title, legend and data stamp are inside the map frame (carried by the units group);
# the side column holds the unit's panel only.
map_col, side_col = st.columns([3, 1], gap="small")
with map_col:
    center, zoom = (fit_target(ctx.web) if ctx.drill is not None
                    else zoom_target(ctx.web, st.session_state.get("zoom_unit")))
    outline = data.province_outline()
    groups: list[folium.FeatureGroup] = [ctx.view.group]
    with_zones = False
    if st.sidebar.toggle(t("zones_toggle", lang), key="w_zones"):
        # Zones and EM communes (dashboard.planning's cached reads), each zone type its
        # own layer in the control. EM marks belong to today's communes only.
        token = data.store_token()
        zones = planning.zones(token)
        groups += zone_groups(zones, lang)
        with_em = ctx.version == "2025"
        if with_em:
            em = planning.em_communes(token)
            groups.append(em_group(ctx.web.rename(columns={"code": "unit_code"}), em, lang))
        groups.append(controls_group([overlays_control(
            overlay_legend_html(sorted(set(zones["zone_type"])), with_em, lang,
                                with_selection=False))]))
        with_zones = True
    out = st_folium(base_map(outline.total_bounds, outline), key="povmap", height=620,
                    use_container_width=True, feature_group_to_add=groups,
                    layer_control=(folium.LayerControl(collapsed=True)
                                   if with_zones else None),
                    center=center, zoom=zoom, returned_objects=["last_active_drawing"])
    st.caption(f"{t('method', lang)}: {ctx.view.method}")
    if ctx.view.classification.note:
        st.caption(f":material/info: {ctx.view.classification.note}")
    print_export.map_buttons(ctx, lang)
with side_col:
    panel.on_click(out)
    panel.render(ctx.obs, ctx.state, ctx.year, ctx.version, ctx.view, lang)
controls.write_url(ctx.state.with_(unit=st.session_state.get("unit")))
st.html(f'<div id="povmap-runs" data-runs="{st.session_state["runs"]}" hidden></div>')
