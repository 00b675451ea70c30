"""Page "Lọc & ưu tiên": filter units, rank them, allocate a budget, save scenarios (thin).

The filter can also come from the link: ``?where=poor_a_rate>=5&where=share_flood>0|…``
(each ``where`` an AND group, ``|`` inside it OR), and a saved scenario from
``?scenario=ID``; ``?compare=ID`` shows a second scenario side by side.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from analysis.priority import AllocationRule, parse_filter
from analysis.scenario_export import planning_workbook
from dashboard import data, header, planning, progress_data
from povcore.errors import PovmapError
from povcore.i18n import format_number, t
from povmaps.choropleth import (
    FrameControl,
    base_map,
    controls_group,
    overlays_control,
    title_markup,
)
from povmaps.overlays import em_group, overlay_legend_html, priority_group, zone_groups

lang = header.lang()
progress_data.preload()  # the plan's targets give the progress statuses
head = header.Slot()  # names the source of the year chosen in the sidebar
approximate = data.boundaries("2025", "commune").approximate
st.subheader(t("page_prioritise", lang))
token, _, years = header.data_or_stop(lang, head, approximate)

# ---- scenario or link → initial settings (once per scenario / link)
params = st.query_params
opened = params.get("scenario")
source_key = f"{opened}|{params.get_all('where')}"
if st.session_state.get("pr_source") != source_key:
    try:
        initial = (planning.Settings.from_document(planning.scenario(int(opened))["document"])
                 if opened and opened.isdigit()
                 else planning.defaults(parse_filter(params.get_all("where"))))
    except PovmapError as err:
        st.warning(err.summary)
        initial = planning.defaults(parse_filter([]))
    st.session_state["pr_source"] = source_key
    st.session_state["pr_start"] = initial
start: planning.Settings = st.session_state["pr_start"]
if opened:
    st.caption(f":material/bookmark: {t('pr_opened', lang)} #{opened}")

year = st.sidebar.selectbox(t("pr_year", lang), years[::-1], key="pr_year",
                            index=years[::-1].index(start.year) if start.year in years else 0)
head.render(approximate, year=int(year))

# ---- settings: the filter and the budget, then the weights and the coefficients
filter_col, alloc_col = st.columns([3, 2], gap="medium")
weight_col, coef_col = st.columns(2, gap="medium")
# Criterion labels are long: a medium column (full label on hover) keeps the values in view.
criterion_column = {t("pr_criterion", lang): st.column_config.TextColumn(width="medium")}
with filter_col:
    st.markdown(f"**{t('pr_filter', lang)}**")
    options = list(planning.criterion_options(lang))
    rows = st.data_editor(
        planning.filter_rows(start.flt, lang), num_rows="dynamic", hide_index=True,
        key=f"pr_filter_{source_key}_{lang}", width="stretch",
        column_config={
            t("pr_group", lang): st.column_config.NumberColumn(min_value=1, step=1, width="small"),
            t("pr_criterion", lang): st.column_config.SelectboxColumn(options=options,
                                                                      width="medium"),
            t("pr_op", lang): st.column_config.SelectboxColumn(options=list(planning.OPS),
                                                               width="small"),
        })
    st.caption(t("pr_filter_help", lang))
    st.caption(planning.status_source(planning.planning(token, int(year)), lang))
with alloc_col:
    st.markdown(f"**{t('pr_allocation', lang)}**")
    budget = st.number_input(t("pr_budget", lang), min_value=0, step=1_000_000_000,
                             value=start.budget, key=f"pr_budget_{source_key}")
    st.caption(f"= {format_number(budget, lang)} đ")  # the input shows no separators
    low = st.number_input(t("pr_min", lang), min_value=0, step=100_000_000,
                          value=start.rule.min_per_unit, key=f"pr_min_{source_key}")
    high = st.number_input(t("pr_max", lang), min_value=0, step=100_000_000,
                           value=start.rule.max_per_unit or 0, key=f"pr_max_{source_key}")
with weight_col:
    st.markdown(f"**{t('pr_weights', lang)}**")
    weight_rows = st.data_editor(planning.weight_rows(start.weights, lang), hide_index=True,
                                 key=f"pr_weights_{source_key}_{lang}", width="stretch",
                                 disabled=[t("pr_criterion", lang)], height=250,
                                 column_config=criterion_column)
    st.caption(t("pr_weights_help", lang))
with coef_col:
    st.markdown(f"**{t('pr_coefficients', lang)}**")
    coefficient_rows = st.data_editor(planning.coefficient_rows(start.rule, lang),
                                      hide_index=True, key=f"pr_coef_{source_key}_{lang}",
                                      width="stretch", height=250,
                                      disabled=[t("pr_criterion", lang)],
                                      column_config=criterion_column)
    st.caption(t("pr_allocation_help", lang))

# ---- result
try:  # a condition typed in the editor can be invalid (e.g. status==slow)
    current = planning.Settings(
        planning.filter_from_rows(rows, lang), planning.weights_from_rows(weight_rows, lang),
        AllocationRule(planning.coefficients_from_rows(coefficient_rows, lang), int(low),
                       int(high) or None, start.rule.base_points),
        int(budget), int(year))
    doc = planning.document(token, int(year), current)
except PovmapError as err:
    st.error(err.describe())
    st.stop()
st.markdown(f"**{t('pr_result', lang)}** — `{doc['filter']}` · {len(doc['units'])} "
            f"{t('pr_selected', lang)} · {t('pr_year', lang)} {doc['year']}")
map_col, table_col = st.columns(2, gap="medium")  # the table shows every column
p = planning.planning(token, int(year))
web = data.web_layer("2025", "commune").rename(columns={"code": "unit_code"})
with table_col:
    if doc["units"]:
        st.dataframe(planning.result_view(doc, lang), hide_index=True, key="pr_table",
                     width="stretch")
        if "budget" in doc:
            total = sum(u["amount_vnd"] for u in doc["units"])
            st.metric(t("pr_total", lang), f"{format_number(total, lang)} đ")
    else:
        st.info(t("pr_no_units", lang))
    st.download_button(t("pr_download", lang), planning_workbook(doc),
                       file_name=f"loc_uu_tien_{doc['year']}.xlsx", key="pr_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
with map_col:
    layer = planning.zones(token)
    if layer.empty:
        st.caption(t("pr_no_zones", lang))
    groups = [priority_group(web, *planning.ranked(doc)),
              *zone_groups(layer, lang), em_group(web, p.frame["em_commune"], lang),
              controls_group([FrameControl("topright", "title", title_markup(
                  f"{len(doc['units'])} {t('pr_selected', lang)} · "
                  f"{t('pr_year', lang)} {doc['year']}")),
                  overlays_control(overlay_legend_html(sorted(set(layer["zone_type"])), True,
                                                       lang))])]
    outline = data.province_outline()
    st_folium(base_map(list(outline.total_bounds), outline), key="pr_map", height=560,
              use_container_width=True, feature_group_to_add=groups,
              layer_control=folium.LayerControl(collapsed=True), returned_objects=[])

# ---- scenarios
st.markdown(f"**{t('pr_scenarios', lang)}**")
save_col, compare_col = st.columns([1, 2], gap="medium")
with save_col, st.form("pr_save_form"):
    name = st.text_input(t("pr_scenario_name", lang), key="pr_name")
    author = st.text_input(t("pr_author", lang), key="pr_author")
    if st.form_submit_button(t("pr_save", lang)):
        try:
            new_id = planning.save(name, author, current)
            st.success(f"{t('pr_saved', lang)} #{new_id} — {t('pr_link', lang)}: "
                       f"`?scenario={new_id}`")
        except PovmapError as err:
            st.error(err.summary)
with compare_col:
    saved = planning.scenarios()
    labels = {int(r["id"]): f"#{r['id']} {r['name']} ({r['author']}, {r['created_at'][:10]})"
              for r in saved.to_dict("records")}
    chosen = st.multiselect(t("pr_compare", lang), list(labels), format_func=lambda i: labels[i],
                            max_selections=2, key="pr_compare")
    for column, scenario_id in zip(st.columns(2), chosen, strict=False):
        other = planning.Settings.from_document(planning.scenario(scenario_id)["document"])
        other_doc = planning.document(token, other.year or int(year), other)
        with column:
            st.caption(f"{labels[scenario_id]} — `{other_doc['filter']}`")
            st.dataframe(planning.result_view(other_doc, lang), hide_index=True,
                         width="stretch")
