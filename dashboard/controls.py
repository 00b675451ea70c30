"""Widgets of the map page ↔ :class:`analysis.viewstate.ViewState` ↔ URL query parameters.

The URL is read once per session (a shared link restores the view); afterwards the
widgets own the state and every rerun writes it back to the URL.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from analysis.classify import MAX_CLASSES, MIN_CLASSES, PALETTES, SCHEMES
from analysis.mapdata import GEOGRAPHIES, collected_version
from analysis.viewstate import (
    LEVELS,
    BreaksError,
    Notice,
    ViewState,
    breaks_text,
    from_query,
    level_notice,
    param_notice,
    parse_breaks,
    to_query,
    year_notice,
)
from povcore.i18n import t
from povcore.indicators import INDICATORS
from povcore.names import fold

_WIDGETS = {"indicator": "w_ind", "geography": "w_geo", "level": "w_lvl",
            "scheme": "w_cls", "k": "w_k", "palette": "w_pal"}


def init_from_url() -> list[str]:
    """First run of a session: the view comes from the URL; returns ignored parameters.

    The view is kept in a plain session key (``_view``): Streamlit forgets the values
    of widgets that a page does not draw, so every page re-seeds its widgets from it.
    The notices for the link are kept in ``_notices`` (see :func:`notices`).
    """
    if "_view" in st.session_state:
        return []
    state, bad = from_query({k: st.query_params.get(k, "") for k in st.query_params})
    st.session_state["_view"] = state
    st.session_state["unit"] = state.unit
    st.session_state["_notices"] = [param_notice(b) for b in bad]
    st.session_state["_link_pending"] = True
    return bad


def add_notice(notice: Notice) -> None:
    """Add a notice about the opening link (shown with :func:`notices`)."""
    st.session_state.setdefault("_notices", []).append(notice)


def notices(state: ViewState) -> list[Notice]:
    """Notices about the opening link while its view is shown (cleared once changed)."""
    ss = st.session_state
    if ss.pop("_link_pending", False):
        ss["_notices_view"] = state
    if ss.get("_notices_view") != state:
        ss["_notices"] = []
    return list(ss.get("_notices", []))


def _label(registry_item: object, lang: str) -> str:
    return str(getattr(registry_item, "label_en" if lang == "en" else "label_vi"))


def widget_key(name: str, lang: str) -> str:
    """Session key of a map widget; each language has its own widgets.

    Streamlit keeps a widget's frontend state when only its labels change, which showed
    stale labels and lost radio selections after switching language. New keys are
    seeded from the saved view.

    >>> widget_key("w_ind", "vi"), widget_key("w_ind", "en")
    ('w_ind', 'w_ind_en')
    """
    return name if lang == "vi" else f"{name}_{lang}"


def _seed_widgets(lang: str, page: str) -> None:
    """Set the widgets from the saved view when missing or when the page changed.

    A widget drawn by another page is a different widget to Streamlit, even with the
    same key: after a page switch it would start from its default ("Tổng số hộ",
    k = 3). The saved view therefore wins whenever the page drawing the widgets changes.
    """
    ss = st.session_state
    view: ViewState = ss.get("_view", ViewState())
    seeds: dict[str, object] = {key: getattr(view, field) for field, key in _WIDGETS.items()}
    seeds["w_year"] = view.year
    seeds["w_brk"] = breaks_text(view.breaks, lang)
    force = ss.get("_widgets_page") != (page, lang)
    ss["_widgets_page"] = (page, lang)
    for name, value in seeds.items():
        if force or widget_key(name, lang) not in ss:
            ss[widget_key(name, lang)] = value


def _manual(text: str, lang: str) -> tuple[str, tuple[float, ...]]:
    """Scheme and breaks from the typed breaks; the last valid ones when they are bad."""
    try:
        return "manual", parse_breaks(text)
    except BreaksError as exc:
        if text.strip():
            st.error(exc.notice.text(lang), icon=":material/error:")
        else:
            st.info(exc.notice.text(lang), icon=":material/info:")
    last: ViewState = st.session_state.get("_view", ViewState())
    if last.scheme == "manual" and not last.breaks:
        return ViewState().scheme, ()
    return last.scheme, last.breaks


def set_level(level: str, lang: str) -> None:
    """Change the level widget (drill-down / up) from a callback."""
    st.session_state[widget_key("w_lvl", lang)] = level


def drill_into(district: str, version: str, lang: str) -> None:
    """Callback: show only the communes of ``district``, zoomed to it."""
    set_level("commune", lang)
    ss = st.session_state
    ss["drill"] = (district, version)
    ss["unit"] = None
    ss["zoom_unit"] = None


def drill_out(district: str, lang: str) -> None:
    """Callback: back to the province's districts, ``district`` selected and in view."""
    set_level("district", lang)
    ss = st.session_state
    ss["drill"] = None
    ss["unit"] = district
    ss["zoom_unit"] = district


