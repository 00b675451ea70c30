"""Page "Đơn vị hành chính": the unit registry of one version on a date (thin)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data, header
from povcore.i18n import t
from povcore.units import VERSIONS

lang = header.lang()
header.render()
st.title(t("page_units", lang))
version = st.selectbox(t("version", lang), list(VERSIONS), index=2, key="units_version",
                       format_func=lambda k: VERSIONS[k].label_vi if lang == "vi"
                       else VERSIONS[k].label_en)
levels = VERSIONS[version].levels
level = st.radio(t("level", lang), levels, index=len(levels) - 1, horizontal=True,
                 format_func=lambda lv: t(f"level_{lv}", lang), key="units_level")
on = None
if version == "2025":
    on = st.radio(t("on_date", lang), [dt.date(2025, 7, 1), dt.date(2026, 4, 30)], index=1,
                  horizontal=True, format_func=lambda d: d.strftime("%d/%m/%Y"),
                  key="units_on")
table = data.units_table(version, level, on)
b = data.boundaries(version, level)
st.metric(t("units_count", lang), len(table))
st.caption(f"{t('boundary_source', lang)}: {b.source}"
           + (f" — :red[{t('approximate', lang)}]" if b.approximate else ""))
counts = data.unit_counts(version, level, on)
st.caption(" · ".join(f"{typ}: {n}" for typ, n in counts.items()))
st.dataframe(
    table[["code", "name", "type", "parent_code"]].rename(columns={
        "code": t("col_code", lang), "name": t("col_name", lang),
        "type": t("col_type", lang), "parent_code": t("col_parent", lang)}),
    hide_index=True, width="stretch",
)
