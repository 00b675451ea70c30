"""Page "Bản đồ nghèo": choropleth by unit, side panel, shareable view (thin)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, controls, data, header, panel, print_export
from dashboard.context import map_context
from povcore.i18n import t
from povmaps.choropleth import base_map
from povmaps.mapview import zoom_target

lang = header.lang()
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
ctx = map_context(lang)
if ctx.ignored_params:
    st.warning(f"{t('ignored_params', lang)}: {', '.join(ctx.ignored_params)}")
st.subheader(ctx.view.title)
map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    if ctx.flags:
        st.caption(f":orange[**{' · '.join(ctx.flags)}**]")
    center, zoom = zoom_target(ctx.web, st.session_state.get("zoom_unit"))
    outline = data.province_outline()
    out = st_folium(base_map(outline.total_bounds, outline), key="povmap", height=620,
                    use_container_width=True, feature_group_to_add=ctx.view.group,
                    center=center, zoom=zoom, returned_objects=["last_active_drawing"])
    st.caption(f"{t('method', lang)}: {ctx.view.method}")
    if ctx.view.classification.note:
        st.caption(f":material/info: {ctx.view.classification.note}")
    print_export.map_buttons(ctx, lang)
with side_col:
    st.html(assets.styled(ctx.view.legend_html))
    panel.on_click(out)
    panel.render(ctx.obs, ctx.state, ctx.year, ctx.version, ctx.view, lang)
controls.write_url(ctx.state.with_(unit=st.session_state.get("unit")))
st.html(f'<div id="povmap-runs" data-runs="{st.session_state["runs"]}" hidden></div>')
