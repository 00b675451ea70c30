"""Page "Số liệu": the table behind the current map, filterable, as CSV and XLSX (thin)."""

from __future__ import annotations

import streamlit as st

from dashboard import controls, header
from dashboard.context import map_context
from dashboard.exports import table_csv, table_xlsx
from povcore.i18n import format_number, t
from povmaps.viewstate import to_query

lang = header.lang()
ctx = map_context(lang)
view, state, year = ctx.view, ctx.state, ctx.year
st.title(f"{t('page_data', lang)}: {view.title}")
st.caption(f"{t('method', lang)}: {view.method}")
flags = ctx.flags
if flags:
    st.caption(f":orange[**{' · '.join(flags)}**]")
name_filter = st.text_input(t("filter_name", lang), key="tbl_filter")
table = view.table.rename(columns={
    "code": t("col_code", lang), "name": t("col_name", lang), "type": t("col_type", lang),
    "value": t("col_value", lang), "previous": t("col_previous", lang),
    "change": t("col_change", lang), "rank": t("col_rank", lang)})
if name_filter:
    hits = set(controls.search_matches(view.table, name_filter)["code"])
    table = table[view.table["code"].isin(hits)]
st.caption(f"{t('rows_shown', lang)}: {len(table)}")
decimals = 2 if view.values.indicator.endswith("_rate") else 0
numbers = [t(c, lang) for c in ("col_value", "col_previous", "col_change")]
# A Styler shows Vietnamese/English number formats while sorting stays numeric.
st.dataframe(table.style.format(lambda v: format_number(v, lang, decimals), subset=numbers)
             .format(lambda v: format_number(v, lang, 0), subset=[t("col_rank", lang)]),
             hide_index=True, width="stretch")
selection = {t("col_indicator", lang): view.title, t("method", lang): view.method,
             "URL": "?" + "&".join(f"{k}={v}" for k, v in to_query(state).items())}
if flags:
    selection[t("source", lang)] = " · ".join(flags)
slug = f"{state.indicator}_{year}_{state.geography}"
c1, c2 = st.columns(2)
c1.download_button(t("download_csv", lang), table_csv(table, selection),
                   file_name=f"povmap_{slug}.csv", mime="text/csv")
c2.download_button(t("download_xlsx", lang), table_xlsx(table, selection),
                   file_name=f"povmap_{slug}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
