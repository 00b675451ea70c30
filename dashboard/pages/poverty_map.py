"""Page "Bản đồ nghèo": choropleth by unit, side panel, shareable view (thin)."""

from __future__ import annotations

import html

import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, controls, data, header, panel
from dashboard.context import map_context
from povcore.i18n import t
from povmaps.choropleth import base_map
from povmaps.mapview import fit_target, zoom_target
from povmaps.viewstate import BACK_PROVINCE, PROVINCE_ALL

lang = header.lang()
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
ctx = map_context(lang, "map")
for notice in ctx.notices:
    st.warning(notice.text(lang), icon=":material/link_off:")
st.subheader(ctx.view.title)
if ctx.drill is not None:
    code, name = ctx.drill
    crumb, back = st.columns([4, 1])
    crumb.html(f'<nav id="povmap-breadcrumb" data-district="{code}">'
               f'{PROVINCE_ALL.text(lang)} › <b>{html.escape(name)}</b></nav>')
    back.button(BACK_PROVINCE.text(lang), key="drill_back", on_click=controls.drill_out,
                args=(code, lang), icon=":material/arrow_upward:")
map_col, side_col = st.columns([5, 2], gap="small")
with map_col:
    if ctx.flags:
        st.caption(f":orange[**{' · '.join(ctx.flags)}**]")
    center, zoom = (fit_target(ctx.web) if ctx.drill is not None
                    else zoom_target(ctx.web, st.session_state.get("zoom_unit")))
    outline = data.province_outline()
    out = st_folium(base_map(outline.total_bounds, outline), key="povmap", height=620,
                    use_container_width=True, feature_group_to_add=ctx.view.group,
                    center=center, zoom=zoom, returned_objects=["last_active_drawing"])
    st.caption(f"{t('method', lang)}: {ctx.view.method}")
    if ctx.view.classification.note:
        st.caption(f":material/info: {ctx.view.classification.note}")
with side_col:
    st.html(assets.styled(ctx.view.legend_html))
    panel.on_click(out)
    panel.render(ctx.obs, ctx.state, ctx.year, ctx.version, ctx.view, lang)
controls.write_url(ctx.state.with_(unit=st.session_state.get("unit")))
st.html(f'<div id="povmap-runs" data-runs="{st.session_state["runs"]}" hidden></div>')
