"""Page "Nhiệm vụ": the plan's appendix tasks, status updates (history), overdue flags."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analysis.tasks import TASK_STATUSES, status_label
from dashboard import header
from dashboard import progress_data as pdata
from dashboard.exports import table_xlsx
from povcore.errors import PovmapError
from povcore.i18n import t
from povstore.tasks import add_task_update, set_agency_name

lang = header.lang()
header.render()
pdata.preload()
st.title(t("page_tasks", lang))
today = dt.date.today()
table, updates, agencies = pdata.tasks(today)
st.caption(t("pg_tasks_summary", lang).format(n=len(table), k=int(table["overdue"].sum())))
only_overdue = st.toggle(t("pg_overdue_only", lang), key="tk_overdue")
shown = table[table["overdue"]] if only_overdue else table


def _date(d: object) -> str:
    return d.strftime("%d/%m/%Y") if isinstance(d, dt.date) else "—"


view = pd.DataFrame({
    "ID": shown["id"],
    t("pg_overdue", lang): [f"⚠ {_date(d)}" if o else ""
                            for o, d in zip(shown["overdue"], shown["overdue_since"],
                                            strict=True)],
    t("pg_status", lang): [status_label(s, lang) for s in shown["status"]],
    t("pg_timeline", lang): shown["timeline"].replace("", t("pg_no_timeline", lang)),
    t("pg_next_due", lang): [_date(d) for d in shown["next_due"]],
    t("pg_task", lang): shown["task"], t("pg_lead", lang): shown["lead_now"],
    t("pg_partners", lang): shown["partners"], t("pg_product", lang): shown["product"],
    t("pg_last_update", lang): [_date(d) for d in shown["last_update"]],
    t("pg_group", lang): shown["group_title"],
})
st.dataframe(view, hide_index=True, width="stretch", height=420, key="tk_table",
             column_config={
    t("pg_task", lang): st.column_config.TextColumn(width="large"),
    t("pg_lead", lang): st.column_config.TextColumn(width="large")})
st.download_button(t("download_xlsx", lang),
                   table_xlsx(view, {t("pg_date", lang): today.isoformat()}),
                   "nhiem_vu_ke_hoach_60.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("pg_update", lang))
ids = [str(i) for i in table["id"]]
titles = dict(zip(ids, table["task"].astype(str), strict=True))
task_id = str(st.selectbox("ID", ids, key="tk_id",
                            format_func=lambda i: f"{i} — {titles[i][:90]}"))
with st.form("tk_update"):
    status = st.radio(t("pg_status", lang), list(TASK_STATUSES), horizontal=True,
                      format_func=lambda s: status_label(s, lang), key="tk_status")
    on_date = st.date_input(t("pg_date", lang), today, key="tk_date")
    note = st.text_input(t("pg_note", lang), key="tk_note")
    author = st.text_input(t("pg_updater", lang), key="tk_author")
    if st.form_submit_button(t("pg_save", lang)):
        try:
            add_task_update(pdata.store(), task_id, str(status), note, on_date, author or None)
        except PovmapError as err:
            st.error(err.describe())
        else:
            st.success(t("pg_saved", lang))
            st.rerun()
history = updates[updates["task_id"] == task_id]
st.markdown(f"**{t('pg_task_history', lang)}**")
st.dataframe(pd.DataFrame({
    t("pg_date", lang): history["on_date"],
    t("pg_status", lang): [status_label(s, lang) for s in history["status"]],
    t("pg_note", lang): history["note"], t("pg_updater", lang): history["author"],
}), hide_index=True, key="tk_history")

with st.expander(t("pg_agencies", lang)):
    st.dataframe(agencies, hide_index=True)
    with st.form("tk_agency"):
        name = st.selectbox(t("pg_agency", lang), agencies["name"].tolist())
        new_name = st.text_input(t("pg_agency_now", lang))
        basis = st.text_input(t("pg_note", lang))
        if st.form_submit_button(t("pg_save", lang)) and new_name.strip():
            set_agency_name(pdata.store(), name, new_name.strip(), basis)
            st.success(t("pg_saved", lang))
            st.rerun()
