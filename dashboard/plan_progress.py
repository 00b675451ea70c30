"""The overview's plan block: next reporting deadline and the phase's headline progress."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from analysis.progress import headline, status_counts, status_label
from analysis.targets import next_deadline, phase_of_year
from dashboard import data
from dashboard import progress_data as pdata
from povcore.i18n import format_number, t


def _deadline(token: data.Token, lang: str, today: dt.date) -> None:
    nxt = next_deadline(today, pdata.deadlines())
    if nxt is None:
        return
    data_in = nxt.review_year in pdata.years_with_data(token)
    days = t("pg_days_left", lang).format(n=(nxt.due - today).days)
    state = (t("pg_data_in", lang) if data_in else t("pg_data_missing", lang)).format(
        y=nxt.review_year)
    mark = ":green[:material/check_circle:]" if data_in else ":orange[:material/pending:]"
    st.markdown(f"**{t('pg_next_deadline', lang)}:** {nxt.label(lang)} — "
                f"{nxt.due.strftime('%d/%m/%Y')} ({days}) · {mark} {state}")


def render(token: data.Token, year: int, lang: str, today: dt.date | None = None) -> None:
    """Draw the plan block for the review ``year``."""
    st.subheader(t("plan_progress", lang))
    _deadline(token, lang, today or dt.date.today())
    pdata.preload()
    token = data.store_token()  # the preload may have written to the store
    phase = phase_of_year(year)
    if phase is None:
        return
    pp = pdata.progress(token, phase, "as-collected")
    for tp in pp.territories:
        p = tp.progress
        ratio = (p.reduction_pct / tp.target.reduction_pct
                 if p.reduction_pct == p.reduction_pct and tp.target.reduction_pct > 0 else 0.0)
        st.progress(min(max(ratio, 0.0), 1.0),
                    text=f"{headline(tp, lang)} — {status_label(p.status, lang)}")
    counts = status_counts(pp.units)
    st.caption(" · ".join(f"{status_label(s, lang)}: {format_number(n, lang)}"
                          for s, n in counts.items())
               + (f" — {pp.baseline_note_vi if lang == 'vi' else pp.baseline_note_en}"
                  if pp.baseline_note_vi else ""))
    st.page_link("pages/progress.py", label=t("page_progress", lang), icon=":material/flag:")


def path_chart(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Actual territory values against the target path, over the plan's yearly band.

    ``frame``: :func:`analysis.progress.path_frame` (index year; actual, target,
    band_fast, band_slow).
    """
    df = frame.rename_axis("year").reset_index()
    df["year"] = df["year"].astype(str)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    band = alt.Chart(df).mark_area(opacity=0.25, color="#91cf60").encode(
        x=x, y=alt.Y("band_fast:Q", title=t("households", lang)), y2="band_slow:Q")
    names = {"target": t("pg_path", lang), "actual": t("pg_actual", lang)}
    lines = df.melt(id_vars="year", value_vars=list(names), var_name="series")
    lines["series"] = lines["series"].map(names)
    line = alt.Chart(lines.dropna()).mark_line(point=True, strokeWidth=3).encode(
        x=x, y="value:Q",
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(names.values()),
                                        range=["#d73027", "#1f4e79"])),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=list(names.values()),
                                                  range=[[6, 4], [1, 0]])))
    chart = alt.LayerChart(layer=[band, line], height=300)
    if lang == "vi":  # axis numbers as in the tables: 4.000, 1,5
        chart = chart.configure(locale=alt.Locale(number=alt.NumberLocale(
            decimal=",", thousands=".", grouping=[3], currency=["", " đ"])))
    return chart


def _ints(values: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values]


def unit_display(units: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The units table of the progress page, with translated headers (numbers stay numbers)."""
    return pd.DataFrame({
        t("col_code", lang): units["unit_code"], t("col_name", lang): units["name"],
        t("pg_status", lang): [status_label(s, lang) for s in units["status"]],
        t("pg_baseline", lang): units["baseline"],
        t("pg_latest_year", lang): _ints(units["latest_year"]),
        t("pg_latest", lang): units["latest"],
        t("pg_reduction", lang): units["reduction_pct"].round(1),
        t("pg_due_now", lang): units["due_now"].round(1),
        t("pg_required", lang): units["required_per_year"].round(1),
        t("pg_projection", lang): units["projection"].round(1),
        t("pg_target", lang): units["target"],
    })


def completion_display(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One year of the heads' completion table, with translated headers."""
    return pd.DataFrame({
        t("col_rank", lang): _ints(rows["rank"]), t("col_code", lang): rows["unit_code"],
        t("col_name", lang): rows["name"], t("pg_baseline", lang): rows["baseline"],
        t("pg_due", lang): rows["due"].round(1), t("pg_achieved", lang): rows["achieved"],
        t("pg_completion_pct", lang): rows["completion_pct"].round(1),
        t("pg_status", lang): [status_label(s, lang) for s in rows["status"]]})
