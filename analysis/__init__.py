"""Pure computations on frames (no file or network access).

Inputs are the store's long ``observations`` frame (unit_code, boundary_version, year,
indicator, value) and crosswalk weight frames; outputs are small frozen results.
"""

from analysis.classify import (
    NO_DATA_COLOUR,
    PALETTES,
    SCHEMES,
    Classification,
    class_colours,
    class_labels,
    classify,
    palette,
)
from analysis.mapdata import GEOGRAPHIES, MapValues, available_years, map_values
from analysis.overview import (
    PLAN_TARGETS,
    ProvinceSummary,
    on_track_units,
    province_summary,
    top_units,
)
from analysis.series import children, parent, unit_series, unit_table

__all__ = [
    "GEOGRAPHIES",
    "NO_DATA_COLOUR",
    "PALETTES",
    "PLAN_TARGETS",
    "SCHEMES",
    "Classification",
    "MapValues",
    "ProvinceSummary",
    "available_years",
    "children",
    "class_colours",
    "class_labels",
    "classify",
    "map_values",
    "on_track_units",
    "palette",
    "parent",
    "province_summary",
    "top_units",
    "unit_series",
    "unit_table",
]