def sidebar(obs: pd.DataFrame, years: Sequence[int], lang: str,
            page: str = "map") -> tuple[ViewState, int]:
    """Draw the map controls; returns the state and the year to show."""
    _seed_widgets(lang, page)
    ss = st.session_state

    def k(name: str) -> str:
        return widget_key(name, lang)

    sb = st.sidebar
    sb.selectbox(t("indicator", lang), list(INDICATORS), key=k("w_ind"),
                 format_func=lambda x: INDICATORS[x].label(lang))
    if ss.get(k("w_year")) not in years:
        asked = ss.get(k("w_year"))
        if ss.get("_link_pending") and isinstance(asked, int):
            add_notice(year_notice(asked, years[-1]))
        ss[k("w_year")] = years[-1]
    year = int(sb.selectbox(t("year", lang), list(years), key=k("w_year")))
    sb.radio(t("geography", lang), list(GEOGRAPHIES), key=k("w_geo"),
             format_func=lambda x: _label(GEOGRAPHIES[x], lang))
    version = collected_version(obs, year) if ss[k("w_geo")] == "collected" else "2025"
    levels = list(LEVELS) if version in ("2021", "2024") else ["commune"]
    if ss.get(k("w_lvl")) not in levels:
        if ss.get("_link_pending"):
            add_notice(level_notice(str(ss.get(k("w_lvl"))), version))
        ss[k("w_lvl")] = "commune"
    sb.radio(t("level", lang), levels, key=k("w_lvl"), horizontal=True,
             format_func=lambda lv: t(f"level_{lv}", lang))
    with sb.expander(t("scheme", lang)):
        st.selectbox(t("scheme", lang), list(SCHEMES), key=k("w_cls"),
                     format_func=lambda x: _label(SCHEMES[x], lang))
        st.slider(t("classes", lang), MIN_CLASSES, MAX_CLASSES, key=k("w_k"))
        st.selectbox(t("palette", lang), list(PALETTES), key=k("w_pal"))
        scheme, breaks = str(ss[k("w_cls")]), tuple[float, ...]()
        if scheme == "manual":
            st.text_input(t("breaks", lang), key=k("w_brk"),
                          placeholder="1; 2,5; 5" if lang == "vi" else "1; 2.5; 5")
            scheme, breaks = _manual(str(ss.get(k("w_brk"), "")), lang)
    state = ViewState(
        indicator=ss[k("w_ind")], year=year, geography=ss[k("w_geo")], level=ss[k("w_lvl")],
        scheme=scheme, k=int(ss[k("w_k")]), palette=ss[k("w_pal")],
        breaks=breaks, unit=ss.get("unit"),
    )
    ss["_view"] = state
    return state, year


def write_url(state: ViewState) -> None:
    """Make the address bar a shareable link to ``state`` (only when it changed)."""
    wanted = to_query(state)
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)


def search_matches(units: pd.DataFrame, text: str) -> pd.DataFrame:
    """Units whose name contains ``text``, insensitive to diacritics, case and prefix."""
    key = fold(text)
    if not key:
        return units.iloc[0:0]
    folded = units["name"].map(fold)
    return units[folded.str.contains(key, regex=False)]
