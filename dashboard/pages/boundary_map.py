"""Page: the boundaries of one version (thin: widgets → one call → render)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from dashboard.data import boundaries, web_layer
from dashboard.i18n import t
from dashboard.maps import boundary_map
from geodata.units import VERSIONS

lang = st.session_state.get("lang", "vi")
st.title(t("page_map", lang))
version = st.selectbox(t("version", lang), list(VERSIONS), index=2,
                       format_func=lambda k: VERSIONS[k].label_vi if lang == "vi"
                       else VERSIONS[k].label_en)
levels = VERSIONS[version].levels
level = st.radio(t("level", lang), levels, index=len(levels) - 1, horizontal=True,
                 format_func=lambda lv: t(f"level_{lv}", lang))
b = boundaries(version, level)
if b.approximate:
    st.warning(t("approximate", lang), icon=":material/warning:")
st.caption(f"{t('source', lang)}: {b.source} · {t('units_count', lang)}: {len(b.frame)}")
st_folium(boundary_map(web_layer(version, level), b.approximate), height=600,
          use_container_width=True, returned_objects=[], key=f"map_{version}_{level}")
