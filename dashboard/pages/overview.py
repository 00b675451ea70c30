"""Page "Tổng quan": province figures, plan progress, top units, trends (thin)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.mapdata import map_values
from analysis.overview import province_summary, province_trend, top_units
from analysis.viewstate import ViewState
from dashboard import data, header, plan_progress, print_export
from povcore.i18n import format_change, format_number, format_value, t
from povcore.indicators import get_indicator
from povmaps.mapview import names_day

lang = header.lang()
head = header.Slot()  # names the source of the year chosen below
st.title(t("page_overview", lang))
token, obs, years = header.data_or_stop(lang, head)
# The year follows the view shared with the map and data pages, and is shared back.
view = st.session_state.get("_view", ViewState())
shown = view.year if view.year in years else years[-1]
year = st.selectbox(t("year", lang), years, index=years.index(shown), key=f"ov_year_{shown}")
if year != view.year:
    st.session_state["_view"] = view.with_(year=year)
head.render(year=year)
print_export.year_buttons(obs, year, lang)
crosswalks = data.crosswalks(token)
summary = province_summary(obs, year, crosswalks)
st.subheader(f"{t('province_figures', lang)} — {year}")
cols = st.columns(4)
for col, key in zip(cols, ("poor_a", "poor_b", "near_poor", "poor_rate"), strict=True):
    value, change, vs_baseline = (float(summary.table[c][key]) for c in
                                  ("value", "change", "change_vs_baseline"))
    # st.metric reads the sign from a leading ASCII "-": a fall shows as ↓ (green).
    delta = (f"{format_change(change, key, lang)} {t('vs_previous', lang)}"
             .replace("−", "-") if pd.notna(change) else None)
    col.metric(get_indicator(key).label(lang), format_value(value, key, lang),
               delta=delta, delta_color="inverse")
    if pd.notna(vs_baseline):
        col.caption(f"{format_change(vs_baseline, key, lang)} "
                    f"{t('vs_baseline', lang)} ({summary.baseline_year})")
for y, missing in ((year, summary.missing), (summary.baseline_year, summary.baseline_missing)):
    if missing:
        shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
        st.warning(t("pg_missing_units", lang).format(y=y, n=len(missing), codes=shown))
plan_progress.render(token, year, lang)
geography = "current"
mv = map_values(obs, "poor_rate", year, geography, "commune", crosswalks)
names = data.units_table("2025", "commune", names_day("2025", geography, year)).set_index(
    "code")["name"]
left, right = st.columns(2)
for col, by, key in ((left, "value", "top_rate"), (right, "count", "top_count")):
    top = top_units(mv, 10, by=by)
    top = top.assign(name=top["code"].map(names).fillna(top["name"]))
    col.markdown(f"**{t(key, lang)}**")
    col.dataframe(pd.DataFrame({
        t("col_rank", lang): top["rank"].astype(int),
        t("col_name", lang): top["name"],
        t("col_value", lang): [format_value(v, mv.indicator, lang) for v in top["value"]],
        t("col_households", lang): [format_number(v, lang) for v in top["count"]],
    }), hide_index=True)
st.subheader(t("trend", lang))
trend = province_trend(obs)
trend.columns = [get_indicator(k).label(lang) for k in trend.columns]
trend.index = trend.index.astype(str)  # years as labels, not "2,021"
st.line_chart(trend, height=260)
