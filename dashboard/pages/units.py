"""Page: the unit registry of one version on a date (thin)."""

from __future__ import annotations

import streamlit as st

from dashboard.data import units_table
from dashboard.i18n import t
from geodata.units import VERSIONS

lang = st.session_state.get("lang", "vi")
st.title(t("page_units", lang))
version = st.selectbox(t("version", lang), list(VERSIONS), index=2, key="units_version")
levels = VERSIONS[version].levels
level = st.radio(t("level", lang), levels, index=len(levels) - 1, horizontal=True,
                 format_func=lambda lv: t(f"level_{lv}", lang), key="units_level")
table = units_table(version, level)
st.metric(t("units_count", lang), len(table))
st.dataframe(
    table[["code", "name", "type", "parent_code"]].rename(columns={
        "code": t("col_code", lang), "name": t("col_name", lang),
        "type": t("col_type", lang), "parent_code": t("col_parent", lang)}),
    hide_index=True, use_container_width=True,
)
