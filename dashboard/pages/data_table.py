"""Page "Số liệu": the table behind the current map, filterable, as CSV and XLSX (thin)."""

from __future__ import annotations

import streamlit as st

from analysis.classify import SCHEMES
from analysis.viewstate import to_query
from dashboard import controls, header, tables
from dashboard.context import map_context
from dashboard.exports import table_csv, table_xlsx
from povcore.i18n import decimals_of, t

lang = header.lang()
ctx = map_context(lang, "data")
view, state, year = ctx.view, ctx.state, ctx.year
for notice in ctx.notices:
    st.warning(notice.text(lang), icon=":material/link_off:")
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
decimals = decimals_of(view.values.indicator)
# Value columns with the indicator's decimals, ranks whole; sorting stays numeric.
st.dataframe(tables.localised(table, lang, {t(c, lang): decimals for c in
                                            ("col_value", "col_previous", "col_change")}),
             hide_index=True, width="stretch")
scheme = SCHEMES[state.scheme]
scheme_label = scheme.label(lang)
selection = {t("col_indicator", lang): view.title, t("method", lang): view.method,
             t("scheme", lang): f"{scheme_label}, k = {view.classification.k}",
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
controls.write_url(state)
