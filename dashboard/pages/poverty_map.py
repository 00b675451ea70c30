"""Page "Bản đồ nghèo": choropleth by unit, side panel, shareable view (thin)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from analysis.mapdata import available_years, collected_version
from dashboard import controls, data, header, panel
from dashboard.choropleth import base_map
from dashboard.i18n import t
from dashboard.mapview import build_view, zoom_target

lang = header.lang()
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
bad_params = controls.init_from_url()
token = data.store_token()
obs = data.observations(token)
years = available_years(obs)
if not years:
    header.render()
    st.info(t("no_data_store", lang))
    st.stop()
state, year = controls.sidebar(obs, years, lang)
mv_version = "2025" if state.geography == "current" else collected_version(obs, year)
bounds = data.boundaries(mv_version, state.level)  # type: ignore[arg-type]
summary = header.render(approximate=bounds.approximate)
if bad_params:
    st.warning(f"{t('ignored_params', lang)}: {', '.join(bad_params)}")
web = data.web_layer(mv_version, state.level)  # type: ignore[arg-type]
view = build_view(obs, state, year, web, data.crosswalks(token), lang)
st.subheader(view.title)
map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    flags = " · ".join(
        ([t("demo", lang)] if summary.demo else [])
        + ([t("approximate", lang)] if bounds.approximate else []))
    if flags:
        st.caption(f":orange[**{flags}**]")
    center, zoom = zoom_target(web, st.session_state.get("zoom_unit"))
    out = st_folium(base_map(data.province_outline().total_bounds, data.province_outline()),
                    key="povmap", height=620, use_container_width=True,
                    feature_group_to_add=view.group, center=center, zoom=zoom,
                    returned_objects=["last_active_drawing"])
    st.caption(f"{t('method', lang)}: {view.method}")
    if view.classification.note:
        st.caption(f":material/info: {view.classification.note}")
with side_col:
    st.html(view.legend_html)
    panel.on_click(out)
    panel.render(obs, state, year, mv_version, view, lang)
controls.write_url(state.with_(unit=st.session_state.get("unit")))
st.html(f'<div id="povmap-runs" data-runs="{st.session_state["runs"]}" hidden></div>')
