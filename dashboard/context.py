"""What the map-based pages (map, data table) share: data, view state and its view."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from analysis.mapdata import available_years, collected_version
from dashboard import controls, data, header
from povcore.i18n import t
from povcore.units import Level
from povmaps.mapview import MapView, build_view, flags_of
from povmaps.viewstate import ViewState


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


def map_context(lang: str) -> MapContext:
    """Read the view from URL/widgets, draw header and sidebar, build the map view.

    Stops the page with a message when the store holds no data yet.
    """
    ignored = controls.init_from_url()
    token = data.store_token()
    obs = data.observations(token)
    years = available_years(obs)
    if not years:
        header.render()
        st.info(t("no_data_store", lang))
        st.stop()
    state, year = controls.sidebar(obs, years, lang)
    version = "2025" if state.geography == "current" else collected_version(obs, year)
    level: Level = "district" if state.level == "district" else "commune"
    bounds = data.boundaries(version, level)
    summary = header.render(approximate=bounds.approximate)
    web = data.web_layer(version, level)
    view = build_view(obs, state, year, web, data.crosswalks(token), lang)
    return MapContext(obs, state, year, version, web, view,
                      flags_of(summary.demo, bounds.approximate, lang), ignored)
