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
from analysis.progress import (
    STATUSES,
    PhaseProgress,
    Progress,
    TerritoryProgress,
    assess,
    completion_table,
    headline,
    phase_progress,
)
from analysis.series import children, parent, unit_series, unit_table
from analysis.targets import Deadline, Target, calendar, default_targets, next_deadline
from analysis.tasks import default_tasks, task_state, task_table

__all__ = [
    "GEOGRAPHIES",
    "NO_DATA_COLOUR",
    "PALETTES",
    "PLAN_TARGETS",
    "SCHEMES",
    "STATUSES",
    "Classification",
    "Deadline",
    "MapValues",
    "PhaseProgress",
    "Progress",
    "ProvinceSummary",
    "Target",
    "TerritoryProgress",
    "assess",
    "available_years",
    "calendar",
    "children",
    "class_colours",
    "class_labels",
    "classify",
    "completion_table",
    "default_targets",
    "default_tasks",
    "headline",
    "map_values",
    "next_deadline",
    "on_track_units",
    "palette",
    "parent",
    "phase_progress",
    "province_summary",
    "task_state",
    "task_table",
    "top_units",
    "unit_series",
    "unit_table",
]
