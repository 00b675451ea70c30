"""What the map-based pages (map, data table) share: data, view state and its view."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd
import streamlit as st

from analysis.mapdata import collected_version
from analysis.series import children
from analysis.viewstate import Notice, ViewState, unit_notice
from dashboard import controls, data, header
from povcore.units import Level
from povmaps.mapview import MapView, build_view, flags_of, stamp_lines


@dataclass(frozen=True)
class MapContext:
    """Observations, the chosen view, its boundaries and the composed map view."""

    obs: pd.DataFrame
    state: ViewState
    year: int
    version: str
    web: gpd.GeoDataFrame
    view: MapView
    flags: list[str]
    ignored_params: list[str]
    notices: list[Notice] = field(default_factory=list)
    #: The district whose communes alone are shown (code, name), or None.
    drill: tuple[str, str] | None = None


def drill_district(state: ViewState, version: str) -> tuple[str, str] | None:
    """The district drilled into, while the commune map of its version is shown."""
    ss = st.session_state
    drill = ss.get("drill")
    if drill is None:
        return None
    code, drill_version = drill
    if state.level != "commune" or drill_version != version:
        ss["drill"] = None
        return None
    districts = data.units_table(version, "district").set_index("code")["name"]
    return (code, str(districts.get(code, code)))


def map_context(lang: str, page: str = "map") -> MapContext:
    """Read the view from URL/widgets, draw header and sidebar, build the map view.

    Stops the page with a message when the store holds no data yet. During a
    drill-down the layer, and the table behind it, hold only the district's communes
    (classes stay those of the whole province, so colours compare across districts).
    """
    ignored = controls.init_from_url()
    token, obs, years = header.data_or_stop(lang)
    state, year = controls.sidebar(obs, years, lang, page)
    version = "2025" if state.geography == "current" else collected_version(obs, year)
    level: Level = "district" if state.level == "district" else "commune"
    bounds = data.boundaries(version, level)
    summary = header.render(approximate=bounds.approximate, year=year)
    web = data.web_layer(version, level)
    drill = drill_district(state, version)
    if drill is not None:
        web = web[web["code"].isin(set(children(drill[0], version)["code"]))]
    if state.unit is not None and state.unit not in set(web["code"]):
        if st.session_state.get("_link_pending"):
            controls.add_notice(unit_notice(state.unit))
        st.session_state["unit"] = None
        state = state.with_(unit=None)
    flags = flags_of(summary.demo, bounds.approximate, lang)
    view = build_view(obs, state, year, web, data.crosswalks(token), lang,
                      stamp=stamp_lines(summary.last_file, summary.last_import, lang),
                      flags=flags, subtitle=drill[1] if drill is not None else "")
    if drill is not None:
        view = replace(view, table=view.table[view.table["code"].isin(set(web["code"]))]
                       .reset_index(drop=True))
    return MapContext(obs, state, year, version, web, view, flags, ignored,
                      controls.notices(state), drill)
