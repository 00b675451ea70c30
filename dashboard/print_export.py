"""Download buttons for meeting outputs: the current map for print, the report, the deck.

Files are made only when a button is clicked (Streamlit runs a callable ``data`` on
click), never while the page renders. The map is the view on screen — same state,
same classification — drawn on the layer the page already holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import geopandas as gpd
import pandas as pd
import streamlit as st

from analysis.mapdata import collected_version
from analysis.progress import PhaseProgress
from analysis.targets import phase_of_year
from analysis.viewstate import ViewState
from dashboard import data
from dashboard.context import MapContext
from povcore.errors import PovmapError
from povcore.i18n import t
from povcore.units import Level
from povexport.deck import deck_bytes
from povexport.deckdata import deck_inputs, engine_progress_map, progress_map
from povexport.provenance import Provenance
from povexport.report import report_bytes, report_table
from povexport.staticmap import MapSpec, render_map

_MIME = {"png": "image/png", "pdf": "application/pdf",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def print_spec(state: ViewState, year: int, lang: str) -> MapSpec:
    """The print sheet of the view ``state`` (A4 landscape, 300 dpi).

    >>> print_spec(ViewState(indicator="poor_a", k=4), 2025, "en").k
    4
    """
    return MapSpec(**state.view()).with_(year=year, lang=lang)


def _provenance(version: str, source: str, approximate: bool) -> Provenance:
    s = data.store_summary(data.store_token())
    return Provenance(s.last_file, s.last_import, s.n_imports, s.demo, version, source,
                      approximate, dt.date.today())


def view_file(obs: pd.DataFrame, spec: MapSpec, frame: gpd.GeoDataFrame,
              crosswalks: Mapping[tuple[str, str], pd.DataFrame], prov: Provenance,
              fmt: str) -> bytes:
    """The print map of ``spec`` as PNG or PDF bytes."""
    return render_map(obs, spec, frame, prov, crosswalks).to_bytes(fmt)


def map_buttons(ctx: MapContext, lang: str) -> None:
    """"Print map (PNG)" and "(PDF)" buttons for the view on screen."""
    token = data.store_token()
    level: Level = "district" if ctx.state.level == "district" else "commune"
    bounds = data.boundaries(ctx.version, level)
    prov = _provenance(ctx.version, bounds.source, bounds.approximate)
    spec = print_spec(ctx.state, ctx.year, lang)
    crosswalks = data.crosswalks(token)
    slug = f"ban_do_{ctx.state.indicator}_{ctx.year}"

    def make(fmt: str) -> Callable[[], bytes]:
        return lambda: view_file(ctx.obs, spec, ctx.web, crosswalks, prov, fmt)

    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "png"), (c2, "pdf")):
        col.download_button(t(f"export_button_{fmt}", lang), make(fmt),
                            file_name=f"{slug}.{fmt}", mime=_MIME[fmt], on_click="ignore",
                            icon=":material/print:")


def report_file(obs: pd.DataFrame, year: int, version: str,
                crosswalks: Mapping[tuple[str, str], pd.DataFrame], prov: Provenance) -> bytes:
    """The year-end report workbook of ``year`` as XLSX bytes."""
    return report_bytes(report_table(obs, year, version, crosswalks), prov)


def deck_file(obs: pd.DataFrame, year: int, frame: gpd.GeoDataFrame,
              crosswalks: Mapping[tuple[str, str], pd.DataFrame], prov: Provenance,
              lang: str, current: gpd.GeoDataFrame, current_prov: Provenance,
              progress: PhaseProgress | None = None,
              tasks: pd.DataFrame | None = None) -> bytes:
    """The meeting deck of ``year`` as PPTX bytes.

    The poverty map is drawn on ``frame`` (the units ``year`` was collected on), the
    progress map on ``current`` (today's units) from the progress engine's ``progress``
    when given; ``tasks`` is the tracker's task table.
    """
    spec = MapSpec(indicator="poor_rate", year=year, lang=lang, dpi=150)
    png = view_file(obs, spec, frame, crosswalks, prov, "png")
    progress_png = (engine_progress_map(progress, current, current_prov, lang)
                    if progress is not None else
                    progress_map(obs, crosswalks, year, current, current_prov, lang))
    return deck_bytes(deck_inputs(obs, crosswalks, year, png, prov, lang, progress_png,
                                  progress, tasks))


def _engine(year: int) -> tuple[PhaseProgress | None, pd.DataFrame | None]:
    """Progress engine and task table as the Progress and Tasks pages compute them."""
    from dashboard import progress_data

    phase = phase_of_year(year)
    try:
        pp = (progress_data.progress(data.store_token(), phase, "current")
              if phase else None)
    except PovmapError:
        pp = None
    return pp, progress_data.tasks(dt.date.today())[0]


def year_buttons(obs: pd.DataFrame, year: int, lang: str) -> None:
    """"Year-end report (XLSX)" and "Meeting slides (PPTX)" buttons for ``year``."""
    version = collected_version(obs, year)
    crosswalks = data.crosswalks(data.store_token())
    bounds = data.boundaries(version, "commune")
    current = data.boundaries("2025", "commune")
    table_prov = _provenance(version, t("export_registry", lang), False)
    map_prov = _provenance(version, bounds.source, bounds.approximate)
    current_prov = _provenance("2025", current.source, current.approximate)
    c1, c2 = st.columns(2)
    c1.download_button(t("export_button_report", lang),
                       lambda: report_file(obs, year, version, crosswalks, table_prov),
                       file_name=f"bao_cao_ra_soat_{year}.xlsx", mime=_MIME["xlsx"],
                       on_click="ignore", icon=":material/table:")
    c2.download_button(t("export_button_deck", lang),
                       lambda: deck_file(obs, year, bounds.web, crosswalks, map_prov, lang,
                                         current.web, current_prov, *_engine(year)),
                       file_name=f"hop_ban_chi_dao_{year}.pptx", mime=_MIME["pptx"],
                       on_click="ignore", icon=":material/slideshow:")
