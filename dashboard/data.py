"""The one place with Streamlit caching: thin wrappers around store, loaders, geodata.

Caches are keyed on a *token* of the store file (path, size, mtime), so an import made
from the CLI while the app runs shows up on the next rerun.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geodata.boundaries import web_boundaries
from geodata.crosswalk import build_crosswalk
from povcore.config import settings
from povcore.units import Level, registry
from povstore import queries
from povstore.observations import sources_by_year
from povstore.queries import ImportSummary
from povstore.store import Store

Token = tuple[str, int, int]
CROSSWALK_STEPS = (("2021", "2024"), ("2021", "2025"), ("2024", "2025"))


def store_token() -> Token:
    """Identity of the store's current content (changes with every write)."""
    path = settings().store_path
    if not path.exists():
        return (str(path), 0, 0)
    st_ = path.stat()
    return (str(path), st_.st_size, st_.st_mtime_ns)


@st.cache_data(show_spinner=False, max_entries=4)
def observations(token: Token) -> pd.DataFrame:
    """Every current value: unit_code, boundary_version, year, indicator, value."""
    return queries.observations(Store(settings().store_path))


@st.cache_data(show_spinner=False, max_entries=4)
def store_summary(token: Token) -> ImportSummary:
    """Active imports: how many, the latest, and whether any is demo data."""
    return queries.import_summary(Store(settings().store_path))


@st.cache_data(show_spinner=False, max_entries=4)
def year_sources(token: Token) -> dict[int, ImportSummary]:
    """Per review year, the active imports that hold its current values."""
    return sources_by_year(Store(settings().store_path))


@st.cache_data(show_spinner=False, max_entries=4)
def crosswalks(token: Token) -> dict[tuple[str, str], pd.DataFrame]:
    """Crosswalk weights per (from, to) version.

    Those stored by ``povmap geodata crosswalk`` (area shares for divided units) win;
    otherwise the membership-only weights, built without geometry.
    """
    store = Store(settings().store_path)
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for step in CROSSWALK_STEPS:
        rows = queries.crosswalk_rows(store, step).drop(columns=["from_version", "to_version"])
        out[step] = (rows if len(rows) else
                     membership_weights(*step, settings().province).copy())
    return out


@st.cache_resource(show_spinner=False)
def membership_weights(from_version: str, to_version: str, province: str) -> pd.DataFrame:
    """Crosswalk weights from the unit registry alone (no geometry), once per process.

    They depend only on files shipped with povmap, not on the store. The frame is
    shared: copy it before changing it.
    """
    return build_crosswalk(from_version, to_version, province=province).weights


@dataclass(frozen=True)
class WebBoundaries:
    """A version's browser-sized layer and where its boundaries came from.

    The full-resolution frame is not kept: the app only draws the web layer.
    """

    web: gpd.GeoDataFrame
    source: str
    approximate: bool


@st.cache_resource(show_spinner="Đang chuẩn bị ranh giới … / Preparing boundaries …")
def boundaries(version: str, level: Level) -> WebBoundaries:
    """Web layer and provenance of a version and level (computed once per process)."""
    b, web = web_boundaries(version, level, settings())
    return WebBoundaries(web, b.source, b.approximate)


def web_layer(version: str, level: Level) -> gpd.GeoDataFrame:
    """Browser-sized geometry of a version and level."""
    return boundaries(version, level).web


@st.cache_resource(show_spinner=False)
def province_outline() -> gpd.GeoDataFrame:
    """Outline of the province (union of today's units), lightly generalised."""
    layer = web_layer("2025", "commune").to_crs(32648)
    union = shapely.coverage_union_all(layer.geometry.to_numpy())
    outline = gpd.GeoSeries([shapely.simplify(union.boundary, 150)], crs=32648).to_crs(4326)
    return gpd.GeoDataFrame(geometry=outline.set_precision(1e-5))


def units_table(version: str, level: Level, on: dt.date | None = None) -> pd.DataFrame:
    """Registry rows of a version and level."""
    return registry(settings().province).units(version, level, on=on)


def unit_counts(version: str, level: Level, on: dt.date | None = None) -> dict[str, int]:
    """Units of a version and level by type on a date (from the registry)."""
    return registry(settings().province).counts(version, on).get(level, {})
