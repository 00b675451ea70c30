"""Side panel of the map page: search, the selected unit, its series and indicators."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import streamlit as st

from analysis.series import children, parent, unit_series, unit_table
from analysis.viewstate import ViewState
from dashboard import data
from dashboard.controls import drill_into, drill_out, search_matches
from povcore.i18n import format_value, t
from povcore.indicators import get_indicator
from povmaps.mapview import MapView


def on_click(out: dict[str, Any] | None) -> None:
    """A click on the map selects the unit (once per click)."""
    drawing = (out or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    if code and code != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = code
        st.session_state["unit"] = str(code)


def _select(code: str | None, zoom: bool = False) -> None:
    st.session_state["unit"] = code
    if zoom:
        st.session_state["zoom_unit"] = code


def _search(units: pd.DataFrame, lang: str) -> None:
    text = st.text_input(t("search", lang), key="search", placeholder="Biên Hòa, Tan Phu …")
    if not text:
        return
    hits = search_matches(units, text)
    for _, row in hits.head(8).iterrows():
        st.button(f"{row['name']} ({row['code']})", key=f"hit_{row['code']}",
                  on_click=_select, args=(str(row["code"]), True))


def _drill(code: str, version: str, state: ViewState, lang: str) -> None:
    if state.level == "district":
        st.button(t("drill_down", lang), key="drill_down", on_click=drill_into,
                  args=(code, version, lang))
        kids = children(code, version)
        st.caption(f"{t('children', lang)}: " + ", ".join(kids["name"]))
    elif version in ("2021", "2024"):
        up = parent(code, version)
        if up is not None:
            st.caption(f"{t('parent', lang)}: {up['name']}")
            st.button(t("drill_up", lang), key="drill_up", on_click=drill_out,
                      args=(str(up["code"]), lang))


def render(obs: pd.DataFrame, state: ViewState, year: int, version: str, view: MapView,
           lang: str) -> None:
    """The panel for the selected unit (or search and a hint when none is)."""
    units = view.table
    _search(units, lang)
    code = st.session_state.get("unit")
    row = units[units["code"] == code]
    if row.empty:
        st.caption(t("panel_hint", lang))
        return
    unit = row.iloc[0]
    ind = get_indicator(state.indicator)
    st.markdown(f"#### {html.escape(str(unit['name']))}")
    st.html(f'<div id="povmap-selected" data-code="{html.escape(str(code))}">'
            f'{html.escape(str(unit["type"]))} · {t("col_code", lang)} '
            f'{html.escape(str(code))}</div>')
    st.metric(ind.label(lang), format_value(float(unit["value"]), ind, lang))
    st.button(t("close", lang), key="close", on_click=_select, args=(None,))
    _drill(str(code), version, state, lang)
    crosswalks = data.crosswalks(data.store_token())
    series = unit_series(obs, str(code), version, state.indicator, crosswalks)
    st.markdown(f"**{t('series', lang)}**")
    # Years as text: a numeric axis would print "2,021".
    st.line_chart(series.assign(year=series["year"].astype(str)).set_index("year")["value"],
                  height=180)
    table = unit_table(obs, str(code), version, year, crosswalks)
    st.markdown(f"**{t('indicators_table', lang)}**")
    st.dataframe(
        pd.DataFrame({t("col_indicator", lang): table["label_vi" if lang == "vi" else "label_en"],
                      t("col_value", lang): [format_value(v, key, lang) for v, key in
                                             zip(table["value"], table["key"], strict=True)]}),
        hide_index=True, height=260, width="stretch",
        # The names are long: without a cap the value column scrolled out of view.
        column_config={t("col_indicator", lang): st.column_config.TextColumn(width="medium"),
                       t("col_value", lang): st.column_config.TextColumn(width="small")})
