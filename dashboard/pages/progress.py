"""Page "Tiến độ mục tiêu": status map, headline, path chart, unit and completion tables."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis.progress import headline, path_frame, status_label
from analysis.targets import PATHS, PHASES, path_words, phase_of_year, with_changes
from dashboard import data, header, planning, tables
from dashboard import progress_data as pdata
from dashboard.exports import table_csv, table_xlsx
from dashboard.plan_progress import completion_display, path_chart, unit_display
from povcore.errors import PovmapError
from povcore.i18n import format_number, t
from povmaps.choropleth import base_map, controls_group, framed, overlays_control
from povmaps.mapview import flags_of, frame_controls, stamp_lines
from povmaps.overlays import em_group, overlay_legend_html, zone_groups
from povmaps.status import status_view
from povstore.targets import save_target

lang = header.lang()
pdata.preload()
token = data.store_token()
years = pdata.years_with_data(token)
phases = list(PHASES)
latest_phase = phase_of_year(years[-1]) if years else None
default_phase = phases.index(latest_phase) if latest_phase else 0
with st.sidebar:
    phase = st.selectbox(t("pg_phase", lang), phases, index=default_phase, key="pg_phase")
    geography = st.radio(t("pg_geography", lang), ["as-collected", "current"], key="pg_geo",
                         format_func=lambda g: t(f"pg_geo_{g}", lang))
st.title(t("page_progress", lang))
if not years:
    header.render()
    st.info(t("no_data_store", lang))
    st.stop()
pp = pdata.progress(token, phase, geography)
bounds = data.boundaries(pp.version, "commune")
in_phase = [y for y in years if phase_of_year(y) == phase]
summary = header.render(approximate=bounds.approximate,
                        year=in_phase[-1] if in_phase else years[-1])
if not pp.territories:
    st.warning(pp.baseline_note_vi if lang == "vi" else pp.baseline_note_en or
               t("pg_no_target", lang))
    st.stop()
if pp.baseline_note_vi:
    st.warning(pp.baseline_note_vi if lang == "vi" else pp.baseline_note_en,
               icon=":material/info:")


def _num(x: float | None, decimals: int = 0) -> str:
    return format_number(x, lang, decimals)


for tp in pp.territories:
    p, target = tp.progress, tp.target
    st.subheader(headline(tp, lang))
    st.caption(f"{target.label(lang)} · {path_words(target, lang, p.baseline_year)} · "
               f"{target.source}")
    cols = st.columns(6)
    d = 2 if target.kind == "rate_points" else 0  # rates in %, households whole
    cols[0].metric(f"{t('pg_baseline', lang)} ({p.baseline_year})", _num(p.baseline, d))
    cols[1].metric(f"{t('pg_latest', lang)} ({p.latest_year or '—'})", _num(p.latest, d))
    cols[2].metric(t("pg_due_now", lang), _num(p.due_now, d))
    cols[3].metric(t("pg_target_end", lang), _num(p.target_end, d))
    cols[4].metric(t("pg_required", lang), _num(p.required_per_year, max(d, 1)))
    cols[5].metric(t("pg_projection", lang), _num(p.projection, d))
    st.markdown(f"**{t('pg_status', lang)}: {status_label(p.status, lang)}**")

map_col, side_col = st.columns([3, 2], gap="medium")
view = status_view(data.web_layer(pp.version, "commune"), pp.units, lang)
# Title, legend and data stamp inside the map frame, carried by the status layer.
framed(view.group, frame_controls(
    t("pg_status_map", lang), view.legend_html,
    stamp_lines(summary.last_file, summary.last_import, lang),
    flags_of(summary.demo, bounds.approximate, lang)))
zones = planning.zones(token)
em = planning.em_communes(token)
with_em = bool((em.fillna(0) > 0).any())
overlays = zone_groups(zones, lang)
if with_em:
    today = data.web_layer("2025", "commune").rename(columns={"code": "unit_code"})
    overlays.append(em_group(today, em, lang))
legends = ([controls_group([overlays_control(overlay_legend_html(
    sorted(set(zones["zone_type"])), with_em, lang, with_selection=False))])]
           if overlays else [])
with map_col:
    outline = data.province_outline()
    st_folium(base_map([float(v) for v in outline.total_bounds], outline), key="pg_map", height=520,
              use_container_width=True, feature_group_to_add=[view.group, *overlays, *legends],
              layer_control=folium.LayerControl(collapsed=True) if overlays else None,
              returned_objects=[])
    st.caption(f"{t('method', lang)}: {pp.method_vi if lang == 'vi' else pp.method_en} "
               f"{t('pg_outside', lang)}")
with side_col:
    main = pp.territories[0]
    st.markdown(f"**{t('pg_chart', lang)}**")
    st.altair_chart(path_chart(path_frame(main), lang), width="stretch")
    st.caption(t("pg_band_note", lang).format(lo=f"{main.target.annual_min_pct:g}",
                                              hi=f"{main.target.annual_max_pct:g}"))

st.subheader(t("pg_units", lang))
units = unit_display(pp.units, lang)
st.dataframe(tables.localised(units, lang, plain=[t("pg_latest_year", lang)]),
             hide_index=True, width="stretch", key="pg_units_table")
selection = {t("pg_phase", lang): phase, t("pg_geography", lang): t(f"pg_geo_{geography}", lang)}
c1, c2 = st.columns(2)
c1.download_button(t("download_csv", lang), table_csv(units, selection),
                   f"tien_do_{phase}.csv", "text/csv")
c2.download_button(t("download_xlsx", lang), table_xlsx(units, selection),
                   f"tien_do_{phase}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("pg_completion", lang))
st.caption(t("pg_completion_help", lang))
completion = pdata.completion(token, phase, geography)
if not completion.empty:
    year = st.selectbox(t("col_year", lang), sorted(completion["year"].unique(), reverse=True),
                        key="pg_completion_year")
    table = completion_display(completion[completion["year"] == year], lang)
    st.dataframe(tables.localised(table, lang), hide_index=True, width="stretch")
    st.download_button(t("download_xlsx", lang),
                       table_xlsx(table, {**selection, t("col_year", lang): str(year)}),
                       f"muc_do_hoan_thanh_{phase}_{year}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="pg_completion_xlsx")

with st.expander(t("pg_targets", lang)):
    all_targets = pdata.targets(token)
    st.dataframe(pd.DataFrame([x.to_dict() for x in all_targets]), hide_index=True)
    with st.form("pg_edit_target"):
        st.markdown(f"**{t('pg_edit', lang)}**")
        keys = [x.key for x in all_targets]
        key = st.selectbox(t("pg_target", lang), keys)
        current = next(x for x in all_targets if x.key == key)
        reduction = st.number_input(t("pg_reduction_pct", lang), 0.0, 100.0,
                                    float(current.reduction_pct)
                                    if pd.notna(current.reduction_pct) else 80.0)
        path = st.radio(t("pg_path_reading", lang), list(PATHS),
                        index=list(PATHS).index(current.path),
                        format_func=lambda x: PATHS[x][0 if lang == "vi" else 1])
        base_year = st.number_input(t("pg_baseline_year", lang), 2000, 2030,
                                    int(current.baseline_year))
        enabled = st.checkbox(t("pg_enabled", lang), current.enabled)
        reason = st.text_input(t("pg_reason", lang))
        author = st.text_input(t("pg_author", lang))
        if st.form_submit_button(t("pg_save", lang)):
            try:
                new = with_changes(current, {"reduction_pct": reduction, "path": path,
                                             "baseline_year": int(base_year),
                                             "enabled": enabled})
                save_target(pdata.store(), new.to_dict(), reason, author or None)
            except PovmapError as err:
                st.error(err.describe())
            else:
                st.success(t("pg_saved", lang))
                st.rerun()
    st.markdown(f"**{t('pg_history', lang)}**")
    st.dataframe(pdata.history(), hide_index=True)
