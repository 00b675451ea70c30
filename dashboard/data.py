"""The one place with Streamlit caching: thin wrappers around loaders and geodata."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from geodata.boundaries import Boundaries, load_boundaries
from geodata.units import Level, registry
from povmap.config import settings


@st.cache_resource(show_spinner="Đang đọc ranh giới … / Loading boundaries …")
def boundaries(version: str, level: Level) -> Boundaries:
    """Boundaries of a version and level (cached per process)."""
    return load_boundaries(version, level, settings())


@st.cache_resource(show_spinner="Đang đơn giản hóa ranh giới … / Simplifying boundaries …")
def web_layer(version: str, level: Level) -> gpd.GeoDataFrame:
    """Browser-sized geometry, simplified once and cached on disk."""
    from geodata.web import cached_web_layer

    b = boundaries(version, level)
    return cached_web_layer(b.frame, settings().cache_dir / "web", f"{version}_{level}")


def units_table(version: str, level: Level):  # type: ignore[no-untyped-def]
    """Registry rows of a version and level."""
    return registry(settings().province).units(version, level)
